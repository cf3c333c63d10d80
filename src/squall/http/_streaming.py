"""``StreamingBody``: the readable payload of a streaming operation (e.g. S3 GetObject).

It wraps whatever readable the transport handed back (``read(amt)``/``close()``) and
checks that exactly Content-Length bytes arrived, so a truncated download raises
``IncompleteReadError`` instead of silently returning less data.
"""
from __future__ import annotations

from typing import Any, Iterator

from ..exceptions import IncompleteReadError

__all__ = ["StreamingBody"]

DEFAULT_CHUNK_SIZE = 1024


class StreamingBody:
    """botocore's StreamingBody API: read, readlines, iteration, iter_lines, iter_chunks,
    close, context manager, tell."""

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
        chunk = self._raw.read() if amt is None else self._raw.read(amt)
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
            lines = (pending + chunk).splitlines(True)
            for line in lines[:-1]:
                yield line.splitlines(keepends)[0]
            pending = lines[-1] if lines else b""
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
