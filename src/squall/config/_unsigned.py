"""``UNSIGNED``: pass as ``Config(signature_version=UNSIGNED)`` for anonymous requests."""
from __future__ import annotations

from typing import Any

__all__ = ["UNSIGNED", "is_unsigned"]


class _Unsigned:
    def __repr__(self) -> str:
        return "UNSIGNED"

    def __copy__(self) -> "_Unsigned":
        return self

    def __deepcopy__(self, memo: Any) -> "_Unsigned":
        return self

    def __reduce__(self) -> str:
        return "UNSIGNED"


UNSIGNED = _Unsigned()


def is_unsigned(signature_version: Any) -> bool:
    """squall's UNSIGNED, botocore's (same name, from code ported as is), or "unsigned"."""
    if signature_version is None:
        return False
    if signature_version is UNSIGNED or type(signature_version).__name__ in ("UNSIGNED", "_Unsigned"):
        return True
    return isinstance(signature_version, str) and signature_version.lower() == "unsigned"
