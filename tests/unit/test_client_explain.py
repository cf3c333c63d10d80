"""``client.meta.explain()``: effective client values with their sources, checked against
what botocore's client uses for the same environment, files, arguments and Config, and
against what the squall client itself uses."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

import squall
from squall.config import Config

KEYS = {"aws_access_key_id": "AKIDEXAMPLEKEY", "aws_secret_access_key": "wJalrXUtnFEMIK7MDENGbPxRfiCY"}

# (name, env, config file text, session kwargs, client kwargs, Config kwargs or None,
#  {explain name: substring expected in its source})
CASES: list[tuple[Any, ...]] = [
    ("config-retries-beat-env", {"AWS_MAX_ATTEMPTS": "7", "AWS_RETRY_MODE": "adaptive"}, "", {}, {},
     {"retries": {"max_attempts": 2}},
     {"retries.total_max_attempts": "Config(retries={'max_attempts'", "retries.mode": "AWS_RETRY_MODE"}),
    ("profile-retries", {}, "[default]\nretry_mode = standard\nmax_attempts = 4\n", {}, {}, None,
     {"retries.mode": "line 2", "retries.total_max_attempts": "line 3"}),
    ("env-defaults-mode-no-config", {"AWS_DEFAULTS_MODE": "standard"}, "", {}, {}, None,
     {"connect_timeout": "defaults mode 'standard'", "retries.mode": "defaults mode 'standard'",
      "defaults_mode": "AWS_DEFAULTS_MODE"}),
    ("env-defaults-mode-plain-config", {"AWS_DEFAULTS_MODE": "standard"}, "", {}, {}, {},
     {"connect_timeout": "botocore default"}),
    ("config-defaults-mode", {}, "", {}, {}, {"defaults_mode": "in-region"},
     {"connect_timeout": "Config(defaults_mode=...)", "retries.mode": "defaults mode 'in-region'"}),
    ("config-retry-mode-beats-defaults-mode", {"AWS_DEFAULTS_MODE": "standard"}, "", {}, {},
     {"retries": {"mode": "legacy", "total_max_attempts": 2}, "connect_timeout": 9},
     {"retries.mode": "Config(retries={'mode'", "connect_timeout": "Config(connect_timeout"}),
    ("client-region-beats-config", {"AWS_DEFAULT_REGION": "eu-west-1"}, "", {}, {"region_name": "ap-south-1"},
     {"region_name": "us-east-2"}, {"region_name": "client() argument region_name"}),
    ("config-region-beats-session", {"AWS_DEFAULT_REGION": "eu-west-1"}, "", {}, {},
     {"region_name": "us-east-2"}, {"region_name": "Config(region_name"}),
    ("session-region-from-env", {"AWS_DEFAULT_REGION": "eu-west-1"}, "", {}, {}, None,
     {"region_name": "AWS_DEFAULT_REGION"}),
    ("profile-checksums-appid-and-host-prefix", {"AWS_SDK_UA_APP_ID": "envapp"},
     "[default]\nrequest_checksum_calculation = when_required\ndisable_host_prefix_injection = true\n"
     "sigv4a_signing_region_set = us-*\nparameter_validation = false\n", {}, {},
     {"response_checksum_validation": "when_required", "user_agent_appid": "cfgapp"},
     {"request_checksum_calculation": "line 2", "response_checksum_validation": "Config(",
      "user_agent_appid": "Config(", "inject_host_prefix": "line 3", "sigv4a_signing_region_set": "line 4",
      "parameter_validation": "line 5"}),
    ("config-host-prefix-beats-profile", {"AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
                                          "AWS_AUTH_SCHEME_PREFERENCE": "sigv4a, sigv4"},
     "[default]\ndisable_host_prefix_injection = true\n", {}, {},
     {"inject_host_prefix": True, "request_min_compression_size_bytes": 100, "max_pool_connections": 3},
     {"inject_host_prefix": "Config(", "account_id_endpoint_mode": "AWS_ACCOUNT_ID_ENDPOINT_MODE",
      "auth_scheme_preference": "AWS_AUTH_SCHEME_PREFERENCE", "max_pool_connections": "Config("}),
    ("merged-config", {}, "", {}, {}, "merge", {"connect_timeout": "Config.merge", "read_timeout": "Config.merge",
                                                "retries.mode": "Config.merge"}),
]


def _botocore_values(client: Any) -> dict[str, Any]:
    cfg = client.meta.config
    values = {
        "region_name": client.meta.region_name,
        "connect_timeout": cfg.connect_timeout,
        "read_timeout": cfg.read_timeout,
        "max_pool_connections": cfg.max_pool_connections,
        "retries.mode": cfg.retries["mode"],
        "user_agent_appid": cfg.user_agent_appid,
        "request_checksum_calculation": cfg.request_checksum_calculation,
        "response_checksum_validation": cfg.response_checksum_validation,
        "request_min_compression_size_bytes": cfg.request_min_compression_size_bytes,
        "disable_request_compression": cfg.disable_request_compression,
        "account_id_endpoint_mode": cfg.account_id_endpoint_mode,
        "sigv4a_signing_region_set": cfg.sigv4a_signing_region_set,
        "auth_scheme_preference": cfg.auth_scheme_preference,
        "inject_host_prefix": cfg.inject_host_prefix,
        "parameter_validation": type(client._serializer).__name__ == "ParamValidationDecorator",
        "endpoint_url": client.meta.endpoint_url,
    }
    if "total_max_attempts" in cfg.retries:
        values["retries.total_max_attempts"] = cfg.retries["total_max_attempts"]
    return values


def _make_config(lib: str, spec: Any) -> Any:
    cls = Config if lib == "squall" else BotoConfig
    if spec == "merge":
        return cls(connect_timeout=5, read_timeout=8).merge(cls(read_timeout=7, retries={"mode": "standard"}))
    return None if spec is None else cls(**copy.deepcopy(spec))  # botocore edits its retries dict


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_explain_matches_botocore_effective_values(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, env, config_text, session_kw, client_kw, config_spec, sources = case
    config_file = tmp_path / "config"
    config_file.write_text(config_text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    theirs = boto3.session.Session(**KEYS, **session_kw).client(
        "sqs", config=_make_config("boto3", config_spec), **client_kw)
    ours = squall.session.Session(**KEYS, **session_kw).client(
        "sqs", config=_make_config("squall", config_spec), **client_kw)
    explained = ours.meta.explain()
    expected = _botocore_values(theirs)
    got = {name: explained[name][0] for name in expected}
    assert got == expected
    # ... and what the squall client really uses.
    assert ours._transport._timeouts == (explained["connect_timeout"][0], explained["read_timeout"][0])
    assert ours._context.retry_policy.mode == explained["retries.mode"][0]
    assert ours._context.retry_policy.max_attempts == explained["retries.total_max_attempts"][0]
    assert ours._context.inject_host_prefix == explained["inject_host_prefix"][0]
    assert (ours._context.validate is not None) == explained["parameter_validation"][0]
    assert ours._context.payload.request_checksum_calculation == explained["request_checksum_calculation"][0]
    for name, fragment in sources.items():
        assert fragment in explained[name][1], (name, explained[name])


def test_legacy_max_attempts_come_from_the_retry_rules() -> None:
    client = squall.session.Session(region_name="us-east-1", **KEYS).client("dynamodb")
    value, source = client.meta.explain()["retries.total_max_attempts"]
    assert value == client._context.retry_policy.max_attempts == 10  # DynamoDB's own rule (others: 5)
    assert "_retry.json" in source


def test_s3_options_and_client_credentials_are_explained_without_secrets() -> None:
    session = squall.session.Session(region_name="us-east-1")
    client = session.client("s3", config=Config(s3={"addressing_style": "path"}), **KEYS)
    explained = client.meta.explain()
    assert explained["s3.addressing_style"] == ("path", "key 'addressing_style' of Config(s3=...)")
    assert "client('s3') arguments" in explained["credentials"][1]
    text = repr(explained)
    assert KEYS["aws_secret_access_key"] not in text and KEYS["aws_access_key_id"] not in text


def test_session_explain_with_a_service_adds_the_client_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    report = squall.session.Session(region_name="eu-west-3", **KEYS).explain(
        "sqs", config=Config(retries={"total_max_attempts": 6}))
    assert report["retry_mode"] == ("standard", "environment variable AWS_RETRY_MODE")
    assert report["client.retries.mode"] == ("standard", "environment variable AWS_RETRY_MODE")
    assert report["client.retries.total_max_attempts"] == (6, "Config(retries={'total_max_attempts': ...})")
    assert report["client.endpoint_url"][0] == "https://sqs.eu-west-3.amazonaws.com"
    assert "client.credentials" in report and KEYS["aws_secret_access_key"] not in repr(report)
