"""A client's retry policy: its mode's rules plus the state its threads share.

Built once per client (``build_retry_policy``). ``decide`` is the pure decision after
each attempt (it only takes retry-quota capacity); the call flow asks ``before_send`` how
long the adaptive rate limiter wants it to wait, reports each attempt with
``after_attempt``, and gives quota back with ``on_success``. Nothing here sleeps or reads
a clock: times come in as arguments from the client's injected clock.
"""
from __future__ import annotations

import random as _random
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping

from ._conditions import Attempt, is_throttling
from .decision import RetryDecision
from .quota import RetryQuota
from .settings import RetrySettings
from .skew import ClockOffset
from .standard import NO_RETRY_INCREMENT, decide_standard, default_max_attempts

if TYPE_CHECKING:  # the adaptive and legacy modes' modules load with a client that uses them
    from .adaptive import ClientRateLimiter
    from .legacy import LegacyRules

__all__ = ["RetryMode", "RetryState", "RetryPolicy", "build_retry_policy", "fresh_state"]

RetryMode = Literal["legacy", "standard", "adaptive"]


class RetryState:
    """What a client's calls share and change: retry quota, rate limiter, clock offset.

    Each part guards itself with a lock, so any number of threads may use one client.
    """

    __slots__ = ("quota", "limiter", "clock_offset")

    def __init__(self, *, quota: RetryQuota | None = None, limiter: ClientRateLimiter | None = None) -> None:
        self.quota = quota
        self.limiter = limiter
        self.clock_offset = ClockOffset()

    def __repr__(self) -> str:
        return f"<RetryState quota={self.quota!r} limiter={self.limiter is not None} offset={self.clock_offset.value}>"


def fresh_state(mode: str, now: float) -> RetryState:
    """New shared state: a full retry quota (standard/adaptive) and a rate limiter whose
    clock starts at ``now`` (adaptive)."""
    quota = RetryQuota() if mode != "legacy" else None
    limiter = None
    if mode == "adaptive":
        from .adaptive import ClientRateLimiter

        limiter = ClientRateLimiter(now)
    return RetryState(quota=quota, limiter=limiter)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    mode: RetryMode
    max_attempts: int  # total attempts, the first included
    service_event_name: str  # the hyphenated service id (botocore's event name)
    legacy: LegacyRules | None = None
    new_retries: bool = False
    # Config.read_timeout: the ``ttl`` of the amz-sdk-request header counts on it.
    read_timeout: float | None = 60.0
    random: Callable[[], float] = _random.random
    # The client's own; ``fresh_state`` makes another (tests, a client rebuilt elsewhere).
    state: RetryState = field(default_factory=RetryState, compare=False)

    def fresh_state(self, now: float) -> RetryState:
        return fresh_state(self.mode, now)

    def decide(self, attempt: Attempt, state: RetryState | None = None) -> RetryDecision:
        state = state if state is not None else self.state
        if self.legacy is not None:
            from .legacy import decide_legacy

            return decide_legacy(attempt, self.legacy, self.random)
        return decide_standard(
            attempt, max_attempts=self.max_attempts, quota=state.quota, random=self.random,
            service_event_name=self.service_event_name, new_retries=self.new_retries,
        )

    def before_send(self, now: float, state: RetryState | None = None) -> float:
        """Seconds the adaptive rate limiter wants the caller to wait (0.0: send now)."""
        limiter = (state if state is not None else self.state).limiter
        return limiter.before_send(now) if limiter is not None else 0.0

    def after_attempt(self, attempt: Attempt, now: float, state: RetryState | None = None) -> None:
        limiter = (state if state is not None else self.state).limiter
        if limiter is not None:
            limiter.after_attempt(throttled=is_throttling(attempt), now=now)

    def on_success(self, last_acquired: int | None, state: RetryState | None = None) -> None:
        """A 2xx ended the call: return the last retry's capacity, or a little for a first-try success."""
        quota = (state if state is not None else self.state).quota
        if quota is not None:
            quota.release(last_acquired if last_acquired is not None else NO_RETRY_INCREMENT)


def build_retry_policy(
    *, settings: RetrySettings, service_id: str, endpoint_prefix: str,
    retry_data: Mapping[str, Any] | None = None, read_timeout: float | None = 60.0, now: float = 0.0,
    random: Callable[[], float] = _random.random,
) -> RetryPolicy:
    """The policy for one client. ``retry_data`` is ``_retry.json``'s content (legacy mode);
    ``now`` starts the adaptive limiter's clock."""
    event_name = service_id.replace(" ", "-").lower()
    legacy = None
    if settings.mode == "legacy":
        from .legacy import NO_LEGACY_RULES, legacy_rules

        legacy = legacy_rules(retry_data, endpoint_prefix, settings.total_max_attempts) if retry_data \
            else NO_LEGACY_RULES  # botocore registers no retry handler without _retry.json
        max_attempts = legacy.max_attempts
    elif settings.total_max_attempts is not None:
        max_attempts = settings.total_max_attempts
    else:
        max_attempts = default_max_attempts(event_name, settings.new_retries)
    return RetryPolicy(
        mode=settings.mode, max_attempts=max_attempts, service_event_name=event_name, legacy=legacy,
        new_retries=settings.new_retries, read_timeout=read_timeout, random=random,
        state=fresh_state(settings.mode, now),
    )
