"""Shared fixtures: an isolated AWS environment per test and moto's server on loopback."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
CONFORMANCE = ROOT.parent / "shared" / "conformance"


def _botocore_signs_sigv4_in_python() -> None:
    """awscrt is installed (the SigV4a oracle); with it botocore signs SigV4 with the CRT
    too, which reads another clock and adds a ``host`` header. The oracle tests freeze
    ``botocore.auth``'s clock and compare with botocore's Python SigV4 signers, so those
    stay in place; SigV4a keeps the CRT's."""
    try:
        import botocore.auth as auth
    except ImportError:
        return
    auth.AUTH_TYPE_MAPS.update({"v4": auth.SigV4Auth, "v4-query": auth.SigV4QueryAuth,
                                "s3v4": auth.S3SigV4Auth, "s3v4-query": auth.S3SigV4QueryAuth})


_botocore_signs_sigv4_in_python()


@pytest.fixture(autouse=True)
def isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the real ~/.aws or AWS_* variables of the machine it runs on."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def moto_url() -> str:
    from moto_server import moto_server

    with moto_server() as url:
        yield url


@pytest.fixture
def moto_env(monkeypatch: pytest.MonkeyPatch, moto_url: str) -> str:
    """Point squall and boto3 at moto with dummy credentials and a region."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return moto_url


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """Stable ids for sets: xdist workers (different hash seeds) must collect the same names."""
    if isinstance(val, (set, frozenset)):
        return f"{type(val).__name__}{sorted(repr(v) for v in val)}"
    return None
