"""Paginators and waiters through squall and boto3 against the same moto server.

Scenarios run with both libraries (moto reset in between) and are compared step by step;
resume tokens are exchanged between the libraries on one shared state. Services whose
protocol squall does not speak yet are skipped with that reason, and run once it does.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import boto3
import pytest

import squall
from _oracle import compare, record, reset
from squall.exceptions import WaiterError
from squall.protocols import supported_protocols

NO_WAIT = {"Delay": 0, "MaxAttempts": 2}


def needs(protocol: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(protocol not in supported_protocols(),
                              reason=f"protocol {protocol} not implemented yet")


def clients(service: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    return (lambda: squall.session.Session().client(service),
            lambda: boto3.session.Session().client(service))


def pages_of(paginator: Any, **kwargs: Any) -> list[Any]:
    return list(paginator.paginate(**kwargs))


def wait_outcome(client: Any, name: str, **kwargs: Any) -> Any:
    """None on success, else the WaiterError's message and last response's error."""
    try:
        client.get_waiter(name).wait(**kwargs)
    except Exception as exc:
        assert type(exc).__name__ == "WaiterError"
        return {"message": str(exc), "error": (exc.last_response or {}).get("Error")}  # type: ignore[attr-defined]
    return None


def scrub(value: Any, keys: frozenset[str]) -> Any:
    """Mask values that differ between two runs (ids moto makes up) beyond _oracle's list."""
    if isinstance(value, dict):
        return {k: ("<id>" if k in keys else scrub(v, keys)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, keys) for v in value]
    return value


def paging_steps(steps: list, paginator: Any, key: str, total: int, volatile: frozenset[str] = frozenset(),
                 **params: Any) -> None:
    """The same paging calls whatever the operation: pages, MaxItems + resume, search."""
    def step(name: str, call: Callable[[], Any]) -> Any:
        return record(steps, name, lambda: scrub(call(), volatile))

    step("pages", lambda: pages_of(paginator, **params, PaginationConfig={"PageSize": 10}))
    full = step("full", lambda: paginator.paginate(**params).build_full_result())
    assert len(full[key]) == total
    first = step("first7", lambda: paginator.paginate(
        **params, PaginationConfig={"MaxItems": 7, "PageSize": 5}).build_full_result())
    step("rest", lambda: paginator.paginate(
        **params, PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 5}).build_full_result())
    boundary = step("boundary", lambda: paginator.paginate(
        **params, PaginationConfig={"MaxItems": 10, "PageSize": 5}).build_full_result())
    step("after_boundary", lambda: paginator.paginate(
        **params, PaginationConfig={"StartingToken": boundary["NextToken"], "MaxItems": 3}).build_full_result())


def exchange_tokens(ours: Any, theirs: Any, operation: str, key: str, **params: Any) -> None:
    """A token from boto3 resumes in squall and one from squall resumes in boto3."""
    config = {"MaxItems": 7, "PageSize": 5}
    mine = ours.get_paginator(operation).paginate(**params, PaginationConfig=config).build_full_result()
    boto = theirs.get_paginator(operation).paginate(**params, PaginationConfig=config).build_full_result()
    assert mine == boto
    rest_in_squall = ours.get_paginator(operation).paginate(
        **params, PaginationConfig={"StartingToken": boto["NextToken"]}).build_full_result()
    rest_in_boto3 = theirs.get_paginator(operation).paginate(
        **params, PaginationConfig={"StartingToken": mine["NextToken"]}).build_full_result()
    assert rest_in_squall == rest_in_boto3
    everything = theirs.get_paginator(operation).paginate(**params).build_full_result()
    assert mine[key] + rest_in_squall[key] == everything[key]


# -- DynamoDB (JSON) ---------------------------------------------------------------------


def _create_table(ddb: Any, name: str, key_type: str = "S") -> Any:
    return ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": key_type}], BillingMode="PAY_PER_REQUEST")


