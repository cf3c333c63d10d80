"""squall's rest-json serializer and parser against botocore's, on real service models.

Requests: the same params through both serializers; method, path, query, headers,
host prefix and body must be identical. Besides hand-picked cases, params are generated
from every operation's input shape of a set of services (every member set, URI labels
full of characters that need escaping, timestamps with microseconds, jsonvalue
headers, header lists, query maps...). Responses: headers, status code and a JSON body
generated from each output shape go through both parsers; errors too, with botocore's
endpoint-level merge of modeled error members. Set SQUALL_ORACLE_ALL=1 to sweep every
rest-json service instead of the sample.
"""
from __future__ import annotations

import base64
import datetime
import io
import json
import math
import os
from typing import Any, Iterator

import botocore.response
import botocore.serialize
import pytest

from squall.http import StreamingBody
from squall.http._values import HttpResponse, SerializedRequest
from squall.models.shapes import Shape
from squall.protocols import parser_for, serializer_for

from _wire_oracle import (
    ChunkedRaw, assert_same_result, botocore_model, botocore_parse, botocore_session, drain,
    event_message, read_streams, squall_model, squall_parse,
)

UTC = datetime.timezone.utc
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))
WHEN = datetime.datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)


SAMPLE_SERVICES = [
    "lambda", "apigateway", "glacier", "efs", "appsync", "iot", "bedrock-runtime", "mediaconvert",
    "lex-runtime", "iot-data", "apigatewaymanagementapi", "mediastore-data", "ebs", "batch", "eks",
    "kafka", "polly", "sagemaker-runtime", "s3outposts", "cognito-sync", "signer", "amplify",
    "lakeformation", "bedrock-agent-runtime", "transcribe", "qbusiness", "cloudsearchdomain",
]


def _rest_json_services() -> list[str]:
    if os.environ.get("SQUALL_ORACLE_ALL") == "1":
        session = botocore_session()
        return [n for n in session.get_available_services()
                if botocore_model(n).protocol == "rest-json"]
    return SAMPLE_SERVICES


# -- requests ------------------------------------------------------------------------------

def _botocore_request(service: str, operation: str, params: dict[str, Any],
                      precision: str = "default") -> dict[str, Any]:
    serializer = botocore.serialize.create_serializer(
        "rest-json", include_validation=False, timestamp_precision=precision
    )
    return serializer.serialize_to_request(params, botocore_model(service).operation_model(operation))


def _query_pairs(query: Any) -> list[tuple[str, str]]:
    # botocore's dict -> the pairs percent_encode_sequence would write.
    pairs: list[tuple[str, str]] = []
    if not query:
        return pairs  # botocore's "" when the operation has no input
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item if isinstance(item, str) else str(item)))
    return pairs


def _assert_same_request(ours: SerializedRequest, theirs: dict[str, Any]) -> None:
    assert ours.method == theirs["method"]
    assert ours.path == theirs["url_path"]
    assert list(ours.query) == _query_pairs(theirs["query_string"])
    assert dict(ours.headers) == dict(theirs["headers"])
    assert ours.host_prefix == theirs.get("host_prefix")
    body, expected = ours.body, theirs["body"]
    if isinstance(expected, (bytes, bytearray)):
        assert isinstance(body, bytes) and body == bytes(expected)
    else:
        assert body is expected  # a file-like payload goes through untouched


