"""``StreamingBody``: the readable payload of a streaming operation (e.g. S3 GetObject).

It wraps whatever readable the transport handed back (``read(amt)``/``close()``) and
checks that exactly Content-Length bytes arrived, so a truncated download raises
``IncompleteReadError`` instead of silently returning less data.
"""
from __future__ import annotations

from typing import Any, Iterator

from ..exceptions import IncompleteReadError

__all__ = ["StreamingBody", "AsyncStreamingBody"]

DEFAULT_CHUNK_SIZE = 1024


class StreamingBody:
    """botocore's StreamingBody API: read, readlines, iteration, iter_lines, iter_chunks,
    close, context manager, tell."""

    def __new__(cls, raw_stream: Any = None, content_length: int | str | None = None) -> "StreamingBody":
        # The asyncio transport's streams are marked ``is_async``: the protocols build the
        # body as usual and the asyncio client hands out the awaitable kind.
        if cls is StreamingBody and getattr(raw_stream, "is_async", False):
            cls = AsyncStreamingBody
        return object.__new__(cls)

    def __init__(self, raw_stream: Any, content_length: int | str | None) -> None:
        self._raw = raw_stream
        self._expected = int(content_length) if content_length not in (None, "") else None
        self._amount_read = 0

    def __enter__(self) -> "StreamingBody":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def readable(self) -> bool:
        try:
            return bool(self._raw.readable())
        except AttributeError:
            return False

    def read(self, amt: int | None = None) -> bytes:
        """Read at most ``amt`` bytes (all when None); an empty result means the end."""
        return self._account(self._raw.read() if amt is None else self._raw.read(amt), amt)

    def _account(self, chunk: bytes, amt: int | None) -> bytes:
        self._amount_read += len(chunk)
        if amt is None or (not chunk and amt > 0):
            self._verify_length()
        return chunk

    def readinto(self, buffer: bytearray | memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readlines(self) -> list[bytes]:
        return self.read().splitlines(True)

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_chunks(DEFAULT_CHUNK_SIZE)

    def __next__(self) -> bytes:
        chunk = self.read(DEFAULT_CHUNK_SIZE)
        if chunk:
            return chunk
        raise StopIteration()

    next = __next__

    def iter_lines(self, chunk_size: int = DEFAULT_CHUNK_SIZE, keepends: bool = False) -> Iterator[bytes]:
        pending = b""
        for chunk in self.iter_chunks(chunk_size):
            lines, pending = _complete_lines(pending + chunk, keepends)
            yield from lines
        if pending:
            yield pending.splitlines(keepends)[0]

    def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        while True:
            chunk = self.read(chunk_size)
            if not chunk:
                break
            yield chunk

    def tell(self) -> int:
        return self._amount_read

    def close(self) -> None:
        self._raw.close()

    def _verify_length(self) -> None:
        if self._expected is not None and self._amount_read != self._expected:
            raise IncompleteReadError(actual_bytes=self._amount_read, expected_bytes=self._expected)

    def __repr__(self) -> str:
        return f"<StreamingBody read={self._amount_read} of {self._expected}>"


def _complete_lines(data: bytes, keepends: bool) -> tuple[list[bytes], bytes]:
    """The complete lines in ``data`` and the unfinished rest."""
    lines = data.splitlines(True)
    rest = lines.pop() if lines else b""
    return [line.splitlines(keepends)[0] for line in lines], rest


class AsyncStreamingBody(StreamingBody):
    """The asyncio client's streaming payload: ``await body.read()``, ``async for chunk in
    body``, ``body.iter_chunks()`` / ``body.iter_lines()`` as async iterators, ``async
    with body``; ``close()`` and ``tell()`` as in the blocking kind. The length check is
    the same: a truncated download raises ``IncompleteReadError``."""

    async def read(self, amt: int | None = None) -> bytes:  # type: ignore[override]
        return self._account(await (self._raw.read() if amt is None else self._raw.read(amt)), amt)

    async def readlines(self) -> list[bytes]:  # type: ignore[override]
        return (await self.read()).splitlines(True)

    async def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = await self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def __aiter__(self) -> Any:
        return self.iter_chunks(DEFAULT_CHUNK_SIZE)

    def __iter__(self) -> Any:
        raise TypeError("an asyncio StreamingBody is read with 'async for' or 'await body.read()'")

    def __next__(self) -> bytes:
        raise TypeError("an asyncio StreamingBody is read with 'async for' or 'await body.read()'")

    async def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Any:
        while True:
            chunk = await self.read(chunk_size)
            if not chunk:
                break
            yield chunk

    async def iter_lines(self, chunk_size: int = DEFAULT_CHUNK_SIZE, keepends: bool = False) -> Any:
        pending = b""
        async for chunk in self.iter_chunks(chunk_size):
            lines, pending = _complete_lines(pending + chunk, keepends)
            for line in lines:
                yield line
        if pending:
            yield pending.splitlines(keepends)[0]

    async def __aenter__(self) -> "AsyncStreamingBody":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()
