"""botocore's login (sign-in) credential provider cases: conformance/login (README §8).

Clock frozen at 2025-11-19T00:00:00Z, ``AWS_LOGIN_CACHE_DIRECTORY`` pointing at the
case's cache, ``signin:CreateOAuth2Token`` answered from ``mockApiCalls`` at the
CallService effect (where botocore's test stubs the client); every refresh request must
carry a valid DPoP proof.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import squall
from squall.credentials._effects import CallService
from squall.exceptions import ClientError, SquallError
from squall.http import HttpRequest
from squall.runtime._credential_io import SyncCredentialIO

from _conformance import CONFORMANCE

CASES_FILE = CONFORMANCE / "login" / "login-provider-test-cases.json"
CASES = json.loads(CASES_FILE.read_text())
NOW = datetime(2025, 11, 19, tzinfo=timezone.utc)


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_dpop(proof: str, url: str, pem: str) -> None:
    """The proof is an ES256 JWT over our request, signed by the session's key."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    header_b64, payload_b64, sig_b64 = proof.split(".")
    header, payload = json.loads(_b64d(header_b64)), json.loads(_b64d(payload_b64))
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256" and header["jwk"]["crv"] == "P-256"
    assert payload["htm"] == "POST" and payload["htu"] == url
    assert payload["iat"] == int(NOW.timestamp()) and len(payload["jti"]) == 36
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    numbers = key.public_key().public_numbers()
    assert _b64d(header["jwk"]["x"]) == numbers.x.to_bytes(32, "big")
    assert _b64d(header["jwk"]["y"]) == numbers.y.to_bytes(32, "big")
    raw = _b64d(sig_b64)
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.public_key().verify(signature, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))


class MockSignin:
    def __init__(self, case: dict[str, Any], pem: str | None) -> None:
        self.expected = list(case.get("mockApiCalls", []))
        self.pem = pem
        self.calls = 0

    def __call__(self, effect: CallService) -> Any:
        assert (effect.service, effect.operation) == ("signin", "CreateOAuth2Token")
        assert effect.credentials is None  # unsigned
        mock = self.expected[self.calls]
        self.calls += 1
        assert effect.params == mock["request"]
        url = "https://us-east-1.signin.aws.amazon.com/v1/token"
        signed = effect.request_hook(HttpRequest(method="POST", url=url))
        verify_dpop(signed.header("DPoP"), url, self.pem)
        if "responseCode" in mock:
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "rejected"},
                               "ResponseMetadata": {"HTTPStatusCode": mock["responseCode"]}}, "CreateOAuth2Token")
        return mock["response"]


@pytest.mark.parametrize("case", CASES, ids=[c["documentation"] for c in CASES])
def test_login_provider_case(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config").write_text(case["configContents"])
    cache = tmp_path / "login-cache"
    cache.mkdir()
    pem = None
    for name, contents in case["cacheContents"].items():
        (cache / name).write_text(json.dumps(contents))
        pem = contents.get("dpopKey", pem)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_LOGIN_CACHE_DIRECTORY", str(cache))
    session = squall.session.Session(profile_name="signin", region_name="us-east-1")
    mock = MockSignin(case, pem)
    session._cred_io = SyncCredentialIO(session, call_service=mock, clock=lambda: NOW)

    outcomes = case["outcomes"]
    if any(o["result"] == "error" for o in outcomes):
        with pytest.raises((SquallError, ClientError)):
            session.get_credentials().get_frozen_credentials()
        return
    creds = session.get_credentials()
    assert creds.method == "login"
    frozen = creds.get_frozen_credentials()
    for outcome in outcomes:
        if outcome["result"] == "credentials":
            assert frozen == (outcome["accessKeyId"], outcome["secretAccessKey"], outcome["sessionToken"],
                              outcome["accountId"])
            assert creds.expiry_time == datetime.fromisoformat(outcome["expiresAt"].replace("Z", "+00:00"))
        elif outcome["result"] == "cacheContents":
            for name, expected in outcome.items():
                if name != "result":
                    assert json.loads((cache / name).read_text()) == expected
        else:  # pragma: no cover - a new kind of outcome
            raise AssertionError(outcome)
    assert mock.calls == len(case.get("mockApiCalls", []))


def test_cases_are_all_there() -> None:
    assert len(CASES) == 8


def test_missing_cryptography_is_a_clear_error(tmp_path, monkeypatch) -> None:
    import builtins

    from squall.credentials import MissingDependencyException
    from squall.credentials.login import load_dpop_key

    real_import = builtins.__import__

    def no_crypto(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("cryptography"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_crypto)
    with pytest.raises(squall.exceptions.MissingDependencyException, match="pip install cryptography"):
        load_dpop_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
    assert MissingDependencyException is squall.exceptions.MissingDependencyException
