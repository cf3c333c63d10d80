"""Paginators against botocore's: the same fake service answers both, and the pages,
calls, resume tokens, full results and errors must agree (tokens interchangeably)."""
from __future__ import annotations

import copy
import datetime
import glob
import json
import os
from typing import Any

import botocore.loaders
import botocore.paginate as bp
import botocore.session
import jmespath
import pytest

import squall
from squall.exceptions import OperationNotPageableError, PaginationError
from squall.models import Loader, service_model_for
from squall.runtime import paginate as sp

LOADER = Loader.from_data_path()
_BOTO_SESSION = botocore.session.get_session()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _key(values: list[Any]) -> str:
    return repr([v if v else None for v in values])


class FakeService:
    """Serves a fixed chain of pages: the request tokens select the page that the
    previous page's output tokens point at. Records every call."""

    def __init__(self, config: dict[str, Any], pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.calls: list[dict[str, Any]] = []
        self.inputs = _as_list(config["input_token"])
        outputs = [jmespath.compile(e) for e in _as_list(config["output_token"])]
        self.index = {_key([o.search(p) for o in outputs]): i + 1 for i, p in enumerate(pages[:-1])}

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(copy.deepcopy(kwargs))
        tokens = [kwargs.get(name) for name in self.inputs]
        index = 0 if all(t is None for t in tokens) else self.index[_key(tokens)]
        return copy.deepcopy(self.pages[index])


def _ops(service: str, operation: str) -> tuple[Any, Any, dict[str, Any]]:
    boto_op = _BOTO_SESSION.get_service_model(service).operation_model(operation)
    squall_op = service_model_for(LOADER, service).operation_model(operation)
    config = dict(sp.paginator_model_for(LOADER, service, None).get_paginator(operation))
    return boto_op, squall_op, config


def _run(lib: str, service: str, operation: str, pages: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    boto_op, squall_op, config = _ops(service, operation)
    fake = FakeService(config, pages)
    if lib == "botocore":
        paginator: Any = bp.Paginator(fake, config, boto_op)
    else:
        paginator = sp.Paginator(fake, config, squall_op)
    out: dict[str, Any] = {}
    try:
        iterator = paginator.paginate(**copy.deepcopy(kwargs))
        out["pages"] = [copy.deepcopy(p) for p in iterator]
        out["resume"] = iterator.resume_token
        out["non_aggregate"] = iterator.non_aggregate_part
        out["calls"] = list(fake.calls)
        out["full"] = paginator.paginate(**copy.deepcopy(kwargs)).build_full_result()
        primary = _as_list(config["result_key"])[0]
        out["search"] = list(paginator.paginate(**copy.deepcopy(kwargs)).search(primary))
    except Exception as exc:  # both must fail alike
        out["error"] = (type(exc).__name__, str(exc))
    return out


def _b(n: int) -> bytes:
    return bytes([n, 0, 255 - n])


SCENARIOS: dict[str, tuple[str, str, list[dict[str, Any]]]] = {
    "dynamodb-list-tables": ("dynamodb", "ListTables", [
        {"TableNames": ["a1", "a2", "a3"], "LastEvaluatedTableName": "a3"},
        {"TableNames": [], "LastEvaluatedTableName": "a3x"},  # an empty page in the middle
        {"TableNames": ["b1", "b2"], "LastEvaluatedTableName": "b2"},
        {"TableNames": ["c1"]},
    ]),
    "dynamodb-scan-bytes-keys": ("dynamodb", "Scan", [
        {"Items": [{"pk": {"B": _b(i)}} for i in range(3)], "Count": 3, "ScannedCount": 5,
         "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1.5},
         "LastEvaluatedKey": {"pk": {"B": _b(2)}, "sk": {"S": "x"}}},
        {"Items": [{"pk": {"B": _b(i)}} for i in range(3, 5)], "Count": 2, "ScannedCount": 2,
         "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5},
         "LastEvaluatedKey": {"pk": {"B": _b(4)}, "sk": {"S": "y"}}},
        {"Items": [{"pk": {"B": _b(i)}} for i in range(5, 8)], "Count": 3, "ScannedCount": 4},
    ]),
    "s3-list-objects-jmespath-token": ("s3", "ListObjects", [
        {"IsTruncated": True, "Contents": [{"Key": k, "Size": 1} for k in "abc"],
         "CommonPrefixes": [{"Prefix": "p1/"}], "Name": "bkt"},
        {"IsTruncated": True, "Contents": [{"Key": k, "Size": 2} for k in "de"], "NextMarker": "e2",
         "CommonPrefixes": [{"Prefix": "p2/"}, {"Prefix": "p3/"}], "Name": "bkt"},
        {"IsTruncated": True, "CommonPrefixes": [{"Prefix": "p4/"}], "NextMarker": "p4/", "Name": "bkt"},
        {"IsTruncated": False, "Contents": [{"Key": "f", "Size": 3}], "NextMarker": "zz", "Name": "bkt"},
        {"IsTruncated": False, "Contents": [{"Key": "never", "Size": 3}], "Name": "bkt"},
    ]),
    "s3-list-object-versions-two-tokens": ("s3", "ListObjectVersions", [
        {"IsTruncated": True, "Versions": [{"Key": "k1", "VersionId": "v1"}, {"Key": "k2", "VersionId": "v2"}],
         "DeleteMarkers": [{"Key": "k0", "VersionId": "d1"}], "NextKeyMarker": "k2", "NextVersionIdMarker": "v2"},
        {"IsTruncated": True, "Versions": [{"Key": "k3", "VersionId": "v3"}], "DeleteMarkers": [],
         "NextKeyMarker": "k3"},
        {"IsTruncated": False, "Versions": [{"Key": f"k{i}", "VersionId": f"v{i}"} for i in range(4, 7)],
         "DeleteMarkers": [{"Key": "k5", "VersionId": "d2"}, {"Key": "k6", "VersionId": "d3"}]},
    ]),
    "kinesis-describe-stream-nested": ("kinesis", "DescribeStream", [
        {"StreamDescription": {
            "StreamName": "s", "StreamARN": "arn:s", "StreamStatus": "ACTIVE", "RetentionPeriodHours": 24,
            "EnhancedMonitoring": [{"ShardLevelMetrics": []}], "HasMoreShards": True,
            "StreamCreationTimestamp": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
            "Shards": [{"ShardId": f"shard-{i}"} for i in range(2)]}},
        {"StreamDescription": {
            "StreamName": "s", "StreamARN": "arn:s", "StreamStatus": "ACTIVE", "HasMoreShards": False,
            "Shards": [{"ShardId": f"shard-{i}"} for i in range(2, 5)]}},
    ]),
    "route53-three-tokens-string-limit": ("route53", "ListResourceRecordSets", [
        {"IsTruncated": True, "MaxItems": "2", "ResourceRecordSets": [{"Name": "a.", "Type": "A"}, {"Name": "b.", "Type": "A"}],
         "NextRecordName": "c.", "NextRecordType": "A"},
        {"IsTruncated": True, "MaxItems": "2", "ResourceRecordSets": [{"Name": "c.", "Type": "A"}, {"Name": "d.", "Type": "CNAME"}],
         "NextRecordName": "e.", "NextRecordType": "CNAME", "NextRecordIdentifier": "id-1"},
        {"IsTruncated": False, "MaxItems": "2", "ResourceRecordSets": [{"Name": "e.", "Type": "CNAME"}]},
    ]),
    "logs-two-list-result-keys": ("logs", "FilterLogEvents", [
        {"events": [{"message": "m1"}, {"message": "m2"}], "searchedLogStreams": [{"logStreamName": "a"}],
         "nextToken": "t1"},
        {"events": [], "searchedLogStreams": [{"logStreamName": "b"}], "nextToken": "t2"},
        {"events": [{"message": "m3"}, {"message": "m4"}, {"message": "m5"}], "searchedLogStreams": []},
    ]),
}


def _total(service: str, operation: str, pages: list[dict[str, Any]]) -> int:
    config = sp.paginator_model_for(LOADER, service, None).get_paginator(operation)
    primary = jmespath.compile(_as_list(config["result_key"])[0])
    return sum(len(primary.search(p) or []) for p in pages)


def _cases() -> list[Any]:
    cases = []
    for name, (service, operation, pages) in SCENARIOS.items():
        for max_items in [None, *range(1, _total(service, operation, pages) + 2)]:
            for page_size in (None, 2):
                cases.append(pytest.param(name, max_items, page_size, id=f"{name}-max{max_items}-size{page_size}"))
    return cases


@pytest.mark.parametrize("name,max_items,page_size", _cases())
def test_pages_tokens_and_resumes_match_botocore(name: str, max_items: int | None, page_size: int | None) -> None:
    service, operation, pages = SCENARIOS[name]
    config: dict[str, Any] = {}
    if max_items is not None:
        config["MaxItems"] = max_items
    if page_size is not None:
        config["PageSize"] = page_size
    kwargs = {"PaginationConfig": config} if config else {}
    ours = _run("squall", service, operation, pages, **kwargs)
    theirs = _run("botocore", service, operation, pages, **kwargs)
    assert ours == theirs
    # Resume from wherever MaxItems stopped, with each library's token in the other library.
    token = theirs.get("resume")
    while token is not None:
        resume_cfg = dict(config, StartingToken=token)
        ours = _run("squall", service, operation, pages, PaginationConfig=resume_cfg)
        theirs = _run("botocore", service, operation, pages, PaginationConfig=resume_cfg)
        assert ours == theirs
        token = theirs.get("resume")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_squall_token_resumes_in_botocore_and_back(name: str) -> None:
    service, operation, pages = SCENARIOS[name]
    squall_token = _run("squall", service, operation, pages, PaginationConfig={"MaxItems": 2})["resume"]
    boto_token = _run("botocore", service, operation, pages, PaginationConfig={"MaxItems": 2})["resume"]
    assert squall_token == boto_token
    in_botocore = _run("botocore", service, operation, pages, PaginationConfig={"StartingToken": squall_token})
    in_squall = _run("squall", service, operation, pages, PaginationConfig={"StartingToken": boto_token})
    assert in_botocore == in_squall and "error" not in in_squall


def test_bytes_in_token_use_boto_encoded_keys() -> None:
    service, operation, pages = SCENARIOS["dynamodb-scan-bytes-keys"]
    token = _run("squall", service, operation, pages, PaginationConfig={"MaxItems": 4})["resume"]
    decoded = json.loads(__import__("base64").b64decode(token))
    assert decoded["boto_encoded_keys"] == [["ExclusiveStartKey", "pk", "B"]]
    assert decoded["boto_truncate_amount"] == 1
    assert sp.TokenDecoder().decode(token)["ExclusiveStartKey"]["pk"]["B"] == _b(2)
    assert sp.TokenEncoder().encode({"a": [b"\x00", {"b": b"\xff"}]}) == bp.TokenEncoder().encode({"a": [b"\x00", {"b": b"\xff"}]})


@pytest.mark.parametrize("token", [
    "a3", "a3___1", "None___2", "a3___x", "plain-opaque-token", "b2___", "eyJub3Rqc29u",
])
def test_old_style_and_opaque_starting_tokens_match_botocore(token: str) -> None:
    service, operation, pages = SCENARIOS["dynamodb-list-tables"]
    ours = _run("squall", service, operation, pages, PaginationConfig={"StartingToken": token})
    theirs = _run("botocore", service, operation, pages, PaginationConfig={"StartingToken": token})
    assert ours == theirs


def test_too_many_parts_in_old_style_token_is_rejected_like_botocore() -> None:
    service, operation, pages = SCENARIOS["dynamodb-list-tables"]
    ours = _run("squall", service, operation, pages, PaginationConfig={"StartingToken": "a___b___1"})
    theirs = _run("botocore", service, operation, pages, PaginationConfig={"StartingToken": "a___b___1"})
    assert ours == theirs
    assert ours["error"] == ("ValueError", "Bad starting token: a___b___1")


def test_page_size_without_limit_key_and_repeated_token_errors() -> None:
    boto_op, squall_op, config = _ops("dynamodb", "ListTables")
    config = dict(config)
    del config["limit_key"]
    for paginator in (sp.Paginator(lambda **kw: {}, config, squall_op), bp.Paginator(lambda **kw: {}, config, boto_op)):
        with pytest.raises(Exception) as info:
            paginator.paginate(PaginationConfig={"PageSize": 3})
        assert type(info.value).__name__ == "PaginationError"
        assert str(info.value) == ("Error during pagination: PageSize parameter is not supported for the "
                                   "pagination interface for this operation.")
    stuck = lambda **kw: {"TableNames": ["x"], "LastEvaluatedTableName": "same"}  # noqa: E731
    messages = []
    for paginator in (sp.Paginator(stuck, config, squall_op), bp.Paginator(stuck, config, boto_op)):
        with pytest.raises(Exception) as info:
            list(paginator.paginate())
        messages.append(str(info.value))
    assert messages[0] == messages[1] == (
        "Error during pagination: The same next token was received twice: {'ExclusiveStartTableName': 'same'}")
    with pytest.raises(PaginationError):
        list(sp.Paginator(stuck, config, squall_op).paginate())


def test_resume_token_setter_validates_like_botocore() -> None:
    _, squall_op, config = _ops("dynamodb", "ListTables")
    iterator = sp.Paginator(lambda **kw: {}, config, squall_op).paginate()
    with pytest.raises(ValueError, match="Bad starting token"):
        iterator.resume_token = {"Nope": 1}
    with pytest.raises(ValueError, match="Bad starting token"):
        iterator.resume_token = "string"  # type: ignore[assignment]
    iterator.resume_token = {"ExclusiveStartTableName": "t", "boto_truncate_amount": 2}
    assert iterator.resume_token == bp.TokenEncoder().encode({"ExclusiveStartTableName": "t", "boto_truncate_amount": 2})


def test_search_yields_non_list_results_directly_and_result_key_iters() -> None:
    service, operation, pages = SCENARIOS["dynamodb-scan-bytes-keys"]
    _, squall_op, config = _ops(service, operation)
    paginator = sp.Paginator(FakeService(config, pages), config, squall_op)
    assert list(paginator.paginate().search("Count")) == [3, 2, 3]
    assert list(paginator.paginate().search("Items[].pk.B")) == [_b(i) for i in range(8)]
    items, counts, scanned = paginator.paginate().result_key_iters()
    assert len(list(items)) == 8
    assert [k.expression for k in paginator.result_keys or []] == ["Items", "Count", "ScannedCount"]
    full = paginator.paginate().build_full_result()
    assert full["Count"] == 8 and full["ScannedCount"] == 11
    assert full["ConsumedCapacity"] == {"TableName": "t", "CapacityUnits": 1.5}


def test_iterating_twice_restarts() -> None:
    # botocore reuses the request dict between iterations (a second pass resumes at the
    # last page); squall restarts, which is what build_full_result() after a loop expects.
    service, operation, pages = SCENARIOS["dynamodb-list-tables"]
    _, squall_op, config = _ops(service, operation)
    iterator = sp.Paginator(FakeService(config, pages), config, squall_op).paginate()
    first = list(iterator)
    assert list(iterator) == first


def test_set_value_from_jmespath_rejects_non_dotted_paths() -> None:
    target: dict[str, Any] = {}
    sp.set_value_from_jmespath(target, "a.b.c", 1)
    assert target == {"a": {"b": {"c": 1}}}
    for bad in ("", ".", "a[0]", "a.*", "a..b"):
        with pytest.raises(sp.InvalidExpressionError):
            sp.set_value_from_jmespath({}, bad, 1)


# -- models and the client surface --------------------------------------------------------


def _services_with(type_name: str) -> list[str]:
    root = os.path.dirname(botocore.loaders.__file__) + "/data"
    return sorted({p.split(os.sep)[-3] for p in glob.glob(f"{root}/*/*/{type_name}.json")})


def test_every_paginator_model_matches_botocore_loader() -> None:
    boto_loader = botocore.loaders.create_loader()
    services = _services_with("paginators-1")
    assert len(services) > 300
    for service in services:
        theirs = boto_loader.load_service_model(service, "paginators-1")["pagination"]
        model = sp.paginator_model_for(LOADER, service, None)
        assert set(model.operation_names) == set(theirs), service
        for operation, config in theirs.items():
            assert model.get_paginator(operation) == config, (service, operation)
            # Every config compiles into a paginator (all expressions are valid).
            sp.Paginator(lambda **kw: {}, config, None)  # type: ignore[arg-type]


def test_models_are_cached_once_per_process() -> None:
    assert sp.paginator_model_for(LOADER, "s3", None) is sp.paginator_model_for(LOADER, "s3", None)
    assert sp.paginator_model_for(LOADER, "s3", "2006-03-01") is sp.paginator_model_for(LOADER, "s3", "2006-03-01")


@pytest.mark.parametrize("service", ["dynamodb", "s3", "ec2", "sqs", "iam", "route53", "kinesis", "sts"])
def test_client_surface_matches_boto3(service: str) -> None:
    import boto3

    kwargs = dict(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    ours = squall.session.Session(**kwargs).client(service)
    theirs = boto3.session.Session(**kwargs).client(service)
    names = sorted(ours.meta.method_to_api_mapping)
    assert names == sorted(theirs.meta.method_to_api_mapping)
    assert [ours.can_paginate(n) for n in names] == [theirs.can_paginate(n) for n in names]
    for name in names:
        if theirs.can_paginate(name):
            mine, boto = ours.get_paginator(name), theirs.get_paginator(name)
            assert type(mine).__name__ == type(boto).__name__
            assert [k.expression for k in mine.result_keys] == [k.expression for k in boto.result_keys]
        else:
            with pytest.raises(OperationNotPageableError) as info:
                ours.get_paginator(name)
            assert str(info.value) == f"Operation cannot be paginated: {name}"
    with pytest.raises(KeyError):
        ours.can_paginate("no_such_operation")
    with pytest.raises(KeyError):
        theirs.can_paginate("no_such_operation")


def test_paginator_calls_the_client_method() -> None:
    session = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    client = session.client("dynamodb")
    calls: list[dict[str, Any]] = []

    def fake_list_tables(**kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return {"TableNames": ["one"]} if "ExclusiveStartTableName" in kwargs else {
            "TableNames": ["zero"], "LastEvaluatedTableName": "zero"}

    client.list_tables = fake_list_tables  # instance attribute: what get_paginator looks up
    result = client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": "5"}).build_full_result()
    assert result == {"TableNames": ["zero", "one"]}
    assert calls == [{"Limit": 5}, {"Limit": 5, "ExclusiveStartTableName": "zero"}]


def test_paginator_validation_errors_come_from_the_call() -> None:
    session = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    client = session.client("dynamodb", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(squall.exceptions.ParamValidationError):
        list(client.get_paginator("list_tables").paginate(Bogus=1))


