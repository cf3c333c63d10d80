"""Shared pieces of the protocol oracle tests: models, both parsers, event-stream frames.

Each ``test_*_oracle.py`` file drives one protocol family through squall and botocore;
what they all need in the same form lives here so the comparisons stay identical.
"""
from __future__ import annotations

import io
import math
import struct
import zlib
from functools import lru_cache
from typing import Any, Iterator

import botocore.parsers
import botocore.session
from botocore.awsrequest import HeadersDict

from squall.http._values import HttpResponse
from squall.models.loader import Loader
from squall.models.shapes import ServiceModel
from squall.protocols import parser_for


@lru_cache(maxsize=None)
def squall_model(service: str) -> ServiceModel:
    return ServiceModel(Loader.from_data_path().load_service_model(service, "service-2"), service)


@lru_cache(maxsize=None)
def botocore_session() -> Any:
    return botocore.session.get_session()


@lru_cache(maxsize=None)
def botocore_model(service: str) -> Any:
    return botocore_session().get_service_model(service)


# -- parsing through both libraries --------------------------------------------------------

def botocore_parse(op: Any, protocol: str, status: int, headers: dict[str, str], body: Any) -> Any:
    """botocore's parser plus what its endpoint adds for errors (the modeled error's members)."""
    parser = botocore.parsers.create_parser(protocol)
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body,
                "context": {"operation_name": op.name}}
    parsed = parser.parse(response, op.output_shape)
    if status >= 300:
        code = parsed.get("Error", {}).get("Code")
        shape = op.service_model.shape_for_error_code(code)
        if shape is not None:
            parsed.update(parser.parse(response, shape))
    parsed["ResponseMetadata"]["RetryAttempts"] = 0
    return parsed


def squall_parse(op: Any, protocol: str, status: int, headers: dict[str, str], body: bytes,
                 stream: bool = False) -> Any:
    """squall's parser on the same response; ``stream`` hands the body over as a readable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if stream:
        response = HttpResponse(status_code=status, headers=lowered, stream=io.BytesIO(body))
    else:
        response = HttpResponse(status_code=status, headers=lowered, body=body)
    return parser_for(protocol).parse(op, response)


def read_streams(value: Any) -> Any:
    """Streams -> their content, NaN -> a marker (NaN != NaN), recursively."""
    if isinstance(value, dict):
        return {k: read_streams(v) for k, v in value.items()}
    if isinstance(value, list):
        return [read_streams(v) for v in value]
    if hasattr(value, "read"):
        return ("stream", value.read())
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return value


def assert_same_result(ours: Any, theirs: Any) -> None:
    """Equal results, and the same key order (users see it in reprs)."""
    assert read_streams(ours) == read_streams(theirs)
    assert list(ours) == list(theirs)
    if "Error" in ours:
        assert list(ours["Error"]) == list(theirs["Error"])
    assert list(ours["ResponseMetadata"]) == list(theirs["ResponseMetadata"])


# -- event streams -------------------------------------------------------------------------

def _string_header(name: str, value: str) -> bytes:
    raw = value.encode()
    return bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw


def event_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One vnd.amazon.eventstream frame with string headers and both CRCs."""
    head = b"".join(_string_header(k, v) for k, v in headers.items())
    total = 16 + len(head) + len(payload)
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + head + payload
    return body + struct.pack(">I", zlib.crc32(body))


class ChunkedRaw:
    """A urllib3-like raw body that yields small chunks, so messages split across reads."""

    def __init__(self, data: bytes, chunk: int = 7) -> None:
        self._data = data
        self._chunk = chunk

    def stream(self, amt: int = 1024) -> Iterator[bytes]:
        for i in range(0, len(self._data), self._chunk):
            yield self._data[i:i + self._chunk]

    def close(self) -> None:
        pass


def drain(stream: Any) -> tuple[list[Any], Exception | None]:
    """Every event of ``stream`` and the exception that ended it, if any."""
    events: list[Any] = []
    try:
        for event in stream:
            events.append(event)
    except Exception as exc:  # noqa: BLE001 - compared by the caller
        return events, exc
    return events, None
