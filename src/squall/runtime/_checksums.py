"""Flexible checksums (the ``httpChecksum`` trait), as botocore 1.43's httpchecksum.py.

Requests: a checksum is sent when the caller names an algorithm (``ChecksumAlgorithm``),
when the operation requires one, or when it merely supports one and
``request_checksum_calculation`` is ``when_supported`` (the default: CRC32). It goes
in a header (``x-amz-checksum-<alg>``), except for streaming uploads over HTTPS, where
the body is framed ``aws-chunked`` and the checksum follows it as a trailer, so the body
is read once and never buffered. A checksum header the caller set is left alone.

Responses: when the operation's validation-mode member is set (``ChecksumMode``, which
``response_checksum_validation=when_supported`` sets to ENABLED), the first
``x-amz-checksum-<alg>`` header of a supported algorithm is checked; a mismatch raises
``FlexibleChecksumError`` and no data is returned. Streaming bodies are checked as they
are read, when the end is reached.

Everything here is pure: values in, values out (streams are wrapped, never read early).
"""
from __future__ import annotations

import base64
import io
import re
from .._dataclass import dataclass, replace  # the stdlib's, cheaper to define
from typing import Any, Mapping

from ..auth.checksums import RESPONSE_PRIORITY, Checksum, b64_digest, new_checksum, supported_algorithms
from ..exceptions import AwsChunkedWrapperError, FlexibleChecksumError
from ..http import HttpRequest, HttpResponse
from ..models import OperationModel
from ._bodies import content_length

__all__ = [
    "RequestChecksum", "plan_request_checksum", "apply_request_checksum", "AwsChunkedBody",
    "with_validation_mode", "response_algorithms", "validate_response", "ChecksumValidatingStream",
    "DEFAULT_ALGORITHM", "has_checksum_header",
]

DEFAULT_ALGORITHM = "CRC32"
_CHECKSUM_HEADER = re.compile(r"^x-amz-checksum-([a-z0-9]*)$", re.IGNORECASE)
_CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestChecksum:
    algorithm: str  # lower-case, e.g. "crc32"
    location: str  # "header" or "trailer"
    # The member header naming the algorithm when squall chose it (x-amz-sdk-checksum-algorithm).
    algorithm_header: tuple[str, str] | None = None

    @property
    def header(self) -> str:
        return f"x-amz-checksum-{self.algorithm}"


def has_checksum_header(headers: Mapping[str, str]) -> bool:
    return any(_CHECKSUM_HEADER.match(name) for name in headers)


def _algorithm_member_header(op: OperationModel, member: str | None) -> str | None:
    shape = op.input_shape
    if member is None or shape is None or member not in shape.members:
        return None
    name = shape.members[member].serialization.get("name")
    return str(name) if name is not None else None


def plan_request_checksum(
    op: OperationModel, params: Mapping[str, Any], request: HttpRequest, *, calculation: str,
    presign: bool = False,
) -> RequestChecksum | None:
    """Which checksum to send and where (botocore's ``resolve_request_checksum_algorithm``)."""
    trait = op.http_checksum
    required = op.http_checksum_required or bool(trait.get("requestChecksumRequired"))
    member = trait.get("requestAlgorithmMember")
    if not (required or member) or has_checksum_header(request.headers):
        return None  # nothing to send, or the caller supplied one
    algorithm_header = None
    if member and member in params:
        algorithm = str(params[member]).lower()
        if algorithm not in supported_algorithms():
            raise FlexibleChecksumError(error_msg=f"Unsupported checksum algorithm: {algorithm}")
    elif required or (member and calculation == "when_supported"):
        if presign:  # no default checksum on a presigned URL
            return None
        algorithm = DEFAULT_ALGORITHM.lower()
        name = _algorithm_member_header(op, member)
        if name is not None:
            algorithm_header = (name, DEFAULT_ALGORITHM)
    else:
        return None
    # Streaming uploads over TLS carry the checksum as an unsigned trailer (the body is
    # then not hashed for signing, which is only safe under TLS).
    trailer = op.has_streaming_input and request.url.lower().startswith("https:")
    return RequestChecksum(
        algorithm=algorithm, location="trailer" if trailer else "header", algorithm_header=algorithm_header,
    )


