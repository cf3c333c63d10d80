"""Standard mode (and adaptive's retry half): botocore.retries.standard as pure decisions.

Retry when attempts remain and the attempt was transient (500/502/503/504, timeout codes,
connection errors), throttled, modelled ``retryable``, or one of the special cases, and
the client's retry quota can pay for it. The delay is full jitter,
``random() * min(2 ** (attempt - 1), 20)``.

``new_retries`` selects the behaviour botocore enables with ``AWS_NEW_RETRIES_2026=true``:
a throttling/non-throttling base scale, the ``x-amz-retry-after`` header, quota costs of
5 (throttling) / 14, and long-polling calls that back off even when the quota is empty.
"""
from __future__ import annotations

from typing import Callable, Mapping

from ._conditions import (
    THROTTLING_CODES, Attempt, is_special_retry, is_throttling, is_timeout, is_transient,
    modeled_retry_kind,
)
from .decision import RetryDecision
from .quota import RetryQuota

__all__ = [
    "DEFAULT_MAX_ATTEMPTS", "MAX_BACKOFF", "RETRY_COST", "TIMEOUT_RETRY_COST", "NO_RETRY_INCREMENT",
    "THROTTLING_RETRY_COST", "RETRY_COST_V2", "LONG_POLLING_OPERATIONS", "default_max_attempts",
    "is_retryable", "standard_delay", "quota_cost", "decide_standard",
]

DEFAULT_MAX_ATTEMPTS = 3
_SERVICE_MAX_ATTEMPTS_V2 = {"dynamodb": 4, "dynamodb-streams": 4}
MAX_BACKOFF = 20.0
RETRY_COST = 5
TIMEOUT_RETRY_COST = 10
NO_RETRY_INCREMENT = 1
THROTTLING_RETRY_COST = 5
RETRY_COST_V2 = 14
_RETRY_AFTER_MAX_ADDITIONAL = 5.0
_THROTTLING_BASE_SCALE = 1.0
_NON_THROTTLING_BASE_SCALE = 0.05
_SERVICE_NON_THROTTLING_BASE_SCALE = {"dynamodb": 0.025, "dynamodb-streams": 0.025}
# botocore's hard-coded list (keyed by hyphenated service id) until a longPoll trait exists.
LONG_POLLING_OPERATIONS: Mapping[str, frozenset[str]] = {
    "sqs": frozenset({"ReceiveMessage"}),
    "sfn": frozenset({"GetActivityTask"}),
    "swf": frozenset({"PollForActivityTask", "PollForDecisionTask"}),
}


def default_max_attempts(service_event_name: str, new_retries: bool = False) -> int:
    if new_retries:
        return _SERVICE_MAX_ATTEMPTS_V2.get(service_event_name, DEFAULT_MAX_ATTEMPTS)
    return DEFAULT_MAX_ATTEMPTS


def is_retryable(attempt: Attempt) -> bool:
    """Transient, throttled, modelled retryable, or special (attempts and quota aside)."""
    return (
        is_transient(attempt)
        or attempt.error_code in THROTTLING_CODES
        or modeled_retry_kind(attempt) is not None
        or is_special_retry(attempt)
        or attempt.clock_skew_corrected
    )


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("x-amz-retry-after")
    if raw is None:
        return None
    try:
        value = int(raw) / 1000.0
    except (ValueError, OverflowError):
        return None
    return value if value >= 0 else None


def standard_delay(attempt: Attempt, random: Callable[[], float], *, service_event_name: str = "",
                   new_retries: bool = False) -> float:
    # Capped before converting: the result is capped at 20 s anyway, and a huge attempt
    # number must not overflow a float.
    exponent = float(min(2 ** (attempt.number - 1), 1 << 60))
    if not new_retries:
        return random() * min(exponent, MAX_BACKOFF)
    if is_throttling(attempt):
        scale = _THROTTLING_BASE_SCALE
    else:
        scale = _SERVICE_NON_THROTTLING_BASE_SCALE.get(service_event_name, _NON_THROTTLING_BASE_SCALE)
    delay = random() * min(scale * exponent, MAX_BACKOFF)
    retry_after = _retry_after(attempt.headers) if attempt.status is not None else None
    if retry_after is not None:
        # The server's hint, but no less than our own backoff and at most 5 s more.
        return max(delay, min(retry_after, _RETRY_AFTER_MAX_ADDITIONAL + delay))
    return delay


def quota_cost(attempt: Attempt, new_retries: bool = False) -> int:
    if new_retries:
        return THROTTLING_RETRY_COST if is_throttling(attempt) else RETRY_COST_V2
    return TIMEOUT_RETRY_COST if is_timeout(attempt) else RETRY_COST


def decide_standard(
    attempt: Attempt, *, max_attempts: int, quota: RetryQuota | None, random: Callable[[], float],
    service_event_name: str = "", new_retries: bool = False,
) -> RetryDecision:
    """The decision after ``attempt``; takes retry-quota capacity when it says retry."""
    if attempt.number >= max_attempts:
        # botocore marks every response of the last allowed attempt, successes included.
        return RetryDecision(retry=False, reason="max attempts reached", metadata={"MaxAttemptsReached": True})
    if not is_retryable(attempt):
        return RetryDecision(retry=False, reason="not retryable")
    cost = quota_cost(attempt, new_retries)
    if quota is not None and not quota.acquire(cost):
        metadata = {"RetryQuotaReached": True}
        long_poll = attempt.operation.name in LONG_POLLING_OPERATIONS.get(service_event_name, ())
        if new_retries and long_poll:
            # A long-polling loop would otherwise spin; botocore sleeps the backoff first.
            delay = standard_delay(attempt, random, service_event_name=service_event_name, new_retries=True)
            return RetryDecision(retry=False, delay=delay, reason="retry quota exhausted", metadata=metadata)
        return RetryDecision(retry=False, reason="retry quota exhausted", metadata=metadata)
    delay = standard_delay(attempt, random, service_event_name=service_event_name, new_retries=new_retries)
    reason = "throttled" if is_throttling(attempt) else "clock skew corrected" \
        if attempt.clock_skew_corrected and not is_transient(attempt) else "transient error"
    return RetryDecision(retry=True, delay=delay, reason=reason, quota_acquired=cost if quota is not None else None)
