"""Resource behaviour against boto3, call for call: both libraries run the same scenario
with their client's ``_make_api_call`` replaced by one scripted responder, and must make
the same calls (operation and parameters) and return the same results (resources by
repr and data). Covers actions, load/reload, lazy attributes, sub-resources, references,
collections (all/filter/limit/page_size/pages, pagination, non-mutating chaining),
batch actions, waiters and the EC2 tag helpers."""
from __future__ import annotations

import copy
from typing import Any, Callable

import boto3
import pytest

import squall

Responder = Callable[[str, dict[str, Any]], dict[str, Any]]


@pytest.fixture(autouse=True)
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def describe(value: Any) -> Any:
    """Results made comparable across libraries: resources by repr and data."""
    if hasattr(value, "meta") and hasattr(value.meta, "identifiers"):
        return ("resource", repr(value), describe(value.meta.data))
    if isinstance(value, dict):
        return {k: describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    return value


def run(service: str, responder: Responder, scenario: Callable[[Any, list], None]) -> list:
    """Run ``scenario(resource, out)`` with each library; return squall's record."""
    records = []
    for lib in (squall.session.Session(), boto3.session.Session()):
        resource = lib.resource(service)
        calls: list = []

        def fake(operation_name: str, api_params: dict[str, Any], calls: list = calls) -> dict[str, Any]:
            params = copy.deepcopy(dict(api_params))
            calls.append((operation_name, params))
            return copy.deepcopy(responder(operation_name, params))

        resource.meta.client._make_api_call = fake
        out: list = []
        scenario(resource, out)
        records.append((calls, describe(out)))
    (our_calls, ours), (their_calls, theirs) = records
    assert our_calls == their_calls
    assert ours == theirs
    return records[0]


# -- S3 -----------------------------------------------------------------------------------

KEYS = [f"k{i:02d}" for i in range(7)]


def s3_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    if op == "ListObjects":
        keys = [k for k in KEYS if k.startswith(params.get("Prefix", "")) and k > params.get("Marker", "")]
        page = keys[: params.get("MaxKeys", 3)]
        return {"IsTruncated": len(keys) > len(page), "Contents": [{"Key": k, "Size": len(k)} for k in page],
                "Name": params["Bucket"]}
    if op == "ListBuckets":
        return {"Buckets": [{"Name": "one"}, {"Name": "two", "CreationDate": "yesterday"}]}
    if op == "HeadObject":
        return {"ContentLength": 10, "ETag": '"e"', "Metadata": {"a": "b"},
                "ResponseMetadata": {"HTTPStatusCode": 200}}
    if op == "HeadBucket":
        return {"ResponseMetadata": {"HTTPStatusCode": 200}}
    if op == "GetObject":
        return {"Body": "stream", "ContentLength": 10}
    if op == "DeleteObjects":
        return {"Deleted": [{"Key": o["Key"]} for o in params["Delete"]["Objects"]]}
    if op == "ListObjectVersions":
        return {"Versions": [{"Key": "k00", "VersionId": "v1"}, {"Key": "k00", "VersionId": "v2"}],
                "DeleteMarkers": [], "IsTruncated": False}
    if op == "GetBucketAcl":
        return {"Owner": {"ID": "me"}, "Grants": []}
    if op == "CreateBucket":
        return {"Location": "/b"}
    if op == "ListMultipartUploads":
        return {"Uploads": [{"Key": "big", "UploadId": "u1"}], "IsTruncated": False}
    return {}


def test_s3_collections_and_chaining() -> None:
    def scenario(s3: Any, out: list) -> None:
        bucket = s3.Bucket("b")
        out.append(list(bucket.objects.all()))
        out.append(list(bucket.objects.limit(4)))
        out.append([len(p) for p in bucket.objects.page_size(2).pages()])
        out.append([len(p) for p in bucket.objects.pages()])
        base = bucket.objects.filter(Prefix="k0")
        narrowed = base.filter(Marker="k02")
        out.append(list(base.limit(2)))  # the original is unchanged by the chaining above
        out.append(list(narrowed))
        out.append(list(s3.buckets.all()))
        out.append([b.creation_date for b in s3.buckets.limit(2)])
        out.append(list(bucket.object_versions.all()))
        out.append(list(bucket.multipart_uploads.all()))
        out.append(bucket.objects.filter(Prefix="k0").delete())
        for summary in bucket.objects.limit(2):
            out.append((summary.key, summary.size, summary.Object()))

    run("s3", s3_responder, scenario)


def test_s3_actions_load_and_subresources() -> None:
    def scenario(s3: Any, out: list) -> None:
        bucket = s3.Bucket("b")
        out.append(bucket.create(CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}))
        obj = bucket.Object("k")
        out.append((obj.content_length, obj.e_tag, obj.metadata))  # lazy load via HeadObject
        out.append(obj.get())
        out.append(obj.meta.data)  # an action clears loaded data ...
        out.append(obj.content_length)  # ... so the next attribute loads again
        obj.reload()
        out.append(obj.put(Body=b"x", Metadata={"m": "1"}))
        out.append(bucket.Acl().owner)
        out.append(bucket.Acl().meta.data)
        out.append(bucket.creation_date)  # squall's and boto3's Bucket.load via ListBuckets
        out.append(s3.Bucket("two").creation_date)
        out.append((obj.Acl(), obj.Bucket(), obj.Version("v1"), obj.MultipartUpload("u")))
        out.append(s3.Object("b", "k").copy_from(CopySource={"Bucket": "x", "Key": "y"}))
        summary = s3.ObjectSummary("b", "k")
        summary.load()  # squall's and boto3's ObjectSummary.load: ContentLength -> Size
        out.append(summary.size)

    run("s3", s3_responder, scenario)


