"""STS (query protocol) through squall, call for call against boto3, on moto's server."""
from __future__ import annotations

from typing import Any

import boto3

import squall
from _oracle import compare, record

ROLE = "arn:aws:iam::123456789012:role/deployer"


def sts_scenario(sts: Any, steps: list) -> None:
    record(steps, "whoami", lambda: sts.get_caller_identity())
    record(steps, "assume", lambda: sts.assume_role(
        RoleArn=ROLE, RoleSessionName="ci-run", DurationSeconds=900,
        Tags=[{"Key": "team", "Value": "a"}], ExternalId="ext-1"))
    record(steps, "session_token", lambda: sts.get_session_token(DurationSeconds=900))
    record(steps, "federation", lambda: sts.get_federation_token(
        Name="fed", DurationSeconds=900,
        Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'))
    # Sent unsigned (as botocore does): the token is the proof of identity.
    record(steps, "web_identity", lambda: sts.assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="web", WebIdentityToken="token-from-idp", DurationSeconds=900))
    record(steps, "bad_duration", lambda: sts.assume_role(
        RoleArn=ROLE, RoleSessionName="x", DurationSeconds=10))


def test_sts_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, sts_scenario, lambda: squall.session.Session().client("sts"),
                         lambda: boto3.session.Session().client("sts")))
    assert steps["whoami"]["Account"] == "123456789012"
    assert steps["assume"]["AssumedRoleUser"]["Arn"].endswith("deployer/ci-run")


def test_assumed_role_credentials_work(moto_env: str) -> None:
    sts = squall.session.Session().client("sts")
    creds = sts.assume_role(RoleArn=ROLE, RoleSessionName="s1")["Credentials"]
    assert creds["Expiration"].tzinfo is not None
    assumed = squall.session.Session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"]).client("sts")
    identity = assumed.get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/deployer/s1"
