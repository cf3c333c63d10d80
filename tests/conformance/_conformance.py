"""What several conformance modules share: where the staged data lives, the endpoint
case check, and the configured-endpoint-URL suite's profile files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from squall.endpoints import EndpointRuleSet, Partitions
from squall.exceptions import EndpointResolutionError

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
if not CONFORMANCE.is_dir():  # worktrees may sit elsewhere; the data lives in /work/shared
    CONFORMANCE = Path("/work/shared/conformance")

ENDPOINT_KNOWN_FAILURES: dict[str, str] = json.loads(
    Path(__file__).with_name("endpoint_known_failures.json").read_text()
)["known_failures"]


# -- endpoint rule-set cases ---------------------------------------------------------------

def canonical(value: Any) -> str:
    """Deep-equality that also tells True from 1 (JSON keeps the type)."""
    return json.dumps(value, sort_keys=True)


def check_endpoint_case(rules: EndpointRuleSet, parts: Partitions, params: dict[str, Any],
                        expect: dict[str, Any], documentation: str) -> None:
    """README §2.3 step 2: the same url and deep-equal properties/headers, or exactly that error."""
    if "error" in expect:
        with pytest.raises(EndpointResolutionError) as info:
            endpoint = rules.resolve(params, parts)
            pytest.fail(f"{documentation}: expected error, resolved {endpoint}")
        assert info.value.msg == expect["error"], documentation
        return
    expected = expect["endpoint"]
    endpoint = rules.resolve(params, parts)
    assert endpoint.url == expected["url"], documentation
    assert canonical(endpoint.properties) == canonical(expected.get("properties", {})), documentation
    assert canonical(endpoint.headers) == canonical(expected.get("headers", {})), documentation


# -- configured endpoint URLs --------------------------------------------------------------

ENDPOINT_URL_SUITE: dict[str, Any] = json.loads(
    (CONFORMANCE / "configured-endpoint-urls" / "profile-tests.json").read_text()
)["testSuites"][0]


def write_profile_config(directory: Path, profile: str) -> Path:
    """A config file holding ``profile`` of the suite and the services section it names."""
    suite = ENDPOINT_URL_SUITE
    lines = [f"[profile {profile}]"]
    for key, value in suite["profiles"][profile].items():
        if isinstance(value, dict):
            lines.append(f"{key} =")
            lines.extend(f"  {k} = {v}" for k, v in value.items())
        else:
            lines.append(f"{key} = {value}")
    services = suite["profiles"][profile].get("services")
    if services:
        lines.append(f"[services {services}]")
        for service, settings in suite["services"][services].items():
            lines.append(f"{service} =")
            lines.extend(f"  {k} = {v}" for k, v in settings.items())
    path = directory / "config"
    path.write_text("\n".join(lines) + "\n")
    return path


def use_case_environment(case: dict[str, Any], config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point AWS_CONFIG_FILE at ``config`` and set the case's environment variables."""
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for name, value in ENDPOINT_URL_SUITE["environments"][case["environment"]].items():
        monkeypatch.setenv(name, value)
