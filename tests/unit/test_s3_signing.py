"""S3 payload signing and flexible checksums on the wire, against botocore at a frozen time.

Both libraries make the same call with the same keys; each request is captured just
before it would be sent (botocore's ``before-send``; squall's transport is replaced)
and compared whole: method, URL, every header (names case-insensitive) including
``Authorization``, and the body bytes. Only headers that vary per call and are never
signed are left out (User-Agent, amz-sdk-invocation-id, amz-sdk-request). squall's
Content-Length / Transfer-Encoding are taken from its transport's own preparation.
"""
from __future__ import annotations

import dataclasses
import datetime
import io
from typing import Any
from unittest import mock

import botocore
import botocore.config
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse

import squall
from squall.config import Config
from squall.http import HttpResponse
from squall.http._urllib3 import Urllib3Transport

WHEN = datetime.datetime(2024, 5, 1, 12, 30, 15)
VOLATILE = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request"}
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
PAYLOAD = b"hello, checksums\n" * 100


class _Raw:
    def stream(self, *a: Any, **k: Any) -> Any:
        return iter([b""])

    def read(self, *a: Any, **k: Any) -> bytes:
        return b""


def _read(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "read"):
        return body.read()
    return b"".join(body)


def _norm(headers: Any) -> dict[str, str]:
    out = {}
    for k, v in headers.items():
        if k.lower() in VOLATILE:
            continue
        out[k.lower()] = v.decode() if isinstance(v, bytes) else str(v)
    return out


def botocore_request(op: str, params: dict[str, Any], *, endpoint_url: str | None = None,
                     region: str = "us-west-2", token: str | None = None, **config: Any) -> dict[str, Any]:
    session = botocore.session.get_session()
    client = session.create_client(
        "s3", region_name=region, endpoint_url=endpoint_url, aws_session_token=token,
        config=botocore.config.Config(**config), **KEYS,
    )
    captured: list[dict[str, Any]] = []

    def before_send(request: Any, **_: Any) -> Any:
        captured.append({"method": request.method, "url": request.url, "headers": _norm(request.headers),
                         "body": _read(request.body)})
        return AWSResponse(request.url, 200, {}, _Raw())

    client.meta.events.register("before-send", before_send)
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        getattr(client, _py(op))(**params)
    return captured[0]


class _Capture:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._prep = Urllib3Transport()

    def send(self, request: Any, *, stream: bool = False) -> HttpResponse:
        body, headers, chunked = self._prep._prepare(request)
        if chunked and not any(k.lower() == "transfer-encoding" for k in headers):
            headers["Transfer-Encoding"] = "chunked"
        self.requests.append({"method": request.method, "url": request.url, "headers": _norm(headers),
                              "body": _read(body)})
        return HttpResponse(status_code=200, headers={}, body=b"", stream=io.BytesIO(b"") if stream else None)

    def close(self) -> None:
        pass


def squall_client(*, endpoint_url: str | None = None, region: str = "us-west-2", token: str | None = None,
                  **config: Any) -> tuple[Any, _Capture]:
    session = squall.session.Session(region_name=region)
    client = session.client("s3", endpoint_url=endpoint_url, aws_session_token=token,
                            config=Config(**config), **KEYS)
    capture = _Capture()
    client._transport = capture
    client._context = dataclasses.replace(client._context, clock=lambda: WHEN.replace(tzinfo=datetime.timezone.utc))
    return client, capture


