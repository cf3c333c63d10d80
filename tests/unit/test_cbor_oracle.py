"""squall's smithy-rpc-v2-cbor codec, serializer and parser against botocore's.

No service in botocore 1.43.11 *resolves* to CBOR (each one that lists it also lists
``json``, which botocore prefers), so the real models that list CBOR are loaded with
their protocol forced to ``smithy-rpc-v2-cbor`` in both libraries. For every operation
of those services, random parameters (seeded, shape-directed) go through both
serializers and must give identical requests, byte for byte; random outputs encoded by
botocore's serializer go through both parsers and must give equal results; every
modeled error of every service goes through both error paths.
"""
from __future__ import annotations

import copy
import datetime
import io
import math
import random
import string
import struct
from functools import lru_cache
from typing import Any

import botocore.model
import botocore.parsers
import botocore.serialize
import botocore.session
import pytest

from squall.http._values import HttpResponse
from squall.models.loader import Loader
from squall.models.shapes import ServiceModel, Shape
from squall.protocols import parser_for, serializer_for
from squall.protocols._cbor import (
    CBORDecodeError, CBOREncodeError, Tag, decode, decode_raw, encode,
)

from _wire_oracle import (
    ChunkedRaw, assert_same_result, botocore_parse, drain, event_message, read_streams,
    squall_parse,
)

PROTOCOL = "smithy-rpc-v2-cbor"
UTC = datetime.timezone.utc
SERVICES = [
    "arc-region-switch", "cloudwatch", "comprehendmedical", "compute-optimizer",
    "compute-optimizer-automation", "gamelift", "interconnect", "marketplace-entitlement",
    "snowball",
]


def _forced(raw: dict[str, Any]) -> dict[str, Any]:
    forced = dict(raw)
    forced["metadata"] = dict(raw["metadata"], protocol=PROTOCOL, protocols=[PROTOCOL])
    return forced


@lru_cache(maxsize=None)
def _squall_model(service: str) -> ServiceModel:
    return ServiceModel(_forced(Loader.from_data_path().load_service_model(service, "service-2")), service)


@lru_cache(maxsize=None)
def _botocore_model(service: str) -> Any:
    loader = botocore.session.get_session().get_component("data_loader")
    raw = copy.deepcopy(loader.load_service_model(service, "service-2"))
    return botocore.model.ServiceModel(_forced(raw), service)


def test_cbor_services_resolve_as_botocore_resolves_them() -> None:
    loader = Loader.from_data_path()
    listing = []
    for service in botocore.session.get_session().get_available_services():
        raw = loader.load_service_model(service, "service-2")
        if PROTOCOL in (raw["metadata"].get("protocols") or ()):
            listing.append(service)
            theirs = botocore.model.ServiceModel(raw, service).resolved_protocol
            assert ServiceModel(raw, service).resolved_protocol == theirs == "json"
    assert sorted(listing) == SERVICES


# -- random values, shape-directed ---------------------------------------------------------

_TEXT = string.ascii_letters + string.digits + " -_/:." + "\u00e9\u2603\U0001f600"
_INTS = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**31 - 1, -1, -24, -25, -256, -257, -65537, -2**31]
_LONGS = _INTS + [2**32 - 1, 2**32, 2**63 - 1, -2**63, 2**53 + 1]


def _text(rng: random.Random) -> str:
    length = rng.choice([0, 1, 5, 23, 24, 30, 300])
    return "".join(rng.choice(_TEXT) for _ in range(length))


def _timestamp(rng: random.Random) -> Any:
    seconds = rng.randrange(0, 4_000_000_000)
    when = datetime.datetime.fromtimestamp(seconds, UTC)
    return rng.choice([
        when,
        when.replace(microsecond=rng.randrange(1_000_000)),
        when.replace(tzinfo=None),
        when.astimezone(datetime.timezone(datetime.timedelta(hours=-7))),
        seconds,
        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ])


