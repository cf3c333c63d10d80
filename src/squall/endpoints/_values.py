"""Values the endpoint engine hands out: resolved endpoints and parameter specs.

Resolved endpoints are memoised and shared between callers and threads, so their nested
``properties``/``headers`` are read-only dict/list subclasses: they compare equal to plain
dicts and lists, serialise with ``json``, and ``copy.copy``/``copy.deepcopy`` return
ordinary mutable containers for callers that want to edit one.
"""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Mapping, NoReturn

__all__ = ["Endpoint", "Parameter", "FrozenDict", "FrozenList", "freeze", "thaw"]


def _read_only(self: object, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(
        f"{type(self).__name__} is read-only (it may be shared); copy.deepcopy() it to edit"
    )


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict that refuses mutation. ``dict.__init__`` fills it without ``__setitem__``."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return thaw(self)  # type: ignore[no-any-return]

    def __reduce__(self) -> Any:
        return FrozenDict, (dict(self),)

    def __repr__(self) -> str:
        return dict.__repr__(self)


class FrozenList(list):  # type: ignore[type-arg]
    """A list that refuses mutation; compares equal to a plain list."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return thaw(self)  # type: ignore[no-any-return]

    def __reduce__(self) -> Any:
        return FrozenList, (list(self),)

    def __repr__(self) -> str:
        return list.__repr__(self)


def freeze(value: Any) -> Any:
    """Deep read-only copy of a JSON-like value (dicts, lists/tuples, scalars)."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return FrozenList([freeze(v) for v in value])
    return value


def thaw(value: Any) -> Any:
    """Deep mutable copy of a JSON-like value (the inverse of ``freeze``)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value



@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """A resolved endpoint: ``url``, ``properties`` (e.g. ``authSchemes``) and ``headers``.

    ``properties`` and ``headers`` are read-only (see the module docstring).
    """

    url: str
    properties: Mapping[str, Any] = field(default_factory=FrozenDict)
    headers: Mapping[str, list[str]] = field(default_factory=FrozenDict)


# Canonical spellings; rule sets write the type in either case ("string", "String").
PARAMETER_TYPES = {"string": "string", "boolean": "boolean", "stringarray": "stringArray"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """One rule-set parameter as declared (``type`` is string, boolean or stringArray).

    ``built_in`` names the SDK value that feeds it (``AWS::Region``, ``SDK::Endpoint``,
    ...), ``None`` for operation-level parameters. A stringArray default is a tuple.
    """

    name: str
    type: str
    built_in: str | None = None
    default: str | bool | tuple[str, ...] | None = None
    required: bool = False
    documentation: str | None = None
    deprecated: Mapping[str, Any] | None = None

    @classmethod
    def from_dict(cls, name: str, spec: Mapping[str, Any]) -> "Parameter":
        from ..exceptions import EndpointResolutionError

        raw_type = spec.get("type")
        type_ = PARAMETER_TYPES.get(str(raw_type).lower())
        if type_ is None:
            raise EndpointResolutionError(
                msg=f"Unknown type {raw_type!r} for endpoint parameter {name}: "
                "a parameter must be of type string, boolean or stringArray."
            )
        default = spec.get("default")
        if isinstance(default, list):
            default = tuple(default)
        if default is not None and not _matches_type(type_, default):
            raise EndpointResolutionError(
                msg=f"Default {default!r} of endpoint parameter {name} is not a {type_}."
            )
        deprecated = spec.get("deprecated")
        return cls(
            name=name,
            type=type_,
            built_in=spec.get("builtIn"),
            default=default,
            required=bool(spec.get("required", False)),
            documentation=spec.get("documentation"),
            deprecated=freeze(deprecated) if deprecated is not None else None,
        )


def _matches_type(type_: str, value: object) -> bool:
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "boolean":
        return isinstance(value, bool)
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
