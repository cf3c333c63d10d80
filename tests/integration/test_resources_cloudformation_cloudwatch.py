"""CloudFormation stacks (as far as moto supports them) and CloudWatch metrics and alarms
as resources, against boto3 on moto."""
from __future__ import annotations

import datetime
import json
from typing import Any

from _resources_oracle import compare_resources, step

TEMPLATE = json.dumps({
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"Name": {"Type": "String"}},
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Name"}}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "res-stack-topic"}},
    },
    "Outputs": {"QueueName": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}}},
})
FAST = {"WaiterConfig": {"Delay": 1, "MaxAttempts": 20}}


def cfn_scenario(cfn: Any, steps: list) -> None:
    stack = step(steps, "create", lambda: cfn.create_stack(
        StackName="res-stack", TemplateBody=TEMPLATE, Parameters=[{"ParameterKey": "Name", "ParameterValue": "res-q"}],
        Tags=[{"Key": "env", "Value": "test"}]))
    step(steps, "stack_name", lambda: stack.name)
    step(steps, "wait", lambda: cfn.meta.client.get_waiter("stack_create_complete").wait(StackName="res-stack", **FAST))
    step(steps, "attributes", lambda: (stack.reload(), stack.stack_status, stack.parameters, stack.outputs, stack.tags))
    step(steps, "stacks", lambda: [s.name for s in cfn.stacks.all()])
    step(steps, "resources", lambda: sorted((r.logical_id, r.resource_type, r.resource_status)
                                            for r in stack.resource_summaries.all()))
    step(steps, "resource", lambda: (stack.Resource("Queue").resource_type, stack.Resource("Queue").logical_id))
    step(steps, "event_types", lambda: sorted({e.resource_type for e in stack.events.all()}))
    step(steps, "missing", lambda: cfn.Stack("res-none").load())
    step(steps, "delete", lambda: stack.delete())
    step(steps, "after_delete", lambda: [s.stack_status for s in cfn.stacks.all()])


def test_cloudformation_stack_resources_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "cloudformation", cfn_scenario)
    assert steps["attributes"][1] == "CREATE_COMPLETE"
    assert steps["resources"] == [["Queue", "AWS::SQS::Queue", "CREATE_COMPLETE"],
                                  ["Topic", "AWS::SNS::Topic", "CREATE_COMPLETE"]]
    assert steps["missing"]["error"] == "ClientError"


NOW = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)


def cloudwatch_scenario(cw: Any, steps: list) -> None:
    metric = cw.Metric("Res/App", "Latency")
    step(steps, "put_data", lambda: metric.put_data(MetricData=[
        {"MetricName": "Latency", "Value": float(v), "Unit": "Milliseconds", "Timestamp": NOW,
         "Dimensions": [{"Name": "Api", "Value": "get"}]} for v in (10, 20, 30)]))
    step(steps, "put_other", lambda: cw.Metric("Res/App", "Errors").put_data(MetricData=[
        {"MetricName": "Errors", "Value": 1.0, "Timestamp": NOW}]))
    step(steps, "metrics", lambda: sorted((m.namespace, m.metric_name, str(m.dimensions))
                                          for m in cw.metrics.filter(Namespace="Res/App")))
    step(steps, "statistics", lambda: metric.get_statistics(
        StartTime=NOW - datetime.timedelta(minutes=5), EndTime=NOW + datetime.timedelta(minutes=5), Period=600,
        Statistics=["Sum", "Maximum", "SampleCount"], Dimensions=[{"Name": "Api", "Value": "get"}])["Datapoints"])
    alarm = step(steps, "put_alarm", lambda: metric.put_alarm(
        AlarmName="res-slow", ComparisonOperator="GreaterThanThreshold", EvaluationPeriods=1, Period=60,
        Statistic="Average", Threshold=25.0, Dimensions=[{"Name": "Api", "Value": "get"}]))
    step(steps, "alarm_attributes", lambda: (alarm.alarm_name, alarm.threshold, alarm.metric_name, alarm.namespace,
                                             alarm.comparison_operator))
    step(steps, "alarm_metric", lambda: alarm.metric)
    step(steps, "alarms", lambda: [a.name for a in cw.alarms.all()])
    step(steps, "metric_alarms", lambda: [a.name for a in metric.alarms.all()])
    step(steps, "set_state", lambda: alarm.set_state(StateValue="ALARM", StateReason="test"))
    step(steps, "state", lambda: (alarm.reload(), alarm.state_value))
    step(steps, "delete", lambda: cw.alarms.filter(AlarmNames=["res-slow"]).delete())
    step(steps, "none_left", lambda: list(cw.alarms.all()))


def test_cloudwatch_metric_resources_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "cloudwatch", cloudwatch_scenario)
    assert len(steps["metrics"]) == 2
    assert steps["statistics"][0]["Sum"] == 60.0 and steps["statistics"][0]["SampleCount"] == 3.0
    assert steps["alarm_attributes"][:2] == ["res-slow", 25.0]
    assert steps["state"][1] == "ALARM" and steps["none_left"] == []