def _value(shape: Shape, rng: random.Random, depth: int, output: bool) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, rng, depth, output)
    if kind == "list":
        size = rng.choice([0, 1, 2, 3, 25]) if depth < 3 else rng.choice([0, 1])
        return [_value(shape.member, rng, depth + 1, output) for _ in range(size)]
    if kind == "map":
        size = rng.choice([0, 1, 3]) if depth < 3 else rng.choice([0, 1])
        return {_value(shape.key, rng, depth + 1, output): _value(shape.value, rng, depth + 1, output)
                for _ in range(size)}
    if kind == "string":
        return rng.choice(shape.enum) if shape.enum else _text(rng)
    if kind == "integer":
        return rng.choice(_INTS)
    if kind == "long":
        return rng.choice(_LONGS)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("float", "double"):
        special = rng.random() < 0.1
        if special:
            return rng.choice([math.inf, -math.inf, math.nan])
        value = rng.choice([0.0, -0.0, 1.5, 7.625, rng.uniform(-1e6, 1e6)])
        if kind == "float":
            value = struct.unpack(">f", struct.pack(">f", value))[0]
        elif rng.random() < 0.3:
            value = rng.uniform(-1e300, 1e300)
        return value
    if kind == "timestamp":
        if output:  # what botocore's serializer can write: whole seconds since 1970
            return datetime.datetime.fromtimestamp(rng.randrange(0, 4_000_000_000), UTC)
        return _timestamp(rng)
    if kind == "blob":
        data = bytes(rng.randrange(256) for _ in range(rng.choice([0, 3, 24, 300])))
        return data if output else rng.choice([data, bytearray(data), data.decode("latin-1")])
    raise AssertionError(f"no generator for {kind}")


def _structure(shape: Shape, rng: random.Random, depth: int, output: bool) -> dict[str, Any]:
    members = list(shape.members.items())
    if depth > 4:  # recursive shapes: keep to scalars this deep
        members = [(n, m) for n, m in members if m.type_name not in ("structure", "list", "map")]
    if shape.is_tagged_union:
        if not members:
            members = list(shape.members.items())[:1]
        name, member = rng.choice(members)
        return {name: _value(member, rng, depth + 1, output)}
    chosen = [(n, m) for n, m in members if rng.random() < 0.7]
    return {n: _value(m, rng, depth + 1, output) for n, m in chosen}


# -- requests ------------------------------------------------------------------------------

def _assert_same_request(service: str, operation: str, params: dict[str, Any]) -> None:
    ours = serializer_for(PROTOCOL)(_squall_model(service).operation_model(operation), params)
    serializer = botocore.serialize.create_serializer(PROTOCOL, include_validation=False)
    theirs = serializer.serialize_to_request(params, _botocore_model(service).operation_model(operation))
    assert ours.method == theirs["method"]
    assert ours.path == theirs["url_path"]
    assert ours.query == ()
    assert dict(ours.headers) == theirs["headers"]
    assert list(ours.headers) == list(theirs["headers"])
    assert ours.host_prefix == theirs.get("host_prefix")
    assert isinstance(ours.body, bytes)
    assert ours.body == theirs["body"], (ours.body.hex(), theirs["body"].hex())


@pytest.mark.parametrize("service", SERVICES)
def test_random_requests_match_botocore(service: str) -> None:
    rng = random.Random(f"requests-{service}")
    model = _squall_model(service)
    for operation in model.operation_names:
        op = model.operation_model(operation)
        _assert_same_request(service, operation, {})
        if op.input_shape is None:
            continue
        for _ in range(4):
            _assert_same_request(service, operation, _structure(op.input_shape, rng, 0, False))


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("cloudwatch", "PutMetricData", {"Namespace": "n", "MetricData": [
        {"MetricName": "m", "Value": 1.5, "Values": [1.0, 2.25], "Counts": [1, 2],
         "Timestamp": datetime.datetime(2024, 1, 1, tzinfo=UTC), "StorageResolution": 1,
         "Dimensions": [{"Name": "d", "Value": "v" * 300}]}]}),
    ("cloudwatch", "GetMetricData", {
        "MetricDataQueries": [{"Id": "q", "MetricStat": {"Metric": {"Namespace": "n", "MetricName": "m"},
                                                         "Period": 60, "Stat": "Average"}}],
        "StartTime": "2024-01-01T00:00:00Z", "EndTime": 1704153600}),
    ("cloudwatch", "ListMetrics", {}),
    ("gamelift", "CreateBuild", {"Name": "b", "StorageLocation": {"Bucket": "x", "Key": "k"}}),
    ("gamelift", "ListFleets", {"Limit": 10}),
    ("snowball", "DescribeJob", {"JobId": "JID123"}),
]


