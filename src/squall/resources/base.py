"""The base of every resource class, and ``resource.meta``.

A resource instance is identified by its identifiers (equality, hashing and ``repr``
use them, as in boto3); ``meta.data`` holds what ``load()`` fetched, or None until then.
Instances are cheap: the class (shared by every Session) carries the model, an instance
only its client, identifier values and data.
"""
from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["ResourceMeta", "ServiceResource"]


class ResourceMeta:
    """``resource.meta``: ``service_name``, ``identifiers`` (names), ``client``, ``data``
    and ``resource_model``. Mutable as in boto3: ``load()`` replaces ``data``."""

    __slots__ = ("service_name", "identifiers", "client", "data", "resource_model")

    def __init__(
        self, service_name: str, identifiers: list[str] | None = None, client: Any = None,
        data: dict[str, Any] | None = None, resource_model: Any = None,
    ) -> None:
        self.service_name = service_name
        self.identifiers = identifiers if identifiers is not None else []
        self.client = client
        self.data = data
        self.resource_model = resource_model

    def __repr__(self) -> str:
        return f"ResourceMeta('{self.service_name}', identifiers={self.identifiers})"

    def __eq__(self, other: object) -> bool:
        if type(other).__name__ != type(self).__name__:
            return False
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, as boto3's

    def copy(self) -> "ResourceMeta":
        return ResourceMeta(self.service_name, self.identifiers, self.client, self.data, self.resource_model)


class ServiceResource:
    """Base class of resources: ``Cls(*identifiers, client=None, **identifiers)``.

    Identifiers are given positionally (in the model's order) or by name; all are
    required. Without ``client`` the default session's client for the service is used.
    """

    meta: ResourceMeta  # the class's template; each instance gets its own copy
    _squall_context: ClassVar[Any] = None  # the ``_factory._ServiceContext`` that built the class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        template = type(self).meta
        client = kwargs.pop("client", None)
        if client is None:
            import squall

            client = squall.client(template.service_name)
        self.meta = ResourceMeta(template.service_name, template.identifiers, client, None,
                                 template.resource_model)
        names = template.identifiers
        if len(args) > len(names):
            raise ValueError(f"Unknown positional arguments: {args[len(names):]!r}")
        values = self.__dict__
        for name, value in zip(names, args):
            values["_" + name] = value
        for name, value in kwargs.items():
            if name not in names:
                raise ValueError(f"Unknown keyword argument: {name}")
            values["_" + name] = value
        for name in names:
            if values.get("_" + name) is None:
                raise ValueError(f"Required parameter {name} not set")

    @classmethod
    def _squall_new(cls, client: Any, values: dict[str, Any], data: Any) -> Any:
        """An instance from known-good identifier values (``_<name>`` keys), without
        validation: what actions and collections create, by the thousand."""
        obj = cls.__new__(cls)
        template = cls.meta
        obj.__dict__.update(values)
        obj.meta = ResourceMeta(template.service_name, template.identifiers, client, data, template.resource_model)
        return obj

    def _squall_identifier_values(self) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple(values.get("_" + name) for name in self.meta.identifiers)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.meta.identifiers)
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other).__name__ != type(self).__name__:
            return False
        return all(getattr(self, n) == getattr(other, n) for n in self.meta.identifiers)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(getattr(self, n) for n in self.meta.identifiers)))

    def __reduce__(self) -> Any:
        # Rebuilt on the other side from its client (which pickles as its Session plus
        # arguments), the resource's name and identifiers, and any loaded data.
        context = type(self)._squall_context
        if context is None:
            raise TypeError(f"{type(self).__name__} cannot be pickled")
        return _rebuild_resource, (
            self.meta.client, context.service_name, context.api_version,
            context.class_key(type(self)), self._squall_identifier_values(), self.meta.data,
        )


def _rebuild_resource(
    client: Any, service_name: str, api_version: str, resource_name: str,
    identifiers: tuple[Any, ...], data: Any,
) -> ServiceResource:
    from ._factory import classes_for_client

    cls = classes_for_client(client, service_name, api_version).resource_class(resource_name)
    obj: ServiceResource = cls(*identifiers, client=client)
    obj.meta.data = data
    return obj
