"""StreamingBody behaves like botocore's, including the truncated-body check."""
from __future__ import annotations

import io

import pytest
from botocore.response import StreamingBody as BotocoreBody

from squall.exceptions import IncompleteReadError
from squall.http import StreamingBody

PAYLOAD = b"line one\nline two\r\n\nlast line without newline"


def both(data: bytes = PAYLOAD, length: int | None = None):
    n = len(data) if length is None else length
    return StreamingBody(io.BytesIO(data), n), BotocoreBody(io.BytesIO(data), n)


@pytest.mark.parametrize("chunk", [1, 3, 7, 1024])
@pytest.mark.parametrize("keepends", [False, True])
def test_iter_lines_matches_botocore(chunk: int, keepends: bool) -> None:
    ours, theirs = both()
    assert list(ours.iter_lines(chunk, keepends)) == list(theirs.iter_lines(chunk, keepends))


def test_read_iter_chunks_tell_and_context_manager() -> None:
    ours, theirs = both()
    assert ours.read(4) == theirs.read(4)
    assert ours.tell() == 4
    assert list(ours.iter_chunks(10)) == list(theirs.iter_chunks(10))
    with StreamingBody(io.BytesIO(b"abc"), 3) as body:
        assert list(body) == [b"abc"]
    assert body._raw.closed


def test_truncated_body_raises() -> None:
    body = StreamingBody(io.BytesIO(b"short"), 10)
    with pytest.raises(IncompleteReadError, match="5 read, but total bytes expected is 10"):
        body.read()
    chunked = StreamingBody(io.BytesIO(b"short"), 10)
    with pytest.raises(IncompleteReadError):
        list(chunked.iter_chunks(2))


class _AsyncRaw:
    """What the asyncio transport hands back: ``await read(amt)``, sync ``close()``."""

    is_async = True

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)
        self.closed = False

    async def read(self, amt: int | None = None) -> bytes:
        return self._buffer.read() if amt is None else self._buffer.read(amt)

    def close(self) -> None:
        self.closed = True


def _run(coroutine: object) -> object:
    import asyncio

    return asyncio.run(coroutine)  # type: ignore[arg-type]


@pytest.mark.parametrize("chunk", [1, 3, 7, 1024])
@pytest.mark.parametrize("keepends", [False, True])
def test_async_body_iter_lines_matches_botocore(chunk: int, keepends: bool) -> None:
    from squall.http._streaming import AsyncStreamingBody

    body = StreamingBody(_AsyncRaw(PAYLOAD), len(PAYLOAD))
    assert isinstance(body, AsyncStreamingBody)

    async def lines() -> list[bytes]:
        return [line async for line in body.iter_lines(chunk, keepends)]

    assert _run(lines()) == list(BotocoreBody(io.BytesIO(PAYLOAD), len(PAYLOAD)).iter_lines(chunk, keepends))


def test_async_body_reads_checks_length_and_closes() -> None:
    async def scenario() -> None:
        async with StreamingBody(_AsyncRaw(b"abcdef"), 6) as body:
            assert await body.read(2) == b"ab" and body.tell() == 2
            assert [c async for c in body] == [b"cdef"]
        assert body._raw.closed
        with pytest.raises(TypeError, match="async for"):
            list(StreamingBody(_AsyncRaw(b"x"), 1))
        with pytest.raises(IncompleteReadError, match="5 read, but total bytes expected is 10"):
            await StreamingBody(_AsyncRaw(b"short"), 10).read()

    _run(scenario())


def test_async_checksum_validation_rejects_a_wrong_body() -> None:
    import base64
    import zlib

    from squall.exceptions import FlexibleChecksumError
    from squall.http import HttpResponse
    from squall.runtime._checksums import validate_response

    good = base64.b64encode(zlib.crc32(b"payload").to_bytes(4, "big")).decode()

    async def read_all(expected: str) -> bytes:
        response = HttpResponse(status_code=200, headers={"x-amz-checksum-crc32": expected},
                                stream=_AsyncRaw(b"payload"))
        checked, algorithm = validate_response(response, ("crc32",))
        assert algorithm == "crc32" and checked.stream.is_async
        return await StreamingBody(checked.stream, 7).read()

    assert _run(read_all(good)) == b"payload"
    with pytest.raises(FlexibleChecksumError):
        _run(read_all(base64.b64encode(b"\0\0\0\0").decode()))


def test_async_event_stream_reads_with_or_without_read1() -> None:
    """The asyncio event stream uses the transport's read1 (what has arrived) when it has
    one, else read; events split across reads come out whole."""
    import struct
    import zlib

    from squall.models import Loader, service_model_for
    from squall.protocols._eventstream import AsyncEventStream, EventStream

    def frame(payload: bytes) -> bytes:
        name, value = b":event-type", b"Records"
        headers = bytes([len(name)]) + name + b"\x07" + struct.pack(">H", len(value)) + value
        headers += b"\x0d:message-type\x07\x00\x05event"
        prelude = struct.pack(">II", 16 + len(headers) + len(payload), len(headers))
        message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
        return message + struct.pack(">I", zlib.crc32(message))

    data = frame(b"one") + frame(b"two")
    shape = service_model_for(Loader.from_data_path(), "s3").operation_model("SelectObjectContent") \
        .output_shape.members["Payload"]

    class WithRead1(_AsyncRaw):
        async def read1(self, amt: int = 65536) -> bytes:
            return self._buffer.read(7)  # dribbles in

    async def events(source: _AsyncRaw) -> list[object]:
        stream = EventStream(source, shape, "SelectObjectContent", lambda b: b, lambda s, v: v)
        assert isinstance(stream, AsyncEventStream)
        return [event async for event in stream]

    for source in (_AsyncRaw(data), WithRead1(data)):
        assert _run(events(source)) == [{"Records": {"Payload": b"one"}}, {"Records": {"Payload": b"two"}}]
