"""Checksum algorithms, aws-chunked framing, request checksum plans and response validation.

CRC32C/CRC64NVME vectors were computed with awscrt 0.38 (what botocore uses when it is
installed); the aws-chunked framing is compared with botocore's AwsChunkedWrapper, and
response validation with botocore's StreamingChecksumBody messages.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import io
import zlib
from typing import Any

import botocore.httpchecksum as bhc
import pytest

import squall
from squall.auth import checksums
from squall.config import Config
from squall.exceptions import (
    AwsChunkedWrapperError, FlexibleChecksumError, InvalidChecksumConfigError, InvalidConfigError,
    UnseekableStreamError,
)
from squall.http import HttpRequest, HttpResponse, StreamingBody
from squall.runtime._bodies import IterableReader, content_length, is_one_shot, read_all
from squall.runtime._checksums import (
    AwsChunkedBody, apply_request_checksum, plan_request_checksum, response_algorithms, validate_response,
    with_validation_mode,
)
from squall.runtime._flow import call_flow
from squall.runtime._sync import run_sync

VECTORS = [  # data, crc32c, crc64nvme (from awscrt.checksums)
    (b"", 0x0, 0x0),
    (b"a", 0xC1D04330, 0x8C2F8445B4CBFC3C),
    (b"123456789", 0xE3069283, 0xAE8B14860A799888),
    (bytes(range(256)) * 40, 0xBD846CD7, 0xE1763E85E8EB4599),
    (b"\xff" * 1000, 0x7B72068D, 0xC0AFCE3AB16B6E2D),
]


@pytest.mark.parametrize("data,c32c,c64", VECTORS, ids=[str(len(v[0])) for v in VECTORS])
def test_crc_vectors(data: bytes, c32c: int, c64: int) -> None:
    assert checksums.crc32c(data) == c32c
    assert checksums.crc64nvme(data) == c64
    for name, value, size in (("crc32c", c32c, 4), ("crc64nvme", c64, 8)):
        whole = checksums.new_checksum(name)
        whole.update(data)
        assert whole.digest() == value.to_bytes(size, "big")


def test_incremental_updates_equal_one_shot() -> None:
    data = bytes(range(256)) * 400 + b"tail"
    for name in ("crc32", "crc32c", "crc64nvme", "sha1", "sha256", "sha512"):
        one = checksums.new_checksum(name)
        one.update(data)
        parts = checksums.new_checksum(name)
        for start in range(0, len(data), 7919):
            parts.update(memoryview(data)[start:start + 7919])
        assert one.digest() == parts.digest(), name
    assert checksums.crc32c(data[100:], checksums.crc32c(data[:100])) == checksums.crc32c(data)
    assert checksums.crc64nvme(data[5:], checksums.crc64nvme(data[:5])) == checksums.crc64nvme(data)


def test_crc32_and_shas_match_botocore() -> None:
    data = b"the quick brown fox" * 1000
    for name, cls in (("crc32", bhc.Crc32Checksum), ("sha1", bhc.Sha1Checksum), ("sha256", bhc.Sha256Checksum),
                      ("sha512", bhc.Sha512Checksum)):
        ours = checksums.new_checksum(name)
        ours.update(data)
        assert checksums.b64_digest(ours) == cls().handle(data)


def test_large_pure_crc_is_exact() -> None:
    data = (b"0123456789abcdef" * 65536)[:1000003]  # odd length, > 1 MB: the folding path
    reference = 0xFFFFFFFF
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    for b in data[:3000]:
        reference = table[(reference ^ b) & 0xFF] ^ (reference >> 8)
    assert checksums.crc32c(data[:3000]) == reference ^ 0xFFFFFFFF
    assert checksums.crc32c(data) == checksums.crc32c(data[3000:], checksums.crc32c(data[:3000]))


# -- aws-chunked --------------------------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, 5000, 1024 * 1024, 1024 * 1024 + 17])
def test_aws_chunked_matches_botocore(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    theirs = bhc.AwsChunkedWrapper(io.BytesIO(data), checksum_cls=bhc.Crc32Checksum,
                                   checksum_name="x-amz-checksum-crc32").read()
    ours = AwsChunkedBody(io.BytesIO(data), "crc32", "x-amz-checksum-crc32")
    assert ours.read() == theirs
    small = AwsChunkedBody(data, "crc32", "x-amz-checksum-crc32")
    assert b"".join(iter(lambda: small.read(1000), b"")) == theirs


def test_aws_chunked_rewinds_to_where_the_source_started() -> None:
    source = io.BytesIO(b"header|" + b"x" * 3000)
    source.seek(7)
    body = AwsChunkedBody(source, "sha256", "x-amz-checksum-sha256", chunk_size=1000)
    first = body.read()
    assert body.tell() == len(first)
    assert body.seekable()
    body.seek(0)
    assert body.read() == first
    with pytest.raises(AwsChunkedWrapperError):
        body.seek(5)


def test_aws_chunked_over_one_shot_source_is_not_seekable() -> None:
    body = AwsChunkedBody(IterableReader([b"ab", "c"]), "crc32", "x-amz-checksum-crc32")
    assert not body.seekable()
    crc = base64.b64encode(zlib.crc32(b"abc").to_bytes(4, "big"))
    assert body.read() == b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + crc + b"\r\n\r\n"


# -- bodies --------------------------------------------------------------------------------

def test_body_lengths_and_kinds() -> None:
    stream = io.BytesIO(b"0123456789")
    stream.seek(3)
    assert content_length(stream) == 7 and stream.tell() == 3
    assert content_length("caf\u00e9") == 5
    assert content_length(bytearray(4)) == 4
    assert content_length(IterableReader([b"a"])) is None
    assert is_one_shot(IterableReader([])) and not is_one_shot(stream) and not is_one_shot(b"x")
    assert read_all(IterableReader([b"a", "b", bytearray(b"c")])) == b"abc"
    reader = IterableReader(iter([b"hello", b"", b" world"]))
    assert reader.read(3) == b"hel" and reader.read(100) == b"lo world" and reader.read(1) == b""


# -- plans ----------------------------------------------------------------------------------

def _s3_op(name: str) -> Any:
    return squall.session.Session(region_name="us-east-1").client(
        "s3", aws_access_key_id="a", aws_secret_access_key="b").meta.service_model.operation_model(name)


def _request(url: str = "https://b.s3.amazonaws.com/k", **headers: str) -> HttpRequest:
    return HttpRequest(method="PUT", url=url, headers=headers, body=b"data")


def test_plans() -> None:
    put = _s3_op("PutObject")
    plan = plan_request_checksum(put, {}, _request(), calculation="when_supported")
    assert plan is not None and (plan.algorithm, plan.location) == ("crc32", "trailer")
    assert plan.algorithm_header == ("x-amz-sdk-checksum-algorithm", "CRC32")
    plan = plan_request_checksum(put, {"ChecksumAlgorithm": "CRC64NVME"}, _request("http://h/k"),
                                 calculation="when_required")
    assert plan is not None and (plan.algorithm, plan.location, plan.algorithm_header) == ("crc64nvme", "header", None)
    assert plan_request_checksum(put, {}, _request(), calculation="when_required") is None
    assert plan_request_checksum(put, {}, _request(**{"X-Amz-Checksum-Sha1": "x"}), calculation="when_supported") is None
    assert plan_request_checksum(put, {}, _request(), calculation="when_supported", presign=True) is None
    delete = _s3_op("DeleteObjects")
    plan = plan_request_checksum(delete, {}, _request(), calculation="when_required")
    assert plan is not None and plan.location == "header"  # required, and not streaming
    with pytest.raises(FlexibleChecksumError, match="Unsupported checksum algorithm: md4"):
        plan_request_checksum(put, {"ChecksumAlgorithm": "MD4"}, _request(), calculation="when_supported")
    assert plan_request_checksum(_s3_op("ListBuckets"), {}, _request(), calculation="when_supported") is None


def test_trailer_keeps_existing_content_encoding_and_moves_content_length() -> None:
    put = _s3_op("PutObject")
    plan = plan_request_checksum(put, {}, _request(), calculation="when_supported")
    request = _request(**{"Content-Encoding": "gzip", "Content-Length": "4"})
    out = apply_request_checksum(request.replace(body=IterableReader([b"data"])), plan)  # type: ignore[arg-type]
    assert out.headers["Content-Encoding"] == "gzip,aws-chunked"
    assert out.headers["X-Amz-Decoded-Content-Length"] == "4"  # taken from the header
    assert "Content-Length" not in out.headers and out.headers["Transfer-Encoding"] == "chunked"


# -- responses ------------------------------------------------------------------------------

def _b64(value: int, size: int) -> str:
    return base64.b64encode(value.to_bytes(size, "big")).decode()


def test_validation_mode_and_algorithms() -> None:
    get = _s3_op("GetObject")
    assert with_validation_mode(get, {}, "when_supported") == {"ChecksumMode": "ENABLED"}
    assert with_validation_mode(get, {}, "when_required") == {}
    assert response_algorithms(get, {}) == ()
    algorithms = response_algorithms(get, {"ChecksumMode": "ENABLED"})
    assert algorithms == ("crc64nvme", "crc32c", "crc32", "sha1", "sha256", "sha512")[: len(algorithms)] \
        or algorithms[0] in ("xxhash128", "xxhash3")


def test_bytes_response_mismatch_raises_botocore_message() -> None:
    good = HttpResponse(status_code=200, headers={"x-amz-checksum-crc32": _b64(zlib.crc32(b"body"), 4)}, body=b"body")
    assert validate_response(good, ("crc32",)) == (good, "crc32")
    bad = HttpResponse(status_code=200, headers={"x-amz-checksum-crc32": "AAAAAA=="}, body=b"body")
    with pytest.raises(FlexibleChecksumError) as err:
        validate_response(bad, ("crc32",))
    assert str(err.value) == f"Expected checksum AAAAAA== did not match calculated checksum: {_b64(zlib.crc32(b'body'), 4)}"
    multipart = HttpResponse(status_code=200, headers={"x-amz-checksum-crc32": "AAAAAA==-3"}, body=b"body")
    assert validate_response(multipart, ("crc32",)) == (multipart, None)


def test_streaming_response_validated_at_the_end() -> None:
    data = b"x" * 10000
    headers = {"x-amz-checksum-crc64nvme": _b64(checksums.crc64nvme(data), 8), "content-length": "10000"}
    response = HttpResponse(status_code=200, headers=headers, stream=io.BytesIO(data))
    checked, algorithm = validate_response(response, ("crc64nvme", "crc32"))
    assert algorithm == "crc64nvme"
    assert b"".join(StreamingBody(checked.stream, 10000).iter_chunks(999)) == data
    bad = HttpResponse(status_code=200, headers=headers, stream=io.BytesIO(b"y" + data[1:]))
    body = StreamingBody(validate_response(bad, ("crc64nvme",))[0].stream, 10000)
    assert len(body.read(9000)) == 9000  # no verdict before the end
    with pytest.raises(FlexibleChecksumError):
        body.read(2000)
        body.read(2000)


# -- settings -----------------------------------------------------------------------------------

def test_invalid_checksum_settings_are_refused() -> None:
    session = squall.session.Session(region_name="us-east-1")
    with pytest.raises(InvalidChecksumConfigError, match="request_checksum_calculation"):
        session.client("s3", config=Config(request_checksum_calculation="sometimes"))
    with pytest.raises(InvalidChecksumConfigError, match="response_checksum_validation"):
        session.client("s3", config=Config(response_checksum_validation="never"))
    with pytest.raises(InvalidConfigError, match="s3_disable_express_session_auth"):
        session.client("s3", config=Config(s3={"disable_s3_express_session_auth": "maybe"}))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED")
    monkeypatch.setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
    client = squall.session.Session(region_name="us-east-1").client("s3")
    assert client._context.payload.request_checksum_calculation == "when_required"
    assert client._context.payload.response_checksum_validation == "when_required"
    client = squall.session.Session(region_name="us-east-1").client(
        "s3", config=Config(request_checksum_calculation="when_supported"))
    assert client._context.payload.request_checksum_calculation == "when_supported"


# -- retries resend the same bytes ---------------------------------------------------------------

class _Flaky:
    """Answers 500 first, then 200; keeps every body it was sent."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def send(self, request: HttpRequest, *, stream: bool = False) -> HttpResponse:
        self.bodies.append(read_all(request.body))
        status = 500 if len(self.bodies) == 1 else 200
        return HttpResponse(status_code=status, headers={}, body=b"")


