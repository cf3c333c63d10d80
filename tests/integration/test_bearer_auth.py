"""Bearer-token auth on the wire, compared with botocore: CodeCatalyst with the profile's
SSO token (refreshed through a loopback SSO-OIDC) and Bedrock with ``AWS_BEARER_TOKEN_BEDROCK``.

squall sends through its own transport to a loopback server that records what arrives;
botocore's request is taken at ``before-send`` (short-circuited, nothing sent). Both must
carry the same method, path, query, body and headers, ``Authorization: Bearer ...`` included.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import textwrap
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import botocore.config
import botocore.exceptions
import botocore.session
import botocore.tokens
import pytest
from botocore.awsrequest import AWSResponse

import squall
from squall.config import Config
from squall.credentials import SSOTokenLoadError, TokenRetrievalError
from squall.exceptions import InvalidConfigError, NoAuthTokenError

from _cred_servers import LoopbackServer, Received, SsoServer, iso_in

START_URL = "https://d-123.awsapps.com/start"
VOLATILE = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-date"}
TRANSPORT = {"host", "accept-encoding", "connection", "content-length"}  # added by the HTTP layer
KEYS = {"AWS_ACCESS_KEY_ID": "AKIDBEARERTEST", "AWS_SECRET_ACCESS_KEY": "bearer-test-secret"}


class ApiServer(LoopbackServer):
    """Answers CodeCatalyst and Bedrock Runtime calls with small valid bodies."""

    def respond(self, received: Received) -> tuple[int, dict[str, str], bytes]:
        if received.path.endswith("/invoke"):
            return 200, {"Content-Type": "application/json"}, b'{"completion": "hi"}'
        if received.path.endswith("/converse"):
            return 200, {"Content-Type": "application/json"}, json.dumps({
                "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
                "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
                "metrics": {"latencyMs": 5}}).encode()
        if received.path == "/userDetails":
            return 200, {"Content-Type": "application/json"}, json.dumps({
                "userId": "u-1", "userName": "me", "displayName": "Me"}).encode()
        return 200, {"Content-Type": "application/json"}, b'{"items": [{"name": "space", "regionName": "us-west-2"}]}'


@pytest.fixture
def api():
    with ApiServer() as server:
        yield server


@pytest.fixture
def sso(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    with SsoServer() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", server.url)
        (tmp_path / "config").write_text(textwrap.dedent(f"""\
            [default]
            sso_session = corp
            region = us-west-2
            [profile legacy]
            sso_start_url = {START_URL}
            sso_region = eu-west-1
            [profile ghost]
            sso_session = nowhere
            [sso-session corp]
            sso_start_url = {START_URL}
            sso_region = eu-west-1
            """))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        # botocore fixes its SSO token cache directory at import time, from the real HOME
        monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR",
                            str(Path(os.environ["HOME"]) / ".aws" / "sso" / "cache"))
        yield server


def write_token(minutes: float, access: str = "sso-access-token", **extra: Any) -> Path:
    path = Path(os.environ["HOME"]) / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    token = {"startUrl": START_URL, "region": "eu-west-1", "accessToken": access, "expiresAt": iso_in(minutes * 60)}
    token.update(extra)
    path.write_text(json.dumps(token))
    return path


REFRESHABLE = {"refreshToken": "sso-refresh-token", "clientId": "cid", "clientSecret": "csecret"}


def refreshable() -> dict[str, str]:
    return {**REFRESHABLE, "registrationExpiresAt": iso_in(30 * 86400)}


# -- the two sides ---------------------------------------------------------------------------

def squall_call(server: ApiServer, service: str, method: str, params: dict[str, Any],
                config: Config | None = None, **session_kwargs: Any) -> dict[str, Any]:
    session = squall.session.Session(**session_kwargs)
    with session.client(service, region_name="us-west-2", endpoint_url=server.url, config=config) as client:
        before = len(server.requests)
        result = getattr(client, method)(**params)
    received = server.requests[before]
    query = "&".join(f"{k}={v}" for k, values in sorted(received.query.items()) for v in values)
    return {"method": received.method, "path": received.path, "query": query, "body": received.body,
            "headers": {k: v for k, v in received.headers.items() if k not in VOLATILE}, "result": result}


def botocore_call(server: ApiServer, service: str, method: str, params: dict[str, Any],
                  config: botocore.config.Config | None = None, profile: str | None = None) -> dict[str, Any]:
    session = botocore.session.Session(profile=profile)
    client = session.create_client(service, region_name="us-west-2", endpoint_url=server.url, config=config)
    captured: list[dict[str, Any]] = []

    def before_send(request: Any, **_: Any) -> Any:
        parts = urlsplit(request.url)
        body = request.body or b""
        captured.append({"method": request.method, "path": parts.path, "query": parts.query,
                         "body": body.encode() if isinstance(body, str) else bytes(body),
                         "headers": {k.lower(): (v.decode() if isinstance(v, bytes) else v)
                                     for k, v in request.headers.items() if k.lower() not in VOLATILE}})
        return AWSResponse(request.url, 200, {}, None)

    client.meta.events.register("before-send", before_send)
    try:
        getattr(client, method)(**params)
    except Exception:  # noqa: BLE001 - the short-circuit answer may not parse; the request is what counts
        if not captured:
            raise
    return captured[0]


def assert_same_wire(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    for key in ("method", "path", "query"):
        assert ours[key] == theirs[key], key
    if theirs["body"].startswith(b"{"):
        assert json.loads(ours["body"]) == json.loads(theirs["body"])
    else:
        assert ours["body"] == theirs["body"]
    for name, value in theirs["headers"].items():
        assert ours["headers"].get(name) == value, name
    assert set(ours["headers"]) - set(theirs["headers"]) <= TRANSPORT, ours["headers"]


def scheme(headers: dict[str, str]) -> str:
    return headers.get("authorization", "none").split(" ")[0]


# -- CodeCatalyst: the profile's SSO token -------------------------------------------------------

@pytest.mark.parametrize("method,params", [
    ("list_spaces", {}),
    ("get_user_details", {"userName": "mary"}),
    ("list_projects", {"spaceName": "space", "filters": [{"key": "hasAccessTo", "values": ["true"]}]}),
])
def test_codecatalyst_sends_the_sso_token_like_botocore(api: ApiServer, sso: SsoServer, method: str,
                                                         params: dict[str, Any]) -> None:
    write_token(60)
    ours = squall_call(api, "codecatalyst", method, params)
    theirs = botocore_call(api, "codecatalyst", method, params)
    assert ours["headers"]["authorization"] == "Bearer sso-access-token"
    assert_same_wire(ours, theirs)
    assert "x-amz-security-token" not in ours["headers"] and sso.issued == 0
    assert ours["result"]["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_codecatalyst_refreshes_a_token_near_expiry_through_sso_oidc(api: ApiServer, sso: SsoServer) -> None:
    path = write_token(3, access="stale", **refreshable())
    ours = squall_call(api, "codecatalyst", "list_spaces", {})
    assert ours["headers"]["authorization"] == "Bearer sso-access-token-1"
    token_request = next(r for r in sso.requests if r.path == "/token")
    assert json.loads(token_request.body) == {"grantType": "refresh_token", "clientId": "cid",
                                              "clientSecret": "csecret", "refreshToken": "sso-refresh-token"}
    written = json.loads(path.read_text())
    assert written["accessToken"] == "sso-access-token-1" and written["refreshToken"] == "sso-refresh-token-1"
    assert written["registrationExpiresAt"] and oct(path.stat().st_mode & 0o777) == "0o600"
    # botocore, from the same stale token, refreshes the same way (the server's second token)
    write_token(3, access="stale", **refreshable())
    theirs = botocore_call(api, "codecatalyst", "list_spaces", {})
    assert theirs["headers"]["authorization"] == "Bearer sso-access-token-2"
    assert json.loads(sso.requests[-1].body) == json.loads(token_request.body)


def test_one_sso_token_per_session_shared_by_its_clients(api: ApiServer, sso: SsoServer) -> None:
    write_token(3, access="stale", **refreshable())
    session = squall.session.Session()
    for _ in range(2):
        with session.client("codecatalyst", endpoint_url=api.url) as client:
            client.list_spaces()
            client.get_user_details(userName="mary")
    assert sso.issued == 1
    assert {r.headers["authorization"] for r in api.requests} == {"Bearer sso-access-token-1"}


def test_expired_token_whose_refresh_fails(api: ApiServer, sso: SsoServer) -> None:
    write_token(-5, access="expired", **{**refreshable(), "refreshToken": "revoked"})
    client = squall.session.Session().client("codecatalyst", endpoint_url=api.url)
    with pytest.raises(TokenRetrievalError, match="Token has expired and refresh failed") as ours:
        client.list_spaces()
    assert "aws sso login" in str(ours.value) and api.requests == []
    with pytest.raises(botocore.exceptions.TokenRetrievalError):
        botocore_call(api, "codecatalyst", "list_spaces", {})


def test_token_in_the_advisory_window_is_used_when_refresh_fails(api: ApiServer, sso: SsoServer) -> None:
    write_token(12, access="sso-access-token", **{**refreshable(), "refreshToken": "revoked"})
    ours = squall_call(api, "codecatalyst", "list_spaces", {})
    theirs = botocore_call(api, "codecatalyst", "list_spaces", {})
    assert ours["headers"]["authorization"] == theirs["headers"]["authorization"] == "Bearer sso-access-token"


def test_missing_cached_token_says_how_to_log_in(api: ApiServer, sso: SsoServer) -> None:
    client = squall.session.Session().client("codecatalyst", endpoint_url=api.url)
    with pytest.raises(SSOTokenLoadError, match="aws sso login --profile default"):
        client.list_spaces()
    with pytest.raises(botocore.exceptions.SSOTokenLoadError):
        botocore_call(api, "codecatalyst", "list_spaces", {})


def test_missing_sso_session_section(api: ApiServer, sso: SsoServer) -> None:
    client = squall.session.Session(profile_name="ghost").client("codecatalyst", endpoint_url=api.url)
    with pytest.raises(InvalidConfigError, match='"nowhere" sso_session configuration does not exist'):
        client.list_spaces()
    with pytest.raises(botocore.exceptions.InvalidConfigError, match="nowhere"):
        botocore_call(api, "codecatalyst", "list_spaces", {}, profile="ghost")


def test_no_token_anywhere(api: ApiServer, sso: SsoServer) -> None:
    """A legacy SSO profile (sso_start_url, no sso_session) gives no token, as in botocore."""
    client = squall.session.Session(profile_name="legacy").client("codecatalyst", endpoint_url=api.url)
    with pytest.raises(NoAuthTokenError) as ours:
        client.list_spaces()
    text = str(ours.value)
    assert text.startswith("Unable to locate authorization token for codecatalyst ListSpaces (bearer auth)")
    assert "env: AWS_BEARER_TOKEN_CODECATALYST not set" in text
    assert "sso: profile legacy has no sso_session" in text
    assert str(pickle.loads(pickle.dumps(ours.value))) == text
    with pytest.raises(botocore.exceptions.NoAuthTokenError):
        botocore_call(api, "codecatalyst", "list_spaces", {}, profile="legacy")
    assert api.requests == []


def test_env_token_wins_over_sso_for_its_service(api: ApiServer, sso: SsoServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write_token(60)
    monkeypatch.setenv("AWS_BEARER_TOKEN_CODECATALYST", "env-codecatalyst-token")
    ours = squall_call(api, "codecatalyst", "list_spaces", {})
    theirs = botocore_call(api, "codecatalyst", "list_spaces", {})
    assert ours["headers"]["authorization"] == "Bearer env-codecatalyst-token"
    assert_same_wire(ours, theirs)


def test_signature_version_in_code_signs_codecatalyst_with_sigv4(api: ApiServer, sso: SsoServer,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write_token(60)
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    ours = squall_call(api, "codecatalyst", "list_spaces", {}, config=Config(signature_version="v4"))
    theirs = botocore_call(api, "codecatalyst", "list_spaces", {}, config=botocore.config.Config(signature_version="v4"))
    assert scheme(ours["headers"]) == scheme(theirs["headers"]) == "AWS4-HMAC-SHA256"
    assert "/codecatalyst/aws4_request" in ours["headers"]["authorization"]


# -- Bedrock API keys: AWS_BEARER_TOKEN_BEDROCK -------------------------------------------------

CONVERSE = {"modelId": "anthropic.claude-3-haiku", "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "inferenceConfig": {"maxTokens": 10}}
INVOKE = {"modelId": "amazon.titan-text", "body": b'{"inputText": "hi"}', "contentType": "application/json",
          "accept": "application/json"}


@pytest.fixture
def bedrock_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def set_env(token: str | None = "bedrock-api-key-123", **extra: str) -> None:
        for name, value in {**KEYS, **extra}.items():
            monkeypatch.setenv(name, value)
        if token is not None:
            monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", token)
    return set_env


@pytest.mark.parametrize("method,params", [("converse", CONVERSE), ("invoke_model", INVOKE)])
def test_bedrock_runtime_with_an_api_key_like_botocore(api: ApiServer, bedrock_env: Callable[..., None],
                                                       method: str, params: dict[str, Any]) -> None:
    bedrock_env()
    ours = squall_call(api, "bedrock-runtime", method, params)
    theirs = botocore_call(api, "bedrock-runtime", method, params)
    assert ours["headers"]["authorization"] == "Bearer bedrock-api-key-123"
    assert_same_wire(ours, theirs)
    if method == "converse":
        assert ours["result"]["output"]["message"]["content"] == [{"text": "hi"}]
    else:
        assert ours["result"]["body"].read() == b'{"completion": "hi"}'


def test_bedrock_control_plane_uses_the_same_key(api: ApiServer, bedrock_env: Callable[..., None]) -> None:
    bedrock_env()
    ours = squall_call(api, "bedrock", "list_foundation_models", {})
    theirs = botocore_call(api, "bedrock", "list_foundation_models", {})
    assert ours["headers"]["authorization"] == "Bearer bedrock-api-key-123"
    assert_same_wire(ours, theirs)


# (token set?, squall Config kwargs, extra env) -> both libraries must pick the same scheme
SELECTION = [
    (True, {}, {}),
    (False, {}, {}),
    (True, {"signature_version": "v4"}, {}),  # set in code: SigV4 wins
    (True, {"signature_version": "bearer"}, {}),
    (True, {"auth_scheme_preference": "sigv4"}, {}),  # a preference set in code: SigV4
    (True, {"auth_scheme_preference": "httpBearerAuth,sigv4"}, {}),
    (True, {}, {"AWS_AUTH_SCHEME_PREFERENCE": "sigv4"}),  # from the environment: the key still wins
    (False, {}, {"AWS_AUTH_SCHEME_PREFERENCE": "sigv4a,sigv4"}),
]


@pytest.mark.parametrize("token,config,env", SELECTION)
def test_bedrock_scheme_selection_matches_botocore(api: ApiServer, bedrock_env: Callable[..., None], token: bool,
                                                   config: dict[str, str], env: dict[str, str]) -> None:
    bedrock_env("bedrock-api-key-123" if token else None, **env)
    ours = squall_call(api, "bedrock-runtime", "converse", CONVERSE, config=Config(**config))
    theirs = botocore_call(api, "bedrock-runtime", "converse", CONVERSE, config=botocore.config.Config(**config))
    assert scheme(ours["headers"]) == scheme(theirs["headers"])
    if scheme(ours["headers"]) == "Bearer":
        assert_same_wire(ours, theirs)
    else:
        assert "/bedrock/aws4_request" in ours["headers"]["authorization"]


def test_bearer_preferred_in_code_without_a_token(api: ApiServer, bedrock_env: Callable[..., None]) -> None:
    bedrock_env(None)
    client = squall.session.Session().client("bedrock-runtime", region_name="us-west-2", endpoint_url=api.url,
                                             config=Config(auth_scheme_preference="httpBearerAuth"))
    with pytest.raises(NoAuthTokenError, match="(?s)bedrock-runtime Converse.*AWS_BEARER_TOKEN_BEDROCK not set"):
        client.converse(**CONVERSE)
    with pytest.raises(botocore.exceptions.NoAuthTokenError):
        botocore_call(api, "bedrock-runtime", "converse", CONVERSE,
                      config=botocore.config.Config(auth_scheme_preference="httpBearerAuth"))
    assert api.requests == []


def test_other_services_ignore_bearer_variables(api: ApiServer, bedrock_env: Callable[..., None],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Only Bedrock turns an AWS_BEARER_TOKEN_<NAME> variable into bearer auth by itself."""
    bedrock_env()
    monkeypatch.setenv("AWS_BEARER_TOKEN_SQS", "sqs-token")
    ours = squall_call(api, "sqs", "list_queues", {})
    assert scheme(ours["headers"]) == "AWS4-HMAC-SHA256"


