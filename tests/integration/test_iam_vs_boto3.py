"""IAM (query protocol, global endpoint) through squall, call for call against boto3, on
moto's server: users, groups, access keys, roles and policies. Policy documents come back
URL-encoded on the wire and are returned decoded as dicts, as boto3 does."""
from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record

POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]}
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
IDS = ("UserId", "RoleId", "PolicyId", "GroupId", "InstanceProfileId")


def scrub(result: Any) -> Any:
    """moto makes up IAM's unique ids (AIDA..., AROA...) on every run."""
    if isinstance(result, dict):
        return {k: ("<id>" if k in IDS else scrub(v)) for k, v in result.items()}
    if isinstance(result, list):
        return [scrub(v) for v in result]
    return result


def iam_scenario(iam: Any, steps: list) -> None:
    def step(name: str, call: Any) -> Any:
        return record(steps, name, lambda: scrub(call()))

    step("create_user", lambda: iam.create_user(
        UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "a"}]))
    step("get_user", lambda: iam.get_user(UserName="alice"))
    step("list_users", lambda: iam.list_users(PathPrefix="/eng/"))
    step("tag_user", lambda: iam.tag_user(UserName="alice", Tags=[{"Key": "env", "Value": "ci"}]))
    step("list_user_tags", lambda: iam.list_user_tags(UserName="alice"))
    key = step("create_key", lambda: iam.create_access_key(UserName="alice"))["AccessKey"]
    step("list_keys", lambda: iam.list_access_keys(UserName="alice"))
    step("deactivate_key", lambda: iam.update_access_key(
        UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive"))
    step("key_last_used", lambda: iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]))

    step("put_user_policy", lambda: iam.put_user_policy(
        UserName="alice", PolicyName="inline", PolicyDocument=json.dumps(POLICY)))
    step("get_user_policy", lambda: iam.get_user_policy(UserName="alice", PolicyName="inline"))
    step("list_user_policies", lambda: iam.list_user_policies(UserName="alice"))
    arn = step("create_policy", lambda: iam.create_policy(
        PolicyName="read-s3", Path="/app/", PolicyDocument=json.dumps(POLICY), Description="read"))["Policy"]["Arn"]
    step("get_policy", lambda: iam.get_policy(PolicyArn=arn))
    step("policy_version", lambda: iam.get_policy_version(PolicyArn=arn, VersionId="v1"))
    step("new_version", lambda: iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=json.dumps({**POLICY, "Statement": POLICY["Statement"] * 2}),
        SetAsDefault=True))
    step("list_versions", lambda: iam.list_policy_versions(PolicyArn=arn))
    step("attach_user", lambda: iam.attach_user_policy(UserName="alice", PolicyArn=arn))
    step("attached_user", lambda: iam.list_attached_user_policies(UserName="alice"))
    step("list_policies", lambda: iam.list_policies(Scope="Local"))

    step("create_group", lambda: iam.create_group(GroupName="devs"))
    step("add_to_group", lambda: iam.add_user_to_group(GroupName="devs", UserName="alice"))
    step("get_group", lambda: iam.get_group(GroupName="devs"))
    step("groups_for_user", lambda: iam.list_groups_for_user(UserName="alice"))

    step("create_role", lambda: iam.create_role(
        RoleName="worker", AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=7200))
    step("get_role", lambda: iam.get_role(RoleName="worker"))
    step("list_roles", lambda: iam.list_roles())
    step("put_role_policy", lambda: iam.put_role_policy(
        RoleName="worker", PolicyName="inline", PolicyDocument=json.dumps(POLICY)))
    step("get_role_policy", lambda: iam.get_role_policy(RoleName="worker", PolicyName="inline"))
    step("profile", lambda: iam.create_instance_profile(InstanceProfileName="worker-profile"))
    step("add_role", lambda: iam.add_role_to_instance_profile(
        InstanceProfileName="worker-profile", RoleName="worker"))
    step("get_profile", lambda: iam.get_instance_profile(InstanceProfileName="worker-profile"))
    step("account_details", lambda: iam.get_account_authorization_details(Filter=["User", "Role"]))

    step("missing_user", lambda: iam.get_user(UserName="nobody"))
    step("duplicate_user", lambda: iam.create_user(UserName="alice"))
    step("delete_conflict", lambda: iam.delete_user(UserName="alice"))
    step("detach", lambda: iam.detach_user_policy(UserName="alice", PolicyArn=arn))
    step("delete_user_policy", lambda: iam.delete_user_policy(UserName="alice", PolicyName="inline"))
    step("remove_from_group", lambda: iam.remove_user_from_group(GroupName="devs", UserName="alice"))
    step("delete_key", lambda: iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"]))
    step("delete_user", lambda: iam.delete_user(UserName="alice"))
    step("list_after", lambda: iam.list_users())


def test_iam_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, iam_scenario, lambda: squall.session.Session().client("iam"),
                         lambda: boto3.session.Session().client("iam")))
    assert steps["get_user_policy"]["PolicyDocument"] == POLICY
    assert steps["get_role"]["Role"]["AssumeRolePolicyDocument"] == TRUST
    assert steps["missing_user"]["error"] == "NoSuchEntityException"
    assert steps["duplicate_user"]["error"] == "EntityAlreadyExistsException"
    assert steps["delete_conflict"]["error"] == "DeleteConflictException"


def test_no_such_entity_is_a_modelled_exception(moto_env: str) -> None:
    iam = squall.session.Session().client("iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException) as info:
        iam.get_role(RoleName="never-created")
    assert info.value.response["Error"]["Code"] == "NoSuchEntity"
    assert info.value.operation_name == "GetRole"
