"""assume-role and web identity through moto's STS (query protocol, squall's own clients),
compared with boto3: same provider, same role identity, and the AWS CLI cache."""
from __future__ import annotations

import json
import os
import stat
import textwrap
from pathlib import Path

import boto3
import pytest

import squall
from squall.protocols import supported_protocols

from _cred_servers import ImdsServer

pytestmark = pytest.mark.skipif("query" not in supported_protocols(), reason="query protocol (STS) not available yet")

ROLE = "arn:aws:iam::123456789012:role/{}"


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, credentials: str = "") -> None:
    (tmp_path / "config").write_text(textwrap.dedent(config))
    (tmp_path / "credentials").write_text(textwrap.dedent(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def identity(session) -> dict:
    sts = session.client("sts", region_name="us-east-1")
    found = sts.get_caller_identity()
    return {"Account": found["Account"], "Arn": found["Arn"]}


def test_assume_role_via_source_profile_chain(moto_env: str, tmp_path, monkeypatch) -> None:
    configure(tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('dev')}
        source_profile = mid
        role_session_name = dev-session
        [profile mid]
        role_arn = {ROLE.format('mid')}
        source_profile = base
        role_session_name = mid-session
        region = us-east-1
        """, credentials="[base]\naws_access_key_id = AKIABASEEXAMPLE00001\naws_secret_access_key = base-secret\n")
    ours = squall.session.Session(profile_name="dev", region_name="us-east-1")
    theirs = boto3.session.Session(profile_name="dev", region_name="us-east-1")
    creds = ours.get_credentials()
    assert creds.method == theirs.get_credentials().method == "assume-role"
    frozen = creds.get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA") and frozen.token
    assert frozen.account_id == "123456789012"
    assert identity(ours) == identity(theirs) == {
        "Account": "123456789012", "Arn": "arn:aws:sts::123456789012:assumed-role/dev/dev-session"}
    # both roles went to the AWS CLI cache, readable by the CLI (0600, botocore's key)
    cache = Path(os.environ["HOME"]) / ".aws" / "cli" / "cache"
    entries = sorted(cache.iterdir())
    assert len(entries) == 2
    for entry in entries:
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
        assert json.loads(entry.read_text())["Credentials"]["AccessKeyId"].startswith("ASIA")
    # another Session reuses the cached set
    again = squall.session.Session(profile_name="dev", region_name="us-east-1").get_credentials()
    assert again.get_frozen_credentials() == frozen


def test_assume_role_with_credential_source_imds(moto_env: str, tmp_path, monkeypatch) -> None:
    configure(tmp_path, monkeypatch, f"""\
        [profile dev]
        role_arn = {ROLE.format('from-imds')}
        credential_source = Ec2InstanceMetadata
        role_session_name = ec2
        """)
    with ImdsServer() as imds:
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED")
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
        session = squall.session.Session(profile_name="dev", region_name="us-east-1")
        assert identity(session)["Arn"] == "arn:aws:sts::123456789012:assumed-role/from-imds/ec2"
        assert "credential_source Ec2InstanceMetadata" in session.get_credentials().source


def test_web_identity_from_environment(moto_env: str, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE.format("web"))
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pod")
    ours = squall.session.Session(region_name="us-east-1")
    theirs = boto3.session.Session(region_name="us-east-1")
    assert ours.get_credentials().method == theirs.get_credentials().method == "assume-role-with-web-identity"
    assert identity(ours)["Arn"] == identity(theirs)["Arn"]
    assert identity(ours)["Arn"].endswith(":assumed-role/web/pod")


def test_web_identity_from_profile(moto_env: str, tmp_path, monkeypatch) -> None:
    (tmp_path / "token").write_text("header.payload.sig")
    configure(tmp_path, monkeypatch, f"""\
        [profile web]
        web_identity_token_file = {tmp_path / 'token'}
        role_arn = {ROLE.format('webprofile')}
        role_session_name = s1
        """)
    ours = squall.session.Session(profile_name="web", region_name="us-east-1")
    theirs = boto3.session.Session(profile_name="web", region_name="us-east-1")
    assert ours.get_credentials().method == theirs.get_credentials().method
    assert identity(ours) == identity(theirs)
