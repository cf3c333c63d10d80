"""Retry policies: pure decisions; the driver does the sleeping."""
from .standard import RetryDecision, RetryPolicy, RetryQuota

__all__ = ["RetryDecision", "RetryPolicy", "RetryQuota"]
