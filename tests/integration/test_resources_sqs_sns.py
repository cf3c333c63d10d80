"""SQS queue/message and SNS topic/subscription resources against boto3 on moto."""
from __future__ import annotations

from typing import Any

from _resources_oracle import compare_resources, step


def sqs_scenario(sqs: Any, steps: list) -> None:
    queue = step(steps, "create", lambda: sqs.create_queue(QueueName="res-jobs", Attributes={"DelaySeconds": "0"}))
    step(steps, "by_name", lambda: sqs.get_queue_by_name(QueueName="res-jobs"))
    step(steps, "url", lambda: queue.url)
    step(steps, "attributes", lambda: {k: v for k, v in queue.attributes.items()
                                       if k in ("DelaySeconds", "VisibilityTimeout", "QueueArn")})
    step(steps, "queues", lambda: list(sqs.queues.all()))
    step(steps, "filtered", lambda: list(sqs.queues.filter(QueueNamePrefix="res-")))
    step(steps, "send", lambda: queue.send_message(MessageBody="one", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "a"}}))
    step(steps, "send_batch", lambda: queue.send_messages(Entries=[
        {"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)]))
    messages = step(steps, "receive", lambda: queue.receive_messages(
        MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0))
    step(steps, "bodies", lambda: sorted(m.body for m in messages))
    step(steps, "message_queue", lambda: messages[0].Queue())
    step(steps, "change_visibility", lambda: messages[0].change_visibility(VisibilityTimeout=0))
    step(steps, "delete_messages", lambda: [m.delete() for m in messages[1:]])
    step(steps, "batch_delete", lambda: queue.delete_messages(Entries=[
        {"Id": "0", "ReceiptHandle": messages[0].receipt_handle}]))
    step(steps, "set_attributes", lambda: queue.set_attributes(Attributes={"VisibilityTimeout": "45"}))
    step(steps, "reloaded", lambda: (queue.reload(), queue.attributes["VisibilityTimeout"]))
    step(steps, "purge", lambda: queue.purge())
    step(steps, "missing", lambda: sqs.get_queue_by_name(QueueName="res-none"))
    step(steps, "delete", lambda: queue.delete())


def test_sqs_resources_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "sqs", sqs_scenario)
    assert steps["bodies"] == ["m0", "m1", "m2", "one"]
    assert steps["reloaded"][1] == "45"
    assert steps["missing"]["error"] == "QueueDoesNotExist"


def sns_scenario(sns: Any, steps: list) -> None:
    topic = step(steps, "create", lambda: sns.create_topic(Name="res-news"))
    step(steps, "arn", lambda: topic.arn)
    step(steps, "attributes", lambda: {k: v for k, v in topic.attributes.items() if k in ("TopicArn", "DisplayName")})
    step(steps, "set_attribute", lambda: topic.set_attributes(AttributeName="DisplayName", AttributeValue="News"))
    step(steps, "reloaded", lambda: (topic.reload(), topic.attributes["DisplayName"]))
    step(steps, "topics", lambda: list(sns.topics.all()))
    subs = [step(steps, f"subscribe_{i}", lambda i=i: topic.subscribe(
        Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:123456789012:res-q{i}", ReturnSubscriptionArn=True))
        for i in range(3)]
    step(steps, "subscription_attributes", lambda: {k: v for k, v in subs[0].attributes.items()
                                                    if k in ("Protocol", "Endpoint", "TopicArn")})
    step(steps, "subscriptions", lambda: list(topic.subscriptions.all()))
    step(steps, "all_subscriptions", lambda: list(sns.subscriptions.limit(2)))
    step(steps, "publish", lambda: topic.publish(Message="hello", Subject="s"))
    step(steps, "unsubscribe", lambda: subs[1].delete())
    step(steps, "left", lambda: len(list(topic.subscriptions.all())))
    step(steps, "missing", lambda: sns.Topic("arn:aws:sns:us-east-1:123456789012:none").load())
    step(steps, "delete", lambda: topic.delete())
    step(steps, "none_left", lambda: list(sns.topics.all()))


def test_sns_resources_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "sns", sns_scenario)
    assert steps["reloaded"][1] == "News"
    assert len(steps["subscriptions"]) == 3 and steps["left"] == 2
    assert steps["missing"]["error"] == "NotFoundException"
    assert steps["none_left"] == []