def _compare_request(service: str, operation: str, params: dict[str, Any],
                     precision: str = "default") -> SerializedRequest:
    op = squall_model(service).operation_model(operation)
    ours = serializer_for("rest-json")(op, params, timestamp_precision=precision)  # type: ignore[arg-type]
    _assert_same_request(ours, _botocore_request(service, operation, params, precision))
    return ours


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("lambda", "Invoke", {"FunctionName": "my-function", "InvocationType": "RequestResponse",
                          "LogType": "Tail", "ClientContext": "e30=", "Payload": b'{"a": 1}',
                          "Qualifier": "$LATEST"}),
    ("lambda", "Invoke", {"FunctionName": "arn:aws:lambda:us-east-1:123:function:f", "Payload": "text"}),
    ("lambda", "Invoke", {"FunctionName": "f"}),
    ("lambda", "CreateFunction", {
        "FunctionName": "f", "Runtime": "python3.12", "Role": "arn:aws:iam::1:role/r", "Handler": "h.h",
        "Code": {"ZipFile": b"PK\x03\x04zip"}, "Timeout": 30, "MemorySize": 256, "Publish": True,
        "Environment": {"Variables": {"A": "1", "B": "x y"}}, "Tags": {"k": "v"},
        "Architectures": ["arm64"], "Layers": ["l1", "l2"], "TracingConfig": {"Mode": "Active"}}),
    ("lambda", "ListFunctions", {"MasterRegion": "us-west-2", "FunctionVersion": "ALL",
                                 "Marker": "m/+=", "MaxItems": 10}),
    ("lambda", "ListFunctions", {}),
    ("lambda", "GetFunction", {"FunctionName": "name with spaces/and:slash", "Qualifier": "1"}),
    ("lambda", "TagResource", {"Resource": "arn:aws:lambda:us-east-1:1:function:f", "Tags": {"a": "b"}}),
    ("lambda", "UntagResource", {"Resource": "arn", "TagKeys": ["a", "b c", "d&e"]}),
    ("lambda", "PutFunctionConcurrency", {"FunctionName": "f", "ReservedConcurrentExecutions": 0}),
    ("lambda", "InvokeWithResponseStream", {"FunctionName": "f", "Payload": io.BytesIO(b"streamed")}),
    ("apigateway", "GetRestApis", {"limit": 25, "position": "p"}),
    ("apigateway", "CreateRestApi", {"name": "api", "binaryMediaTypes": ["image/png"],
                                     "endpointConfiguration": {"types": ["REGIONAL"]},
                                     "tags": {"t": "v"}, "disableExecuteApiEndpoint": False}),
    ("apigateway", "PutIntegration", {"restApiId": "abc", "resourceId": "r1", "httpMethod": "GET",
                                      "type": "HTTP", "uri": "https://x", "timeoutInMillis": 29000,
                                      "requestParameters": {"integration.request.path.id": "method.request.path.id"},
                                      "cacheKeyParameters": ["a"], "tlsConfig": {"insecureSkipVerification": True}}),
    ("apigateway", "PutRestApi", {"restApiId": "abc", "mode": "overwrite", "failOnWarnings": True,
                                  "parameters": {"ignore": "documentation", "endpointConfigurationTypes": "REGIONAL"},
                                  "body": b"openapi: 3.0.0"}),
    ("apigateway", "GetExport", {"restApiId": "a", "stageName": "prod", "exportType": "oas30",
                                 "parameters": {"extensions": "apigateway"}, "accepts": "application/yaml"}),
    ("apigateway", "UpdateStage", {"restApiId": "a", "stageName": "s", "patchOperations": [
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"}]}),
    ("apigateway", "TestInvokeMethod", {"restApiId": "a", "resourceId": "r", "httpMethod": "POST",
                                        "pathWithQueryString": "/p?x=1", "body": "{}",
                                        "headers": {"h": "v"}, "multiValueHeaders": {"m": ["1", "2"]}}),
    ("glacier", "UploadArchive", {"vaultName": "v", "accountId": "-", "archiveDescription": "d",
                                  "checksum": "abc", "body": b"archive bytes"}),
    ("glacier", "UploadMultipartPart", {"accountId": "-", "vaultName": "v", "uploadId": "u",
                                        "checksum": "c", "range": "bytes 0-1/*", "body": io.BytesIO(b"ab")}),
    ("glacier", "InitiateJob", {"accountId": "-", "vaultName": "v", "jobParameters": {
        "Type": "archive-retrieval", "ArchiveId": "a", "Tier": "Bulk",
        "InventoryRetrievalParameters": {"StartDate": "2024-01-01T00:00:00Z", "Limit": "10"}}}),
    ("glacier", "ListVaults", {"accountId": "-", "limit": 5}),
    ("glacier", "SetVaultNotifications", {"accountId": "-", "vaultName": "v"}),
    ("efs", "CreateFileSystem", {"CreationToken": "tok", "PerformanceMode": "generalPurpose",
                                 "Encrypted": True, "ThroughputMode": "provisioned",
                                 "ProvisionedThroughputInMibps": 1.5, "Tags": [{"Key": "k", "Value": "v"}]}),
    ("efs", "DescribeFileSystems", {"MaxItems": 10, "Marker": "m", "FileSystemId": "fs-1"}),
    ("efs", "DeleteFileSystem", {"FileSystemId": "fs-1"}),
    ("efs", "UntagResource", {"ResourceId": "fs-1", "TagKeys": ["a", "b"]}),
    ("appsync", "CreateGraphqlApi", {"name": "n", "authenticationType": "API_KEY", "xrayEnabled": True,
                                     "logConfig": {"fieldLogLevel": "ALL", "cloudWatchLogsRoleArn": "r"}}),
    ("appsync", "StartSchemaCreation", {"apiId": "a", "definition": b"type Query { x: Int }"}),
    ("appsync", "EvaluateCode", {"runtime": {"name": "APPSYNC_JS", "runtimeVersion": "1.0.0"},
                                 "code": "export function request(ctx) {}", "context": "{}"}),
    ("iot", "CreateThing", {"thingName": "t", "attributePayload": {"attributes": {"a": "1"}, "merge": True}}),
    ("iot", "ListThings", {"maxResults": 10, "attributeName": "a", "attributeValue": "v",
                           "usePrefixAttributeValue": True}),
    ("iot", "AttachPolicy", {"policyName": "p", "target": "arn:aws:iot:us-east-1:1:cert/abc"}),
    ("iot", "ListAuditFindings", {"startTime": WHEN, "endTime": datetime.datetime(2024, 5, 2)}),
    ("iot", "ListViolationEvents", {"startTime": WHEN, "endTime": "2024-05-02T00:00:00Z",
                                    "thingName": "t", "listSuppressedAlerts": False}),
    ("iot-data", "Publish", {"topic": "a/b/#", "qos": 1, "retain": True, "payload": b"\x00\x01",
                             "userProperties": [{"k": "v"}], "payloadFormatIndicator": "UTF8_DATA",
                             "contentType": "text/plain", "responseTopic": "r", "correlationData": "c",
                             "messageExpiry": 10}),
    ("iot-data", "UpdateThingShadow", {"thingName": "t", "shadowName": "s", "payload": b"{}"}),
    ("bedrock-runtime", "InvokeModel", {"modelId": "anthropic.claude-3:0", "body": b'{"prompt": "hi"}',
                                        "contentType": "application/json", "accept": "application/json",
                                        "trace": "ENABLED", "guardrailIdentifier": "g",
                                        "guardrailVersion": "1", "performanceConfigLatency": "optimized"}),
    ("bedrock-runtime", "InvokeModelWithResponseStream", {"modelId": "m", "body": b"{}"}),
    ("bedrock-runtime", "Converse", {
        "modelId": "m", "messages": [{"role": "user", "content": [
            {"text": "hello"}, {"image": {"format": "png", "source": {"bytes": b"\x89PNG"}}},
            {"document": {"format": "txt", "name": "n", "source": {"bytes": b"doc"}}}]}],
        "system": [{"text": "sys"}], "inferenceConfig": {"maxTokens": 10, "temperature": 0.5, "topP": 0.9},
        "additionalModelRequestFields": {"top_k": 5, "nested": [1, "a", None, {"b": False}]},
        "toolConfig": {"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {"type": "object"}}}}]},
        "requestMetadata": {"k": "v"}}),
    ("mediaconvert", "CreateJob", {"Role": "r", "Settings": {"Inputs": [{"FileInput": "s3://b/k",
                                   "AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}},
                                   "TimecodeSource": "ZEROBASED"}],
                                   "OutputGroups": [{"Name": "g", "Outputs": [{"NameModifier": "_1"}]}]},
                                   "UserMetadata": {"a": "b"}, "Priority": -5, "Tags": {"t": "v"}}),
    ("mediaconvert", "ListJobs", {"MaxResults": 20, "Order": "ASCENDING", "Queue": "q", "Status": "COMPLETE"}),
    ("lex-runtime", "PostContent", {"botName": "b", "botAlias": "a", "userId": "u",
                                    "sessionAttributes": {"s": "1"}, "requestAttributes": {"r": [1, 2]},
                                    "contentType": "audio/l16; rate=16000", "accept": "text/plain",
                                    "inputStream": b"audio", "activeContexts": [{"name": "c"}]}),
    ("lex-runtime", "PostText", {"botName": "b", "botAlias": "a", "userId": "u", "inputText": "hi",
                                 "sessionAttributes": {"s": "1"}}),
    ("apigatewaymanagementapi", "PostToConnection", {"ConnectionId": "abc=", "Data": b"msg"}),
    ("mediastore-data", "PutObject", {"Path": "folder/sub dir/file.mp4", "Body": b"video",
                                      "ContentType": "video/mp4", "CacheControl": "no-cache",
                                      "StorageClass": "TEMPORAL", "UploadAvailability": "STREAMING"}),
    ("ebs", "PutSnapshotBlock", {"SnapshotId": "snap-1", "BlockIndex": 3, "BlockData": b"\x00" * 16,
                                 "DataLength": 16, "Progress": 50, "Checksum": "c",
                                 "ChecksumAlgorithm": "SHA256"}),
    ("polly", "SynthesizeSpeech", {"Text": "Hello", "OutputFormat": "mp3", "VoiceId": "Joanna",
                                   "LexiconNames": ["l"], "SpeechMarkTypes": ["word"]}),
    ("sagemaker-runtime", "InvokeEndpoint", {"EndpointName": "e", "Body": b"1,2,3", "ContentType": "text/csv",
                                             "CustomAttributes": "c=1", "TargetVariant": "v",
                                             "EnableExplanations": "`true`"}),
    ("cloudsearchdomain", "Search", {"query": "star wars", "queryParser": "simple", "size": 10,
                                     "partial": True, "return": "_all_fields", "start": 0}),
    ("pinpoint", "UpdateEndpoint", {"ApplicationId": "a", "EndpointId": "e", "EndpointRequest": {
        "Address": "x@y", "ChannelType": "EMAIL", "Attributes": {"a": ["1", "2"]},
        "Metrics": {"m": 1.5}, "EffectiveDate": "2024-01-01", "User": {"UserId": "u"}}}),
    ("backup", "ListBackupJobs", {"ByCreatedAfter": WHEN, "ByCreatedBefore": datetime.datetime(2024, 6, 1, tzinfo=PLUS2),
                                  "ByState": "COMPLETED", "MaxResults": 5}),
    ("backup", "ListRecoveryPointsByBackupVault", {"BackupVaultName": "v", "ByCreatedAfter": 1714566615,
                                                   "ByCreatedBefore": "2024-06-01"}),
    ("batch", "SubmitJob", {"jobName": "j", "jobQueue": "q", "jobDefinition": "d",
                            "parameters": {"p": "v"}, "containerOverrides": {"command": ["echo", "hi"],
                            "environment": [{"name": "A", "value": "1"}]}, "timeout": {"attemptDurationSeconds": 60}}),
    ("eks", "ListClusters", {"maxResults": 10, "include": ["all"]}),
    ("kafka", "ListClustersV2", {"ClusterNameFilter": "c", "ClusterTypeFilter": "PROVISIONED", "MaxResults": 5}),
    ("cognito-sync", "UpdateRecords", {"IdentityPoolId": "us-east-1:abc", "IdentityId": "us-east-1:def",
                                       "DatasetName": "d", "SyncSessionToken": "t", "ClientContext": "cc",
                                       "RecordPatches": [{"Op": "replace", "Key": "k", "Value": "v",
                                                          "SyncCount": 1, "DeviceLastModifiedDate": WHEN}]}),
    ("amplify", "CreateApp", {"name": "a", "environmentVariables": {"A": "1"}, "enableBranchAutoBuild": True}),
]


@pytest.mark.parametrize("service,operation,params", REQUESTS,
                         ids=[f"{s}.{o}#{i}" for i, (s, o, _) in enumerate(REQUESTS)])
def test_request_matches_botocore(service: str, operation: str, params: dict[str, Any]) -> None:
    _compare_request(service, operation, params)


@pytest.mark.parametrize("precision", ["default", "millisecond"])
def test_timestamp_precision(precision: str) -> None:
    _compare_request("iot", "ListAuditFindings", {"startTime": WHEN, "endTime": WHEN}, precision)
    _compare_request("cognito-sync", "UpdateRecords", {
        "IdentityPoolId": "p", "IdentityId": "i", "DatasetName": "d", "SyncSessionToken": "t",
        "RecordPatches": [{"Op": "replace", "Key": "k", "SyncCount": 1, "DeviceLastModifiedDate": WHEN}]},
        precision)


def test_content_type_rules() -> None:
    # Body members present -> application/json; only located members -> no body, no type.
    created = _compare_request("efs", "CreateFileSystem", {"CreationToken": "t"})
    assert created.headers["Content-Type"] == "application/json"
    deleted = _compare_request("efs", "DeleteFileSystem", {"FileSystemId": "fs"})
    assert deleted.body == b"" and "Content-Type" not in deleted.headers
    # A shape with body members sends "{}" even when none is set.
    empty = _compare_request("lambda", "PublishVersion", {"FunctionName": "f"})
    assert empty.body == b"{}" and empty.headers["Content-Type"] == "application/json"
    # A raw payload never gets a Content-Type of its own.
    raw = _compare_request("iot-data", "Publish", {"topic": "t", "payload": b"x"})
    assert "Content-Type" not in raw.headers
    # A structure payload that is not given is "{}".
    _compare_request("glacier", "SetVaultNotifications", {"accountId": "-", "vaultName": "v"})


def test_special_floats() -> None:
    for value in (math.nan, math.inf, -math.inf, 0.1, 1e300):
        _compare_request("efs", "CreateFileSystem", {
            "CreationToken": "t", "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": value})


def test_host_prefix() -> None:
    op = squall_model("iot-data").operation_model("Publish")
    assert serializer_for("rest-json")(op, {"topic": "t"}).host_prefix is None
    found = 0
    for service in ("neptune-graph", "lakeformation", "signer", "medical-imaging", "rum", "mwaa"):
        model = squall_model(service)
        for name in model.operation_names:
            operation = model.operation_model(name)
            if operation.endpoint and "hostPrefix" in operation.endpoint:
                found += 1
                _compare_request(service, name, _generate_params(operation.input_shape))
    assert found


# -- generated requests ---------------------------------------------------------------------

class _Gen:
    """Deterministic params for a shape: every member set, awkward characters where allowed."""

    def __init__(self) -> None:
        self.counter = 0

    def value(self, shape: Shape, context: str, depth: int, stack: tuple[str, ...]) -> Any:
        kind = shape.type_name
        self.counter += 1
        if kind == "structure":
            if shape.is_document_type:
                return {"doc": [1, "two", {"three": True, "four": None}], "f": 1.5}
            if shape.name in stack or depth > 5:
                return None
            members = shape.members
            names = list(members)
            if shape.is_tagged_union:
                names = names[:1]
            out: dict[str, Any] = {}
            for name in names:
                member = members[name]
                item = self.value(member, self._context(member, context), depth + 1,
                                  stack + (shape.name,))
                if item is not None:
                    out[name] = item
            return out
        if kind == "list":
            if depth > 5:
                return []
            items = [self.value(shape.member, context, depth + 1, stack) for _ in range(2)]
            return [i for i in items if i is not None]
        if kind == "map":
            if depth > 5:
                return {}
            out = {}
            for key in ("k1", "K 2/é"):
                item = self.value(shape.value, context, depth + 1, stack)
                if item is not None:
                    out[key] = item
            return out
        if kind == "string":
            if shape.enum:
                return shape.enum[self.counter % len(shape.enum)]
            if shape.serialization.get("jsonvalue"):
                return {"attr": [1, "x"], "n": None}
            if context == "host":
                return "host-1"
            if context == "uri":
                return "a/b c~é+%:=?&"
            if context == "header":
                return f"value, with \"quotes\" {self.counter}"
            if context == "query":
                return f"q v&x=y/é{self.counter}"
            return f"s\u00e9{self.counter}"
        if kind in ("integer", "long", "short", "byte"):
            return 7 + self.counter % 3
        if kind == "boolean":
            return self.counter % 2 == 0
        if kind in ("float", "double"):
            return 1.25
        if kind == "timestamp":
            return WHEN + datetime.timedelta(seconds=self.counter)
        if kind == "blob":
            if shape.serialization.get("streaming"):
                return b"streaming \x00\xff bytes"
            return b"\x00\x01blob\xff"
        return None

    @staticmethod
    def _context(member: Shape, parent: str) -> str:
        if member.serialization.get("hostLabel"):
            return "host"
        location = member.serialization.get("location")
        if location == "uri":
            return "uri"
        if location in ("header", "headers"):
            return "header"
        if location == "querystring":
            return "query"
        return "body" if parent in ("", "top") else parent


def _generate_params(shape: Shape | None) -> dict[str, Any]:
    if shape is None:
        return {}
    params = _Gen().value(shape, "top", 0, ())
    return params if isinstance(params, dict) else {}


def _operations(services: list[str]) -> Iterator[tuple[str, str]]:
    for service in services:
        for name in squall_model(service).operation_names:
            yield service, name


GENERATED = list(_operations(_rest_json_services()))


@pytest.mark.parametrize("service,operation", GENERATED, ids=[f"{s}.{o}" for s, o in GENERATED])
def test_generated_request_matches_botocore(service: str, operation: str) -> None:
    params = _generate_params(squall_model(service).operation_model(operation).input_shape)
    _compare_request(service, operation, params)


# -- responses -----------------------------------------------------------------------------

def _botocore_parse(service: str, operation: str, status: int, headers: dict[str, str],
                    body: bytes) -> Any:
    op = botocore_model(service).operation_model(operation)
    raw_body: Any = body
    if status < 300 and op.has_streaming_output:
        raw_body = botocore.response.StreamingBody(io.BytesIO(body), len(body))
    return botocore_parse(op, "rest-json", status, headers, raw_body)


def _squall_parse(service: str, operation: str, status: int, headers: dict[str, str],
                  body: bytes, stream: bool = False) -> Any:
    op = squall_model(service).operation_model(operation)
    return squall_parse(op, "rest-json", status, headers, body, stream=stream)


def _compare_parse(service: str, operation: str, status: int, headers: dict[str, str],
                   body: Any) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    for stream in (False, True):
        theirs = _botocore_parse(service, operation, status, headers, raw)
        ours = _squall_parse(service, operation, status, headers, raw, stream=stream)
        assert_same_result(ours, theirs)
    return _squall_parse(service, operation, status, headers, raw)


_H = {"x-amzn-RequestId": "req-1", "Content-Type": "application/json", "Date": "Wed, 01 May 2024 12:00:00 GMT"}

RESPONSES: list[tuple[str, str, int, dict[str, str], Any]] = [
    ("lambda", "Invoke", 200, dict(_H, **{"X-Amz-Function-Error": "Unhandled", "X-Amz-Log-Result": "bG9n",
                                          "X-Amz-Executed-Version": "$LATEST"}), b'{"result": 1}'),
    ("lambda", "Invoke", 202, _H, b""),
    ("lambda", "GetFunction", 200, _H, {
        "Configuration": {"FunctionName": "f", "CodeSize": 10, "Timeout": 3, "LastModified": "2024-05-01T12:00:00.000+0000",
                          "MemorySize": 128, "Environment": {"Variables": {"A": "1"}},
                          "Layers": [{"Arn": "a", "CodeSize": 1}], "SnapStart": {"ApplyOn": "None"}},
        "Code": {"RepositoryType": "S3", "Location": "https://x"}, "Tags": {"k": "v"},
        "Concurrency": {"ReservedConcurrentExecutions": 5}}),
    ("lambda", "ListFunctions", 200, _H, {"Functions": [{"FunctionName": "a"}, {"FunctionName": "b"}],
                                          "NextMarker": "n"}),
    ("lambda", "GetFunctionConcurrency", 200, _H, {}),
    ("lambda", "GetFunctionConcurrency", 200, _H, b""),
    ("lambda", "DeleteFunction", 204, _H, b""),
    ("apigateway", "GetRestApi", 200, _H, {"id": "a", "name": "n", "createdDate": 1714566615,
                                           "binaryMediaTypes": ["image/png"], "tags": {"a": "b"},
                                           "disableExecuteApiEndpoint": False}),
    ("apigateway", "GetExport", 200, dict(_H, **{"Content-Disposition": "attachment", "Content-Type": "application/yaml"}),
     b"openapi: 3.0.0\n"),
    ("apigateway", "GetSdk", 200, dict(_H, **{"Content-Type": "application/zip"}), b"PK\x03\x04"),
    ("apigateway", "TestInvokeMethod", 200, _H, {"status": 200, "body": "{}", "headers": {"h": "v"},
                                                 "multiValueHeaders": {"m": ["1", "2"]}, "latency": 12}),
    ("glacier", "UploadArchive", 201, dict(_H, **{"Location": "/1/vaults/v/archives/a",
                                                  "x-amz-sha256-tree-hash": "abc", "x-amz-archive-id": "a"}), b""),
    ("glacier", "GetJobOutput", 206, dict(_H, **{"x-amz-sha256-tree-hash": "h", "Content-Range": "bytes 0-3/4",
                                                 "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream",
                                                 "x-amz-archive-description": "d"}), b"data"),
    ("glacier", "DescribeVault", 200, _H, {"VaultARN": "arn", "VaultName": "v", "CreationDate": "2024-05-01T12:00:00.000Z",
                                           "NumberOfArchives": 3, "SizeInBytes": 1024}),
    ("glacier", "GetVaultNotifications", 200, _H, {"SNSTopic": "t", "Events": ["a"]}),
    ("efs", "DescribeFileSystems", 200, _H, {"FileSystems": [{
        "OwnerId": "1", "CreationToken": "t", "FileSystemId": "fs", "CreationTime": 1714566615.5,
        "LifeCycleState": "available", "NumberOfMountTargets": 1,
        "SizeInBytes": {"Value": 6144, "Timestamp": 1714566615}, "PerformanceMode": "generalPurpose",
        "Encrypted": True, "ProvisionedThroughputInMibps": 1.5, "Tags": []}]}),
    ("efs", "CreateFileSystem", 201, _H, {"FileSystemId": "fs", "ProvisionedThroughputInMibps": "NaN",
                                          "Encrypted": "true", "NumberOfMountTargets": "3"}),
    ("appsync", "GetGraphqlApi", 200, _H, {"graphqlApi": {"name": "n", "apiId": "a", "uris": {"GRAPHQL": "https://x"},
                                                          "tags": {"k": "v"}, "xrayEnabled": True}}),
    ("appsync", "GetIntrospectionSchema", 200, _H, b"type Query { x: Int }"),
    ("iot", "DescribeThing", 200, _H, {"thingName": "t", "attributes": {"a": "1"}, "version": 3}),
    ("iot", "ListAuditFindings", 200, _H, {"findings": [{"findingId": "f", "findingTime": 1714566615.25,
                                                          "nonCompliantResource": {"resourceIdentifier": {"clientId": "c"}}}]}),
    ("iot-data", "GetThingShadow", 200, _H, b'{"state": {}}'),
    ("iot-data", "GetRetainedMessage", 200, _H, {"topic": "t", "payload": "AAE=", "qos": 1, "lastModifiedTime": 5,
                                                  "userProperties": "W3siayI6InYifV0="}),
    ("bedrock-runtime", "InvokeModel", 200, dict(_H, **{"X-Amzn-Bedrock-Content-Type": "application/json",
                                                        "X-Amzn-Bedrock-PerformanceConfig-Latency": "standard"}),
     b'{"completion": "hi"}'),
    ("bedrock-runtime", "Converse", 200, _H, {
        "output": {"message": {"role": "assistant", "content": [
            {"text": "hello"}, {"toolUse": {"toolUseId": "t", "name": "n", "input": {"a": [1, None, "x"]}}}]}},
        "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
        "metrics": {"latencyMs": 10}, "additionalModelResponseFields": {"x": {"y": 1.5}}}),
    ("bedrock-runtime", "Converse", 200, _H, {"output": {"somethingNew": {"a": 1}}, "stopReason": "end_turn",
                                              "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
                                              "metrics": {"latencyMs": 10}}),
    ("mediaconvert", "GetJob", 200, _H, {"job": {"id": "j", "createdAt": 1714566615, "status": "COMPLETE",
                                                 "settings": {"inputs": [{"fileInput": "s3://b/k"}]},
                                                 "timing": {"startTime": 1714566615, "finishTime": 1714566616}}}),
    ("lex-runtime", "PostContent", 200, dict(_H, **{
        "x-amz-lex-session-attributes": base64.b64encode(b'{"a":"1"}').decode(),
        "x-amz-lex-slots": base64.b64encode(b'{"s":null}').decode(), "x-amz-lex-intent-name": "i",
        "x-amz-lex-dialog-state": "Fulfilled", "Content-Type": "audio/mpeg",
        "x-amz-lex-nlu-intent-confidence": base64.b64encode(b'{"score":0.9}').decode()}), b"audio"),
    ("lex-runtime", "PostText", 200, _H, {"intentName": "i", "slots": {"a": "b"}, "dialogState": "ElicitSlot",
                                          "nluIntentConfidence": {"score": 0.5}}),
    ("polly", "SynthesizeSpeech", 200, dict(_H, **{"Content-Type": "audio/mpeg", "x-amzn-RequestCharacters": "5"}),
     b"ID3mp3"),
    ("sagemaker-runtime", "InvokeEndpoint", 200, dict(_H, **{"Content-Type": "text/csv", "x-Amzn-Invoked-Production-Variant": "v",
                                                             "X-Amzn-SageMaker-Custom-Attributes": "c"}), b"0.5"),
    ("mediastore-data", "GetObject", 200, dict(_H, **{"Content-Length": "5", "Content-Type": "video/mp4",
                                                      "ETag": "e", "Last-Modified": "Wed, 01 May 2024 12:00:00 GMT",
                                                      "Cache-Control": "no-cache"}), b"video"),
    ("ebs", "GetSnapshotBlock", 200, dict(_H, **{"x-amz-Data-Length": "4", "x-amz-Checksum": "c",
                                                 "x-amz-Checksum-Algorithm": "SHA256"}), b"\x00\x01\x02\x03"),
    ("cloudsearchdomain", "Search", 200, _H, {"status": {"timems": 2, "rid": "r"}, "hits": {"found": 1, "start": 0,
                                              "hit": [{"id": "1", "fields": {"title": ["t"]}}]}}),
    ("backup", "ListBackupJobs", 200, _H, {"BackupJobs": [{"BackupJobId": "j", "CreationDate": 1714566615.123,
                                                           "BackupSizeInBytes": 10, "IsParent": False}]}),
    ("kafka", "ListClustersV2", 200, _H, {"clusterInfoList": [{"clusterName": "c", "creationTime": "2024-05-01T12:00:00.123Z",
                                                               "tags": {"a": "b"}}]}),
    # errors
    ("lambda", "GetFunction", 404, dict(_H, **{"x-amzn-ErrorType": "ResourceNotFoundException:http://internal/"}),
     {"Type": "User", "message": "Function not found: arn"}),
    ("lambda", "Invoke", 429, dict(_H, **{"X-Amzn-ErrorType": "TooManyRequestsException", "Retry-After": "3"}),
     {"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "message": "Rate exceeded", "Type": "User"}),
    ("lambda", "Invoke", 502, _H, {"__type": "com.amazon#InvalidRuntimeException", "Message": "bad runtime"}),
    ("lambda", "Invoke", 400, _H, {"code": "InvalidParameterValueException", "message": "bad"}),
    ("lambda", "Invoke", 400, _H, {"Code": "SomethingElse", "Message": "M"}),
    ("lambda", "Invoke", 400, _H, {"message": "no code at all"}),
    ("lambda", "Invoke", 400, _H, b"not json"),
    ("lambda", "Invoke", 500, _H, b""),
    ("lambda", "Invoke", 503, _H, b"<html><body>unavailable</body></html>"),
    ("apigateway", "GetRestApi", 404, dict(_H, **{"x-amzn-ErrorType": "NotFoundException"}),
     {"message": "Invalid API identifier specified"}),
    ("apigateway", "CreateRestApi", 429, dict(_H, **{"x-amzn-ErrorType": "TooManyRequestsException", "Retry-After": "5"}),
     {"message": "slow down"}),
    ("glacier", "DescribeVault", 404, _H, {"code": "ResourceNotFoundException", "message": "Vault not found",
                                           "type": "Client"}),
    ("efs", "DescribeFileSystems", 404, dict(_H, **{"x-amzn-ErrorType": "FileSystemNotFound"}),
     {"ErrorCode": "FileSystemNotFound", "Message": "File system 'fs' does not exist."}),
    ("iot", "DescribeThing", 404, _H, {"message": "not found", "__type": "ResourceNotFoundException:x"}),
    ("bedrock-runtime", "InvokeModel", 400, dict(_H, **{"x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"}),
     {"message": "Malformed input request"}),
    ("bedrock-runtime", "InvokeModel", 424, dict(_H, **{"x-amzn-ErrorType": "ModelErrorException"}),
     {"message": "m", "originalStatusCode": 500, "resourceName": "r"}),
    ("lex-runtime", "PostContent", 409, _H, {"code": "ConflictException", "Message": "conflict"}),
    ("polly", "SynthesizeSpeech", 400, dict(_H, **{"x-amzn-ErrorType": "TextLengthExceededException"}),
     {"message": "too long"}),
    ("mediastore-data", "GetObject", 404, dict(_H, **{"x-amzn-ErrorType": "ObjectNotFoundException"}),
     {"Message": "no such object"}),
    ("cloudsearchdomain", "Search", 400, _H, {"__type": "#SearchException", "message": "bad query"}),
]


@pytest.mark.parametrize("service,operation,status,headers,body", RESPONSES,
                         ids=[f"{s}.{o}.{st}#{i}" for i, (s, o, st, _, _) in enumerate(RESPONSES)])
def test_response_matches_botocore(service: str, operation: str, status: int,
                                   headers: dict[str, str], body: Any) -> None:
    _compare_parse(service, operation, status, headers, body)


def test_blob_payload_is_a_streaming_body() -> None:
    parsed = _compare_parse("lambda", "Invoke", 200, _H, b'{"ok": true}')
    assert isinstance(parsed["Payload"], StreamingBody)
    assert json.loads(parsed["Payload"].read()) == {"ok": True}
    streamed = _squall_parse("polly", "SynthesizeSpeech", 200, {"Content-Length": "3"}, b"mp3", stream=True)
    assert isinstance(streamed["AudioStream"], StreamingBody)
    assert streamed["AudioStream"].read() == b"mp3"


def test_streamed_error_body_is_read() -> None:
    # An error answer to a streaming call arrives as a stream; it must still be parsed.
    parsed = _squall_parse("polly", "SynthesizeSpeech", 400,
                           {"x-amzn-ErrorType": "InvalidSsmlException"}, b'{"message": "bad ssml"}',
                           stream=True)
    assert parsed["Error"] == {"Message": "bad ssml", "Code": "InvalidSsmlException"}


def test_timestamps_are_utc_aware() -> None:
    parsed = _compare_parse("backup", "ListBackupJobs", 200, _H, {"BackupJobs": [{"CreationDate": "2024-05-01T14:00:00+02:00"}]})
    stamp = parsed["BackupJobs"][0]["CreationDate"]
    assert stamp.tzinfo is UTC and stamp == datetime.datetime(2024, 5, 1, 12, tzinfo=UTC)


# -- generated responses --------------------------------------------------------------------

class _WireGen:
    """A response for an output shape: header text, status code and a JSON body."""

    def __init__(self) -> None:
        self.counter = 0

    def json_value(self, shape: Shape, depth: int, stack: tuple[str, ...]) -> Any:
        kind = shape.type_name
        self.counter += 1
        if kind == "structure":
            if shape.is_document_type:
                return {"doc": [1, "x", None, {"y": 2.5}]}
            if shape.name in stack or depth > 5:
                return None
            members = shape.members
            out = {}
            for name, member in members.items():
                if member.serialization.get("location"):
                    continue
                item = self.json_value(member, depth + 1, stack + (shape.name,))
                if item is not None:
                    out[member.serialization.get("name", name)] = item
                    if shape.is_tagged_union:
                        break  # exactly one member of a union
            if shape.is_tagged_union and not out:
                return None  # nothing fits under the depth limit: leave the union unset
            return out
        if kind == "list":
            items = [self.json_value(shape.member, depth + 1, stack) for _ in range(2)]
            return [i for i in items if i is not None]
        if kind == "map":
            out = {}
            for key in ("k1", "k2"):
                item = self.json_value(shape.value, depth + 1, stack)
                if item is not None:
                    out[key if not shape.key.enum else shape.key.enum[0] + key] = item
            return out
        if kind == "string":
            return shape.enum[0] if shape.enum else f"s\u00e9{self.counter}"
        if kind in ("integer", "long", "short", "byte"):
            return self.counter
        if kind == "boolean":
            return self.counter % 2 == 0
        if kind in ("float", "double"):
            return 2.5
        if kind == "timestamp":
            formats = (1714566615, 1714566615.5, "2024-05-01T12:30:15Z", "2024-05-01T12:30:15.123456Z")
            return formats[self.counter % len(formats)]
        if kind == "blob":
            return base64.b64encode(b"\x00blob").decode()
        return None

    def header_text(self, shape: Shape) -> str | None:
        kind = shape.type_name
        self.counter += 1
        if kind == "string":
            if shape.serialization.get("jsonvalue"):
                return base64.b64encode(b'{"a":[1,"x"]}').decode()
            return shape.enum[0] if shape.enum else f"h{self.counter}"
        if kind in ("integer", "long"):
            return str(self.counter)
        if kind == "boolean":
            return "true"
        if kind in ("float", "double"):
            return "1.5"
        if kind == "timestamp":
            return "Wed, 01 May 2024 12:30:15 GMT"
        if kind == "blob":
            return base64.b64encode(b"hdr").decode()
        if kind == "list" and shape.member.type_name != "timestamp":
            first = self.header_text(shape.member)
            second = self.header_text(shape.member)
            return f"{first}, {second}"
        return None


def _generated_response(shape: Shape) -> tuple[dict[str, str], bytes]:
    gen = _WireGen()
    headers: dict[str, str] = {"x-amzn-requestid": "rid"}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "header":
            text = gen.header_text(member)
            if text is not None:
                headers[member.serialization.get("name", name).lower()] = text
        elif location == "headers":
            prefix = member.serialization.get("name", "").lower()
            headers[prefix + "one"] = "1"
            headers[prefix + "two"] = "2"
    payload = shape.serialization.get("payload")
    body = json.dumps(gen.json_value(shape, 0, ())).encode()
    if payload is not None:
        member = shape.members[payload]
        if member.type_name in ("blob", "string"):
            body = "raw payload \u00e9".encode()
        elif member.serialization.get("eventstream"):
            body = b""
        else:
            body = json.dumps(gen.json_value(member, 0, ())).encode()
    if "content-length" in headers:
        headers["content-length"] = str(len(body))
    return headers, body


# Event-stream outputs are compared in test_event_stream_matches_botocore.
GENERATED_RESPONSES = [(s, o) for s, o in GENERATED
                       if not squall_model(s).operation_model(o).has_event_stream_output]


@pytest.mark.parametrize("service,operation", GENERATED_RESPONSES,
                         ids=[f"{s}.{o}" for s, o in GENERATED_RESPONSES])
def test_generated_response_matches_botocore(service: str, operation: str) -> None:
    op = squall_model(service).operation_model(operation)
    shape = op.output_shape
    if shape is None:
        headers: dict[str, str] = {"x-amzn-requestid": "rid"}
        body = b""
    else:
        headers, body = _generated_response(shape)
    status = int(op.http.get("responseCode", 200))
    _compare_parse(service, operation, status, headers, body)


ERROR_OPERATIONS = [(s, o) for s, o in GENERATED if squall_model(s).operation_model(o).error_shapes]


@pytest.mark.parametrize("service,operation", ERROR_OPERATIONS[::7],
                         ids=[f"{s}.{o}" for s, o in ERROR_OPERATIONS[::7]])
def test_generated_errors_match_botocore(service: str, operation: str) -> None:
    for error in squall_model(service).operation_model(operation).error_shapes:
        headers, body = _generated_response(error)
        status = int(error.raw.get("error", {}).get("httpStatusCode", 400))
        code = error.error_code
        for variant in ({"x-amzn-errortype": f"{code}:http://internal.amazon.com/"},
                        {}):
            data = json.loads(body or b"{}")
            if not variant:
                data["__type"] = f"aws.namespace#{code}"
            _compare_parse(service, operation, max(status, 400), dict(headers, **variant),
                           json.dumps(data).encode())


# -- event streams -------------------------------------------------------------------------

EVENT_STREAMS = [
    ("bedrock-runtime", "InvokeModelWithResponseStream", "body", [
        event_message({":message-type": "event", ":event-type": "chunk", ":content-type": "application/json"},
                      json.dumps({"bytes": base64.b64encode(b'{"completion": "he"}').decode()}).encode()),
        event_message({":message-type": "event", ":event-type": "chunk"},
                      json.dumps({"bytes": base64.b64encode(b'{"completion": "llo"}').decode()}).encode()),
        event_message({":message-type": "event", ":event-type": "futureEvent"}, b"{}"),
        event_message({":message-type": "exception", ":exception-type": "modelStreamErrorException"},
                      json.dumps({"message": "boom", "originalStatusCode": 500}).encode()),
    ]),
    ("bedrock-runtime", "ConverseStream", "stream", [
        event_message({":message-type": "event", ":event-type": "messageStart"}, b'{"role": "assistant"}'),
        event_message({":message-type": "event", ":event-type": "contentBlockDelta"},
                      b'{"contentBlockIndex": 0, "delta": {"text": "hi"}}'),
        event_message({":message-type": "event", ":event-type": "metadata"},
                      b'{"usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}, "metrics": {"latencyMs": 5}}'),
        event_message({":message-type": "error", ":error-code": "InternalFailure", ":error-message": "oops"}, b""),
    ]),
    ("lambda", "InvokeWithResponseStream", "EventStream", [
        event_message({":message-type": "event", ":event-type": "PayloadChunk"}, b"raw chunk \x00 bytes"),
        event_message({":message-type": "event", ":event-type": "InvokeComplete"},
                      b'{"ErrorCode": "E", "ErrorDetails": "d", "LogResult": "bG9n"}'),
    ]),
]


@pytest.mark.parametrize("service,operation,member,messages", EVENT_STREAMS,
                         ids=[f"{s}.{o}" for s, o, _, _ in EVENT_STREAMS])
def test_event_stream_matches_botocore(service: str, operation: str, member: str,
                                       messages: list[bytes]) -> None:
    data = b"".join(messages)
    headers = {"x-amzn-requestid": "rid", "content-type": "application/vnd.amazon.eventstream",
               "x-amzn-bedrock-content-type": "application/json",
               "x-amz-executed-version": "$LATEST", "content-length": str(len(data))}
    op = squall_model(service).operation_model(operation)
    ours = parser_for("rest-json").parse(op, HttpResponse(status_code=200, headers=headers, stream=ChunkedRaw(data)))
    bop = botocore_model(service).operation_model(operation)
    theirs = botocore_parse(bop, "rest-json", 200, headers, ChunkedRaw(data))
    assert list(ours) == list(theirs)
    assert {k: v for k, v in ours.items() if k != member} == {k: v for k, v in theirs.items() if k != member}
    ours_events, ours_error = drain(ours[member])
    theirs_events, theirs_error = drain(theirs[member])
    assert ours_events == theirs_events and ours_events
    assert (ours_error is None) == (theirs_error is None)
    if ours_error is not None:
        assert type(ours_error).__name__ == type(theirs_error).__name__ == "EventStreamError"
        assert ours_error.response == theirs_error.response  # type: ignore[attr-defined]
        assert str(ours_error) == str(theirs_error)
    # The body was not read up front: events come from the stream as it arrives.
    also = parser_for("rest-json").parse(op, HttpResponse(status_code=200, headers=headers, body=data))
    assert drain(also[member])[0] == ours_events
