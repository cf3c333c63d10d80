"""Which proxy a transport sends a request through (shared by the urllib3 and aiohttp
transports): botocore's ``{scheme: url}``, or the environment's ``HTTP(S)_PROXY`` /
``NO_PROXY`` read once, when the transport is made, as botocore reads them."""
from __future__ import annotations

import os
import sys
from typing import Any, Callable, Mapping
from urllib.parse import unquote, urlsplit

__all__ = ["Proxies", "mask_proxy_url", "proxy_auth_headers", "fix_proxy_url", "system_proxies"]


class Proxies:
    """The proxies of one transport. ``given``: Config(proxies=...), or None for the
    environment's (``NO_PROXY`` is kept in that snapshot under ``"no"``)."""

    __slots__ = ("by_scheme", "_bypass")

    def __init__(self, given: Mapping[str, str] | None) -> None:
        self._bypass: Callable[[str, Mapping[str, str]], bool] | None = None
        if given is not None:
            self.by_scheme = dict(given)
            return
        self.by_scheme = {k: v for k, v in system_proxies().items() if v}
        if self.by_scheme:
            import urllib.request  # ~20 ms (http.client, email): only with proxies set

            # Not in typeshed: does the snapshot's NO_PROXY match a host?
            self._bypass = getattr(urllib.request, "proxy_bypass_environment")

    @property
    def from_env(self) -> bool:
        return self._bypass is not None

    def for_url(self, url: str) -> str | None:
        """The proxy URL for a request to ``url``, or None (direct)."""
        if not self.by_scheme:
            return None
        parts = urlsplit(url)
        if self._bypass is not None and self._bypass(parts.netloc, self.by_scheme):
            return None
        proxy = self.by_scheme.get(parts.scheme)
        return fix_proxy_url(proxy) if proxy else None

    def masked(self) -> dict[str, str]:
        """For a repr: every proxy with its user name and password hidden."""
        return {k: mask_proxy_url(v) for k, v in self.by_scheme.items() if k != "no"}

    def __bool__(self) -> bool:
        return bool(self.by_scheme)


def _environment_proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """``urllib.request.getproxies_environment()`` over ``environ`` (the same rules:
    lower-case names win, ``HTTP_PROXY`` is ignored under CGI), without importing
    urllib.request and with it http.client and email."""
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        name = name.lower()
        if value and name[-6:] == "_proxy":
            proxies[name[:-6]] = value
    if "REQUEST_METHOD" in environ:
        proxies.pop("http", None)
    for name, value in environ.items():
        if name[-6:] == "_proxy":
            name = name.lower()
            if value:
                proxies[name[:-6]] = value
            else:
                proxies.pop(name[:-6], None)
    return proxies


def system_proxies() -> dict[str, str]:
    if sys.platform in ("darwin", "win32"):  # also consults the OS proxy settings
        import urllib.request

        return dict(urllib.request.getproxies())
    # On POSIX os.environ keeps its bytes in ``_data``; reading the few *_proxy names
    # from it skips decoding every variable, which was most of a later client's cost.
    raw = getattr(os.environ, "_data", None)
    if not isinstance(raw, dict) or not isinstance(next(iter(raw), b""), bytes):
        return _environment_proxies(os.environ)
    wanted = {os.fsdecode(k): os.fsdecode(v) for k, v in raw.items() if k[-6:].lower() == b"_proxy"}
    if b"REQUEST_METHOD" in raw:
        wanted["REQUEST_METHOD"] = os.fsdecode(raw[b"REQUEST_METHOD"])
    return _environment_proxies(wanted)


def mask_proxy_url(proxy_url: str) -> str:
    """``proxy_url`` with any user name and password replaced by ``***``."""
    parts = urlsplit(proxy_url)
    if parts.username:
        proxy_url = proxy_url.replace(parts.username, "***", 1)
    if parts.password:
        proxy_url = proxy_url.replace(parts.password, "***", 1)
    return proxy_url


def fix_proxy_url(proxy_url: str) -> str:
    if proxy_url.startswith(("http:", "https:")):
        return proxy_url
    if proxy_url.startswith("//"):
        return "http:" + proxy_url
    return "http://" + proxy_url


def proxy_auth_headers(proxy_url: str) -> dict[str, str]:
    import base64

    parts = urlsplit(proxy_url)
    if parts.username and parts.password:
        raw = f"{unquote(parts.username)}:{unquote(parts.password)}".encode("utf-8")
        return {"Proxy-Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    return {}


