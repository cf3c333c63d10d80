"""The binary ``application/vnd.amazon.eventstream`` framing, and the EventStream reader.

A message is ``total_len:u32 headers_len:u32 prelude_crc:u32 headers payload
message_crc:u32`` (big-endian, CRC-32 over everything before it). ``EventStream`` turns
messages into ``{EventName: {...}}`` dicts with a protocol-supplied body decoder, so the
JSON, XML and CBOR protocols share it.
"""
from __future__ import annotations

import struct
import zlib
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, AsyncIterator, Callable, Iterator, Mapping

from ..exceptions import EventStreamError
from ..models.shapes import Shape
from ._common import ResponseParserError, parse_timestamp

__all__ = ["EventMessage", "EventStreamDecoder", "EventStream", "decode_messages"]

_PRELUDE = struct.Struct(">III")
_MAX_HEADERS = 128 * 1024
_MAX_PAYLOAD = 24 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class EventMessage:
    headers: Mapping[str, Any] = field(default_factory=dict)
    payload: bytes = b""

    @property
    def is_error(self) -> bool:
        return self.headers.get(":message-type") in ("error", "exception")


def _read_headers(data: bytes) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    pos, end = 0, len(data)
    while pos < end:
        name_len = data[pos]
        name = data[pos + 1:pos + 1 + name_len].decode("utf-8")
        pos += 1 + name_len
        kind = data[pos]
        pos += 1
        value: Any
        if kind == 0:
            value = True
        elif kind == 1:
            value = False
        elif kind in (2, 3, 4, 5, 8):  # int8..int64; 8 is a timestamp in epoch ms
            size = {2: 1, 3: 2, 4: 4, 5: 8, 8: 8}[kind]
            value = int.from_bytes(data[pos:pos + size], "big", signed=True)
            pos += size
        elif kind in (6, 7):  # bytes / string, u16 length
            length = int.from_bytes(data[pos:pos + 2], "big")
            raw = data[pos + 2:pos + 2 + length]
            value = raw.decode("utf-8") if kind == 7 else bytes(raw)
            pos += 2 + length
        elif kind == 9:  # uuid
            value = bytes(data[pos:pos + 16])
            pos += 16
        else:
            raise ResponseParserError(msg=f"Unknown event stream header type: {kind}")
        if name in headers:
            raise ResponseParserError(msg=f"Duplicate event stream header: {name}")
        headers[name] = value
    return headers


class EventStreamDecoder:
    """Incremental decoder: ``feed`` bytes as they arrive, iterate complete messages."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def __iter__(self) -> Iterator[EventMessage]:
        buf = self._buffer
        while len(buf) >= _PRELUDE.size:
            total, headers_len, prelude_crc = _PRELUDE.unpack_from(buf)
            if zlib.crc32(bytes(buf[:8])) & 0xFFFFFFFF != prelude_crc:
                raise ResponseParserError(msg="Event stream prelude checksum mismatch")
            if headers_len > _MAX_HEADERS:
                raise ResponseParserError(msg=f"Header length of {headers_len} exceeded the maximum of {_MAX_HEADERS}")
            payload_len = total - headers_len - 16
            if payload_len > _MAX_PAYLOAD or payload_len < 0:
                raise ResponseParserError(msg=f"Invalid event stream payload length: {payload_len}")
            if len(buf) < total:
                return
            (message_crc,) = struct.unpack_from(">I", buf, total - 4)
            if zlib.crc32(bytes(buf[:total - 4])) & 0xFFFFFFFF != message_crc:
                raise ResponseParserError(msg="Event stream message checksum mismatch")
            headers = _read_headers(bytes(buf[12:12 + headers_len]))
            payload = bytes(buf[12 + headers_len:total - 4])
            del buf[:total]
            yield EventMessage(headers=headers, payload=payload)


def _chunks(source: Any) -> Iterator[bytes]:
    """Bytes from a body: bytes, urllib3-style ``stream()``, ``read()``, or an iterable."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield bytes(source)
        return
    stream = getattr(source, "stream", None)
    if callable(stream):
        yield from stream(1024)
        return
    read = getattr(source, "read1", None) or getattr(source, "read", None)
    if read is not None:
        while True:
            chunk = read(1024)
            if not chunk:
                return
            yield chunk
    else:
        yield from source


