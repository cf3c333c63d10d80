"""squall.auth SigV4 against botocore's signers (the oracle), with a frozen clock."""
from __future__ import annotations

import io
import threading
from datetime import datetime, timezone
from typing import Any
from unittest import mock

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from squall.auth import (
    EMPTY_SHA256_HASH, UNSIGNED_PAYLOAD, SigningKeyCache, SigV4Details, derive_signing_key,
    hash_payload, host_from_url, presign_v4_query, sign_bearer, sign_v4,
)
from squall.http import HttpRequest, encode_query

NOW = datetime(2024, 2, 29, 23, 59, 58, tzinfo=timezone.utc)
AK, SK, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok/en+with=chars"


def _botocore_sign(signer_cls: type, url: str, method: str = "GET", headers: dict[str, str] | None = None,
                   data: Any = b"", token: str | None = None, service: str = "svc",
                   region: str = "us-west-2", context: dict[str, Any] | None = None,
                   **kwargs: Any) -> AWSRequest:
    req = AWSRequest(method=method, url=url, headers=dict(headers or {}), data=data)
    req.context.update(context or {})
    signer = signer_cls(Credentials(AK, SK, token), service, region, **kwargs)
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        signer.add_auth(req)
    return req


def _squall_sign(url: str, method: str = "GET", headers: dict[str, str] | None = None,
                 body: Any = b"", token: str | None = None, service: str = "svc",
                 region: str = "us-west-2", **kwargs: Any) -> HttpRequest:
    req = HttpRequest(method=method, url=url, headers=dict(headers or {}), body=body)
    return sign_v4(req, access_key=AK, secret_key=SK, token=token, region=region,
                   service=service, timestamp=NOW, **kwargs)


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


QUERY = [("b", "x y"), ("a", "1/2+3=4"), ("ü", "~ok"), ("a", "0"), ("empty", "")]
QUERY_URL = "https://svc.us-west-2.amazonaws.com/v1/a%20b/./c/../d?" + encode_query(QUERY)


@pytest.mark.parametrize("url, method, headers, body, token", [
    (QUERY_URL, "GET", {}, b"", TOKEN),
    ("https://svc.us-west-2.amazonaws.com/", "POST",
     {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Svc.Op",
      "User-Agent": "squall/1", "X-Amzn-Trace-Id": "Root=1", "Expect": "100-continue",
      "X-Custom": "  a   b  "}, b'{"Name": "x"}', None),
    ("http://LOCALHOST:80/path//x/", "PUT", {"Content-Length": "3"}, b"abc", None),
    ("https://[::1]:8443/", "DELETE", {}, b"", TOKEN),
    ("https://svc.amazonaws.com/?Action=List&Version=2010-05-08", "POST",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     b"Action=List&Version=2010-05-08", None),
])
def test_sigv4_matches_botocore(url: str, method: str, headers: dict[str, str], body: bytes,
                                token: str | None) -> None:
    expected = _botocore_sign(SigV4Auth, url, method, headers, body, token)
    got = _squall_sign(url, method, headers, body, token)
    assert _lower(got.headers) == _lower(expected.headers)


def test_sigv4_date_header_is_rewritten_like_botocore() -> None:
    headers = {"Date": "Mon, 01 Jan 2001 00:00:00 GMT", "X-Amz-Date": "stale"}
    expected = _botocore_sign(SigV4Auth, "https://svc.amazonaws.com/", headers=headers)
    got = _squall_sign("https://svc.amazonaws.com/", headers=headers)
    assert _lower(got.headers) == _lower(expected.headers)
    assert "x-amz-date" not in _lower(got.headers)


def test_sigv4_payload_signing_disabled() -> None:
    url = "https://svc.amazonaws.com/upload"
    expected = _botocore_sign(SigV4Auth, url, "POST", data=b"data",
                              context={"payload_signing_enabled": False})
    got = _squall_sign(url, "POST", body=b"data", payload_signing=False)
    assert _lower(got.headers) == _lower(expected.headers)
    assert got.header("X-Amz-Content-SHA256") == UNSIGNED_PAYLOAD


def test_sigv4_resign_replaces_previous_auth() -> None:
    once = _squall_sign(QUERY_URL, token=TOKEN)
    twice = sign_v4(once, access_key=AK, secret_key=SK, token=TOKEN, region="us-west-2",
                    service="svc", timestamp=NOW)
    assert dict(twice.headers) == dict(once.headers)


S3_URL = "https://bucket.s3.us-west-2.amazonaws.com/dir//a%20b/c~d%2Be/./x?" + encode_query(
    [("uploadId", "abc=="), ("partNumber", "1")])


@pytest.mark.parametrize("body", [b"", b"hello world", "text"])
def test_s3_sigv4_matches_botocore(body: Any) -> None:
    headers = {"Content-Type": "text/plain", "x-amz-meta-k": "v"}
    expected = _botocore_sign(S3SigV4Auth, S3_URL, "PUT", headers, body, TOKEN, service="s3")
    got = _squall_sign(S3_URL, "PUT", headers, body, TOKEN, service="s3",
                       double_uri_encode=False, normalize_path=False, content_sha256_header=True)
    assert _lower(got.headers) == _lower(expected.headers)


