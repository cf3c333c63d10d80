"""EndpointRuleSet: a compiled, immutable endpoint-rule-set-1.json, and its resolver."""
from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

from ..exceptions import EndpointResolutionError
from ._compile import CompiledRules, RuleError, compile_rules
from ._partitions import Partitions
from ._values import Endpoint, Parameter

__all__ = ["EndpointRuleSet"]

# Distinct inputs remembered per rule set (a client sees few: region, FIPS, bucket, ...).
DEFAULT_CACHE_SIZE = 512


class EndpointRuleSet:
    """An endpoint rule set, compiled once; immutable and safe to share across threads.

    ``parameters`` maps each parameter name to its :class:`Parameter` (in the rule
    set's order). ``resolve(params, partitions)`` applies defaults, checks types and
    required parameters, and returns the first matching :class:`Endpoint`; error
    rules raise ``EndpointResolutionError`` with the rule's message. Results are
    memoised per distinct input.
    """

    __slots__ = ("version", "documentation", "parameters", "_source", "_cached", "_uncached")

    version: str | None
    documentation: str | None
    parameters: Mapping[str, Parameter]
    _source: Mapping[str, Any]
    _cached: Callable[..., Any]
    _uncached: Callable[..., Any]

    def __init__(self, data: Mapping[str, Any], *, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        parameters = {
            name: Parameter.from_dict(name, spec)
            for name, spec in (data.get("parameters") or {}).items()
        }
        compiled = compile_rules(list(parameters), data.get("rules") or [])
        specs = tuple(parameters.values())

        def uncached(partitions: Partitions, items: tuple[tuple[str, Any], ...]) -> Any:
            return _evaluate(specs, compiled, partitions, items)

        def cached(partitions: Partitions, items: tuple[tuple[str, Any], ...], _types: Any) -> Any:
            # _types is only part of the key: 1 == True, yet 1 is not a boolean.
            return _evaluate(specs, compiled, partitions, items)

        setattr_ = object.__setattr__
        setattr_(self, "version", data.get("version"))
        setattr_(self, "documentation", data.get("documentation"))
        setattr_(self, "parameters", MappingProxyType(parameters))
        setattr_(self, "_source", data)
        setattr_(self, "_cached", lru_cache(maxsize=cache_size)(cached))
        setattr_(self, "_uncached", uncached)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "EndpointRuleSet":
        return cls(data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> Any:
        # Closures do not pickle; the source JSON does, and recompiles on the other side.
        return EndpointRuleSet, (self._source,)

    def __repr__(self) -> str:
        return f"<EndpointRuleSet version={self.version!r} parameters={list(self.parameters)}>"

    def resolve(self, params: Mapping[str, Any], partitions: Partitions) -> Endpoint:
        """The endpoint for ``params`` (rule-set parameter names -> values; None = unset)."""
        items = tuple(params.items())
        types = tuple(map(type, params.values()))
        try:
            outcome = self._cached(partitions, items, types)
        except TypeError:
            try:
                hash(items)
            except TypeError:  # a list value (stringArray): key on tuples instead
                outcome = self._resolve_unhashable(partitions, items)
            else:
                raise
        if outcome.__class__ is Endpoint:
            return outcome
        raise EndpointResolutionError(msg=outcome.message)

    def _resolve_unhashable(self, partitions: Partitions, items: tuple[tuple[str, Any], ...]) -> Any:
        known = self.parameters
        items = tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in items if k in known
        )
        try:
            hash(items)
        except TypeError:  # not a valid parameter value at all: evaluate to report it
            return self._uncached(partitions, items)
        return self._cached(partitions, items, tuple(type(v) for _, v in items))


def _check_type(spec: Parameter, value: Any) -> Any:
    """``value`` if it suits ``spec`` (string arrays as tuples), else raise naming it."""
    if spec.type == "string":
        if isinstance(value, str):
            return value
    elif spec.type == "boolean":
        if value.__class__ is bool:
            return value
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise EndpointResolutionError(
        msg=f"Invalid value for endpoint parameter {spec.name}: expected a {spec.type}, "
        f"got {type(value).__name__} ({value!r})."
    )


def _evaluate(
    specs: Sequence[Parameter],
    compiled: CompiledRules,
    partitions: Partitions,
    items: tuple[tuple[str, Any], ...],
) -> Any:
    given = dict(items)
    values: list[Any] = []
    for spec in specs:
        value = given.get(spec.name)
        if value is None:
            value = spec.default
            if value is None and spec.required:
                raise EndpointResolutionError(
                    msg=f"Cannot find value for required parameter {spec.name}"
                )
        else:
            value = _check_type(spec, value)
        values.append(value)
    scope: list[Any] = values + [None] * (compiled.size - len(values))
    scope[compiled.partitions_slot] = partitions
    result = compiled.evaluate(scope)
    if result is None:
        listing = "\n".join(f"{key}: {value}" for key, value in items)
        return RuleError(f"No endpoint found for parameters:\n{listing}")
    return result
