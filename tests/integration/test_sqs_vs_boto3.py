"""SQS through squall, call for call against boto3, on moto's server."""
from __future__ import annotations

from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record


def sqs_scenario(sqs: Any, steps: list) -> None:
    url = record(steps, "create", lambda: sqs.create_queue(
        QueueName="orders", Attributes={"VisibilityTimeout": "5"}, tags={"team": "a"}))["QueueUrl"]
    record(steps, "get_url", lambda: sqs.get_queue_url(QueueName="orders"))
    record(steps, "list", lambda: sqs.list_queues(QueueNamePrefix="ord"))
    record(steps, "send", lambda: sqs.send_message(
        QueueUrl=url, MessageBody="one",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"},
                           "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}}))
    record(steps, "send_batch", lambda: sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)]))
    received = record(steps, "receive", lambda: sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"]))
    handles = [m["ReceiptHandle"] for m in received["Messages"]]
    record(steps, "delete", lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle=handles[0]))
    record(steps, "delete_batch", lambda: sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[1:])]))
    record(steps, "set_attrs", lambda: sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"DelaySeconds": "2"}))
    record(steps, "get_attrs", lambda: sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["DelaySeconds", "VisibilityTimeout", "QueueArn"]))
    record(steps, "tag", lambda: sqs.tag_queue(QueueUrl=url, Tags={"env": "test"}))
    record(steps, "list_tags", lambda: sqs.list_queue_tags(QueueUrl=url))
    record(steps, "untag", lambda: sqs.untag_queue(QueueUrl=url, TagKeys=["team"]))
    record(steps, "missing", lambda: sqs.get_queue_url(QueueName="nope"))
    record(steps, "purge", lambda: sqs.purge_queue(QueueUrl=url))
    record(steps, "delete_queue", lambda: sqs.delete_queue(QueueUrl=url))


def test_sqs_matches_boto3(moto_env: str) -> None:
    steps = compare(moto_env, sqs_scenario, lambda: squall.session.Session().client("sqs"),
                    lambda: boto3.session.Session().client("sqs"))
    missing = dict(steps)["missing"]
    assert missing["error"] == "QueueDoesNotExist"


def test_queue_does_not_exist_is_a_modelled_exception(moto_env: str) -> None:
    sqs = squall.session.Session().client("sqs")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        sqs.get_queue_url(QueueName="never-created")
    assert isinstance(info.value, squall.exceptions.ClientError)
    assert info.value.operation_name == "GetQueueUrl"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "does not exist" in str(info.value)
