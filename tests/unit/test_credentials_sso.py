"""SSO with the portal and SSO-OIDC stubbed at the CallService effect: the token cache,
refresh through CreateToken, and the errors that say which ``aws sso login`` to run."""
from __future__ import annotations

import hashlib
import json
import os
import stat
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.credentials
import pytest

import squall
from squall.credentials import (
    SSOTokenLoadError, TokenRetrievalError, UnauthorizedSSOTokenError,
)
from squall.credentials._effects import CallService
from squall.exceptions import ClientError
from squall.runtime._credential_io import SyncCredentialIO

START_URL = "https://d-123.awsapps.com/start"


def iso(minutes: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


class StubSso:
    def __init__(self) -> None:
        self.calls: list[CallService] = []
        self.unauthorized = False
        self.refresh_fails = False

    def __call__(self, effect: CallService) -> Any:
        self.calls.append(effect)
        assert effect.credentials is None  # SSO calls are unsigned
        if effect.operation == "GetRoleCredentials":
            if self.unauthorized:
                raise ClientError({"Error": {"Code": "UnauthorizedException", "Message": "no"}}, "GetRoleCredentials")
            p = effect.params
            return {"roleCredentials": {
                "accessKeyId": f"SSO-{p['accountId']}-{p['roleName']}-{p['accessToken']}",
                "secretAccessKey": "sso-secret", "sessionToken": "sso-token",
                "expiration": int(time.time() * 1000) + 3600_000,
            }}
        if effect.operation == "CreateToken":
            if self.refresh_fails:
                raise ClientError({"Error": {"Code": "InvalidGrantException", "Message": "no"}}, "CreateToken")
            return {"accessToken": "refreshed-access", "expiresIn": 28800, "refreshToken": "refresh-2",
                    "tokenType": "Bearer"}
        raise AssertionError(effect)


def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, stub: StubSso) -> squall.session.Session:
    (tmp_path / "config").write_text(textwrap.dedent(config))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    session = squall.session.Session(profile_name="dev")
    session._cred_io = SyncCredentialIO(session, call_service=stub)
    return session


def token_path(name: str) -> Path:
    key = hashlib.sha1(name.encode()).hexdigest()
    return Path(os.environ["HOME"]) / ".aws" / "sso" / "cache" / f"{key}.json"


def write_token(name: str, **token: Any) -> Path:
    path = token_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(token))
    return path


LEGACY = f"""\
    [profile dev]
    sso_start_url = {START_URL}
    sso_region = eu-west-1
    sso_account_id = 123456789012
    sso_role_name = Admin
    """

SESSION = f"""\
    [profile dev]
    sso_session = corp
    sso_account_id = 123456789012
    sso_role_name = Admin
    [sso-session corp]
    sso_start_url = {START_URL}
    sso_region = eu-west-1
    sso_registration_scopes = sso:account:access
    """


def test_legacy_profile(tmp_path, monkeypatch) -> None:
    write_token(START_URL, accessToken="cached-access", expiresAt=iso(60), region="eu-west-1", startUrl=START_URL)
    stub = StubSso()
    creds = setup(tmp_path, monkeypatch, LEGACY, stub).get_credentials()
    assert creds.method == "sso" and stub.calls == []
    frozen = creds.get_frozen_credentials()
    assert frozen.access_key == "SSO-123456789012-Admin-cached-access"
    assert frozen.account_id == "123456789012"
    (call,) = stub.calls
    assert (call.service, call.region) == ("sso", "eu-west-1")
    # the role credentials land in the CLI cache under botocore's key
    fetcher = botocore.credentials.SSOCredentialFetcher(START_URL, "eu-west-1", "Admin", "123456789012",
                                                        client_creator=None)
    entry = Path(os.environ["HOME"]) / ".aws" / "cli" / "cache" / f"{fetcher._cache_key}.json"
    assert json.loads(entry.read_text())["Credentials"]["AccessKeyId"] == frozen.access_key
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_expired_legacy_token_says_to_log_in(tmp_path, monkeypatch) -> None:
    write_token(START_URL, accessToken="old", expiresAt=iso(-1))
    creds = setup(tmp_path, monkeypatch, LEGACY, StubSso()).get_credentials()
    with pytest.raises(UnauthorizedSSOTokenError, match="aws sso login --profile dev"):
        creds.get_frozen_credentials()


def test_missing_token_says_to_log_in(tmp_path, monkeypatch) -> None:
    creds = setup(tmp_path, monkeypatch, SESSION, StubSso()).get_credentials()
    with pytest.raises(SSOTokenLoadError) as info:
        creds.get_frozen_credentials()
    assert "Token for corp does not exist" in str(info.value)
    assert "run: aws sso login --profile dev" in str(info.value)


