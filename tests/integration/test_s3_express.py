"""S3 Express One Zone session auth on a loopback server, side by side with boto3.

A directory bucket (``name--usw2-az1--x-s3``) makes the rule set choose
``sigv4-s3express``: the client first calls CreateSession with its own keys, then signs
with the session's keys and sends ``x-amz-s3session-token``. Both libraries must send
the same requests (signatures compared at a frozen time) and reuse the session.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any
from unittest import mock

import boto3
import botocore.config
import pytest

import squall
from squall.config import Config
from squall.customizations.s3_express import ExpressSessionCache
from _fault_server import FaultServer, Reply

BUCKET = "mybkt--usw2-az1--x-s3"
WHEN = datetime.datetime(2024, 5, 1, 12, 30, 15)
SESSION = (b'<?xml version="1.0" encoding="UTF-8"?><CreateSessionResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
           b"<Credentials><SessionToken>SESSION-TOKEN</SessionToken><SecretAccessKey>session-secret</SecretAccessKey>"
           b"<AccessKeyId>ASIASESSION</AccessKeyId><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
           b"</CreateSessionResult>")
SESSION_OK = Reply(200, SESSION, {"Content-Type": "application/xml"})
PUT_OK = Reply(200, b"", {"ETag": '"e"'})
GET_OK = Reply(200, b"data", {"ETag": '"e"'})
SIGNED = {"authorization", "x-amz-s3session-token", "x-amz-security-token", "x-amz-content-sha256",
          "x-amz-date", "x-amz-checksum-crc32", "x-amz-create-session-mode", "x-amz-checksum-mode"}
CRED = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/")


def _squall(url: str, **config: Any) -> Any:
    client = squall.session.Session(region_name="us-west-2").client(
        "s3", endpoint_url=url, aws_access_key_id="AKIDBASE", aws_secret_access_key="base-secret",
        aws_session_token="BASE-TOKEN", config=Config(**config))
    client._context = dataclasses.replace(client._context, clock=lambda: WHEN.replace(tzinfo=datetime.timezone.utc))
    return client


def _boto3(url: str, **config: Any) -> Any:
    return boto3.session.Session(region_name="us-west-2").client(
        "s3", endpoint_url=url, aws_access_key_id="AKIDBASE", aws_secret_access_key="base-secret",
        aws_session_token="BASE-TOKEN", config=botocore.config.Config(**config))


def _wire(server: FaultServer) -> list[tuple[str, str, dict[str, str]]]:
    return [(r.method, r.path, {k: v for k, v in r.headers.items() if k in SIGNED}) for r in server.received]


def _both(script: list[Any], steps: Any, **config: Any) -> list[tuple[str, str, dict[str, str]]]:
    """Both libraries against one server (one Host, so the signatures must be equal)."""
    with FaultServer(list(script) * 2, default=Reply(500, b"unexpected")) as server, \
            mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        for make in (_squall, _boto3):
            client = make(server.url, **config)
            for step in steps:
                step(client)
        wire = _wire(server)
    half = len(wire) // 2
    assert wire[:half] == wire[half:]
    return wire[:half]


def test_create_session_then_session_signed_calls() -> None:
    wire = _both([SESSION_OK, PUT_OK, GET_OK], [
        lambda s3: s3.put_object(Bucket=BUCKET, Key="k", Body=b"data"),
        lambda s3: s3.get_object(Bucket=BUCKET, Key="k")["Body"].read(),
    ])
    assert [(m, p) for m, p, _ in wire] == [("GET", f"/{BUCKET}?session"), ("PUT", f"/{BUCKET}/k"),
                                            ("GET", f"/{BUCKET}/k")]
    create, put, get = (h for _, _, h in wire)
    assert CRED.search(create["authorization"]).groups() == ("AKIDBASE", "us-west-2", "s3express")
    assert create["x-amz-security-token"] == "BASE-TOKEN" and "x-amz-s3session-token" not in create
    for headers in (put, get):  # one session, reused
        assert CRED.search(headers["authorization"]).groups() == ("ASIASESSION", "us-west-2", "s3express")
        assert headers["x-amz-s3session-token"] == "SESSION-TOKEN"
        assert "x-amz-security-token" not in headers


def test_disabled_session_auth_signs_with_the_client_keys() -> None:
    wire = _both([PUT_OK], [lambda s3: s3.put_object(Bucket=BUCKET, Key="k", Body=b"data")],
                 s3={"disable_s3_express_session_auth": True})
    assert len(wire) == 1
    headers = wire[0][2]
    assert CRED.search(headers["authorization"]).groups() == ("AKIDBASE", "us-west-2", "s3express")
    assert "x-amz-s3session-token" not in headers


def test_disabled_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")
    with FaultServer([PUT_OK], default=Reply(500, b"unexpected")) as server:
        _squall(server.url).put_object(Bucket=BUCKET, Key="k", Body=b"data")
        assert [r.method for r in server.received] == ["PUT"]


def test_sessions_are_cached_per_bucket_and_renewed_before_expiry() -> None:
    with FaultServer([SESSION_OK, PUT_OK, SESSION_OK, PUT_OK, PUT_OK], default=Reply(500, b"unexpected")) as server:
        s3 = _squall(server.url)
        s3.put_object(Bucket=BUCKET, Key="a", Body=b"1")
        other = "other--usw2-az1--x-s3"
        s3.put_object(Bucket=other, Key="a", Body=b"1")
        s3.put_object(Bucket=BUCKET, Key="b", Body=b"1")
        assert [r.path for r in server.received] == [
            f"/{BUCKET}?session", f"/{BUCKET}/a", f"/{other}?session", f"/{other}/a", f"/{BUCKET}/b"]
    cache = ExpressSessionCache()
    expiry = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    stored = cache.store("b", "AK", {"AccessKeyId": "x", "SecretAccessKey": "s3cr3t", "SessionToken": "t0k3n",
                                      "Expiration": expiry})
    assert "s3cr3t" not in repr(stored) and "t0k3n" not in repr(stored)
    assert cache.lookup("b", "AK", expiry - datetime.timedelta(minutes=5)) == (stored, False)
    assert cache.lookup("b", "AK", expiry - datetime.timedelta(seconds=30)) == (stored, True)  # advisory
    assert cache.lookup("b", "AK", expiry - datetime.timedelta(seconds=5)) == (None, True)  # mandatory
    assert cache.lookup("b", "OTHER", expiry) == (None, True)
