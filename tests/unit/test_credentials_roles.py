"""assume-role and web identity with STS stubbed at the CallService effect: source
profile chains, credential_source, MFA, the AWS CLI cache (keys computed as botocore does)."""
from __future__ import annotations

import json
import os
import stat
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import botocore.credentials
import pytest

import squall
from squall.credentials import RefreshableCredentials, RefreshWithMFAUnsupportedError
from squall.credentials._effects import CallService
from squall.exceptions import ClientError, CredentialRetrievalError
from squall.runtime._credential_io import SyncCredentialIO

ROLE = "arn:aws:iam::123456789012:role/{}"


class StubAws:
    """Answers CallService effects from handlers keyed by (service, operation)."""

    def __init__(self, **handlers: Callable[[CallService], Any]) -> None:
        self.handlers = handlers
        self.calls: list[CallService] = []

    def __call__(self, effect: CallService) -> Any:
        self.calls.append(effect)
        return self.handlers[effect.operation](effect)


def assume_role_answer(effect: CallService, minutes: int = 60) -> dict[str, Any]:
    arn = effect.params["RoleArn"]
    role = arn.rsplit("/", 1)[-1]
    account = arn.split(":")[4]
    caller = effect.credentials.access_key if effect.credentials else "unsigned"
    return {
        "Credentials": {
            "AccessKeyId": f"ASIA-{role}-via-{caller}", "SecretAccessKey": f"secret-{role}",
            "SessionToken": f"token-{role}",
            "Expiration": datetime.now(timezone.utc) + timedelta(minutes=minutes),
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": f"arn:aws:sts::{account}:assumed-role/{role}/s"},
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }


def session_with(stub: StubAws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str,
                 credentials: str = "", profile: str | None = "dev", prompter: Any = None) -> squall.session.Session:
    (tmp_path / "config").write_text(textwrap.dedent(config))
    (tmp_path / "credentials").write_text(textwrap.dedent(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    session = squall.session.Session(profile_name=profile, region_name="us-east-1")
    session._cred_io = SyncCredentialIO(session, call_service=stub, prompter=prompter)
    return session


def cache_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    return Path(os.environ["HOME"]) / ".aws" / "cli" / "cache"


def test_source_profile_chain_of_three(tmp_path, monkeypatch) -> None:
    stub = StubAws(AssumeRole=assume_role_answer)
    session = session_with(stub, tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        source_profile = mid
        role_session_name = me
        external_id = ext-1
        duration_seconds = 1800
        [profile mid]
        role_arn = {ROLE.format('mid')}
        source_profile = base
        """, credentials="[base]\naws_access_key_id = AKBASE\naws_secret_access_key = skbase\n")
    creds = session.get_credentials()
    assert creds.method == "assume-role" and stub.calls == []  # deferred until used
    frozen = creds.get_frozen_credentials()
    assert frozen.access_key == "ASIA-dev-via-ASIA-mid-via-AKBASE"
    assert frozen.account_id == "123456789012"
    mid_call, dev_call = stub.calls
    assert mid_call.credentials.access_key == "AKBASE" and mid_call.params["RoleArn"] == ROLE.format("mid")
    assert mid_call.params["RoleSessionName"].startswith("botocore-session-")
    assert dev_call.params == {"RoleArn": ROLE.format("dev"), "RoleSessionName": "me", "ExternalId": "ext-1",
                               "DurationSeconds": 1800}
    assert dev_call.region == "us-east-1"
    assert "source_profile mid via assume-role" in creds.source


def test_credential_source_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "skenv")
    stub = StubAws(AssumeRole=assume_role_answer)
    session = session_with(stub, tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        credential_source = Environment
        """)
    assert session.get_credentials().access_key == "ASIA-dev-via-AKENV"


def test_credential_source_without_credentials(tmp_path, monkeypatch) -> None:
    session = session_with(StubAws(), tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        credential_source = EcsContainer
        """)
    with pytest.raises(CredentialRetrievalError, match="No credentials found in credential_source referenced in profile dev"):
        session.get_credentials()


def test_mfa_prompts_once_and_cannot_refresh(tmp_path, monkeypatch) -> None:
    prompts: list[str] = []

    def prompter(message: str) -> str:
        prompts.append(message)
        return "123456"

    stub = StubAws(AssumeRole=lambda e: assume_role_answer(e, minutes=5))  # expires soon
    session = session_with(stub, tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        source_profile = base
        mfa_serial = arn:aws:iam::123456789012:mfa/me
        [profile base]
        aws_access_key_id = AKBASE
        aws_secret_access_key = skbase
        """, prompter=prompter)
    creds = session.get_credentials()
    assert creds.get_frozen_credentials().access_key == "ASIA-dev-via-AKBASE"
    # that set expires in 5 minutes (the mandatory window): refreshing would need a new code
    with pytest.raises(RefreshWithMFAUnsupportedError):
        creds.get_frozen_credentials()
    assert prompts == ["Enter MFA code for arn:aws:iam::123456789012:mfa/me: "]
    assert stub.calls[0].params["TokenCode"] == "123456"
    assert stub.calls[0].params["SerialNumber"] == "arn:aws:iam::123456789012:mfa/me"


def test_mfa_prompter_can_be_replaced_on_the_session(tmp_path, monkeypatch) -> None:
    stub = StubAws(AssumeRole=assume_role_answer)
    session = session_with(stub, tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        source_profile = base
        mfa_serial = serial-1
        [profile base]
        aws_access_key_id = AKBASE
        aws_secret_access_key = skbase
        """)
    session.set_mfa_prompter(lambda message: "654321")
    session.get_credentials().get_frozen_credentials()
    assert stub.calls[0].params["TokenCode"] == "654321"


def botocore_cache_key(role_arn: str, extra: dict[str, Any]) -> str:
    fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
        client_creator=None, source_credentials=None, role_arn=role_arn, extra_args=dict(extra), cache={},
    )
    return fetcher._cache_key


@pytest.mark.parametrize("extra", [
    {}, {"RoleSessionName": "me"}, {"ExternalId": "x", "DurationSeconds": 900},
    {"SerialNumber": "arn:aws:iam::1:mfa/u", "RoleSessionName": "s"},
    {"Policy": json.dumps({"b": 1, "a": [1, 2]})},
])
def test_cache_key_is_botocores(extra: dict[str, Any]) -> None:
    from squall.credentials.cache import assume_role_cache_key

    kwargs = {"RoleArn": ROLE.format("dev"), **extra}
    ours = assume_role_cache_key(kwargs, generated_session_name="RoleSessionName" not in extra)
    assert ours == botocore_cache_key(ROLE.format("dev"), extra)


def test_web_identity_key_is_botocores(tmp_path) -> None:
    from squall.credentials.cache import assume_role_cache_key

    fetcher = botocore.credentials.AssumeRoleWithWebIdentityCredentialFetcher(
        client_creator=None, web_identity_token_loader=None, role_arn=ROLE.format("web"),
        extra_args={"RoleSessionName": "pod"}, cache={},
    )
    ours = assume_role_cache_key({"RoleArn": ROLE.format("web"), "RoleSessionName": "pod"}, generated_session_name=False)
    assert ours == fetcher._cache_key


def test_results_are_shared_through_the_cli_cache(tmp_path, monkeypatch) -> None:
    config = f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        source_profile = base
        role_session_name = me
        [profile base]
        aws_access_key_id = AKBASE
        aws_secret_access_key = skbase
        """
    stub = StubAws(AssumeRole=assume_role_answer)
    first = session_with(stub, tmp_path, monkeypatch, config).get_credentials().get_frozen_credentials()
    key = botocore_cache_key(ROLE.format("dev"), {"RoleSessionName": "me"})
    entry = cache_dir(monkeypatch) / f"{key}.json"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    cached = json.loads(entry.read_text())
    assert cached["Credentials"]["AccessKeyId"] == first.access_key
    assert cached["Credentials"]["Expiration"].endswith("UTC")  # botocore's JSONFileCache format
    assert cached["Credentials"]["AccountId"] == "123456789012"
    # botocore's fetcher, given the CLI's cache, reads squall's entry
    boto_cache = botocore.utils.JSONFileCache(str(cache_dir(monkeypatch)))
    fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
        client_creator=None, source_credentials=None, role_arn=ROLE.format("dev"),
        extra_args={"RoleSessionName": "me"}, cache=boto_cache,
    )
    assert fetcher.fetch_credentials()["access_key"] == first.access_key
    # a second Session (another process) uses the cache: no STS call
    stub2 = StubAws(AssumeRole=assume_role_answer)
    second = session_with(stub2, tmp_path, monkeypatch, config).get_credentials().get_frozen_credentials()
    assert second == first and stub2.calls == []
    # an entry within 15 minutes of expiry is not used
    cached["Credentials"]["Expiration"] = (datetime.now(timezone.utc) + timedelta(minutes=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry.write_text(json.dumps(cached))
    stub3 = StubAws(AssumeRole=assume_role_answer)
    session_with(stub3, tmp_path, monkeypatch, config).get_credentials().get_frozen_credentials()
    assert len(stub3.calls) == 1


def test_corrupt_cache_entry_is_ignored(tmp_path, monkeypatch) -> None:
    config = f"[profile dev]\nrole_arn = {ROLE.format('dev')}\nsource_profile = base\nrole_session_name = me\n" \
             "[profile base]\naws_access_key_id = AKBASE\naws_secret_access_key = skbase\n"
    key = botocore_cache_key(ROLE.format("dev"), {"RoleSessionName": "me"})
    cache_dir(monkeypatch).mkdir(parents=True)
    (cache_dir(monkeypatch) / f"{key}.json").write_text("{not json")
    stub = StubAws(AssumeRole=assume_role_answer)
    assert session_with(stub, tmp_path, monkeypatch, config).get_credentials().access_key.startswith("ASIA-dev")
    assert len(stub.calls) == 1


def test_sts_error_propagates_with_chain_context(tmp_path, monkeypatch) -> None:
    def deny(effect: CallService) -> Any:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "AssumeRole")

    session = session_with(StubAws(AssumeRole=deny), tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        source_profile = base
        [profile base]
        aws_access_key_id = AKBASE
        aws_secret_access_key = skbase
        """)
    creds = session.get_credentials()
    with pytest.raises(ClientError, match="AccessDenied"):
        creds.get_frozen_credentials()


def test_web_identity_from_environment_unsigned_and_token_reread(tmp_path, monkeypatch) -> None:
    token = tmp_path / "token"
    token.write_text("jwt-1")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE.format("web"))
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pod-1")
    stub = StubAws(AssumeRoleWithWebIdentity=lambda e: assume_role_answer(e, minutes=5))
    session = session_with(stub, tmp_path, monkeypatch, "", profile=None)
    creds = session.get_credentials()
    assert creds.method == "assume-role-with-web-identity"
    assert "token file" in creds.source and "env AWS_WEB_IDENTITY_TOKEN_FILE" in creds.source
    first = creds.get_frozen_credentials()
    call = stub.calls[0]
    assert call.credentials is None  # unsigned
    assert call.params == {"RoleArn": ROLE.format("web"), "RoleSessionName": "pod-1", "WebIdentityToken": "jwt-1"}
    assert first.access_key == "ASIA-web-via-unsigned"
    token.write_text("jwt-2")  # rotated by the platform
    stub.handlers["AssumeRoleWithWebIdentity"] = assume_role_answer
    # the 5-minute set is in the mandatory window: the next use refreshes with the new token
    creds.get_frozen_credentials()
    assert stub.calls[-1].params["WebIdentityToken"] == "jwt-2"


def test_web_identity_env_ignored_for_an_explicit_profile(tmp_path, monkeypatch) -> None:
    token = tmp_path / "token"
    token.write_text("jwt")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE.format("web"))
    session = session_with(StubAws(), tmp_path, monkeypatch, "[profile dev]\nregion = us-east-1\n")
    assert session.get_credentials() is None
    reasons = dict(session._attempts)
    assert "AWS_WEB_IDENTITY_TOKEN_FILE ignored" in reasons["assume-role-with-web-identity"]


def test_web_identity_unreadable_token_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(tmp_path / "missing"))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE.format("web"))
    session = session_with(StubAws(), tmp_path, monkeypatch, "", profile=None)
    with pytest.raises(CredentialRetrievalError, match="cannot read web identity token file"):
        session.get_credentials().get_frozen_credentials()
