"""Typed interceptors and boto3's ``meta.events`` API, compared with botocore's emitter."""
from __future__ import annotations

import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.hooks import HierarchicalEmitter

import squall
from squall.http import HttpResponse
from squall.runtime.hooks import EventEmitter, Interceptor

EVENTS = ("provide-client-params", "before-parameter-build", "before-call", "request-created",
          "before-sign", "before-send", "after-call")


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self):
        yield self._body

    def read(self, *a):
        return self._body


def canned(body: dict) -> AWSResponse:
    data = json.dumps(body).encode()
    return AWSResponse("http://x", 200, {"x-amzn-requestid": "r1", "content-type": "application/x-amz-json-1.0"}, _Raw(data))


def clients():
    kw = dict(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    return squall.session.Session(**kw).client("dynamodb"), boto3.session.Session(**kw).client("dynamodb")


def test_user_facing_events_fire_in_botocore_order_with_its_arguments() -> None:
    seen: dict[str, list] = {"squall": [], "boto3": []}
    for name, client in zip(("squall", "boto3"), clients()):
        def record(event_name, _name=name, **kwargs):
            seen[_name].append((event_name, sorted(k for k in kwargs)))
            if event_name.startswith("before-send"):
                return canned({"TableNames": ["t1"]})
        for event in EVENTS:
            client.meta.events.register(f"{event}.dynamodb", record)
        assert client.list_tables()["TableNames"] == ["t1"]
    assert [e for e, _ in seen["squall"]] == [e for e, _ in seen["boto3"]]
    ours = dict(seen["squall"])
    assert ours["before-send.dynamodb.ListTables"] == ["request"]
    assert set(ours["after-call.dynamodb.ListTables"]) >= {"http_response", "parsed", "model", "context"}


def test_headers_added_in_before_sign_are_sent() -> None:
    ours, _ = clients()
    sent = []

    def add_header(request, **kwargs):
        request.headers["x-custom"] = "yes"

    def capture(request, **kwargs):
        sent.append(dict(request.headers))
        return HttpResponse(status_code=200, headers={}, body=b'{"TableNames": []}')

    ours.meta.events.register("before-sign.dynamodb.ListTables", add_header)
    ours.meta.events.register("before-send", capture)
    ours.list_tables()
    assert sent[0]["x-custom"] == "yes" and "x-custom" in sent[0]["Authorization"]


def test_provide_client_params_and_before_call_short_circuit() -> None:
    ours, _ = clients()
    ours.meta.events.register("provide-client-params.dynamodb.DescribeTable",
                              lambda params, **kw: {**params, "TableName": "swapped"})
    captured = {}

    def answer(params, **kwargs):
        captured["body"] = params["body"]
        return (HttpResponse(status_code=200), {"Table": {"TableName": "from-handler"}})

    ours.meta.events.register("before-call.dynamodb.DescribeTable", answer)
    assert ours.describe_table(TableName="orig") == {"Table": {"TableName": "from-handler"}}
    assert b"swapped" in captured["body"]


def test_after_call_error_on_connection_failure() -> None:
    client = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s") \
        .client("dynamodb", endpoint_url="http://127.0.0.1:9", config=squall.config.Config(retries={"max_attempts": 0}))
    errors = []
    client.meta.events.register("after-call-error", lambda exception, **kw: errors.append(exception))
    with pytest.raises(squall.exceptions.EndpointConnectionError):
        client.list_tables()
    assert isinstance(errors[0], squall.exceptions.EndpointConnectionError)


def test_session_handlers_are_copied_into_new_clients_only() -> None:
    session = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    calls = []
    session.events.register("before-send", lambda **kw: calls.append(1) or HttpResponse(status_code=200, body=b"{}"))
    first = session.client("dynamodb")
    session.events.register("before-send", lambda **kw: calls.append(2))
    first.list_tables()
    assert calls == [1]


def test_typed_interceptor_stages() -> None:
    ours, _ = clients()
    stages = []

    class Recorder(Interceptor):
        def before_serialization(self, call, params):
            stages.append(("before_serialization", call.operation_name))
            return {**params, "Limit": 3}

        def before_sending(self, call, request):
            stages.append(("before_sending", request.body))
            return HttpResponse(status_code=200, body=b'{"TableNames": ["a"]}')

        def after_receiving(self, call, response, parsed):
            stages.append(("after_receiving", parsed["TableNames"]))
            return {**parsed, "Extra": True}

    ours.meta.interceptors.add(Recorder())
    result = ours.list_tables()
    assert result["Extra"] is True
    assert stages[0] == ("before_serialization", "ListTables")
    assert b'"Limit": 3' in stages[1][1]


@pytest.mark.parametrize("registrations", [
    [("a", "h1"), ("a.b", "h2"), ("a.*", "h3"), ("a.b.c", "h4")],
    [("a.b", "h1", "first"), ("a.b", "h2"), ("a.b", "h3", "last"), ("a", "h4", "first")],
])
def test_emitter_order_matches_botocore(registrations) -> None:
    ours, theirs = EventEmitter(), HierarchicalEmitter()
    calls: dict[str, list[str]] = {"ours": [], "theirs": []}
    for entry in registrations:
        pattern, label, *tier = entry
        for side, emitter in (("ours", ours), ("theirs", theirs)):
            handler = (lambda _l, _s: (lambda **kw: calls[_s].append(_l)))(label, side)
            method = {"first": emitter.register_first, "last": emitter.register_last}.get(tier[0] if tier else "", emitter.register)
            method(pattern, handler)
    ours.emit("a.b.c")
    theirs.emit("a.b.c")
    assert calls["ours"] == calls["theirs"]


def test_unique_id_and_unregister() -> None:
    emitter = EventEmitter()
    hits = []
    handler = lambda **kw: hits.append(1)  # noqa: E731
    emitter.register("x", handler, unique_id="u")
    emitter.register("x", handler, unique_id="u")
    emitter.emit("x.y")
    assert hits == [1]
    emitter.unregister("x", unique_id="u")
    emitter.emit("x.y")
    assert hits == [1]
    with pytest.raises(ValueError):
        emitter.register("x", "not callable")  # type: ignore[arg-type]
