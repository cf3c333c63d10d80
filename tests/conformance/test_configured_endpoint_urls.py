"""Configured endpoint URLs: all cases of configured-endpoint-urls/profile-tests.json.

Function level: each case writes a real config file, loads it through SharedConfig and
asks ``resolve_endpoint_url``. A case whose expected URL is the service's default
endpoint must resolve to None (nothing configured). botocore is checked on the same
files as a second oracle.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.config
import botocore.session
import pytest

from squall.config import SharedConfig, resolve_endpoint_url
from squall.config._ini import clear_cache

from _conformance import ENDPOINT_URL_SUITE, use_case_environment, write_profile_config

SERVICE_IDS = {"s3": "S3", "dynamodb": "DynamoDB"}
SUITE = ENDPOINT_URL_SUITE
CASES = SUITE["endpointUrlTests"]


def _is_default_endpoint(url: str, service: str) -> bool:
    return url == f"https://{service}.fake-region-10.amazonaws.com"


def test_suite_has_all_cases() -> None:
    assert len(CASES) == 39


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_configured_endpoint_url(case: dict[str, Any], tmp_path: Path) -> None:
    config = write_profile_config(tmp_path, case["profile"])
    clear_cache()
    env = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        **SUITE["environments"][case["environment"]],
    }
    client = SUITE["client_configs"][case["client_config"]]
    shared = SharedConfig.load(env)
    found = resolve_endpoint_url(
        SERVICE_IDS[case["service"]],
        env,
        shared,
        case["profile"],
        endpoint_url=client.get("endpoint_url"),
        ignore_configured_endpoint_urls=client.get("ignore_configured_endpoint_urls"),
    )
    expected = case["output"]["endpointUrl"]
    if _is_default_endpoint(expected, case["service"]):
        assert found is None
    else:
        assert found is not None and found.value == expected
        # The source says which of the five places won.
        if expected.startswith("https://client-config"):
            assert found.source == "endpoint_url argument"
        elif "from-envvar" in expected:
            assert found.source.startswith("environment variable AWS_ENDPOINT_URL")
        else:
            assert found.source.startswith(f"{config} [")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_botocore_agrees(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_case_environment(case, write_profile_config(tmp_path, case["profile"]), monkeypatch)
    client_args = SUITE["client_configs"][case["client_config"]]
    session = botocore.session.Session(profile=case["profile"])
    client = session.create_client(
        case["service"],
        endpoint_url=client_args.get("endpoint_url"),
        config=botocore.config.Config(
            ignore_configured_endpoint_urls=client_args.get("ignore_configured_endpoint_urls")
        ),
    )
    assert client.meta.endpoint_url == case["output"]["endpointUrl"]
