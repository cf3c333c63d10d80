"""``dataclass`` for squall's frozen, slotted values, at a fraction of the import cost.

The standard decorator compiles six to eight functions per class from generated source
and inspects the class at length: ~0.5 ms a class, and the ~30 values on the path to a
first client and call cost ~15 ms, half of what that path costs. This one compiles only
``__init__`` (it runs on every call, so it stays generated code) and gives the other
methods from shared closures. The classes it makes are real dataclasses to the standard
library: ``dataclasses.replace``, ``fields``, ``asdict`` and ``is_dataclass`` work on them.

It covers what squall uses: ``frozen=True, slots=True`` (required), ``kw_only``,
``repr``, ``eq``, and ``field(default=..., default_factory=..., repr=..., compare=...)``.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import MISSING, FrozenInstanceError, Field, field
from operator import attrgetter
from typing import Any, Callable, TypeVar

__all__ = ["dataclass", "field"]

_T = TypeVar("_T")
_FACTORY = object()  # the __init__ default of a field with a default_factory
_setattr = object.__setattr__


def dataclass(
    cls: type[_T] | None = None, *, frozen: bool = False, slots: bool = False, kw_only: bool = False,
    repr: bool = True, eq: bool = True,  # noqa: A002 - the standard decorator's names
) -> Any:
    """``dataclasses.dataclass(frozen=True, slots=True, ...)``, made cheaply."""
    if not (frozen and slots):
        raise TypeError("squall._dataclass makes frozen, slotted classes only")

    def wrap(klass: type[_T]) -> type[_T]:
        return _make(klass, kw_only=kw_only, with_repr=repr, with_eq=eq)

    return wrap if cls is None else wrap(cls)


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is typing.ClassVar or getattr(annotation, "__origin__", None) is typing.ClassVar


def _own_fields(cls: type, kw_only: bool) -> list[Field[Any]]:
    found: list[Field[Any]] = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        declared = cls.__dict__.get(name, MISSING)
        spec = declared if isinstance(declared, Field) else field(default=declared)
        spec.name = name
        spec.type = annotation
        spec._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what replace()/fields() look for
        if spec.kw_only is MISSING:  # type: ignore[attr-defined]
            spec.kw_only = kw_only  # type: ignore[attr-defined]
        found.append(spec)
    return found


def _init_source(fields: list[Field[Any]]) -> tuple[str, dict[str, Any]]:
    """``def __init__(...)`` as source, and the names its defaults refer to."""
    env: dict[str, Any] = {"_FACTORY": _FACTORY, "_setattr": _setattr}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    seen_default = False
    for i, spec in enumerate(fields):
        name = spec.name
        if spec.default is not MISSING:
            env[f"_d{i}"] = spec.default
            param = f"{name}=_d{i}"
            value = name
        elif spec.default_factory is not MISSING:
            env[f"_f{i}"] = spec.default_factory
            param = f"{name}=_FACTORY"
            value = f"_f{i}() if {name} is _FACTORY else {name}"
        else:
            param = name
            value = name
            if not spec.kw_only and seen_default:  # type: ignore[attr-defined]
                raise TypeError(f"non-default argument {name!r} follows default argument")
        if spec.kw_only:  # type: ignore[attr-defined]
            keyword.append(param)
        else:
            seen_default = seen_default or param != name
            positional.append(param)
        body.append(f"    _setattr(self, {name!r}, {value})")
    params = ["self", *positional, *(["*", *keyword] if keyword else [])]
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    return source, env


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _values_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) >= 2:
        return attrgetter(*names)  # type: ignore[return-value]
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _methods(names: tuple[str, ...], shown: tuple[str, ...], compared: tuple[str, ...],
             with_repr: bool, with_eq: bool) -> dict[str, Any]:
    methods: dict[str, Any] = {"__setattr__": _frozen_setattr, "__delattr__": _frozen_delattr}
    state_of = _values_of(names)

    def __getstate__(self: Any) -> list[Any]:
        return list(state_of(self))

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state):
            _setattr(self, name, value)

    methods["__getstate__"] = __getstate__
    methods["__setstate__"] = __setstate__
    if with_repr:
        shown_of = _values_of(shown)

        def __repr__(self: Any) -> str:
            pairs = ", ".join(f"{n}={v!r}" for n, v in zip(shown, shown_of(self)))
            return f"{type(self).__qualname__}({pairs})"

        methods["__repr__"] = __repr__
    if with_eq:
        key_of = _values_of(compared)

        def __eq__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return key_of(self) == key_of(other)
            return NotImplemented

        def __hash__(self: Any) -> int:
            return hash(key_of(self))

        methods["__eq__"] = __eq__
        methods["__hash__"] = __hash__
    return methods


def _make(cls: type[_T], *, kw_only: bool, with_repr: bool, with_eq: bool) -> type[_T]:
    inherited: dict[str, Field[Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update(getattr(base, "__dataclass_fields__", {}))
    own = _own_fields(cls, kw_only)
    all_fields = {**inherited, **{spec.name: spec for spec in own}}
    specs = list(all_fields.values())
    source, env = _init_source(specs)
    exec(source, env)  # noqa: S102 - generated from the class's own field names
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    names = tuple(all_fields)
    namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    for spec in own:
        namespace.pop(spec.name, None)  # defaults live in __init__, the names are slots
    defined = set(namespace)
    if namespace.get("__hash__", MISSING) is None and "__eq__" in namespace:
        defined.discard("__hash__")  # Python's own None for a class defining __eq__: not explicit
        namespace.pop("__hash__")
    methods = _methods(
        names,
        tuple(s.name for s in specs if s.repr),
        tuple(s.name for s in specs if s.compare),
        with_repr, with_eq,
    )
    for name, method in methods.items():
        if name not in defined:
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            namespace[name] = method
    namespace["__init__"] = init
    namespace["__slots__"] = tuple(spec.name for spec in own)
    namespace["__dataclass_fields__"] = all_fields
    namespace["__match_args__"] = tuple(s.name for s in specs if not s.kw_only)  # type: ignore[attr-defined]
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made  # type: ignore[no-any-return]
