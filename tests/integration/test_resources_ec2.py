"""EC2 instances, VPCs, subnets and security groups as resources, with waiters and the
tag helpers, against boto3 on moto."""
from __future__ import annotations

from typing import Any

from _resources_oracle import compare_resources, step

FAST = {"WaiterConfig": {"Delay": 1, "MaxAttempts": 30}}
INSTANCE_FIELDS = ("InstanceId", "InstanceType", "VpcId", "SubnetId", "State", "Tags", "ImageId", "KeyName")


def ec2_scenario(ec2: Any, steps: list) -> None:
    vpc = step(steps, "create_vpc", lambda: ec2.create_vpc(CidrBlock="10.20.0.0/16"))
    step(steps, "vpc_available", lambda: vpc.wait_until_available(**FAST))
    step(steps, "vpc_exists", lambda: ec2.Vpc(vpc.id).wait_until_exists(**FAST))
    step(steps, "vpc_attributes", lambda: (vpc.cidr_block, vpc.state, vpc.is_default))
    subnet = step(steps, "create_subnet", lambda: vpc.create_subnet(CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a"))
    step(steps, "subnet_vpc", lambda: (subnet.vpc, subnet.cidr_block))
    group = step(steps, "create_group", lambda: vpc.create_security_group(GroupName="res-web", Description="web"))
    step(steps, "authorize", lambda: group.authorize_ingress(IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]))
    step(steps, "group_rules", lambda: (group.reload(), group.ip_permissions))
    image_id = ec2.meta.client.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instances = step(steps, "create_instances", lambda: ec2.create_instances(
        ImageId=image_id, MinCount=2, MaxCount=2, InstanceType="t3.micro", SubnetId=subnet.id,
        SecurityGroupIds=[group.id], TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "res"}]}]))
    first = instances[0]
    step(steps, "wait_running", lambda: first.wait_until_running(**FAST))
    step(steps, "exists", lambda: first.wait_until_exists(**FAST))
    step(steps, "instance_attributes", lambda: (first.reload(), first.state["Name"], first.instance_type,
                                                first.subnet_id == subnet.id, first.tags))
    step(steps, "references", lambda: (first.vpc, first.subnet, first.image.id == image_id,
                                       [g["GroupName"] for g in first.security_groups]))
    # (ids in the order returned: sorting random ids would differ between the runs)
    step(steps, "filtered", lambda: [i.id for i in ec2.instances.filter(
        Filters=[{"Name": "tag:app", "Values": ["res"]}])])
    step(steps, "in_vpc", lambda: [i.id for i in vpc.instances.all()])
    step(steps, "in_subnet", lambda: [i.id for i in subnet.instances.all()])
    step(steps, "limited", lambda: len(list(ec2.instances.limit(1))))
    step(steps, "create_tags", lambda: ec2.create_tags(Resources=[i.id for i in instances],
                                                       Tags=[{"Key": "team", "Value": "a"}]))
    step(steps, "instance_create_tags", lambda: first.create_tags(Tags=[{"Key": "one", "Value": "1"}]))
    step(steps, "tags_after_create", lambda: (first.reload(), sorted(t["Key"] for t in first.tags)))
    step(steps, "delete_tags", lambda: first.delete_tags(Tags=[{"Key": "team"}]))
    step(steps, "tags_after_delete", lambda: (first.reload(), sorted(t["Key"] for t in first.tags)))
    step(steps, "tag_resources", lambda: sorted((t.key, t.value) for t in vpc.tags or []))
    step(steps, "stop", lambda: ec2.instances.filter(InstanceIds=[first.id]).stop())
    step(steps, "wait_stopped", lambda: first.wait_until_stopped(**FAST))
    step(steps, "stopped_state", lambda: (first.reload(), first.state["Name"]))
    step(steps, "start", lambda: first.start())
    step(steps, "terminate_all", lambda: ec2.instances.filter(InstanceIds=[i.id for i in instances]).terminate())
    step(steps, "wait_terminated", lambda: [i.wait_until_terminated(**FAST) for i in instances])
    step(steps, "subnets", lambda: [s.cidr_block for s in vpc.subnets.all()])
    step(steps, "groups", lambda: sorted(g.group_name for g in vpc.security_groups.all()))
    step(steps, "missing_instance", lambda: ec2.Instance("i-0123456789abcdef0").load())
    step(steps, "delete_group", lambda: group.delete())
    step(steps, "delete_subnet", lambda: subnet.delete())
    step(steps, "delete_vpc", lambda: vpc.delete())


def test_ec2_resources_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "ec2", ec2_scenario)
    assert steps["instance_attributes"][1] == "running"
    assert steps["stopped_state"][1] == "stopped"
    assert steps["tags_after_create"][1] == ["app", "one", "team"]
    assert steps["tags_after_delete"][1] == ["app", "one"]
    assert len(steps["create_tags"]) == 2 and steps["create_tags"][0]["resource"] == "ec2.Tag"
    assert steps["missing_instance"]["error"] in ("ClientError", "ResourceLoadException")
