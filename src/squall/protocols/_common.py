"""Helpers every protocol shares: timestamps, blobs, floats, host prefixes and errors.

Nothing here knows a wire format; the protocol modules (``awsjson``, and later
``query``, ``ec2``, ``restjson``, ``restxml``, ``rpcv2cbor``) compose these pieces.
All functions are pure.
"""
from __future__ import annotations

import base64
import datetime as _dt
import math
import re
import sys
from typing import Any, Literal, Mapping

from ..exceptions import ParamValidationError, SquallError
from ..http._values import HttpResponse
from ..models.shapes import OperationModel, ServiceModel, Shape

__all__ = [
    "TimestampPrecision", "ResponseParserError", "UTC",
    "to_aware_datetime", "parse_timestamp", "format_timestamp",
    "encode_blob", "blob_bytes", "decode_blob", "float_to_wire",
    "expand_host_prefix", "response_metadata", "is_generic_error", "generic_error",
    "clean_error_code", "apply_query_error_header", "error_shape_for_code",
    "unknown_union_member",
]

UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)

# botocore's serializer option: "default" keeps microseconds in ISO 8601 and whole
# seconds in epoch timestamps; "millisecond" (bedrock-agentcore) uses milliseconds for both.
TimestampPrecision = Literal["default", "millisecond"]


class ResponseParserError(SquallError):
    """A response could not be parsed as the protocol and model say it should be."""

    fmt = "{msg}"


# -- timestamps -------------------------------------------------------------------------

_ISO8601 = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$"
)


def _from_epoch(seconds: float) -> _dt.datetime:
    try:
        return _dt.datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError):
        # The platform's time functions cap the range; timedelta does not.
        return _EPOCH + _dt.timedelta(seconds=seconds)


def _parse_iso8601(text: str) -> _dt.datetime | None:
    match = _ISO8601.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))  # truncated, as dateutil does
    try:
        value = _dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0),
            int(second or 0), micro,
        )
    except ValueError:
        return None
    if zone is None:
        return value
    if zone in ("Z", "z", "UTC", "GMT"):
        return value.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    offset = _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return value.replace(tzinfo=_dt.timezone(sign * offset))


