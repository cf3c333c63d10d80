"""The resource model (``resources-1.json``) as immutable values, with boto3's naming.

A resource definition names identifiers, a ``load`` action, actions, batch actions,
``has`` relations (sub-resources and references), ``hasMany`` collections and waiters;
its attributes are the members of a shape in the service model. Python names are
snake_cased, and when two of them collide the later kind is renamed ``<name>_<kind>``
in boto3's order of precedence (load, identifiers, actions, sub-resources, references,
collections, waiters, attributes), so every name is the one boto3 users know.
"""
from __future__ import annotations

import logging
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Mapping

from ..models import Shape, xform_name

__all__ = [
    "Param", "Identifier", "Request", "ResponseResource", "Action", "Waiter", "Collection",
    "Attribute", "ResourceModel", "build_resource_model", "WAITER_PREFIX",
]

log = logging.getLogger(__name__)

# The model values are named tuples. typing.NamedTuple spends ~150 us defining each class
# (collections.namedtuple compiles its __new__), ~1.4 ms for the nine here, paid by the
# first resource a process makes; _RecordMeta makes the same kind of class (a tuple
# subclass, fields as properties, no __dict__) without compiling anything. Type checkers
# see typing.NamedTuple.

WAITER_PREFIX = "WaitUntil"


class _RecordMeta(type):
    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        fields = tuple(namespace.get("__annotations__", ()))
        namespace["_field_defaults"] = {f: namespace.pop(f) for f in fields if f in namespace}
        namespace["_fields"] = fields
        namespace["__slots__"] = ()
        namespace["__match_args__"] = fields
        for index, field_name in enumerate(fields):
            namespace[field_name] = property(itemgetter(index), doc=f"Alias for field number {index}")
        return super().__new__(mcls, name, bases, namespace)


class _RecordBase(tuple):  # type: ignore[type-arg]
    """What typing.NamedTuple gives its classes: keyword or positional construction with
    defaults, a repr with the field names, ``_replace`` and ``_asdict``."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _field_defaults: dict[str, Any] = {}

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        fields = cls._fields
        if len(args) == len(fields) and not kwargs:
            return tuple.__new__(cls, args)
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments, got {len(args)}")
        values = list(args)
        for name in fields[len(args):]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif name in cls._field_defaults:
                values.append(cls._field_defaults[name])
            else:
                raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
        if kwargs:
            raise TypeError(f"{cls.__name__}() got unexpected or repeated arguments: {sorted(kwargs)}")
        return tuple.__new__(cls, values)

    def __repr__(self) -> str:
        pairs = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"{type(self).__name__}({pairs})"

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickle and copy
        return tuple(self)

    def _replace(self, **changes: Any) -> Any:
        return type(self)(**{**self._asdict(), **changes})

    def _asdict(self) -> dict[str, Any]:
        return dict(zip(self._fields, self))


if TYPE_CHECKING:
    from typing import NamedTuple as _Record
else:
    _Record = _RecordMeta("_Record", (_RecordBase,), {"__module__": __name__})


class Param(_Record):
    """An auto-filled value: where it goes (``target``) and where it comes from.

    ``source`` is ``identifier`` (``name``), ``data`` (``path`` into the loaded data),
    ``string``/``integer``/``boolean`` (``value``), ``response``/``requestParameter``
    (``path``) or ``input`` (given by the caller).
    """

    target: str
    source: str
    name: str | None = None
    path: str | None = None
    value: Any = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "Param":
        unknown = set(item) - {"target", "source", "name", "path", "value"}
        if unknown:
            log.warning("Unknown parameter options found: %s", sorted(unknown))
        return cls(item["target"], item["source"], item.get("name"), item.get("path"), item.get("value"))


class Identifier(_Record):
    name: str  # the Python name, e.g. ``bucket_name``
    member_name: str | None = None  # the attribute that carries the same value, if any


class Request(_Record):
    operation: str
    params: tuple[Param, ...] = ()

    @classmethod
    def from_json(cls, definition: Mapping[str, Any]) -> "Request":
        return cls(definition["operation"], tuple(Param.from_json(p) for p in definition.get("params", ())))


class ResponseResource(_Record):
    """The resource(s) an action or relation returns: its type and how to find identifiers."""

    type: str
    identifiers: tuple[Param, ...] = ()
    path: str | None = None

    @classmethod
    def from_json(cls, definition: Mapping[str, Any]) -> "ResponseResource":
        return cls(
            definition["type"],
            tuple(Param.from_json(p) for p in definition.get("identifiers", ())),
            definition.get("path"),
        )

    @property
    def needs_data(self) -> bool:
        return any(p.source == "data" for p in self.identifiers)


class Action(_Record):
    """An action, a ``has`` relation, or a batch action (``request`` is None for relations)."""

    name: str
    request: Request | None = None
    resource: ResponseResource | None = None
    path: str | None = None

    @classmethod
    def from_json(cls, name: str, definition: Mapping[str, Any]) -> "Action":
        request = definition.get("request")
        resource = definition.get("resource")
        return cls(
            name,
            Request.from_json(request) if request is not None else None,
            ResponseResource.from_json(resource) if resource is not None else None,
            definition.get("path"),
        )


class Waiter(_Record):
    name: str  # ``wait_until_exists``
    waiter_name: str  # the client waiter, ``BucketExists``
    params: tuple[Param, ...] = ()


class Collection(_Record):
    name: str
    request: Request
    resource: ResponseResource
    batch_actions: tuple[Action, ...] = ()


class Attribute(_Record):
    name: str  # Python name
    member_name: str  # name in the shape (and in ``meta.data``)
    shape: Shape


class ResourceModel(_Record):
    name: str
    shape_name: str | None
    identifiers: tuple[Identifier, ...]
    load: Action | None
    actions: tuple[Action, ...]
    batch_actions: tuple[Action, ...]
    subresources: tuple[Action, ...]
    references: tuple[Action, ...]
    collections: tuple[Collection, ...]
    waiters: tuple[Waiter, ...]
    attributes: tuple[Attribute, ...]


def _has_definition(
    name: str, definition: Mapping[str, Any], resource_defs: Mapping[str, Any]
) -> dict[str, Mapping[str, Any]]:
    """``has`` relations; the service resource also gets one per resource of the service
    (identifiers from input), which is what makes ``s3.Object('b', 'k')`` work."""
    if name in resource_defs:
        return dict(definition.get("has", {}))
    found: dict[str, Mapping[str, Any]] = {}
    has_items = definition.get("has", {})
    for type_name, resource_def in resource_defs.items():
        matched = False
        for has_name, has_def in has_items.items():
            if has_def.get("resource", {}).get("type") == type_name:
                found[has_name] = has_def
                matched = True
        if not matched:
            found[type_name] = {"resource": {
                "type": type_name,
                "identifiers": [{"target": i["name"], "source": "input"}
                                for i in resource_def.get("identifiers", ())],
            }}
    return found


class _Names:
    """boto3's collision renaming (``load_rename_map``)."""

    def __init__(self, model_name: str) -> None:
        self._model_name = model_name
        self.used = {"meta"}
        self.renamed: dict[tuple[str, str], str] = {}

    def add(self, name: str, category: str, snake_case: bool = True) -> None:
        if snake_case:
            name = xform_name(name)
        if name in self.used:
            new = f"{name}_{category}"
            log.debug("Renaming %s %s %s", self._model_name, category, name)
            self.renamed[(category, name)] = new
            name = new
            if name in self.used:
                raise ValueError(f"Problem renaming {self._model_name} {category} to {name}!")
        self.used.add(name)

    def get(self, category: str, name: str, snake_case: bool = True) -> str:
        if snake_case:
            name = xform_name(name)
        return self.renamed.get((category, name), name)


