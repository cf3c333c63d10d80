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
