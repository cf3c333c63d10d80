"""Retry decisions, each held against botocore's own retry code where it has one.

botocore is the oracle: its StandardRetryConditions / ExponentialBackoff / RetryQuota /
RetryHandler, its legacy ``retryhandler`` built from ``_retry.json``, and its adaptive
limiter (ClientRateLimiter, TokenBucket, CubicCalculator, RateClocker) run side by side
with squall's on the same inputs. squall's extension (clock-skew correction) has its own
tests at the end.
"""
from __future__ import annotations

import copy
import io
import itertools
import random
import zlib
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.config
import botocore.exceptions as bx
import botocore.session
import pytest
from botocore import retryhandler, translate
from botocore.awsrequest import AWSResponse
from botocore.retries import adaptive as b_adaptive
from botocore.retries import bucket as b_bucket
from botocore.retries import quota as b_quota
from botocore.retries import standard as b_standard
from botocore.retries import throttling as b_throttling

import squall.exceptions as sx
from squall.models import Loader, service_model_for
from squall.retries import (
    Attempt, ClientRateLimiter, CubicCalculator, RateClocker, RetryQuota, RetrySettings, TokenBucket,
    build_retry_policy, legacy_rules, resolve_retry_settings, skew_correction,
)
from squall.retries import _conditions as s_cond
from squall.retries import standard as s_standard
from squall.retries._conditions import modeled_retry_kind
from squall.retries.call import CallRetries, body_start, rewind_body
from squall.retries.legacy import decide_legacy, legacy_delay
from squall.retries.skew import SKEW_ERROR_CODES, ClockOffset, server_time

LOADER = Loader.from_data_path()
BOTO = botocore.session.get_session()
RETRY_DATA = LOADER.load_data("_retry")


def _ops(service: str, op: str) -> tuple[Any, Any]:
    return service_model_for(LOADER, service).operation_model(op), BOTO.get_service_model(service).operation_model(op)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self) -> Any:
        yield self._body


def _http(status: int, headers: dict[str, str] | None = None, body: bytes = b"{}") -> AWSResponse:
    return AWSResponse("https://example.com", status, headers or {}, _Raw(body))


def _parsed(status: int, code: str | None) -> dict[str, Any]:
    parsed: dict[str, Any] = {"ResponseMetadata": {"HTTPStatusCode": status}}
    if code is not None:
        parsed["Error"] = {"Code": code, "Message": ""}
    return parsed


# Same kwargs build either library's exception.
_EXC_KWARGS = {"endpoint_url": "https://example.com", "error": "boom", "proxy_url": "http://proxy", "request": None}
EXCEPTIONS = ["ConnectionClosedError", "ReadTimeoutError", "ConnectTimeoutError", "EndpointConnectionError",
              "SSLError", "ProxyConnectionError", "HTTPClientError", "ConnectionError", "ResponseStreamingError"]


def _exc(module: Any, name: str) -> BaseException:
    if name == "ValueError":
        return ValueError("x")
    return getattr(module, name)(**_EXC_KWARGS)


STATUSES = [200, 400, 403, 404, 408, 409, 429, 500, 502, 503, 504, 509]
CODES = [None, "Foo", "RequestTimeTooSkewed", "IDPCommunicationError", "ReplicatedWriteConflictException",
         "TransactionInProgressException", *sorted(s_cond.THROTTLING_CODES), "RequestTimeout",
         "RequestTimeoutException", "BadDigest", "ThrottlingException"]
OPERATIONS = [("sqs", "ListQueues"), ("sqs", "ReceiveMessage"), ("dynamodb", "BatchWriteItem"),
              ("dynamodb", "GetItem"), ("sts", "AssumeRoleWithWebIdentity"), ("identitystore", "CreateGroup"),
              ("pricing", "DescribeServices"), ("kinesis", "PutRecord")]


# --- settings -------------------------------------------------------------------------

def _botocore_retries(retries: Any) -> Any:
    try:
        client = botocore.session.Session().create_client(
            "sqs", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
            config=botocore.config.Config(retries=copy.deepcopy(retries)) if retries is not None else None)
    except Exception as exc:  # the class name is what we compare
        return type(exc).__name__
    return dict(client.meta.config.retries)


def _squall_client(retries: Any) -> Any:
    import squall
    from squall.config import Config

    return squall.session.Session().client(
        "sqs", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
        config=Config(retries=copy.deepcopy(retries)) if retries is not None else None)