def test_s3_seekable_body_hashed_from_position_and_rewound() -> None:
    def fileobj() -> io.BytesIO:
        f = io.BytesIO(b"0123456789" * 100_000)
        f.seek(7)
        return f

    expected = _botocore_sign(S3SigV4Auth, S3_URL, "PUT", data=fileobj(), service="s3")
    body = fileobj()
    got = _squall_sign(S3_URL, "PUT", body=body, service="s3", double_uri_encode=False,
                       normalize_path=False, content_sha256_header=True)
    assert _lower(got.headers) == _lower(expected.headers)
    assert got.body is body and body.tell() == 7


def test_s3_unsigned_payload_matches_botocore() -> None:
    class S3Config:
        s3 = {"payload_signing_enabled": False}

    expected = _botocore_sign(S3SigV4Auth, S3_URL, "PUT", data=b"x", service="s3",
                              context={"client_config": S3Config()})
    got = _squall_sign(S3_URL, "PUT", body=b"x", service="s3", double_uri_encode=False,
                       normalize_path=False, content_sha256_header=True, payload_signing=False)
    assert _lower(got.headers) == _lower(expected.headers)


def test_one_shot_stream_is_read_unless_unsigned_allowed() -> None:
    chunks = [b"ab", b"cd"]
    got = _squall_sign("https://svc.amazonaws.com/", "PUT", body=iter(chunks),
                       content_sha256_header=True)
    assert got.body == b"abcd"
    expected = _squall_sign("https://svc.amazonaws.com/", "PUT", body=b"abcd",
                            content_sha256_header=True)
    assert dict(got.headers) == dict(expected.headers)

    gen = iter(chunks)
    unsigned = _squall_sign("https://svc.amazonaws.com/", "PUT", body=gen,
                            allow_unsigned_stream=True, content_sha256_header=True)
    assert unsigned.body is gen
    assert unsigned.header("x-amz-content-sha256") == UNSIGNED_PAYLOAD


def test_explicit_payload_hash_and_details() -> None:
    seen: list[SigV4Details] = []
    got = _squall_sign("https://b.s3.amazonaws.com/k", "PUT", body=iter([b"x"]), service="s3",
                       payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                       content_sha256_header=True, on_details=seen.append)
    assert got.header("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert seen[0].canonical_request.endswith("\nSTREAMING-UNSIGNED-PAYLOAD-TRAILER")
    assert seen[0].credential_scope == "20240229/us-west-2/s3/aws4_request"
    assert SK not in repr(seen[0])


def test_extra_unsigned_headers() -> None:
    from squall.auth import DEFAULT_UNSIGNED_HEADERS
    seen: list[SigV4Details] = []
    _squall_sign("https://svc.amazonaws.com/", headers={"X-Skip": "1", "X-Keep": "2"},
                 unsigned_headers=DEFAULT_UNSIGNED_HEADERS | {"x-skip"}, on_details=seen.append)
    assert seen[0].signed_headers == "host;x-amz-date;x-keep"


# --- presigned URLs ------------------------------------------------------------------

def _botocore_presign(signer_cls: type, url: str, method: str = "GET", headers: dict[str, str] | None = None,
                      data: Any = b"", token: str | None = None, service: str = "svc",
                      expires: int = 3600) -> AWSRequest:
    return _botocore_sign(signer_cls, url, method, headers, data, token, service, expires=expires)


def test_s3_presign_matches_botocore() -> None:
    url = "https://bucket.s3.us-west-2.amazonaws.com/a%20key/x~y?versionId=v%2B1&response-content-type=text%2Fplain"
    expected = _botocore_presign(S3SigV4QueryAuth, url, token=TOKEN, service="s3", expires=900)
    got = presign_v4_query(HttpRequest(method="GET", url=url), access_key=AK, secret_key=SK,
                           token=TOKEN, region="us-west-2", service="s3", timestamp=NOW,
                           expires=900, double_uri_encode=False, normalize_path=False,
                           unsigned_payload=True)
    assert got.url == expected.url
    assert "X-Amz-Signature=" in got.url and got.headers == {}


def test_s3_presign_with_signed_header_matches_botocore() -> None:
    url = "https://s3.amazonaws.com/bucket/key"
    headers = {"x-amz-acl": "private", "Content-Type": "text/plain"}
    expected = _botocore_presign(S3SigV4QueryAuth, url, "PUT", headers, service="s3")
    got = presign_v4_query(HttpRequest(method="PUT", url=url, headers=headers), access_key=AK,
                           secret_key=SK, region="us-west-2", service="s3", timestamp=NOW,
                           double_uri_encode=False, normalize_path=False, unsigned_payload=True)
    assert got.url == expected.url


def test_query_protocol_presign_moves_body_like_botocore() -> None:
    url = "https://ec2.us-west-2.amazonaws.com/"
    params = {"Action": "DescribeInstances", "Version": "2016-11-15", "Filter.1.Name": "a b"}
    ct = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    expected = _botocore_presign(SigV4QueryAuth, url, "POST", ct, dict(params), TOKEN, service="ec2")
    got = presign_v4_query(
        HttpRequest(method="POST", url=url, headers=ct, body=encode_query(params.items()).encode()),
        access_key=AK, secret_key=SK, token=TOKEN, region="us-west-2", service="ec2",
        timestamp=NOW)
    assert got.url == expected.url
    assert got.body == b"" and got.headers == {}


def test_non_s3_presign_get_matches_botocore() -> None:
    url = "https://svc.amazonaws.com/a/../b//c?x=1&y=%20"
    expected = _botocore_presign(SigV4QueryAuth, url, service="svc", expires=60)
    got = presign_v4_query(HttpRequest(method="GET", url=url), access_key=AK, secret_key=SK,
                           region="us-west-2", service="svc", timestamp=NOW, expires=60)
    assert got.url == expected.url


# --- helpers --------------------------------------------------------------------------

def test_host_from_url() -> None:
    assert host_from_url("https://User:pw@EXAMPLE.com:443/x") == "example.com"
    assert host_from_url("http://example.com:80") == "example.com"
    assert host_from_url("http://example.com:8080") == "example.com:8080"
    assert host_from_url("https://[fe80::1]:444/") == "[fe80::1]:444"


def test_hash_payload_kinds() -> None:
    assert hash_payload(b"")[0] == EMPTY_SHA256_HASH
    assert hash_payload(None) == (EMPTY_SHA256_HASH, b"")

    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, b: Any) -> int:
            return 0

    pipe = Pipe()
    assert hash_payload(pipe, allow_unsigned_stream=True) == (UNSIGNED_PAYLOAD, pipe)
    assert hash_payload(pipe) == (EMPTY_SHA256_HASH, b"")


