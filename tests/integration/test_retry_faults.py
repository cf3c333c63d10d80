"""Retries through real clients against a loopback server that fails on cue.

Each scenario runs with squall and with boto3 against the same script; they must send
the same number of requests with the same ``amz-sdk-request`` headers, wait the same
delays (the global ``random`` is seeded, both libraries draw from it) and end with the
same result or error (metadata included). Nobody really sleeps: squall's driver and
botocore's endpoint get a sleep that records.
"""
from __future__ import annotations

import dataclasses
import io
import json
import random
import re
import time
import types
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Callable

import boto3
import botocore.config
import botocore.endpoint
import pytest

import squall
from squall.retries._conditions import THROTTLING_CODES
from squall.config import Config
from squall.runtime._sync import run_sync

from _fault_server import Action, Drop, FaultServer, Reply, SlowBody, SlowHeaders, json_error, ok
from _oracle import mask

SEED = 20240501


@dataclasses.dataclass
class Outcome:
    result: Any
    requests: int
    sdk_request: list[str]
    delays: list[float]
    invocation_ids: int


def _ttl_masked(value: str) -> str:
    return re.sub(r"ttl=\d{8}T\d{6}Z", "ttl=<ttl>", value)


def _call(client: Any, method: str, params: dict[str, Any]) -> Any:
    random.seed(SEED)
    try:
        return mask(getattr(client, method)(**params))
    except Exception as exc:
        return {"error": type(exc).__name__, "response": mask(getattr(exc, "response", None))}


def _outcome(server: FaultServer, result: Any, delays: list[float]) -> Outcome:
    received = list(server)
    return Outcome(result=result, requests=len(received),
                   sdk_request=[_ttl_masked(r.headers.get("amz-sdk-request", "")) for r in received],
                   delays=delays, invocation_ids=len({r.headers.get("amz-sdk-invocation-id") for r in received}))


def _driver_sleep(monkeypatch: pytest.MonkeyPatch, sleep: Callable[[float], None]) -> None:
    """The sync driver performs every Sleep effect with its ``sleep`` (time.sleep unless
    a caller passes one); swap that default, however the client reaches the driver."""
    monkeypatch.setitem(run_sync.__kwdefaults__, "sleep", sleep)


