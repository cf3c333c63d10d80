"""squall.runtime.validate against botocore's ParamValidator, on real service models.

Each case validates the same params with both and compares the full report text
(every line, in order). Besides hand-picked cases, params are generated from the
shapes of many operations: a valid baseline, then one member at a time replaced by
a wrong type, an out-of-range value, an unknown key, a missing required member...
"""
from __future__ import annotations

import datetime
import decimal
import io
from functools import lru_cache
from typing import Any, Iterator

import botocore.session
import botocore.validate
import pytest

from squall.runtime.validate import validate, validation_errors
from squall.exceptions import ParamValidationError
from squall.models.loader import Loader
from squall.models.shapes import ServiceModel, Shape


@lru_cache(maxsize=None)
def _squall_model(service: str) -> ServiceModel:
    raw = Loader.from_data_path().load_service_model(service, "service-2")
    return ServiceModel(raw, service)


@lru_cache(maxsize=None)
def _botocore_model(service: str) -> Any:
    return _botocore_session().get_service_model(service)


@lru_cache(maxsize=None)
def _botocore_session() -> Any:
    return botocore.session.get_session()


def _reports(service: str, operation: str, params: Any) -> tuple[str, str]:
    ours = "\n".join(validation_errors(_squall_model(service).operation_model(operation).input_shape, params))
    shape = _botocore_model(service).operation_model(operation).input_shape
    theirs = botocore.validate.ParamValidator().validate(params, shape).generate_report()
    return ours, theirs


# -- hand-picked cases ---------------------------------------------------------------------

_DT = datetime.datetime(2024, 5, 1, 12, 0, 0)
_OBJ = object()  # one instance, so both reports show the same repr

