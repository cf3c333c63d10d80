"""Container credentials (ECS, EKS Pod Identity) over real HTTP on loopback via
AWS_CONTAINER_CREDENTIALS_FULL_URI (the relative URI's 169.254.170.2 is never contacted)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import botocore.session
import pytest

import squall
from squall.credentials import ContainerHostNotAllowedError, ContainerProvider, RefreshableCredentials
from squall.credentials._effects import Fetch
from squall.credentials.container import check_full_uri
from squall.exceptions import CredentialRetrievalError
from squall.runtime._credential_io import SyncCredentialIO

from _cred_servers import ContainerServer, iso_in


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    with ContainerServer() as s:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", s.url + "/v2/credentials/abc")
        yield s


def no_sleep_session() -> squall.session.Session:
    session = squall.session.Session()
    session._cred_io = SyncCredentialIO(session, sleep=lambda seconds: None)
    return session


def test_full_uri_on_loopback(server: ContainerServer) -> None:
    server.account_id = "123456789012"
    creds = squall.session.Session().get_credentials()
    assert creds.method == "container-role" and isinstance(creds, RefreshableCredentials)
    assert tuple(creds.get_frozen_credentials()) == ("CONTAINERKEY1", "container-secret", "container-token",
                                                     "123456789012")
    (request,) = server.requests
    assert request.path == "/v2/credentials/abc" and request.headers["accept"] == "application/json"
    assert "authorization" not in request.headers
    assert creds.source == f"GET {server.url}/v2/credentials/abc (AWS_CONTAINER_CREDENTIALS_FULL_URI)"


def test_same_answer_as_botocore(server: ContainerServer) -> None:
    server.body = json.dumps({"AccessKeyId": "AKC", "SecretAccessKey": "skc", "Token": "tkc",
                              "Expiration": iso_in(3600), "AccountId": "111122223333"}).encode()
    ours = squall.session.Session().get_credentials()
    theirs = botocore.session.Session().get_credentials()
    assert ours.method == theirs.method == "container-role"
    assert tuple(ours.get_frozen_credentials()) == tuple(theirs.get_frozen_credentials())


def test_authorization_token_from_env(server: ContainerServer, monkeypatch) -> None:
    server.expected_token = "Bearer env-token"
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer env-token")
    assert squall.session.Session().get_credentials().access_key == "CONTAINERKEY1"


def test_token_file_wins_and_is_reread_on_refresh(server: ContainerServer, tmp_path, monkeypatch) -> None:
    token_file = tmp_path / "eks-pod-identity-token"
    token_file.write_text("pod-token-1")
    server.expected_token = "pod-token-1"
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(token_file))
    session = squall.session.Session()
    now = [datetime.now(timezone.utc)]
    session._cred_io = SyncCredentialIO(session, clock=lambda: now[0])
    creds = session.get_credentials()
    assert creds.get_frozen_credentials().access_key == "CONTAINERKEY1"
    token_file.write_text("pod-token-2")  # rotated
    server.expected_token = "pod-token-2"
    now[0] += timedelta(hours=6) - timedelta(minutes=5)
    assert creds.get_frozen_credentials().access_key == "CONTAINERKEY2"
    assert [r.headers["authorization"] for r in server.requests] == ["pod-token-1", "pod-token-2"]


def test_token_with_a_newline_is_refused(server: ContainerServer, monkeypatch) -> None:
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Evil: 1")
    with pytest.raises(CredentialRetrievalError, match="not a legal header value"):
        squall.session.Session().get_credentials()
    assert server.requests == []


@pytest.mark.parametrize("status, body, message", [
    (404, b'{"message": "not found"}', "Received non 200 response 404"),
    (500, b"oops", "Received non 200 response 500"),
    (200, b"<html>garbage", "Unable to parse JSON"),
])
def test_bad_answers_are_retried_then_an_error(server: ContainerServer, status: int, body: bytes, message: str) -> None:
    server.status, server.body = status, body
    with pytest.raises(CredentialRetrievalError, match=message) as info:
        no_sleep_session().get_credentials()
    assert len(server.requests) == 3
    assert "- container-role: failed (this error)" in str(info.value)
    assert "not tried: iam-role" in str(info.value)


def test_missing_fields(server: ContainerServer) -> None:
    server.body = json.dumps({"AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": iso_in(60)}).encode()
    with pytest.raises(CredentialRetrievalError, match="lacks a valid 'Token'"):
        squall.session.Session().get_credentials()


def test_slow_endpoint_times_out(server: ContainerServer) -> None:
    server.delay = 2.5
    with pytest.raises(CredentialRetrievalError, match="Read timeout"):
        no_sleep_session().get_credentials()


def test_waits_a_second_between_attempts(server: ContainerServer) -> None:
    server.status, server.body = 503, b""
    session = squall.session.Session()
    sleeps: list[float] = []
    session._cred_io = SyncCredentialIO(session, sleep=sleeps.append)
    with pytest.raises(CredentialRetrievalError):
        session.get_credentials()
    assert sleeps == [1.0, 1.0]


@pytest.mark.parametrize("url, allowed", [
    ("http://127.0.0.1:8080/x", True), ("http://127.1.2.3/x", True), ("http://[::1]/x", True),
    ("http://localhost/x", True), ("http://169.254.170.2/x", True), ("http://169.254.170.23/x", True),
    ("http://[fd00:ec2::23]/x", True), ("https://anything.example.com/x", True),
    ("http://example.com/x", False), ("http://10.0.0.1/x", False), ("http://169.254.169.254/x", False),
])
def test_full_uri_host_rules_match_botocore(url: str, allowed: bool) -> None:
    from botocore.utils import ContainerMetadataFetcher

    try:
        ContainerMetadataFetcher()._validate_allowed_url(url)
        theirs = True
    except ValueError:
        theirs = False
    try:
        check_full_uri(url)
        ours = True
    except ContainerHostNotAllowedError as exc:
        assert isinstance(exc, ValueError)  # botocore raises ValueError
        ours = False
    assert ours == theirs == allowed


def test_disallowed_host_is_never_contacted(monkeypatch) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds")
    with pytest.raises(ContainerHostNotAllowedError, match="Unsupported host 'example.com'"):
        squall.session.Session().get_credentials()


def test_relative_uri_targets_the_ecs_address_without_contacting_it() -> None:
    provider = ContainerProvider({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/xyz",
                                  "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/ignored"})
    flow = provider.load()
    effect = next(flow)
    assert isinstance(effect, Fetch)
    assert effect.request.url == "http://169.254.170.2/v2/credentials/xyz"
    assert effect.timeout == 2.0 and effect.env_proxies is False
    flow.close()