def test_s3_waiters() -> None:
    def scenario(s3: Any, out: list) -> None:
        out.append(s3.Bucket("b").wait_until_exists())
        out.append(s3.Object("b", "k").wait_until_exists(IfMatch='"e"'))

    run("s3", s3_responder, scenario)


# -- EC2 ----------------------------------------------------------------------------------

def ec2_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    def instance(i: int, state: str = "running") -> dict[str, Any]:
        return {"InstanceId": f"i-{i}", "VpcId": "vpc-1", "SubnetId": "subnet-1", "ImageId": "ami-1",
                "State": {"Name": state, "Code": 16}, "Tags": [{"Key": "n", "Value": str(i)}],
                "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "g"}]}

    if op == "DescribeInstances":
        token = params.get("NextToken")
        if token is None:
            return {"Reservations": [{"Instances": [instance(1), instance(2)]}, {"Instances": [instance(3)]}],
                    "NextToken": "t2"}
        return {"Reservations": [{"Instances": [instance(4, "stopped")]}]}
    if op == "RunInstances":
        return {"Instances": [instance(7, "pending"), instance(8, "pending")], "ReservationId": "r-1"}
    if op in ("StopInstances", "StartInstances", "TerminateInstances"):
        return {"StoppingInstances": [{"InstanceId": i} for i in params["InstanceIds"]]}
    if op == "DescribeVpcs":
        return {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "State": "available"}]}
    if op == "DescribeSubnets":
        return {"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}, {"SubnetId": "subnet-2", "VpcId": "vpc-1"}]}
    if op == "CreateVpc":
        return {"Vpc": {"VpcId": "vpc-9", "CidrBlock": params["CidrBlock"], "State": "pending"}}
    if op == "CreateSecurityGroup":
        return {"GroupId": "sg-9"}
    if op == "DescribeSecurityGroups":
        return {"SecurityGroups": [{"GroupId": "sg-9", "GroupName": "web", "VpcId": "vpc-9", "IpPermissions": []}]}
    return {}


def test_ec2_collections_references_and_batch_actions() -> None:
    def scenario(ec2: Any, out: list) -> None:
        instances = ec2.instances.filter(Filters=[{"Name": "tag:n", "Values": ["1", "2"]}])
        out.append(list(instances))
        out.append(list(ec2.instances.limit(2)))
        out.append(list(ec2.instances.page_size(5)))
        first = next(iter(ec2.instances.all()))
        out.append((first.state, first.vpc, first.subnet, first.image, first.security_groups))
        out.append(first.vpc.cidr_block)  # a reference made with data: loads itself
        out.append(ec2.instances.filter(InstanceIds=["i-1", "i-2"]).stop())
        out.append(ec2.instances.all().terminate(DryRun=True))
        out.append(list(ec2.Vpc("vpc-1").subnets.all()))
        out.append(list(ec2.Vpc("vpc-1").instances.limit(1)))

    run("ec2", ec2_responder, scenario)


def test_ec2_create_actions_waiters_and_tags() -> None:
    def scenario(ec2: Any, out: list) -> None:
        created = ec2.create_instances(ImageId="ami-1", MinCount=2, MaxCount=2)
        out.append(created)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")
        out.append(vpc)
        out.append(vpc.create_security_group(GroupName="web", Description="d"))
        out.append(ec2.create_tags(Resources=["i-1", "vpc-1"], Tags=[{"Key": "a", "Value": "b"},
                                                                      {"Key": "c", "Value": "d"}]))
        instance = ec2.Instance("i-1")
        out.append(instance.create_tags(Tags=[{"Key": "x", "Value": "y"}]))
        out.append(instance.delete_tags(Tags=[{"Key": "x"}]))
        out.append(instance.wait_until_running())
        out.append(vpc.wait_until_available())
        out.append(ec2.Tag("i-1", "a", "b"))

    run("ec2", ec2_responder, scenario)


# -- SQS, SNS, IAM, DynamoDB, CloudWatch, CloudFormation ------------------------------------

def sqs_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    url = "https://sqs.us-east-1.amazonaws.com/123/q"
    return {
        "GetQueueUrl": {"QueueUrl": url},
        "CreateQueue": {"QueueUrl": url},
        "ListQueues": {"QueueUrls": [url, url + "2"]},
        "GetQueueAttributes": {"Attributes": {"QueueArn": "arn:q", "VisibilityTimeout": "30"}},
        "ReceiveMessage": {"Messages": [{"MessageId": "m1", "ReceiptHandle": "r1", "Body": "b1"},
                                        {"MessageId": "m2", "ReceiptHandle": "r2", "Body": "b2"}]},
        "SendMessage": {"MessageId": "m3", "MD5OfMessageBody": "x"},
        "SendMessageBatch": {"Successful": [{"Id": "1", "MessageId": "m4"}], "Failed": []},
        "DeleteMessageBatch": {"Successful": [{"Id": "0"}], "Failed": []},
    }.get(op, {})


def test_sqs_queues_and_messages() -> None:
    def scenario(sqs: Any, out: list) -> None:
        queue = sqs.get_queue_by_name(QueueName="q")
        out.append(queue)
        out.append(sqs.create_queue(QueueName="q", Attributes={"DelaySeconds": "0"}))
        out.append(list(sqs.queues.filter(QueueNamePrefix="q")))
        out.append(queue.attributes)
        out.append(queue.send_message(MessageBody="hi"))
        out.append(queue.send_messages(Entries=[{"Id": "1", "MessageBody": "x"}]))
        messages = queue.receive_messages(MaxNumberOfMessages=2)
        out.append(messages)
        out.append((messages[0].body, messages[0].queue_url, messages[0].receipt_handle))
        out.append(messages[0].delete())
        out.append(messages[1].change_visibility(VisibilityTimeout=0))
        out.append(messages[0].Queue())
        out.append(queue.dead_letter_source_queues.all().__class__.__name__)

    run("sqs", sqs_responder, scenario)


def sns_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    arn = "arn:aws:sns:us-east-1:123:t"
    if op == "ListSubscriptionsByTopic":
        if params.get("NextToken") is None:
            return {"Subscriptions": [{"SubscriptionArn": arn + ":s1"}], "NextToken": "n"}
        return {"Subscriptions": [{"SubscriptionArn": arn + ":s2"}]}
    return {
        "CreateTopic": {"TopicArn": arn},
        "ListTopics": {"Topics": [{"TopicArn": arn}, {"TopicArn": arn + "2"}]},
        "GetTopicAttributes": {"Attributes": {"TopicArn": arn, "DisplayName": "d"}},
        "Subscribe": {"SubscriptionArn": arn + ":s3"},
        "Publish": {"MessageId": "m"},
        "GetSubscriptionAttributes": {"Attributes": {"Endpoint": "e", "TopicArn": arn}},
    }.get(op, {})


def test_sns_topics_and_subscriptions() -> None:
    def scenario(sns: Any, out: list) -> None:
        topic = sns.create_topic(Name="t")
        out.append((topic, topic.attributes))
        out.append(list(sns.topics.all()))
        sub = topic.subscribe(Protocol="sqs", Endpoint="arn:q")
        out.append((sub, sub.attributes))
        out.append(list(topic.subscriptions.all()))
        out.append(topic.publish(Message="m"))
        out.append(topic.set_attributes(AttributeName="DisplayName", AttributeValue="x"))
        out.append(sns.PlatformApplication("arn:p").endpoints.all().__class__.__name__)

    run("sns", sns_responder, scenario)


def iam_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    user = {"UserName": params.get("UserName", "u"), "UserId": "AID1", "Arn": "arn:user", "Path": "/",
            "CreateDate": "now"}
    group = {"GroupName": "g", "GroupId": "G1", "Arn": "arn:group", "Path": "/", "CreateDate": "now"}
    if op == "ListGroupsForUser":
        if params.get("Marker") is None:
            return {"Groups": [group], "IsTruncated": True, "Marker": "m"}
        return {"Groups": [dict(group, GroupName="g2")], "IsTruncated": False}
    return {
        "CreateUser": {"User": user},
        "GetUser": {"User": user},
        "CreateGroup": {"Group": group},
        "GetGroup": {"Group": group, "Users": [user]},
        "ListPolicies": {"Policies": [{"PolicyName": "p", "Arn": "arn:policy", "DefaultVersionId": "v1"}],
                         "IsTruncated": False},
        "GetPolicy": {"Policy": {"PolicyName": "p", "Arn": "arn:policy", "DefaultVersionId": "v1"}},
        "CreatePolicy": {"Policy": {"PolicyName": "p", "Arn": "arn:policy", "DefaultVersionId": "v1"}},
        "ListAttachedUserPolicies": {"AttachedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:policy"}],
                                     "IsTruncated": False},
        "CreateAccessKey": {"AccessKey": {"UserName": "u", "AccessKeyId": "AK", "Status": "Active",
                                          "SecretAccessKey": "s"}},
        "ListUsers": {"Users": [user], "IsTruncated": False},
    }.get(op, {})