SETTINGS_CASES = [
    ({}, None),
    ({}, {"mode": "standard"}),
    ({}, {"mode": "adaptive", "max_attempts": 0}),
    ({}, {"max_attempts": 7}),
    ({}, {"total_max_attempts": 2, "max_attempts": 9}),
    ({"AWS_MAX_ATTEMPTS": "4"}, None),
    ({"AWS_MAX_ATTEMPTS": "4"}, {"mode": "standard"}),
    ({"AWS_MAX_ATTEMPTS": "4"}, {"max_attempts": 1}),
    ({"AWS_RETRY_MODE": "adaptive"}, None),
    ({"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "6"}, {"mode": "legacy"}),
    ({"AWS_RETRY_MODE": "foo"}, None),
    ({"AWS_RETRY_MODE": "foo"}, {"mode": "standard"}),  # not read: the Config says
    ({"AWS_MAX_ATTEMPTS": "0"}, None),
    ({"AWS_MAX_ATTEMPTS": "-3"}, {"mode": "standard"}),
    ({"AWS_MAX_ATTEMPTS": "0"}, {"max_attempts": 2}),  # not read: the Config says
]


@pytest.mark.parametrize("env,retries", SETTINGS_CASES)
def test_retry_settings_match_botocore(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], retries: Any) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    theirs = _botocore_retries(retries)
    try:
        client = _squall_client(retries)
    except Exception as exc:
        assert type(exc).__name__ == theirs
        assert isinstance(exc, getattr(sx, type(exc).__name__))
        if "AWS_" in str(env):
            assert "environment variable" in str(exc)  # squall says where the value came from
        return
    assert isinstance(theirs, dict), theirs
    policy = client._context.retry_policy
    assert policy.mode == theirs["mode"]
    if theirs["mode"] == "legacy":
        expected = theirs.get("total_max_attempts", 5)  # sqs: the general table's 5
    else:
        expected = theirs.get("total_max_attempts", 3)
    assert policy.max_attempts == expected


def test_settings_from_profile_and_errors_name_the_source(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import squall

    config = tmp_path / "config"
    config.write_text("[default]\nretry_mode = standard\nmax_attempts = 7\n[profile bad]\nretry_mode = quick\n"
                      "[profile zero]\nmax_attempts = 0\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    client = squall.session.Session().client("dynamodb", region_name="us-east-1", aws_access_key_id="a",
                                             aws_secret_access_key="b")
    assert (client._context.retry_policy.mode, client._context.retry_policy.max_attempts) == ("standard", 7)
    with pytest.raises(sx.InvalidRetryModeError, match=r"quick.*\[profile bad\] line 5"):
        squall.session.Session(profile_name="bad").client("sqs", region_name="us-east-1")
    with pytest.raises(sx.InvalidMaxRetryAttemptsError, match=r"must be an integer greater than or equal to 1.*line 7"):
        squall.session.Session(profile_name="zero").client("sqs", region_name="us-east-1")


def test_resolve_retry_settings_reads_only_what_the_config_lacks() -> None:
    asked: list[str] = []

    def setting(name: str) -> tuple[Any, str]:
        asked.append(name)
        return {"max_attempts": (4, "env"), "retry_mode": ("adaptive", "env")}[name]

    assert resolve_retry_settings({"mode": "standard", "max_attempts": 1}, setting) == RetrySettings(
        mode="standard", total_max_attempts=2, mode_source="Config(retries={'mode': ...})",
        max_attempts_source="Config(retries={'max_attempts': ...})")
    assert asked == []
    got = resolve_retry_settings(None, setting)
    assert (got.mode, got.total_max_attempts, asked) == ("adaptive", 4, ["max_attempts", "retry_mode"])
    with pytest.raises(sx.InvalidRetryConfigurationError):
        resolve_retry_settings({"attempts": 3}, setting)


@pytest.mark.parametrize("service,mode,env_max,expected", [
    ("dynamodb", "legacy", None, 10), ("dynamodb", "legacy", 3, 3), ("sqs", "legacy", None, 5),
    ("dynamodb", "standard", None, 3), ("dynamodb", "adaptive", 8, 8), ("kinesis", "standard", None, 3),
])
def test_default_max_attempts_per_mode_and_service(service: str, mode: str, env_max: int | None, expected: int) -> None:
    model = service_model_for(LOADER, service)
    policy = build_retry_policy(settings=RetrySettings(mode=mode, total_max_attempts=env_max),  # type: ignore[arg-type]
                                service_id=model.service_id, endpoint_prefix=model.endpoint_prefix,
                                retry_data=RETRY_DATA)
    assert policy.max_attempts == expected
    assert (policy.state.quota is not None) == (mode != "legacy")
    assert (policy.state.limiter is not None) == (mode == "adaptive")


def test_new_retries_defaults_match_botocore() -> None:
    assert s_standard.default_max_attempts("dynamodb", new_retries=True) == b_standard._SERVICE_MAX_ATTEMPTS["dynamodb"]
    assert s_standard.default_max_attempts("dynamodb-streams", new_retries=True) == 4
    assert s_standard.default_max_attempts("sqs", new_retries=True) == b_standard.DEFAULT_MAX_ATTEMPTS
    assert s_standard.default_max_attempts("dynamodb") == 3


# --- standard mode conditions -----------------------------------------------------------

def test_error_code_lists_are_botocores() -> None:
    assert s_cond.THROTTLING_CODES == frozenset(b_standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES)
    assert s_cond.TRANSIENT_CODES == frozenset(b_standard.TransientRetryableChecker._TRANSIENT_ERROR_CODES)
    assert s_cond.TRANSIENT_STATUS == frozenset(b_standard.TransientRetryableChecker._TRANSIENT_STATUS_CODES)
    assert s_standard.LONG_POLLING_OPERATIONS == {k: frozenset(v) for k, v in
                                                  b_standard.RetryHandler._LONG_POLLING_OPERATIONS.items()}
    q = b_standard.RetryQuotaChecker
    assert (s_standard.RETRY_COST, s_standard.TIMEOUT_RETRY_COST, s_standard.NO_RETRY_INCREMENT,
            s_standard.THROTTLING_RETRY_COST, s_standard.RETRY_COST_V2) == (
        q._RETRY_COST, q._TIMEOUT_RETRY_REQUEST, q._NO_RETRY_INCREMENT, q._THROTTLING_RETRY_COST, q._RETRY_COST_V2)
    assert b_quota.RetryQuota.INITIAL_CAPACITY == RetryQuota().max_capacity


def _both_response(service: str, op: str, status: int, code: str | None, number: int = 1,
                   headers: dict[str, str] | None = None, body: bytes = b"{}") -> tuple[Attempt, Any]:
    ours_op, their_op = _ops(service, op)
    ours = Attempt(number=number, operation=ours_op, status=status, headers={k.lower(): v for k, v in (headers or {}).items()},
                   body=body, error_code=code)
    theirs = b_standard.RetryContext(attempt_number=number, operation_model=their_op, http_response=_http(status, headers, body),
                                     parsed_response=_parsed(status, code), request_context={})
    return ours, theirs


def _both_exception(service: str, op: str, name: str, number: int = 1) -> tuple[Attempt, Any]:
    ours_op, their_op = _ops(service, op)
    ours = Attempt(number=number, operation=ours_op, exception=_exc(sx, name))
    theirs = b_standard.RetryContext(attempt_number=number, operation_model=their_op,
                                     caught_exception=_exc(bx, name), request_context={})
    return ours, theirs


@pytest.mark.parametrize("service,op", OPERATIONS)
def test_standard_conditions_match_botocore(service: str, op: str) -> None:
    checker = b_standard.StandardRetryConditions(max_attempts=3)
    detector = b_standard.ThrottlingErrorDetector(b_standard.RetryEventAdapter())
    checked = 0
    for status, code in itertools.product(STATUSES, CODES):
        if status < 300 and code is not None:
            continue
        ours, theirs = _both_response(service, op, status, code)
        assert s_standard.is_retryable(ours) == checker.is_retryable(theirs), (status, code)
        assert s_cond.is_throttling(ours) == detector.is_throttling_error_from_context(theirs), (status, code)
        checked += 1
    for name in [*EXCEPTIONS, "ValueError"]:
        ours, theirs = _both_exception(service, op, name)
        assert s_standard.is_retryable(ours) == checker.is_retryable(theirs), name
        assert s_cond.is_timeout(ours) == isinstance(theirs.caught_exception, b_standard.RetryQuotaChecker._TIMEOUT_EXCEPTIONS)
    assert checked > 200


def test_modeled_retryable_matches_botocore_on_every_json_service() -> None:
    detector = b_standard.ModeledRetryErrorDetector()
    compared = 0
    for name in ("identitystore", "pricing", "dynamodb", "b2bi", "verifiedpermissions", "pcs", "redshift-serverless"):
        ours_model, theirs_model = service_model_for(LOADER, name), BOTO.get_service_model(name)
        for op_name in theirs_model.operation_names:
            their_op = theirs_model.operation_model(op_name)
            codes = {e.metadata.get("error", {}).get("code") or e.name for e in their_op.error_shapes} | {"Nope"}
            for code in codes:
                ctx = b_standard.RetryContext(attempt_number=1, operation_model=their_op,
                                              parsed_response=_parsed(400, code))
                expected = {None: None, detector.TRANSIENT_ERROR: "transient",
                            detector.THROTTLING_ERROR: "throttling"}[detector.detect_error_type(ctx)]
                ours = Attempt(number=1, operation=ours_model.operation_model(op_name), status=400, error_code=code)
                assert modeled_retry_kind(ours) == expected, (name, op_name, code)
                compared += 1
    assert compared > 500


def test_dynamodb_crc32_and_sts_idp_special_cases() -> None:
    body = b'{"Items": []}'
    good = {"x-amz-crc32": str(zlib.crc32(body))}
    bad = {"x-amz-crc32": str(zlib.crc32(body) + 1)}
    checker = b_standard.StandardRetryConditions(max_attempts=3)
    for service, op, headers in [("dynamodb", "Scan", good), ("dynamodb", "Scan", bad), ("sqs", "ListQueues", bad)]:
        ours, theirs = _both_response(service, op, 200, None, headers=headers, body=body)
        assert s_standard.is_retryable(ours) == checker.is_retryable(theirs)
    assert s_standard.is_retryable(_both_response("dynamodb", "Scan", 200, None, headers=bad, body=body)[0])
    assert s_standard.is_retryable(_both_response("sts", "AssumeRoleWithWebIdentity", 400, "IDPCommunicationError")[0])


@pytest.mark.parametrize("new_retries", [False, True])
def test_standard_backoff_matches_botocore(monkeypatch: pytest.MonkeyPatch, new_retries: bool) -> None:
    monkeypatch.setattr(b_standard, "NEW_RETRIES_ENABLED", new_retries)
    for value in (0.0, 0.37, 0.999):
        for service, op, status, code, headers in [
            ("sqs", "ListQueues", 500, None, {}), ("sqs", "ListQueues", 400, "ThrottlingException", {}),
            ("dynamodb", "GetItem", 503, None, {}), ("dynamodb", "GetItem", 400, "ThrottlingException", {}),
            ("sqs", "ListQueues", 503, None, {"x-amz-retry-after": "1500"}),
            ("sqs", "ListQueues", 503, None, {"x-amz-retry-after": "60000"}),
            ("sqs", "ListQueues", 503, None, {"x-amz-retry-after": "bogus"}),
        ]:
            event = BOTO.get_service_model(service).service_id.hyphenize()
            theirs_backoff = b_standard.ExponentialBackoff(
                random=lambda: value, service_name=event,
                throttling_detector=b_standard.ThrottlingErrorDetector(b_standard.RetryEventAdapter()))
            for number in range(1, 12):
                ours, theirs = _both_response(service, op, status, code, number=number, headers=headers)
                assert s_standard.standard_delay(ours, lambda: value, service_event_name=event,
                                                 new_retries=new_retries) == pytest.approx(
                    theirs_backoff.delay_amount(theirs)), (service, status, code, headers, number)


def _botocore_handler(max_attempts: int, value: float, service_name: str | None = None) -> Any:
    adapter = b_standard.RetryEventAdapter()
    detector = b_standard.ThrottlingErrorDetector(adapter)
    return b_standard.RetryHandler(
        retry_policy=b_standard.RetryPolicy(
            retry_checker=b_standard.StandardRetryConditions(max_attempts=max_attempts),
            retry_backoff=b_standard.ExponentialBackoff(random=lambda: value, service_name=service_name,
                                                       throttling_detector=detector)),
        retry_event_adapter=adapter,
        retry_quota=b_standard.RetryQuotaChecker(b_quota.RetryQuota(), detector),
        service_name=service_name, sleep=lambda s: None)


@pytest.mark.parametrize("new_retries", [False, True])
def test_standard_decisions_and_quota_drain_like_botocore(monkeypatch: pytest.MonkeyPatch, new_retries: bool) -> None:
    """A long run of failing attempts: same retry answers, delays, metadata and quota left."""
    monkeypatch.setattr(b_standard, "NEW_RETRIES_ENABLED", new_retries)
    theirs_handler = _botocore_handler(3, 0.5, "sqs")
    policy = build_retry_policy(settings=RetrySettings(mode="standard", total_max_attempts=3, new_retries=new_retries),
                                service_id="SQS", endpoint_prefix="sqs", random=lambda: 0.5)
    rng = random.Random(7)
    ours_op, their_op = _ops("sqs", "ReceiveMessage")
    for step in range(400):
        number = rng.choice([1, 2, 3])
        kind = rng.choice(["500", "throttle", "timeout", "reset", "ok", "400"])
        if kind in ("timeout", "reset"):
            name = "ReadTimeoutError" if kind == "timeout" else "ConnectionClosedError"
            ours = Attempt(number=number, operation=ours_op, exception=_exc(sx, name))
            kwargs = {"response": None, "caught_exception": _exc(bx, name)}
            parsed = None
        else:
            status, code = {"500": (500, "InternalError"), "throttle": (400, "ThrottlingException"),
                            "ok": (200, None), "400": (400, "InvalidParameterValue")}[kind]
            ours = Attempt(number=number, operation=ours_op, status=status, error_code=code)
            parsed = _parsed(status, code)
            kwargs = {"response": (_http(status), parsed), "caught_exception": None}
        context: dict[str, Any] = {}
        expected = theirs_handler.needs_retry(attempts=number, operation=their_op, request_dict={"context": context}, **kwargs)
        decision = policy.decide(ours)
        assert (decision.delay if decision.retry else None) == expected or (
            not decision.retry and expected is False and decision.delay > 0), (step, kind, number)
        if parsed is not None:
            theirs_meta = {k: v for k, v in parsed["ResponseMetadata"].items() if k != "HTTPStatusCode"}
            assert dict(decision.metadata) == theirs_meta, (step, kind)
        if decision.retry:
            assert decision.quota_acquired == context["retry_quota_capacity"]
        assert policy.state.quota.available_capacity == theirs_handler._retry_quota._quota.available_capacity
        if rng.random() < 0.15:  # a success ends some calls and gives capacity back
            last = context.get("retry_quota_capacity")
            theirs_handler._retry_quota.release_retry_quota({"retry_quota_capacity": last} if last else {}, _http(200))
            policy.on_success(last)
            assert policy.state.quota.available_capacity == theirs_handler._retry_quota._quota.available_capacity


def test_quota_exhaustion_marks_response_and_refills() -> None:
    policy = build_retry_policy(settings=RetrySettings(mode="standard", total_max_attempts=3),
                                service_id="SQS", endpoint_prefix="sqs", random=lambda: 0.0)
    op, _ = _ops("sqs", "ListQueues")
    failing = Attempt(number=1, operation=op, status=500, error_code="InternalError")
    assert [policy.decide(failing).retry for _ in range(100)] == [True] * 100
    assert policy.state.quota.available_capacity == 0
    exhausted = policy.decide(failing)
    assert (exhausted.retry, dict(exhausted.metadata)) == (False, {"RetryQuotaReached": True})
    policy.on_success(None)
    assert policy.state.quota.available_capacity == 1
    policy.on_success(10)
    assert policy.state.quota.available_capacity == 11
    timeout = Attempt(number=1, operation=op, exception=sx.ReadTimeoutError(endpoint_url="x"))
    assert policy.decide(timeout).quota_acquired == 10
    assert policy.decide(timeout).retry is False  # 1 left: a timeout costs 10


# --- legacy mode --------------------------------------------------------------------------

def _botocore_legacy(prefix: str, client_retries: dict[str, Any] | None) -> Any:
    data = copy.deepcopy(RETRY_DATA)  # botocore mutates what it is given
    config = translate.build_retry_config(prefix, data["retry"], data["definitions"], client_retries)
    return retryhandler.create_retry_handler(config, prefix)


LEGACY_PREFIXES = [*sorted(k for k in RETRY_DATA["retry"] if k != "__default__"), "lambda"]


@pytest.mark.parametrize("prefix", LEGACY_PREFIXES)
def test_legacy_rules_match_botocore(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.42)
    for client_max in (None, 2):
        handler = _botocore_legacy(prefix, {"max_attempts": client_max} if client_max is not None else None)
        rules = legacy_rules(RETRY_DATA, prefix, None if client_max is None else client_max + 1)
        op, _ = _ops("sqs", "ListQueues")
        limit = rules.max_attempts
        assert limit == handler._checker._max_attempts
        for number in (1, limit - 1, limit):
            for status, code in itertools.product(STATUSES, CODES):
                if status < 300 and code is not None:
                    continue
                parsed = _parsed(status, code)
                expected = handler(attempts=number, response=(_http(status), parsed), caught_exception=None,
                                   request_dict={"context": {}})
                ours = decide_legacy(Attempt(number=number, operation=op, status=status, error_code=code), rules,
                                     lambda: 0.42)
                assert (ours.delay if ours.retry else None) == (pytest.approx(expected) if expected is not None else None), \
                    (prefix, number, status, code)
                reached = parsed["ResponseMetadata"].get("MaxAttemptsReached", False)
                assert ours.metadata.get("MaxAttemptsReached", False) == reached
            for name in [*EXCEPTIONS, "ValueError"]:
                caught = _exc(bx, name)
                try:
                    expected = handler(attempts=number, response=None, caught_exception=caught,
                                       request_dict={"context": {}})
                except Exception as raised:
                    assert raised is caught
                    expected = None
                ours = decide_legacy(Attempt(number=number, operation=op, exception=_exc(sx, name)), rules, lambda: 0.42)
                assert (ours.delay if ours.retry else None) == expected, (prefix, number, name)


def test_legacy_dynamodb_crc32_retries_then_raises_checksum_error() -> None:
    handler = _botocore_legacy("dynamodb", None)
    rules = legacy_rules(RETRY_DATA, "dynamodb")
    op, _ = _ops("dynamodb", "Scan")
    body = b'{"Count": 1}'
    for headers in ({"x-amz-crc32": str(zlib.crc32(body))}, {"x-amz-crc32": "1"}, {}):
        for number in (1, 9, 10):
            ours = decide_legacy(Attempt(number=number, operation=op, status=200, headers=headers, body=body), rules,
                                 lambda: 0.5)
            try:
                expected: Any = handler(attempts=number, response=(_http(200, headers, body), _parsed(200, None)),
                                        caught_exception=None, request_dict={"context": {}})
            except bx.ChecksumError as exc:
                assert isinstance(ours.error, sx.ChecksumError) and ours.error.kwargs == exc.kwargs
                continue
            assert ours.error is None
            assert (ours.delay if ours.retry else None) == (pytest.approx(expected) if expected else None)
    assert legacy_delay(rules, 4, lambda: 0.9) == pytest.approx(0.05 * 8)  # DynamoDB's base, no jitter


def test_legacy_tables_do_not_leak_between_services() -> None:
    """botocore's merge writes Organizations' rule into the shared definitions; squall copies."""
    orgs = legacy_rules(RETRY_DATA, "organizations")
    general = legacy_rules(RETRY_DATA, "sqs")
    assert [r for r in orgs.rules if r.name == "too_many_requests"][0].code == "TooManyRequestsException"
    assert [r for r in general.rules if r.name == "too_many_requests"][0].status == 429
    assert legacy_rules(RETRY_DATA, "organizations") == orgs


def test_legacy_tables_are_translated_once_and_max_attempts_still_applies() -> None:
    """Each legacy-mode client used to re-translate _retry.json; the table is now shared."""
    first = legacy_rules(RETRY_DATA, "sqs")
    assert legacy_rules(RETRY_DATA, "sqs") is first
    assert first.max_attempts == 5  # _retry.json's __default__, first attempt included
    capped = legacy_rules(RETRY_DATA, "sqs", 2)
    assert capped.max_attempts == 2 and capped.rules is first.rules
    assert legacy_rules(RETRY_DATA, "sqs").max_attempts == 5  # the override did not stick
    other = copy.deepcopy(dict(RETRY_DATA))  # another _retry.json (AWS_DATA_PATH): its own table
    assert legacy_rules(other, "sqs") == first and legacy_rules(other, "sqs") is not first


# --- adaptive mode ------------------------------------------------------------------------

class _FakeClock:
    def __init__(self, t: float) -> None:
        self.t = t

    def current_time(self) -> float:
        return self.t

    def sleep(self, amount: float) -> None:  # never used: botocore's acquire is driven non-blocking
        raise AssertionError("no sleeping")


def test_cubic_and_rate_clocker_match_botocore() -> None:
    rng = random.Random(3)
    clock = _FakeClock(1000.0)
    theirs_cubic, ours_cubic = b_throttling.CubicCalculator(0, 1000.0), CubicCalculator(0, 1000.0)
    theirs_clocker, ours_clocker = b_adaptive.RateClocker(clock), RateClocker(1000.0)
    for _ in range(300):
        clock.t += rng.random() * 0.4
        if rng.random() < 0.3:
            rate = rng.random() * 20
            assert ours_cubic.error_received(rate, clock.t) == pytest.approx(theirs_cubic.error_received(rate, clock.t))
        else:
            assert ours_cubic.success_received(clock.t) == pytest.approx(theirs_cubic.success_received(clock.t))
        assert ours_clocker.record(clock.t) == pytest.approx(theirs_clocker.record())
        p, q = ours_cubic.get_params_snapshot(), theirs_cubic.get_params_snapshot()
        assert (p.w_max, p.k, p.last_fail) == pytest.approx((q.w_max, q.k, q.last_fail))


def _botocore_limiter(clock: _FakeClock) -> Any:
    detector = b_standard.ThrottlingErrorDetector(retry_event_adapter=b_standard.RetryEventAdapter())
    return b_adaptive.ClientRateLimiter(
        rate_adjustor=b_throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=b_adaptive.RateClocker(clock), token_bucket=b_bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=detector, clock=clock)


def _botocore_wait(limiter: Any) -> float:
    """botocore's before-send, without blocking: 0 if a token was taken, else the wait."""
    if not limiter._enabled:
        return 0.0
    try:
        limiter._token_bucket.acquire(block=False)
        return 0.0
    except bx.CapacityNotAvailableError:
        return float(limiter._token_bucket._sleep_amount(1))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_adaptive_limiter_matches_botocore_on_a_random_run(seed: int) -> None:
    rng = random.Random(seed)
    clock = _FakeClock(5000.25)
    theirs = _botocore_limiter(clock)
    ours = ClientRateLimiter(clock.t)
    _, op = _ops("dynamodb", "GetItem")
    waits = 0
    for _ in range(500):
        clock.t += rng.random() * 0.3
        while True:  # before each send: wait for a token as the flow would (Sleep, then ask again)
            expected = _botocore_wait(theirs)
            got = ours.before_send(clock.t)
            assert got == pytest.approx(expected)
            if got == 0:
                break
            waits += 1
            clock.t += got + 1e-6  # a real sleep overshoots a little
        throttled = rng.random() < 0.25
        code = "ThrottlingException" if throttled else None
        theirs.on_receiving_response(
            response=(_http(400 if throttled else 200), _parsed(400 if throttled else 200, code)), attempts=1,
            operation=op, caught_exception=None, request_dict={"context": {}})
        ours.after_attempt(throttled=throttled, now=clock.t)
        assert ours.bucket.max_rate == pytest.approx(theirs._token_bucket.max_rate)
        assert ours.bucket.available_capacity == pytest.approx(theirs._token_bucket.available_capacity)
        assert ours.enabled == theirs._enabled
    assert waits > 10


def test_token_bucket_matches_botocore() -> None:
    clock = _FakeClock(10.0)
    theirs, ours = b_bucket.TokenBucket(max_rate=1, clock=clock), TokenBucket(max_rate=1, now=10.0)
    rng = random.Random(5)
    for _ in range(300):
        clock.t += rng.random()
        if rng.random() < 0.2:
            rate = rng.random() * 5
            theirs.max_rate = rate
            ours.set_max_rate(rate, clock.t)
        try:
            theirs.acquire(block=False)
            expected = 0.0
        except bx.CapacityNotAvailableError:
            expected = theirs._sleep_amount(1)
        assert ours.acquire(clock.t) == pytest.approx(expected)
        assert (ours.max_rate, ours.max_capacity, ours.available_capacity) == pytest.approx(
            (theirs.max_rate, theirs.max_capacity, theirs.available_capacity))


def test_adaptive_policy_waits_only_after_throttling() -> None:
    policy = build_retry_policy(settings=RetrySettings(mode="adaptive", total_max_attempts=None),
                                service_id="DynamoDB", endpoint_prefix="dynamodb", now=100.0)
    op, _ = _ops("dynamodb", "GetItem")
    assert policy.before_send(100.5) == 0.0
    policy.after_attempt(Attempt(number=1, operation=op, status=200), 100.6)
    assert policy.before_send(100.7) == 0.0  # not enabled yet
    policy.after_attempt(Attempt(number=1, operation=op, status=400, error_code="ThrottlingException"), 100.8)
    wait = policy.before_send(100.8)
    assert wait > 0  # the bucket starts empty once enabled
    assert policy.before_send(100.8 + wait) == 0.0


# --- per-call bookkeeping ---------------------------------------------------------------

def test_amz_sdk_request_headers_like_botocore() -> None:
    policy = build_retry_policy(settings=RetrySettings(mode="standard", total_max_attempts=None),
                                service_id="SQS", endpoint_prefix="sqs", random=lambda: 0.0)
    call = CallRetries(policy, policy.state, b"{}", invocation_id="inv")
    op, _ = _ops("sqs", "ListQueues")
    call.next_attempt()
    assert call.headers() == {"amz-sdk-invocation-id": "inv", "amz-sdk-request": "attempt=1"}
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    call.decide(Attempt(number=1, operation=op, status=500), 0.0, date)
    call.next_attempt()
    assert call.headers()["amz-sdk-request"] == "ttl=20151021T072900Z; attempt=2; max=3"
    call.decide(Attempt(number=2, operation=op, exception=sx.ConnectionClosedError(endpoint_url="x")), 0.0)
    call.next_attempt()  # a connection error keeps the last ttl
    assert call.headers()["amz-sdk-request"] == "ttl=20151021T072900Z; attempt=3; max=3"


def test_ttl_is_botocores(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.endpoint import Endpoint
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    received = datetime(2015, 10, 21, 7, 30, 5)
    monkeypatch.setattr("botocore.endpoint.get_current_datetime", lambda: received)
    expected = Endpoint._calculate_ttl(None, received, date, 17.5)  # type: ignore[arg-type]
    from squall.retries.call import _ttl
    assert _ttl(date, 17.5) == expected


def test_body_rewinds_to_where_it_started_and_one_shot_streams_are_refused() -> None:
    stream = io.BytesIO(b"xxxpayload")
    stream.seek(3)
    start = body_start(stream)
    stream.read()
    rewind_body(stream, start)
    assert stream.read() == b"payload"
    for replayable in (b"abc", "abc", bytearray(b"a"), [b"a", b"b"], None):
        rewind_body(replayable, body_start(replayable))

    def chunks() -> Any:
        yield b"a"

    gen = chunks()
    with pytest.raises(sx.UnseekableStreamError, match="not seekable"):
        rewind_body(gen, body_start(gen))

    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

    with pytest.raises(sx.UnseekableStreamError):
        rewind_body(Pipe(), body_start(Pipe()))


# --- clock skew (squall's extension) --------------------------------------------------------

def test_skew_correction_only_when_the_server_date_disagrees() -> None:
    local = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
    ahead = "Wed, 01 May 2024 13:00:00 GMT"
    assert skew_correction("RequestTimeTooSkewed", ahead, local, timedelta(0)) == timedelta(hours=1)
    for code in SKEW_ERROR_CODES:
        assert skew_correction(code, ahead, local, timedelta(0)) == timedelta(hours=1)
    assert skew_correction("SignatureDoesNotMatch", "Wed, 01 May 2024 12:00:30 GMT", local, timedelta(0)) is None
    assert skew_correction("ThrottlingException", ahead, local, timedelta(0)) is None
    assert skew_correction("RequestExpired", None, local, timedelta(0)) is None
    assert skew_correction("RequestExpired", "garbage", local, timedelta(0)) is None
    # Already corrected: the same Date does not count again.
    assert skew_correction("RequestExpired", ahead, local, timedelta(hours=1)) is None
    assert server_time("Wed, 01 May 2024 13:00:00 GMT") == datetime(2024, 5, 1, 13, tzinfo=timezone.utc)
    offset = ClockOffset()
    offset.set(timedelta(minutes=-9))
    assert offset.value == timedelta(minutes=-9)


def test_skew_corrected_errors_are_retried_in_every_mode() -> None:
    op, _ = _ops("sqs", "ListQueues")
    skewed = Attempt(number=1, operation=op, status=403, error_code="SignatureDoesNotMatch", clock_skew_corrected=True)
    plain = Attempt(number=1, operation=op, status=403, error_code="SignatureDoesNotMatch")
    for mode in ("legacy", "standard", "adaptive"):
        policy = build_retry_policy(settings=RetrySettings(mode=mode, total_max_attempts=None),  # type: ignore[arg-type]
                                    service_id="SQS", endpoint_prefix="sqs", retry_data=RETRY_DATA)
        assert policy.decide(skewed).retry is True
        assert policy.decide(plain).retry is False
