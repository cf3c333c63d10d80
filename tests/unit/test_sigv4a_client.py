"""Clients choose SigV4a where botocore (with awscrt) does, and send what it sends.

Each case makes the same call with both libraries at a frozen time, captures the request
just before it would be sent and compares it whole, except the ECDSA signature (random
per signature) and the headers that vary per call. Both signatures must then verify, with
the key aws-c-auth publishes for these credentials, over the string to sign of botocore's
request: so squall signed exactly what botocore signed.
"""
from __future__ import annotations

import dataclasses
import datetime
import io
import json
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

pytest.importorskip("botocore.crt.auth")  # botocore signs SigV4a only with awscrt
ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")

import botocore.config  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402

import squall  # noqa: E402
from squall.auth import _sigv4a, sign_v4a  # noqa: E402
from squall.config import Config  # noqa: E402
from squall.endpoints import load_partitions, load_ruleset  # noqa: E402
from squall.exceptions import MissingDependencyException  # noqa: E402
from squall.http import HttpRequest, HttpResponse  # noqa: E402
from squall.models import Loader, xform_name  # noqa: E402
from squall.runtime._endpoint_params import EndpointInputs  # noqa: E402
from squall.runtime.presign import generate_presigned_url  # noqa: E402

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
PUBLIC_X = 0xB6618F6A65740A99E650B33B6B4B5BD0D43B176D721A3EDFEA7E7D2D56D936B1  # aws-c-auth public-key.json
PUBLIC_Y = 0x865ED22A7EADC9C5CB9D2CBACA1B3699139FEDC5043DC6661864218330C8E518
WHEN = datetime.datetime(2024, 5, 1, 12, 30, 15, tzinfo=datetime.timezone.utc)
# per-call ids, and what each transport adds after signing
VOLATILE = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request", "host", "expect", "content-length"}
MRAP = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"
KVS = "arn:aws:cloudfront::123456789012:key-value-store/my-first-kvs-e10b1dce4f394248811e77167e0451ba"
CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "endpoint-rules"


def _call_ignoring_the_empty_answer(method: Any, params: dict[str, Any], captured: list[Any]) -> None:
    """The stub answers 200 with no body; an XML protocol cannot parse that, after the
    request (all that is compared here) was captured."""
    try:
        method(**params)
    except Exception:
        if not captured:
            raise


class _Raw:
    def stream(self, *a: Any, **k: Any) -> Any:
        return iter([b""])

    def read(self, *a: Any, **k: Any) -> bytes:
        return b""


def _body(body: Any) -> bytes:
    if body is None:
        return b""
    if hasattr(body, "read"):
        return body.read()
    return body.encode() if isinstance(body, str) else bytes(body)


def _norm(headers: Any) -> dict[str, str]:
    return {k.lower(): (v.decode() if isinstance(v, bytes) else str(v)).strip()
            for k, v in headers.items() if k.lower() not in VOLATILE}


def botocore_request(service: str, op: str, params: dict[str, Any], *, region: str = "us-west-2",
                     token: str | None = None, **config: Any) -> dict[str, Any]:
    client = botocore.session.get_session().create_client(
        service, region_name=region, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        aws_session_token=token, config=botocore.config.Config(**config))
    captured: list[dict[str, Any]] = []

    def before_send(request: Any, **_: Any) -> Any:
        captured.append({"method": request.method, "url": request.url, "headers": _norm(request.headers),
                         "body": _body(request.body)})
        return AWSResponse(request.url, 200, {}, _Raw())

    client.meta.events.register("before-send", before_send)
    with mock.patch("botocore.crt.auth.get_current_datetime", return_value=WHEN), \
            mock.patch("botocore.auth.get_current_datetime", return_value=WHEN.replace(tzinfo=None)):
        _call_ignoring_the_empty_answer(getattr(client, xform_name(op)), params, captured)
    return captured[0]


