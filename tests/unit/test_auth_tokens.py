"""Bearer tokens without a network: refresh windows and single flight (botocore's
DeferredRefreshableToken), the env provider, and which calls sign with a token
(botocore's choose-signer handlers as the oracle)."""
from __future__ import annotations

import itertools
import logging
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import botocore.auth
import botocore.config
import botocore.handlers
import pytest
from botocore.args import ClientConfigString

from squall.credentials._effects import Flow, Now
from squall.credentials._errors import TokenRetrievalError
from squall.credentials.tokens import (
    EnvTokenProvider, FrozenAuthToken, RefreshableToken, env_token_variable,
)
from squall.runtime._auth_schemes import AuthSettings, signing_properties
from squall.runtime._context import ResolvedEndpoint
from squall.runtime._credential_io import SyncCredentialIO

from test_credentials_refresh import T0, Clock


class Refresher:
    """Each refresh returns token-N valid for ``lifetime`` seconds (or fails); ``calls`` counts them."""

    def __init__(self, lifetime: float = 3600, fail: bool = False, delay: float = 0.0) -> None:
        self.lifetime, self.fail, self.delay = lifetime, fail, delay
        self._numbers = itertools.count(1)  # next() on a count is atomic: safe from threads
        self.started: list[int] = []

    @property
    def calls(self) -> int:
        return len(self.started)

    def __call__(self) -> Flow[FrozenAuthToken]:
        number = next(self._numbers)
        self.started.append(number)
        now = yield Now()
        time.sleep(self.delay)
        if self.fail:
            raise TokenRetrievalError(provider="test", error_msg="refresh failed")
        return FrozenAuthToken(f"token-{number}", now + timedelta(seconds=self.lifetime))


def bound(clock: Clock, refresher: Refresher) -> RefreshableToken:
    io = SyncCredentialIO(clock=clock)
    return RefreshableToken(method="test", refresh=refresher).bind(io.run, clock)


def test_first_use_fetches_and_a_fresh_token_is_reused() -> None:
    clock, refresher = Clock(), Refresher()
    token = bound(clock, refresher)
    assert token.current is None and refresher.calls == 0  # nothing fetched until used
    assert token.get_frozen_token().token == "token-1"
    clock.advance(3600 - 16 * 60)  # 16 minutes left: still fresh
    assert token.get_frozen_token().token == "token-1" and refresher.calls == 1


def test_advisory_window_refreshes_and_keeps_the_old_token_on_failure(caplog: pytest.LogCaptureFixture) -> None:
    clock, refresher = Clock(), Refresher()
    token = bound(clock, refresher)
    token.get_frozen_token()
    clock.advance(3600 - 12 * 60)  # 12 minutes left: advisory
    refresher.fail = True
    with caplog.at_level(logging.WARNING, "squall.credentials"):
        assert token.get_frozen_token().token == "token-1"
    assert "advisory refresh period" in caplog.text and "token-1" not in caplog.text
    assert refresher.calls == 2
    clock.advance(30)  # botocore tries at most once a minute
    assert token.get_frozen_token().token == "token-1" and refresher.calls == 2
    refresher.fail = False
    clock.advance(31)
    assert token.get_frozen_token().token == "token-3"


def test_mandatory_window_failure_raises() -> None:
    clock, refresher = Clock(), Refresher()
    token = bound(clock, refresher)
    token.get_frozen_token()
    clock.advance(3600 - 5 * 60)
    refresher.fail = True
    with pytest.raises(TokenRetrievalError, match="refresh failed"):
        token.get_frozen_token()


def test_a_refreshed_token_that_is_already_expired_is_refused() -> None:
    clock = Clock()
    token = bound(clock, Refresher(lifetime=-1))
    with pytest.raises(TokenRetrievalError, match="Token has expired and refresh failed"):
        token.get_frozen_token()


def test_a_token_without_expiry_never_refreshes() -> None:
    clock, refresher = Clock(), Refresher()
    token = RefreshableToken(method="t", refresh=lambda: _forever(refresher)).bind(SyncCredentialIO(clock=clock).run, clock)
    token.get_frozen_token()
    clock.advance(10 * 365 * 86400)
    assert token.get_frozen_token() == FrozenAuthToken("forever") and refresher.calls == 1