def _squall_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A sleep that records instead of waiting."""
    delays: list[float] = []
    _driver_sleep(monkeypatch, delays.append)
    return delays


def _boto3_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=delays.append))
    return delays


def _client_kwargs(url: str) -> dict[str, Any]:
    return {"endpoint_url": url, "region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}


def run_both(monkeypatch: pytest.MonkeyPatch, service: str, method: str, params: dict[str, Any],
             script: list[Action], *, default: Action | None = None, config: dict[str, Any] | None = None,
             ) -> tuple[Outcome, Outcome]:
    config = config or {}
    with FaultServer(script, default=default) as server:
        with monkeypatch.context() as patch:
            delays = _squall_sleeps(patch)
            client = squall.session.Session().client(service, config=Config(**config), **_client_kwargs(server.url))
            ours = _outcome(server, _call(client, method, params), delays)
    with FaultServer(script, default=default) as server:
        with monkeypatch.context() as patch:
            delays = _boto3_sleeps(patch)
            client = boto3.session.Session().client(service, config=botocore.config.Config(**config),
                                                    **_client_kwargs(server.url))
            theirs = _outcome(server, _call(client, method, params), delays)
    return ours, theirs


def assert_same(ours: Outcome, theirs: Outcome) -> None:
    assert ours.requests == theirs.requests
    assert ours.sdk_request == theirs.sdk_request
    assert ours.invocation_ids == theirs.invocation_ids == 1
    assert ours.delays == pytest.approx(theirs.delays)
    assert ours.result == theirs.result


INTERNAL = json_error("InternalError", 500)
THROTTLED = json_error("ThrottlingException", 400)
SQS = ("sqs", "list_queues", {})
DDB = ("dynamodb", "list_tables", {})
# read_timeout leaves room for a loaded CI machine; the slow actions wait well past it.
FAST = {"connect_timeout": 2, "read_timeout": 1.0}

SCENARIOS: dict[str, tuple[tuple[str, str, dict[str, Any]], list[Action], Action | None, dict[str, Any]]] = {
    "500 twice then ok": (SQS, [INTERNAL, INTERNAL], None, {}),
    "502 503 504 forever": (SQS, [json_error("BadGateway", 502), json_error("Unavailable", 503)],
                            json_error("Timeout", 504), {}),
    "throttled twice": (SQS, [THROTTLED, THROTTLED], None, {}),
    "throttled forever": (DDB, [], json_error("ProvisionedThroughputExceededException"), {}),
    "sqs RequestThrottled 403": (SQS, [json_error("RequestThrottled", 403)], None, {}),
    "429 with an unknown code": (SQS, [json_error("SlowPlease", 429)], None, {}),
    "400 not retryable": (SQS, [json_error("InvalidParameterValue")], None, {}),
    "modeled error not retryable": (("sqs", "get_queue_url", {"QueueName": "q"}),
                                    [json_error("QueueDoesNotExist")], None, {}),
    "connection reset then ok": (SQS, [Drop(), Drop(reset=False)], None, FAST),
    "connection dropped forever": (SQS, [], Drop(), FAST),
    "slow headers then ok": (SQS, [SlowHeaders(3.0)], None, FAST),
    "slow body then ok": (SQS, [SlowBody(3.0, ok({"QueueUrls": ["https://q/1", "https://q/2"]}))], None, FAST),
    "ddb crc32 mismatch forever": (DDB, [], Reply(200, b'{"TableNames": []}', {"x-amz-crc32": "1"}), {}),
    "ddb crc32 mismatch once": (DDB, [Reply(200, b'{"TableNames": []}', {"x-amz-crc32": "1"})], None, {}),
    "ddb modeled retryable 400": (("dynamodb", "batch_write_item", {"RequestItems": {"t": [
        {"PutRequest": {"Item": {"k": {"S": "v"}}}}]}}), [json_error("ReplicatedWriteConflictException")], None, {}),
    "ddb write conflict 409": (("dynamodb", "batch_write_item", {"RequestItems": {"t": [
        {"PutRequest": {"Item": {"k": {"S": "v"}}}}]}}), [json_error("ReplicatedWriteConflictException", 409)],
        None, {}),
    "ddb TransactionInProgress": (DDB, [json_error("TransactionInProgressException")], None, {}),
    "RequestTimeout code": (SQS, [json_error("RequestTimeout", 400)], None, {}),
    "skew code, right Date": (SQS, [json_error("SignatureDoesNotMatch", 403)], None, {}),
}


def _throttles(actions: list[Any]) -> bool:
    for action in actions:
        if isinstance(action, Reply) and action.status >= 300:
            if json.loads(action.body).get("__type") in THROTTLING_CODES:
                return True
    return False


# Adaptive mode only where nothing throttles: after throttling botocore's limiter really
# waits (squall's limiter is tested below on a fake clock, and against botocore's in the
# unit tests).
CASES = [(name, mode) for name in sorted(SCENARIOS) for mode in ("legacy", "standard", "adaptive")
         if mode != "adaptive" or not _throttles([*SCENARIOS[name][1], SCENARIOS[name][2]])]


@pytest.mark.parametrize("name,mode", CASES)
def test_matches_boto3(monkeypatch: pytest.MonkeyPatch, name: str, mode: str) -> None:
    (service, method, params), script, default, config = SCENARIOS[name]
    ours, theirs = run_both(monkeypatch, service, method, params, script, default=default,
                            config={**config, "retries": {"mode": mode}})
    assert_same(ours, theirs)


@pytest.mark.parametrize("retries", [{"mode": "standard", "max_attempts": 0}, {"mode": "legacy", "max_attempts": 1},
                                     {"mode": "standard", "total_max_attempts": 5}, {"total_max_attempts": 7}])
def test_attempt_limits_match_boto3(monkeypatch: pytest.MonkeyPatch, retries: dict[str, Any]) -> None:
    ours, theirs = run_both(monkeypatch, *SQS, [], default=INTERNAL, config={"retries": retries})
    assert_same(ours, theirs)
    assert ours.requests == retries.get("total_max_attempts", retries.get("max_attempts", 0) + 1)


@pytest.mark.parametrize("env", [{"AWS_MAX_ATTEMPTS": "2"}, {"AWS_RETRY_MODE": "standard"},
                                 {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "4"}])
def test_attempt_settings_from_the_environment_match_boto3(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    ours, theirs = run_both(monkeypatch, *DDB, [], default=INTERNAL)
    assert_same(ours, theirs)


def test_retry_quota_runs_out_as_in_boto3(monkeypatch: pytest.MonkeyPatch) -> None:
    """Always 500: 50 calls spend the 500-unit quota (2 retries x 5); then no retries."""
    def calls(client: Any, server: FaultServer) -> list[tuple[int, Any]]:
        seen = []
        for _ in range(53):
            before = server.count
            result = _call(client, "list_queues", {})
            seen.append((server.count - before, result["response"]["ResponseMetadata"]))
        return seen

    with FaultServer(default=INTERNAL, max_requests=400) as server, monkeypatch.context() as patch:
        _squall_sleeps(patch)
        client = squall.client("sqs", config=Config(retries={"mode": "standard"}), **_client_kwargs(server.url))
        ours = calls(client, server)
        assert client._context.retry_policy.state.quota.available_capacity == 0
    with FaultServer(default=INTERNAL, max_requests=400) as server, monkeypatch.context() as patch:
        _boto3_sleeps(patch)
        theirs = calls(boto3.client("sqs", config=botocore.config.Config(retries={"mode": "standard"}),
                                    **_client_kwargs(server.url)), server)
    assert ours == theirs
    assert [n for n, _ in ours] == [3] * 50 + [1] * 3
    assert ours[-1][1]["RetryQuotaReached"] is True and ours[0][1]["MaxAttemptsReached"] is True


def test_timeouts_cost_more_quota_and_success_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([SlowHeaders(2.0), SlowHeaders(2.0), SlowHeaders(2.0), INTERNAL]) as server:
        client = squall.client("sqs", config=Config(retries={"mode": "standard"}, **FAST), **_client_kwargs(server.url))
        quota = client._context.retry_policy.state.quota
        with pytest.raises(squall.exceptions.ReadTimeoutError):
            client.list_queues()
        assert quota.available_capacity == 500 - 2 * 10
        assert client.list_queues()["ResponseMetadata"]["RetryAttempts"] == 1  # a 500, then ok
        assert quota.available_capacity == 480 - 5 + 5
        client.list_queues()
        assert quota.available_capacity == 481


def test_every_attempt_is_signed_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([INTERNAL, INTERNAL]) as server:
        squall.client("sqs", config=Config(retries={"mode": "standard"}), **_client_kwargs(server.url)).list_queues()
        auth = [r.headers["authorization"] for r in server]
        assert len(auth) == 3 and all("SignedHeaders=" in a for a in auth)
        assert all("amz-sdk" not in a.split("SignedHeaders=")[1].split(",")[0] for a in auth)  # as botocore


# --- adaptive mode: the limiter's waits are Sleep effects on the client's clock -------------

class FakeTime:
    """A clock that moves only when the driver sleeps (and a little per request)."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds + 1e-6)


