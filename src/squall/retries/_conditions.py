"""What one attempt produced, and the questions the retry modes ask about it.

The error-code lists and special cases are botocore's (``botocore.retries.standard`` and
``special``); they are data here so that a test can hold them against botocore's.
"""
from __future__ import annotations

import zlib
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Mapping

from ..exceptions import (
    ConnectionClosedError, ConnectionError, ConnectTimeoutError, EndpointConnectionError,
    HTTPClientError, ReadTimeoutError,
)
from ..models import OperationModel

__all__ = [
    "Attempt", "THROTTLING_CODES", "TRANSIENT_CODES", "TRANSIENT_STATUS", "is_transient",
    "is_throttling", "modeled_retry_kind", "is_timeout", "crc32_mismatch", "is_special_retry",
    "LEGACY_SOCKET_ERRORS",
]

THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
})
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"})
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
# Standard mode: any connection-level failure is transient.
_TRANSIENT_EXCEPTIONS = (ConnectionError, HTTPClientError)
_TIMEOUT_EXCEPTIONS = (ConnectTimeoutError, ReadTimeoutError)
# Legacy mode's GENERAL_CONNECTION_ERROR (botocore.retryhandler.EXCEPTION_MAP).
LEGACY_SOCKET_ERRORS = (ConnectionError, ConnectionClosedError, ReadTimeoutError, EndpointConnectionError)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One attempt's outcome: an HTTP response (with its parsed error code) or an exception."""

    number: int  # 1-based
    operation: OperationModel
    status: int | None = None  # None: no response (``exception`` says why)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    error_code: str | None = None  # the parsed ``Error.Code`` (None on success)
    exception: BaseException | None = None
    # The server's Date showed a skewed clock and the client's offset was corrected.
    clock_skew_corrected: bool = False

    @property
    def service_name(self) -> str:
        return self.operation.service_model.service_name


def modeled_retry_kind(attempt: Attempt) -> str | None:
    """"throttling" or "transient" if the operation models this error as ``retryable``."""
    code = attempt.error_code
    if code is None:
        return None
    for shape in attempt.operation.error_shapes:
        retryable = shape.metadata.get("retryable")
        if retryable is None:
            continue
        # botocore matches the modelled error code, else the shape name.
        if code == (shape.metadata.get("error", {}).get("code") or shape.name):
            return "throttling" if retryable.get("throttling") else "transient"
    return None


def is_transient(attempt: Attempt) -> bool:
    if attempt.error_code in TRANSIENT_CODES:
        return True
    if attempt.status is not None and attempt.status in TRANSIENT_STATUS:
        return True
    return attempt.exception is not None and isinstance(attempt.exception, _TRANSIENT_EXCEPTIONS)


def is_throttling(attempt: Attempt) -> bool:
    """botocore's ThrottlingErrorDetector: a known code or a modelled throttling error.

    A bare 429 without one of the codes is not throttling there, so not here either.
    """
    return attempt.error_code in THROTTLING_CODES or modeled_retry_kind(attempt) == "throttling"


def is_timeout(attempt: Attempt) -> bool:
    return isinstance(attempt.exception, _TIMEOUT_EXCEPTIONS)


def crc32_mismatch(attempt: Attempt, header: str = "x-amz-crc32") -> tuple[int, int] | None:
    """(expected, actual) when the response carries a CRC32 header its body does not match."""
    if attempt.status is None:
        return None
    expected = attempt.headers.get(header)
    if expected is None:
        return None
    actual = zlib.crc32(attempt.body) & 0xFFFFFFFF
    return None if actual == int(expected) else (int(expected), actual)


def is_special_retry(attempt: Attempt) -> bool:
    """Standard mode's leftovers from legacy: STS IDP errors and DynamoDB CRC32 mismatches."""
    name = attempt.service_name
    if name == "sts":
        return attempt.error_code == "IDPCommunicationError"
    if name == "dynamodb":
        return crc32_mismatch(attempt) is not None
    return False
