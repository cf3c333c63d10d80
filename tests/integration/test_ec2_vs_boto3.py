"""EC2 (ec2 protocol) through squall, call for call against boto3, on moto's server:
regions and zones, instances (with UserData, base64-encoded as boto3 does), filters,
tags, VPCs, subnets, security groups, dry runs and errors."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record

AMI = "ami-12c6146b"  # one of moto's built-in images
USER_DATA = "#!/bin/sh\necho héllo > /tmp/x\n"


def ec2_scenario(ec2: Any, steps: list) -> None:
    record(steps, "regions", lambda: ec2.describe_regions(RegionNames=["us-east-1", "eu-west-1"]))
    record(steps, "all_regions", lambda: ec2.describe_regions(AllRegions=True))
    record(steps, "zones", lambda: ec2.describe_availability_zones(
        Filters=[{"Name": "zone-name", "Values": ["us-east-1a", "us-east-1b"]}]))

    vpc = record(steps, "create_vpc", lambda: ec2.create_vpc(
        CidrBlock="10.10.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "main"}]}]))["Vpc"]["VpcId"]
    record(steps, "vpc_attr", lambda: ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True}))
    record(steps, "describe_vpc", lambda: ec2.describe_vpcs(VpcIds=[vpc]))
    subnet = record(steps, "create_subnet", lambda: ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.10.1.0/24", AvailabilityZone="us-east-1a"))["Subnet"]["SubnetId"]
    record(steps, "subnets_by_vpc", lambda: ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}]))
    group = record(steps, "create_sg", lambda: ec2.create_security_group(
        GroupName="web", Description="web servers", VpcId=vpc))["GroupId"]
    record(steps, "ingress", lambda: ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}]}]))
    record(steps, "describe_sg", lambda: ec2.describe_security_groups(GroupIds=[group]))
    record(steps, "duplicate_sg", lambda: ec2.create_security_group(
        GroupName="web", Description="again", VpcId=vpc))

    record(steps, "dry_run", lambda: ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro", DryRun=True))
    reservation = record(steps, "run", lambda: ec2.run_instances(
        ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro", SubnetId=subnet,
        SecurityGroupIds=[group], UserData=USER_DATA,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}]))
    ids = [i["InstanceId"] for i in reservation["Instances"]]
    record(steps, "user_data", lambda: ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="userData"))
    record(steps, "tag", lambda: ec2.create_tags(
        Resources=[ids[0]], Tags=[{"Key": "Name", "Value": "web-1"}, {"Key": "empty", "Value": ""}]))
    record(steps, "by_tag", lambda: ec2.describe_instances(
        Filters=[{"Name": "tag:Name", "Values": ["web-1"]}]))
    record(steps, "by_state_and_type", lambda: ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["running", "pending"]},
        {"Name": "instance-type", "Values": ["t3.micro"]}]))
    record(steps, "describe_tags", lambda: ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": ids}]))
    record(steps, "stop", lambda: ec2.stop_instances(InstanceIds=[ids[1]]))
    record(steps, "status", lambda: ec2.describe_instance_status(InstanceIds=ids, IncludeAllInstances=True))
    record(steps, "delete_tag", lambda: ec2.delete_tags(Resources=[ids[0]], Tags=[{"Key": "empty"}]))
    record(steps, "terminate", lambda: ec2.terminate_instances(InstanceIds=ids))
    record(steps, "missing_instance", lambda: ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"]))
    record(steps, "missing_vpc", lambda: ec2.delete_vpc(VpcId="vpc-0123456789abcdef0"))
    record(steps, "delete_sg", lambda: ec2.delete_security_group(GroupId=group))
    record(steps, "delete_subnet", lambda: ec2.delete_subnet(SubnetId=subnet))


def test_ec2_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, ec2_scenario, lambda: squall.session.Session().client("ec2"),
                         lambda: boto3.session.Session().client("ec2")))
    assert steps["dry_run"]["response"]["Error"]["Code"] == "DryRunOperation"
    assert steps["missing_instance"]["response"]["Error"]["Code"] == "InvalidInstanceID.NotFound"
    assert len(steps["by_tag"]["Reservations"][0]["Instances"]) == 1


def test_user_data_is_sent_base64_encoded(moto_env: str) -> None:
    import base64

    ec2 = squall.session.Session().client("ec2")
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, UserData=USER_DATA)["Instances"][0]
    attr = ec2.describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData")
    assert base64.b64decode(attr["UserData"]["Value"]).decode("utf-8") == USER_DATA
    with pytest.raises(squall.exceptions.ClientError) as info:
        ec2.describe_instances(InstanceIds=["i-0000000000000000f"])
    assert info.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
