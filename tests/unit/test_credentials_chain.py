"""The chain: botocore's order and method names, diagnostics, explain(), logging, and a
differential matrix against botocore for the providers that need no network."""
from __future__ import annotations

import json
import logging
import os
import stat
import sys
import textwrap
from pathlib import Path

import botocore.credentials
import botocore.exceptions
import botocore.session
import pytest

import squall
from squall.credentials import DEFAULT_ORDER, RefreshableCredentials
from squall.exceptions import InvalidConfigError, NoCredentialsError, PartialCredentialsError


def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str = "", credentials: str = "") -> None:
    (tmp_path / "config").write_text(textwrap.dedent(config))
    (tmp_path / "credentials").write_text(textwrap.dedent(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def botocore_methods(profile: str | None = None) -> list[str]:
    session = botocore.session.Session(profile=profile)
    return [p.METHOD for p in botocore.credentials.create_credential_resolver(session).providers]


def test_order_and_method_names_are_botocores(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config="[profile dev]\nregion = us-east-1\n")
    chain = squall.session.Session()._credential_chain()
    assert list(chain.methods) == list(DEFAULT_ORDER)
    assert list(chain.methods[1:]) == botocore_methods()  # squall adds "explicit" in front
    # a profile named explicitly: botocore drops env; squall keeps it, skipped with a reason
    named = squall.session.Session(profile_name="dev")._credential_chain()
    assert [m for m in named.methods[1:] if m != "env"] == botocore_methods("dev")


def test_deferred_providers_name_the_method_of_the_provider_they_make(tmp_path, monkeypatch) -> None:
    from squall.credentials.builder import ChainInputs
    from squall.credentials.process import DEFAULT_PROCESS_TIMEOUT

    write(tmp_path, monkeypatch, config="[profile dev]\nregion = us-east-1\n")
    chain = squall.session.Session(profile_name="dev")._credential_chain()
    made = [getattr(p, "provider", p) for p in chain.providers]  # forces every deferred one
    assert [p.method for p in made] == list(chain.methods) == list(DEFAULT_ORDER)
    assert all(type(p).__name__.endswith("Provider") for p in made)
    assert ChainInputs(env={}, profile_name="default", profile_explicit=False, profiles={}).process_timeout \
        == DEFAULT_PROCESS_TIMEOUT


def test_no_credentials_error_lists_every_provider_in_order(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config="[profile dev]\nregion = us-east-1\n")
    session = squall.session.Session(profile_name="dev")
    client = session.client("sqs", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(NoCredentialsError) as info:
        client.list_queues()
    message = str(info.value)
    positions = [message.index(f"- {m}: ") for m in DEFAULT_ORDER]
    assert positions == sorted(positions)
    assert "- env: skipped: profile 'dev' was named explicitly" in message
    assert "- sso: profile dev has no sso_start_url or sso_session" in message
    assert "- iam-role: disabled by AWS_EC2_METADATA_DISABLED" in message
    assert "- container-role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and" in message
    assert [m for m, _ in info.value.attempts] == list(DEFAULT_ORDER)
    assert session.get_credentials() is None


def test_a_failing_provider_reports_the_providers_before_and_after(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config="""\
        [profile dev]
        role_arn = arn:aws:iam::123456789012:role/r
        """)
    with pytest.raises(PartialCredentialsError) as info:
        squall.session.Session(profile_name="dev").get_credentials()
    message = str(info.value)
    assert message.startswith("Partial credentials found in assume-role, missing: source_profile or credential_source")
    assert "- env: skipped" in message and "- assume-role: failed (this error)" in message
    assert "not tried: assume-role-with-web-identity, sso" in message
    with pytest.raises(botocore.exceptions.PartialCredentialsError):  # botocore fails the same way
        botocore.session.Session(profile="dev").get_credentials()


def test_debug_log_names_the_provider_and_no_secret_is_logged(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVKEYEXAMPLE123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENV-SECRET-VALUE")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "ENV-TOKEN-VALUE")
    with caplog.at_level(logging.DEBUG, logger="squall"):
        creds = squall.session.Session().get_credentials()
    assert creds.method == "env"
    assert any("Found credentials with provider env" in r.getMessage() for r in caplog.records)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "ENV-SECRET-VALUE" not in text and "ENV-TOKEN-VALUE" not in text and "AKIAENVKEYEXAMPLE123" not in text


def test_explain_shows_winner_and_where_its_inputs_came_from(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, credentials="[default]\naws_access_key_id = AKIAFILEKEY12345\naws_secret_access_key = s3cr3t\n")
    value, source = squall.session.Session().explain()["credentials"]
    assert value == "shared-credentials-file AKIA****2345"
    assert source == f"{tmp_path / 'credentials'} [default] line 2"


def test_explain_does_not_fetch_deferred_credentials(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config="""\
        [profile dev]
        role_arn = arn:aws:iam::123456789012:role/r
        credential_source = Environment
        """)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVKEYEXAMPLE123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ENV-SECRET-VALUE")
    session = squall.session.Session(profile_name="dev")
    value, source = session.explain()["credentials"]
    assert value == "assume-role (fetched on first use)"
    assert "AssumeRole arn:aws:iam::123456789012:role/r" in source
    assert f"{tmp_path / 'config'} [profile dev] line 2" in source
    assert "credential_source Environment" in source
    creds = session.get_credentials()
    assert isinstance(creds, RefreshableCredentials) and creds.current is None


def test_explain_reports_a_broken_configuration(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config="[profile dev]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nope\n")
    value, source = squall.session.Session(profile_name="dev").explain()["credentials"]
    assert value is None and 'The source_profile "nope" referenced in the profile "dev" does not exist' in source


# -- differential matrix against botocore (no network needed) ---------------------------

def _script(tmp_path: Path, payload: dict) -> str:
    path = tmp_path / "cred helper.py"
    path.write_text(f"import json\nprint(json.dumps({payload!r}))\n")
    return f'"{sys.executable}" "{path}"'


MATRIX = {
    "env keys": dict(env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "skenv", "AWS_SESSION_TOKEN": "tkenv"},
                     credentials="[default]\naws_access_key_id = AKFILE\naws_secret_access_key = skfile\n"),
    "security token": dict(env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "skenv",
                                "AWS_SECURITY_TOKEN": "old", "AWS_SESSION_TOKEN": "new"}),
    "credentials file": dict(credentials="[default]\naws_access_key_id = AKFILE\naws_secret_access_key = skfile\n"
                                         "aws_session_token = tkfile\naws_account_id = 111122223333\n",
                             config="[default]\naws_access_key_id = AKCONF\naws_secret_access_key = skconf\n"),
    "config file": dict(config="[default]\naws_access_key_id = AKCONF\naws_secret_access_key = skconf\n"),
    "credentials file profile via AWS_PROFILE": dict(
        env={"AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "skenv"},
        credentials="[dev]\naws_access_key_id = AKDEV\naws_secret_access_key = skdev\n"),
    "explicit profile beats env": dict(
        profile="dev", env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "skenv"},
        config="[profile dev]\naws_access_key_id = AKDEV\naws_secret_access_key = skdev\n"),
    "credential_process": dict(config="[default]\ncredential_process = {process}\n",
                               process={"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "skproc",
                                        "SessionToken": "tkproc"}),
    "credential_process beats config keys": dict(
        config="[default]\ncredential_process = {process}\naws_access_key_id = AKCONF\naws_secret_access_key = skconf\n",
        process={"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "skproc", "AccountId": "444455556666"}),
    "process with expiration": dict(
        config="[default]\ncredential_process = {process}\n",
        process={"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "skproc", "SessionToken": "t",
                 "Expiration": "2999-01-01T00:00:00Z"}),
    "env expiration": dict(env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "skenv",
                                "AWS_CREDENTIAL_EXPIRATION": "2999-01-01T00:00:00Z", "AWS_ACCOUNT_ID": "123456789012"}),
    "assume-role is deferred": dict(config="[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                           "source_profile = base\n[profile base]\naws_access_key_id = AKB\n"
                                           "aws_secret_access_key = skb\n"),
    "web identity is deferred": dict(env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{tmp}/token",
                                          "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web"}),
    "web identity profile beats credentials file": dict(
        config="[default]\nweb_identity_token_file = {tmp}/token\nrole_arn = arn:aws:iam::123456789012:role/web\n",
        credentials="[default]\naws_access_key_id = AKFILE\naws_secret_access_key = skfile\n"),
    "sso is deferred": dict(config="[default]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
                                   "sso_account_id = 123456789012\nsso_role_name = Admin\n"),
    "ec2-credentials-file": dict(env={"AWS_CREDENTIAL_FILE": "{tmp}/ec2creds"}, ec2creds="AWSAccessKeyId=AKEC2\nAWSSecretKey=skec2\n"),
    "boto-config": dict(env={"BOTO_CONFIG": "{tmp}/boto.cfg"}, boto="[Credentials]\naws_access_key_id = AKBOTO\naws_secret_access_key = skboto\n"),
    "nothing": dict(),
}


@pytest.mark.parametrize("case", list(MATRIX))
def test_same_provider_and_keys_as_botocore(case: str, tmp_path, monkeypatch) -> None:
    spec = MATRIX[case]
    process = _script(tmp_path, spec["process"]) if "process" in spec else ""
    fill = lambda text: text.replace("{process}", process).replace("{tmp}", str(tmp_path))  # noqa: E731
    write(tmp_path, monkeypatch, fill(spec.get("config", "")), fill(spec.get("credentials", "")))
    (tmp_path / "token").write_text("web-identity-token")
    if "ec2creds" in spec:
        (tmp_path / "ec2creds").write_text(spec["ec2creds"])
    if "boto" in spec:
        (tmp_path / "boto.cfg").write_text(spec["boto"])
    for name, value in spec.get("env", {}).items():
        monkeypatch.setenv(name, fill(value))
    ours = squall.session.Session(profile_name=spec.get("profile")).get_credentials()
    theirs = botocore.session.Session(profile=spec.get("profile")).get_credentials()
    if theirs is None:
        assert ours is None
        return
    assert ours.method == theirs.method
    if isinstance(ours, RefreshableCredentials) and ours.current is None:
        assert type(theirs).__name__ == "DeferredRefreshableCredentials"
        return
    assert tuple(ours.get_frozen_credentials()) == tuple(theirs.get_frozen_credentials())
    assert isinstance(ours, RefreshableCredentials) == hasattr(theirs, "refresh_needed")


@pytest.mark.parametrize("config, error", [
    ("[profile dev]\nrole_arn = r\nsource_profile = a\ncredential_source = Environment\n", "contains both"),
    ("[profile dev]\nrole_arn = r\ncredential_source = environment\n", "is not valid"),
    ("[profile dev]\nrole_arn = r\nsource_profile = a\n[profile a]\nrole_arn = r\nsource_profile = dev\n", "Infinite loop"),
    ("[profile dev]\nrole_arn = r\nsource_profile = dev\n", "Infinite loop"),
    ("[profile dev]\nrole_arn = r\nsource_profile = a\n[profile a]\nregion = x\n", "must have credentials"),
    ("[profile dev]\nweb_identity_token_file = /x\n", "no role ARN configured"),
    ("[profile dev]\nsso_account_id = 1\n", "missing required configuration: sso_role_name, sso_start_url, sso_region"),
    ("[profile dev]\nsso_account_id = 1\nsso_session = s\n", 'sso-session does not exist: "s"'),
])
def test_configuration_errors_match_botocores(config: str, error: str, tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config=config)
    with pytest.raises(Exception) as ours:
        squall.session.Session(profile_name="dev").get_credentials()
    with pytest.raises(Exception) as theirs:
        botocore.session.Session(profile="dev").get_credentials()
    assert type(ours.value).__name__ == type(theirs.value).__name__
    assert error in str(ours.value) and error in str(theirs.value)
    if isinstance(theirs.value, botocore.exceptions.InvalidConfigError):
        assert isinstance(ours.value, InvalidConfigError)


def test_self_referencing_source_profile_with_static_keys_is_allowed(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, config=textwrap.dedent("""\
        [profile dev]
        role_arn = arn:aws:iam::123456789012:role/r
        source_profile = dev
        aws_access_key_id = AKSELF
        aws_secret_access_key = skself
        """))
    ours = squall.session.Session(profile_name="dev").get_credentials()
    theirs = botocore.session.Session(profile="dev").get_credentials()
    assert ours.method == theirs.method == "assume-role"


# -- aws_account_id and account_id_endpoint_mode reach the endpoint rules ------------------

def _botocore_endpoint(client) -> str:
    """The URL a ListTables call goes to (the account id is read per call, from its credentials)."""
    class Captured(Exception):
        pass

    def capture(request, **kwargs):
        raise Captured(request.url)

    client.meta.events.register("before-send.dynamodb.ListTables", capture)
    with pytest.raises(Captured) as info:
        client.list_tables()
    return str(info.value).rstrip("/")


_squall_endpoint = _botocore_endpoint  # squall's clients take the same before-send handler


@pytest.mark.parametrize("mode", [None, "preferred", "disabled", "required"])
def test_account_id_from_the_profile_reaches_the_endpoint(mode, tmp_path, monkeypatch) -> None:
    import boto3

    write(tmp_path, monkeypatch, credentials="[acct]\naws_access_key_id = AKIAACCOUNTEXAMPLE01\n"
                                             "aws_secret_access_key = s\naws_account_id = 111122223333\n")
    if mode is not None:
        monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", mode)
    ours = squall.session.Session(profile_name="acct", region_name="us-east-1").client("dynamodb")
    theirs = boto3.session.Session(profile_name="acct", region_name="us-east-1").client("dynamodb")
    expected = _botocore_endpoint(theirs)
    assert _squall_endpoint(ours) == expected
    assert expected == ("https://dynamodb.us-east-1.amazonaws.com" if mode == "disabled"
                        else "https://111122223333.ddb.us-east-1.amazonaws.com")


def test_account_id_from_env_and_session_argument(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAACCOUNTEXAMPLE01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_ACCOUNT_ID", "444455556666")
    client = squall.session.Session(region_name="us-east-1").client("dynamodb")
    assert _squall_endpoint(client) == "https://444455556666.ddb.us-east-1.amazonaws.com"
    explicit = squall.session.Session(aws_access_key_id="a", aws_secret_access_key="b", aws_account_id="777788889999",
                                      region_name="us-east-1").client("dynamodb")
    assert _squall_endpoint(explicit) == "https://777788889999.ddb.us-east-1.amazonaws.com"


def test_no_credentials_at_client_creation_is_not_an_error(tmp_path, monkeypatch) -> None:
    from squall.runtime._flow import prepare_request

    session = squall.session.Session(region_name="us-east-1")
    client = session.client("dynamodb")
    assert session._credentials is None and session._chain is None  # nothing resolved yet
    op = client._context.service_model.operation_model("ListTables")
    assert prepare_request(client._context, op, {})[1].url == "https://dynamodb.us-east-1.amazonaws.com"
    with pytest.raises(squall.exceptions.NoCredentialsError):  # the call reports it, when it signs
        client.list_tables()


@pytest.mark.parametrize("mode", [None, "preferred", "disabled", "required"])
@pytest.mark.parametrize("explicit", [False, True])
def test_dynamodb_endpoint_url_shown_as_boto3_and_client_resolves_no_credentials(mode, explicit, tmp_path, monkeypatch) -> None:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAACCOUNTEXAMPLE01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_ACCOUNT_ID", "444455556666")
    if mode is not None:
        monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", mode)
    keys = {"aws_access_key_id": "AKID", "aws_secret_access_key": "s", "aws_account_id": "111122223333"} \
        if explicit else {}
    session = squall.session.Session(region_name="us-east-1")
    ours = session.client("dynamodb", **keys)
    theirs = boto3.session.Session(region_name="us-east-1").client("dynamodb", **keys)
    assert ours.meta.endpoint_url == theirs.meta.endpoint_url == "https://dynamodb.us-east-1.amazonaws.com"
    assert session._credentials is None  # made without resolving the Session's credentials
    assert _squall_endpoint(ours) == _botocore_endpoint(theirs)


def test_missing_aws_credential_file_fails_like_botocore(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_CREDENTIAL_FILE", str(tmp_path / "missing"))
    with pytest.raises(squall.exceptions.ConfigNotFound):
        squall.session.Session().get_credentials()
    with pytest.raises(botocore.exceptions.ConfigNotFound):
        botocore.session.Session().get_credentials()