def ddb_scenario(ddb: Any, steps: list) -> None:
    for i in range(23):
        _create_table(ddb, f"table-{i:02d}")
    paging_steps(steps, ddb.get_paginator("list_tables"), "TableNames", 23)
    record(steps, "search", lambda: list(ddb.get_paginator("list_tables").paginate(
        PaginationConfig={"PageSize": 4}).search("TableNames[?ends_with(@, '1')]")))
    record(steps, "exists", lambda: wait_outcome(ddb, "table_exists", TableName="table-00"))
    record(steps, "missing", lambda: wait_outcome(ddb, "table_exists", TableName="nope", WaiterConfig=NO_WAIT))
    record(steps, "not_exists_yet", lambda: wait_outcome(ddb, "table_not_exists", TableName="table-00",
                                                         WaiterConfig=NO_WAIT))
    ddb.delete_table(TableName="table-00")
    record(steps, "not_exists", lambda: wait_outcome(ddb, "table_not_exists", TableName="table-00"))
    # Scan pages carry Count/ScannedCount (summed) and binary keys (in the resume token).
    _create_table(ddb, "binary", "B")
    for i in range(17):
        ddb.put_item(TableName="binary", Item={"pk": {"B": bytes([i, 0, 255])}, "n": {"N": str(i)}})
    record(steps, "scan", lambda: ddb.get_paginator("scan").paginate(
        TableName="binary", PaginationConfig={"PageSize": 5}).build_full_result())
    cut = record(steps, "scan_cut", lambda: ddb.get_paginator("scan").paginate(
        TableName="binary", PaginationConfig={"PageSize": 5, "MaxItems": 8}).build_full_result())
    record(steps, "scan_rest", lambda: ddb.get_paginator("scan").paginate(
        TableName="binary", PaginationConfig={"StartingToken": cut["NextToken"]}).build_full_result())


def test_dynamodb_paginators_and_waiters_match_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, ddb_scenario, *clients("dynamodb")))
    assert steps["exists"] is None and steps["not_exists"] is None
    assert steps["missing"]["message"] == (
        "Waiter TableExists failed: Max attempts exceeded. Previously accepted state: "
        "Matched expected service error code: ResourceNotFoundException")
    assert steps["not_exists_yet"]["message"] == "Waiter TableNotExists failed: Max attempts exceeded"
    assert steps["scan"]["Count"] == 17
    assert len(steps["scan_cut"]["Items"]) == 8 and len(steps["scan_rest"]["Items"]) == 9


def test_dynamodb_tokens_cross_between_squall_and_boto3(moto_env: str) -> None:
    reset(moto_env)
    ours, theirs = clients("dynamodb")[0](), clients("dynamodb")[1]()
    for i in range(16):
        _create_table(theirs, f"table-{i:02d}")
    _create_table(theirs, "binary", "B")
    for i in range(12):
        theirs.put_item(TableName="binary", Item={"pk": {"B": bytes([i, 0, 255])}})
    exchange_tokens(ours, theirs, "list_tables", "TableNames")
    exchange_tokens(ours, theirs, "scan", "Items", TableName="binary")


# -- SQS (JSON) --------------------------------------------------------------------------


def sqs_scenario(sqs: Any, steps: list) -> None:
    for i in range(21):
        sqs.create_queue(QueueName=f"queue-{i:02d}")
    paging_steps(steps, sqs.get_paginator("list_queues"), "QueueUrls", 21)
    record(steps, "prefix", lambda: sqs.get_paginator("list_queues").paginate(
        QueueNamePrefix="queue-1", PaginationConfig={"PageSize": 3}).build_full_result())


def test_sqs_list_queues_paginator_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, sqs_scenario, *clients("sqs")))
    assert len(steps["prefix"]["QueueUrls"]) == 10


# -- SSM (JSON) --------------------------------------------------------------------------


def ssm_scenario(ssm: Any, steps: list) -> None:
    for i in range(22):
        ssm.put_parameter(Name=f"/app/p{i:02d}", Value=str(i), Type="String")
    paging_steps(steps, ssm.get_paginator("describe_parameters"), "Parameters", 22)
    record(steps, "by_path", lambda: ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/app", PaginationConfig={"PageSize": 4, "MaxItems": 9}).build_full_result())


def test_ssm_paginators_match_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, ssm_scenario, *clients("ssm")))
    assert len(steps["by_path"]["Parameters"]) == 9


# -- S3 (rest-xml) -----------------------------------------------------------------------


