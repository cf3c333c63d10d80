"""Secrets Manager and SSM Parameter Store (JSON protocol) through squall, call for call
against boto3, on moto's server."""
from __future__ import annotations

import re
from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record

# Secrets Manager appends six random characters to every secret's ARN.
_SECRET_SUFFIX = re.compile(r"(:secret:[^:\"]+)-[A-Za-z0-9]{6}\b")


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SECRET_SUFFIX.sub(r"\1-??????", value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def secrets_scenario(sm: Any, steps: list) -> None:
    def step(name: str, call: Any) -> Any:
        return record(steps, name, lambda: scrub(call()))

    step("create", lambda: sm.create_secret(
        Name="app/db", SecretString='{"user":"app","password":"pässwörd"}', Description="database",
        Tags=[{"Key": "team", "Value": "a"}], ClientRequestToken="11111111-1111-1111-1111-111111111111"))
    step("create_binary", lambda: sm.create_secret(Name="app/cert", SecretBinary=b"\x00\x01\xfe\xff"))
    step("get", lambda: sm.get_secret_value(SecretId="app/db"))
    step("get_binary", lambda: sm.get_secret_value(SecretId="app/cert"))
    step("describe", lambda: sm.describe_secret(SecretId="app/db"))
    step("put_version", lambda: sm.put_secret_value(
        SecretId="app/db", SecretString='{"user":"app","password":"new"}',
        ClientRequestToken="22222222-2222-2222-2222-222222222222"))
    step("versions", lambda: sm.list_secret_version_ids(SecretId="app/db"))
    step("previous", lambda: sm.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS"))
    step("list", lambda: sm.list_secrets(Filters=[{"Key": "name", "Values": ["app/"]}]))
    step("batch", lambda: sm.batch_get_secret_value(SecretIdList=["app/db", "app/cert"]))
    step("tag", lambda: sm.tag_resource(SecretId="app/db", Tags=[{"Key": "env", "Value": "ci"}]))
    step("update", lambda: sm.update_secret(SecretId="app/cert", Description="certificate"))
    step("missing", lambda: sm.get_secret_value(SecretId="app/nope"))
    step("duplicate", lambda: sm.create_secret(Name="app/db", SecretString="x"))
    step("delete", lambda: sm.delete_secret(SecretId="app/cert", RecoveryWindowInDays=7))
    step("get_deleted", lambda: sm.get_secret_value(SecretId="app/cert"))
    step("restore", lambda: sm.restore_secret(SecretId="app/cert"))
    step("force_delete", lambda: sm.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True))


def ssm_scenario(ssm: Any, steps: list) -> None:
    record(steps, "put", lambda: ssm.put_parameter(
        Name="/app/db/host", Value="db.internal", Type="String", Description="host",
        Tags=[{"Key": "team", "Value": "a"}]))
    record(steps, "put_secure", lambda: ssm.put_parameter(Name="/app/db/password", Value="s3cr3t ✓",
                                                        Type="SecureString"))
    record(steps, "put_list", lambda: ssm.put_parameter(Name="/app/hosts", Value="a,b,c", Type="StringList"))
    record(steps, "overwrite", lambda: ssm.put_parameter(
        Name="/app/db/host", Value="db2.internal", Type="String", Overwrite=True))
    record(steps, "exists", lambda: ssm.put_parameter(Name="/app/db/host", Value="x", Type="String"))
    record(steps, "get", lambda: ssm.get_parameter(Name="/app/db/host"))
    record(steps, "get_secure_encrypted", lambda: ssm.get_parameter(Name="/app/db/password"))
    record(steps, "get_secure", lambda: ssm.get_parameter(Name="/app/db/password", WithDecryption=True))
    record(steps, "get_version", lambda: ssm.get_parameter(Name="/app/db/host:1"))
    record(steps, "get_many", lambda: ssm.get_parameters(
        Names=["/app/db/host", "/app/hosts", "/app/missing"], WithDecryption=True))
    record(steps, "by_path", lambda: ssm.get_parameters_by_path(
        Path="/app", Recursive=True, WithDecryption=True))
    record(steps, "by_path_filtered", lambda: ssm.get_parameters_by_path(
        Path="/app/db", ParameterFilters=[{"Key": "Type", "Option": "Equals", "Values": ["String"]}]))
    record(steps, "history", lambda: ssm.get_parameter_history(Name="/app/db/host"))
    record(steps, "describe", lambda: ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/app/db"]}]))
    record(steps, "label", lambda: ssm.label_parameter_version(
        Name="/app/db/host", ParameterVersion=2, Labels=["live"]))
    record(steps, "tags", lambda: ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/db/host"))
    record(steps, "missing", lambda: ssm.get_parameter(Name="/app/nope"))
    record(steps, "delete", lambda: ssm.delete_parameter(Name="/app/hosts"))
    record(steps, "delete_many", lambda: ssm.delete_parameters(Names=["/app/db/host", "/app/gone"]))


def test_secrets_manager_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, secrets_scenario, lambda: squall.session.Session().client("secretsmanager"),
                         lambda: boto3.session.Session().client("secretsmanager")))
    assert steps["get_binary"]["SecretBinary"] == b"\x00\x01\xfe\xff"
    assert steps["missing"]["error"] == "ResourceNotFoundException"


def test_ssm_parameters_match_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, ssm_scenario, lambda: squall.session.Session().client("ssm"),
                         lambda: boto3.session.Session().client("ssm")))
    assert steps["get_secure"]["Parameter"]["Value"] == "s3cr3t ✓"
    assert steps["exists"]["error"] == "ParameterAlreadyExists"
    assert steps["missing"]["error"] == "ParameterNotFound"


def test_parameter_not_found_is_a_modelled_exception(moto_env: str) -> None:
    ssm = squall.session.Session().client("ssm")
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/never")
