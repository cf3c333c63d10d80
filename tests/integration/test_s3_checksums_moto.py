"""S3 uploads and downloads with flexible checksums, squall against boto3 on moto's server.

Here (plain HTTP) checksums travel in headers and payloads are signed; the body shapes
squall accepts (bytes, str, seekable and one-shot files, iterables) must all land intact,
and results, checksum fields included, must equal boto3's for the same calls.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zlib
from typing import Any

import boto3
import pytest

import squall
from squall.auth.checksums import crc32c, crc64nvme
from squall.exceptions import FlexibleChecksumError
from _oracle import VOLATILE_KEYS, number_ids, reset

DATA = ("unicode \u2603 and bytes\n" * 500).encode("utf-8")


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE_KEYS else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if hasattr(value, "read"):  # a StreamingBody: its content
        return value.read()
    if hasattr(value, "isoformat"):
        return "<datetime>"
    return value


def _step(steps: list, name: str, call: Any) -> None:
    try:
        steps.append((name, _mask(call())))
    except Exception as exc:  # both libraries' ClientErrors carry .response
        steps.append((name, {"error": type(exc).__name__, "response": _mask(getattr(exc, "response", None))}))


def scenario(s3: Any, steps: list) -> None:
    _step(steps, "create", lambda: s3.create_bucket(Bucket="sums"))
    _step(steps, "put-bytes", lambda: s3.put_object(Bucket="sums", Key="bytes", Body=DATA))
    _step(steps, "put-file", lambda: s3.put_object(Bucket="sums", Key="file", Body=io.BytesIO(DATA)))
    _step(steps, "put-str", lambda: s3.put_object(Bucket="sums", Key="str", Body=DATA.decode()))
    _step(steps, "put-sha256", lambda: s3.put_object(Bucket="sums", Key="sha256", Body=DATA, ChecksumAlgorithm="SHA256"))
    _step(steps, "put-sha1", lambda: s3.put_object(Bucket="sums", Key="sha1", Body=io.BytesIO(DATA), ChecksumAlgorithm="SHA1"))
    _step(steps, "put-own", lambda: s3.put_object(
        Bucket="sums", Key="own", Body=DATA,
        ChecksumCRC32=base64.b64encode(zlib.crc32(DATA).to_bytes(4, "big")).decode()))
    _step(steps, "put-wrong-own", lambda: s3.put_object(Bucket="sums", Key="bad", Body=DATA, ChecksumCRC32="AAAAAA=="))
    for key in ("bytes", "file", "str", "sha256", "sha1", "own"):
        _step(steps, f"get-{key}", lambda key=key: s3.get_object(Bucket="sums", Key=key))
        _step(steps, f"head-{key}", lambda key=key: s3.head_object(Bucket="sums", Key=key, ChecksumMode="ENABLED"))
    _step(steps, "get-range", lambda: s3.get_object(Bucket="sums", Key="bytes", Range="bytes=0-9"))
    _step(steps, "delete-objects", lambda: s3.delete_objects(
        Bucket="sums", Delete={"Objects": [{"Key": "str"}, {"Key": "own"}]}))
    _step(steps, "tagging", lambda: s3.put_object_tagging(
        Bucket="sums", Key="bytes", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]}))
    up = s3.create_multipart_upload(Bucket="sums", Key="multi", ChecksumAlgorithm="CRC32")
    part = s3.upload_part(Bucket="sums", Key="multi", UploadId=up["UploadId"], PartNumber=1,
                          Body=io.BytesIO(DATA * 600), ChecksumAlgorithm="CRC32")
    steps.append(("part", _mask(part)))
    _step(steps, "complete", lambda: s3.complete_multipart_upload(
        Bucket="sums", Key="multi", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]}]}))
    _step(steps, "get-multi", lambda: s3.get_object(Bucket="sums", Key="multi"))


def test_checksummed_s3_calls_match_boto3(moto_env: str) -> None:
    reset(moto_env)
    ours: list = []
    scenario(squall.session.Session().client("s3"), ours)
    reset(moto_env)
    theirs: list = []
    scenario(boto3.session.Session().client("s3"), theirs)
    assert [n for n, _ in ours] == [n for n, _ in theirs]
    for (name, mine), (_, expected) in zip(number_ids(ours), number_ids(theirs)):
        assert mine == expected, f"step {name!r} differs from boto3"
    steps = dict(ours)
    crc = base64.b64encode(zlib.crc32(DATA).to_bytes(4, "big")).decode()
    assert steps["put-bytes"]["ChecksumCRC32"] == crc  # the default checksum reached S3
    assert steps["get-bytes"]["Body"] == DATA
    assert steps["get-bytes"]["ResponseMetadata"]["ChecksumAlgorithm"] == "crc32"  # validated


@pytest.mark.parametrize("algorithm,expected", [
    ("CRC32C", lambda d: base64.b64encode(crc32c(d).to_bytes(4, "big")).decode()),
    ("CRC64NVME", lambda d: base64.b64encode(crc64nvme(d).to_bytes(8, "big")).decode()),
    ("SHA256", lambda d: base64.b64encode(hashlib.sha256(d).digest()).decode()),
])
def test_every_algorithm_round_trips(moto_env: str, algorithm: str, expected: Any) -> None:
    """CRC32C and CRC64NVME need awscrt in botocore; squall computes them itself."""
    s3 = squall.session.Session().client("s3")
    s3.create_bucket(Bucket="algos")
    put = s3.put_object(Bucket="algos", Key="k", Body=DATA, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == expected(DATA)
    got = s3.get_object(Bucket="algos", Key="k")
    assert got["Body"].read() == DATA
    assert got[f"Checksum{algorithm}"] == expected(DATA)
    assert got["ResponseMetadata"]["ChecksumAlgorithm"] == algorithm.lower()


@pytest.mark.parametrize("body", [
    pytest.param(lambda: (DATA[i:i + 1000] for i in range(0, len(DATA), 1000)), id="generator"),
    pytest.param(lambda: [DATA[:8], DATA[8:].decode()], id="list-of-bytes-and-str"),
    pytest.param(lambda: _OneShot(DATA), id="one-shot-file"),
    pytest.param(lambda: bytearray(DATA), id="bytearray"),
])
def test_streaming_input_shapes(moto_env: str, body: Any) -> None:
    s3 = squall.session.Session().client("s3")
    s3.create_bucket(Bucket="shapes")
    s3.put_object(Bucket="shapes", Key="k", Body=body())
    assert s3.get_object(Bucket="shapes", Key="k")["Body"].read() == DATA


class _OneShot(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._buf.read(n)


def test_when_required_sends_no_default_checksum(moto_env: str) -> None:
    from squall.config import Config

    s3 = squall.session.Session().client("s3", config=Config(request_checksum_calculation="when_required"))
    s3.create_bucket(Bucket="plain")
    put = s3.put_object(Bucket="plain", Key="k", Body=DATA)
    assert "ChecksumCRC32" not in put
    # DeleteObjects requires a checksum whatever the setting.
    assert s3.delete_objects(Bucket="plain", Delete={"Objects": [{"Key": "k"}]})["Deleted"] == [{"Key": "k"}]


def test_gzip_content_encoding_and_checksum_together(moto_env: str) -> None:
    s3 = squall.session.Session().client("s3")
    s3.create_bucket(Bucket="enc")
    s3.put_object(Bucket="enc", Key="k", Body=DATA, ContentEncoding="identity")
    got = s3.get_object(Bucket="enc", Key="k")
    assert got["Body"].read() == DATA


def test_corrupted_download_raises_flexible_checksum_error(moto_env: str) -> None:
    """A body that does not match its checksum header raises when read to the end."""
    s3 = squall.session.Session().client("s3")
    s3.create_bucket(Bucket="corrupt")
    s3.put_object(Bucket="corrupt", Key="k", Body=DATA)
    original = s3._transport.send

    def corrupting(request: Any, *, stream: bool = False) -> Any:
        response = original(request, stream=stream)
        if stream and response.status_code == 200:
            data = response.stream.read()
            response.stream.close()
            from dataclasses import replace

            return replace(response, stream=io.BytesIO(b"X" + data[1:]))
        return response

    s3._transport.send = corrupting  # type: ignore[method-assign]
    body = s3.get_object(Bucket="corrupt", Key="k")["Body"]
    with pytest.raises(FlexibleChecksumError, match="did not match calculated checksum"):
        body.read()
    body2 = s3.get_object(Bucket="corrupt", Key="k")["Body"]
    with pytest.raises(FlexibleChecksumError):
        for _ in body2.iter_chunks(1000):
            pass
