"""S3 transfers against boto3/s3transfer, call for call: both clients talk to one
in-memory S3 (their ``_make_api_call`` replaced), s3transfer without threads so its
order is fixed; uploads, downloads and copies, small and multipart, must make the same
calls with the same parameters and leave the same objects. Plus failures: abort on a
failed part, retried bodies, temporary files, argument validation."""
from __future__ import annotations

import base64
import copy
import hashlib
import io
import os
import zlib
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig as BotoTransferConfig

import squall
from squall.exceptions import ClientError, RetriesExceededError, S3UploadFailedError
from squall.s3._sequential import adjust_chunksize, range_parameter
from squall.s3.transfer import MB, S3Transfer, TransferConfig


@pytest.fixture(autouse=True)
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


class Body:
    def __init__(self, data: bytes, fail_after: int | None = None, error: Exception | None = None) -> None:
        self._io = io.BytesIO(data)
        self._fail_after = fail_after
        self._error = error

    def read(self, amt: int | None = None) -> bytes:
        if self._fail_after is not None and self._io.tell() >= self._fail_after:
            raise self._error or ConnectionResetError("reset")
        return self._io.read() if amt is None else self._io.read(amt)

    def close(self) -> None:
        pass


def _etag(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest() + '"'


def _crc(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


class FakeS3:
    """Just enough S3 for transfers, recording every call with bodies read to bytes."""

    def __init__(self, error_factory: Any) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.uploads: dict[str, dict[int, bytes]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail: dict[str, int] = {}  # operation -> fail on this (1-based) call
        self.body_failures = 0  # GetObject bodies that break midway
        self._error = error_factory
        self._counts: dict[str, int] = {}

    def __call__(self, op: str, params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        if "Body" in params:
            body = params["Body"]
            params["Body"] = body.read() if hasattr(body, "read") else bytes(body)
        self.calls.append((op, copy.deepcopy(params)))
        self._counts[op] = self._counts.get(op, 0) + 1
        if self.fail.get(op) == self._counts[op]:
            raise self._error({"Error": {"Code": "InternalError", "Message": "injected"},
                               "ResponseMetadata": {"HTTPStatusCode": 500}}, op)
        return getattr(self, op)(**params)

    def _missing(self, op: str) -> Exception:
        return self._error({"Error": {"Code": "404", "Message": "Not Found"},
                            "ResponseMetadata": {"HTTPStatusCode": 404}}, op)

    def PutObject(self, Bucket: str, Key: str, Body: bytes, **kw: Any) -> dict[str, Any]:  # noqa: N802,N803
        self.objects[(Bucket, Key)] = Body
        return {"ETag": _etag(Body)}

    def CreateMultipartUpload(self, Bucket: str, Key: str, **kw: Any) -> dict[str, Any]:  # noqa: N802,N803
        upload_id = f"up{len(self.uploads)}"
        self.uploads[upload_id] = {}
        return {"UploadId": upload_id, "Bucket": Bucket, "Key": Key}

    def UploadPart(self, Bucket: str, Key: str, UploadId: str, PartNumber: int, Body: bytes,  # noqa: N802,N803
                   **kw: Any) -> dict[str, Any]:
        self.uploads[UploadId][PartNumber] = Body
        out = {"ETag": _etag(Body)}
        if kw.get("ChecksumAlgorithm") == "CRC32":
            out["ChecksumCRC32"] = _crc(Body)
        return out

    def UploadPartCopy(self, Bucket: str, Key: str, UploadId: str, PartNumber: int,  # noqa: N802,N803
                       CopySource: dict[str, Any], CopySourceRange: str, **kw: Any) -> dict[str, Any]:
        data = self.objects[(CopySource["Bucket"], CopySource["Key"])]
        start, end = (int(x) for x in CopySourceRange.split("=")[1].split("-"))
        self.uploads[UploadId][PartNumber] = data[start:end + 1]
        return {"CopyPartResult": {"ETag": _etag(data[start:end + 1])}}

    def CompleteMultipartUpload(self, Bucket: str, Key: str, UploadId: str,  # noqa: N802,N803
                                MultipartUpload: dict[str, Any], **kw: Any) -> dict[str, Any]:
        parts = self.uploads.pop(UploadId)
        assert [p["PartNumber"] for p in MultipartUpload["Parts"]] == sorted(parts)
        self.objects[(Bucket, Key)] = b"".join(parts[n] for n in sorted(parts))
        return {"ETag": '"multi"'}

    def AbortMultipartUpload(self, Bucket: str, Key: str, UploadId: str, **kw: Any) -> dict[str, Any]:  # noqa: N802,N803
        self.uploads.pop(UploadId, None)
        return {}

    def HeadObject(self, Bucket: str, Key: str, **kw: Any) -> dict[str, Any]:  # noqa: N802,N803
        if (Bucket, Key) not in self.objects:
            raise self._missing("HeadObject")
        data = self.objects[(Bucket, Key)]
        return {"ContentLength": len(data), "ETag": _etag(data)}

    def GetObject(self, Bucket: str, Key: str, Range: str | None = None, **kw: Any) -> dict[str, Any]:  # noqa: N802,N803
        data = self.objects[(Bucket, Key)]
        if Range:
            start, _, end = Range.split("=")[1].partition("-")
            data = data[int(start): int(end) + 1 if end else None]
        if self.body_failures:
            self.body_failures -= 1
            return {"Body": Body(data, fail_after=min(len(data) // 2, 1024)), "ContentLength": len(data)}
        return {"Body": Body(data), "ContentLength": len(data)}

    def CopyObject(self, Bucket: str, Key: str, CopySource: dict[str, Any], **kw: Any) -> dict[str, Any]:  # noqa: N802,N803
        self.objects[(Bucket, Key)] = self.objects[(CopySource["Bucket"], CopySource["Key"])]
        return {"CopyObjectResult": {"ETag": '"c"'}}


def clients() -> tuple[tuple[Any, FakeS3], tuple[Any, FakeS3]]:
    import botocore.exceptions

    ours = squall.session.Session().client("s3")
    theirs = boto3.session.Session().client("s3")
    our_s3, their_s3 = FakeS3(ClientError), FakeS3(botocore.exceptions.ClientError)
    ours._make_api_call = our_s3
    theirs._make_api_call = their_s3
    return (ours, our_s3), (theirs, their_s3)


CONFIG = {"multipart_threshold": 6 * MB, "multipart_chunksize": 5 * MB}


def both(action: Any, setup: Any = None) -> tuple[FakeS3, FakeS3]:
    (ours, our_s3), (theirs, their_s3) = clients()
    for fake in (our_s3, their_s3):
        if setup:
            setup(fake)
    action(ours, TransferConfig(**CONFIG), "squall")
    action(theirs, BotoTransferConfig(use_threads=False, **CONFIG), "boto3")
    assert our_s3.calls == their_s3.calls
    assert our_s3.objects == their_s3.objects
    return our_s3, their_s3


SMALL = os.urandom(1000)
LARGE = os.urandom(13 * MB + 17)


@pytest.mark.parametrize("data", [b"", SMALL, LARGE], ids=["empty", "small", "multipart"])
def test_upload_file_matches_boto3(tmp_path: Any, data: bytes) -> None:
    path = tmp_path / "f"
    path.write_bytes(data)
    progress: dict[str, int] = {}

    def action(client: Any, config: Any, lib: str) -> None:
        def callback(n: int) -> None:
            progress[lib] = progress.get(lib, 0) + n

        client.upload_file(str(path), "b", "k", ExtraArgs={"ContentType": "text/plain", "Metadata": {"a": "1"}},
                           Callback=callback, Config=config)

    ours, _ = both(action)
    assert ours.objects[("b", "k")] == data
    # (s3transfer counts bytes as its HTTP layer reads them, which the fake bypasses.)
    assert progress.get("squall", 0) == len(data)
    if data is LARGE:
        assert [op for op, _ in ours.calls] == ["CreateMultipartUpload"] + ["UploadPart"] * 3 + [
            "CompleteMultipartUpload"]
        parts = ours.calls[-1][1]["MultipartUpload"]["Parts"]
        assert all("ChecksumCRC32" in p for p in parts)


@pytest.mark.parametrize("seekable", [True, False])
@pytest.mark.parametrize("data", [SMALL, LARGE], ids=["small", "multipart"])
def test_upload_fileobj_matches_boto3(data: bytes, seekable: bool) -> None:
    class OneWay(io.RawIOBase):
        def __init__(self, payload: bytes) -> None:
            self._io = io.BytesIO(payload)

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            return self._io.read(n)

    def action(client: Any, config: Any, lib: str) -> None:
        stream: Any = io.BytesIO(data) if seekable else OneWay(data)
        client.upload_fileobj(stream, "b", "k", Config=config)

    ours, _ = both(action)
    assert ours.objects[("b", "k")] == data


@pytest.mark.parametrize("data", [SMALL, LARGE], ids=["small", "ranged"])
def test_download_file_and_fileobj_match_boto3(tmp_path: Any, data: bytes) -> None:
    def setup(fake: FakeS3) -> None:
        fake.objects[("b", "k")] = data

    def action(client: Any, config: Any, lib: str) -> None:
        target = tmp_path / lib
        client.download_file("b", "k", str(target), ExtraArgs={"VersionId": "v1"}, Config=config)
        assert target.read_bytes() == data
        buffer = io.BytesIO()
        client.download_fileobj("b", "k", buffer, Config=config)
        assert buffer.getvalue() == data

    ours, _ = both(action, setup)
    if data is LARGE:
        ranges = [p.get("Range") for op, p in ours.calls if op == "GetObject"]
        assert ranges[:3] == ["bytes=0-5242879", "bytes=5242880-10485759", "bytes=10485760-"]
    assert sorted(os.listdir(tmp_path)) == ["boto3", "squall"]  # no temporary files left


@pytest.mark.parametrize("data", [SMALL, LARGE], ids=["copy_object", "multipart"])
def test_copy_matches_boto3(data: bytes) -> None:
    def setup(fake: FakeS3) -> None:
        fake.objects[("src", "a")] = data

    def action(client: Any, config: Any, lib: str) -> None:
        client.copy({"Bucket": "src", "Key": "a"}, "dst", "b", ExtraArgs={"MetadataDirective": "REPLACE"},
                    Config=config)

    ours, _ = both(action, setup)
    assert ours.objects[("dst", "b")] == data


def test_failed_part_aborts_the_upload(tmp_path: Any) -> None:
    path = tmp_path / "big"
    path.write_bytes(LARGE)

    def setup(fake: FakeS3) -> None:
        fake.fail["UploadPart"] = 2

    def action(client: Any, config: Any, lib: str) -> None:
        with pytest.raises(Exception) as info:
            client.upload_file(str(path), "b", "k", Config=config)
        assert type(info.value).__name__ == "S3UploadFailedError"
        assert "Failed to upload" in str(info.value) and "InternalError" in str(info.value)

    ours, _ = both(action, setup)
    assert [op for op, _ in ours.calls][-1] == "AbortMultipartUpload"
    assert ours.uploads == {} and ("b", "k") not in ours.objects


def test_download_retries_broken_bodies_then_gives_up(tmp_path: Any) -> None:
    def setup(fake: FakeS3) -> None:
        fake.objects[("b", "k")] = LARGE
        fake.body_failures = 2

    progress: dict[str, int] = {}

    def action(client: Any, config: Any, lib: str) -> None:
        def callback(n: int) -> None:
            progress[lib] = progress.get(lib, 0) + n

        client.download_file("b", "k", str(tmp_path / lib), Config=config, Callback=callback)

    ours, _ = both(action, setup)
    assert [op for op, _ in ours.calls].count("GetObject") == 3 + 2
    assert progress["squall"] == len(LARGE)
    assert (tmp_path / "squall").read_bytes() == LARGE

    (client, fake), _ = clients()
    fake.objects[("b", "k")] = SMALL
    fake.body_failures = 99
    with pytest.raises(RetriesExceededError) as info:
        client.download_file("b", "k", str(tmp_path / "never"), Config=TransferConfig(num_download_attempts=3))
    assert isinstance(info.value.last_exception, ConnectionResetError)
    assert not (tmp_path / "never").exists() and sorted(os.listdir(tmp_path)) == ["boto3", "squall"]


def test_missing_object_download_raises_client_error(tmp_path: Any) -> None:
    (client, fake), _ = clients()
    with pytest.raises(ClientError) as info:
        client.download_file("b", "nope", str(tmp_path / "x"))
    assert info.value.response["Error"]["Code"] == "404"
    assert os.listdir(tmp_path) == []


def test_argument_validation_matches_boto3(tmp_path: Any) -> None:
    (ours, _), (theirs, _) = clients()
    path = tmp_path / "f"
    path.write_bytes(b"x")
    for client in (ours, theirs):
        with pytest.raises(ValueError, match="Invalid extra_args key 'Bogus'"):
            client.upload_file(str(path), "b", "k", ExtraArgs={"Bogus": 1})
        with pytest.raises(ValueError, match="Fileobj must implement read"):
            client.upload_fileobj("not a file", "b", "k")
        with pytest.raises(ValueError, match="Fileobj must implement write"):
            client.download_fileobj("b", "k", "not a file")
        with pytest.raises(ValueError, match="Filename must be a string or a path-like object"):
            client.upload_file(123, "b", "k")
    with pytest.raises(TypeError, match="Expecting dictionary formatted"):
        ours.copy("bucket/key", "b", "k")
    with pytest.raises(ValueError, match="must be greater than 0"):
        TransferConfig(multipart_chunksize=0)


def test_resource_transfer_methods_delegate(tmp_path: Any) -> None:
    s3 = squall.session.Session().resource("s3")
    fake = FakeS3(ClientError)
    s3.meta.client._make_api_call = fake
    path = tmp_path / "f"
    path.write_bytes(b"data")
    bucket = s3.Bucket("b")
    bucket.upload_file(str(path), "k1")
    bucket.Object("k2").upload_fileobj(io.BytesIO(b"more"))
    bucket.Object("k3").copy({"Bucket": "b", "Key": "k1"})
    bucket.copy({"Bucket": "b", "Key": "k2"}, "k4")
    out = io.BytesIO()
    bucket.Object("k3").download_fileobj(out)
    bucket.download_file("k4", str(tmp_path / "k4"))
    s3.Object("b", "k1").download_file(str(tmp_path / "k1"))
    buffer = io.BytesIO()
    bucket.download_fileobj("k1", buffer)
    assert out.getvalue() == b"data" and (tmp_path / "k4").read_bytes() == b"more"
    assert (tmp_path / "k1").read_bytes() == buffer.getvalue() == b"data"
    assert set(fake.objects) == {("b", "k1"), ("b", "k2"), ("b", "k3"), ("b", "k4")}


def test_s3transfer_wrapper_and_replaceable_manager(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from squall.s3 import transfer

    used: list = []

    class Recording:
        def __init__(self, client: Any, config: Any) -> None:
            used.append(config)

        def upload(self, *args: Any) -> None:
            used.append(("upload", args[1:3]))

        def close(self) -> None:
            used.append("closed")

    monkeypatch.setattr(transfer, "create_transfer_manager", lambda client, config=None: Recording(client, config))
    client = squall.session.Session().client("s3")
    client.upload_fileobj(io.BytesIO(b"x"), "b", "k")
    assert used[1:] == [("upload", ("b", "k")), "closed"]
    with pytest.raises(ValueError, match="Either a squall client or a TransferManager"):
        S3Transfer()


def test_chunk_arithmetic_matches_s3transfer() -> None:
    from s3transfer.utils import ChunksizeAdjuster, calculate_range_parameter

    for chunk, size in [(8 * MB, 10), (1, 10 * MB), (8 * MB, 100 * 1024 * MB), (8 * MB, 10_000 * 8 * MB + 1),
                        (6 * 1024**3, None)]:
        assert adjust_chunksize(chunk, size) == ChunksizeAdjuster().adjust_chunksize(chunk, size)
    for args in [(5, 0, 3), (5, 2, 3), (5, 2, 3, 13), (7, 0, 1, 7)]:
        assert range_parameter(*args) == calculate_range_parameter(*args)


def test_upload_failure_is_wrapped_like_boto3(tmp_path: Any) -> None:
    (client, fake), _ = clients()
    fake.fail["PutObject"] = 1
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with pytest.raises(S3UploadFailedError, match=f"Failed to upload {path} to b/k: An error occurred"):
        client.upload_file(str(path), "b", "k")
    with pytest.raises(ClientError):  # upload_fileobj raises the service error itself
        fake.fail["PutObject"] = 2
        client.upload_fileobj(io.BytesIO(b"x"), "b", "k")
