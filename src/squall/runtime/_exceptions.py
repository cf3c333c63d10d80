"""``client.exceptions``: one ClientError subclass per modelled error, built once per model."""
from __future__ import annotations

import threading
from typing import Any

from ..exceptions import ClientError
from ..models import ServiceModel

__all__ = ["ClientExceptions", "exceptions_for"]


class ClientExceptions:
    """Attribute access by shape name (``client.exceptions.QueueDoesNotExist``)."""

    ClientError = ClientError

    def __init__(self, by_name: dict[str, type[ClientError]], by_code: dict[str, type[ClientError]]) -> None:
        self._by_name = by_name
        self._by_code = by_code
        for name, cls in by_name.items():
            setattr(self, name, cls)

    def from_code(self, error_code: str | None) -> type[ClientError]:
        """The modelled class for a wire error code, or ClientError itself."""
        if error_code is None:
            return ClientError
        return self._by_code.get(error_code, ClientError)

    def __dir__(self) -> list[str]:
        return sorted(self._by_name) + ["ClientError", "from_code"]

    def __repr__(self) -> str:
        return f"<ClientExceptions: {', '.join(sorted(self._by_name))}>"


_cache: dict[int, tuple[ServiceModel, ClientExceptions]] = {}
_lock = threading.Lock()


def exceptions_for(service_model: ServiceModel) -> ClientExceptions:
    """Built once per (process, model): classes are shared so ``except`` works across clients."""
    key = id(service_model)
    found = _cache.get(key)
    if found is not None and found[0] is service_model:
        return found[1]
    with _lock:
        found = _cache.get(key)
        if found is not None and found[0] is service_model:
            return found[1]
        by_name: dict[str, type[ClientError]] = {}
        by_code: dict[str, type[ClientError]] = {}
        module = f"squall.errorfactory.{service_model.service_name}"
        for shape in service_model.error_shapes:
            attrs: dict[str, Any] = {"__module__": module, "__doc__": shape.documentation or None}
            cls = type(shape.name, (ClientError,), attrs)
            by_name[shape.name] = cls
            by_code[shape.error_code] = cls
        result = ClientExceptions(by_name, by_code)
        _cache[key] = (service_model, result)
        return result