@pytest.mark.parametrize("service,operation,params", REQUESTS,
                         ids=[f"{s}.{o}#{i}" for i, (s, o, _) in enumerate(REQUESTS)])
def test_request_matches_botocore(service: str, operation: str, params: dict[str, Any]) -> None:
    _assert_same_request(service, operation, params)


def test_query_compatible_service_sends_query_mode() -> None:
    request = serializer_for(PROTOCOL)(_squall_model("cloudwatch").operation_model("ListMetrics"), {})
    assert request.path == "/service/GraniteServiceVersion20100801/operation/ListMetrics"
    assert request.headers["x-amzn-query-mode"] == "true"
    assert request.headers["Content-Type"] == "application/cbor"
    assert request.body == b"\xa0"


def test_file_like_blob_is_read() -> None:
    model = ServiceModel({
        "metadata": {"protocol": PROTOCOL, "protocols": [PROTOCOL], "targetPrefix": "T", "apiVersion": "1"},
        "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "In"}}},
        "shapes": {"In": {"type": "structure", "members": {"B": {"shape": "Blob"}}}, "Blob": {"type": "blob"}},
    })
    request = serializer_for(PROTOCOL)(model.operation_model("Op"), {"B": io.BytesIO(b"abc")})
    assert isinstance(request.body, bytes)
    assert decode(request.body) == {"B": b"abc"}


def test_timestamps_botocore_cannot_write() -> None:
    # botocore crashes on millisecond precision and pre-1970 times; squall writes tag 1
    # around a double or a negative integer.
    op = _squall_model("cloudwatch").operation_model("GetMetricData")
    base = {"MetricDataQueries": [], "EndTime": 0}

    def body(start: Any, precision: Any = "default") -> bytes:
        request = serializer_for(PROTOCOL)(op, dict(base, StartTime=start), timestamp_precision=precision)
        assert isinstance(request.body, bytes)
        return request.body

    when = datetime.datetime(2024, 5, 1, 12, 30, 15, 123999, tzinfo=UTC)
    assert decode_raw(body(when, "millisecond"))["StartTime"] == Tag(1, 1714566615.123)
    assert decode_raw(body(when))["StartTime"] == Tag(1, 1714566615)
    before = datetime.datetime(1969, 12, 31, 23, 59, 0, tzinfo=UTC)
    assert decode_raw(body(before))["StartTime"] == Tag(1, -60)
    assert decode(body(before))["StartTime"] == before


# -- responses -----------------------------------------------------------------------------

def _botocore_parse(service: str, operation: str, status: int, headers: dict[str, str], body: bytes) -> Any:
    return botocore_parse(_botocore_model(service).operation_model(operation), PROTOCOL, status, headers, body)


def _squall_parse(service: str, operation: str, status: int, headers: dict[str, str], body: bytes) -> Any:
    return squall_parse(_squall_model(service).operation_model(operation), PROTOCOL, status, headers, body)


def _assert_same_parse(service: str, operation: str, status: int, headers: dict[str, str], body: bytes) -> None:
    ours = _squall_parse(service, operation, status, headers, body)
    theirs = _botocore_parse(service, operation, status, headers, body)
    assert_same_result(ours, theirs)


