"""Adaptive mode's client-side rate limiter (botocore.retries.adaptive, bucket, throttling).

A token bucket whose fill rate follows CUBIC: cut by ``beta`` when a throttling error
arrives, grown back along a cubic curve while responses succeed. The bucket is only
consulted after the first throttling error.

Nothing here reads a clock or sleeps: every method takes ``now`` (seconds, from the
client's injected clock), and ``before_send`` answers with how long to wait instead of
waiting; the call flow turns that into a ``Sleep`` effect and asks again.
"""
from __future__ import annotations

import math
import threading
from .._dataclass import dataclass  # the stdlib's, cheaper to define

__all__ = ["TokenBucket", "CubicCalculator", "CubicParams", "RateClocker", "ClientRateLimiter"]


class TokenBucket:
    """Tokens refill at ``max_rate`` per second up to ``max(max_rate, 1)`` tokens."""

    MIN_RATE = 0.5

    def __init__(self, max_rate: float, now: float, min_rate: float = MIN_RATE) -> None:
        self._fill_rate = min_rate
        self._max_capacity = 1.0
        self._current_capacity = 0.0
        self._last_timestamp: float | None = None
        self._min_rate = min_rate
        self._lock = threading.Lock()
        self.set_max_rate(max_rate, now)

    @property
    def max_rate(self) -> float:
        return self._fill_rate

    @property
    def max_capacity(self) -> float:
        return self._max_capacity

    @property
    def available_capacity(self) -> float:
        return self._current_capacity

    def set_max_rate(self, value: float, now: float) -> None:
        with self._lock:
            # Tokens earned at the old rate are credited before the rate changes.
            self._refill(now)
            self._fill_rate = max(value, self._min_rate)
            self._max_capacity = value if value >= 1 else 1
            self._current_capacity = min(self._current_capacity, self._max_capacity)

    def acquire(self, now: float, amount: float = 1) -> float:
        """Take ``amount`` tokens and return 0.0, or take nothing and return the seconds
        until enough tokens will have accumulated (then ask again)."""
        with self._lock:
            self._refill(now)
            if amount <= self._current_capacity:
                self._current_capacity -= amount
                return 0.0
            return (amount - self._current_capacity) / self._fill_rate

    def _refill(self, now: float) -> None:
        if self._last_timestamp is None:
            self._last_timestamp = now
            return
        # A clock that steps backwards adds nothing (and takes nothing away).
        elapsed = max(now - self._last_timestamp, 0.0)
        self._current_capacity = min(self._max_capacity, self._current_capacity + elapsed * self._fill_rate)
        self._last_timestamp = max(now, self._last_timestamp)


@dataclass(frozen=True, slots=True)
class CubicParams:
    w_max: float
    k: float
    last_fail: float


class CubicCalculator:
    """CUBIC congestion control applied to the send rate."""

    SCALE_CONSTANT = 0.4
    BETA = 0.7

    def __init__(self, starting_max_rate: float, start_time: float,
                 scale_constant: float = SCALE_CONSTANT, beta: float = BETA) -> None:
        self._w_max = starting_max_rate
        self._scale_constant = scale_constant
        self._beta = beta
        self._k = self._zero_point()
        self._last_fail = start_time

    def _zero_point(self) -> float:
        return float(((self._w_max * (1 - self._beta)) / self._scale_constant) ** (1 / 3.0))

    def success_received(self, timestamp: float) -> float:
        dt = timestamp - self._last_fail
        return self._scale_constant * (dt - self._k) ** 3 + self._w_max

    def error_received(self, current_rate: float, timestamp: float) -> float:
        # The rate we were sending at when throttled becomes the new ceiling.
        self._w_max = current_rate
        self._k = self._zero_point()
        self._last_fail = timestamp
        return current_rate * self._beta

    def get_params_snapshot(self) -> CubicParams:
        return CubicParams(w_max=self._w_max, k=self._k, last_fail=self._last_fail)


class RateClocker:
    """The client's measured send rate: a smoothed count per half-second bucket."""

    DEFAULT_SMOOTHING = 0.8
    TIME_BUCKET_RANGE = 0.5

    def __init__(self, now: float, smoothing: float = DEFAULT_SMOOTHING,
                 time_bucket_range: float = TIME_BUCKET_RANGE) -> None:
        self._measured_rate = 0.0
        self._smoothing = smoothing
        self._last_bucket = float(math.floor(now))
        # botocore scales by the class constant, not the argument; so do we.
        self._time_bucket_scale = 1 / self.TIME_BUCKET_RANGE
        self._count = 0.0
        self._lock = threading.Lock()

    def record(self, now: float, amount: float = 1) -> float:
        with self._lock:
            bucket = math.floor(now * self._time_bucket_scale) / self._time_bucket_scale
            self._count += amount
            if bucket > self._last_bucket:
                current_rate = self._count / float(bucket - self._last_bucket)
                self._measured_rate = current_rate * self._smoothing + self._measured_rate * (1 - self._smoothing)
                self._count = 0
                self._last_bucket = bucket
            return self._measured_rate

    @property
    def measured_rate(self) -> float:
        return self._measured_rate


class ClientRateLimiter:
    """One per client (shared by its threads): gate before each send, learn from each answer."""

    MAX_RATE_ADJUST_SCALE = 2.0

    def __init__(self, now: float) -> None:
        self._cubic = CubicCalculator(starting_max_rate=0, start_time=now)
        self._bucket = TokenBucket(max_rate=1, now=now)
        self._clocker = RateClocker(now)
        self._enabled = False
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def bucket(self) -> TokenBucket:
        return self._bucket

    @property
    def measured_rate(self) -> float:
        return self._clocker.measured_rate

    def before_send(self, now: float) -> float:
        """0.0: send now (a token was taken). Otherwise wait that long and ask again."""
        if not self._enabled:
            return 0.0
        return self._bucket.acquire(now)

    def after_attempt(self, *, throttled: bool, now: float) -> float:
        """Record an attempt's outcome (responses and connection errors alike); returns
        the new maximum send rate."""
        measured_rate = self._clocker.record(now)
        with self._lock:
            if not throttled:
                new_rate = self._cubic.success_received(now)
            else:
                rate = measured_rate if not self._enabled else min(measured_rate, self._bucket.max_rate)
                new_rate = self._cubic.error_received(rate, now)
                self._enabled = True
            rate = min(new_rate, self.MAX_RATE_ADJUST_SCALE * measured_rate)
            self._bucket.set_max_rate(rate, now)
            return rate
