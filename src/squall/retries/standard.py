"""Retry decisions (pure): given what happened on an attempt, retry after N seconds or stop.

Implements the SDK-wide "standard" mode: transient/throttling/status-code rules, a shared
retry quota, and capped exponential backoff with full jitter. ``legacy`` mode uses the
same classification with botocore's legacy attempt count and backoff base; its full
rule table (``_retry.json``) is not applied yet.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any, Callable, Mapping

__all__ = ["RetryPolicy", "RetryQuota", "RetryDecision", "is_throttle", "is_transient"]

THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
})
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"})
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
MAX_BACKOFF = 20.0
INITIAL_QUOTA = 500
RETRY_COST = 5
TIMEOUT_COST = 10
NO_RETRY_INCREMENT = 1


def is_throttle(error_code: str | None, status: int | None, modeled_throttling: bool = False) -> bool:
    return modeled_throttling or error_code in THROTTLING_CODES or status == 429


def is_transient(error_code: str | None, status: int | None, connection_error: bool) -> bool:
    return connection_error or error_code in TRANSIENT_CODES or status in TRANSIENT_STATUS


@dataclass(frozen=True, slots=True)
class RetryDecision:
    delay: float | None  # None: do not retry
    reason: str
    quota_cost: int = 0


class RetryQuota:
    """The shared token bucket that stops retry storms (one per client, thread-safe)."""

    def __init__(self, capacity: int = INITIAL_QUOTA) -> None:
        self._capacity = capacity
        self._available = capacity
        self._lock = threading.Lock()

    @property
    def available(self) -> int:
        return self._available

    def acquire(self, cost: int) -> bool:
        with self._lock:
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def release(self, amount: int) -> None:
        with self._lock:
            self._available = min(self._capacity, self._available + amount)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    mode: str = "legacy"
    max_attempts: int = 5  # total attempts, the first included
    random: Callable[[], float] = random.random

    def decide(
        self, *, attempt: int, status: int | None, error_code: str | None,
        connection_error: bool = False, timeout: bool = False, modeled: Mapping[str, Any] | None = None,
        quota: RetryQuota | None = None,
    ) -> RetryDecision:
        """``attempt`` is the 1-based number of the attempt that just failed."""
        modeled = modeled or {}
        throttle = is_throttle(error_code, status, bool(modeled.get("throttling")))
        # A modelled ``retryable`` trait makes the error retryable even without a known code.
        transient = is_transient(error_code, status, connection_error or timeout) or bool(modeled)
        if not (throttle or transient):
            return RetryDecision(None, "not retryable")
        if attempt >= self.max_attempts:
            return RetryDecision(None, f"max attempts ({self.max_attempts}) reached")
        cost = 0
        if quota is not None and self.mode != "legacy":
            cost = TIMEOUT_COST if timeout else RETRY_COST
            if not quota.acquire(cost):
                return RetryDecision(None, "retry quota exhausted")
        if self.mode == "legacy":
            delay = self.random() * (2 ** (attempt - 1))
        else:
            delay = min(self.random() * (2 ** (attempt - 1)), MAX_BACKOFF)
        return RetryDecision(delay, "throttled" if throttle else "transient error", cost)
