"""Legacy mode: botocore's ``_retry.json`` rule table (botocore.retryhandler, translate).

The general ``__default__`` policies are merged with the service's own (keyed by its
endpoint prefix), references to ``definitions`` resolved, and the client's
``max_attempts`` applied. A response is retried when any rule matches and attempts
remain; connection errors when the table has the ``socket_errors`` rule; a DynamoDB
response whose ``x-amz-crc32`` header does not match its body is retried too, and on the
last attempt raises ``ChecksumError`` (as botocore). Delays grow as
``base * growth_factor ** (attempt - 1)``, ``base`` ``"rand"`` meaning ``random()``,
with no cap.
"""
from __future__ import annotations

import copy
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Callable, Literal, Mapping

from ..exceptions import ChecksumError
from ._conditions import LEGACY_SOCKET_ERRORS, Attempt, crc32_mismatch
from .decision import RetryDecision

__all__ = ["NO_LEGACY_RULES", "LegacyRule", "LegacyRules", "legacy_rules", "decide_legacy", "legacy_delay"]

RuleKind = Literal["status", "code", "crc32", "socket"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyRule:
    name: str
    kind: RuleKind
    status: int | None = None
    code: str | None = None
    header: str | None = None  # crc32: the header carrying the expected checksum


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyRules:
    """The rule table of one service, ready to apply."""

    max_attempts: int  # total attempts, the first included
    base: float | Literal["rand"]
    growth_factor: float
    rules: tuple[LegacyRule, ...]
    # Exceptions that mean "retry" (socket errors, ChecksumError); botocore only catches
    # them when the table has more than one rule.
    retryable_exceptions: tuple[type[BaseException], ...]


# No table at all: one attempt, nothing retried.
NO_LEGACY_RULES = LegacyRules(max_attempts=1, base=1.0, growth_factor=2.0, rules=(), retryable_exceptions=())


def _plain(value: Any) -> Any:
    """A deep, mutable copy of (possibly lazily decoded) model data."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _resolve_references(config: dict[str, Any], definitions: Mapping[str, Any]) -> None:
    for key, value in config.items():
        if isinstance(value, dict):
            if len(value) == 1 and "$ref" in value:
                # A copy: botocore shares (and later mutates) the definition itself.
                config[key] = copy.deepcopy(definitions[value["$ref"]])
            else:
                _resolve_references(value, definitions)


def _merge(into: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """botocore.utils.merge_dicts: nested dicts merge key by key, the rest is replaced."""
    for key, value in extra.items():
        if isinstance(value, dict) and key in into and isinstance(into[key], dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _rule(name: str, spec: Mapping[str, Any]) -> LegacyRule:
    applies = spec["applies_when"]
    if "response" in applies:
        response = applies["response"]
        if "service_error_code" in response:
            return LegacyRule(name=name, kind="code", status=response["http_status_code"],
                              code=response["service_error_code"])
        if "http_status_code" in response:
            return LegacyRule(name=name, kind="status", status=response["http_status_code"])
        if "crc32body" in response:
            return LegacyRule(name=name, kind="crc32", header=response["crc32body"].lower())
        raise ValueError(f"Unknown retry policy {name!r}: {dict(spec)!r}")
    if "socket_errors" in applies:
        unknown = set(applies["socket_errors"]) - {"GENERAL_CONNECTION_ERROR"}
        if unknown:
            raise KeyError(sorted(unknown)[0])
        return LegacyRule(name=name, kind="socket")
    raise ValueError(f"Unknown retry policy {name!r}: {dict(spec)!r}")


# (id of _retry.json's content, endpoint prefix) -> (that content, its table): the
# translation deep-copies and walks the whole file (~0.5 ms), and every legacy-mode
# client needs it. The content is kept in the value so its id cannot be reused.
_tables: dict[tuple[int, str], tuple[Mapping[str, Any], LegacyRules]] = {}


def legacy_rules(retry_data: Mapping[str, Any], endpoint_prefix: str,
                 total_max_attempts: int | None = None) -> LegacyRules:
    """The table for one service from ``_retry.json``'s content (translated once per
    process and service).

    ``total_max_attempts`` (the client's setting, first attempt included) overrides the
    table's ``max_attempts``.
    """
    key = (id(retry_data), endpoint_prefix)
    found = _tables.get(key)
    if found is None:
        found = _tables.setdefault(key, (retry_data, _translate(retry_data, endpoint_prefix)))
    table = found[1]
    if total_max_attempts is None or total_max_attempts == table.max_attempts:
        return table
    return LegacyRules(max_attempts=total_max_attempts, base=table.base, growth_factor=table.growth_factor,
                       rules=table.rules, retryable_exceptions=table.retryable_exceptions)


def _translate(retry_data: Mapping[str, Any], endpoint_prefix: str) -> LegacyRules:
    definitions = _plain(retry_data.get("definitions", {}))
    model = _plain(retry_data.get("retry", {}))
    service = model.get(endpoint_prefix, {})
    _resolve_references(service, definitions)
    final: dict[str, Any] = {"__default__": copy.deepcopy(model.get("__default__", {}))}
    _resolve_references(final, definitions)
    _merge(final, service)
    default = final["__default__"]
    specs = list(default.get("policies", {}).items())
    # botocore asks for operation-specific policies under the *endpoint prefix* (it
    # passes the prefix where an operation name is expected); kept for fidelity.
    operation = final.get(endpoint_prefix)
    if operation is not None:
        specs += list(operation["policies"].items())
    rules = tuple(_rule(name, spec) for name, spec in specs)
    exceptions: list[type[BaseException]] = []
    for rule in rules:
        if rule.kind == "socket":
            exceptions.extend(LEGACY_SOCKET_ERRORS)
        elif rule.kind == "crc32":
            exceptions.append(ChecksumError)
    delay = default["delay"]
    if delay.get("type") != "exponential":
        raise ValueError(f"Unknown retry delay type {delay.get('type')!r}")
    return LegacyRules(
        max_attempts=int(default["max_attempts"]),
        base=delay["base"],
        growth_factor=delay["growth_factor"],
        rules=rules,
        retryable_exceptions=tuple(exceptions) if len(rules) != 1 else (),
    )


def legacy_delay(rules: LegacyRules, attempt_number: int, random: Callable[[], float]) -> float:
    base = random() if rules.base == "rand" else rules.base
    if base <= 0:
        raise ValueError(f"The 'base' param must be greater than 0, got: {base}")
    return float(base * (rules.growth_factor ** (attempt_number - 1)))


def _response_matches(rules: LegacyRules, attempt: Attempt, can_retry: bool) -> bool | ChecksumError:
    """The first matching rule decides; a CRC32 mismatch is an error unless it may be retried."""
    for rule in rules.rules:
        if rule.kind == "status":
            if attempt.status == rule.status:
                return True
        elif rule.kind == "code":
            if attempt.status == rule.status and attempt.error_code == rule.code:
                return True
        elif rule.kind == "crc32":
            mismatch = crc32_mismatch(attempt, rule.header or "x-amz-crc32")
            if mismatch is not None:
                error = ChecksumError(checksum_type="crc32", expected_checksum=mismatch[0],
                                      actual_checksum=mismatch[1])
                return True if can_retry and ChecksumError in rules.retryable_exceptions else error
    return False


def decide_legacy(attempt: Attempt, rules: LegacyRules, random: Callable[[], float]) -> RetryDecision:
    n, limit = attempt.number, rules.max_attempts
    if attempt.exception is not None:
        # Connection errors are retried while attempts remain; otherwise (or for any
        # other exception) the exception itself propagates.
        retryable = rules.retryable_exceptions and n < limit and isinstance(attempt.exception, rules.retryable_exceptions)
        if not retryable:
            return RetryDecision(retry=False, reason="exception is not retryable" if n < limit else "max attempts reached")
        return RetryDecision(retry=True, delay=legacy_delay(rules, n, random), reason="connection error")
    matched = _response_matches(rules, attempt, can_retry=n < limit)
    if isinstance(matched, ChecksumError):
        return RetryDecision(retry=False, reason="crc32 mismatch on the last attempt", error=matched)
    if not matched and attempt.clock_skew_corrected:
        matched = True
    if not matched:
        return RetryDecision(retry=False, reason="not retryable")
    if n >= limit:
        return RetryDecision(retry=False, reason="max attempts reached", metadata={"MaxAttemptsReached": True})
    return RetryDecision(retry=True, delay=legacy_delay(rules, n, random), reason="matched a retry rule")