def _digest_of(algorithm: str, body: Any) -> tuple[str, Any]:
    """The checksum of the body, and the body to send (a seekable stream is rewound)."""
    checksum = new_checksum(algorithm)
    if body is None or isinstance(body, (bytes, bytearray, memoryview, str)):
        checksum.update(body.encode("utf-8") if isinstance(body, str) else (body or b""))
        return b64_digest(checksum), body
    position = body.tell()
    while chunk := body.read(_CHUNK_SIZE):
        checksum.update(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    body.seek(position)
    return b64_digest(checksum), body


def apply_request_checksum(request: HttpRequest, plan: RequestChecksum) -> HttpRequest:
    """``request`` with its checksum header, or framed aws-chunked with a trailer.

    A one-shot body given a header checksum must already be bytes (the flow reads it
    into memory first: the checksum needs the content before the body is sent).
    """
    headers = dict(request.headers)
    lowered = {k.lower(): k for k in headers}
    body = request.body
    if plan.header not in lowered:
        if plan.location == "header":
            digest, body = _digest_of(plan.algorithm, body)
            headers[plan.header] = digest
        else:
            headers["Transfer-Encoding"] = "chunked"
            encoding_key = lowered.get("content-encoding")
            if encoding_key is not None:  # keep an existing encoding (e.g. gzip) first
                headers[encoding_key] = headers[encoding_key] + ",aws-chunked"
            else:
                headers["Content-Encoding"] = "aws-chunked"
            headers["X-Amz-Trailer"] = plan.header
            length = content_length(body)
            length_key = lowered.get("content-length")
            if length is None and length_key is not None:
                length = int(headers[length_key])
            if length is not None:  # S3 needs the payload's own length
                headers["X-Amz-Decoded-Content-Length"] = str(length)
            if length_key is not None:
                del headers[length_key]
            body = AwsChunkedBody(body, plan.algorithm, plan.header)
    if plan.algorithm_header is not None:
        name, value = plan.algorithm_header
        headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
        headers[name] = value
    return request.replace(headers=headers, body=body)


class AwsChunkedBody(io.RawIOBase):
    """The body as ``aws-chunked`` frames (``<hex len>\\r\\n<data>\\r\\n``), ending with a
    zero-length frame carrying the checksum trailer. Rewinding (``seek(0)``) restarts the
    frames and the checksum and rewinds the source to where it started."""

    def __init__(self, raw: Any, algorithm: str, trailer_name: str, chunk_size: int = _CHUNK_SIZE) -> None:
        super().__init__()
        if raw is None or isinstance(raw, (bytes, bytearray, memoryview, str)):
            raw = io.BytesIO(raw.encode("utf-8") if isinstance(raw, str) else bytes(raw or b""))
        self._raw = raw
        self._algorithm = algorithm
        self._trailer = trailer_name.encode("ascii")
        self._chunk_size = chunk_size
        seekable = getattr(raw, "seekable", None)
        self._start: int | None = None
        if hasattr(raw, "seek") and hasattr(raw, "tell") and (not callable(seekable) or seekable()):
            try:
                self._start = int(raw.tell())
            except (OSError, ValueError):
                self._start = None
        self._reset()

    def _reset(self) -> None:
        self._pending = b""
        self._complete = False
        self._position = 0
        self._checksum: Checksum = new_checksum(self._algorithm)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._start is not None

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0 or self._start is None:
            raise AwsChunkedWrapperError(error_msg="Can only seek to start of stream")
        self._raw.seek(self._start)
        self._reset()
        return 0

    def _frame(self) -> bytes:
        chunk = self._raw.read(self._chunk_size)
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        if not chunk:
            self._complete = True
            digest = b64_digest(self._checksum).encode("ascii")
            return b"0\r\n%s:%s\r\n\r\n" % (self._trailer, digest)
        self._checksum.update(chunk)
        return b"%x\r\n%s\r\n" % (len(chunk), chunk)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._pending]
            while not self._complete:
                parts.append(self._frame())
            out, self._pending = b"".join(parts), b""
        else:
            while len(self._pending) < size and not self._complete:
                self._pending += self._frame()
            out, self._pending = self._pending[:size], self._pending[size:]
        self._position += len(out)
        return out

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def __iter__(self) -> Any:
        while chunk := self.read(self._chunk_size):
            yield chunk