def test_iam_users_groups_and_policies() -> None:
    def scenario(iam: Any, out: list) -> None:
        user = iam.create_user(UserName="u")
        out.append((user, user.arn, user.meta.data))
        out.append(list(user.groups.all()))
        out.append(user.attach_policy(PolicyArn="arn:policy"))
        out.append(list(user.attached_policies.all()))
        out.append(user.create_access_key_pair())
        group = iam.create_group(GroupName="g")
        out.append((group, list(group.users.all())))
        out.append(group.add_user(UserName="u"))
        out.append(list(iam.policies.filter(Scope="Local")))
        policy = iam.create_policy(PolicyName="p", PolicyDocument="{}")
        out.append((policy, policy.default_version, policy.arn))
        out.append(list(iam.users.all()))
        out.append(iam.User("u").Policy("inline"))

    run("iam", iam_responder, scenario)


def ddb_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    table = {"TableName": "t", "TableStatus": "ACTIVE", "ItemCount": 3,
             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    if op == "ListTables":
        if params.get("ExclusiveStartTableName") is None:
            return {"TableNames": ["a", "b"], "LastEvaluatedTableName": "b"}
        return {"TableNames": ["c"]}
    return {"DescribeTable": {"Table": table}, "CreateTable": {"TableDescription": table},
            "DeleteTable": {"TableDescription": table}}.get(op, {})


def test_dynamodb_tables() -> None:
    def scenario(ddb: Any, out: list) -> None:
        out.append(list(ddb.tables.all()))
        out.append(list(ddb.tables.page_size(1)))
        table = ddb.create_table(TableName="t", KeySchema=[], AttributeDefinitions=[])
        out.append((table, table.item_count, table.key_schema))
        out.append(ddb.Table("t").table_status)
        out.append(table.wait_until_exists())
        out.append(table.delete())

    run("dynamodb", ddb_responder, scenario)


def cloudwatch_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ListMetrics": {"Metrics": [{"Namespace": "app", "MetricName": "latency", "Dimensions": []},
                                    {"Namespace": "app", "MetricName": "errors", "Dimensions": []}]},
        "DescribeAlarms": {"MetricAlarms": [{"AlarmName": "a1", "MetricName": "latency", "Namespace": "app"}]},
        "DescribeAlarmsForMetric": {"MetricAlarms": [{"AlarmName": "a1"}]},
        "GetMetricStatistics": {"Label": "latency", "Datapoints": []},
    }.get(op, {})