def _forever(refresher: Refresher) -> Flow[FrozenAuthToken]:
    refresher.started.append(0)
    return FrozenAuthToken("forever")
    yield  # pragma: no cover


def test_single_flight_under_threads() -> None:
    clock, refresher = Clock(), Refresher(delay=0.05)
    token = bound(clock, refresher)
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(token.get_frozen_token().token)) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refresher.calls == 1 and set(seen) == {"token-1"} and len(seen) == 32


def test_unbound_token_says_so() -> None:
    with pytest.raises(RuntimeError, match="bound"):
        RefreshableToken(method="t", refresh=Refresher()).get_frozen_token()


def test_reprs_hide_the_token() -> None:
    frozen = FrozenAuthToken("very-secret-token", T0)
    token = RefreshableToken(method="sso", refresh=Refresher(), source="somewhere")
    texts = [repr(frozen), str(frozen), repr(token)]
    assert all("very-secret-token" not in text for text in texts)
    assert frozen.token == "very-secret-token" and tuple(frozen) == ("very-secret-token", T0)


@pytest.mark.parametrize("signing_name", ["bedrock", "codecatalyst", "my-service", "a b"])
def test_env_variable_names_match_botocore(signing_name: str) -> None:
    from botocore.utils import _get_bearer_env_var_name

    assert env_token_variable(signing_name) == _get_bearer_env_var_name(signing_name)


def test_env_provider() -> None:
    provider = EnvTokenProvider({"AWS_BEARER_TOKEN_BEDROCK": "k", "AWS_BEARER_TOKEN_EMPTY": ""})
    assert provider.load("bedrock") == FrozenAuthToken("k")
    assert provider.load("sqs").reason == "AWS_BEARER_TOKEN_SQS not set"
    assert provider.load("empty").reason == "AWS_BEARER_TOKEN_EMPTY is empty"
    assert provider.load(None).reason.startswith("no service signing name")
    assert provider.names() == ["AWS_BEARER_TOKEN_BEDROCK"]


# -- which calls sign with a token: botocore's choose-signer handlers as the oracle -------------

def _context(metadata: dict[str, Any], auth: AuthSettings, signing_name: str) -> Any:
    model = SimpleNamespace(metadata=metadata, service_name="svc")
    return SimpleNamespace(auth=auth, service_model=model, signing_name=signing_name, region_name="us-east-1")


def _botocore_choice(op: dict[str, Any], metadata: dict[str, Any], config: dict[str, str],
                     env_preference: str | None, signing_name: str) -> str:
    """What botocore signs with: the client's signature version, then choose-signer."""
    version = config.get("signature_version")
    if version is None:
        auth = metadata.get("auth")
        version = botocore.auth.resolve_auth_type(auth) if auth else metadata.get("signatureVersion")
    else:
        version = ClientConfigString(version)
    preference = config.get("auth_scheme_preference")
    preference = ClientConfigString(preference) if preference else env_preference
    client_config = botocore.config.Config(signature_version=version, auth_scheme_preference=preference)
    if op.get("auth") and preference:
        auth_type = botocore.auth.resolve_auth_scheme_preference(preference.split(","), op["auth"])
    elif op.get("auth"):
        auth_type = botocore.auth.resolve_auth_type(op["auth"])
    else:
        auth_type = op.get("authtype")
    context = {"auth_type": auth_type, "client_config": client_config, "auth_options": metadata.get("auth")}
    for handler in (botocore.handlers.set_operation_specific_signer,
                    botocore.handlers._set_auth_scheme_preference_signer):
        chosen = handler(context=context, signing_name=signing_name)
        if chosen is not None:
            return str(chosen)
    return str(version)


