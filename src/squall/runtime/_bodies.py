"""Request bodies: what a blob payload may be, its length, and whether it can be sent twice.

A streaming payload (S3 ``Body``) may be ``bytes``, ``str``, a file object (seekable or
not) or any iterable of bytes/str chunks. Iterables are turned into a one-shot reader
before validation, so everything downstream (checksums, aws-chunked framing, signing,
the transport) sees bytes or something with ``read``. Lengths are known for bytes and
seekable files (Content-Length); other bodies go out chunked. A seekable body is
rewound to where it started on a retry (``squall.retries.call``); a one-shot body is
read into memory only when its content must be known before sending (a checksum in a
header, or a signed payload).

Also here: the per-client settings that shape a body on the wire (checksums,
compression, S3 payload signing).
"""
from __future__ import annotations

import io
import os
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Iterable, Iterator, Mapping

from ..models import OperationModel

__all__ = [
    "PayloadSettings", "DEFAULT_PAYLOAD_SETTINGS", "IterableReader", "content_length",
    "is_seekable", "is_one_shot", "read_all", "stream_params", "resolve_payload_settings",
    "s3_express_disabled",
]

_BYTES = (bytes, bytearray, memoryview)
_BYTES_OR_STR = (bytes, bytearray, memoryview, str)


@dataclass(frozen=True, slots=True, kw_only=True)
class PayloadSettings:
    """Resolved once per client (Config over env/profile over defaults)."""

    request_checksum_calculation: str = "when_supported"  # or "when_required"
    response_checksum_validation: str = "when_supported"  # or "when_required"
    disable_request_compression: bool = False
    request_min_compression_size_bytes: int = 10240
    # The s3 config's ``payload_signing_enabled``: None lets botocore's rules decide.
    s3_payload_signing: bool | None = None


DEFAULT_PAYLOAD_SETTINGS = PayloadSettings()


class IterableReader(io.RawIOBase):
    """A one-shot, non-seekable reader over an iterable of bytes/str chunks."""

    def __init__(self, chunks: Iterable[Any]) -> None:
        super().__init__()
        self._chunks: Iterator[Any] = iter(chunks)
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def _next(self) -> bytes:
        for chunk in self._chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
            if data:
                return data
        self._done = True
        return b""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._pending]
            while not self._done:
                parts.append(self._next())
            self._pending = b""
            return b"".join(parts)
        while len(self._pending) < size and not self._done:
            self._pending += self._next()
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def __repr__(self) -> str:
        return f"<IterableReader over {type(self._chunks).__name__}>"


def _is_iterable_body(value: Any) -> bool:
    if isinstance(value, (*_BYTES, str, dict)) or hasattr(value, "read"):
        return False
    try:
        iter(value)
    except TypeError:
        return False
    return True


def stream_params(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    """The caller's params with an iterable streaming payload wrapped as a reader."""
    shape = op.input_shape
    name: str | None = shape.serialization.get("payload") if shape is not None else None
    if name is None:
        return params
    value = params.get(name)
    if value is None or isinstance(value, _BYTES_OR_STR) or not op.has_streaming_input \
            or not _is_iterable_body(value):
        return params
    return {**params, name: IterableReader(value)}


def is_seekable(body: Any) -> bool:
    if not (hasattr(body, "read") and hasattr(body, "seek") and hasattr(body, "tell")):
        return False
    seekable = getattr(body, "seekable", None)
    if callable(seekable):
        try:
            return bool(seekable())
        except (OSError, ValueError):
            return False
    return True


def is_one_shot(body: Any) -> bool:
    """A body that can be read only once (it cannot be hashed and then still sent)."""
    if body is None or isinstance(body, _BYTES_OR_STR):
        return False
    return not is_seekable(body)


def content_length(body: Any) -> int | None:
    """Bytes left to send, or None when unknown (botocore's ``determine_content_length``)."""
    if body is None:
        return 0
    if isinstance(body, str):
        return len(body.encode("utf-8"))
    if isinstance(body, _BYTES):
        return memoryview(body).nbytes
    if is_seekable(body):
        try:
            position = body.tell()
            end = body.seek(0, os.SEEK_END)
            body.seek(position)
            return max(int(end) - int(position), 0)
        except (OSError, ValueError, io.UnsupportedOperation):
            return None
    length = getattr(body, "__len__", None)
    if callable(length) and not hasattr(body, "read"):
        try:
            return int(length())
        except (TypeError, ValueError):
            return None
    return None


def read_all(body: Any) -> bytes:
    """The whole of a body (a stream is read from where it is)."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, _BYTES):
        return bytes(body)
    if hasattr(body, "read"):
        parts = []
        while chunk := body.read(1024 * 1024):
            parts.append(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk))
        return b"".join(parts)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


_CHECKSUM_CHOICES = ("when_supported", "when_required")


def _checksum_setting(name: str, configured: Any, fallback: Any) -> str:
    from ..exceptions import InvalidChecksumConfigError

    value = fallback if configured is None else configured
    if isinstance(value, str):
        value = value.lower()
    if value not in _CHECKSUM_CHOICES:
        raise InvalidChecksumConfigError(config_key=name, config_value=value, valid_options=_CHECKSUM_CHOICES)
    return str(value)


def _min_compression_size(value: Any) -> int:
    from ..exceptions import InvalidConfigError

    base = f'Invalid value "{value}" for request_min_compression_size_bytes.'
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise InvalidConfigError(error_msg=f"{base} Value must be an integer. Received {type(value)} instead.") from None
    if not 1 <= size <= 1048576:
        raise InvalidConfigError(error_msg=f"{base} Value must be between 1 and 1048576.")
    return size


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def resolve_payload_settings(config: Any, setting: Any, s3_config: Mapping[str, Any] | None) -> PayloadSettings:
    """``Config`` options over the Session's settings (``setting(name)`` -> value), checked
    as botocore checks them when a client is made."""
    def option(name: str) -> Any:
        return getattr(config, name, None) if config is not None else None

    min_size = option("request_min_compression_size_bytes")
    disabled = option("disable_request_compression")
    signing = (s3_config or {}).get("payload_signing_enabled")
    return PayloadSettings(
        request_checksum_calculation=_checksum_setting(
            "request_checksum_calculation", option("request_checksum_calculation"),
            setting("request_checksum_calculation")),
        response_checksum_validation=_checksum_setting(
            "response_checksum_validation", option("response_checksum_validation"),
            setting("response_checksum_validation")),
        disable_request_compression=_boolean(disabled if disabled is not None
                                             else setting("disable_request_compression")),
        request_min_compression_size_bytes=_min_compression_size(
            min_size if min_size is not None else setting("request_min_compression_size_bytes")),
        s3_payload_signing=None if signing is None else _boolean(signing),
    )


def s3_express_disabled(config: Any, setting: Any, s3_config: Mapping[str, Any] | None) -> bool | None:
    """``s3_disable_express_session_auth``: the s3 config's ``disable_s3_express_session_auth``
    (where botocore reads it from a Config), else the Config option, else the setting."""
    from ..exceptions import InvalidConfigError

    value = (s3_config or {}).get("disable_s3_express_session_auth")
    if value is None and config is not None:
        value = getattr(config, "s3_disable_express_session_auth", None)
    if value is None:
        value = setting("s3_disable_express_session_auth")
    if value is None:
        return None
    if not isinstance(value, bool) and not (isinstance(value, str) and value.lower() in ("true", "false")):
        raise InvalidConfigError(error_msg=(
            f'Invalid value "{value}" for s3_disable_express_session_auth. Value must be a boolean'))
    return _boolean(value)
