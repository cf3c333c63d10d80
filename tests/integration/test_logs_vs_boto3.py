"""CloudWatch Logs (JSON protocol) through squall, call for call against boto3, on moto's
server: groups, streams, put_log_events, get_log_events, filter_log_events."""
from __future__ import annotations

import time
from typing import Any

import boto3

import squall
from _oracle import compare, record

# One fixed base time for both runs, so timestamps in results compare exactly.
BASE_MS = (int(time.time()) - 60) * 1000
GROUP = "/app/web"


# Server clock readings (epoch milliseconds) and moto's event counter, which its reset
# does not rewind: they differ between the runs.
SERVER_SET = ("creationTime", "ingestionTime", "eventId", "lastIngestionTime", "lastEventTimestamp",
              "firstEventTimestamp")


def scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (type(v).__name__ if k in SERVER_SET else scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def events(*messages: str) -> list[dict[str, Any]]:
    return [{"timestamp": BASE_MS + i * 1000, "message": m} for i, m in enumerate(messages)]


def logs_scenario(logs: Any, steps: list) -> None:
    def step(name: str, call: Any) -> Any:
        return record(steps, name, lambda: scrub(call()))

    step("create_group", lambda: logs.create_log_group(logGroupName=GROUP, tags={"team": "a"}))
    step("retention", lambda: logs.put_retention_policy(logGroupName=GROUP, retentionInDays=7))
    step("groups", lambda: logs.describe_log_groups(logGroupNamePrefix="/app"))
    step("duplicate_group", lambda: logs.create_log_group(logGroupName=GROUP))
    for stream in ("web-1", "web-2"):
        step(f"create_stream_{stream}", lambda: logs.create_log_stream(
            logGroupName=GROUP, logStreamName=stream))
    step("streams", lambda: logs.describe_log_streams(logGroupName=GROUP, orderBy="LogStreamName"))
    step("put_1", lambda: logs.put_log_events(logGroupName=GROUP, logStreamName="web-1", logEvents=events(
        "GET /index 200", "GET /missing 404", "POST /order 201 — ünïcode")))
    step("put_2", lambda: logs.put_log_events(logGroupName=GROUP, logStreamName="web-2", logEvents=events(
        "GET /health 200", "ERROR database timeout")))
    step("get", lambda: logs.get_log_events(
        logGroupName=GROUP, logStreamName="web-1", startFromHead=True))
    step("get_limited", lambda: logs.get_log_events(
        logGroupName=GROUP, logStreamName="web-1", startFromHead=True, limit=2))
    step("get_window", lambda: logs.get_log_events(
        logGroupName=GROUP, logStreamName="web-1", startTime=BASE_MS + 1000, endTime=BASE_MS + 2000))
    step("filter", lambda: logs.filter_log_events(logGroupName=GROUP, filterPattern="GET"))
    step("filter_streams", lambda: logs.filter_log_events(
        logGroupName=GROUP, logStreamNames=["web-2"], startTime=BASE_MS, endTime=BASE_MS + 10_000))
    step("tags", lambda: logs.list_tags_for_resource(
        resourceArn=f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}"))
    step("metric_filter", lambda: logs.put_metric_filter(
        logGroupName=GROUP, filterName="errors", filterPattern="ERROR",
        metricTransformations=[{"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}]))
    step("metric_filters", lambda: logs.describe_metric_filters(logGroupName=GROUP))
    step("missing_stream", lambda: logs.get_log_events(logGroupName=GROUP, logStreamName="nope"))
    step("missing_group", lambda: logs.describe_log_streams(logGroupName="/nope"))
    step("delete_stream", lambda: logs.delete_log_stream(logGroupName=GROUP, logStreamName="web-2"))
    step("delete_group", lambda: logs.delete_log_group(logGroupName=GROUP))


def test_logs_match_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, logs_scenario, lambda: squall.session.Session().client("logs"),
                         lambda: boto3.session.Session().client("logs")))
    assert [e["message"] for e in steps["get"]["events"]][2] == "POST /order 201 — ünïcode"
    assert steps["missing_group"]["error"] == "ResourceNotFoundException"
    assert steps["duplicate_group"]["error"] == "ResourceAlreadyExistsException"