def test_signing_key_cache_bounded_threadsafe_and_secret_free() -> None:
    cache = SigningKeyCache(max_size=4)
    results: list[bytes] = []

    def work(i: int) -> None:
        for d in range(10):
            results.append(cache.get(SK, f"2024010{d % 9 + 1}", "us-east-1", f"s{i % 3}"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) <= 4
    assert cache.get(SK, "20240101", "r", "s") == derive_signing_key(SK, "20240101", "r", "s")
    assert SK not in repr(cache) and "wJal" not in repr(cache)
    assert not any(SK.encode() in k[0] for k in cache._entries)


def test_bearer() -> None:
    req = HttpRequest(method="GET", url="https://x/", headers={"authorization": "old"})
    signed = sign_bearer(req, token="abc")
    assert dict(signed.headers) == {"Authorization": "Bearer abc"}
    with pytest.raises(ValueError):
        sign_bearer(req, token="")


def test_naive_timestamp_is_utc() -> None:
    a = _squall_sign("https://svc.amazonaws.com/")
    b = sign_v4(HttpRequest(method="GET", url="https://svc.amazonaws.com/"), access_key=AK,
                secret_key=SK, region="us-west-2", service="svc", timestamp=NOW.replace(tzinfo=None))
    assert dict(a.headers) == dict(b.headers)


def test_json_body_presign_moves_params_like_botocore() -> None:
    url = "https://svc.us-west-2.amazonaws.com/"
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Svc.Op"}
    body = b'{"Name": "a b", "Count": 3}'
    expected = _botocore_presign(SigV4QueryAuth, url, "POST", headers, body, TOKEN)
    got = presign_v4_query(HttpRequest(method="POST", url=url, headers=headers, body=body),
                           access_key=AK, secret_key=SK, token=TOKEN, region="us-west-2",
                           service="svc", timestamp=NOW)
    assert got.url == expected.url
    assert got.body == b"" and got.header("x-amz-target") == "Svc.Op"


def test_presign_keeps_repeated_query_names() -> None:
    # botocore's dict would drop the second value (and sign a different request);
    # squall keeps both, and the signature covers both.
    seen: list[SigV4Details] = []
    got = presign_v4_query(HttpRequest(method="GET", url="https://b.s3.amazonaws.com/k?x=2&x=1"),
                           access_key=AK, secret_key=SK, region="us-east-1", service="s3",
                           timestamp=NOW, double_uri_encode=False, normalize_path=False,
                           unsigned_payload=True, on_details=seen.append)
    assert got.url.startswith("https://b.s3.amazonaws.com/k?x=2&x=1&X-Amz-Algorithm=")
    assert seen[0].canonical_request.split("\n")[2].startswith("X-Amz-Algorithm=")
    assert "&x=1&x=2" in seen[0].canonical_request.split("\n")[2]