def squall_request(op: str, params: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    client, capture = squall_client(**kwargs)
    getattr(client, _py(op))(**params)
    return capture.requests[0]


def _py(op: str) -> str:
    from squall.models import xform_name

    return xform_name(op)


def _fresh(params: dict[str, Any]) -> dict[str, Any]:
    """Bodies are consumed by a call: give each library its own copy."""
    out = dict(params)
    body = out.get("Body")
    if isinstance(body, io.BytesIO):
        out["Body"] = io.BytesIO(body.getvalue())
    return out


HTTP = "http://s3.example.test"
HTTPS_CUSTOM = "https://s3.example.test"

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("put-bytes-https", "PutObject", {"Bucket": "bkt", "Key": "a/b c.txt", "Body": PAYLOAD}, {}),
    ("put-bytes-http", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, {"endpoint_url": HTTP}),
    ("put-file-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": io.BytesIO(PAYLOAD)}, {}),
    ("put-file-http", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": io.BytesIO(PAYLOAD)}, {"endpoint_url": HTTP}),
    ("put-str-http", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": "caf\u00e9"}, {"endpoint_url": HTTP}),
    ("put-empty-https", "PutObject", {"Bucket": "bkt", "Key": "k"}, {}),
    ("put-custom-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, {"endpoint_url": HTTPS_CUSTOM}),
    ("put-sha256-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD, "ChecksumAlgorithm": "SHA256"}, {}),
    ("put-sha1-http", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD, "ChecksumAlgorithm": "SHA1"},
     {"endpoint_url": HTTP}),
    ("put-own-checksum", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD, "ChecksumCRC32": "AAAAAA=="}, {}),
    ("put-md5-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD,
                                    "ContentMD5": "XrY7u+Ae7tCTyyK7j1rNww=="}, {}),
    ("put-when-required-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD},
     {"request_checksum_calculation": "when_required"}),
    ("put-when-required-http", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": io.BytesIO(PAYLOAD)},
     {"request_checksum_calculation": "when_required", "endpoint_url": HTTP}),
    ("put-signing-on-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD},
     {"s3": {"payload_signing_enabled": True}}),
    ("put-signing-off-http", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD},
     {"s3": {"payload_signing_enabled": False}, "endpoint_url": HTTP}),
    ("put-token-https", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, {"token": "SESSION/TOKEN=="}),
    ("put-path-style", "PutObject", {"Bucket": "bkt", "Key": "d/../k~x", "Body": PAYLOAD},
     {"s3": {"addressing_style": "path"}}),
    ("upload-part-https", "UploadPart", {"Bucket": "bkt", "Key": "k", "UploadId": "u-1", "PartNumber": 3,
                                         "Body": PAYLOAD}, {}),
    ("upload-part-http", "UploadPart", {"Bucket": "bkt", "Key": "k", "UploadId": "u-1", "PartNumber": 3,
                                        "Body": io.BytesIO(PAYLOAD)}, {"endpoint_url": HTTP}),
    ("delete-objects-https", "DeleteObjects", {"Bucket": "bkt", "Delete": {"Objects": [{"Key": "a"}, {"Key": "b"}]}}, {}),
    ("delete-objects-http", "DeleteObjects", {"Bucket": "bkt", "Delete": {"Objects": [{"Key": "a"}]}},
     {"endpoint_url": HTTP}),
    ("delete-objects-when-required", "DeleteObjects", {"Bucket": "bkt", "Delete": {"Objects": [{"Key": "a"}]}},
     {"request_checksum_calculation": "when_required"}),
    ("delete-objects-sha256", "DeleteObjects", {"Bucket": "bkt", "Delete": {"Objects": [{"Key": "a"}]},
                                                "ChecksumAlgorithm": "SHA256"}, {}),
    ("put-bucket-tagging", "PutBucketTagging", {"Bucket": "bkt", "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}, {}),
    ("put-object-acl-http", "PutObjectAcl", {"Bucket": "bkt", "Key": "k", "ACL": "private"}, {"endpoint_url": HTTP}),
    ("get-object", "GetObject", {"Bucket": "bkt", "Key": "k"}, {}),
    ("get-object-mode", "GetObject", {"Bucket": "bkt", "Key": "k", "ChecksumMode": "ENABLED"}, {}),
    ("get-object-when-required", "GetObject", {"Bucket": "bkt", "Key": "k"},
     {"response_checksum_validation": "when_required"}),
    ("get-object-http", "GetObject", {"Bucket": "bkt", "Key": "k", "Range": "bytes=0-9"}, {"endpoint_url": HTTP}),
    ("list-objects", "ListObjectsV2", {"Bucket": "bkt", "Prefix": "a b/"}, {}),
    ("put-eu-west-1", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, {"region": "eu-west-1"}),
    ("put-us-east-1", "PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, {"region": "us-east-1"}),
]


@pytest.mark.parametrize("name,op,params,options", CASES, ids=[c[0] for c in CASES])
def test_signed_request_matches_botocore(name: str, op: str, params: dict[str, Any], options: dict[str, Any]) -> None:
    expected = botocore_request(op, _fresh(params), **options)
    actual = squall_request(op, _fresh(params), **options)
    assert actual == expected


def _nonseekable(data: bytes) -> Any:
    class OneShot(io.RawIOBase):
        def __init__(self) -> None:
            self._buf = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            return self._buf.read(n)

    return OneShot()


def test_iterable_body_over_https_is_streamed_like_a_one_shot_file() -> None:
    """botocore cannot send a generator; a non-seekable file is its closest equivalent."""
    expected = botocore_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": _nonseekable(PAYLOAD)})
    actual = squall_request("PutObject", {"Bucket": "bkt", "Key": "k",
                                          "Body": (PAYLOAD[i:i + 100] for i in range(0, len(PAYLOAD), 100))})
    assert actual == expected
    assert "x-amz-decoded-content-length" not in actual["headers"]
    assert actual["headers"]["transfer-encoding"] == "chunked"


def test_one_shot_file_over_https_is_streamed() -> None:
    expected = botocore_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": _nonseekable(PAYLOAD)})
    actual = squall_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": _nonseekable(PAYLOAD)})
    assert actual == expected


@pytest.mark.parametrize("body", [
    pytest.param(lambda: iter([PAYLOAD[:7], PAYLOAD[7:].decode()]), id="iterable"),
    pytest.param(lambda: _nonseekable(PAYLOAD), id="one-shot-file"),
])
def test_one_shot_bodies_over_http_are_read_once_then_signed_like_bytes(body: Any) -> None:
    """Over HTTP the payload is signed, so its content is needed first: read into memory."""
    expected = botocore_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, endpoint_url=HTTP)
    actual = squall_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": body()}, endpoint_url=HTTP)
    assert actual == expected


def test_unsigned_client_sends_trailer_marker() -> None:
    expected = botocore_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD},
                                signature_version=botocore.UNSIGNED)
    actual = squall_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": PAYLOAD}, signature_version="unsigned")
    assert actual == expected
    assert actual["headers"]["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def test_seekable_body_starts_where_the_caller_left_it() -> None:
    def body() -> io.BytesIO:
        stream = io.BytesIO(b"skip me|" + PAYLOAD)
        stream.seek(8)
        return stream

    for options in ({}, {"endpoint_url": HTTP}):
        expected = botocore_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": body()}, **options)
        actual = squall_request("PutObject", {"Bucket": "bkt", "Key": "k", "Body": body()}, **options)
        assert actual == expected


def test_s3control_checksum_required_operation() -> None:
    params = {"AccountId": "123456789012", "Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/bucket/b",
              "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}
    session = botocore.session.get_session()
    bc = session.create_client("s3control", region_name="us-west-2", **KEYS)
    captured: list[Any] = []
    bc.meta.events.register("before-send", lambda request, **_: captured.append(request) or
                            AWSResponse(request.url, 200, {}, _Raw()))
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        bc.put_bucket_tagging(**params)
    expected = {"method": captured[0].method, "url": captured[0].url, "headers": _norm(captured[0].headers),
                "body": _read(captured[0].body)}
    sq = squall.session.Session(region_name="us-west-2").client("s3control", **KEYS)
    capture = _Capture()
    sq._transport = capture
    sq._context = dataclasses.replace(sq._context, clock=lambda: WHEN.replace(tzinfo=datetime.timezone.utc))
    sq.put_bucket_tagging(**params)
    assert capture.requests[0] == expected
    assert "x-amz-checksum-crc32" in expected["headers"]
