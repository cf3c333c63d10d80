"""Retries as pure decisions: legacy, standard and adaptive modes as botocore has them.

The call flow reports each attempt (``Attempt``) to the client's ``RetryPolicy`` and
gets a ``RetryDecision`` back; waiting (backoff, the adaptive rate limiter) is expressed
as a delay the driver sleeps, never as a sleep here.
"""
from ._conditions import Attempt
from .adaptive import ClientRateLimiter, CubicCalculator, RateClocker, TokenBucket
from .decision import RetryDecision
from .legacy import LegacyRules, legacy_rules
from .policy import RetryMode, RetryPolicy, RetryState, build_retry_policy
from .quota import RetryQuota
from .settings import RetrySettings, resolve_retry_settings
from .skew import SKEW_ERROR_CODES, ClockOffset, skew_correction

__all__ = [
    "Attempt", "RetryDecision", "RetryPolicy", "RetryMode", "RetryState", "RetryQuota",
    "RetrySettings", "resolve_retry_settings", "build_retry_policy", "LegacyRules",
    "legacy_rules", "ClientRateLimiter", "TokenBucket", "CubicCalculator", "RateClocker",
    "ClockOffset", "SKEW_ERROR_CODES", "skew_correction",
]
