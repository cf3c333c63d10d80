"""``dataclass`` for squall's frozen, slotted values, at a fraction of the import cost.

The standard decorator compiles six to eight functions per class from generated source
and inspects the class at length (~0.5 ms a class; ~80 values lie on the path from
``import squall`` to a first answered call), and importing ``dataclasses`` brings
``inspect``, ``ast`` and ``dis`` (~4 ms). This module compiles only ``__init__`` (it runs
on every call, so it stays generated code), gives the other methods from shared closures
and imports ``dataclasses`` only when someone asks for the standard library's view.

The classes are dataclasses to the standard library: ``__dataclass_fields__`` is made
(with real ``dataclasses.Field`` objects) on first read, so ``dataclasses.replace``,
``fields``, ``asdict`` and ``is_dataclass`` work on them; this module's ``replace`` is the
same, faster and without the import. Assigning to a field raises
``dataclasses.FrozenInstanceError``.

It covers what squall uses: ``frozen=True, slots=True`` (required), ``kw_only``,
``repr``, ``eq``, and ``field(default=..., default_factory=..., repr=..., compare=...)``.
"""
from __future__ import annotations

import sys
import typing
from operator import attrgetter
from typing import Any, Callable, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # Python 3.10: only type checkers need it
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorated: decorated

__all__ = ["dataclass", "field", "replace", "MISSING"]

_T = TypeVar("_T")
_setattr = object.__setattr__


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
_FACTORY = object()  # the __init__ default of a field with a default_factory


class _Spec:
    """One field, as ``field()`` declares it (the standard ``Field``'s attributes)."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare",
                 "metadata", "kw_only")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool,  # noqa: A002
                 hash: bool | None, compare: bool, metadata: Any, kw_only: Any) -> None:  # noqa: A002
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = metadata
        self.kw_only = kw_only


def field(
    *, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True, repr: bool = True,  # noqa: A002
    hash: bool | None = None, compare: bool = True, metadata: Any = None, kw_only: Any = MISSING,  # noqa: A002
) -> Any:
    """``dataclasses.field``, for classes made by this module's ``dataclass``."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Spec(default, default_factory, init, repr, hash, compare, metadata, kw_only)


@dataclass_transform(field_specifiers=(field,))  # type checkers see the standard decorator's classes
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


def replace(obj: _T, /, **changes: Any) -> _T:
    """``dataclasses.replace``: a copy of ``obj`` with ``changes``."""
    names = getattr(type(obj), "__squall_init_names__", None)
    if names is None:  # a standard-library dataclass
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    for name in names:
        if name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is typing.ClassVar or getattr(annotation, "__origin__", None) is typing.ClassVar


def _spec_of(declared: Any) -> _Spec:
    if isinstance(declared, _Spec):
        return declared
    if type(declared).__name__ == "Field" and type(declared).__module__ == "dataclasses":
        import dataclasses  # a dataclasses.field(...) declaration: already imported

        def ours(value: Any) -> Any:
            return MISSING if value is dataclasses.MISSING else value

        return _Spec(ours(declared.default), ours(declared.default_factory), declared.init, declared.repr,
                     declared.hash, declared.compare, declared.metadata, ours(declared.kw_only))
    return _Spec(declared, MISSING, True, True, None, True, None, MISSING)


def _own_fields(cls: type, kw_only: bool) -> list[_Spec]:
    found: list[_Spec] = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        spec = _spec_of(cls.__dict__.get(name, MISSING))
        spec.name = name
        spec.type = annotation
        if spec.kw_only is MISSING:
            spec.kw_only = kw_only
        found.append(spec)
    return found


def _inherited(cls: type) -> dict[str, _Spec]:
    specs: dict[str, _Spec] = {}
    for base in reversed(cls.__mro__[1:]):
        own = base.__dict__.get("__squall_specs__")
        if own is not None:
            specs.update((s.name, s) for s in own)
        elif "__dataclass_fields__" in base.__dict__:  # a standard-library dataclass base
            for std in base.__dict__["__dataclass_fields__"].values():
                spec = _spec_of(std)
                spec.name, spec.type = std.name, std.type
                specs[std.name] = spec
    return specs


def _init_source(fields: list[_Spec]) -> tuple[str, dict[str, Any]]:
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
            if not spec.kw_only and seen_default:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        if spec.kw_only:
            keyword.append(param)
        else:
            seen_default = seen_default or param != name
            positional.append(param)
        body.append(f"    _setattr(self, {name!r}, {value})")
    params = ["self", *positional, *(["*", *keyword] if keyword else [])]
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    return source, env


class _StdlibFields:
    """``__dataclass_fields__`` on first read: the standard library's ``Field`` objects,
    as ``dataclasses.dataclass`` would have made them (imports ``dataclasses`` then)."""

    def __init__(self, specs: tuple[_Spec, ...]) -> None:
        self._specs = specs
        self._made: dict[str, Any] | None = None

    def __get__(self, obj: Any, owner: type | None = None) -> dict[str, Any]:
        made = self._made
        if made is None:
            import dataclasses

            def std(value: Any) -> Any:
                return dataclasses.MISSING if value is MISSING else value

            made = {}
            for spec in self._specs:
                made[spec.name] = std_field = dataclasses.field(
                    default=std(spec.default), default_factory=std(spec.default_factory), init=spec.init,
                    repr=spec.repr, hash=spec.hash, compare=spec.compare, metadata=spec.metadata,
                    kw_only=spec.kw_only,
                )
                std_field.name = spec.name
                std_field.type = spec.type
                std_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what replace()/fields() look for
            self._made = made
        return made


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    from dataclasses import FrozenInstanceError

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
    own = _own_fields(cls, kw_only)
    all_fields = {**_inherited(cls), **{spec.name: spec for spec in own}}
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
    namespace["__squall_specs__"] = tuple(specs)
    namespace["__squall_init_names__"] = tuple(s.name for s in specs if s.init)
    namespace["__dataclass_fields__"] = _StdlibFields(tuple(specs))
    namespace["__match_args__"] = tuple(s.name for s in specs if not s.kw_only)
    metaclass: Any = type(cls)
    made = metaclass(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made  # type: ignore[no-any-return]
