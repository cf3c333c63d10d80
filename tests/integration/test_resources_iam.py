"""IAM users, groups, policies and access keys as resources, against boto3 on moto."""
from __future__ import annotations

import json
from typing import Any

from _resources_oracle import compare_resources, step

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def iam_scenario(iam: Any, steps: list) -> None:
    user = step(steps, "create_user", lambda: iam.create_user(UserName="res-alice", Path="/team/"))
    step(steps, "user_attributes", lambda: (user.arn, user.path, user.user_id is not None))
    step(steps, "get_user", lambda: iam.User("res-alice").arn)
    group = step(steps, "create_group", lambda: iam.create_group(GroupName="res-devs"))
    step(steps, "add_user", lambda: group.add_user(UserName="res-alice"))
    step(steps, "user_groups", lambda: list(user.groups.all()))
    step(steps, "group_users", lambda: list(group.users.all()))
    policy = step(steps, "create_policy", lambda: iam.create_policy(PolicyName="res-read", PolicyDocument=POLICY))
    step(steps, "policy_attributes", lambda: (policy.arn, policy.default_version_id, policy.attachment_count))
    step(steps, "default_version", lambda: policy.default_version)
    step(steps, "version_document", lambda: policy.default_version.document)
    step(steps, "attach_user", lambda: user.attach_policy(PolicyArn=policy.arn))
    step(steps, "attach_group", lambda: group.attach_policy(PolicyArn=policy.arn))
    step(steps, "user_policies", lambda: list(user.attached_policies.all()))
    step(steps, "group_policies", lambda: list(group.attached_policies.all()))
    step(steps, "attached_to", lambda: (list(policy.attached_users.all()), list(policy.attached_groups.all())))
    step(steps, "local_policies", lambda: [p.policy_name for p in iam.policies.filter(Scope="Local")])
    step(steps, "inline_policy", lambda: user.create_policy(PolicyName="inline", PolicyDocument=POLICY))
    step(steps, "inline_document", lambda: user.Policy("inline").policy_document)
    step(steps, "inline_list", lambda: list(user.policies.all()))
    step(steps, "access_key", lambda: user.create_access_key_pair())
    step(steps, "access_keys", lambda: [k.status for k in user.access_keys.all()])
    step(steps, "users", lambda: list(iam.users.filter(PathPrefix="/team/")))
    step(steps, "missing_user", lambda: iam.User("res-nobody").load())
    for name, call in [
        ("detach_user", lambda: user.detach_policy(PolicyArn=policy.arn)),
        ("detach_group", lambda: group.detach_policy(PolicyArn=policy.arn)),
        ("delete_inline", lambda: user.Policy("inline").delete()),
        ("delete_keys", lambda: [k.delete() for k in user.access_keys.all()]),
        ("remove_user", lambda: group.remove_user(UserName="res-alice")),
        ("delete_group", lambda: group.delete()),
        ("delete_policy", lambda: policy.delete()),
        ("delete_user", lambda: user.delete()),
    ]:
        step(steps, name, call)
    step(steps, "none_left", lambda: list(iam.users.filter(PathPrefix="/team/")))


def test_iam_resources_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "iam", iam_scenario)
    assert steps["user_groups"][0]["identifiers"] == {"name": "res-devs"}
    assert steps["version_document"]["Statement"][0]["Action"] == "s3:GetObject"
    assert steps["missing_user"]["error"] == "NoSuchEntityException"
    assert steps["access_keys"] == ["Active"] and steps["none_left"] == []
