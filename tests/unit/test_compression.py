"""Request compression (``requestcompression``: CloudWatch PutMetricData) against botocore.

Whole signed requests are compared at a frozen time. botocore gzips with the current
time as the gzip mtime; squall always writes mtime 0 (same bytes for the same body, and
no clock read in the core), so botocore's gzip is pinned to mtime 0 for the comparison.
"""
from __future__ import annotations

import dataclasses
import datetime
import gzip
import io
from typing import Any
from unittest import mock

import botocore.config
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse

import squall
from squall.config import Config
from squall.exceptions import InvalidConfigError
from squall.http import HttpRequest, HttpResponse
from squall.models import ServiceModel
from squall.runtime._compression import gzip_body, maybe_compress, should_compress

WHEN = datetime.datetime(2024, 5, 1, 12, 30, 15)
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}
VOLATILE = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request", "content-length"}


def _metrics(count: int) -> dict[str, Any]:
    return {"Namespace": "App/Test", "MetricData": [
        {"MetricName": f"latency-{i}", "Value": float(i), "Unit": "Milliseconds",
         "Dimensions": [{"Name": "host", "Value": f"h{i % 7}"}]} for i in range(count)]}


class _Raw:
    def stream(self, *a: Any, **k: Any) -> Any:
        return iter([b""])


def _headers(headers: Any) -> dict[str, str]:
    return {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in headers.items()
            if k.lower() not in VOLATILE}


def _botocore(params: dict[str, Any], env: dict[str, str] | None = None, **config: Any) -> dict[str, Any]:
    with mock.patch.dict("os.environ", env or {}):
        client = botocore.session.get_session().create_client(
            "cloudwatch", region_name="us-east-1", config=botocore.config.Config(**config), **KEYS)
    seen: list[dict[str, Any]] = []

    def capture(request: Any, **_: Any) -> Any:
        body = request.body
        body = body.read() if hasattr(body, "read") else (body or b"")
        seen.append({"url": request.url, "headers": _headers(request.headers), "body": bytes(body)})
        return AWSResponse(request.url, 200, {}, _Raw())

    client.meta.events.register("before-send", capture)
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN), \
            mock.patch("botocore.compress.gzip_compress", lambda data: gzip.compress(data, mtime=0)):
        try:
            client.put_metric_data(**params)
        except Exception:  # the canned empty answer need not parse
            pass
    return seen[0]


def _squall(params: dict[str, Any], env: dict[str, str] | None = None, **config: Any) -> dict[str, Any]:
    with mock.patch.dict("os.environ", env or {}):
        client = squall.session.Session(region_name="us-east-1").client(
            "cloudwatch", config=Config(**config), **KEYS)
    seen: list[dict[str, Any]] = []

    class Transport:
        def send(self, request: HttpRequest, *, stream: bool = False) -> HttpResponse:
            body = request.body
            seen.append({"url": request.url, "headers": _headers(request.headers),
                         "body": body if isinstance(body, bytes) else body.read()})
            return HttpResponse(status_code=200, headers={}, body=b"")

        def close(self) -> None:
            pass

    client._transport = Transport()
    client._context = dataclasses.replace(client._context, clock=lambda: WHEN.replace(tzinfo=datetime.timezone.utc))
    try:
        client.put_metric_data(**params)
    except Exception:
        pass
    return seen[0]


@pytest.mark.parametrize("count,config,env", [
    (5, {}, {}),  # below 10 KiB: sent as is
    (400, {}, {}),  # above: gzipped
    (400, {"disable_request_compression": True}, {}),
    (5, {"request_min_compression_size_bytes": 100}, {}),
    (400, {"request_min_compression_size_bytes": 1048576}, {}),
    (5, {}, {"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "64"}),
    (400, {}, {"AWS_DISABLE_REQUEST_COMPRESSION": "true"}),
    (400, {"disable_request_compression": False}, {"AWS_DISABLE_REQUEST_COMPRESSION": "true"}),
], ids=["small", "large", "disabled", "low-threshold", "high-threshold", "env-threshold", "env-disabled",
        "config-over-env"])
def test_put_metric_data_matches_botocore(count: int, config: dict[str, Any], env: dict[str, str]) -> None:
    expected = _botocore(_metrics(count), env, **config)
    actual = _squall(_metrics(count), env, **config)
    assert actual == expected


def test_compressed_body_decompresses_to_the_plain_one() -> None:
    plain = _squall(_metrics(400), disable_request_compression=True)
    packed = _squall(_metrics(400))
    assert packed["headers"]["content-encoding"] == "gzip"
    assert gzip.decompress(packed["body"]) == plain["body"]
    assert len(packed["body"]) < len(plain["body"]) / 4


@pytest.mark.parametrize("value", [0, 1048577, "abc"])
def test_invalid_min_size_is_refused_like_botocore(value: Any) -> None:
    with pytest.raises(InvalidConfigError, match="request_min_compression_size_bytes"):
        squall.session.Session(region_name="us-east-1").client(
            "cloudwatch", config=Config(request_min_compression_size_bytes=value), **KEYS)


# -- the pure pieces, on a made-up streaming operation --------------------------------------

def _model(requires_length: bool) -> ServiceModel:
    body_traits = {"streaming": True, **({"requiresLength": True} if requires_length else {})}
    return ServiceModel({
        "metadata": {"protocol": "rest-json", "serviceId": "Fake", "endpointPrefix": "fake",
                     "signatureVersion": "v4", "apiVersion": "2020-01-01"},
        "operations": {
            "Upload": {"name": "Upload", "http": {"method": "POST", "requestUri": "/"},
                       "input": {"shape": "UploadIn"}, "requestcompression": {"encodings": ["br", "gzip"]}},
        },
        "shapes": {
            "UploadIn": {"type": "structure", "members": {"Body": {"shape": "Blob"}}, "payload": "Body"},
            "Blob": {"type": "blob", **body_traits},
        },
    }, "fake")


def test_streaming_bodies_are_compressed_whatever_their_size() -> None:
    op = _model(False).operation_model("Upload")
    stream = io.BytesIO(b"pre|tiny")
    stream.seek(4)
    request = HttpRequest(method="POST", url="https://x/", headers={"Content-Encoding": "identity"}, body=stream)
    out = maybe_compress(op, request, disabled=False, min_size=1048576)
    # Unknown encodings are skipped; gzip is appended to an existing Content-Encoding.
    assert out.headers["Content-Encoding"] == "identity,gzip"
    assert gzip.decompress(out.body) == b"tiny"
    assert stream.tell() == 4  # a seekable stream is left where it was


def test_streams_that_require_a_length_are_not_compressed() -> None:
    op = _model(True).operation_model("Upload")
    assert not should_compress(op, io.BytesIO(b"x" * 100000), disabled=False, min_size=1)


def test_iterables_are_not_compressible() -> None:
    op = _model(False).operation_model("Upload")
    assert not should_compress(op, iter([b"a"]), disabled=False, min_size=1)


def test_gzip_is_deterministic() -> None:
    assert gzip_body(b"abc" * 100) == gzip_body(bytearray(b"abc" * 100)) == gzip_body("abc" * 100)
    assert gzip_body(io.BytesIO(b"abc" * 100)) == gzip_body(io.BytesIO(b"abc" * 100))
    for packed in (gzip_body(b"abc"), gzip_body(io.BytesIO(b"abc"))):
        assert packed[4:8] == b"\0\0\0\0" and gzip.decompress(packed) == b"abc"