def decode_messages(source: Any) -> Iterator[EventMessage]:
    decoder = EventStreamDecoder()
    for chunk in _chunks(source):
        decoder.feed(chunk)
        yield from decoder


# Protocol hooks: decode a payload (JSON/XML/CBOR) and convert it per shape.
DecodeBody = Callable[[bytes], Any]
ParseShape = Callable[[Shape, Any], Any]


def parse_event(message: EventMessage, stream_shape: Shape,
                decode_body: DecodeBody, parse_shape: ParseShape) -> dict[str, Any]:
    """One message as ``{EventName: members}`` ({} for unknown events), or an error dict."""
    headers = message.headers
    if message.is_error:
        exception_type = headers.get(":exception-type")
        exception_shape = stream_shape.members.get(exception_type) if exception_type else None
        if exception_shape is not None:
            body = parse_shape(exception_shape, decode_body(message.payload)) or {}
            return {"Error": {"Code": exception_type,
                              "Message": body.get("Message", body.get("message", ""))}}
        return {"Error": {"Code": headers.get(":error-code", ""),
                          "Message": headers.get(":error-message", "")}}
    event_type = headers.get(":event-type")
    event_shape = stream_shape.members.get(event_type) if isinstance(event_type, str) else None
    if event_shape is None or not isinstance(event_type, str):
        return {}
    parsed: dict[str, Any] = {}
    members = event_shape.members
    for name, member in members.items():
        if member.serialization.get("eventheader") and name in headers:
            value = headers[name]
            if member.type_name == "timestamp":
                value = parse_timestamp(value / 1000.0)  # header timestamps are epoch ms
            parsed[name] = value
    for name, member in members.items():
        if member.serialization.get("eventpayload"):
            if member.type_name == "blob":
                parsed[name] = message.payload
            elif member.type_name == "string":
                parsed[name] = message.payload.decode("utf-8")
            else:
                parsed[name] = parse_shape(member, decode_body(message.payload))
            break
    else:
        parsed.update(parse_shape(event_shape, decode_body(message.payload)) or {})
    return {event_type: parsed}


class EventStream:
    """Iterates a response's events as dicts; raises EventStreamError on an error event."""

    def __new__(cls, source: Any = None, *args: Any, **kwargs: Any) -> "EventStream":
        # Over the asyncio transport's stream (``is_async``), the awaitable kind.
        if cls is EventStream and getattr(source, "is_async", False):
            cls = AsyncEventStream
        return object.__new__(cls)

    def __init__(self, source: Any, stream_shape: Shape, operation_name: str,
                 decode_body: DecodeBody, parse_shape: ParseShape) -> None:
        self._source = source
        self._shape = stream_shape
        self._operation_name = operation_name
        self._decode_body = decode_body
        self._parse_shape = parse_shape
        self._messages: Iterator[EventMessage] = decode_messages(source)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for message in self._messages:
            parsed = self._event(message)
            if parsed:
                yield parsed

    def _event(self, message: EventMessage) -> dict[str, Any]:
        parsed = parse_event(message, self._shape, self._decode_body, self._parse_shape)
        if message.is_error:
            raise EventStreamError(parsed, self._operation_name)
        return parsed

    def get_initial_response(self) -> EventMessage:
        """The leading ``initial-response`` message (RPC protocols put output members there)."""
        message = next(self._messages, None)
        if message is None or message.headers.get(":event-type") != "initial-response":
            raise ResponseParserError(msg="First event was not of type initial-response")
        return message

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()



class AsyncEventStream(EventStream):
    """``async for event in stream``: events handed over as soon as each is complete (the
    transport's ``read1``); ``close()`` and ``async with`` as for the blocking kind. The
    RPC protocols' ``initial-response`` is read during parsing, which the asyncio client
    cannot await, so only the REST protocols' event streams come this way."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        raise TypeError("an asyncio event stream is iterated with 'async for'")

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        decoder = EventStreamDecoder()
        source = self._source
        read = getattr(source, "read1", None) or source.read
        while chunk := await read(64 * 1024):
            decoder.feed(chunk)
            for message in decoder:
                parsed = self._event(message)
                if parsed:
                    yield parsed

    async def __aenter__(self) -> "AsyncEventStream":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
