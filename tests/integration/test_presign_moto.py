"""Presigned URLs and POST forms made by squall, used with plain urllib3 against moto."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
import urllib3

import squall
from squall.protocols import supported_protocols

pytestmark = pytest.mark.skipif(
    "rest-xml" not in supported_protocols(), reason="protocol rest-xml not implemented yet")

KEYS = ["plain.txt", "dir/sub dir/ü€ 名前.txt", "a+b=c&d?e", "100%/~x"]


@pytest.fixture
def bucket(moto_env: str) -> str:
    name = f"presign-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def http() -> Any:
    pool = urllib3.PoolManager(retries=False, timeout=10)
    yield pool
    pool.clear()


def _s3() -> Any:
    return squall.session.Session().client("s3")


@pytest.mark.parametrize("key", KEYS)
def test_put_then_get_through_presigned_urls(bucket: str, key: str, http: Any) -> None:
    s3 = _s3()
    body = f"hello {key}".encode()
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
    put = http.request("PUT", put_url, body=body)
    assert put.status == 200, put.data
    # What boto3 sees is what the URL uploaded.
    stored = boto3.client("s3").get_object(Bucket=bucket, Key=key)
    assert stored["Body"].read() == body

    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    got = http.request("GET", get_url)
    assert got.status == 200 and got.data == body
    head = http.request("HEAD", s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, HttpMethod="HEAD"))
    assert head.status == 200 and int(head.headers["Content-Length"]) == len(body)


def test_signed_headers_must_be_sent(bucket: str, http: Any) -> None:
    s3 = _s3()
    url = s3.generate_presigned_url("put_object", Params={
        "Bucket": bucket, "Key": "typed.json", "ContentType": "application/json", "Metadata": {"owner": "me"}})
    assert "X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-meta-owner" in url
    put = http.request("PUT", url, body=b"{}", headers={
        "Content-Type": "application/json", "x-amz-meta-owner": "me"})
    assert put.status == 200, put.data
    head = boto3.client("s3").head_object(Bucket=bucket, Key="typed.json")
    assert head["ContentType"] == "application/json" and head["Metadata"] == {"owner": "me"}


def test_response_overrides_in_get_url(bucket: str, http: Any) -> None:
    boto3.client("s3").put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n")
    url = _s3().generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "report.csv",
        "ResponseContentDisposition": 'attachment; filename="r 1.csv"', "ResponseContentType": "text/csv"})
    # moto ignores the overrides (real S3 applies them); the signed query must still be accepted.
    assert "?response-content-disposition=attachment%3B%20filename%3D%22r%201.csv%22" \
        "&response-content-type=text%2Fcsv&X-Amz-Algorithm=" in url
    got = http.request("GET", url)
    assert got.status == 200 and got.data == b"a,b\n"


def test_same_url_as_boto3_for_the_same_moment(bucket: str) -> None:
    import contextlib
    from unittest import mock

    from botocore.config import Config as BotoConfig

    from squall.runtime.presign import generate_presigned_url

    moment = datetime(2024, 5, 17, 12, 34, 56, tzinfo=timezone.utc)
    params = {"Bucket": bucket, "Key": "dir/a b.txt"}
    with contextlib.ExitStack() as stack:
        for target in ("botocore.auth.get_current_datetime", "botocore.signers.get_current_datetime"):
            stack.enter_context(mock.patch(target, return_value=moment.replace(tzinfo=None)))
        expected = boto3.client("s3", config=BotoConfig(signature_version="s3v4")).generate_presigned_url(
            "get_object", Params=dict(params))
    assert generate_presigned_url(_s3(), "get_object", params, now=moment) == expected


@pytest.mark.parametrize("key", ["uploads/${filename}", "fixed/name.bin"])
def test_presigned_post_form_upload(bucket: str, key: str, http: Any) -> None:
    s3 = _s3()
    post = s3.generate_presigned_post(
        bucket, key, Fields={"Content-Type": "text/plain"},
        Conditions=[{"Content-Type": "text/plain"}, ["content-length-range", 1, 1024]], ExpiresIn=300)
    fields: dict[str, Any] = dict(post["fields"])
    fields["file"] = ("hello world.txt", b"posted body", "text/plain")  # S3 wants the file last
    response = http.request("POST", post["url"], fields=fields)
    assert response.status in (200, 201, 204), response.data
    stored_key = key.replace("${filename}", "hello world.txt")
    stored = boto3.client("s3").get_object(Bucket=bucket, Key=stored_key)
    assert stored["Body"].read() == b"posted body"
    assert post["url"].rstrip("/").endswith(bucket)