def test_cloudwatch_metrics_and_alarms() -> None:
    def scenario(cw: Any, out: list) -> None:
        out.append(list(cw.metrics.filter(Namespace="app")))
        metric = cw.Metric("app", "latency")
        out.append(metric.put_data(MetricData=[{"MetricName": "latency", "Value": 1.0}]))
        out.append(metric.get_statistics(StartTime=1, EndTime=2, Period=60, Statistics=["Sum"]))
        out.append(list(metric.alarms.all()))
        out.append(metric.put_alarm(AlarmName="a1", EvaluationPeriods=1, ComparisonOperator="GreaterThanThreshold"))
        out.append(list(cw.alarms.all()))
        alarm = cw.Alarm("a1")
        out.append((alarm.metric_name, alarm.metric))
        out.append(cw.alarms.filter(AlarmNames=["a1"]).delete())

    run("cloudwatch", cloudwatch_responder, scenario)


def cfn_responder(op: str, params: dict[str, Any]) -> dict[str, Any]:
    stack = {"StackName": "s", "StackId": "arn:stack", "StackStatus": "CREATE_COMPLETE", "CreationTime": "now"}
    return {
        "CreateStack": {"StackId": "arn:stack"},
        "DescribeStacks": {"Stacks": [stack]},
        "ListStackResources": {"StackResourceSummaries": [{"LogicalResourceId": "Bucket", "ResourceType": "t"}]},
        "DescribeStackEvents": {"StackEvents": [{"EventId": "e1", "StackName": "s"}]},
        "DescribeStackResource": {"StackResourceDetail": {"LogicalResourceId": "Bucket", "StackName": "s"}},
    }.get(op, {})