# ---------------------------------------------------------------------------------
# Responses


def with_validation_mode(op: OperationModel, params: Mapping[str, Any], validation: str) -> Mapping[str, Any]:
    """``ChecksumMode=ENABLED`` unless set, when validating whenever supported."""
    member = op.http_checksum.get("requestValidationModeMember")
    if member is None or validation != "when_supported" or member in params:
        return params
    return {**params, member: "ENABLED"}


def response_algorithms(op: OperationModel, params: Mapping[str, Any]) -> tuple[str, ...]:
    """Algorithms to look for in the response, best first (empty: no validation)."""
    trait = op.http_checksum
    member = trait.get("requestValidationModeMember")
    if not member or member not in params:
        return ()
    offered = {a.lower() for a in trait.get("responseAlgorithms", ())}
    usable = supported_algorithms()
    return tuple(a for a in RESPONSE_PRIORITY if a in offered and a in usable)


def _mismatch(expected: str, checksum: Checksum) -> FlexibleChecksumError:
    return FlexibleChecksumError(
        error_msg=f"Expected checksum {expected} did not match calculated checksum: {b64_digest(checksum)}"
    )


def _expected_digest(expected: str) -> bytes:
    try:
        return base64.b64decode(expected)
    except ValueError:
        return b""


class ChecksumValidatingStream:
    """Wraps a transport stream: hashes what is read, checks the digest at the end."""

    def __init__(self, raw: Any, algorithm: str, expected: str) -> None:
        self._raw = raw
        self._checksum = new_checksum(algorithm)
        self._expected = expected
        self._checked = False

    def read(self, amt: int | None = None) -> bytes:
        return self._account(self._raw.read() if amt is None else self._raw.read(amt), amt)

    def _account(self, chunk: bytes, amt: int | None) -> bytes:
        if chunk:
            self._checksum.update(chunk)
        if amt is None or (not chunk and amt > 0):
            self._validate()
        return bytes(chunk)

    def _validate(self) -> None:
        if self._checked:
            return
        self._checked = True
        if self._checksum.digest() != _expected_digest(self._expected):
            raise _mismatch(self._expected, self._checksum)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __getattr__(self, name: str) -> Any:  # release_conn, stream, ... of the transport's body
        return getattr(self._raw, name)


class AsyncChecksumValidatingStream(ChecksumValidatingStream):
    """The same over the asyncio transport's stream (``is_async``): ``await read()``."""

    is_async = True

    async def read(self, amt: int | None = None) -> bytes:  # type: ignore[override]
        return self._account(await (self._raw.read() if amt is None else self._raw.read(amt)), amt)


def validate_response(response: HttpResponse, algorithms: tuple[str, ...]) -> tuple[HttpResponse, str | None]:
    """The response, its stream (if it has one) wrapped to validate as it is read;
    raises on a mismatch of a whole body. Also returns the algorithm validated (None:
    the response carried none of them)."""
    for algorithm in algorithms:
        expected = response.headers.get(f"x-amz-checksum-{algorithm}")
        # A "-N" suffix marks a checksum of part checksums (multipart): not checkable.
        if expected is None or "-" in expected:
            continue
        if response.stream is not None:
            wrapper = AsyncChecksumValidatingStream if getattr(response.stream, "is_async", False) \
                else ChecksumValidatingStream
            return replace(response, stream=wrapper(response.stream, algorithm, expected)), algorithm
        checksum = new_checksum(algorithm)
        checksum.update(response.body)
        if checksum.digest() != _expected_digest(expected):
            raise _mismatch(expected, checksum)
        return response, algorithm
    return response, None
