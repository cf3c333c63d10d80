"""CloudWatch metrics through squall, call for call against boto3, on moto's server.

CloudWatch's model lists several protocols; botocore 1.43.11 picks awsJson1_0 ("json"),
and so must squall for the wire requests to match."""
from __future__ import annotations

import datetime
from typing import Any

import boto3

import squall
from _oracle import compare, record

# Fixed instants (recent enough that moto keeps them): both runs send the same request.
NOW = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
START, END = NOW - datetime.timedelta(minutes=10), NOW + datetime.timedelta(minutes=1)
DIMS = [{"Name": "Host", "Value": "web-1"}]


def cw_scenario(cw: Any, steps: list) -> None:
    record(steps, "put", lambda: cw.put_metric_data(Namespace="App/Orders", MetricData=[
        {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": NOW - datetime.timedelta(minutes=2),
         "Value": 120.5, "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": NOW - datetime.timedelta(minutes=1),
         "Value": 80.0, "Unit": "Milliseconds"},
        {"MetricName": "Orders", "Timestamp": NOW - datetime.timedelta(minutes=1), "Value": 3, "Unit": "Count"},
        {"MetricName": "Sizes", "Timestamp": NOW - datetime.timedelta(minutes=1),
         "Values": [1.0, 2.5], "Counts": [2, 1], "Unit": "Bytes"},
        {"MetricName": "Stats", "Timestamp": NOW - datetime.timedelta(minutes=1),
         "StatisticValues": {"SampleCount": 4, "Sum": 10, "Minimum": 1, "Maximum": 4}},
    ]))
    record(steps, "stats", lambda: cw.get_metric_statistics(
        Namespace="App/Orders", MetricName="Latency", Dimensions=DIMS, StartTime=START, EndTime=END,
        Period=60, Statistics=["Average", "Maximum", "SampleCount"], Unit="Milliseconds"))
    record(steps, "stats_all", lambda: cw.get_metric_statistics(
        Namespace="App/Orders", MetricName="Orders", StartTime=START, EndTime=END, Period=600,
        Statistics=["Sum"]))
    record(steps, "list", lambda: cw.list_metrics(Namespace="App/Orders"))
    record(steps, "list_by_dim", lambda: cw.list_metrics(Namespace="App/Orders", Dimensions=DIMS))
    record(steps, "data", lambda: cw.get_metric_data(StartTime=START, EndTime=END, MetricDataQueries=[
        {"Id": "lat", "MetricStat": {"Metric": {"Namespace": "App/Orders", "MetricName": "Latency",
                                                "Dimensions": DIMS}, "Period": 60, "Stat": "Maximum"}},
    ]))
    record(steps, "alarm", lambda: cw.put_metric_alarm(
        AlarmName="slow", Namespace="App/Orders", MetricName="Latency", Dimensions=DIMS, Statistic="Average",
        Period=60, EvaluationPeriods=1, Threshold=100.0, ComparisonOperator="GreaterThanThreshold"))
    record(steps, "alarms", lambda: cw.describe_alarms(AlarmNames=["slow"]))
    record(steps, "set_state", lambda: cw.set_alarm_state(
        AlarmName="slow", StateValue="ALARM", StateReason="testing"))
    record(steps, "alarms_in_alarm", lambda: cw.describe_alarms(StateValue="ALARM"))
    record(steps, "missing_alarm_state", lambda: cw.set_alarm_state(
        AlarmName="nope", StateValue="OK", StateReason="x"))
    record(steps, "delete_alarms", lambda: cw.delete_alarms(AlarmNames=["slow"]))


def test_cloudwatch_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, cw_scenario, lambda: squall.session.Session().client("cloudwatch"),
                         lambda: boto3.session.Session().client("cloudwatch")))
    points = steps["stats"]["Datapoints"]
    assert sorted(p["Maximum"] for p in points) == [80.0, 120.5]
    assert steps["missing_alarm_state"]["error"] == "ResourceNotFound"


def test_cloudwatch_speaks_json_like_botocore() -> None:
    ours = squall.session.Session(region_name="us-east-1").client("cloudwatch")
    theirs = boto3.session.Session(region_name="us-east-1").client("cloudwatch")
    assert ours.meta.service_model.resolved_protocol == theirs.meta.service_model.resolved_protocol == "json"