def test_cloudformation_stacks() -> None:
    def scenario(cfn: Any, out: list) -> None:
        stack = cfn.create_stack(StackName="s", TemplateBody="{}")
        out.append((stack, stack.stack_status))
        out.append(list(cfn.stacks.all()))
        out.append(list(stack.resource_summaries.all()))
        out.append(list(stack.events.all()))
        out.append(stack.Resource("Bucket").logical_resource_id)
        out.append(stack.update(TemplateBody="{}"))
        out.append(stack.delete())

    run("cloudformation", cfn_responder, scenario)


def test_batch_action_on_empty_collection_makes_no_call() -> None:
    def scenario(s3: Any, out: list) -> None:
        out.append(s3.Bucket("b").objects.filter(Prefix="none").delete())

    calls, _ = run("s3", s3_responder, scenario)
    assert [op for op, _ in calls] == ["ListObjects"]


def test_collections_are_lazy_and_chaining_does_not_mutate() -> None:
    s3 = squall.session.Session().resource("s3")
    calls: list = []
    s3.meta.client._make_api_call = lambda op, params: calls.append((op, params)) or s3_responder(op, dict(params))
    base = s3.Bucket("b").objects.filter(Prefix="k")
    limited = base.limit(1)
    sized = base.page_size(2)
    assert calls == []  # nothing is called until iteration
    assert base._params == {"Prefix": "k"} and limited._params == {"Prefix": "k", "limit": 1}
    assert sized._params == {"Prefix": "k", "page_size": 2}
    assert len(list(limited)) == 1 and len(list(base)) == 7
    first, second = list(base), list(base)
    assert first == second  # each iteration calls the service again
