"""Waiters against botocore's: every waiter of every service, fed the same response
sequences, must make the same calls, sleep the same delays and fail with the same reason."""
from __future__ import annotations

import ast
import glob
import json
import os
import random
import re
import types
from typing import Any

import botocore.exceptions
import botocore.loaders
import botocore.waiter as bw
import pytest

import squall
from squall.exceptions import ClientError, WaiterError
from squall.models import Loader
from squall.runtime import waiter as sw

LOADER = Loader.from_data_path()
DATA = os.path.dirname(botocore.loaders.__file__) + "/data"


def _waiter_files() -> list[tuple[str, str]]:
    found = []
    for path in sorted(glob.glob(f"{DATA}/*/*/waiters-2.json")):
        service, version = path.split(os.sep)[-3:-1]
        found.append((service, version))
    return found


# -- responses that hit an acceptor ------------------------------------------------------


_SEGMENT = re.compile(r"^([A-Za-z0-9_]+)(\[\])?$")


def _build(path: str, leaf: Any) -> Any:
    """A response in which a dotted/projected path (``A[].B.C``) yields ``leaf``; None if
    the expression is anything fancier."""
    parts = path.split(".")
    matched = [_SEGMENT.match(p) for p in parts]
    if not all(matched):
        return None

    def nest(i: int) -> Any:
        if i == len(parts):
            return leaf
        m = matched[i]
        assert m is not None
        inner = nest(i + 1)
        return {m.group(1): [inner] if m.group(2) else inner}

    return nest(0)


