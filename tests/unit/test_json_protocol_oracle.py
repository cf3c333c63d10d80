"""squall's awsJson serializer and parser against botocore's, on real service models.

Requests: the same params through both serializers; method, path, headers, host
prefix and the body bytes must be identical. Responses: the same HTTP response
through both parsers (botocore's error path includes the endpoint's merge of
modeled error members); the results must be equal.
"""
from __future__ import annotations

import datetime
import io
import json
from typing import Any

import botocore.serialize
import pytest

from squall.http._values import HttpResponse
from squall.protocols import parser_for, serializer_for

from _wire_oracle import (
    ChunkedRaw, assert_same_result, botocore_model, botocore_parse, drain, event_message,
    squall_model, squall_parse,
)

UTC = datetime.timezone.utc
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))


# -- requests ------------------------------------------------------------------------------

_ITEM = {
    "pk": {"S": "user#1"},
    "n": {"N": "12.5"},
    "bin": {"B": b"\x00\x01\xffbinary"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [b"x", b"\xfe"]},
    "m": {"M": {"inner": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False},
                                {"M": {"deep": {"B": b"deep"}}}]}}},
    "unicode": {"S": "h\u00e9llo \u2603 \U0001f600"},
}

REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("sqs", "SendMessage", {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123/q", "MessageBody": "hello",
        "DelaySeconds": 5,
        "MessageAttributes": {
            "a": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
            "c": {"DataType": "Binary", "BinaryListValues": [b"1", b"2"], "StringListValues": ["x"]},
        },
        "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}},
        "MessageDeduplicationId": "d", "MessageGroupId": "g",
    }),
    ("sqs", "ReceiveMessage", {
        "QueueUrl": "u", "AttributeNames": ["All"], "MessageSystemAttributeNames": ["SentTimestamp"],
        "MessageAttributeNames": ["All"], "MaxNumberOfMessages": 10, "VisibilityTimeout": 30,
        "WaitTimeSeconds": 20, "ReceiveRequestAttemptId": "r",
    }),
    ("sqs", "SendMessageBatch", {"QueueUrl": "u", "Entries": [
        {"Id": "1", "MessageBody": "a", "MessageAttributes": {"k": {"DataType": "Number", "StringValue": "1"}}},
        {"Id": "2", "MessageBody": "b", "DelaySeconds": 0},
    ]}),
    ("sqs", "GetQueueAttributes", {"QueueUrl": "u", "AttributeNames": ["All", "Policy"]}),
    ("sqs", "ListQueues", {}),
    ("dynamodb", "PutItem", {
        "TableName": "t", "Item": _ITEM, "ConditionExpression": "attribute_not_exists(#p)",
        "ExpressionAttributeNames": {"#p": "pk"}, "ExpressionAttributeValues": {":v": {"B": b"v"}},
        "ReturnValues": "ALL_OLD",
    }),
    ("dynamodb", "Query", {
        "TableName": "t", "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "user#1"}},
        "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"B": b"\x01"}},
        "Limit": 10, "ScanIndexForward": False, "ConsistentRead": True,
    }),
    ("dynamodb", "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "t", "Item": _ITEM}},
        {"Update": {"TableName": "t", "Key": {"pk": {"S": "k"}}, "UpdateExpression": "SET a = :a",
                    "ExpressionAttributeValues": {":a": {"L": [{"N": "1"}, {"B": b"b"}]}}}},
        {"Delete": {"TableName": "t", "Key": {"pk": {"S": "k"}}}},
        {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "k"}},
                            "ConditionExpression": "attribute_exists(pk)"}},
    ], "ClientRequestToken": "tok"}),
    ("dynamodb", "BatchWriteItem", {"RequestItems": {"t": [
        {"PutRequest": {"Item": {"a": {"N": "1"}}}}, {"DeleteRequest": {"Key": {"a": {"N": "2"}}}},
    ]}}),
    ("dynamodb", "ListTables", {}),
    ("kinesis", "PutRecord", {"StreamName": "s", "Data": b"\x00\x01binary", "PartitionKey": "p",
                              "ExplicitHashKey": "1", "SequenceNumberForOrdering": "2"}),
    ("kinesis", "PutRecord", {"StreamName": "s", "Data": "text data \u00e9", "PartitionKey": "p"}),
    ("kinesis", "PutRecord", {"StreamName": "s", "Data": bytearray(b"\x10\x20"), "PartitionKey": "p"}),
    ("kinesis", "PutRecords", {"StreamName": "s", "Records": [
        {"Data": b"a" * 100, "PartitionKey": "1"}, {"Data": b"", "PartitionKey": "2"}]}),
    ("kinesis", "GetShardIterator", {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP",
                                     "Timestamp": datetime.datetime(2024, 5, 1, 12, 30, 15, 999999)}),
    ("kinesis", "GetShardIterator", {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP",
                                     "Timestamp": datetime.datetime(2024, 5, 1, 12, 30, 15, tzinfo=PLUS2)}),
    ("kinesis", "GetShardIterator", {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP",
                                     "Timestamp": "2024-05-01T12:30:15.5Z"}),
    ("kinesis", "GetShardIterator", {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP",
                                     "Timestamp": 1714566615}),
    ("kinesis", "GetShardIterator", {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP",
                                     "Timestamp": "1714566615.75"}),
    ("kinesis", "ListShards", {"StreamName": "s", "StreamCreationTimestamp": "Wed, 01 May 2024 12:30:15 GMT"}),
    ("logs", "PutLogEvents", {"logGroupName": "g", "logStreamName": "s", "logEvents": [
        {"timestamp": 1714566615000, "message": "m1"}, {"timestamp": 1714566615001, "message": "m2"}]}),
    ("logs", "FilterLogEvents", {"logGroupName": "g", "startTime": 1, "endTime": 2, "filterPattern": "ERROR",
                                 "logStreamNames": ["a", "b"], "limit": 50}),
    ("logs", "GetLogObject", {"logObjectPointer": "p"}),
    ("logs", "StartLiveTail", {"logGroupIdentifiers": ["arn:aws:logs:us-east-1:1:log-group:g"]}),
    ("events", "PutEvents", {"Entries": [
        {"Time": datetime.datetime(2024, 1, 2, 3, 4, 5), "Source": "s", "DetailType": "d", "Detail": "{}"},
        {"Time": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=PLUS2), "Source": "s"},
        {"Time": "2024-01-02", "Source": "s"},
    ]}),
    ("secretsmanager", "CreateSecret", {"Name": "n", "SecretBinary": b"\x00secret", "Tags": [{"Key": "k", "Value": "v"}],
                                        "ForceOverwriteReplicaSecret": True}),
    ("kms", "Encrypt", {"KeyId": "k", "Plaintext": b"plain", "EncryptionContext": {"a": "b"}}),
    ("stepfunctions", "StartSyncExecution", {"stateMachineArn": "arn", "input": "{\"a\": 1}"}),
    ("stepfunctions", "TestState", {"definition": "{}", "roleArn": "r"}),
    ("servicediscovery", "DiscoverInstances", {"NamespaceName": "n", "ServiceName": "s",
                                               "QueryParameters": {"a": "b"}, "MaxResults": 5}),
    ("ssm", "PutParameter", {"Name": "n", "Value": "v", "Type": "SecureString", "Overwrite": True}),
    ("ecs", "RunTask", {"taskDefinition": "td", "count": 2, "overrides": {"containerOverrides": [
        {"name": "c", "environment": [{"name": "A", "value": "1"}], "cpu": 256, "memory": 512}]}}),
    ("glue", "CreateTable", {"DatabaseName": "d", "TableInput": {
        "Name": "t", "LastAccessTime": datetime.datetime(2020, 1, 1, tzinfo=UTC),
        "StorageDescriptor": {"Columns": [{"Name": "c", "Type": "int"}], "NumberOfBuckets": -1},
        "Parameters": {"classification": "csv"}}}),
    ("cloudwatch", "GetMetricData", {
        "MetricDataQueries": [{"Id": "q", "MetricStat": {"Metric": {"Namespace": "n", "MetricName": "m",
                               "Dimensions": [{"Name": "d", "Value": "v"}]}, "Period": 60, "Stat": "Average"}}],
        "StartTime": datetime.datetime(2024, 1, 1, tzinfo=UTC), "EndTime": datetime.datetime(2024, 1, 2, tzinfo=UTC)}),
    ("cloudwatch", "PutMetricData", {"Namespace": "n", "MetricData": [
        {"MetricName": "m", "Value": 1.5, "Values": [1.0, 2.25], "Counts": [1, 2],
         "Timestamp": datetime.datetime(2024, 1, 1, tzinfo=UTC), "StorageResolution": 1}]}),
]


