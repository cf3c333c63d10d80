"""No bearer token reaches a log record, a repr, an explanation or an error message.

Every ``squall`` logger runs at DEBUG while CodeCatalyst calls sign with an SSO token that
is refreshed through a loopback SSO-OIDC (and, in a second Session, fails to refresh in the
advisory window), Bedrock Runtime signs with an ``AWS_BEARER_TOKEN_BEDROCK`` key, and a call
without any token fails. (The fixtures are those of ``test_logging_audit``.)"""
from __future__ import annotations

import hashlib
import json
import os
import textwrap
from pathlib import Path

import pytest

import squall
from squall.config import Config
from squall.exceptions import NoAuthTokenError

from _cred_servers import SsoServer, iso_in
from test_logging_audit import Capture, assert_clean, logs, record_sent  # noqa: F401 - logs is a fixture
from test_bearer_auth import ApiServer

BEDROCK_KEY = "bedrock-api-key-AUDIT-0123456789abcdef"
CLIENT_SECRET = "sso-client-secret-AUDIT"


def _token_file(minutes: float, refresh_token: str) -> None:
    path = Path(os.environ["HOME"]) / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "startUrl": "https://d-123.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-access-token",
        "expiresAt": iso_in(minutes * 60), "clientId": "client-id", "clientSecret": CLIENT_SECRET,
        "registrationExpiresAt": iso_in(86400), "refreshToken": refresh_token}))


def test_bearer_tokens_stay_out_of_logs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, logs: Capture,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    with SsoServer() as sso, ApiServer() as api:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", sso.url)
        (tmp_path / "config").write_text(textwrap.dedent("""\
            [default]
            sso_session = corp
            region = us-west-2
            [profile none]
            region = us-west-2
            [sso-session corp]
            sso_start_url = https://d-123.awsapps.com/start
            sso_region = eu-west-1
            """))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        _token_file(3, "sso-refresh-token")  # near expiry: refreshed through SSO-OIDC
        session = squall.session.Session()
        codecatalyst = session.client("codecatalyst", endpoint_url=api.url, config=Config(retries={"mode": "standard"}))
        sent = record_sent(codecatalyst)
        codecatalyst.list_spaces()
        codecatalyst.get_user_details(userName="mary")
        assert sso.issued == 1 and sent[-1]["Authorization"] == "Bearer sso-access-token-1"
        _token_file(12, "revoked-refresh-token")  # advisory window, refresh refused: warned, old token used
        advisory = squall.session.Session()
        advisory.client("codecatalyst", endpoint_url=api.url).list_spaces()
        assert api.requests[-1].headers["authorization"] == "Bearer sso-access-token"

        monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEDROCK_KEY)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAAUDITBEARER")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "audit-bearer-secret-key")
        keyed = squall.session.Session(profile_name="none")
        bedrock = keyed.client("bedrock-runtime", endpoint_url=api.url)
        bedrock.converse(modelId="m", messages=[{"role": "user", "content": [{"text": "hi"}]}])
        assert api.requests[-1].headers["authorization"] == f"Bearer {BEDROCK_KEY}"
        monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK")
        with pytest.raises(NoAuthTokenError) as missing:
            squall.session.Session(profile_name="none").client("codecatalyst", endpoint_url=api.url).list_spaces()
        texts = [repr(session.explain()), repr(advisory.explain()), repr(keyed.explain()), str(missing.value),
                 repr(session.get_auth_token("codecatalyst")), repr(keyed.get_auth_token("bedrock")),
                 repr(session.get_auth_token("codecatalyst").get_frozen_token())]
    secrets = {"sso-access-token", "sso-access-token-1", "sso-refresh-token", "sso-refresh-token-1",
               "revoked-refresh-token", CLIENT_SECRET, BEDROCK_KEY, "audit-bearer-secret-key",
               *(headers["Authorization"] for headers in sent)}
    assert any("refresh attempt failed" in text for text in logs.texts)  # logged, without its secrets
    assert_clean(logs, capfd.readouterr().err + "\n".join(texts), secrets)
