"""Clock skew: sign with the server's idea of the time after it said ours is wrong.

botocore has no such correction (a skewed clock fails every call); the AWS SDKs for Java
and JavaScript do. squall follows them: when an error response carries one of the
skew error codes *and* its ``Date`` header differs from the client's (corrected) clock by
more than ``SKEW_THRESHOLD``, the client keeps ``server time - local time`` as an offset
for signing from then on, and the attempt counts as retryable. A skew error whose Date
agrees with our clock (a wrong secret key, say) changes nothing and is not retried, as in
botocore.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime, timedelta

__all__ = ["SKEW_ERROR_CODES", "SKEW_THRESHOLD", "ClockOffset", "server_time", "skew_correction"]

SKEW_ERROR_CODES = frozenset({
    "RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
    "SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture",
})
# SigV4 tolerates 5 minutes (S3 15): a smaller gap cannot be what the server objected to.
# (datetime is imported by the first call that reads the clock, not when a client is made.)
_THRESHOLD_SECONDS = 240.0
_ZERO: Any = None  # timedelta(0), made on first read


def __getattr__(name: str) -> Any:
    if name == "SKEW_THRESHOLD":
        from datetime import timedelta

        return timedelta(seconds=_THRESHOLD_SECONDS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _zero() -> timedelta:
    global _ZERO
    if _ZERO is None:
        from datetime import timedelta

        _ZERO = timedelta(0)
    return _ZERO  # type: ignore[no-any-return]


def server_time(date_header: str | None) -> datetime | None:
    """The HTTP ``Date`` header as an aware UTC datetime, or None if absent/unparsable."""
    if not date_header:
        return None
    from email.utils import parsedate_to_datetime  # ~7 ms to import: not per client

    try:
        parsed = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        from datetime import timezone

        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def skew_correction(error_code: str | None, date_header: str | None, local_now: datetime,
                    current: timedelta) -> timedelta | None:
    """The new clock offset, or None if this response gives no reason to change it.

    ``local_now`` is the uncorrected local time when the response arrived.
    """
    if error_code not in SKEW_ERROR_CODES:
        return None
    server = server_time(date_header)
    if server is None:
        return None
    offset = server - local_now
    if abs((offset - current).total_seconds()) <= _THRESHOLD_SECONDS:
        return None
    return offset


class ClockOffset:
    """The client's correction to its clock (one per client, thread-safe)."""

    def __init__(self) -> None:
        self._offset: timedelta | None = None  # None: no correction (timedelta(0))
        self._lock = threading.Lock()

    @property
    def value(self) -> timedelta:
        offset = self._offset
        return offset if offset is not None else _zero()

    def set(self, offset: timedelta) -> None:
        with self._lock:
            self._offset = offset

    def __repr__(self) -> str:
        return f"<ClockOffset {self.value}>"
