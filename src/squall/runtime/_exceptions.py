"""``client.exceptions``: one ClientError subclass per modelled error, built once per model."""
from __future__ import annotations

import threading
from typing import Any

from ..exceptions import ClientError
from ..models import ServiceModel

__all__ = ["ClientExceptions", "exceptions_for"]


class ClientExceptions:
    """Attribute access by shape name (``client.exceptions.QueueDoesNotExist``).

    The classes are made on first use (an attribute, ``from_code``, ``dir``): finding a
    model's error shapes means reading every shape, which a client that never sees an
    error (or never looks) should not pay for at creation.
    """

    ClientError = ClientError

    def __init__(self, service_model: ServiceModel) -> None:
        self._model = service_model
        self._lock = threading.Lock()
        self._tables: tuple[dict[str, type[ClientError]], dict[str, type[ClientError]]] | None = None

    def _built(self) -> tuple[dict[str, type[ClientError]], dict[str, type[ClientError]]]:
        tables = self._tables
        if tables is None:
            with self._lock:  # once: ``except`` clauses need one class per error
                if self._tables is None:
                    self._tables = _build(self._model)
                tables = self._tables
        return tables

    def __getattr__(self, name: str) -> type[ClientError]:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._built()[0][name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}"
            ) from None

    def from_code(self, error_code: str | None) -> type[ClientError]:
        """The modelled class for a wire error code, or ClientError itself."""
        if error_code is None:
            return ClientError
        return self._built()[1].get(error_code, ClientError)

    def __dir__(self) -> list[str]:
        return sorted(self._built()[0]) + ["ClientError", "from_code"]

    def __repr__(self) -> str:
        return f"<ClientExceptions: {', '.join(sorted(self._built()[0]))}>"


def _build(service_model: ServiceModel) -> tuple[dict[str, type[ClientError]], dict[str, type[ClientError]]]:
    by_name: dict[str, type[ClientError]] = {}
    by_code: dict[str, type[ClientError]] = {}
    module = f"squall.errorfactory.{service_model.service_name}"
    for shape in service_model.error_shapes:
        attrs: dict[str, Any] = {"__module__": module, "__doc__": shape.documentation or None}
        cls = type(shape.name, (ClientError,), attrs)
        by_name[shape.name] = cls
        by_code[shape.error_code] = cls
    return by_name, by_code


_cache: dict[int, tuple[ServiceModel, ClientExceptions]] = {}
_lock = threading.Lock()


def exceptions_for(service_model: ServiceModel) -> ClientExceptions:
    """One per (process, model): classes are shared so ``except`` works across clients."""
    key = id(service_model)
    found = _cache.get(key)
    if found is not None and found[0] is service_model:
        return found[1]
    with _lock:
        found = _cache.get(key)
        if found is None or found[0] is not service_model:
            found = (service_model, ClientExceptions(service_model))
            _cache[key] = found
        return found[1]
