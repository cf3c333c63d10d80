"""DynamoDB through squall, call for call against boto3, on moto's server."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record


def ddb_scenario(ddb: Any, steps: list) -> None:
    record(steps, "create", lambda: ddb.create_table(
        TableName="music",
        KeySchema=[{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "song", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "artist", "AttributeType": "S"},
                              {"AttributeName": "song", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST"))
    record(steps, "describe", lambda: ddb.describe_table(TableName="music"))
    record(steps, "list", lambda: ddb.list_tables())
    record(steps, "put", lambda: ddb.put_item(TableName="music", Item={
        "artist": {"S": "a"}, "song": {"S": "s1"}, "plays": {"N": "3"}, "data": {"B": b"\xff\x00"},
        "tags": {"SS": ["x", "y"]}, "meta": {"M": {"live": {"BOOL": True}, "none": {"NULL": True}}},
        "list": {"L": [{"N": "1"}, {"S": "two"}]}}))
    record(steps, "get", lambda: ddb.get_item(TableName="music", Key={"artist": {"S": "a"}, "song": {"S": "s1"}}))
    record(steps, "update", lambda: ddb.update_item(
        TableName="music", Key={"artist": {"S": "a"}, "song": {"S": "s1"}},
        UpdateExpression="SET plays = plays + :one", ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="ALL_NEW"))
    record(steps, "conditional_fail", lambda: ddb.put_item(
        TableName="music", Item={"artist": {"S": "a"}, "song": {"S": "s1"}},
        ConditionExpression="attribute_not_exists(artist)"))
    record(steps, "batch_write", lambda: ddb.batch_write_item(RequestItems={"music": [
        {"PutRequest": {"Item": {"artist": {"S": "b"}, "song": {"S": f"s{i}"}}}} for i in range(10)]}))
    record(steps, "batch_get", lambda: ddb.batch_get_item(RequestItems={"music": {"Keys": [
        {"artist": {"S": "b"}, "song": {"S": "s1"}}]}}))
    record(steps, "query", lambda: ddb.query(
        TableName="music", KeyConditionExpression="artist = :a",
        ExpressionAttributeValues={":a": {"S": "b"}}, Limit=4))
    record(steps, "scan", lambda: ddb.scan(TableName="music", Select="COUNT"))
    record(steps, "transact", lambda: ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "music", "Item": {"artist": {"S": "c"}, "song": {"S": "t"}}}},
        {"Update": {"TableName": "music", "Key": {"artist": {"S": "a"}, "song": {"S": "s1"}},
                    "UpdateExpression": "SET plays = :z", "ExpressionAttributeValues": {":z": {"N": "0"}}}}]))
    record(steps, "transact_fail", lambda: ddb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": "music", "Key": {"artist": {"S": "zz"}, "song": {"S": "t"}},
                            "ConditionExpression": "attribute_exists(artist)"}}]))
    record(steps, "delete", lambda: ddb.delete_item(
        TableName="music", Key={"artist": {"S": "c"}, "song": {"S": "t"}}, ReturnValues="ALL_OLD"))
    record(steps, "missing_table", lambda: ddb.describe_table(TableName="nope"))
    record(steps, "drop", lambda: ddb.delete_table(TableName="music"))


def test_dynamodb_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, ddb_scenario, lambda: squall.session.Session().client("dynamodb"),
                         lambda: boto3.session.Session().client("dynamodb")))
    assert steps["conditional_fail"]["error"] == "ConditionalCheckFailedException"
    assert steps["transact_fail"]["error"] == "TransactionCanceledException"
    assert steps["missing_table"]["error"] == "ResourceNotFoundException"
    assert steps["get"]["Item"]["data"] == {"B": b"\xff\x00"}


def test_conditional_check_failure_is_catchable(moto_env: str) -> None:
    ddb = squall.session.Session().client("dynamodb")
    ddb.create_table(TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName="t", Item={"k": {"S": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as info:
        ddb.put_item(TableName="t", Item={"k": {"S": "1"}}, ConditionExpression="attribute_not_exists(k)")
    assert info.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
