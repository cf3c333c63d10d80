"""Service quirks, one module per service, registered explicitly and typed.

``for_service(name)`` returns the ``Customizations`` a client applies; services without
quirks get the empty default.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Mapping

__all__ = ["Customizations", "for_service"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Customizations:
    # Parsed error dict -> the code used to pick the modelled exception class.
    error_class_code: Callable[[Mapping[str, Any]], str | None] | None = None


NONE = Customizations()
# service name -> module under squall.customizations defining CUSTOMIZATIONS
_REGISTRY: Mapping[str, str] = {
    "sqs": "sqs",
}


def for_service(service_name: str) -> Customizations:
    module = _REGISTRY.get(service_name)
    if module is None:
        return NONE
    found: Customizations = importlib.import_module(f"{__name__}.{module}").CUSTOMIZATIONS
    return found
