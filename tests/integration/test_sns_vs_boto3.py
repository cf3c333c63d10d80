"""SNS (query protocol) through squall, call for call against boto3, on moto's server:
topics, attributes, tags, subscriptions to SQS, publish (with message attributes), errors."""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, record


def make(lib: Any) -> SimpleNamespace:
    session = lib.session.Session()
    return SimpleNamespace(sns=session.client("sns"), sqs=session.client("sqs"))


def delivered(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    """The SNS envelopes that reached the queue, in a stable order, ids masked."""
    bodies: list[dict[str, Any]] = []
    for _ in range(5):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        bodies += [json.loads(m["Body"]) for m in got.get("Messages", [])]
        if len(bodies) >= count:
            break
    for body in bodies:
        for volatile in ("MessageId", "Timestamp", "Signature", "SigningCertURL", "UnsubscribeURL"):
            body.pop(volatile, None)
    return sorted(bodies, key=lambda b: json.dumps(b, sort_keys=True))


def sns_scenario(c: Any, steps: list) -> None:
    sns, sqs = c.sns, c.sqs
    topic = record(steps, "create", lambda: sns.create_topic(
        Name="orders", Attributes={"DisplayName": "Orders"}, Tags=[{"Key": "team", "Value": "a"}]))["TopicArn"]
    record(steps, "create_again", lambda: sns.create_topic(Name="orders"))
    record(steps, "create_fifo", lambda: sns.create_topic(
        Name="jobs.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}))
    record(steps, "list", lambda: sns.list_topics())
    record(steps, "get_attrs", lambda: sns.get_topic_attributes(TopicArn=topic))
    record(steps, "set_attr", lambda: sns.set_topic_attributes(
        TopicArn=topic, AttributeName="DisplayName", AttributeValue="Orders ✓"))
    record(steps, "tag", lambda: sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "env", "Value": "ci"}]))
    record(steps, "list_tags", lambda: sns.list_tags_for_resource(ResourceArn=topic))

    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = record(steps, "subscribe", lambda: sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True,
        Attributes={"RawMessageDelivery": "false"}))["SubscriptionArn"]
    record(steps, "sub_attrs", lambda: sns.get_subscription_attributes(SubscriptionArn=sub))
    record(steps, "filter", lambda: sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=json.dumps({"kind": ["book", "pen"]})))
    record(steps, "subs", lambda: sns.list_subscriptions())
    record(steps, "subs_by_topic", lambda: sns.list_subscriptions_by_topic(TopicArn=topic))
    record(steps, "publish", lambda: sns.publish(
        TopicArn=topic, Subject="new order", Message="order #1 — ünïcode",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "book"},
                           "qty": {"DataType": "Number", "StringValue": "3"},
                           "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xffbin"}}))
    record(steps, "publish_filtered_out", lambda: sns.publish(
        TopicArn=topic, Message="dropped", MessageAttributes={"kind": {"DataType": "String", "StringValue": "car"}}))
    record(steps, "publish_json", lambda: sns.publish(
        TopicArn=topic, MessageStructure="json",
        Message=json.dumps({"default": "plain", "sqs": "for queues"}),
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "pen"}}))
    record(steps, "publish_batch", lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": str(i), "Message": f"batch {i}",
         "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "book"}}} for i in range(3)]))
    record(steps, "delivered", lambda: delivered(sqs, url, 5))
    record(steps, "unsubscribe", lambda: sns.unsubscribe(SubscriptionArn=sub))
    record(steps, "missing_topic", lambda: sns.get_topic_attributes(
        TopicArn="arn:aws:sns:us-east-1:123456789012:nope"))
    record(steps, "publish_missing", lambda: sns.publish(
        TopicArn="arn:aws:sns:us-east-1:123456789012:nope", Message="x"))
    record(steps, "bad_attribute", lambda: sns.publish(
        TopicArn=topic, Message="x", MessageAttributes={"k": {"DataType": "Nope", "StringValue": "v"}}))
    record(steps, "delete", lambda: sns.delete_topic(TopicArn=topic))
    record(steps, "list_after", lambda: sns.list_topics())


def test_sns_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, sns_scenario, lambda: make(squall), lambda: make(boto3)))
    assert steps["missing_topic"]["error"] == "NotFoundException"
    assert len(steps["delivered"]) == 5
    assert {m["Message"] for m in steps["delivered"]} >= {"order #1 — ünïcode", "for queues"}


def test_not_found_is_a_modelled_exception(moto_env: str) -> None:
    sns = squall.session.Session().client("sns")
    with pytest.raises(sns.exceptions.NotFoundException) as info:
        sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:123456789012:never")
    assert info.value.response["Error"]["Code"] == "NotFound"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
