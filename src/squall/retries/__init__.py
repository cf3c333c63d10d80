"""Retries as pure decisions: legacy, standard and adaptive modes as botocore has them.

The call flow reports each attempt (``Attempt``) to the client's ``RetryPolicy`` and
gets a ``RetryDecision`` back; waiting (backoff, the adaptive rate limiter) is expressed
as a delay the driver sleeps, never as a sleep here.
"""
from typing import TYPE_CHECKING, Any

from ._conditions import Attempt
from .decision import RetryDecision
from .policy import RetryMode, RetryPolicy, RetryState, build_retry_policy
from .quota import RetryQuota
from .settings import RetrySettings, resolve_retry_settings
from .skew import SKEW_ERROR_CODES, ClockOffset, skew_correction

if TYPE_CHECKING:
    from .adaptive import ClientRateLimiter, CubicCalculator, RateClocker, TokenBucket
    from .legacy import LegacyRules, legacy_rules

__all__ = [
    "Attempt", "RetryDecision", "RetryPolicy", "RetryMode", "RetryState", "RetryQuota",
    "RetrySettings", "resolve_retry_settings", "build_retry_policy", "LegacyRules",
    "legacy_rules", "ClientRateLimiter", "TokenBucket", "CubicCalculator", "RateClocker",
    "ClockOffset", "SKEW_ERROR_CODES", "skew_correction",
]

# The adaptive and legacy modes' modules load when a client (or a caller) uses them:
# a standard-mode client, the default, never needs them.
_LAZY = {
    "ClientRateLimiter": "adaptive", "CubicCalculator": "adaptive", "RateClocker": "adaptive",
    "TokenBucket": "adaptive", "LegacyRules": "legacy", "legacy_rules": "legacy",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