def _adaptive_client(server: FaultServer, fake: FakeTime, monkeypatch: pytest.MonkeyPatch) -> Any:
    _driver_sleep(monkeypatch, fake.sleep)
    client = squall.client("dynamodb", config=Config(retries={"mode": "adaptive"}), **_client_kwargs(server.url))
    ctx = client._context
    policy = dataclasses.replace(ctx.retry_policy, random=lambda: 0.5)
    policy = dataclasses.replace(policy, state=policy.fresh_state(fake.clock().timestamp()))
    client._context = dataclasses.replace(ctx, clock=fake.clock, retry_policy=policy)
    return client


def test_adaptive_limits_the_send_rate_after_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime()
    started = time.monotonic()
    with FaultServer([THROTTLED, THROTTLED]) as server:
        client = _adaptive_client(server, fake, monkeypatch)
        limiter = client._context.retry_policy.state.limiter
        assert not limiter.enabled
        result = client.list_tables()
        assert result["ResponseMetadata"]["RetryAttempts"] == 2
        assert limiter.enabled
        backoffs = [0.5 * 1, 0.5 * 2]  # random() * 2 ** (attempt - 1)
        assert fake.sleeps[:1] == [0.5] and backoffs[1] in fake.sleeps
        limiter_waits = [s for s in fake.sleeps if s not in backoffs]
        assert limiter_waits, "the bucket starts empty once throttling has been seen"
        sent_before = server.count
        fake.sleeps.clear()
        rate = limiter.bucket.max_rate
        for _ in range(10):
            client.list_tables()
        assert server.count - sent_before == 10
        # Every send now waits for a token, less and less as CUBIC lets the rate recover.
        assert len(fake.sleeps) == 10 and all(s > 0 for s in fake.sleeps)
        assert fake.sleeps[-1] < fake.sleeps[0] / 4
        assert limiter.bucket.max_rate > 4 * rate
    assert time.monotonic() - started < 10  # the waiting was done on the fake clock


def test_adaptive_without_throttling_never_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTime()
    with FaultServer([INTERNAL]) as server:
        client = _adaptive_client(server, fake, monkeypatch)
        for _ in range(5):
            client.list_tables()
        assert fake.sleeps == [0.5]  # the one backoff after the 500
        assert not client._context.retry_policy.state.limiter.enabled