_HEADERS = {"x-amzn-RequestId": "req-1", "Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}


def _botocore_body(shape: Any, value: dict[str, Any]) -> bytes:
    out = bytearray()
    botocore.serialize.RpcV2CBORSerializer()._serialize_data_item(out, value, shape)
    return bytes(out)


@pytest.mark.parametrize("service", SERVICES)
def test_random_responses_match_botocore(service: str) -> None:
    rng = random.Random(f"responses-{service}")
    model = _squall_model(service)
    for operation in model.operation_names:
        op = model.operation_model(operation)
        if op.output_shape is None:
            continue
        bop = _botocore_model(service).operation_model(operation)
        for _ in range(4):
            value = _structure(op.output_shape, rng, 0, True)
            body = _botocore_body(bop.output_shape, value)
            _assert_same_parse(service, operation, 200, _HEADERS, body)
            # The same data with indefinite lengths, float timestamps and extra members.
            extra = encode(dict(_retagged(value), UnknownExtraMember={"a": [1, Tag(1, 1.5)]}))
            _assert_same_parse(service, operation, 200, _HEADERS, extra)


def _retagged(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _retagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_retagged(v) for v in value]
    if isinstance(value, datetime.datetime):
        return Tag(1, value.timestamp() + 0.25)
    return value


@pytest.mark.parametrize("service", SERVICES)
def test_every_modeled_error_matches_botocore(service: str) -> None:
    rng = random.Random(f"errors-{service}")
    model = _squall_model(service)
    operation = model.operation_names[0]
    for shape in model.error_shapes:
        members = _structure(shape, rng, 0, True)
        for key in ("message", "Message"):
            body = dict(members, __type=f"com.amazonaws.{service}#{shape.name}")
            body[key] = "went wrong"
            _assert_same_parse(service, operation, 400, _HEADERS, encode(_retagged(body)))
        code = shape.raw.get("error", {}).get("code")
        if code:  # awsQueryCompatible: the query code comes in a header
            headers = dict(_HEADERS, **{"x-amzn-query-error": f"{code};Sender"})
            body = {"__type": f"com.amazonaws.{service}#{shape.name}", "message": "m"}
            _assert_same_parse(service, operation, 400, headers, encode(body))


ERRORS: list[tuple[int, dict[str, str], Any]] = [
    (400, _HEADERS, {"__type": "ResourceNotFoundException:http://x/y", "message": "nope"}),
    (400, _HEADERS, {"message": "no type"}),
    (400, _HEADERS, {"__type": "aws.protocoltests#Unmodeled", "Message": "M"}),
    (500, _HEADERS, b""),
    (503, _HEADERS, b"<html><body>Service Unavailable</body></html>"),
    (500, _HEADERS, {"__type": "InternalServerError", "message": "oops"}),
    (400, dict(_HEADERS, **{"x-amzn-query-error": "NoSemicolon"}), {"__type": "a#B", "message": "m"}),
    (400, dict(_HEADERS, **{"x-amzn-query-error": ";Sender"}), {"__type": "a#B", "message": "m"}),
    (400, dict(_HEADERS, **{"x-amzn-query-error": "Throttling;Sender"}), {"__type": "a#B", "message": "m"}),
]


@pytest.mark.parametrize("status,headers,body", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_error_matches_botocore(status: int, headers: dict[str, str], body: Any) -> None:
    raw = body if isinstance(body, bytes) else encode(body)
    _assert_same_parse("cloudwatch", "ListMetrics", status, headers, raw)


def test_errors_botocore_crashes_on() -> None:
    # Empty or non-CBOR 4xx bodies: botocore raises; squall reports the status code.
    parsed = _squall_parse("cloudwatch", "ListMetrics", 403, _HEADERS, b"")
    assert parsed["Error"] == {"Message": "", "Code": "403"}
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    parsed = _squall_parse("cloudwatch", "ListMetrics", 403, {}, b"Forbidden by proxy")
    assert parsed["Error"] == {"Message": "Forbidden by proxy", "Code": "403"}
    parsed = _squall_parse("cloudwatch", "ListMetrics", 400, {}, encode(["not", "a", "map"]))
    assert parsed["Error"] == {"Message": "", "Code": "400"}


def test_timestamps_are_utc_aware() -> None:
    body = encode({"MetricDataResults": [{"Id": "a", "Timestamps": [Tag(1, 1714566615.5)]}]})
    parsed = _squall_parse("cloudwatch", "GetMetricData", 200, _HEADERS, body)
    stamp = parsed["MetricDataResults"][0]["Timestamps"][0]
    assert stamp.tzinfo is UTC
    assert stamp == datetime.datetime(2024, 5, 1, 12, 30, 15, 500000, tzinfo=UTC)


# -- the codec against botocore's ------------------------------------------------------------

def _botocore_decode(data: bytes) -> Any:
    parser = botocore.parsers.RpcV2CBORParser()
    return parser.parse_data_item(parser.get_peekable_stream_from_bytes(data))


def _random_document(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 4 else 6)
    if choice == 0:
        return rng.choice(_LONGS + [2**64 - 1, -2**64])
    if choice == 1:
        return _text(rng)
    if choice == 2:
        return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 30, 300])))
    if choice == 3:
        return rng.choice([True, False, None])
    if choice == 4:
        return rng.choice([0.5, -2.25, 1e300, math.inf, -math.inf, rng.random()])
    if choice == 5:
        return Tag(1, rng.choice([0, 1714566615, 1714566615.5]))
    if choice == 6:
        return [_random_document(rng, depth + 1) for _ in range(rng.choice([0, 2, 30]))]
    return {_text(rng): _random_document(rng, depth + 1) for _ in range(rng.choice([0, 2, 30]))}


