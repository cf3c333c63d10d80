"""The botocore events beyond the basic eight: creating-client-class, before-endpoint-resolution,
choose-signer, before-parse, response-received and needs-retry. A recorder registered on
both libraries sees the same events, in the same order, with the same argument names."""
from __future__ import annotations

import json
from typing import Any, Callable

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config as BotoConfig

import squall
from squall.runtime import hooks

RECORDED = ("creating-client-class", "provide-client-params", "before-parameter-build", "before-endpoint-resolution",
            "before-call", "choose-signer", "before-sign", "request-created", "before-send", "before-parse",
            "response-received", "needs-retry", "after-call", "after-call-error")
KEYS = {"region_name": "us-east-1", "aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any):
        yield self._body

    def read(self, *args: Any) -> bytes:
        return self._body


def canned(status: int, body: dict) -> AWSResponse:
    headers = {"x-amzn-requestid": "r1", "content-type": "application/x-amz-json-1.0"}
    return AWSResponse("http://x", status, headers, _Raw(json.dumps(body).encode()))


def both(register: Callable[[Any, str], None], **session_kw: Any) -> dict[str, Any]:
    """A DynamoDB client per library, with ``register(events, side)`` run on the Session first."""
    made = {}
    for side, lib in (("squall", squall), ("boto3", boto3)):
        session = lib.session.Session(**{**KEYS, **session_kw})
        register(session.events, side)
        made[side] = session.client("dynamodb")
    return made


def test_events_order_and_arguments_match_botocore_across_a_retry() -> None:
    seen: dict[str, list] = {"squall": [], "boto3": []}
    sends = {"squall": 0, "boto3": 0}

    def register(events: Any, side: str) -> None:
        def record(event_name: str, **kwargs: Any) -> Any:
            seen[side].append((event_name, sorted(kwargs)))
            if event_name.startswith("before-send"):
                sends[side] += 1
                if sends[side] == 1:
                    return canned(500, {"__type": "InternalServerError", "message": "boom"})
                return canned(200, {"TableNames": ["t1"]})
            if event_name.startswith("needs-retry"):  # retry the 500 at once, then leave it to the policy
                return 0 if kwargs["attempts"] == 1 else None
            return None
        for event in RECORDED:
            events.register(event, record)

    clients = both(register)
    answers = {side: client.list_tables() for side, client in clients.items()}
    assert answers["squall"]["TableNames"] == answers["boto3"]["TableNames"] == ["t1"]
    assert answers["squall"]["ResponseMetadata"]["RetryAttempts"] == answers["boto3"]["ResponseMetadata"]["RetryAttempts"] == 1
    assert seen["squall"] == seen["boto3"]
    names = [name.split(".")[0] for name, _ in seen["squall"]]
    assert names.count("needs-retry") == 2 and names.count("before-sign") == 2


def test_connection_failure_path_matches_botocore() -> None:
    """Standard mode: botocore's legacy retry handler raises an exception it will not retry
    before later needs-retry handlers run; squall always emits the event."""
    seen: dict[str, list] = {"squall": [], "boto3": []}
    made = {}
    for side, lib in (("squall", squall), ("boto3", boto3)):
        session = lib.session.Session(**KEYS)

        def record(event_name: str, _side: str = side, **kwargs: Any) -> None:
            seen[_side].append((event_name, sorted(kwargs)))
        for event in RECORDED:
            session.events.register(event, record)
        config = (squall.config.Config if side == "squall" else BotoConfig)(retries={"total_max_attempts": 1, "mode": "standard"})
        made[side] = session.client("dynamodb", endpoint_url="http://127.0.0.1:9", config=config)
    for client in made.values():
        with pytest.raises(Exception, match="Could not connect"):
            client.list_tables()
    assert seen["squall"] == seen["boto3"]
    assert any(name.startswith("after-call-error") for name, _ in seen["squall"])


def test_choose_signer_unsigned_skips_credentials_and_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore

    sent: dict[str, dict] = {}
    for side, lib, unsigned in (("squall", squall, squall.UNSIGNED), ("boto3", boto3, botocore.UNSIGNED)):
        session = lib.session.Session(region_name="us-east-1")  # no credentials anywhere

        def capture(request: Any, _side: str = side, **kwargs: Any) -> Any:
            sent[_side] = dict(request.headers)
            return canned(200, {"TableNames": []})
        session.events.register("choose-signer.dynamodb", lambda _u=unsigned, **kw: _u)
        session.events.register("before-send", capture)
        session.client("dynamodb").list_tables()
    assert "Authorization" not in sent["squall"] and "Authorization" not in sent["boto3"]


def test_before_endpoint_resolution_changes_the_endpoint_like_botocore() -> None:
    urls: dict[str, str] = {}

    def register(events: Any, side: str) -> None:
        def redirect(builtins: dict, **kwargs: Any) -> None:
            builtins["AWS::Region"] = "eu-central-1"

        def capture(request: Any, **kwargs: Any) -> Any:
            urls[side] = request.url
            return canned(200, {"TableNames": []})
        events.register("before-endpoint-resolution.dynamodb", redirect)
        events.register("before-send", capture)

    for client in both(register).values():
        client.list_tables()
    assert urls["squall"] == urls["boto3"] == "https://dynamodb.eu-central-1.amazonaws.com/"


def test_before_parse_customized_response_dict_is_merged() -> None:
    def register(events: Any, side: str) -> None:
        def customize(response_dict: dict, customized_response_dict: dict, **kwargs: Any) -> None:
            customized_response_dict["Extra"] = response_dict["status_code"]
        events.register("before-parse.dynamodb.ListTables", customize)
        events.register("before-send", lambda **kw: canned(200, {"TableNames": ["a"]}))

    results = {side: client.list_tables() for side, client in both(register).items()}
    assert results["squall"]["Extra"] == results["boto3"]["Extra"] == 200


def test_creating_client_class_adds_methods_and_mixins_per_session() -> None:
    class Mixin:
        def hello(self) -> str:
            return "mixin"

    def register(events: Any, side: str) -> None:
        def extend(class_attributes: dict, base_classes: list, **kwargs: Any) -> None:
            class_attributes["table_count"] = lambda self: len(self.list_tables()["TableNames"])
            base_classes.insert(0, Mixin)
        events.register("creating-client-class.dynamodb", extend)
        events.register("before-send", lambda **kw: canned(200, {"TableNames": ["a", "b"]}))

    for side, client in both(register).items():
        assert client.hello() == "mixin" and client.table_count() == 2, side
        assert isinstance(client, Mixin)
    plain = squall.session.Session(**KEYS).client("dynamodb")  # the shared class is untouched
    assert not hasattr(plain, "table_count") and not isinstance(plain, Mixin)


def test_no_handler_means_no_stage_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing registered the flow skips every stage (no per-call cost)."""
    client = squall.session.Session(**KEYS).client("dynamodb")
    assert not client.meta.interceptors

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a stage ran with no handler registered")
    answer = squall.http.HttpResponse(status_code=200, headers={}, body=b'{"TableNames": []}')
    monkeypatch.setattr(client._transport, "send", lambda request, **kw: answer)
    for stage in ("before_serialization", "after_serialization", "before_signing", "before_parsing",
                  "after_attempt", "after_receiving"):
        monkeypatch.setattr(hooks.BotocoreEvents, stage, boom)
    assert client.list_tables()["TableNames"] == []
    client.meta.events.register("after-call", lambda **kw: None)
    assert client.meta.interceptors


# Not S3: botocore presigns it with SigV2 by default ('s3-query', answered by its own
# choose-signer handler before a user's); squall presigns S3 with SigV4 (see the README).
@pytest.mark.parametrize("service,method,params", [
    ("sqs", "list_queues", {}),
    ("dynamodb", "describe_table", {"TableName": "t"}),
    ("ec2", "describe_regions", {}),
])
def test_presigning_emits_botocore_events(service: str, method: str, params: dict[str, Any]) -> None:
    seen: dict[str, list] = {"squall": [], "boto3": []}
    urls = {}
    for side, lib in (("squall", squall), ("boto3", boto3)):
        session = lib.session.Session(**KEYS)

        def record(event_name: str, _side: str = side, **kwargs: Any) -> None:
            seen[_side].append((event_name, sorted(kwargs), kwargs.get("signature_version")))
        for event in RECORDED:
            session.events.register(event, record)
        client = session.client(service)
        urls[side] = client.generate_presigned_url(method, Params=params)
    assert seen["squall"] == seen["boto3"]
    versions = [version for name, _, version in seen["squall"] if name.startswith(("choose-signer", "before-sign"))]
    assert versions and all(version.endswith("-query") for version in versions)


def test_choose_signer_unsigned_on_a_presign_gives_the_plain_url() -> None:
    urls = {}
    for side, lib, unsigned in (("squall", squall, squall.UNSIGNED), ("boto3", boto3, __import__("botocore").UNSIGNED)):
        session = lib.session.Session(**KEYS)
        session.events.register("choose-signer.s3.GetObject", lambda _u=unsigned, **_: _u)
        urls[side] = session.client("s3").generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    assert urls["squall"] == urls["boto3"] and "X-Amz-Signature" not in urls["squall"]
