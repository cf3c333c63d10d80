"""conformance/configured-endpoint-urls through real clients (README §6).

DynamoDB cases send ``list_tables`` and look at the request URL (the request is captured
before it leaves: these endpoints are fake hosts). S3 cases compare the client's resolved
endpoint, ``client.meta.endpoint_url``, until the rest-xml protocol lets them send too.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import squall
from squall.config import Config

from _conformance import ENDPOINT_URL_SUITE, use_case_environment, write_profile_config

SUITE = ENDPOINT_URL_SUITE


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
    use_case_environment(case, write_profile_config(tmp_path, case["profile"]), monkeypatch)
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