def test_unauthorized_role_call_says_to_log_in(tmp_path, monkeypatch) -> None:
    write_token(START_URL, accessToken="revoked", expiresAt=iso(60))
    stub = StubSso()
    stub.unauthorized = True
    creds = setup(tmp_path, monkeypatch, LEGACY, stub).get_credentials()
    with pytest.raises(UnauthorizedSSOTokenError, match="aws sso login --profile dev"):
        creds.get_frozen_credentials()


def test_sso_session_token_is_used_as_is_when_fresh(tmp_path, monkeypatch) -> None:
    write_token("corp", accessToken="fresh-access", expiresAt=iso(60), refreshToken="r", clientId="c",
                clientSecret="s", registrationExpiresAt=iso(60 * 24))
    stub = StubSso()
    creds = setup(tmp_path, monkeypatch, SESSION, stub).get_credentials()
    assert creds.access_key.endswith("-fresh-access")
    assert [c.operation for c in stub.calls] == ["GetRoleCredentials"]


def test_sso_session_token_near_expiry_is_refreshed_and_written_back(tmp_path, monkeypatch) -> None:
    path = write_token("corp", accessToken="old-access", expiresAt=iso(5), refreshToken="refresh-1",
                       clientId="client", clientSecret="csecret", registrationExpiresAt=iso(60 * 24),
                       region="eu-west-1", startUrl=START_URL)
    stub = StubSso()
    creds = setup(tmp_path, monkeypatch, SESSION, stub).get_credentials()
    assert creds.access_key.endswith("-refreshed-access")
    create, role = stub.calls
    assert (create.service, create.operation, create.region) == ("sso-oidc", "CreateToken", "eu-west-1")
    assert create.params == {"grantType": "refresh_token", "clientId": "client", "clientSecret": "csecret",
                             "refreshToken": "refresh-1"}
    written = json.loads(path.read_text())
    assert written["accessToken"] == "refreshed-access" and written["refreshToken"] == "refresh-2"
    assert written["expiresAt"].endswith("Z") and written["clientSecret"] == "csecret"
    assert set(written) == {"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
                            "registrationExpiresAt", "refreshToken"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_failed_refresh_of_an_expired_token(tmp_path, monkeypatch) -> None:
    write_token("corp", accessToken="old", expiresAt=iso(-1), refreshToken="r", clientId="c",
                clientSecret="s", registrationExpiresAt=iso(60))
    stub = StubSso()
    stub.refresh_fails = True
    creds = setup(tmp_path, monkeypatch, SESSION, stub).get_credentials()
    with pytest.raises(TokenRetrievalError, match="aws sso login --profile dev"):
        creds.get_frozen_credentials()


def test_failed_refresh_of_a_still_valid_token_uses_it(tmp_path, monkeypatch) -> None:
    write_token("corp", accessToken="still-good", expiresAt=iso(5), refreshToken="r", clientId="c",
                clientSecret="s", registrationExpiresAt=iso(60))
    stub = StubSso()
    stub.refresh_fails = True
    creds = setup(tmp_path, monkeypatch, SESSION, stub).get_credentials()
    assert creds.access_key.endswith("-still-good")


def test_expired_registration_is_not_refreshed(tmp_path, monkeypatch) -> None:
    write_token("corp", accessToken="old", expiresAt=iso(-1), refreshToken="r", clientId="c",
                clientSecret="s", registrationExpiresAt=iso(-1))
    stub = StubSso()
    creds = setup(tmp_path, monkeypatch, SESSION, stub).get_credentials()
    with pytest.raises(TokenRetrievalError):
        creds.get_frozen_credentials()
    assert stub.calls == []


def test_profile_and_session_must_agree(tmp_path, monkeypatch) -> None:
    config = SESSION.replace("sso_role_name = Admin\n", "sso_role_name = Admin\n    sso_region = us-east-1\n")
    with pytest.raises(squall.exceptions.InvalidConfigError, match="inconsistent between profile"):
        setup(tmp_path, monkeypatch, config, StubSso()).get_credentials()


def test_sso_keys_without_role_are_skipped_with_a_reason(tmp_path, monkeypatch) -> None:
    session = setup(tmp_path, monkeypatch, f"[profile dev]\nsso_start_url = {START_URL}\n", StubSso())
    assert session.get_credentials() is None
    assert dict(session._attempts)["sso"] == "profile dev has sso_start_url but no sso_account_id or sso_role_name"
