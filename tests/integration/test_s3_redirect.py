"""S3 region redirects on a loopback server, squall side by side with boto3.

The server answers as S3 does for a bucket in another region (301 + x-amz-bucket-region,
400 AuthorizationHeaderMalformed naming the region, a bare 400 to HEAD), then success.
Each library must send the same requests (method, path, the region in the signature's
scope, the body), return the same result, and remember the bucket's region.
"""
from __future__ import annotations

import io
import re
from typing import Any, Callable

import boto3
import botocore.config
import pytest

import squall
from squall.config import Config
from _fault_server import FaultServer, Reply

LISTING = (b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
           b"<Name>far</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>"
           b"<IsTruncated>false</IsTruncated></ListBucketResult>")


def _xml_error(code: str, extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>m</Message>'
            f"{extra}<RequestId>r</RequestId><HostId>h</HostId></Error>").encode()


MOVED = Reply(301, _xml_error("PermanentRedirect", "<Endpoint>far.s3.eu-west-1.amazonaws.com</Endpoint>"),
              {"x-amz-bucket-region": "eu-west-1", "Content-Type": "application/xml"})
LIST_OK = Reply(200, LISTING, {"Content-Type": "application/xml"})
PUT_OK = Reply(200, b"", {"ETag": '"abc"'})
HEAD_OK = Reply(200, b"", {"Content-Length": "0", "ETag": '"e"'})
SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/s3/aws4_request")


def _squall(url: str) -> Any:
    return squall.session.Session(region_name="us-west-2").client(
        "s3", endpoint_url=url, aws_access_key_id="a", aws_secret_access_key="b",
        config=Config(retries={"mode": "standard"}))


def _boto3(url: str) -> Any:
    return boto3.session.Session(region_name="us-west-2").client(
        "s3", endpoint_url=url, aws_access_key_id="a", aws_secret_access_key="b",
        config=botocore.config.Config(retries={"mode": "standard"}))


def _seen(server: FaultServer) -> list[tuple[str, str, str | None, bytes]]:
    out = []
    for r in server.received:
        found = SCOPE.search(r.headers.get("authorization", ""))
        out.append((r.method, r.path, found.group(1) if found else None, r.body))
    return out


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items() if k not in ("date", "server", "HTTPHeaders")}
    return value


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return _mask(call())
    except Exception as exc:
        return {"error": type(exc).__name__, "response": _mask(getattr(exc, "response", None))}


def _both(script: list[Any], steps: Callable[[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
    """Run ``steps`` with each library against its own server following ``script``."""
    results = []
    for make in (_squall, _boto3):
        with FaultServer(list(script), default=Reply(500, b"unexpected")) as server:
            client = make(server.url)
            outcome = [_outcome(step) for step in steps(client)]
            results.append((outcome, _seen(server)))
    (ours, our_wire), (theirs, their_wire) = results
    assert our_wire == their_wire
    assert ours == theirs
    return ours, our_wire


def test_301_with_region_header_is_retried_once_in_that_region_and_remembered() -> None:
    outcome, wire = _both([MOVED, LIST_OK, LIST_OK], lambda s3: [
        lambda: s3.list_objects_v2(Bucket="far"),
        lambda: s3.list_objects_v2(Bucket="far"),
    ])
    assert [w[2] for w in wire] == ["us-west-2", "eu-west-1", "eu-west-1"]
    assert outcome[0]["ResponseMetadata"]["RetryAttempts"] == 1
    assert outcome[1]["ResponseMetadata"]["RetryAttempts"] == 0


def test_authorization_header_malformed_names_the_region() -> None:
    wrong = Reply(400, _xml_error("AuthorizationHeaderMalformed", "<Region>ap-south-1</Region>"),
                  {"Content-Type": "application/xml"})
    _, wire = _both([wrong, LIST_OK], lambda s3: [lambda: s3.list_objects_v2(Bucket="far")])
    assert [w[2] for w in wire] == ["us-west-2", "ap-south-1"]


def test_bare_400_to_head_object_with_region_header() -> None:
    bare = Reply(400, b"", {"x-amz-bucket-region": "eu-central-1"})
    _, wire = _both([bare, HEAD_OK], lambda s3: [lambda: s3.head_object(Bucket="far", Key="k")])
    assert [(w[0], w[2]) for w in wire] == [("HEAD", "us-west-2"), ("HEAD", "eu-central-1")]


def test_bare_400_without_region_asks_head_bucket() -> None:
    bare = Reply(400, b"")
    bucket_region = Reply(200, b"", {"x-amz-bucket-region": "sa-east-1", "Content-Length": "0"})
    _, wire = _both([bare, bucket_region, HEAD_OK], lambda s3: [lambda: s3.head_object(Bucket="far", Key="k")])
    assert [(w[0], w[1], w[2]) for w in wire] == [
        ("HEAD", "/far/k", "us-west-2"), ("HEAD", "/far", "us-west-2"), ("HEAD", "/far/k", "sa-east-1")]


def test_only_one_redirect_per_call() -> None:
    outcome, wire = _both([MOVED, MOVED], lambda s3: [lambda: s3.list_objects_v2(Bucket="far")])
    assert len(wire) == 2
    assert outcome[0]["error"] == "ClientError"
    assert outcome[0]["response"]["Error"]["Code"] == "PermanentRedirect"


def test_upload_body_is_sent_again_whole() -> None:
    data = b"payload " * 2000
    _, wire = _both([MOVED, PUT_OK], lambda s3: [
        lambda: s3.put_object(Bucket="far", Key="k", Body=io.BytesIO(data))])
    assert wire[0][3] == wire[1][3] == data
    assert [w[2] for w in wire] == ["us-west-2", "eu-west-1"]


def test_create_bucket_illegal_location_is_not_redirected() -> None:
    illegal = Reply(400, _xml_error("IllegalLocationConstraintException"),
                    {"x-amz-bucket-region": "eu-west-1", "Content-Type": "application/xml"})
    outcome, wire = _both([illegal, illegal, LIST_OK], lambda s3: [
        lambda: s3.create_bucket(Bucket="far"),
        lambda: s3.list_objects_v2(Bucket="far"),
    ])
    assert len(wire) == 3 and outcome[0]["error"] == "ClientError"
    assert [w[2] for w in wire] == ["us-west-2", "us-west-2", "eu-west-1"]


@pytest.mark.parametrize("bucket", ["arn:aws:s3:us-west-2:123456789012:accesspoint/ap"])
def test_access_points_are_not_redirected(bucket: str) -> None:
    client = _squall("http://127.0.0.1:9")
    assert client._context.s3_regions is not None
    from squall.customizations.s3_redirect import is_arn, needs_redirect, splice_url

    assert is_arn(bucket)
    assert needs_redirect("GetObject", 307, {}, {"Error": {"Code": "TemporaryRedirect"}})
    assert not needs_redirect("CreateBucket", 400, {}, {"Error": {"Code": "IllegalLocationConstraintException"}})
    assert splice_url("https://a.s3.us-west-2.amazonaws.com/k?x=1", "http://a.s3.eu-west-1.amazonaws.com/ignored") \
        == "https://a.s3.eu-west-1.amazonaws.com/k?x=1"