def skip_if_s3_paths_are_doubled() -> None:
    """botocore drops ``{Bucket}`` from the model's URIs when the endpoint rules already put
    the bucket in the URL (handlers.remove_bucket_from_url_paths_from_model); until squall
    does the same, every path-style S3 call (all of them against moto) names the wrong key."""
    try:
        from squall.runtime._flow import prepare_request

        client = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s") \
            .client("s3", endpoint_url="http://127.0.0.1:1")
        op = client.meta.service_model.operation_model("ListObjectsV2")
        request, _ = prepare_request(client._context, op, {"Bucket": "probe-bucket"})
        doubled = request.url.count("probe-bucket") > 1
    except Exception:  # the probe itself no longer fits: run the test
        return
    if doubled:
        pytest.skip("squall puts the bucket in S3 paths twice (botocore's remove_bucket_from_url_paths_from_model "
                    "is not implemented yet)")


@needs("rest-xml")
def test_s3_list_objects_over_1100_keys(moto_env: str) -> None:
    """More than one 1,000-key page; kept small because moto lists slowly (the 2,050-key
    S3 listing lives in test_s3_vs_boto3)."""
    skip_if_s3_paths_are_doubled()
    reset(moto_env)
    ours, theirs = clients("s3")[0](), clients("s3")[1]()
    theirs.create_bucket(Bucket="many")
    keys = [f"dir{i % 3}/key-{i:05d}" for i in range(1100)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: theirs.put_object(Bucket="many", Key=k, Body=b"x"), keys))
    for operation in ("list_objects_v2", "list_objects"):
        mine_pages = pages_of(ours.get_paginator(operation), Bucket="many")
        boto_pages = pages_of(theirs.get_paginator(operation), Bucket="many")
        assert len(mine_pages) == len(boto_pages) == 2
        mine = ours.get_paginator(operation).paginate(Bucket="many").build_full_result()
        assert [o["Key"] for o in mine["Contents"]] == sorted(keys)
        assert mine == theirs.get_paginator(operation).paginate(Bucket="many").build_full_result()
        for params in ({"Bucket": "many"}, {"Bucket": "many", "Delimiter": "/"}):
            config = {"MaxItems": 734, "PageSize": 400}
            cut = ours.get_paginator(operation).paginate(**params, PaginationConfig=config).build_full_result()
            assert cut == theirs.get_paginator(operation).paginate(**params, PaginationConfig=config).build_full_result()
            if "NextToken" in cut:
                rest_ours = ours.get_paginator(operation).paginate(
                    **params, PaginationConfig={"StartingToken": cut["NextToken"]}).build_full_result()
                rest_theirs = theirs.get_paginator(operation).paginate(
                    **params, PaginationConfig={"StartingToken": cut["NextToken"]}).build_full_result()
                assert rest_ours == rest_theirs
                assert len(cut["Contents"]) + len(rest_ours["Contents"]) == 1100
    exchange_tokens(ours, theirs, "list_objects_v2", "Contents", Bucket="many")
    exchange_tokens(ours, theirs, "list_objects", "Contents", Bucket="many")


def s3_waiter_scenario(s3: Any, steps: list) -> None:
    record(steps, "not_there", lambda: wait_outcome(s3, "bucket_exists", Bucket="later", WaiterConfig=NO_WAIT))
    record(steps, "bucket_not_exists", lambda: wait_outcome(s3, "bucket_not_exists", Bucket="later"))
    s3.create_bucket(Bucket="later")
    record(steps, "bucket_exists", lambda: wait_outcome(s3, "bucket_exists", Bucket="later"))
    record(steps, "object_missing", lambda: wait_outcome(s3, "object_exists", Bucket="later", Key="k",
                                                         WaiterConfig=NO_WAIT))
    s3.put_object(Bucket="later", Key="k", Body=b"1")
    record(steps, "object_exists", lambda: wait_outcome(s3, "object_exists", Bucket="later", Key="k"))
    record(steps, "versions", lambda: s3.get_paginator("list_object_versions").paginate(
        Bucket="later").build_full_result())


@needs("rest-xml")
def test_s3_waiters_match_boto3(moto_env: str) -> None:
    skip_if_s3_paths_are_doubled()
    steps = dict(compare(moto_env, s3_waiter_scenario, *clients("s3")))
    assert steps["bucket_exists"] is None and steps["object_exists"] is None
    assert steps["bucket_not_exists"] is None
    assert steps["not_there"]["message"] == (
        "Waiter BucketExists failed: Max attempts exceeded. Previously accepted state: "
        "Matched expected HTTP status code: 404")