def _indefinite(value: Any) -> bytes:
    """Another valid encoding: every container and string with indefinite length."""
    if isinstance(value, dict):
        return b"\xbf" + b"".join(_indefinite(k) + _indefinite(v) for k, v in value.items()) + b"\xff"
    if isinstance(value, list):
        return b"\x9f" + b"".join(_indefinite(v) for v in value) + b"\xff"
    if isinstance(value, str) and value:
        half = len(value) // 2
        return b"\x7f" + encode(value[:half]) + encode(value[half:]) + b"\xff"
    if isinstance(value, bytes) and value:
        return b"\x5f" + encode(value[:1]) + encode(value[1:]) + b"\xff"
    return encode(value)


def test_random_documents_decode_as_botocore_decodes() -> None:
    rng = random.Random("documents")
    for _ in range(300):
        document = _random_document(rng)
        for data in (encode(document), _indefinite(document)):
            assert read_streams(decode(data)) == read_streams(_botocore_decode(data))
            raw = decode_raw(data)
            assert read_streams(decode_raw(encode(raw))) == read_streams(raw)


def test_decoder_edge_cases() -> None:
    assert decode(b"\xf7") is None  # undefined
    assert decode(b"\xf9\x00\x01") == 5.960464477539063e-08  # float16 subnormal
    assert decode(b"\xa1\x61a\xf6") == {} and decode_raw(b"\xa1\x61a\xf6") == {"a": None}
    assert decode(b"\x01\x02") == 1  # botocore ignores what follows the item
    with pytest.raises(CBORDecodeError, match="after the data item"):
        decode_raw(b"\x01\x02")
    with pytest.raises(CBORDecodeError, match="unsupported tag"):
        decode(b"\xc2\x41\x01")  # bignum
    with pytest.raises(CBORDecodeError, match="epoch time"):
        decode(b"\xc1\x61a")
    with pytest.raises(CBORDecodeError, match="UTF-8"):
        decode(b"\x62\xff\xfe")
    with pytest.raises(CBORDecodeError, match="map key"):
        decode(b"\xa1\x80\x01")
    with pytest.raises(CBORDecodeError, match="simple value"):
        decode(b"\xf0")
    with pytest.raises(CBORDecodeError, match="nested too deeply"):
        decode(b"\x81" * 100_000 + b"\x00")
    assert decode(bytearray(b"\x63abc")) == "abc" and decode(memoryview(b"\x41\x00")) == b"\x00"


def test_encoder_edge_cases() -> None:
    assert encode(2**64 - 1) == b"\x1b" + b"\xff" * 8
    assert encode(-2**64) == b"\x3b" + b"\xff" * 8
    with pytest.raises(CBOREncodeError):
        encode(2**64)
    with pytest.raises(CBOREncodeError):
        encode(object())
    assert encode(math.nan) == b"\xf9\x7e\x00" and encode(-math.inf) == b"\xf9\xfc\x00"
    assert encode(datetime.datetime(1970, 1, 1, 0, 0, 1)) == b"\xc1\x01"
    assert encode(datetime.datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=UTC)) == b"\xc1\xfb" + struct.pack(">d", 1.5)
    assert decode_raw(encode((1, "a"))) == [1, "a"]


