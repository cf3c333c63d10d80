"""Shared protocol helpers: timestamps (against botocore.utils), host prefixes, event stream framing."""
from __future__ import annotations

import datetime
import decimal
import struct
import zlib
from typing import Any

import botocore.serialize
import botocore.utils
import pytest

from squall.exceptions import ParamValidationError
from squall.models.shapes import ServiceModel
from squall.protocols._common import (
    ResponseParserError, expand_host_prefix, format_timestamp, parse_timestamp, to_aware_datetime,
)
from squall.protocols._eventstream import EventStreamDecoder

UTC = datetime.timezone.utc

TIMESTAMP_INPUTS: list[Any] = [
    0, 1, 1714566615, 1714566615.5, -1, 2 ** 31, 253402300799, True, decimal.Decimal("12.25"),
    "0", "1714566615", "1714566615.75", "-5", " 12 ",
    "2024-05-01", "2024-05-01T12:30:15", "2024-05-01T12:30:15Z", "2024-05-01T12:30:15.123456Z",
    "2024-05-01T12:30:15.1234567Z", "2024-05-01T12:30:15,5Z", "2024-05-01 12:30:15", "2024-05-01T12:30",
    "2024-05-01T12:30:15+02:00", "2024-05-01T12:30:15-0530", "2024-05-01T12:30:15+01", "2024-5-1T1:02:03Z",
    "Wed, 01 May 2024 12:30:15 GMT", "Wed, 01 May 2024 12:30:15 +0200", "01 May 2024 12:30:15 GMT",
    "May 1 2024", "20240501T123015Z", "2024-02-30", "2024-13-01", "not a date", "", "NaN", "inf",
    datetime.datetime(2024, 5, 1, 12, 0), datetime.datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
    datetime.datetime(2024, 5, 1, 12, 0, 0, 7, tzinfo=datetime.timezone(datetime.timedelta(hours=-3))),
    datetime.date(2024, 5, 1), None, [], {}, 1j,  # 1j: an arbitrary object with a stable test id
]


def _botocore_aware(value: Any) -> Any:
    try:
        return botocore.utils.parse_to_aware_datetime(value)
    except (TypeError, ValueError, AttributeError, OverflowError, RuntimeError):
        return "invalid"


def _squall_aware(value: Any) -> Any:
    try:
        return to_aware_datetime(value)
    except (TypeError, ValueError, AttributeError, OverflowError):
        return "invalid"


@pytest.mark.parametrize("value", TIMESTAMP_INPUTS, ids=[repr(v)[:40] for v in TIMESTAMP_INPUTS])
def test_to_aware_datetime_matches_botocore(value: Any) -> None:
    ours, theirs = _squall_aware(value), _botocore_aware(value)
    assert ours == theirs
    if ours != "invalid":
        assert ours.tzinfo is UTC


@pytest.mark.parametrize("value", TIMESTAMP_INPUTS[:34], ids=[repr(v)[:40] for v in TIMESTAMP_INPUTS[:34]])
@pytest.mark.parametrize("fmt", ["iso8601", "unixtimestamp", "rfc822"])
@pytest.mark.parametrize("precision", ["default", "millisecond"])
def test_format_timestamp_matches_botocore(value: Any, fmt: str, precision: Any) -> None:
    if _botocore_aware(value) == "invalid":
        return
    serializer = botocore.serialize.Serializer(timestamp_precision=precision)
    assert format_timestamp(value, fmt, precision) == serializer._convert_timestamp_to_str(value, fmt)


@pytest.mark.parametrize("value", [0, 1714566615.5, "1714566615", "2024-05-01T12:30:15.250Z",
                                   "Wed, 01 May 2024 12:30:15 GMT", "2024-05-01T12:30:15+02:00",
                                   "2024-05-01T12:30:15"])
def test_parse_timestamp_is_utc_and_same_instant(value: Any) -> None:
    ours = parse_timestamp(value)
    theirs = botocore.utils.parse_timestamp(value)
    if theirs.tzinfo is None:  # botocore keeps zone-less strings naive; squall reads them as UTC
        theirs = theirs.replace(tzinfo=UTC)
    assert ours == theirs
    assert ours.tzinfo is UTC


def _op(host_prefix: str, label: bool = True) -> Any:
    member = {"shape": "S", "hostLabel": True} if label else {"shape": "S"}
    model = ServiceModel({
        "metadata": {"protocol": "json"},
        "shapes": {"In": {"type": "structure", "members": {"Name": member}}, "S": {"type": "string"}},
        "operations": {"Op": {"name": "Op", "input": {"shape": "In"}, "endpoint": {"hostPrefix": host_prefix}}},
    })
    return model.operation_model("Op")


def test_host_prefix() -> None:
    assert expand_host_prefix(_op("{Name}.data-"), {"Name": "abc-1.x"}) == "abc-1.x.data-"
    assert expand_host_prefix(_op("static-", label=False), {"Name": "x"}) == "static-"
    with pytest.raises(ParamValidationError) as info:
        expand_host_prefix(_op("{Name}."), {"Name": "bad/label"})
    assert "Invalid value for parameter(s): Name. Must contain only alphanumeric" in str(info.value)


def _frame(headers: bytes, payload: bytes, corrupt: bool = False) -> bytes:
    prelude = struct.pack(">II", 16 + len(headers) + len(payload), len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + headers + payload
    crc = zlib.crc32(message) ^ (1 if corrupt else 0)
    return message + struct.pack(">I", crc)


def test_event_stream_decoder_headers_and_chunking() -> None:
    headers = (
        b"\x01a\x00" + b"\x01b\x01" + b"\x01c\x02\xff" + b"\x01d\x03\x01\x00" + b"\x01e\x04\x00\x00\x00\x05"
        + b"\x01f\x05" + struct.pack(">q", -2) + b"\x01g\x06\x00\x02\x00\x01" + b"\x01h\x07\x00\x02hi"
        + b"\x01i\x08" + struct.pack(">q", 1000) + b"\x01j\x09" + bytes(range(16))
    )
    data = _frame(headers, b"payload") * 2
    decoder = EventStreamDecoder()
    messages = []
    for i in range(0, len(data), 5):
        decoder.feed(data[i:i + 5])
        messages.extend(decoder)
    assert len(messages) == 2
    assert messages[0].payload == b"payload"
    assert dict(messages[0].headers) == {
        "a": True, "b": False, "c": -1, "d": 256, "e": 5, "f": -2, "g": b"\x00\x01", "h": "hi",
        "i": 1000, "j": bytes(range(16)),
    }


def test_event_stream_decoder_checks_crc() -> None:
    decoder = EventStreamDecoder()
    decoder.feed(_frame(b"", b"x", corrupt=True))
    with pytest.raises(ResponseParserError):
        list(decoder)