# -- IAM (query) -------------------------------------------------------------------------


def iam_scenario(iam: Any, steps: list) -> None:
    for i in range(6):
        iam.create_user(UserName=f"user-{i:02d}")
    for i in range(24):  # moto pages roles (it ignores MaxItems for users), ordered by random id
        iam.create_role(RoleName=f"role-{i:02d}", AssumeRolePolicyDocument="{}")
    roles = iam.get_paginator("list_roles")

    def names(result: dict[str, Any]) -> Any:
        return sorted(r["RoleName"] for r in result["Roles"]), result.get("NextToken")

    record(steps, "pages", lambda: [(len(p["Roles"]), p["IsTruncated"], p.get("Marker"))
                                    for p in roles.paginate(PaginationConfig={"PageSize": 10})])
    record(steps, "full", lambda: names(roles.paginate().build_full_result()))
    first = roles.paginate(PaginationConfig={"MaxItems": 7, "PageSize": 5}).build_full_result()
    rest = roles.paginate(PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 5}).build_full_result()
    record(steps, "first7", lambda: (len(first["Roles"]), first["NextToken"]))
    record(steps, "resumed", lambda: names({"Roles": first["Roles"] + rest["Roles"]}))
    record(steps, "users", lambda: scrub(iam.get_paginator("list_users").paginate(
        PaginationConfig={"MaxItems": 4}).build_full_result(), frozenset({"UserId"})))
    record(steps, "user_exists", lambda: wait_outcome(iam, "user_exists", UserName="user-03"))
    record(steps, "user_missing", lambda: wait_outcome(iam, "user_exists", UserName="ghost", WaiterConfig=NO_WAIT))


@needs("query")
def test_iam_paginators_and_waiters_match_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, iam_scenario, *clients("iam")))
    assert [n for n, _, _ in steps["pages"]] == [10, 10, 4] and len(steps["users"]["Users"]) == 4
    assert steps["resumed"] == steps["full"]
    assert steps["user_exists"] is None
    assert "Max attempts exceeded" in steps["user_missing"]["message"]


# -- EC2 (ec2) ---------------------------------------------------------------------------


def ec2_scenario(ec2: Any, steps: list) -> None:
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    for _ in range(4):
        ec2.run_instances(ImageId=image, MinCount=3, MaxCount=3, InstanceType="t2.micro")
    ids = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    paginator = ec2.get_paginator("describe_instances")

    def shape(result: dict[str, Any]) -> Any:  # instance ids, addresses etc. are made up per run
        return ([[i["State"]["Name"] for i in r["Instances"]] for r in result["Reservations"]],
                sorted(k for k in result if k != "Reservations"))

    record(steps, "pages", lambda: [shape(p) for p in paginator.paginate(PaginationConfig={"PageSize": 5})])
    record(steps, "instances", lambda: shape(paginator.paginate().build_full_result()))
    cut = paginator.paginate(PaginationConfig={"MaxItems": 2, "PageSize": 5}).build_full_result()
    record(steps, "instances_cut", lambda: shape(cut))
    record(steps, "instances_rest", lambda: shape(paginator.paginate(
        PaginationConfig={"StartingToken": cut["NextToken"]}).build_full_result()))
    record(steps, "running", lambda: wait_outcome(ec2, "instance_running", InstanceIds=ids))
    record(steps, "exists", lambda: wait_outcome(ec2, "instance_exists", InstanceIds=ids[:2]))
    ec2.terminate_instances(InstanceIds=ids[:1])
    record(steps, "terminated", lambda: wait_outcome(ec2, "instance_terminated", InstanceIds=ids[:1]))
    record(steps, "running_fails", lambda: wait_outcome(ec2, "instance_running", InstanceIds=ids[:1]))


@needs("ec2")
def test_ec2_paginators_and_waiters_match_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, ec2_scenario, *clients("ec2")))
    assert steps["running"] is None and steps["exists"] is None and steps["terminated"] is None
    assert "terminal failure state" in steps["running_fails"]["message"]


def test_waiter_error_is_squall_s(moto_env: str) -> None:
    ddb = squall.session.Session().client("dynamodb")
    with pytest.raises(WaiterError) as info:
        ddb.get_waiter("table_exists").wait(TableName="nope", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    assert info.value.last_response["Error"]["Code"] == "ResourceNotFoundException"