# -- event streams and model features the real CBOR services don't use -----------------------

_SYNTHETIC = {
    "metadata": {"protocol": PROTOCOL, "protocols": [PROTOCOL], "targetPrefix": "Synth",
                 "apiVersion": "2024-01-01", "endpointPrefix": "synth", "serviceId": "Synth"},
    "operations": {
        "Subscribe": {"name": "Subscribe", "http": {"method": "POST", "requestUri": "/"},
                      "input": {"shape": "SubscribeInput"}, "output": {"shape": "SubscribeOutput"}},
        "Describe": {"name": "Describe", "http": {"method": "POST", "requestUri": "/"},
                     "output": {"shape": "DescribeOutput"}},
        "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"},
                 "endpoint": {"hostPrefix": "{Cell}."}, "input": {"shape": "PingInput"}},
    },
    "shapes": {
        "SubscribeInput": {"type": "structure", "members": {"Topic": {"shape": "String"}}},
        "SubscribeOutput": {"type": "structure", "members": {
            "SubscriptionId": {"shape": "String"}, "Events": {"shape": "Events"}}},
        "Events": {"type": "structure", "eventstream": True, "members": {
            "Data": {"shape": "DataEvent"}, "Raw": {"shape": "RawEvent"}, "Boom": {"shape": "BoomError"}}},
        "DataEvent": {"type": "structure", "event": True, "members": {
            "Seq": {"shape": "Long"}, "At": {"shape": "Timestamp"}, "Tags": {"shape": "StringList"}}},
        "RawEvent": {"type": "structure", "event": True, "members": {
            "Kind": {"shape": "String", "eventheader": True}, "Bytes": {"shape": "Blob", "eventpayload": True}}},
        "BoomError": {"type": "structure", "exception": True, "members": {"Message": {"shape": "String"}}},
        "DescribeOutput": {"type": "structure", "members": {
            "Choice": {"shape": "Choice"}, "Labels": {"shape": "LabelMap"},
            "Sparse": {"shape": "StringList"}, "At": {"shape": "Timestamp"}}},
        "Choice": {"type": "structure", "union": True, "members": {
            "Text": {"shape": "String"}, "Number": {"shape": "Long"}}},
        "LabelMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Label"}},
        "Label": {"type": "structure", "members": {"Name": {"shape": "String"}}},
        "PingInput": {"type": "structure", "required": ["Cell"], "members": {
            "Cell": {"shape": "String", "hostLabel": True}, "Doc": {"shape": "Document"}}},
        "Document": {"type": "structure", "members": {}, "document": True},
        "StringList": {"type": "list", "member": {"shape": "String"}},
        "String": {"type": "string"}, "Long": {"type": "long"}, "Blob": {"type": "blob"},
        "Timestamp": {"type": "timestamp"},
    },
}