def _run(endpoint: str, params: dict[str, Any]) -> _Flaky:
    client = squall.session.Session(region_name="us-east-1").client(
        "s3", endpoint_url=endpoint, aws_access_key_id="a", aws_secret_access_key="b",
        config=Config(retries={"mode": "standard"}))
    client._context = dataclasses.replace(client._context, clock=lambda: datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    flaky = _Flaky()
    run_sync(call_flow(client._context, "PutObject", params), send=flaky.send,
             get_credentials=client._get_credentials, sleep=lambda s: None)
    return flaky


@pytest.mark.parametrize("endpoint", ["https://s3.example.test", "http://s3.example.test"])
def test_retry_resends_a_seekable_body_from_its_start(endpoint: str) -> None:
    stream = io.BytesIO(b"skip|" + b"payload" * 1000)
    stream.seek(5)
    flaky = _run(endpoint, {"Bucket": "b", "Key": "k", "Body": stream})
    assert len(flaky.bodies) == 2 and flaky.bodies[0] == flaky.bodies[1]
    assert b"payload" in flaky.bodies[0] and b"skip|" not in flaky.bodies[0]


def test_retry_of_a_streamed_one_shot_body_is_refused() -> None:
    with pytest.raises(UnseekableStreamError):
        _run("https://s3.example.test", {"Bucket": "b", "Key": "k", "Body": iter([b"once"])})


def test_retry_of_a_buffered_one_shot_body_works() -> None:
    """Over HTTP a one-shot body is read into memory first (its hash is signed), so it can be resent."""
    flaky = _run("http://s3.example.test", {"Bucket": "b", "Key": "k", "Body": iter([b"once"])})
    assert flaky.bodies == [b"once", b"once"]
