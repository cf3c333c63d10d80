"""The DynamoDB resource's conversions against boto3's: with both clients stopped just
before the wire, the same Python-level calls must produce the same low-level params
(typed values, expressions, placeholders) and return the same Python values. And
batch_writer against boto3's BatchWriter on one scripted client."""
from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any, Callable

import boto3
import pytest
from boto3.dynamodb.conditions import Attr as BAttr
from boto3.dynamodb.conditions import Key as BKey
from boto3.dynamodb.table import BatchWriter as BotoBatchWriter

import squall
from squall.dynamodb.conditions import Attr, Key
from squall.dynamodb.table import BatchWriter
from squall.dynamodb.types import Binary

ITEM_WIRE = {"pk": {"S": "a"}, "sk": {"N": "1"}, "blob": {"B": b"\x01"}, "tags": {"SS": ["x"]},
             "nested": {"M": {"l": {"L": [{"N": "2.5"}, {"NULL": True}, {"BOOL": False}]}}}}

RESPONSES: dict[str, dict[str, Any]] = {
    "GetItem": {"Item": ITEM_WIRE},
    "PutItem": {"Attributes": ITEM_WIRE},
    "Query": {"Items": [ITEM_WIRE, copy.deepcopy(ITEM_WIRE)], "Count": 2, "ScannedCount": 2,
              "LastEvaluatedKey": {"pk": {"S": "a"}, "sk": {"N": "1"}}},
    "Scan": {"Items": [ITEM_WIRE], "Count": 1, "ScannedCount": 5},
    "UpdateItem": {"Attributes": {"n": {"N": "10"}}},
    "BatchGetItem": {"Responses": {"t": [ITEM_WIRE]}, "UnprocessedKeys": {}},
    "BatchWriteItem": {"UnprocessedItems": {"t": [{"PutRequest": {"Item": ITEM_WIRE}}]}},
    "DeleteItem": {},
    "TransactWriteItems": {},
}