def build_resource_model(
    name: str, definition: Mapping[str, Any], resource_defs: Mapping[str, Any], shape: Shape | None
) -> ResourceModel:
    """One resource's model, names final. ``name`` equal to no key of ``resource_defs``
    means the service resource."""
    names = _Names(name)
    if definition.get("load"):
        names.used.add("load")
    for item in definition.get("identifiers", ()):
        names.add(item["name"], "identifier")
    for action_name in definition.get("actions", {}):
        names.add(action_name, "action")
    has = _has_definition(name, definition, resource_defs)
    for has_name, ref in has.items():
        if any(i["source"] == "data" for i in ref["resource"]["identifiers"]):
            names.add(has_name, "reference")
        else:
            names.add(has_name, "subresource", snake_case=False)
    for coll_name in definition.get("hasMany", {}):
        names.add(coll_name, "collection")
    for waiter_name in definition.get("waiters", {}):
        names.add(WAITER_PREFIX + waiter_name, "waiter")
    if shape is not None:
        for member_name in shape.members:
            names.add(member_name, "attribute")

    identifiers = tuple(
        Identifier(
            names.get("identifier", item["name"]),
            names.get("attribute", item["memberName"]) if item.get("memberName") else None,
        )
        for item in definition.get("identifiers", ())
    )
    load_def = definition.get("load")
    subresources: list[Action] = []
    references: list[Action] = []
    for has_name, ref in has.items():
        if any(i["source"] == "data" for i in ref["resource"]["identifiers"]):
            references.append(Action.from_json(names.get("reference", has_name), ref))
        else:
            subresources.append(Action.from_json(names.get("subresource", has_name, snake_case=False), ref))
    collections = []
    for coll_name, coll_def in definition.get("hasMany", {}).items():
        action = Action.from_json(names.get("collection", coll_name), coll_def)
        assert action.request is not None and action.resource is not None
        target = resource_defs.get(action.resource.type, {})
        batch = tuple(Action.from_json(xform_name(n), d) for n, d in target.get("batchActions", {}).items())
        collections.append(Collection(action.name, action.request, action.resource, batch))
    attributes: list[Attribute] = []
    if shape is not None:
        identifier_names = {i.name for i in identifiers}
        for member_name, member in shape.members.items():
            snake = xform_name(member_name)
            if snake in identifier_names:
                continue
            attributes.append(Attribute(names.get("attribute", snake, snake_case=False), member_name, member))
    return ResourceModel(
        name=name,
        shape_name=definition.get("shape"),
        identifiers=identifiers,
        load=Action.from_json("load", load_def) if load_def is not None else None,
        actions=tuple(Action.from_json(names.get("action", n), d) for n, d in definition.get("actions", {}).items()),
        batch_actions=tuple(
            Action.from_json(xform_name(n), d) for n, d in definition.get("batchActions", {}).items()
        ),
        subresources=tuple(subresources),
        references=tuple(references),
        collections=tuple(collections),
        waiters=tuple(
            Waiter(names.get("waiter", WAITER_PREFIX + n), d["waiterName"],
                   tuple(Param.from_json(p) for p in d.get("params", ())))
            for n, d in definition.get("waiters", {}).items()
        ),
        attributes=tuple(attributes),
    )
