"""The answer a retry policy gives after each attempt."""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Mapping

__all__ = ["RetryDecision"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryDecision:
    retry: bool
    # Seconds to wait before the next attempt. Also set without a retry in one case:
    # a long-polling call that ran out of retry quota still backs off before failing.
    delay: float = 0.0
    reason: str = ""
    # Added to the response's ResponseMetadata (MaxAttemptsReached, RetryQuotaReached).
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # Retry-quota capacity taken for this retry (given back if the call then succeeds).
    quota_acquired: int | None = None
    # Raise this instead of returning the response (legacy: CRC32 mismatch, last attempt).
    error: BaseException | None = None
