"""The transport's proxy settings from the environment equal urllib's, read without
decoding every variable (squall.http._proxies.system_proxies)."""
from __future__ import annotations

import os
import sys
import urllib.request

import pytest

from squall.http._proxies import system_proxies as _system_proxies

CASES = [
    {},
    {"HTTPS_PROXY": "http://upper:1"},
    {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"},
    {"https_proxy": "", "HTTPS_PROXY": "http://upper:2"},  # an empty lower-case name removes it
    {"HTTP_PROXY": "http://h:1", "REQUEST_METHOD": "GET"},  # CGI: HTTP_PROXY is a request header
    {"http_proxy": "http://h:1", "no_proxy": "127.0.0.1,.internal", "ALL_PROXY": "socks5://a:3"},
    {"Ftp_Proxy": "http://mixed:4", "NOT_A_PROXY_X": "x"},
]


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="there urllib also asks the OS")
@pytest.mark.parametrize("variables", CASES)
def test_environment_proxies_match_urllib(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert _system_proxies() == urllib.request.getproxies_environment()


def test_environment_proxies_without_bytes_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where os.environ has no bytes store (another platform or Python), the public
    mapping is read instead, with the same answer."""
    monkeypatch.setenv("HTTPS_PROXY", "http://upper:2")
    expected = _system_proxies()
    plain = dict(os.environ)  # a mapping without ``_data``
    monkeypatch.setattr(os, "environ", plain)
    assert _system_proxies() == expected == {**expected, "https": "http://upper:2"}