def test_explain_names_token_sources_without_secrets(api: ApiServer, sso: SsoServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_token(60)
    session = squall.session.Session()
    value, source = session.explain()["auth_token"]
    assert value == "sso (fetched on first use)" and "sso-session corp" in source and START_URL in source
    session.client("codecatalyst", endpoint_url=api.url).list_spaces()
    value, source = session.explain()["auth_token"]
    assert value.startswith("FrozenAuthToken(token=****") and "sso-access-token" not in repr(session.explain())
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-secret-key")
    value, source = squall.session.Session(profile_name="legacy").explain()["auth_token"]
    assert value == "env" and "AWS_BEARER_TOKEN_BEDROCK" in source and "bedrock-secret-key" not in source
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK")
    value, source = squall.session.Session(profile_name="legacy").explain()["auth_token"]
    assert value is None and "profile legacy has no sso_session" in source


def test_a_long_lived_session_refreshes_before_expiry(api: ApiServer, sso: SsoServer) -> None:
    """The Session's clock moves on: 13 minutes before expiry the next call refreshes
    (advisory window) and signs with the new token; botocore's windows."""
    from datetime import datetime, timedelta, timezone

    from squall.runtime._credential_io import SyncCredentialIO

    write_token(60, **refreshable())
    session = squall.session.Session()
    now = [datetime.now(timezone.utc)]
    session._cred_io = SyncCredentialIO(session, clock=lambda: now[0])
    client = session.client("codecatalyst", endpoint_url=api.url)
    client.list_spaces()
    now[0] += timedelta(minutes=40)  # 20 minutes left: still fresh, no file read, no refresh
    client.list_spaces()
    assert sso.issued == 0
    now[0] += timedelta(minutes=7)  # 13 minutes left
    client.list_spaces()
    assert sso.issued == 1
    assert [r.headers["authorization"] for r in api.requests] == [
        "Bearer sso-access-token", "Bearer sso-access-token", "Bearer sso-access-token-1"]


# -- presigning and what handlers see ----------------------------------------------------------

def test_presigning_a_bearer_call_is_refused_like_botocore(api: ApiServer, sso: SsoServer) -> None:
    write_token(60)
    ours = squall.session.Session().client("codecatalyst", region_name="us-west-2", endpoint_url=api.url)
    theirs = botocore.session.Session().create_client("codecatalyst", region_name="us-west-2",
                                                      endpoint_url=api.url)
    with pytest.raises(botocore.exceptions.UnsupportedSignatureVersionError) as expected:
        theirs.generate_presigned_url("list_spaces", Params={})
    with pytest.raises(squall.exceptions.UnsupportedSignatureVersionError) as raised:
        ours.generate_presigned_url("list_spaces", Params={})
    assert str(raised.value) == str(expected.value)


def test_choose_signer_and_before_sign_see_bearer(api: ApiServer, sso: SsoServer) -> None:
    write_token(60)
    seen: dict[str, list[Any]] = {"ours": [], "theirs": []}
    ours = squall.session.Session().client("codecatalyst", region_name="us-west-2", endpoint_url=api.url)
    ours.meta.events.register("choose-signer", lambda signature_version, **_: seen["ours"].append(
        ("choose-signer", signature_version)))
    ours.meta.events.register("before-sign", lambda signature_version=None, **_: seen["ours"].append(
        ("before-sign", signature_version)))
    ours.list_spaces()
    theirs = botocore.session.Session().create_client("codecatalyst", region_name="us-west-2",
                                                      endpoint_url=api.url)
    theirs.meta.events.register("choose-signer", lambda signature_version, **_: seen["theirs"].append(
        ("choose-signer", signature_version)))
    theirs.meta.events.register("before-sign", lambda signature_version=None, **_: seen["theirs"].append(
        ("before-sign", signature_version)))
    theirs.meta.events.register("before-send", lambda **_: AWSResponse(api.url, 200, {}, None))
    with pytest.raises(AttributeError):  # the short-circuit answer has no body to parse; signing is done
        theirs.list_spaces()
    assert seen["ours"] == seen["theirs"]
    assert ("choose-signer", "bearer") in seen["ours"] and ("before-sign", "bearer") in seen["ours"]
