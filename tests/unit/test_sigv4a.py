"""SigV4a signer (squall.auth._sigv4a) against botocore's CRT signers and AWS's published key.

ECDSA signatures are randomized, so two libraries never produce the same one. Instead:

* squall's derived key for the aws-c-auth test credentials must be the public key that
  aws-c-auth's v4a test suite publishes (``public-key.json``: X/Y below);
* the CRT's signature of a request must verify, under that key, over the string to sign
  squall builds for the same request at the same time: so squall's canonical request,
  string to sign and key all agree with the CRT's;
* squall's signature must verify under that key with awscrt's own ECDSA;
* every header (and, presigned, every query parameter) but the signature is equal.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import sys
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest

from squall.auth import (
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    SigV4aKeyCache,
    derive_sigv4a_private_key,
    presign_v4a_query,
    sign_v4a,
    sigv4a_public_key,
)
from squall.auth import _sigv4a
from squall.exceptions import MissingDependencyException
from squall.http import HttpRequest

ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# aws-c-auth tests/aws-signing-test-suite/v4a/*/public-key.json (Apache-2.0): the public
# key of the SigV4a key derived from the credentials above.
PUBLIC_X = 0xB6618F6A65740A99E650B33B6B4B5BD0D43B176D721A3EDFEA7E7D2D56D936B1
PUBLIC_Y = 0x865ED22A7EADC9C5CB9D2CBACA1B3699139FEDC5043DC6661864218330C8E518
WHEN = datetime.datetime(2015, 8, 30, 12, 36, 0, tzinfo=datetime.timezone.utc)
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _published_key() -> Any:
    return ec.EllipticCurvePublicNumbers(PUBLIC_X, PUBLIC_Y, ec.SECP256R1()).public_key()


def _verify_with_cryptography(signature_hex: str, string_to_sign: str) -> None:
    _published_key().verify(bytes.fromhex(signature_hex), string_to_sign.encode(), ec.ECDSA(hashes.SHA256()))


def _verify_with_awscrt(signature_hex: str, string_to_sign: str) -> bool:
    from awscrt.crypto import EC

    der = _published_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.sha256(string_to_sign.encode()).digest()
    return bool(EC.new_key_from_der_data(der).verify(digest, bytes.fromhex(signature_hex)))


def _signature_of(authorization: str) -> str:
    return authorization.rsplit("Signature=", 1)[1]


# ---------------------------------------------------------------------------------
# Key derivation


def test_derived_key_is_the_one_aws_c_auth_publishes() -> None:
    numbers = sigv4a_public_key(ACCESS_KEY, SECRET_KEY).public_numbers()
    assert (numbers.x, numbers.y) == (PUBLIC_X, PUBLIC_Y)
    private = derive_sigv4a_private_key(ACCESS_KEY, SECRET_KEY)
    assert 1 <= private < P256_ORDER - 1
    again = ec.derive_private_key(private, ec.SECP256R1()).public_key().public_numbers()
    assert (again.x, again.y) == (PUBLIC_X, PUBLIC_Y)


def _kdf_candidate(counter: int) -> int:
    fixed = (b"\x00\x00\x00\x01" + b"AWS4-ECDSA-P256-SHA256" + b"\x00" + ACCESS_KEY.encode()
             + bytes((counter,)) + b"\x00\x00\x01\x00")
    return int.from_bytes(hmac.new(("AWS4A" + SECRET_KEY).encode(), fixed, hashlib.sha256).digest(), "big")


def test_a_candidate_not_below_n_minus_2_moves_the_counter_on() -> None:
    real_new = hmac.new
    calls: list[bytes] = []

    def first_too_large(key: bytes, msg: bytes, digestmod: Any) -> Any:
        calls.append(msg)
        if len(calls) == 1:  # the counter-1 candidate: pretend it is n - 2, which is rejected
            fake = mock.Mock()
            fake.digest.return_value = (P256_ORDER - 2).to_bytes(32, "big")
            return fake
        return real_new(key, msg, digestmod)

    with mock.patch.object(_sigv4a.hmac, "new", side_effect=first_too_large):
        private = derive_sigv4a_private_key(ACCESS_KEY, SECRET_KEY)
    assert [m[-5] for m in calls] == [1, 2]  # the counter byte, before the 4-byte length
    assert private == _kdf_candidate(2) + 1
    assert derive_sigv4a_private_key(ACCESS_KEY, SECRET_KEY) == _kdf_candidate(1) + 1


def test_key_cache_derives_once_per_key_pair_and_hides_secrets() -> None:
    cache = SigV4aKeyCache(max_size=2)
    with mock.patch.object(_sigv4a, "derive_sigv4a_private_key", wraps=derive_sigv4a_private_key) as derive:
        first = cache.get(ACCESS_KEY, SECRET_KEY)
        assert cache.get(ACCESS_KEY, SECRET_KEY) is first
        other = cache.get(ACCESS_KEY, SECRET_KEY + "x")
        assert derive.call_count == 2
    assert other.private_numbers().private_value != first.private_numbers().private_value
    cache.get("AKIDOTHER", SECRET_KEY)  # evicts the least recently used
    assert len(cache) == 2
    assert SECRET_KEY not in repr(cache) and "2/2" in repr(cache)


# ---------------------------------------------------------------------------------
# Against botocore's CRT signers


crt_auth = pytest.importorskip("botocore.crt.auth")
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402


def _crt_sign(signer_cls: Any, method: str, url: str, headers: dict[str, str], body: bytes,
              *, region_set: str, service: str, token: str | None, context: dict[str, Any] | None = None,
              **kwargs: Any) -> AWSRequest:
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    request.context.update(context or {})
    with mock.patch("botocore.crt.auth.get_current_datetime", return_value=WHEN):
        signer_cls(Credentials(ACCESS_KEY, SECRET_KEY, token), service, region_set, **kwargs).add_auth(request)
    return request


# (id, method, url, headers, body, squall options, CRT request context)
HEADER_CASES: list[tuple[str, str, str, dict[str, str], bytes, dict[str, Any], dict[str, Any]]] = [
    ("get-vanilla", "GET", "https://example.amazonaws.com/", {}, b"", {}, {}),
    ("post-body", "POST", "https://example.amazonaws.com/", {"Content-Type": "application/x-amz-json-1.1"},
     b'{"a": 1}', {}, {}),
    ("path-normalised", "GET", "https://example.amazonaws.com/a b/./c/../d//e", {}, b"", {}, {}),
    ("query", "GET", "https://example.amazonaws.com/?b=2&a=x%20y&a=1&c=%2A&empty=", {}, b"", {}, {}),
    ("header-whitespace", "GET", "https://example.amazonaws.com/", {"My-Header1": "  a   b   c ",
                                                                    "X-Amz-Meta-Z": "z"}, b"", {}, {}),
    ("port", "GET", "https://example.amazonaws.com:8443/p", {}, b"", {}, {}),
    ("date-header", "GET", "https://example.amazonaws.com/", {"Date": "Sun, 30 Aug 2015 12:36:00 GMT"},
     b"", {}, {}),
    ("unsigned-body", "PUT", "https://example.amazonaws.com/u", {}, b"data",
     {"payload_signing": False}, {"payload_signing_enabled": False}),
    ("existing-sha256", "PUT", "https://example.amazonaws.com/u",
     {"X-Amz-Content-SHA256": hashlib.sha256(b"data").hexdigest()}, b"data", {}, {}),
]


@pytest.mark.parametrize("token", [None, "SESSION/TOKEN=="], ids=["keys", "token"])
@pytest.mark.parametrize("region_set", ["*", "us-east-1,us-west-2"])
@pytest.mark.parametrize("case", HEADER_CASES, ids=[c[0] for c in HEADER_CASES])
def test_header_signature_matches_crt(case: Any, region_set: str, token: str | None) -> None:
    _, method, url, headers, body, options, context = case
    crt = _crt_sign(crt_auth.CrtSigV4AsymAuth, method, url, headers, body,
                    region_set=region_set, service="service", token=token, context=context)
    seen: list[Any] = []
    ours = sign_v4a(HttpRequest(method=method, url=url, headers=headers, body=body),
                    access_key=ACCESS_KEY, secret_key=SECRET_KEY, token=token, region_set=region_set,
                    service="service", timestamp=WHEN, on_details=seen.append, **options)
    details = seen[0]
    # botocore adds host, and its header map strips values (both sign the trimmed value)
    crt_headers = {k.lower(): v.strip() for k, v in crt.headers.items() if k.lower() != "host"}
    our_headers = {k.lower(): v.strip() for k, v in ours.headers.items()}
    crt_auth_header, our_auth_header = crt_headers.pop("authorization"), our_headers.pop("authorization")
    assert our_headers == crt_headers
    assert our_auth_header.split("Signature=")[0] == crt_auth_header.split("Signature=")[0]
    assert details.string_to_sign.splitlines()[:3] == [
        "AWS4-ECDSA-P256-SHA256", "20150830T123600Z", "20150830/service/aws4_request"]
    _verify_with_cryptography(_signature_of(crt_auth_header), details.string_to_sign)
    assert _verify_with_awscrt(_signature_of(our_auth_header), details.string_to_sign)
    assert _verify_with_awscrt(_signature_of(crt_auth_header), details.string_to_sign)


class _S3Config:
    s3 = {"payload_signing_enabled": None}


S3_CASES: list[tuple[str, str, str, dict[str, str], bytes, dict[str, Any], dict[str, Any]]] = [
    ("get-object", "GET", "https://mrap.accesspoint.s3-global.amazonaws.com/a/b%20c.txt", {}, b"", {}, {}),
    ("dot-segments-kept", "GET", "https://mrap.accesspoint.s3-global.amazonaws.com/d/../k~x", {}, b"", {}, {}),
    ("put-signed", "PUT", "https://mrap.accesspoint.s3-global.amazonaws.com/k", {"Content-MD5": "x"}, b"data",
     {}, {"client_config": _S3Config()}),
    ("put-unsigned", "PUT", "https://mrap.accesspoint.s3-global.amazonaws.com/k", {"Content-MD5": "x"}, b"data",
     {"payload_signing": False}, {"has_streaming_input": True, "client_config": _S3Config()}),
    ("put-trailer", "PUT", "https://mrap.accesspoint.s3-global.amazonaws.com/k",
     {"Content-Encoding": "aws-chunked", "X-Amz-Trailer": "x-amz-checksum-crc32"}, b"data",
     {"payload_hash": STREAMING_UNSIGNED_PAYLOAD_TRAILER},
     {"checksum": {"request_algorithm": {"in": "trailer", "algorithm": "crc32"}}}),
    ("stale-sha256-recomputed", "PUT", "https://mrap.accesspoint.s3-global.amazonaws.com/k",
     {"X-Amz-Content-SHA256": "stale"}, b"data", {}, {}),
]


@pytest.mark.parametrize("case", S3_CASES, ids=[c[0] for c in S3_CASES])
def test_s3_header_signature_matches_crt(case: Any) -> None:
    _, method, url, headers, body, options, context = case
    crt = _crt_sign(crt_auth.CrtS3SigV4AsymAuth, method, url, headers, body,
                    region_set="*", service="s3", token="tok", context=context)
    seen: list[Any] = []
    ours = sign_v4a(HttpRequest(method=method, url=url, headers=headers, body=body),
                    access_key=ACCESS_KEY, secret_key=SECRET_KEY, token="tok", region_set="*", service="s3",
                    timestamp=WHEN, double_uri_encode=False, normalize_path=False,
                    content_sha256_header=True, on_details=seen.append, **options)
    crt_headers = {k.lower(): v for k, v in crt.headers.items() if k.lower() != "host"}
    our_headers = {k.lower(): v for k, v in ours.headers.items()}
    crt_auth_header, our_auth_header = crt_headers.pop("authorization"), our_headers.pop("authorization")
    assert our_headers == crt_headers
    assert our_auth_header.split("Signature=")[0] == crt_auth_header.split("Signature=")[0]
    _verify_with_cryptography(_signature_of(crt_auth_header), seen[0].string_to_sign)
    assert _verify_with_awscrt(_signature_of(our_auth_header), seen[0].string_to_sign)


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


@pytest.mark.parametrize(("signer", "s3"), [("CrtS3SigV4AsymQueryAuth", True), ("CrtSigV4AsymQueryAuth", False)],
                         ids=["s3", "generic"])
@pytest.mark.parametrize("token", [None, "tok"], ids=["keys", "token"])
def test_presigned_url_matches_crt(signer: str, s3: bool, token: str | None) -> None:
    url = "https://mrap.accesspoint.s3-global.amazonaws.com/a/b%20c.txt?versionId=v%2F1&x-id=GetObject"
    crt = _crt_sign(getattr(crt_auth, signer), "GET", url, {}, b"", region_set="*", service="s3",
                    token=token, expires=900)
    seen: list[Any] = []
    ours = presign_v4a_query(HttpRequest(method="GET", url=url), access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                             token=token, region_set="*", service="s3", timestamp=WHEN, expires=900,
                             double_uri_encode=not s3, normalize_path=not s3, unsigned_payload=s3,
                             on_details=seen.append)
    crt_pairs, our_pairs = _query(crt.url), _query(ours.url)
    assert our_pairs[:-1] == crt_pairs[:-1]  # same parameters in the same order, signature last
    assert ours.url.split("X-Amz-Signature=")[0] == crt.url.split("X-Amz-Signature=")[0]
    _verify_with_cryptography(crt_pairs[-1][1], seen[0].string_to_sign)
    assert _verify_with_awscrt(our_pairs[-1][1], seen[0].string_to_sign)


def test_presign_moves_form_body_parameters_into_the_query() -> None:
    request = HttpRequest(method="POST", url="https://sts.amazonaws.com/",
                          headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                          body=b"Action=GetCallerIdentity&Version=2011-06-15")
    ours = presign_v4a_query(request, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region_set="*",
                             service="sts", timestamp=WHEN)
    pairs = _query(ours.url)
    assert pairs[:2] == [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]
    assert ours.body == b"" and "Content-Type" not in ours.headers


def test_retry_resigns_cleanly() -> None:
    request = HttpRequest(method="PUT", url="https://example.amazonaws.com/k", body=io.BytesIO(b"data"))
    once = sign_v4a(request, access_key=ACCESS_KEY, secret_key=SECRET_KEY, token="t1", region_set="*",
                    service="service", timestamp=WHEN)
    later = WHEN + datetime.timedelta(minutes=5)
    twice = sign_v4a(once, access_key=ACCESS_KEY, secret_key=SECRET_KEY, token="t2", region_set="eu-west-1",
                     service="service", timestamp=later)
    names = [k.lower() for k in twice.headers]
    assert len(names) == len(set(names))
    assert twice.headers["X-Amz-Date"] == "20150830T124100Z" and twice.headers["X-Amz-Security-Token"] == "t2"
    assert twice.headers["X-Amz-Region-Set"] == "eu-west-1"
    assert twice.body.read() == b"data"  # hashed, then rewound


# ---------------------------------------------------------------------------------
# Without cryptography


def test_missing_cryptography_names_the_package_and_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("cryptography", "cryptography.hazmat.primitives.asymmetric"):  # imports fail as if absent
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingDependencyException) as caught:
        sign_v4a(HttpRequest(method="GET", url="https://example.amazonaws.com/"), access_key=ACCESS_KEY,
                 secret_key=SECRET_KEY, region_set="*", service="s3", timestamp=WHEN,
                 key_cache=SigV4aKeyCache(), needed_by="endpoint auth scheme sigv4a for s3 GetObject")
    message = str(caught.value)
    assert "SigV4a signing (endpoint auth scheme sigv4a for s3 GetObject)" in message
    assert "'cryptography'" in message and "pip install 'squall[sigv4a]'" in message
