"""SSO (portal + SSO-OIDC) and sign-in over real HTTP on loopback servers, through
squall's own rest-json clients; SSO compared with botocore against the same servers."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import botocore.credentials
import botocore.session
import pytest

import squall
from squall.credentials import LoginRefreshRequired, UnauthorizedSSOTokenError
from squall.protocols import supported_protocols

from _cred_servers import SigninServer, SsoServer

pytestmark = pytest.mark.skipif("rest-json" not in supported_protocols(),
                                reason="rest-json protocol (SSO, SSO-OIDC, sign-in) not available yet")

START_URL = "https://d-123.awsapps.com/start"


def iso(minutes: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def sso(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    with SsoServer() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", server.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", server.url)
        (tmp_path / "config").write_text(textwrap.dedent(f"""\
            [profile legacy]
            sso_start_url = {START_URL}
            sso_region = eu-west-1
            sso_account_id = 123456789012
            sso_role_name = Admin
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = ReadOnly
            [sso-session corp]
            sso_start_url = {START_URL}
            sso_region = eu-west-1
            """))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        yield server


def write_token(name: str, **token) -> Path:
    path = Path(os.environ["HOME"]) / ".aws" / "sso" / "cache" / (hashlib.sha1(name.encode()).hexdigest() + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(token))
    return path


def clear_cli_cache() -> None:
    cache = Path(os.environ["HOME"]) / ".aws" / "cli" / "cache"
    if cache.exists():
        for entry in cache.iterdir():
            entry.unlink()


def test_legacy_sso_profile_like_botocore(sso: SsoServer, monkeypatch) -> None:
    write_token(START_URL, accessToken="sso-access-token", expiresAt=iso(60), startUrl=START_URL, region="eu-west-1")
    ours = squall.session.Session(profile_name="legacy").get_credentials()
    assert ours.method == "sso"
    frozen = ours.get_frozen_credentials()
    assert frozen[:3] == ("SSOKEY-123456789012-Admin", "sso-secret", "sso-session-token")
    assert frozen.account_id == "123456789012"
    request = sso.requests[-1]
    assert request.path == "/federation/credentials"
    assert request.query == {"role_name": ["Admin"], "account_id": ["123456789012"]}
    assert request.headers["x-amz-sso_bearer_token"] == "sso-access-token"
    assert "authorization" not in request.headers  # unsigned
    clear_cli_cache()
    # botocore fixes its SSO cache directory at import time, from the real HOME
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR",
                        str(Path(os.environ["HOME"]) / ".aws" / "sso" / "cache"))
    theirs = botocore.session.Session(profile="legacy").get_credentials()
    assert theirs.method == "sso"
    assert tuple(theirs.get_frozen_credentials()) == tuple(frozen)


def test_sso_session_refresh_through_sso_oidc(sso: SsoServer) -> None:
    path = write_token("corp", accessToken="stale", expiresAt=iso(3), refreshToken="sso-refresh-token",
                       clientId="cid", clientSecret="csecret", registrationExpiresAt=iso(60 * 24 * 30),
                       startUrl=START_URL, region="eu-west-1")
    creds = squall.session.Session(profile_name="dev").get_credentials()
    assert creds.get_frozen_credentials().access_key == "SSOKEY-123456789012-ReadOnly"
    token_request = next(r for r in sso.requests if r.path == "/token")
    assert json.loads(token_request.body) == {"grantType": "refresh_token", "clientId": "cid",
                                              "clientSecret": "csecret", "refreshToken": "sso-refresh-token"}
    written = json.loads(path.read_text())
    assert written["accessToken"] == "sso-access-token-1" and written["refreshToken"] == "sso-refresh-token-1"
    assert sso.requests[-1].headers["x-amz-sso_bearer_token"] == "sso-access-token-1"


def test_revoked_token_says_to_log_in_again(sso: SsoServer) -> None:
    write_token(START_URL, accessToken="revoked", expiresAt=iso(60))
    creds = squall.session.Session(profile_name="legacy").get_credentials()
    with pytest.raises(UnauthorizedSSOTokenError, match="aws sso login --profile legacy"):
        creds.get_frozen_credentials()


# -- sign-in (aws login) ---------------------------------------------------------------------

def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def signin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    with SigninServer() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SIGNIN", server.url)
        monkeypatch.setenv("AWS_LOGIN_CACHE_DIRECTORY", str(tmp_path / "login"))
        (tmp_path / "config").write_text("[profile me]\nlogin_session = arn:aws:iam::123456789012:user/me\nregion = us-east-1\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        session_file = tmp_path / "login" / (hashlib.sha256(b"arn:aws:iam::123456789012:user/me").hexdigest() + ".json")
        session_file.parent.mkdir()
        session_file.write_text(json.dumps({
            "accessToken": {"accessKeyId": "LOGINOLDKEY", "secretAccessKey": "old", "sessionToken": "old-token",
                            "accountId": "123456789012", "expiresAt": iso(-10)},
            "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "rt-1", "idToken": "id",
            "dpopKey": pem,
        }))
        yield server, key, session_file


def test_login_refresh_with_a_dpop_proof(signin) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    server, key, session_file = signin
    creds = squall.session.Session(profile_name="me").get_credentials()
    assert creds.method == "login" and creds.current.access_key == "LOGINOLDKEY"
    assert creds.get_frozen_credentials() == ("LOGINNEWKEY", "login-new-secret", "login-new-token", "123456789012")
    (request,) = server.requests
    assert json.loads(request.body) == {"clientId": "arn:aws:signin:::devtools/same-device",
                                        "refreshToken": "rt-1", "grantType": "refresh_token"}
    assert "authorization" not in request.headers
    header_b64, payload_b64, sig_b64 = request.headers["dpop"].split(".")
    payload = json.loads(_b64d(payload_b64))
    assert payload["htm"] == "POST" and payload["htu"] == server.url + "/v1/token"
    raw = _b64d(sig_b64)
    key.public_key().verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                            f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    written = json.loads(session_file.read_text())
    assert written["refreshToken"] == "new-rt-1" and written["accessToken"]["accessKeyId"] == "LOGINNEWKEY"


def test_login_refresh_denied(signin) -> None:
    server, _, _ = signin
    server.status, server.error = 401, "TOKEN_EXPIRED"
    creds = squall.session.Session(profile_name="me").get_credentials()
    with pytest.raises(LoginRefreshRequired, match="aws login"):
        creds.get_frozen_credentials()
