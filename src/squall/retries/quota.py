"""The retry quota: a per-client token bucket that stops retry storms (standard mode)."""
from __future__ import annotations

import threading

__all__ = ["RetryQuota", "INITIAL_CAPACITY"]

INITIAL_CAPACITY = 500


class RetryQuota:
    """Thread-safe capacity counter (botocore.retries.quota.RetryQuota)."""

    def __init__(self, initial_capacity: int = INITIAL_CAPACITY) -> None:
        self._max_capacity = initial_capacity
        self._available = initial_capacity
        self._lock = threading.Lock()

    @property
    def max_capacity(self) -> int:
        return self._max_capacity

    @property
    def available_capacity(self) -> int:
        return self._available

    available = available_capacity

    def acquire(self, amount: int) -> bool:
        """Take ``amount``; False (and nothing taken) when there is not enough left."""
        with self._lock:
            if amount > self._available:
                return False
            self._available -= amount
            return True

    def release(self, amount: int) -> None:
        """Give ``amount`` back, never above the initial capacity."""
        with self._lock:
            self._available = min(self._max_capacity, self._available + amount)

    def __repr__(self) -> str:
        return f"<RetryQuota {self._available}/{self._max_capacity}>"