# --- request bodies ---------------------------------------------------------------------
# JSON services hash the payload for the signature, so a one-shot body is read into memory
# first (and can then be re-sent). An S3 upload with payload signing off streams the body
# as it is: that is where a retry must rewind it, or refuse.

S3_OK = Reply(200, b"", {"ETag": '"etag"'})  # S3 reads a 200 with a non-XML body as an error


def _s3(server: FaultServer) -> Any:
    config = Config(retries={"mode": "standard"}, request_checksum_calculation="when_required",
                    s3={"payload_signing_enabled": False, "addressing_style": "path"}, **FAST)
    return squall.client("s3", config=config, **_client_kwargs(server.url))


def test_a_one_shot_body_is_never_sent_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([INTERNAL], default=S3_OK) as server:
        with pytest.raises(squall.exceptions.UnseekableStreamError) as info:
            _s3(server).put_object(Bucket="b", Key="k", Body=iter([b"chunk-1", b"chunk-2"]))
        assert server.count == 1 and server.received[0].body == b"chunk-1chunk-2"
        assert isinstance(info.value.__cause__, squall.exceptions.ClientError)  # why a retry was wanted


def test_a_seekable_body_is_rewound_to_where_it_started(monkeypatch: pytest.MonkeyPatch) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([INTERNAL, Drop()], default=S3_OK) as server:
        body = io.BytesIO(b"HEADERpayload")
        body.seek(6)
        result = _s3(server).put_object(Bucket="b", Key="k", Body=body)
        assert result["ResponseMetadata"]["RetryAttempts"] == 2
        assert [r.body for r in server] == [b"payload"] * 3


def test_json_bodies_are_buffered_and_resent(monkeypatch: pytest.MonkeyPatch) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([INTERNAL]) as server:
        client = squall.client("sqs", config=Config(retries={"mode": "standard"}), **_client_kwargs(server.url))
        client.send_message(QueueUrl="https://q/1", MessageBody="hello")
        bodies = [json.loads(r.body) for r in server]
        assert len(bodies) == 2 and bodies[0] == bodies[1] and bodies[0]["MessageBody"] == "hello"


# --- clock skew (squall's extension: botocore keeps failing) ---------------------------------

def _skewed_error(code: str, offset: timedelta) -> Reply:
    date = format_datetime(datetime.now(timezone.utc) + offset, usegmt=True)
    return json_error(code, 400, headers={"Date": date})


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_clock_skew_is_corrected_from_the_server_date(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([_skewed_error("InvalidSignatureException", timedelta(hours=2))]) as server:
        client = squall.client("dynamodb", config=Config(retries={"mode": mode}), **_client_kwargs(server.url))
        assert client.list_tables()["ResponseMetadata"]["RetryAttempts"] == 1
        client.list_tables()  # later calls keep the correction
        stamps = [datetime.strptime(r.headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
                  for r in server]
        now = datetime.now(timezone.utc)
        assert abs(stamps[0] - now) < timedelta(minutes=1)
        assert all(abs(s - (now + timedelta(hours=2))) < timedelta(minutes=1) for s in stamps[1:])
        assert client._context.retry_policy.state.clock_offset.value > timedelta(hours=1, minutes=59)


def test_a_skew_error_that_is_not_skew_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    _squall_sleeps(monkeypatch)
    with FaultServer([], default=_skewed_error("SignatureDoesNotMatch", timedelta(0))) as server:
        client = squall.client("sqs", config=Config(retries={"mode": "standard"}), **_client_kwargs(server.url))
        with pytest.raises(squall.exceptions.ClientError, match="SignatureDoesNotMatch"):
            client.list_queues()
        assert server.count == 1


# --- the fault server itself ------------------------------------------------------------

def test_fault_server_is_bounded() -> None:
    with FaultServer(default=INTERNAL, max_requests=2, lifetime=5) as server:
        client = squall.client("sqs", config=Config(retries={"mode": "legacy", "max_attempts": 0}),
                               **_client_kwargs(server.url))
        for _ in range(2):
            with pytest.raises(squall.exceptions.ClientError):
                client.list_queues()
        with pytest.raises((squall.exceptions.ConnectionClosedError, squall.exceptions.EndpointConnectionError)):
            client.list_queues()  # over budget: dropped, and the server stops itself
        deadline = time.monotonic() + 5
        while not server._stopped.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server._stopped.is_set()