def _parse_text_timestamp(text: str) -> _dt.datetime:
    value = _parse_iso8601(text)
    if value is not None:
        return value
    import email.utils  # lazily: ~5 ms to import, and only rest protocols' headers need it

    try:
        return email.utils.parsedate_to_datetime(text)  # RFC 822 / RFC 7231 dates
    except (TypeError, ValueError, IndexError):
        pass
    try:
        # Rare formats: defer to dateutil (installed with botocore) so the set of
        # strings accepted matches botocore's; imported only on this slow path.
        from dateutil import parser as _dateutil_parser  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - dateutil always ships with botocore
        raise ValueError(f'Invalid timestamp "{text}"') from None
    try:
        parsed: _dt.datetime = _dateutil_parser.parse(text, tzinfos={"GMT": UTC})
    except (TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise ValueError(f'Invalid timestamp "{text}": {exc}') from None
    return parsed


def _parse_any_timestamp(value: Any) -> _dt.datetime:
    if isinstance(value, (int, float)):  # bool included, as in botocore
        if isinstance(value, float) and math.isnan(value):
            raise ValueError("Invalid timestamp: NaN")
        return _from_epoch(value)
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8")
    if not isinstance(value, str) and not _is_decimal(value):
        raise TypeError(f"Invalid timestamp type: {type(value)}")
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        if math.isnan(seconds) or math.isinf(seconds):
            raise ValueError(f'Invalid timestamp "{value}"')
        return _from_epoch(seconds)
    return _parse_text_timestamp(str(value))


def to_aware_datetime(value: Any) -> _dt.datetime:
    """A user-supplied timestamp as a UTC datetime (botocore's ``parse_to_aware_datetime``).

    Accepts datetimes (naive ones are taken as UTC), epoch seconds (numbers or numeric
    strings) and date strings. Raises TypeError/ValueError for anything else.
    """
    parsed = value if isinstance(value, _dt.datetime) else _parse_any_timestamp(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_timestamp(value: Any) -> _dt.datetime:
    """A timestamp from a response (epoch number, ISO 8601 or RFC 822) as an aware UTC datetime."""
    if value.__class__ is str and len(value) >= 20 and value[10] == "T" and value[-1] == "Z":
        # AWS's usual form (2026-01-02T03:04:05[.123]Z): the C parser, ~5x faster than
        # the general path; anything it refuses (or Python < 3.11) takes that path.
        try:
            return _dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    parsed = _parse_any_timestamp(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp(
    value: Any, timestamp_format: str, precision: TimestampPrecision = "default"
) -> str | int | float:
    """Render a user timestamp as ``iso8601``, ``unixtimestamp`` or ``rfc822``."""
    when = to_aware_datetime(value)
    fmt = timestamp_format.lower()
    if fmt == "iso8601":
        base = (f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
                f"T{when.hour:02d}:{when.minute:02d}:{when.second:02d}")
        if precision == "millisecond":
            return f"{base}.{when.microsecond // 1000:03d}Z"
        return f"{base}.{when.microsecond:06d}Z" if when.microsecond else base + "Z"
    if fmt == "unixtimestamp":
        from calendar import timegm  # calendar (and locale) load with the first epoch timestamp

        seconds = timegm(when.timetuple())
        if precision == "millisecond":
            return seconds + (when.microsecond // 1000) / 1000.0
        return int(seconds)
    if fmt == "rfc822":
        import email.utils
        from calendar import timegm

        return email.utils.formatdate(timegm(when.timetuple()), usegmt=True)
    raise ValueError(f"Unknown timestamp format: {timestamp_format!r}")


# -- blobs and floats -------------------------------------------------------------------

def blob_bytes(value: Any) -> bytes:
    """A blob parameter as bytes: str is UTF-8 encoded, file-like objects are read."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    read = getattr(value, "read", None)
    if read is not None:
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"Blob values must be bytes, str or file-like, not {type(value)}")


def encode_blob(value: Any) -> str:
    return base64.b64encode(blob_bytes(value)).decode("ascii")


def decode_blob(value: str | bytes) -> bytes:
    # Lenient like botocore: characters outside the alphabet are discarded.
    return base64.b64decode(value)


def _is_decimal(value: Any) -> bool:
    """isinstance(value, decimal.Decimal), without importing decimal (~1 ms, with the
    numbers module) for a process that never made one: none can exist before it is loaded."""
    module = sys.modules.get("decimal")
    return module is not None and isinstance(value, module.Decimal)


def float_to_wire(value: Any) -> Any:
    """Floats as text formats carry them: Decimal -> float, NaN/±Infinity -> strings."""
    if _is_decimal(value):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value


# -- host prefix ------------------------------------------------------------------------

_HOST_LABEL = re.compile(r"^[A-Za-z0-9.\-]+$")


def expand_host_prefix(operation_model: OperationModel, params: Mapping[str, Any]) -> str | None:
    """The operation's ``endpoint.hostPrefix`` with its ``{label}``s filled in, if any."""
    endpoint = operation_model.endpoint
    if not endpoint or "hostPrefix" not in endpoint:
        return None
    template: str = endpoint["hostPrefix"]
    shape = operation_model.input_shape
    if shape is None:
        return template
    labels: dict[str, str] = {}
    bad: list[str] = []
    for name, member in shape.members.items():
        if member.serialization.get("hostLabel"):
            value = params.get(name)
            if not isinstance(value, str) or not _HOST_LABEL.match(value):
                bad.append(name)
            labels[name] = str(value)
    if bad:
        raise ParamValidationError(report=(
            f"Invalid value for parameter(s): {', '.join(bad)}. "
            "Must contain only alphanumeric characters, hyphen, or period."
        ))
    return template.format(**labels)


# -- responses --------------------------------------------------------------------------

def response_metadata(response: HttpResponse, request_id: str | None = None) -> dict[str, Any]:
    """botocore's ``ResponseMetadata``; the retry layer overwrites ``RetryAttempts``."""
    meta: dict[str, Any] = {}
    if request_id is not None:
        meta["RequestId"] = request_id
    meta["HTTPStatusCode"] = response.status_code
    meta["HTTPHeaders"] = {k.lower(): v for k, v in response.headers.items()}
    meta["RetryAttempts"] = 0
    return meta


def is_generic_error(response: HttpResponse) -> bool:
    """A 5xx whose body is empty or an HTML page (a proxy or load balancer answered)."""
    if response.status_code < 500:
        return False
    body = response.body.strip()
    return not body or body.startswith(b"<html>")


def generic_error(response: HttpResponse) -> dict[str, Any]:
    status = response.status_code
    return {
        "Error": {"Code": str(status), "Message": _reason(status)},
        "ResponseMetadata": response_metadata(response),
    }


def clean_error_code(code: str) -> str:
    """``ns#Name:http://uri`` -> ``Name``: drop a ``:``-suffix, then a ``#``-namespace."""
    if ":" in code:
        code = code.split(":", 1)[0]
    if "#" in code:
        code = code.rsplit("#", 1)[1]
    return code


def apply_query_error_header(code: str, headers: Mapping[str, str], error: dict[str, Any]) -> str:
    """awsQueryCompatible services send ``x-amzn-query-error: Code;Type``; use its code.

    As botocore does, the protocol's own code is kept as ``QueryErrorCode`` and the
    fault type as ``Type``.
    """
    header = headers.get("x-amzn-query-error")
    if header is None:
        return code
    parts = header.split(";")
    if len(parts) == 2 and parts[0]:
        error["QueryErrorCode"] = code
        error["Type"] = parts[1]
        return parts[0]
    return code


def error_shape_for_code(service_model: ServiceModel, code: str | None) -> Shape | None:
    if code is None:
        return None
    return service_model.shape_for_error_code(code)


def unknown_union_member(shape: Shape, value: Mapping[str, Any]) -> dict[str, Any] | None:
    """``{'SDK_UNKNOWN_MEMBER': {'name': tag}}`` when a union carries a member we don't know.

    Raises ResponseParserError when the union does not have exactly one member set.
    """
    present = [k for k, v in value.items() if v is not None and k != "__type"]
    if len(present) != 1:
        raise ResponseParserError(
            msg=f"Invalid service response: {shape.name} must have one and only one member set."
        )
    # The shape's memoised wire-name table: this runs for every DynamoDB AttributeValue.
    if present[0] in shape.members_by_wire_name:
        return None
    # botocore reports the first key on the wire, which may be "__type".
    return {"SDK_UNKNOWN_MEMBER": {"name": next(iter(value))}}


def _reason(status: int) -> str:
    """The standard reason phrase (what http.client.responses holds, without its sockets)."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