def test_event_stream_matches_botocore() -> None:
    data = b"".join([
        event_message({":message-type": "event", ":event-type": "initial-response"},
                      encode({"SubscriptionId": "sub-1"})),
        event_message({":message-type": "event", ":event-type": "Data", ":content-type": "application/cbor"},
                      encode({"Seq": 2**40, "At": Tag(1, 1714566615.25), "Tags": ["a", "b"]})),
        event_message({":message-type": "event", ":event-type": "Raw", "Kind": "bin"}, b"\x00\xffraw"),
        event_message({":message-type": "event", ":event-type": "Data"}, b""),
        event_message({":message-type": "event", ":event-type": "FutureEvent"}, encode({})),
        event_message({":message-type": "exception", ":exception-type": "Boom"}, encode({"Message": "bang"})),
    ])
    model = ServiceModel(copy.deepcopy(_SYNTHETIC))
    request = serializer_for(PROTOCOL)(model.operation_model("Subscribe"), {"Topic": "t"})
    assert request.headers["Accept"] == "application/vnd.amazon.eventstream"
    assert request.headers["Content-Type"] == "application/vnd.amazon.eventstream"
    bmodel = botocore.model.ServiceModel(copy.deepcopy(_SYNTHETIC), "synth")
    theirs_request = botocore.serialize.create_serializer(PROTOCOL, include_validation=False) \
        .serialize_to_request({"Topic": "t"}, bmodel.operation_model("Subscribe"))
    assert dict(request.headers) == theirs_request["headers"] and request.body == theirs_request["body"]

    ours = parser_for(PROTOCOL).parse(model.operation_model("Subscribe"),
                                      HttpResponse(status_code=200, headers={}, stream=ChunkedRaw(data)))
    theirs = botocore_parse(bmodel.operation_model("Subscribe"), PROTOCOL, 200, {}, ChunkedRaw(data))
    assert ours["SubscriptionId"] == theirs["SubscriptionId"] == "sub-1"
    ours_events, ours_error = drain(ours["Events"])
    theirs_events, theirs_error = drain(theirs["Events"])
    assert ours_events == theirs_events and len(ours_events) == 3
    assert ours_events[0]["Data"]["At"] == datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
    assert type(ours_error).__name__ == type(theirs_error).__name__ == "EventStreamError"
    assert ours_error.response == theirs_error.response
    assert str(ours_error) == str(theirs_error)


def test_event_stream_without_initial_response_fails() -> None:
    model = ServiceModel(copy.deepcopy(_SYNTHETIC))
    data = event_message({":message-type": "event", ":event-type": "Data"}, encode({"Seq": 1}))
    with pytest.raises(Exception, match="initial-response"):
        parser_for(PROTOCOL).parse(model.operation_model("Subscribe"),
                                   HttpResponse(status_code=200, headers={}, body=data))


def _describe(body: Any) -> Any:
    model = ServiceModel(copy.deepcopy(_SYNTHETIC))
    response = HttpResponse(status_code=200, headers={}, body=encode(body))
    result = parser_for(PROTOCOL).parse(model.operation_model("Describe"), response)
    del result["ResponseMetadata"]
    return result


def test_unions_maps_and_sparse_lists() -> None:
    assert _describe({"Choice": {"Number": 3}, "Sparse": ["a", None]}) == {
        "Choice": {"Number": 3}, "Sparse": ["a", None]}
    # An unknown union member: as in the other protocols (botocore's CBOR parser gives {}).
    assert _describe({"Choice": {"Future": 1}}) == {"Choice": {"SDK_UNKNOWN_MEMBER": {"name": "Future"}}}
    with pytest.raises(Exception, match="one and only one"):
        _describe({"Choice": {"Text": "a", "Number": 1}})
    # Unknown members of map values are skipped, as Smithy asks (botocore keeps them).
    assert _describe({"Labels": {"k": {"Name": "n", "New": 1}}}) == {"Labels": {"k": {"Name": "n"}}}
    # A timestamp without tag 1 still reads as a datetime (botocore leaves the number).
    assert _describe({"At": 0}) == {"At": datetime.datetime(1970, 1, 1, tzinfo=UTC)}


def test_documents_and_host_prefix() -> None:
    model = ServiceModel(copy.deepcopy(_SYNTHETIC))
    document = {"a": [1, 2.5, None, True, "x", {"b": b"\x00"}]}
    request = serializer_for(PROTOCOL)(model.operation_model("Ping"), {"Cell": "c-1", "Doc": document})
    assert request.host_prefix == "c-1."
    assert isinstance(request.body, bytes)
    assert decode_raw(request.body) == {"Cell": "c-1", "Doc": document}
    with pytest.raises(Exception, match="Invalid value for parameter"):
        serializer_for(PROTOCOL)(model.operation_model("Ping"), {"Cell": "bad cell"})
    # An operation without input: no body and no Content-Type, as botocore.
    request = serializer_for(PROTOCOL)(model.operation_model("Describe"), {})
    assert request.body == b"" and "Content-Type" not in request.headers
    assert request.path == "/service/Synth/operation/Describe"
