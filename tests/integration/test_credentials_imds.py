"""IMDS over real HTTP on loopback (never 169.254.169.254): the IMDSv2 token flow, the v1
fallback rules, retries, timeouts, bad answers, expiry extension, region; compared with
botocore where it behaves the same."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import botocore.session
import pytest

import squall
import squall.config
from squall.credentials import ImdsConfig, InvalidIMDSEndpointError, InvalidIMDSEndpointModeError, \
    MetadataRetrievalError, RefreshableCredentials
from squall.credentials.imds import imds_endpoint_mode
from squall.runtime._credential_io import SyncCredentialIO

from _cred_servers import ImdsServer


@pytest.fixture
def imds(monkeypatch: pytest.MonkeyPatch):
    with ImdsServer() as server:
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url)
        yield server


def paths(server: ImdsServer) -> list[tuple[str, str, bool]]:
    return [(r.method, r.path, "x-aws-ec2-metadata-token" in r.headers) for r in server.requests]


def test_imdsv2_flow(imds: ImdsServer) -> None:
    creds = squall.session.Session().get_credentials()
    assert creds.method == "iam-role" and isinstance(creds, RefreshableCredentials)
    assert tuple(creds.get_frozen_credentials())[:3] == ("IMDSKEY1", "imds-secret", "imds-session-token")
    assert paths(imds) == [
        ("PUT", "/latest/api/token", False),
        ("GET", "/latest/meta-data/iam/security-credentials/", True),
        ("GET", "/latest/meta-data/iam/security-credentials/test-role", True),
    ]
    token_request = imds.requests[0]
    assert token_request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
    assert token_request.headers["user-agent"].startswith("squall/")
    assert creds.source.startswith(f"IMDSv2 {imds.url}") and creds.source.endswith("role test-role")
    # botocore takes the same path and gets the same answer
    imds.requests.clear()
    theirs = botocore.session.Session().get_credentials()
    assert theirs.method == "iam-role" and theirs.access_key == "IMDSKEY2"
    assert [(m, p, t) for m, p, t in paths(imds)] == [
        ("PUT", "/latest/api/token", False),
        ("GET", "/latest/meta-data/iam/security-credentials/", True),
        ("GET", "/latest/meta-data/iam/security-credentials/test-role", True),
    ]


@pytest.mark.parametrize("status", [403, 404, 405])
def test_v1_fallback_when_the_token_is_refused(imds: ImdsServer, status: int) -> None:
    imds.token_status = status
    imds.require_token = False
    creds = squall.session.Session().get_credentials()
    assert creds.access_key == "IMDSKEY1" and creds.source.startswith("IMDSv1")
    assert paths(imds)[1:] == [("GET", "/latest/meta-data/iam/security-credentials/", False),
                               ("GET", "/latest/meta-data/iam/security-credentials/test-role", False)]


def test_v1_disabled_is_an_error_like_botocore(imds: ImdsServer, monkeypatch) -> None:
    imds.token_status = 404
    monkeypatch.setenv("AWS_EC2_METADATA_V1_DISABLED", "true")
    with pytest.raises(MetadataRetrievalError, match="IMDSv1 has been disabled"):
        squall.session.Session().get_credentials()
    with pytest.raises(botocore.exceptions.MetadataRetrievalError):
        botocore.session.Session().get_credentials()


def test_token_400_gives_up(imds: ImdsServer) -> None:
    imds.token_status = 400
    session = squall.session.Session()
    assert session.get_credentials() is None
    assert "rejected the token request (400)" in dict(session._attempts)["iam-role"]
    assert botocore.session.Session().get_credentials() is None


def test_401_on_the_token_then_v1_refused(imds: ImdsServer) -> None:
    imds.token_status = 401  # neither a token nor a v1 signal; v1 GETs then get 401 too
    session = squall.session.Session()
    assert session.get_credentials() is None
    assert "status 401" in dict(session._attempts)["iam-role"]
    assert botocore.session.Session().get_credentials() is None


def test_slow_imds_times_out_and_is_skipped(imds: ImdsServer, monkeypatch) -> None:
    imds.delay = 1.5
    monkeypatch.setenv("AWS_METADATA_SERVICE_TIMEOUT", "1")
    started = time.monotonic()
    session = squall.session.Session()
    assert session.get_credentials() is None
    assert time.monotonic() - started < 6
    assert "Read timeout" in dict(session._attempts)["iam-role"]


def test_garbage_json_is_retried_then_skipped(imds: ImdsServer, monkeypatch) -> None:
    imds.credentials_body = b"{not json"
    monkeypatch.setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")
    session = squall.session.Session()
    assert session.get_credentials() is None
    assert "after 3 attempts" in dict(session._attempts)["iam-role"]
    assert sum(r.path.endswith("/test-role") for r in imds.requests) == 3
    imds.requests.clear()
    assert botocore.session.Session().get_credentials() is None
    assert sum(r.path.endswith("/test-role") for r in imds.requests) == 3


def test_error_document_is_skipped(imds: ImdsServer) -> None:
    imds.credentials_body = b'{"Code": "AssumeRoleUnauthorizedAccess", "Message": "not trusted"}'
    session = squall.session.Session()
    assert session.get_credentials() is None
    assert "AssumeRoleUnauthorizedAccess: not trusted" in dict(session._attempts)["iam-role"]


def test_retries_recover_within_num_attempts(imds: ImdsServer, monkeypatch) -> None:
    imds.fail_first = 2
    monkeypatch.setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")
    assert squall.session.Session().get_credentials().access_key == "IMDSKEY1"


def test_expired_credentials_get_their_expiry_extended(monkeypatch) -> None:
    with ImdsServer(expires_in=-60) as server:
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url)
        creds = squall.session.Session().get_credentials()
        left = (creds.expiry_time - datetime.now(timezone.utc)).total_seconds()
        assert 15 * 60 + 110 < left <= 25 * 60 + 5
        assert creds.get_frozen_credentials().access_key == "IMDSKEY1"  # usable, no refresh yet


def test_refresh_in_the_mandatory_window(imds: ImdsServer) -> None:
    session = squall.session.Session()
    now = [datetime.now(timezone.utc)]
    session._cred_io = SyncCredentialIO(session, clock=lambda: now[0])
    creds = session.get_credentials()
    assert creds.get_frozen_credentials().access_key == "IMDSKEY1"
    now[0] += timedelta(hours=6) - timedelta(minutes=8)  # 8 minutes left
    assert creds.get_frozen_credentials().access_key == "IMDSKEY2"


def test_endpoint_from_the_config_file(imds: ImdsServer, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
    (tmp_path / "config").write_text(f"[default]\nec2_metadata_service_endpoint = {imds.url}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    creds = squall.session.Session().get_credentials()
    assert creds.method == "iam-role"
    assert f"{tmp_path / 'config'} [default] line 2" in creds.source


def test_endpoint_selection_rules() -> None:
    assert ImdsConfig().base_url == "http://169.254.169.254/"
    assert ImdsConfig(endpoint_mode="ipv6").base_url == "http://[fd00:ec2::254]/"
    assert ImdsConfig(endpoint="http://127.0.0.1:1", endpoint_mode="ipv6").base_url == "http://127.0.0.1:1"
    assert ImdsConfig(endpoint="http://127.0.0.1:1").url("latest/api/token") == "http://127.0.0.1:1/latest/api/token"
    assert imds_endpoint_mode(None, True) == "ipv6" and imds_endpoint_mode("IPv4", True) == "ipv4"
    with pytest.raises(InvalidIMDSEndpointModeError):
        imds_endpoint_mode("ipv5", False)
    with pytest.raises(InvalidIMDSEndpointError):
        ImdsConfig(endpoint="not a url").base_url


def test_ipv6_setting_reaches_the_provider(monkeypatch) -> None:
    monkeypatch.setenv("AWS_IMDS_USE_IPV6", "true")
    from squall.runtime._credential_io import chain_inputs_for

    assert chain_inputs_for(squall.session.Session()).imds().base_url == "http://[fd00:ec2::254]/"  # asked when reached


def test_disabled_by_default_in_tests_and_says_so() -> None:
    session = squall.session.Session()
    assert session.get_credentials() is None
    assert dict(session._attempts)["iam-role"] == "disabled by AWS_EC2_METADATA_DISABLED"


def test_region_from_imds_for_defaults_mode_auto(imds: ImdsServer, monkeypatch) -> None:
    monkeypatch.setenv("AWS_DEFAULTS_MODE", "auto")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    session = squall.session.Session()
    value, source = session.explain()["defaults_mode (effective)"]
    assert value == "in-region" and "region from instance metadata" in source
    assert any(r.path == "/latest/meta-data/placement/availability-zone/" for r in imds.requests)


def test_config_defaults_mode_auto_asks_imds_once_per_session(imds: ImdsServer) -> None:
    # The instance's region is eu-west-3 (the fake IMDS's zone); these clients run elsewhere.
    session = squall.session.Session(region_name="us-east-2")
    first = session.client("sqs", config=squall.config.Config(defaults_mode="auto"))
    value, source = first.meta.explain()["defaults_mode"]
    assert value == "cross-region" and "region from instance metadata" in source
    asked = [r for r in imds.requests if r.path == "/latest/meta-data/placement/availability-zone/"]
    same = session.client("sqs", region_name="eu-west-3", config=squall.config.Config(defaults_mode="auto"))
    assert same.meta.explain()["defaults_mode"][0] == "in-region"
    again = [r for r in imds.requests if r.path == "/latest/meta-data/placement/availability-zone/"]
    assert len(asked) == len(again) == 1
