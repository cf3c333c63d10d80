"""Streaming bodies against moto's S3, squall beside boto3.

Downloads: ``StreamingBody`` read/read(amt)/tell, iter_chunks, iter_lines (with and
without keepends, CRLF, lines that span chunks), iteration, readlines and the context
manager, each compared with what botocore's StreamingBody yields for the same object.
Uploads: bytes, str, seekable files (from their current position), unseekable readers
and iterables, read back with both libraries.
"""
from __future__ import annotations

import io
import os
from typing import Any, Callable, Iterator

import boto3
import pytest

import squall
from _oracle import reset

TEXT = (b"first line\nsecond line\r\nthird \xe2\x9c\x93 line\n\n\nafter blanks\r\n" * 40) + b"no newline at end"
BIG = os.urandom(1024 * 1024 + 17)
OBJECTS = {"text.txt": TEXT, "empty": b"", "big.bin": BIG, "one-line": b"just one line"}


@pytest.fixture(scope="module")
def clients(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """One squall and one boto3 client for the whole module (a boto3 client costs ~0.3 s),
    made in the same isolated environment as ``moto_env``; the objects are written once."""
    home = tmp_path_factory.mktemp("streaming-home")
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            env.delenv(name)
        env.setenv("HOME", str(home))
        env.setenv("AWS_CONFIG_FILE", str(home / "no-config"))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "no-credentials"))
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        env.setenv("AWS_ENDPOINT_URL", moto_url)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        reset(moto_url)
        ours = squall.session.Session().client("s3")
        theirs = boto3.session.Session().client("s3")
    ours.create_bucket(Bucket="streams")
    for key, data in OBJECTS.items():
        ours.put_object(Bucket="streams", Key=key, Body=data)
    yield ours, theirs
    ours.close()
    theirs.close()


def both(clients: tuple[Any, Any], key: str, use: Callable[[Any], Any], **get: Any) -> Any:
    """``use(body)`` on squall's and on boto3's StreamingBody for one object: the same."""
    results = []
    for client in clients:
        body = client.get_object(Bucket="streams", Key=key, **get)["Body"]
        with body:  # botocore's __enter__ returns its raw urllib3 stream, squall's the body itself
            results.append(use(body))
    assert results[0] == results[1], key
    return results[0]


def test_read_whole_and_in_pieces(clients: tuple[Any, Any]) -> None:
    for key, data in OBJECTS.items():
        assert both(clients, key, lambda b: b.read()) == data

    def pieces(body: Any) -> list[Any]:
        out = [body.read(0), body.read(5), body.tell(), body.read(1), body.read(10_000_000), body.tell()]
        return out + [body.read(), body.read(10)]

    assert both(clients, "big.bin", pieces)[4] == BIG[6:]
    assert both(clients, "empty", pieces) == [b"", b"", 0, b"", b"", 0, b"", b""]


@pytest.mark.parametrize("chunk_size", [1, 7, 1024, 65536])
def test_iter_chunks(clients: tuple[Any, Any], chunk_size: int) -> None:
    key = "big.bin" if chunk_size > 1000 else "text.txt"
    chunks = both(clients, key, lambda b: list(b.iter_chunks(chunk_size)))
    assert b"".join(chunks) == OBJECTS[key]
    assert all(len(c) <= chunk_size for c in chunks)


@pytest.mark.parametrize("chunk_size", [3, 10, 1024])
@pytest.mark.parametrize("keepends", [False, True])
def test_iter_lines(clients: tuple[Any, Any], chunk_size: int, keepends: bool) -> None:
    for key in ("text.txt", "one-line", "empty"):
        lines = both(clients, key, lambda b: list(b.iter_lines(chunk_size=chunk_size, keepends=keepends)))
        if keepends and chunk_size == 1024:
            assert b"".join(lines) == OBJECTS[key]
    assert both(clients, "text.txt", lambda b: list(b.iter_lines()))[:4] == [
        b"first line", b"second line", "third ✓ line".encode(), b""]


def test_iteration_and_readlines(clients: tuple[Any, Any]) -> None:
    assert b"".join(both(clients, "text.txt", list)) == TEXT
    assert both(clients, "text.txt", lambda b: b.readlines()) == TEXT.splitlines(True)
    assert both(clients, "one-line", lambda b: [next(b), b.read()]) == [b"just one line", b""]


def test_ranges_stream(clients: tuple[Any, Any]) -> None:
    assert both(clients, "big.bin", lambda b: b"".join(b.iter_chunks(4096)), Range="bytes=1000-99999") == BIG[1000:100000]
    assert both(clients, "text.txt", lambda b: list(b.iter_lines()), Range="bytes=0-24") == [
        b"first line", b"second line", b"t"]


def test_context_manager_and_close(clients: tuple[Any, Any]) -> None:
    ours = clients[0]
    response = ours.get_object(Bucket="streams", Key="big.bin")
    with response["Body"] as body:  # squall's __enter__ returns the body itself
        assert body is response["Body"]
        assert body.read(10) == BIG[:10]
    body.close()  # closing twice is harmless
    # A body that is closed unread does not spoil the connection pool for the next call.
    for _ in range(3):
        ours.get_object(Bucket="streams", Key="big.bin")["Body"].close()
    assert ours.get_object(Bucket="streams", Key="one-line")["Body"].read() == b"just one line"


class _Unseekable:
    """A reader without seek/tell (a pipe, a socket)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, amt: int = -1) -> bytes:
        return self._data.read(amt)


def test_upload_body_kinds(clients: tuple[Any, Any], tmp_path: Any) -> None:
    ours, theirs = clients
    path = tmp_path / "upload.bin"
    path.write_bytes(BIG)
    partial = io.BytesIO(b"0123456789abcdef")
    partial.seek(10)  # as botocore: upload from the current position on
    with open(path, "rb") as fileobj:
        bodies: dict[str, Any] = {"bytes": b"\x00raw", "str": "ünïcode ✓", "bytearray": bytearray(b"ba"),
                                  "file": fileobj, "partial": partial}
        for name, body in bodies.items():
            ours.put_object(Bucket="streams", Key=f"up/{name}", Body=body)
    ours.put_object(Bucket="streams", Key="up/unseekable", Body=_Unseekable(b"from a pipe"))
    ours.put_object(Bucket="streams", Key="up/iterable", Body=iter([b"one ", b"two ", b"three"]))
    expected = {"bytes": b"\x00raw", "str": "ünïcode ✓".encode(), "bytearray": b"ba", "file": BIG,
                "partial": b"abcdef", "unseekable": b"from a pipe", "iterable": b"one two three"}
    for name, data in expected.items():
        assert theirs.get_object(Bucket="streams", Key=f"up/{name}")["Body"].read() == data, name
        head = theirs.head_object(Bucket="streams", Key=f"up/{name}")
        assert head["ContentLength"] == len(data), name


def test_same_bodies_store_the_same_objects(clients: tuple[Any, Any], tmp_path: Any) -> None:
    """Each library uploads the same file and partial stream; the stored objects agree."""
    path = tmp_path / "same.txt"
    path.write_bytes(TEXT)
    for label, client in zip(("ours", "theirs"), clients):
        with open(path, "rb") as fileobj:
            fileobj.seek(100)
            client.put_object(Bucket="streams", Key=f"{label}/file", Body=fileobj, ContentType="text/plain")
    heads = [clients[1].head_object(Bucket="streams", Key=f"{label}/file") for label in ("ours", "theirs")]
    assert heads[0]["ETag"] == heads[1]["ETag"]
    assert heads[0]["ContentLength"] == len(TEXT) - 100