class _Http:
    status_code = 200
    headers: dict[str, str] = {}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def boto3_run(scenario: Callable[[Any, Any, Any], Any]) -> tuple[list, Any]:
    ddb = boto3.session.Session().resource("dynamodb")
    events = ddb.meta.client.meta.events
    calls: list = []

    def record(params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        calls.append((model.name, copy.deepcopy(params)))

    def respond(model: Any, **kwargs: Any) -> Any:
        return _Http(), copy.deepcopy(RESPONSES.get(model.name, {}))

    events.register_last("before-parameter-build.dynamodb", record)  # after the conversions
    events.register("before-call.dynamodb", respond)
    return calls, scenario(ddb, BKey, BAttr)


def squall_run(monkeypatch: pytest.MonkeyPatch, scenario: Callable[[Any, Any, Any], Any]) -> tuple[list, Any]:
    from squall.runtime import _base

    calls: list = []

    def fake(self: Any, operation_name: str, api_params: Any) -> dict[str, Any]:
        calls.append((operation_name, copy.deepcopy(dict(api_params))))
        return copy.deepcopy(RESPONSES.get(operation_name, {}))

    monkeypatch.setattr(_base.BaseClient, "_make_api_call", fake)
    return calls, scenario(squall.session.Session().resource("dynamodb"), Key, Attr)


def strip_metadata(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_metadata(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [strip_metadata(v) for v in value]
    return value


def compare(monkeypatch: pytest.MonkeyPatch, scenario: Callable[[Any, Any, Any], Any]) -> list:
    their_calls, theirs = boto3_run(scenario)
    our_calls, ours = squall_run(monkeypatch, scenario)
    assert our_calls == their_calls
    assert strip_metadata(ours) == strip_metadata(theirs)
    return our_calls


def test_item_operations_match_boto3(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario(ddb: Any, Key: Any, Attr: Any) -> Any:
        table = ddb.Table("t")
        out = [
            table.put_item(Item={"pk": "a", "sk": 1, "n": Decimal("1.25"), "b": b"\x00", "s": {"x"}, "l": [1, None],
                                 "m": {"deep": {"er": True}}}, ConditionExpression=Attr("pk").not_exists(),
                           ReturnValues="ALL_OLD"),
            table.get_item(Key={"pk": "a", "sk": 1}, ProjectionExpression="pk, blob"),
            table.update_item(Key={"pk": "a", "sk": 1}, UpdateExpression="SET n = n + :inc",
                              ExpressionAttributeValues={":inc": 3},
                              ConditionExpression=Attr("n").lt(100) & Attr("tags").contains("x"),
                              ReturnValues="UPDATED_NEW"),
            table.delete_item(Key={"pk": "a", "sk": 1}, ConditionExpression=Attr("sk").is_in([1, 2])),
        ]
        return out

    calls = compare(monkeypatch, scenario)
    assert calls[0][1]["Item"]["n"] == {"N": "1.25"}
    assert calls[0][1]["ConditionExpression"] == "attribute_not_exists(#n0)"


def test_query_and_scan_match_boto3(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario(ddb: Any, Key: Any, Attr: Any) -> Any:
        table = ddb.Table("t")
        return [
            table.query(KeyConditionExpression=Key("pk").eq("a") & Key("sk").between(1, 9),
                        FilterExpression=Attr("n").gt(2) | ~Attr("x.y[1]").exists(), Limit=5),
            table.query(KeyConditionExpression=Key("pk").eq("a"), ExpressionAttributeNames={"#p": "proj"},
                        ProjectionExpression="#p", ExclusiveStartKey={"pk": "a", "sk": 1}),
            table.scan(FilterExpression=Attr("size").size().gte(2) & Attr("t").attribute_type("S")),
            table.scan(FilterExpression="attr = :v", ExpressionAttributeValues={":v": b"\x02"}),
        ]

    calls = compare(monkeypatch, scenario)
    # FilterExpression is built first, so the key condition numbers on from it (as boto3).
    assert calls[0][1]["KeyConditionExpression"] == "(#n3 = :v1 AND #n4 BETWEEN :v2 AND :v3)"
    assert calls[1][1]["ExpressionAttributeNames"] == {"#p": "proj", "#n0": "pk"}


def test_batch_and_client_level_calls_match_boto3(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario(ddb: Any, Key: Any, Attr: Any) -> Any:
        client = ddb.meta.client  # the resource's client converts too, as in boto3
        return [
            ddb.batch_get_item(RequestItems={"t": {"Keys": [{"pk": "a", "sk": 1}]}}),
            ddb.batch_write_item(RequestItems={"t": [{"DeleteRequest": {"Key": {"pk": "a", "sk": 2}}}]}),
            client.get_item(TableName="t", Key={"pk": "a", "sk": 1}),
            client.transact_write_items(TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": "z", "sk": 0}}},
                {"ConditionCheck": {"TableName": "t", "Key": {"pk": "q", "sk": 1},
                                    "ConditionExpression": "attribute_exists(pk)"}}]),
        ]

    compare(monkeypatch, scenario)


def test_conversions_leave_callers_params_alone(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    item = {"pk": "a", "sk": 1, "l": [1, 2], "m": {"x": "y"}}
    names = {"#p": "pk"}
    snapshot = copy.deepcopy((item, names))

    def scenario(ddb: Any, Key: Any, Attr: Any) -> Any:
        table = ddb.Table("t")
        table.put_item(Item=item)
        table.query(KeyConditionExpression=Key("pk").eq("a"), ExpressionAttributeNames=names)
        return None

    squall_run(monkeypatch, scenario)
    assert (item, names) == snapshot


def test_binary_values_serialize(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario(ddb: Any, Key: Any, Attr: Any) -> Any:
        return ddb.Table("t").get_item(Key={"pk": Binary(b"\x02"), "sk": 1})

    calls, result = squall_run(monkeypatch, scenario)
    assert calls[0][1]["Key"] == {"pk": {"B": b"\x02"}, "sk": {"N": "1"}}
    assert result["Item"]["blob"] == Binary(b"\x01") and isinstance(result["Item"]["blob"], Binary)


def test_plain_clients_do_not_convert(env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from squall.dynamodb.transform import is_high_level

    session = squall.session.Session()
    resource = session.resource("dynamodb")
    plain = session.client("dynamodb")
    assert is_high_level(resource.meta.client) and not is_high_level(plain)
    assert type(resource.meta.client).__name__ == type(plain).__name__ == "DynamoDB"
    assert isinstance(resource.meta.client, type(plain))
    # A Table given a plain client converts on it too (boto3 registers on that client).
    table_cls = type(resource.Table("t"))
    other = session.client("dynamodb")
    table_cls("t", client=other)
    assert is_high_level(other)


# -- batch_writer -------------------------------------------------------------------------------


class ScriptedClient:
    """Records batch_write_item calls; leaves the first request of the first batch unprocessed."""

    def __init__(self) -> None:
        self.calls: list = []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self.calls.append(copy.deepcopy(RequestItems))
        if len(self.calls) == 1:
            return {"UnprocessedItems": {"t": RequestItems["t"][:1]}}
        return {"UnprocessedItems": {}}


def drive(writer: Any) -> None:
    with writer as batch:
        for i in range(60):
            batch.put_item(Item={"pk": f"p{i % 30}", "sk": i % 2, "n": i})
        batch.delete_item(Key={"pk": "p1", "sk": 1})
        batch.put_item(Item={"pk": "p1", "sk": 1, "n": "again"})


@pytest.mark.parametrize("pkeys", [None, ["pk", "sk"], ["pk"]])
def test_batch_writer_matches_boto3(pkeys: list[str] | None) -> None:
    ours, theirs = ScriptedClient(), ScriptedClient()
    drive(BatchWriter("t", ours, overwrite_by_pkeys=pkeys))
    drive(BotoBatchWriter("t", theirs, overwrite_by_pkeys=pkeys))
    assert ours.calls == theirs.calls
    assert all(len(call["t"]) <= 25 for call in ours.calls)
    if pkeys is None:  # unprocessed: sent again (with pkeys, a later request for the key replaces it)
        assert ours.calls[0]["t"][0] in [r for call in ours.calls[1:] for r in call["t"]]
    if pkeys == ["pk", "sk"]:  # no batch holds two requests for one key
        for call in ours.calls:
            keys = [tuple((r.get("PutRequest", {}).get("Item") or r["DeleteRequest"]["Key"])[k] for k in pkeys)
                    for r in call["t"]]
            assert len(keys) == len(set(keys))


def test_batch_writer_flushes_on_exit_and_on_error() -> None:
    client = ScriptedClient()
    client.calls.append("warm")  # only the first call leaves items unprocessed
    with pytest.raises(RuntimeError):
        with BatchWriter("t", client) as batch:
            batch.put_item(Item={"pk": "a"})
            raise RuntimeError("boom")
    assert client.calls[1:] == [{"t": [{"PutRequest": {"Item": {"pk": "a"}}}]}]
    client = ScriptedClient()
    with BatchWriter("t", client, flush_amount=2) as batch:
        for i in range(5):
            batch.put_item(Item={"pk": str(i)})
    # 0 and 1 go out; 0 comes back unprocessed and is sent with 2; then 3 and 4.
    assert [[r["PutRequest"]["Item"]["pk"] for r in c["t"]] for c in client.calls] == [
        ["0", "1"], ["0", "2"], ["3", "4"]]


def test_table_batch_writer_uses_the_resource_client(env: None) -> None:
    table = squall.session.Session().resource("dynamodb").Table("music")
    writer = table.batch_writer(overwrite_by_pkeys=["artist"])
    assert isinstance(writer, BatchWriter)
    assert writer._client is table.meta.client and writer._table_name == "music"
    assert writer._overwrite_by_pkeys == ["artist"]


def test_stubber_on_a_table_matches_boto3(env: None) -> None:
    """boto3's Stubber compares expected params with the caller's Python values and still
    converts the stubbed response; user tests written that way pass with squall."""
    from botocore.stub import Stubber as BotoStubber

    from squall.stub import Stubber

    results = []
    for lib, stubber_cls, key in ((squall, Stubber, Key), (boto3, BotoStubber, BKey)):
        table = lib.session.Session().resource("dynamodb").Table("t")
        stubber = stubber_cls(table.meta.client)
        condition = key("pk").eq("a")
        stubber.add_response("query", {"Items": [{"n": {"N": "2"}}], "Count": 1},
                             {"TableName": "t", "KeyConditionExpression": condition})
        stubber.add_response("get_item", {}, {"TableName": "t", "Key": {"pk": "other"}})
        with stubber:
            out = table.query(KeyConditionExpression=key("pk").eq("a"))
            with pytest.raises(Exception) as info:
                table.get_item(Key={"pk": "v"})
        results.append((strip_metadata(out), type(info.value).__name__, str(info.value)))
    assert results[0] == results[1]
    assert results[0][0]["Items"] == [{"n": Decimal(2)}]