CASES: list[tuple[str, str, Any]] = [
    ("dynamodb", "PutItem", {}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": {"a": {"S": "x"}}}),
    ("dynamodb", "PutItem", {"TableName": "", "Item": {"a": {"S": 1, "N": 2}}, "Bogus": 1}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": {"a": {}}}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": {"a": {"L": [{"M": {"b": {"SS": ["x", 1]}}}]}}}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": {"a": {"B": 3}, "b": {"BS": ["x", b"y", 4]}}}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": {1: {"S": "x"}}}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": [("a", {"S": "x"})]}),
    ("dynamodb", "PutItem", None),
    ("dynamodb", "PutItem", "TableName"),
    ("dynamodb", "Query", {"TableName": "t", "Limit": 0, "ExpressionAttributeValues": {":v": {"N": 5}}}),
    ("dynamodb", "Query", {"TableName": "t", "Limit": True, "ConsistentRead": "yes"}),
    ("dynamodb", "Query", {"TableName": "t", "Limit": 1.5, "ExclusiveStartKey": {"k": {"NULL": "true"}}}),
    ("dynamodb", "TransactWriteItems", {"TransactItems": []}),
    ("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {"Item": {}}}, {"Update": {"Key": {}}}, {}]}),
    ("dynamodb", "TransactWriteItems", {"TransactItems": ({"Delete": {"TableName": "t", "Key": {"k": {"S": ""}}}},)}),
    ("dynamodb", "BatchWriteItem", {"RequestItems": {"t": [{"PutRequest": {"Item": {"a": {"N": "1"}}}}, {"DeleteRequest": {}}]}}),
    ("dynamodb", "CreateTable", {"TableName": "t", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "a"}],
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": "1"}}),
    ("sqs", "SendMessage", {"QueueUrl": "u", "MessageBody": "b", "DelaySeconds": "5",
                            "MessageAttributes": {"a": {"DataType": "String", "BinaryValue": 5}}}),
    ("sqs", "SendMessageBatch", {"QueueUrl": "u", "Entries": [{"Id": "1"}, {"MessageBody": 2}, "x"]}),
    ("sqs", "ReceiveMessage", {"QueueUrl": "u", "MaxNumberOfMessages": decimal.Decimal(1), "AttributeNames": "All"}),
    ("sqs", "GetQueueAttributes", {"QueueUrl": "u", "AttributeNames": ["All", None]}),
    ("kinesis", "PutRecord", {"StreamName": "s", "Data": 123, "PartitionKey": ""}),
    ("kinesis", "PutRecord", {"StreamName": "s", "Data": bytearray(b"x"), "PartitionKey": "p"}),
    ("kinesis", "PutRecord", {"StreamName": "s", "Data": io.BytesIO(b"x"), "PartitionKey": "p"}),
    ("kinesis", "PutRecords", {"StreamName": "s", "Records": [{"Data": "x"}, {"PartitionKey": "p", "Data": None}]}),
    ("logs", "PutLogEvents", {"logGroupName": "g", "logStreamName": "s",
                              "logEvents": [{"timestamp": "now", "message": "m"}, {"timestamp": 1.5}]}),
    ("logs", "GetLogEvents", {"logGroupName": "g", "logStreamName": "s", "startTime": _DT, "limit": 0}),
    ("logs", "FilterLogEvents", {"logGroupName": "g", "startTime": -1, "endTime": "1", "interleaved": 1}),
    ("cloudwatch", "GetMetricStatistics", {"Namespace": "n", "MetricName": "m", "StartTime": _DT, "EndTime": "2024-05-01",
                                           "Period": 60, "Statistics": ["Average"]}),
    ("cloudwatch", "GetMetricStatistics", {"Namespace": "n", "MetricName": "m", "StartTime": "yesterday",
                                           "EndTime": [], "Period": 0}),
    ("cloudwatch", "PutMetricData", {"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": "1",
                                     "Timestamp": datetime.date(2024, 1, 1), "Values": [1, 2.5, "3"]}]}),
    ("s3", "PutObject", {"Bucket": "b", "Key": "", "Body": 5, "ContentLength": "5", "Expires": "2024-01-01T00:00:00Z"}),
    ("s3", "PutObject", {"Bucket": "b", "Key": "k", "Metadata": {"a": 1, 2: "b"}}),
    ("lambda", "Invoke", {"FunctionName": "f", "Payload": {"not": "bytes"}}),
    ("lambda", "CreateFunction", {"FunctionName": "f", "Role": "r", "Code": {"ZipFile": "x"}, "Timeout": 0,
                                  "Environment": {"Variables": {"A": 1}}, "Tags": []}),
    ("ec2", "RunInstances", {"MinCount": "1", "MaxCount": 0, "TagSpecifications": [{"Tags": [{"Key": 1}]}]}),
    ("ec2", "DescribeInstances", {"Filters": [{"Name": "n", "Values": "v"}], "MaxResults": 5}),
    ("iam", "CreateUser", {"UserName": "", "Tags": [{"Key": "k"}]}),
    ("stepfunctions", "StartExecution", {"stateMachineArn": "a", "input": 5}),
    ("bedrock-runtime", "Converse", {"modelId": "m", "additionalModelRequestFields": {"a": {1, 2}, "b": [_OBJ, {"c": 1j}]},
                                     "messages": [{"role": "user", "content": [{}, {"text": "a", "image": {}}]}]}),
    ("bedrock-runtime", "Converse", {"modelId": "m", "additionalModelRequestFields": "text",
                                     "toolConfig": {"tools": [{"toolSpec": {"name": "n", "inputSchema": {"json": 5}}}]}}),
    ("bedrock-runtime", "Converse", {"modelId": "m", "additionalModelRequestFields": 1.5}),
    ("lex-runtime", "PostContent", {"botName": "b", "botAlias": "a", "userId": "u", "contentType": "c",
                                    "inputStream": b"", "sessionAttributes": {"a": _OBJ}, "requestAttributes": "x"}),
    ("sns", "Publish", {"Message": "m", "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "x"}}}),
]


@pytest.mark.parametrize("service,operation,params", CASES,
                         ids=[f"{s}.{o}#{i}" for i, (s, o, _) in enumerate(CASES)])
def test_report_matches_botocore(service: str, operation: str, params: Any) -> None:
    ours, theirs = _reports(service, operation, params)
    assert ours == theirs


def test_raises_param_validation_error_with_every_problem() -> None:
    shape = _squall_model("dynamodb").operation_model("PutItem").input_shape
    with pytest.raises(ParamValidationError) as info:
        validate(shape, {"Item": {"a": {"S": 1}}, "Nope": True})
    text = str(info.value)
    assert text.startswith("Parameter validation failed:\n")
    assert 'Missing required parameter in input: "TableName"' in text
    assert 'Unknown parameter in input: "Nope", must be one of:' in text
    assert "Invalid type for parameter Item.a.S, value: 1, type: <class 'int'>, valid types: <class 'str'>" in text
    validate(shape, {"TableName": "t", "Item": {}})  # no error
    validate(None, {"anything": 1})  # operations without input accept anything, as in botocore


# -- generated cases -----------------------------------------------------------------------

_SERVICES = {
    "dynamodb": None, "sqs": None, "kinesis": None, "logs": None, "lambda": None,
    "sns": None, "stepfunctions": None, "cloudwatch": None, "secretsmanager": None,
    "ssm": 40, "s3": 40, "iam": 40, "ec2": 30, "ecs": 30, "glue": 30,
    "bedrock-runtime": None, "lex-runtime": None, "route53": 20, "apigateway": 20,
}

_WRONG_BY_TYPE: dict[str, list[Any]] = {
    "string": [1, None, ["a"], "", "ok", b"bytes"],
    "integer": ["1", 1.5, True, -(10 ** 12), 0, None],
    "long": ["1", 2 ** 70, -1, decimal.Decimal(1)],
    "float": ["1.0", decimal.Decimal("1.5"), 1, True, -1e300],
    "double": ["1.0", decimal.Decimal("1.5"), 1, -1e300, None],
    "boolean": [1, "true", None, False],
    "blob": [123, bytearray(b"x"), io.BytesIO(b"x"), "text", None, [b"x"]],
    "timestamp": ["2024-01-01", "2024-01-01T00:00:00.5+02:00", "Tue, 29 Apr 2014 18:30:38 GMT",
                  "not a date", "2024-13-45", 1714564800, "1714564800", [], None,
                  datetime.date(2024, 1, 1), _DT, True],
    "list": ["notalist", (), [], {"a": 1}],
    "map": [[], {}, {1: None}, "x"],
    "structure": [[], {}, {"UnknownMember": 1}, None, "x"],
}


def _valid(shape: Shape, depth: int = 0) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return {"doc": [1, "a", {"b": None}]}
        if depth > 3:
            return {}
        members = shape.members
        if shape.is_tagged_union:
            first = next(iter(members))
            return {first: _valid(members[first], depth + 1)}
        return {name: _valid(members[name], depth + 1) for name in shape.required_members if name in members}
    if kind == "list":
        count = max(1, int(shape.metadata.get("min", 1)))
        return [_valid(shape.member, depth + 1) for _ in range(min(count, 2))]
    if kind == "map":
        return {"key": _valid(shape.value, depth + 1)}
    if kind == "string":
        return "v" * max(1, int(shape.metadata.get("min", 1)))
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return float(shape.metadata.get("min", 1.5))
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"blob"
    if kind == "timestamp":
        return _DT
    raise AssertionError(kind)


def _mutations(shape: Shape, base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield {}
    yield dict(base, NotAMember=1)
    for name, member in shape.members.items():
        for wrong in _WRONG_BY_TYPE[member.type_name]:
            yield dict(base, **{name: wrong})
        if member.type_name == "structure" and not member.is_document_type:
            inner = _valid(member, 1)
            if isinstance(inner, dict):
                for sub_name, sub in list(member.members.items())[:6]:
                    for wrong in _WRONG_BY_TYPE[sub.type_name][:3]:
                        yield dict(base, **{name: dict(inner, **{sub_name: wrong})})
        if member.type_name == "list":
            item = _valid(member.member, 1)
            yield dict(base, **{name: [item, *(_WRONG_BY_TYPE[member.member.type_name][:3])]})
        if member.type_name == "map":
            yield dict(base, **{name: {"a": _valid(member.value, 1),
                                       "b": _WRONG_BY_TYPE[member.value.type_name][0]}})


def _generated() -> Iterator[Any]:
    for service, limit in _SERVICES.items():
        model = _squall_model(service)
        names = model.operation_names[:limit] if limit else model.operation_names
        for operation in names:
            yield pytest.param(service, operation, id=f"{service}.{operation}")


@pytest.mark.parametrize("service,operation", list(_generated()))
def test_generated_reports_match_botocore(service: str, operation: str) -> None:
    shape = _squall_model(service).operation_model(operation).input_shape
    if shape is None:
        return
    base = _valid(shape)
    for params in _mutations(shape, base):
        ours, theirs = _reports(service, operation, params)
        assert ours == theirs, params
