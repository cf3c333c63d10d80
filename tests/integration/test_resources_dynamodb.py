"""The DynamoDB Table resource against boto3 on moto: CRUD with Python values, queries
and scans with Key/Attr conditions, batch_writer of 1,000 items, scan pagination."""
from __future__ import annotations

from decimal import Decimal
from importlib import import_module
from typing import Any

from _resources_oracle import compare_resources, step


def table_scenario(ddb: Any, steps: list) -> None:
    lib = type(ddb).__module__.split(".")[0]  # "squall" or "boto3"
    cond = import_module(f"{lib}.dynamodb.conditions")
    Key, Attr = cond.Key, cond.Attr
    Binary = import_module(f"{lib}.dynamodb.types").Binary
    table = step(steps, "create", lambda: ddb.create_table(
        TableName="res-music",
        KeySchema=[{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "artist", "AttributeType": "S"},
                              {"AttributeName": "n", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST"))
    step(steps, "wait", lambda: table.wait_until_exists())
    step(steps, "attributes", lambda: (table.table_status, table.key_schema, table.item_count))
    step(steps, "tables", lambda: list(ddb.tables.all()))
    step(steps, "put", lambda: table.put_item(Item={
        "artist": "a", "n": 1, "title": "One", "plays": Decimal("3.5"), "tags": {"x", "y"}, "bin": Binary(b"\x00\x01"),
        "meta": {"live": True, "none": None, "list": [1, "two", [3]]}}))
    step(steps, "get", lambda: table.get_item(Key={"artist": "a", "n": 1}))
    step(steps, "conditional_put", lambda: table.put_item(Item={"artist": "a", "n": 1},
                                                          ConditionExpression=Attr("artist").not_exists()))
    step(steps, "update", lambda: table.update_item(
        Key={"artist": "a", "n": 1}, UpdateExpression="SET plays = plays + :inc, #t = :t",
        ExpressionAttributeNames={"#t": "title"}, ExpressionAttributeValues={":inc": Decimal("1.5"), ":t": "Uno"},
        ConditionExpression=Attr("plays").gt(1) & Attr("tags").contains("x"), ReturnValues="ALL_NEW"))
    with table.batch_writer() as batch:
        for i in range(1000):
            batch.put_item(Item={"artist": f"b{i % 4}", "n": i, "even": i % 2 == 0, "size": i % 10})
    with table.batch_writer(overwrite_by_pkeys=["artist", "n"]) as batch:
        batch.put_item(Item={"artist": "c", "n": 1, "v": "first"})
        batch.put_item(Item={"artist": "c", "n": 1, "v": "second"})
        batch.delete_item(Key={"artist": "b0", "n": 0})
    step(steps, "overwritten", lambda: table.get_item(Key={"artist": "c", "n": 1})["Item"])
    step(steps, "deleted", lambda: "Item" in table.get_item(Key={"artist": "b0", "n": 0}))
    step(steps, "query", lambda: table.query(KeyConditionExpression=Key("artist").eq("b1") & Key("n").between(1, 41)))
    step(steps, "query_filter", lambda: table.query(
        KeyConditionExpression=Key("artist").eq("b2") & Key("n").gte(500),
        FilterExpression=Attr("size").is_in([2, 6]) & ~Attr("missing").exists(), ScanIndexForward=False, Limit=50))
    step(steps, "query_projection", lambda: table.query(KeyConditionExpression=Key("artist").eq("a"),
                                                        ProjectionExpression="title, plays"))
    step(steps, "scan_filter", lambda: table.scan(FilterExpression=Attr("even").eq(True) & Attr("size").lt(3),
                                                  Select="COUNT"))

    def scan_pages() -> list:
        pages, kwargs = [], {"Limit": 150}
        while True:
            page = table.scan(**kwargs)
            pages.append((page["Count"], sorted(page.get("LastEvaluatedKey", {}).items())))
            if "LastEvaluatedKey" not in page:
                return pages
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    step(steps, "scan_pages", scan_pages)
    step(steps, "scan_paginator", lambda: [
        (p["Count"], p["Items"][0] if p["Items"] else None)
        for p in ddb.meta.client.get_paginator("scan").paginate(TableName="res-music", PaginationConfig={"PageSize": 300})])
    step(steps, "delete_item", lambda: table.delete_item(Key={"artist": "a", "n": 1}, ReturnValues="ALL_OLD"))
    step(steps, "batch_get", lambda: ddb.batch_get_item(RequestItems={"res-music": {
        "Keys": [{"artist": "b1", "n": 1}, {"artist": "b3", "n": 3}], "ConsistentRead": True}}))
    step(steps, "missing_table", lambda: ddb.Table("res-none").load())
    step(steps, "delete", lambda: table.delete())
    step(steps, "gone", lambda: table.wait_until_not_exists())


def test_table_resource_matches_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "dynamodb", table_scenario)
    item = steps["get"]["Item"]
    assert item["plays"] == Decimal("3.5") and item["tags"] == ["x", "y"] and item["bin"] == {"binary": b"\x00\x01"}
    assert item["meta"] == {"live": True, "none": None, "list": [Decimal(1), "two", [Decimal(3)]]}
    assert steps["conditional_put"]["error"] == "ConditionalCheckFailedException"
    assert steps["update"]["Attributes"]["plays"] == Decimal(5) and steps["update"]["Attributes"]["title"] == "Uno"
    assert steps["overwritten"]["v"] == "second" and steps["deleted"] is False
    assert steps["query"]["Count"] == 11  # n = 1, 5, ..., 41
    assert sum(count for count, _ in steps["scan_pages"]) == 1001  # 999 b-items, c/1, a/1
    assert len(steps["scan_pages"]) == 7
    assert [count for count, _ in steps["scan_paginator"]] == [300, 300, 300, 101]
    assert steps["missing_table"]["error"] == "ResourceNotFoundException"