class _Capture:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def send(self, request: Any, *, stream: bool = False) -> HttpResponse:
        self.requests.append({"method": request.method, "url": request.url, "headers": _norm(request.headers),
                              "body": _body(request.body)})
        return HttpResponse(status_code=200, headers={}, body=b"", stream=io.BytesIO(b"") if stream else None)

    def close(self) -> None:
        pass


def squall_client(service: str, *, region: str = "us-west-2", token: str | None = None, **config: Any) -> Any:
    client = squall.session.Session(region_name=region).client(
        service, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, aws_session_token=token,
        config=Config(**config))
    client._transport = _Capture()
    client._context = dataclasses.replace(client._context, clock=lambda: WHEN)
    return client


def squall_request(service: str, op: str, params: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    client = squall_client(service, **kwargs)
    _call_ignoring_the_empty_answer(getattr(client, xform_name(op)), params, client._transport.requests)
    return client._transport.requests[0]  # type: ignore[no-any-return]


def _string_to_sign(request: dict[str, Any], *, s3: bool) -> str:
    """squall's string to sign for botocore's captured request (signing headers stripped)."""
    headers = {k: v for k, v in request["headers"].items()
               if k not in ("authorization", "x-amz-date", "x-amz-region-set", "x-amz-security-token")}
    digest = headers.pop("x-amz-content-sha256", None)
    seen: list[Any] = []
    scope = request["headers"]["authorization"].split("Credential=")[1].split(",")[0].split("/")
    sign_v4a(HttpRequest(method=request["method"], url=request["url"], headers=headers, body=request["body"]),
             access_key=ACCESS_KEY, secret_key=SECRET_KEY, token=request["headers"].get("x-amz-security-token"),
             region_set=request["headers"]["x-amz-region-set"], service=scope[2], timestamp=WHEN,
             double_uri_encode=not s3, normalize_path=not s3, payload_hash=digest, content_sha256_header=s3,
             on_details=seen.append)
    return seen[0].string_to_sign  # type: ignore[no-any-return]


def _verify(signature_hex: str, string_to_sign: str) -> None:
    key = ec.EllipticCurvePublicNumbers(PUBLIC_X, PUBLIC_Y, ec.SECP256R1()).public_key()
    key.verify(bytes.fromhex(signature_hex), string_to_sign.encode(), ec.ECDSA(hashes.SHA256()))


def _split_signature(request: dict[str, Any]) -> tuple[dict[str, Any], str]:
    headers = dict(request["headers"])
    prefix, _, signature = headers.pop("authorization").partition("Signature=")
    return {**request, "headers": {**headers, "authorization": prefix}}, signature


CASES: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    ("mrap-get", "s3", "GetObject", {"Bucket": MRAP, "Key": "a/b c.txt"}, {}),
    ("mrap-put", "s3", "PutObject", {"Bucket": MRAP, "Key": "k", "Body": b"hello"}, {"token": "SESSION/TOKEN=="}),
    ("mrap-region-set-config", "s3", "GetObject", {"Bucket": MRAP, "Key": "k"},
     {"sigv4a_signing_region_set": "us-west-2,eu-west-1"}),
    ("mrap-list", "s3", "ListObjectsV2", {"Bucket": MRAP, "Prefix": "p/"}, {}),
    ("outposts", "s3", "GetObject", {"Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/"
                                     "op-01234567890123456/accesspoint/reports", "Key": "k"}, {}),
    ("events-global-endpoint", "events", "PutEvents",
     {"EndpointId": "abc.xyz", "Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]}, {}),
    ("cloudfront-kvs", "cloudfront-keyvaluestore", "DescribeKeyValueStore", {"KvsARN": KVS}, {}),
    ("sesv2-endpoint-id", "sesv2", "SendEmail", {"EndpointId": "abc.xyz", "Destination": {"ToAddresses": ["a@b.c"]},
                                                 "Content": {"Simple": {"Subject": {"Data": "s"},
                                                                        "Body": {"Text": {"Data": "b"}}}}}, {}),
    ("model-sigv4a-first", "sustainability", "GetEstimatedCarbonEmissionsDimensionValues",
     {"TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"}, "Dimensions": ["REGION"]}, {}),
    ("preference-sigv4a", "sts", "GetCallerIdentity", {}, {"auth_scheme_preference": "sigv4a,sigv4"}),
]


@pytest.mark.parametrize(("service", "op", "params", "options"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_request_matches_botocore_crt(service: str, op: str, params: dict[str, Any], options: dict[str, Any]) -> None:
    expected = botocore_request(service, op, dict(params), **options)
    actual = squall_request(service, op, dict(params), **options)
    assert actual["headers"]["authorization"].startswith("AWS4-ECDSA-P256-SHA256 ")
    expected_rest, expected_signature = _split_signature(expected)
    actual_rest, actual_signature = _split_signature(actual)
    assert actual_rest == expected_rest
    s3 = service == "s3"
    string_to_sign = _string_to_sign(expected, s3=s3)
    _verify(expected_signature, string_to_sign)
    _verify(actual_signature, string_to_sign)


@pytest.mark.parametrize(("service", "op", "params", "options", "scope"), [
    ("sustainability", "GetEstimatedCarbonEmissionsDimensionValues",
     {"TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"}, "Dimensions": ["REGION"]},
     {"auth_scheme_preference": "sigv4"}, "us-east-1/sustainability"),
    ("sts", "GetCallerIdentity", {}, {}, "us-west-2/sts"),
    ("s3", "ListBuckets", {}, {"auth_scheme_preference": "sigv4a"}, "us-west-2/s3"),
], ids=["preference-sigv4", "sts-default", "s3-endpoint-sigv4-only"])
def test_sigv4_where_botocore_keeps_sigv4(service: str, op: str, params: dict[str, Any], options: dict[str, Any],
                                          scope: str) -> None:
    expected = botocore_request(service, op, dict(params), **options)
    actual = squall_request(service, op, dict(params), **options)
    assert f"/{scope}/aws4_request" in actual["headers"]["authorization"]
    assert actual == expected


def test_region_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SIGV4A_SIGNING_REGION_SET", "eu-central-1")
    monkeypatch.setenv("AWS_AUTH_SCHEME_PREFERENCE", "sigv4a")
    sent = squall_request("s3", "GetObject", {"Bucket": MRAP, "Key": "k"})
    assert sent["headers"]["x-amz-region-set"] == "eu-central-1"
    expected = botocore_request("s3", "GetObject", {"Bucket": MRAP, "Key": "k"})
    assert expected["headers"]["x-amz-region-set"] == "eu-central-1"
    sts = squall_request("sts", "GetCallerIdentity", {})
    assert sts["headers"]["authorization"].startswith("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20240501/sts/")
    assert sts["headers"]["x-amz-region-set"] == "eu-central-1"


def test_presigned_mrap_url_matches_botocore_crt() -> None:
    params = {"Bucket": MRAP, "Key": "a/b c.txt"}
    client = botocore.session.get_session().create_client(
        "s3", region_name="us-west-2", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        aws_session_token="tok")
    with mock.patch("botocore.crt.auth.get_current_datetime", return_value=WHEN):
        expected = client.generate_presigned_url("get_object", params, ExpiresIn=900)
    ours = generate_presigned_url(squall_client("s3", token="tok"), "get_object", params, ExpiresIn=900, now=WHEN)
    assert "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256" in ours and "X-Amz-Region-Set=%2A" in ours
    assert ours.split("X-Amz-Signature=")[0] == expected.split("X-Amz-Signature=")[0]
    seen: list[Any] = []
    from squall.auth import presign_v4a_query

    presign_v4a_query(HttpRequest(method="GET", url=ours.split("?")[0]), access_key=ACCESS_KEY,
                      secret_key=SECRET_KEY, token="tok", region_set="*", service="s3", timestamp=WHEN,
                      expires=900, double_uri_encode=False, normalize_path=False, unsigned_payload=True,
                      on_details=seen.append)
    _verify(expected.split("X-Amz-Signature=")[1], seen[0].string_to_sign)
    _verify(ours.split("X-Amz-Signature=")[1], seen[0].string_to_sign)


# ---------------------------------------------------------------------------------
# Without cryptography: SigV4 where the endpoint or model offers it, else a clear error


@pytest.fixture
def no_cryptography(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sigv4a, "_available", False)
    for name in ("cryptography", "cryptography.hazmat.primitives.asymmetric"):
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setattr(_sigv4a, "DEFAULT_V4A_KEY_CACHE", _sigv4a.SigV4aKeyCache())


def test_without_cryptography_an_offered_sigv4_is_used(no_cryptography: None) -> None:
    sent = squall_request("sustainability", "GetEstimatedCarbonEmissionsDimensionValues",
                          {"TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"}, "Dimensions": ["REGION"]})
    assert sent["headers"]["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/sustainability/aws4_request")
    assert "x-amz-region-set" not in sent["headers"]


def test_without_cryptography_sigv4a_only_endpoints_name_what_is_missing(no_cryptography: None) -> None:
    client = squall_client("s3")
    with pytest.raises(MissingDependencyException) as caught:
        client.get_object(Bucket=MRAP, Key="k")
    assert "SigV4a signing (endpoint auth scheme sigv4a for s3 GetObject) needs the 'cryptography' package" \
        in str(caught.value)
    assert client._transport.requests == []
    with pytest.raises(MissingDependencyException, match="squall\\[sigv4a\\]"):
        generate_presigned_url(client, "get_object", {"Bucket": MRAP, "Key": "k"}, now=WHEN)


def test_unsigned_clients_need_no_cryptography(no_cryptography: None) -> None:
    client = squall_client("s3", signature_version=squall.UNSIGNED)
    client.get_object(Bucket=MRAP, Key="k")
    assert "authorization" not in client._transport.requests[0]["headers"]


# ---------------------------------------------------------------------------------
# Conformance: the endpoint-rules cases that expect SigV4a (botocore skips them without
# awscrt) make a SigV4a-signed request for the expected signing name and region set.


def _sigv4a_cases() -> list[Any]:
    cases = []
    for service_dir in sorted(CONFORMANCE.iterdir()):
        data = json.loads((service_dir / "endpoint-tests-1.json").read_text())
        for index, case in enumerate(data["testCases"]):
            schemes = case.get("expect", {}).get("endpoint", {}).get("properties", {}).get("authSchemes", [])
            if not schemes or schemes[0].get("name") != "sigv4a":
                continue
            for n, inputs in enumerate(case.get("operationInputs", ())):
                cases.append(pytest.param(service_dir.name, case, inputs, id=f"{service_dir.name}-{index}-{n}"))
    return cases


@pytest.mark.parametrize(("service", "case", "inputs"), _sigv4a_cases())
def test_conformance_cases_expecting_sigv4a_are_signed_with_it(service: str, case: dict[str, Any],
                                                                inputs: dict[str, Any]) -> None:
    loader = Loader.from_data_path()
    builtins = {"AWS::Region": "us-east-1", **inputs.get("builtInParams", {})}
    endpoints = EndpointInputs.build(load_ruleset(service, loader=loader), load_partitions(loader), builtins, {})
    client = squall_client(service, region="us-east-1")
    client._context = dataclasses.replace(client._context, resolve_endpoint=endpoints.resolve)
    getattr(client, xform_name(inputs["operationName"]))(**inputs.get("operationParams", {}))
    sent = client._transport.requests[0]
    expected = case["expect"]["endpoint"]
    scheme = expected["properties"]["authSchemes"][0]
    assert sent["url"].startswith(expected["url"].rstrip("/"))
    assert sent["headers"]["authorization"].startswith(
        f"AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20240501/{scheme['signingName']}/aws4_request, ")
    assert sent["headers"]["x-amz-region-set"] == ",".join(scheme["signingRegionSet"])