@pytest.mark.parametrize("service,operation,params", REQUESTS,
                         ids=[f"{s}.{o}#{i}" for i, (s, o, _) in enumerate(REQUESTS)])
def test_request_matches_botocore(service: str, operation: str, params: dict[str, Any]) -> None:
    ours = serializer_for("json")(squall_model(service).operation_model(operation), params)
    serializer = botocore.serialize.create_serializer("json", include_validation=False)
    theirs = serializer.serialize_to_request(params, botocore_model(service).operation_model(operation))
    assert ours.method == theirs["method"]
    assert ours.path == theirs["url_path"]
    assert ours.query == ()
    assert dict(ours.headers) == theirs["headers"]
    assert ours.host_prefix == theirs.get("host_prefix")
    assert isinstance(ours.body, bytes)
    assert ours.body == theirs["body"]
    json.loads(ours.body)


def test_file_like_blob_is_read() -> None:
    op = squall_model("kinesis").operation_model("PutRecord")
    request = serializer_for("json")(op, {"StreamName": "s", "Data": io.BytesIO(b"abc"), "PartitionKey": "p"})
    assert json.loads(request.body)["Data"] == "YWJj"


def test_millisecond_precision() -> None:
    op = squall_model("kinesis").operation_model("GetShardIterator")
    when = datetime.datetime(2024, 5, 1, 12, 30, 15, 123999, tzinfo=UTC)
    params = {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": when}
    ours = serializer_for("json")(op, params, timestamp_precision="millisecond")
    theirs = botocore.serialize.create_serializer(
        "json", include_validation=False, timestamp_precision="millisecond"
    ).serialize_to_request(params, botocore_model("kinesis").operation_model("GetShardIterator"))
    assert ours.body == theirs["body"]


# -- responses -----------------------------------------------------------------------------

def _botocore_parse(service: str, operation: str, status: int, headers: dict[str, str], body: bytes) -> Any:
    return botocore_parse(botocore_model(service).operation_model(operation), "json", status, headers, body)


def _squall_parse(service: str, operation: str, status: int, headers: dict[str, str], body: bytes) -> Any:
    return squall_parse(squall_model(service).operation_model(operation), "json", status, headers, body)


_HEADERS = {"x-amzn-RequestId": "req-1", "Content-Type": "application/x-amz-json-1.0"}

RESPONSES: list[tuple[str, str, int, dict[str, str], Any]] = [
    ("dynamodb", "GetItem", 200, _HEADERS, {"Item": {
        "pk": {"S": "a"}, "b": {"B": "AAH/"}, "bs": {"BS": ["eA==", "/g=="]},
        "m": {"M": {"l": {"L": [{"NULL": True}, {"N": "1"}, {"M": {"d": {"B": "ZGVlcA=="}}}]}}}},
        "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}}),
    ("dynamodb", "Query", 200, _HEADERS, {"Items": [{"a": {"S": "1"}}, {"a": {"BOOL": False}}], "Count": 2,
                                          "ScannedCount": 2, "LastEvaluatedKey": {"a": {"B": "AQ=="}}}),
    ("dynamodb", "DescribeTable", 200, _HEADERS, {"Table": {
        "TableName": "t", "CreationDateTime": 1714566615.123, "TableStatus": "ACTIVE",
        "ProvisionedThroughput": {"LastIncreaseDateTime": 0, "NumberOfDecreasesToday": 0},
        "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "Unknown": "ignored"}}),
    ("dynamodb", "ListTables", 200, {}, {}),
    ("dynamodb", "ListTables", 200, {}, b""),
    ("sqs", "ReceiveMessage", 200, _HEADERS, {"Messages": [{
        "MessageId": "m", "ReceiptHandle": "r", "MD5OfBody": "x", "Body": "hello",
        "Attributes": {"SentTimestamp": "1714566615000"},
        "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": "AP8="},
                              "s": {"DataType": "String", "StringValue": "v"}}}]}),
    ("sqs", "GetQueueAttributes", 200, _HEADERS, {"Attributes": {"QueueArn": "arn", "Policy": "{}"}}),
    ("kinesis", "GetRecords", 200, _HEADERS, {"Records": [
        {"SequenceNumber": "1", "ApproximateArrivalTimestamp": 1714566615.5, "Data": "AAFiaW5hcnk=",
         "PartitionKey": "p"}], "NextShardIterator": "it", "MillisBehindLatest": 0}),
    ("kinesis", "DescribeStreamSummary", 200, _HEADERS, {"StreamDescriptionSummary": {
        "StreamName": "s", "StreamARN": "a", "StreamStatus": "ACTIVE", "RetentionPeriodHours": 24,
        "StreamCreationTimestamp": "2024-05-01T12:30:15.250Z", "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "OpenShardCount": 1}}),
    ("logs", "GetLogEvents", 200, _HEADERS, {"events": [{"timestamp": 1, "message": "m", "ingestionTime": 2}],
                                             "nextForwardToken": "f"}),
    ("secretsmanager", "GetSecretValue", 200, _HEADERS, {"ARN": "a", "SecretBinary": "AHNlY3JldA==",
                                                         "CreatedDate": 1714566615, "VersionStages": ["AWSCURRENT"]}),
    # errors
    ("dynamodb", "PutItem", 400, _HEADERS, {
        "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "message": "The conditional request failed", "Item": {"a": {"B": "AQ=="}}}),
    ("dynamodb", "PutItem", 400, _HEADERS, {"__type": "com.amazon.coral.validate#ValidationException",
                                            "Message": "bad"}),
    ("dynamodb", "GetItem", 400, _HEADERS, {"__type": "ResourceNotFoundException:http://x/y", "message": "nope"}),
    ("dynamodb", "GetItem", 400, _HEADERS, {"message": "no type"}),
    ("dynamodb", "GetItem", 400, _HEADERS, b"<not json>"),
    ("dynamodb", "GetItem", 400, {}, b""),
    ("dynamodb", "GetItem", 500, _HEADERS, b""),
    ("dynamodb", "GetItem", 503, _HEADERS, b"<html><body>Service Unavailable</body></html>"),
    ("dynamodb", "GetItem", 500, _HEADERS, {"__type": "InternalServerError", "message": "oops"}),
    ("dynamodb", "GetItem", 599, {}, b"   "),
    ("sqs", "GetQueueUrl", 400, dict(_HEADERS, **{"x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender"}),
     {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}),
    ("sqs", "GetQueueUrl", 400, dict(_HEADERS, **{"x-amzn-query-error": "NoSemicolon"}),
     {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "m"}),
    ("sqs", "SendMessage", 400, dict(_HEADERS, **{"x-amzn-query-error": "AWS.SimpleQueueService.Unknown;Sender"}),
     {"__type": "com.amazonaws.sqs#SomethingNew", "message": "m"}),
    ("kinesis", "PutRecord", 400, _HEADERS, {"__type": "ProvisionedThroughputExceededException", "message": "slow"}),
]


def _body(value: Any) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value).encode()


@pytest.mark.parametrize("service,operation,status,headers,body", RESPONSES,
                         ids=[f"{s}.{o}.{st}#{i}" for i, (s, o, st, _, _) in enumerate(RESPONSES)])
def test_response_matches_botocore(service: str, operation: str, status: int,
                                   headers: dict[str, str], body: Any) -> None:
    raw = _body(body)
    ours = _squall_parse(service, operation, status, headers, raw)
    theirs = _botocore_parse(service, operation, status, headers, raw)
    assert_same_result(ours, theirs)


def test_timestamps_are_utc_aware() -> None:
    parsed = _squall_parse("kinesis", "GetRecords", 200, {}, _body(RESPONSES[7][4]))
    stamp = parsed["Records"][0]["ApproximateArrivalTimestamp"]
    assert stamp.tzinfo is UTC
    assert stamp == datetime.datetime(2024, 5, 1, 12, 30, 15, 500000, tzinfo=UTC)


# -- event streams -------------------------------------------------------------------------

def test_event_stream_matches_botocore() -> None:
    data = b"".join([
        event_message({":message-type": "event", ":event-type": "initial-response"}, b"{}"),
        event_message({":message-type": "event", ":event-type": "sessionStart", ":content-type": "application/json"},
                      json.dumps({"requestId": "r", "sessionId": "s", "logGroupIdentifiers": ["g"]}).encode()),
        event_message({":message-type": "event", ":event-type": "sessionUpdate"},
                      json.dumps({"sessionMetadata": {"sampled": True}, "sessionResults": [
                          {"logStreamName": "ls", "timestamp": 5, "message": "hi", "ingestionTime": 6}]}).encode()),
        event_message({":message-type": "event", ":event-type": "futureEvent"}, b"{}"),
        event_message({":message-type": "exception", ":exception-type": "SessionTimeoutException"},
                      json.dumps({"message": "timed out"}).encode()),
    ])
    op = squall_model("logs").operation_model("StartLiveTail")
    ours = parser_for("json").parse(op, HttpResponse(status_code=200, headers={}, stream=ChunkedRaw(data)))
    bop = botocore_model("logs").operation_model("StartLiveTail")
    theirs = botocore_parse(bop, "json", 200, {}, ChunkedRaw(data))
    ours_events, ours_error = drain(ours["responseStream"])
    theirs_events, theirs_error = drain(theirs["responseStream"])
    assert ours_events == theirs_events and len(ours_events) == 2
    assert ours_error is not None and theirs_error is not None
    assert type(ours_error).__name__ == type(theirs_error).__name__ == "EventStreamError"
    assert ours_error.response == theirs_error.response  # type: ignore[attr-defined]
    assert str(ours_error) == str(theirs_error)