def _responses_for(acceptor: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    matcher, expected = acceptor["matcher"], acceptor["expected"]
    meta = {"ResponseMetadata": {"HTTPStatusCode": 200}}
    if matcher == "status":
        if expected >= 300:
            return [{"Error": {"Code": str(expected), "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": expected}}]
        return [{"ResponseMetadata": {"HTTPStatusCode": expected}}]
    if matcher == "error":
        if expected is True:
            return [{"Error": {"Code": "AnyError", "Message": "boom"}, **meta}]
        if expected is False:
            return [dict(meta)]
        return [{"Error": {"Code": expected, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": 400}}]
    built = _build(acceptor["argument"], expected)
    if built is None:
        return []
    out = [dict(built, **meta)]
    if matcher in ("pathAll", "pathAny"):
        other = "something-else" if isinstance(expected, str) else (not expected if isinstance(expected, bool) else -1)
        out.append(dict(_build(acceptor["argument"], other), **meta))
    return out


GENERIC = [
    {"ResponseMetadata": {"HTTPStatusCode": 200}},
    {"Error": {"Code": "SomethingUnexpected", "Message": "nope"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
    {"Error": {"Code": "NoMessage"}, "ResponseMetadata": {"HTTPStatusCode": 500}},
]


# -- running both ------------------------------------------------------------------------


def _run_botocore(name: str, config: Any, sequence: list[dict[str, Any]], kwargs: dict[str, Any],
                  monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: list[dict[str, Any]] = []
    sleeps: list[Any] = []
    feed = iter(sequence * 10)

    def method(**params: Any) -> dict[str, Any]:
        calls.append(params)
        response = next(feed)
        if "Error" in response:
            raise botocore.exceptions.ClientError(response, "Op")
        return response

    monkeypatch.setattr(bw, "time", types.SimpleNamespace(sleep=sleeps.append))
    waiter = bw.Waiter(name, config, bw.NormalizedOperationMethod(method))
    return _outcome(lambda: waiter.wait(**kwargs), calls, sleeps)


def _run_squall(name: str, config: Any, sequence: list[dict[str, Any]], kwargs: dict[str, Any]) -> dict[str, Any]:
    calls: list[dict[str, Any]] = []
    sleeps: list[Any] = []
    feed = iter(sequence * 10)

    def method(**params: Any) -> dict[str, Any]:
        calls.append(params)
        response = next(feed)
        if "Error" in response:
            raise ClientError(response, "Op")
        return response

    waiter = sw.Waiter(name, config, method, sleep=sleeps.append)
    return _outcome(lambda: waiter.wait(**kwargs), calls, sleeps)


def _outcome(wait: Any, calls: list[Any], sleeps: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"calls": calls, "sleeps": sleeps}
    try:
        wait()
        out["result"] = "success"
    except Exception as exc:
        out["result"] = type(exc).__name__
        out["message"] = str(exc)
        out["reason"] = getattr(exc, "kwargs", {}).get("reason")
        out["last_response"] = getattr(exc, "last_response", None)
    return out


@pytest.mark.parametrize("service,version", _waiter_files(), ids=lambda v: v)
def test_every_waiter_decides_like_botocore(service: str, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.load(open(f"{DATA}/{service}/{version}/waiters-2.json"))
    theirs_model = bw.WaiterModel(raw)
    ours_model = sw.waiter_model_for(LOADER, service, version)
    assert ours_model is not None
    assert ours_model.waiter_names == theirs_model.waiter_names
    rng = random.Random(f"{service}/{version}")
    for name in theirs_model.waiter_names:
        theirs_cfg, ours_cfg = theirs_model.get_waiter(name), ours_model.get_waiter(name)
        assert (ours_cfg.operation, ours_cfg.delay, ours_cfg.max_attempts) == (
            theirs_cfg.operation, theirs_cfg.delay, theirs_cfg.max_attempts)
        assert [a.explanation for a in ours_cfg.acceptors] == [a.explanation for a in theirs_cfg.acceptors]
        pool = list(GENERIC)
        for acceptor in raw["waiters"][name]["acceptors"]:
            pool.extend(_responses_for(acceptor, rng))
        # Every response alone, then random sequences with random limits.
        sequences = [[r] for r in pool] + [
            [rng.choice(pool) for _ in range(rng.randint(1, 5))] for _ in range(12)
        ]
        for sequence in sequences:
            kwargs: dict[str, Any] = {"Name": "x"}
            if rng.random() < 0.7:
                kwargs["WaiterConfig"] = {"Delay": rng.choice([0, 1, 2.5]), "MaxAttempts": rng.randint(1, 5)}
            ours = _run_squall(name, ours_cfg, sequence, dict(kwargs))
            theirs = _run_botocore(name, theirs_cfg, sequence, dict(kwargs), monkeypatch)
            assert ours == theirs, (service, name, sequence, kwargs)


# -- specific behaviours -----------------------------------------------------------------


def _config(*acceptors: dict[str, Any], delay: int = 5, attempts: int = 3) -> dict[str, Any]:
    return {"version": 2, "waiters": {"Thing": {
        "operation": "DescribeThing", "delay": delay, "maxAttempts": attempts, "acceptors": list(acceptors)}}}


def _both(raw: dict[str, Any], sequence: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
          **kwargs: Any) -> dict[str, Any]:
    ours = _run_squall("Thing", sw.WaiterModel(raw).get_waiter("Thing"), sequence, dict(kwargs))
    theirs = _run_botocore("Thing", bw.WaiterModel(raw).get_waiter("Thing"), sequence, dict(kwargs), monkeypatch)
    assert ours == theirs
    return ours


def test_reasons_are_botocore_s(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _config(
        {"matcher": "path", "argument": "Thing.State", "expected": "ready", "state": "success"},
        {"matcher": "path", "argument": "Thing.State", "expected": "pending", "state": "retry"},
        {"matcher": "pathAny", "argument": "Thing.Parts[].State", "expected": "broken", "state": "failure"},
        {"matcher": "error", "expected": "Throttled", "state": "retry"},
    )
    ready = {"Thing": {"State": "ready"}}
    pending = {"Thing": {"State": "pending"}}
    other = {"Thing": {"State": "unknown"}}
    broken = {"Thing": {"State": "x", "Parts": [{"State": "ok"}, {"State": "broken"}]}}
    boom = {"Error": {"Code": "Boom", "Message": "it broke"}, "ResponseMetadata": {"HTTPStatusCode": 500}}
    throttled = {"Error": {"Code": "Throttled", "Message": "slow"}, "ResponseMetadata": {"HTTPStatusCode": 400}}

    out = _both(raw, [pending, throttled, ready], monkeypatch)
    assert out["result"] == "success" and out["sleeps"] == [5, 5] and len(out["calls"]) == 3

    out = _both(raw, [broken], monkeypatch)
    assert out["message"] == ('Waiter Thing failed: Waiter encountered a terminal failure state: For expression '
                              '"Thing.Parts[].State" we matched expected path: "broken" at least once')

    out = _both(raw, [boom], monkeypatch)
    assert out["reason"] == "An error occurred (Boom): it broke"
    assert out["last_response"] == boom

    out = _both(raw, [other], monkeypatch, WaiterConfig={"MaxAttempts": 2, "Delay": 0})
    assert out["reason"] == "Max attempts exceeded" and out["sleeps"] == [0]

    out = _both(raw, [pending], monkeypatch)
    assert out["reason"] == ('Max attempts exceeded. Previously accepted state: For expression "Thing.State" '
                             'we matched expected path: "pending"')

    # botocore names the acceptor its loop ended on (the last one when nothing matched
    # on the final attempt), not the one that matched earlier; squall says the same.
    out = _both(raw, [pending, other], monkeypatch, WaiterConfig={"MaxAttempts": 2})
    assert out["reason"] == "Max attempts exceeded. Previously accepted state: Matched expected service error code: Throttled"


def test_error_true_false_and_status_matchers(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _config(
        {"matcher": "error", "expected": False, "state": "success"},
        {"matcher": "status", "expected": 404, "state": "retry"},
        {"matcher": "error", "expected": True, "state": "failure"},
    )
    missing = {"Error": {"Code": "NotFound", "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": 404}}
    denied = {"Error": {"Code": "AccessDenied", "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
    out = _both(raw, [missing, missing, {"ResponseMetadata": {"HTTPStatusCode": 200}}], monkeypatch)
    assert out["result"] == "success"
    out = _both(raw, [missing, denied], monkeypatch)
    assert out["reason"] == "Waiter encountered a terminal failure state: Matched expected service error code: True"


def test_path_all_needs_a_non_empty_list(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _config({"matcher": "pathAll", "argument": "Items[].State", "expected": "ok", "state": "success"})
    for response in ({"Items": []}, {}, {"Items": [{"State": "ok"}, {"State": "no"}]}):
        assert _both(raw, [response], monkeypatch)["reason"] == "Max attempts exceeded"
    assert _both(raw, [{"Items": [{"State": "ok"}]}], monkeypatch)["result"] == "success"


def test_model_errors_match_botocore() -> None:
    with pytest.raises(sw.WaiterConfigError) as ours:
        sw.WaiterModel({"version": 1, "waiters": {}})
    with pytest.raises(botocore.exceptions.WaiterConfigError) as theirs:
        bw.WaiterModel({"version": 1, "waiters": {}})
    assert str(ours.value) == str(theirs.value)
    raw = _config({"matcher": "magic", "expected": 1, "state": "success"})
    with pytest.raises(sw.WaiterConfigError) as ours:
        sw.WaiterModel(raw).get_waiter("Thing")
    with pytest.raises(botocore.exceptions.WaiterConfigError) as theirs:
        bw.WaiterModel(raw).get_waiter("Thing").acceptors
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Waiter does not exist: Nope"):
        sw.WaiterModel(raw).get_waiter("Nope")


def test_evaluate_is_a_pure_step() -> None:
    config = sw.WaiterModel(_config(
        {"matcher": "path", "argument": "S", "expected": "done", "state": "success"},
        {"matcher": "path", "argument": "S", "expected": "busy", "state": "retry"},
    )).get_waiter("Thing")
    state = sw.evaluate("Thing", config.acceptors, {"S": "busy"}, sw.WaitState(), 3)
    assert (state.attempts, state.state, state.last_matched) == (1, "retry", config.acceptors[1])
    assert sw.evaluate("Thing", config.acceptors, {"S": "done"}, state, 3).state == "success"
    flow = sw.wait_flow("Thing", config, {"Id": "1", "WaiterConfig": {"Delay": 7}})
    call = next(flow)
    assert call.params == {"Id": "1"}
    assert flow.send({"S": "busy"}).seconds == 7
    assert next(flow).params == {"Id": "1"}
    with pytest.raises(StopIteration):
        flow.send({"S": "done"})


def test_waiter_module_does_not_import_time_at_top_level() -> None:
    tree = ast.parse(open(sw.__file__).read())
    top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = {a.name for n in top_level for a in n.names} | {n.module for n in top_level if isinstance(n, ast.ImportFrom)}
    assert "time" not in names


# -- the client surface ------------------------------------------------------------------


@pytest.mark.parametrize("service", ["dynamodb", "s3", "ec2", "sqs", "iam", "lambda", "sts", "kinesis"])
def test_client_waiters_match_boto3(service: str) -> None:
    import boto3

    kwargs = dict(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    ours = squall.session.Session(**kwargs).client(service)
    theirs = boto3.session.Session(**kwargs).client(service)
    assert ours.waiter_names == theirs.waiter_names
    for name in theirs.waiter_names:
        mine, boto = ours.get_waiter(name), theirs.get_waiter(name)
        assert type(mine).__name__ == type(boto).__name__
        assert (mine.name, mine.config.delay, mine.config.max_attempts, mine.config.operation) == (
            boto.name, boto.config.delay, boto.config.max_attempts, boto.config.operation)
    for client in (ours, theirs):
        with pytest.raises(ValueError, match="Waiter does not exist: no_such_waiter"):
            client.get_waiter("no_such_waiter")


def test_waiter_calls_the_client_method_and_treats_client_errors_as_responses() -> None:
    session = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    client = session.client("dynamodb")
    answers = [ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "x"},
                            "ResponseMetadata": {"HTTPStatusCode": 400}}, "DescribeTable"),
               {"Table": {"TableStatus": "CREATING"}}, {"Table": {"TableStatus": "ACTIVE"}}]
    calls: list[dict[str, Any]] = []

    def describe_table(**kwargs: Any) -> Any:
        calls.append(kwargs)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client.describe_table = describe_table
    sleeps: list[float] = []
    sw.get_waiter(client, "table_exists", sleep=sleeps.append).wait(TableName="t")
    assert calls == [{"TableName": "t"}] * 3 and sleeps == [20, 20]
    with pytest.raises(WaiterError) as info:
        client.describe_table = lambda **kw: {"Table": {"TableStatus": "CREATING"}}
        sw.get_waiter(client, "table_exists", sleep=lambda s: None).wait(TableName="t", WaiterConfig={"MaxAttempts": 1})
    assert info.value.last_response == {"Table": {"TableStatus": "CREATING"}}
    assert str(info.value) == "Waiter TableExists failed: Max attempts exceeded"
