"""The bookkeeping of one API call's attempts (not shared: one per call).

It numbers the attempts, writes the ``amz-sdk-invocation-id`` / ``amz-sdk-request``
headers botocore sends (``attempt=1`` first; ``ttl=...; attempt=N; max=M`` on retries,
the ttl being the last response's ``Date`` plus the read timeout), remembers the retry
quota the last retry took, and makes the request body re-sendable: a seekable stream
goes back to where it was when the call began; a one-shot stream cannot be sent twice,
so a retry is refused with ``UnseekableStreamError`` rather than sending a truncated body.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..exceptions import UnseekableStreamError
from ._conditions import Attempt
from .decision import RetryDecision
from .policy import RetryPolicy, RetryState

__all__ = ["CallRetries", "body_start", "rewind_body"]

_REPLAYABLE = (bytes, bytearray, memoryview, str, list, tuple)


def body_start(body: Any) -> int | None:
    """Where a seekable stream body starts (its ``tell()`` now), else None."""
    if body is None or isinstance(body, _REPLAYABLE):
        return None
    seekable = getattr(body, "seekable", None)
    if callable(seekable):
        try:
            if not seekable():
                return None
        except (OSError, ValueError):
            return None
    tell = getattr(body, "tell", None)
    if tell is None or getattr(body, "seek", None) is None:
        return None
    try:
        return int(tell())
    except (OSError, ValueError, TypeError):
        return None


def rewind_body(body: Any, start: int | None) -> None:
    """Make ``body`` ready to be sent again, or raise UnseekableStreamError."""
    if body is None or isinstance(body, _REPLAYABLE):
        return
    if start is None:
        raise UnseekableStreamError(stream_object=body)
    try:
        body.seek(start)
    except (OSError, ValueError, AttributeError) as exc:
        raise UnseekableStreamError(stream_object=body) from exc


def _ttl(date_header: str | None, read_timeout: float | None) -> str | None:
    """botocore's estimate of when the server gives up on the request: its Date plus our
    read timeout (local time corrected by the skew the Date shows cancels out)."""
    if not date_header or read_timeout is None:
        return None
    try:
        server = datetime.strptime(date_header, "%a, %d %b %Y %H:%M:%S %Z")
        return (server + timedelta(seconds=read_timeout)).strftime("%Y%m%dT%H%M%SZ")
    except (ValueError, TypeError, OverflowError):
        return None


class CallRetries:
    def __init__(self, policy: RetryPolicy, state: RetryState, body: Any, invocation_id: str | None = None) -> None:
        self.policy = policy
        self.state = state
        self.attempt = 0
        if not invocation_id:
            from .._ids import uuid4_text  # not the uuid module: it imports platform

            invocation_id = uuid4_text()
        self.invocation_id = invocation_id
        self.last_acquired: int | None = None  # quota taken by the latest retry
        self._max: int | None = None  # known once the policy has looked at an attempt
        self._ttl: str | None = None
        self._body_start = body_start(body)

    def next_attempt(self) -> int:
        self.attempt += 1
        return self.attempt

    def headers(self) -> dict[str, str]:
        parts = []
        if self._ttl is not None:
            parts.append(f"ttl={self._ttl}")
        parts.append(f"attempt={self.attempt}")
        if self._max is not None:
            parts.append(f"max={self._max}")
        return {"amz-sdk-invocation-id": self.invocation_id, "amz-sdk-request": "; ".join(parts)}

    def decide(self, attempt: Attempt, now: float, date_header: str | None = None) -> RetryDecision:
        """Report the attempt to the rate limiter, then ask the policy."""
        self.policy.after_attempt(attempt, now, self.state)
        decision = self.policy.decide(attempt, self.state)
        self._max = max(self._max or 0, self.policy.max_attempts)
        if decision.retry:
            if decision.quota_acquired is not None:
                self.last_acquired = decision.quota_acquired
            if attempt.status is not None:  # a connection error keeps the previous ttl
                self._ttl = _ttl(date_header, self.policy.read_timeout) or self._ttl
        return decision

    def succeeded(self) -> None:
        self.policy.on_success(self.last_acquired, self.state)

    def rewind(self, body: Any) -> None:
        rewind_body(body, self._body_start)