BEDROCK = {"auth": ["aws.auth#sigv4", "smithy.api#httpBearerAuth"], "signatureVersion": "v4"}
CODECATALYST = {"signatureVersion": "bearer"}
BEARER_FIRST = {"auth": ["smithy.api#httpBearerAuth", "aws.auth#sigv4"], "signatureVersion": "v4"}
PLAIN = {"auth": ["aws.auth#sigv4"], "signatureVersion": "v4"}
CASES = [
    # (operation raw, service metadata, Config kwargs, preference from env/profile, token set, signing name)
    ({}, BEDROCK, {}, None, True, "bedrock"),
    ({}, BEDROCK, {}, None, False, "bedrock"),
    ({}, BEDROCK, {"signature_version": "v4"}, None, True, "bedrock"),
    ({}, BEDROCK, {"auth_scheme_preference": "sigv4"}, None, True, "bedrock"),
    ({}, BEDROCK, {"auth_scheme_preference": "httpBearerAuth"}, None, False, "bedrock"),
    ({}, BEDROCK, {}, "httpBearerAuth,sigv4", False, "bedrock"),
    ({}, BEDROCK, {}, "sigv4", True, "bedrock"),
    ({}, BEDROCK, {"signature_version": "v4"}, "httpBearerAuth", False, "bedrock"),
    ({}, BEDROCK, {}, None, True, "other"),  # only Bedrock's signing name takes env keys
    ({}, CODECATALYST, {}, None, False, "codecatalyst"),
    ({}, CODECATALYST, {"signature_version": "v4"}, None, False, "codecatalyst"),
    ({}, CODECATALYST, {}, "sigv4", False, "codecatalyst"),  # no auth list: the preference has nothing to reorder
    ({}, BEARER_FIRST, {}, None, False, "svc"),
    ({}, BEARER_FIRST, {}, "sigv4", False, "svc"),
    ({}, PLAIN, {"signature_version": "bearer"}, None, False, "svc"),
    ({"auth": ["smithy.api#httpBearerAuth"]}, PLAIN, {}, None, False, "svc"),
    ({"auth": ["aws.auth#sigv4", "smithy.api#httpBearerAuth"]}, PLAIN, {}, "httpBearerAuth", False, "svc"),
    ({"auth": ["aws.auth#sigv4", "smithy.api#httpBearerAuth"]}, BEDROCK, {}, None, True, "bedrock"),
    ({"authtype": "bearer"}, PLAIN, {}, None, False, "svc"),
    ({"authtype": "v4"}, CODECATALYST, {}, None, False, "codecatalyst"),
]


@pytest.mark.parametrize("op,metadata,config,env_preference,token,signing_name", CASES)
def test_bearer_choice_matches_botocore(monkeypatch: pytest.MonkeyPatch, op: dict[str, Any], metadata: dict[str, Any],
                                        config: dict[str, str], env_preference: str | None, token: bool,
                                        signing_name: str) -> None:
    env = {env_token_variable(signing_name): "key"} if token else {}
    monkeypatch.setattr("os.environ", env)  # botocore reads the token variable at call time
    expected = _botocore_choice(op, metadata, config, env_preference, signing_name) == "bearer"
    settings = {"auth_scheme_preference": env_preference}
    auth = AuthSettings.resolve(botocore.config.Config(**config), settings.get, env=env, signing_name=signing_name,
                                metadata=metadata)
    ctx = _context(metadata, auth, signing_name)
    props = signing_properties(ctx, ResolvedEndpoint(url="https://x"), SimpleNamespace(raw=op, name="Op"))
    assert (props.get("scheme") == "bearer") == expected
    if expected:
        assert props["needed_by"] == "svc Op"


def test_endpoint_auth_schemes_win_over_bearer() -> None:
    auth = AuthSettings(signature_version="bearer", set_in_code=True, service_bearer=True)
    ctx = _context(CODECATALYST, auth, "codecatalyst")
    endpoint = ResolvedEndpoint(url="https://x", properties={"authSchemes": [{"name": "sigv4", "signingName": "cc"}]})
    props = signing_properties(ctx, endpoint, SimpleNamespace(raw={}, name="Op"))
    assert "scheme" not in props and props["signing_name"] == "cc"
