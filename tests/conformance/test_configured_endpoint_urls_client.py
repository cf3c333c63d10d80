"""conformance/configured-endpoint-urls through real clients (README §6).

DynamoDB cases send ``list_tables`` and look at the request URL (the request is captured
before it leaves: these endpoints are fake hosts). S3 cases compare the client's resolved
endpoint, ``client.meta.endpoint_url``, until the rest-xml protocol lets them send too.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import squall
from squall.config import Config

DATA = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "configured-endpoint-urls" / "profile-tests.json"
SUITE = json.loads(DATA.read_text())["testSuites"][0]


def _config_text(profile: str) -> str:
    lines = [f"[profile {profile}]"]
    for key, value in SUITE["profiles"][profile].items():
        if isinstance(value, dict):
            lines.append(f"{key} =")
            lines.extend(f"  {k} = {v}" for k, v in value.items())
        else:
            lines.append(f"{key} = {value}")
    services = SUITE["profiles"][profile].get("services")
    if services:
        lines.append(f"[services {services}]")
        for service, settings in SUITE["services"][services].items():
            lines.append(f"{service} =")
            lines.extend(f"  {k} = {v}" for k, v in settings.items())
    return "\n".join(lines) + "\n"


class _Captured(Exception):
    pass


class _CaptureTransport:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def send(self, request, stream=False):
        self.urls.append(request.url)
        raise _Captured()

    def close(self) -> None:
        pass


@pytest.mark.parametrize("case", SUITE["endpointUrlTests"], ids=lambda c: c["name"][:90])
def test_configured_endpoint_url(case, tmp_path, monkeypatch) -> None:
    config_file = tmp_path / "config"
    config_file.write_text(_config_text(case["profile"]))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    for name, value in SUITE["environments"][case["environment"]].items():
        monkeypatch.setenv(name, value)
    client_args = dict(SUITE["client_configs"][case["client_config"]])
    endpoint_url = client_args.pop("endpoint_url", None)
    session = squall.session.Session(profile_name=case["profile"])
    client = session.client(case["service"], endpoint_url=endpoint_url, config=Config(**client_args))
    expected = case["output"]["endpointUrl"]
    if case["service"] == "dynamodb":
        capture = _CaptureTransport()
        client._transport = capture
        with pytest.raises(_Captured):
            client.list_tables()
        url = capture.urls[0]
    else:
        url = client.meta.endpoint_url
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == expected
