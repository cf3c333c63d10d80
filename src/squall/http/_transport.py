"""What the blocking (urllib3) and the asyncio (aiohttp) transports decide alike: their
options, which proxy a request takes, how a request body is framed, and which
certificates TLS trusts. Each transport keeps only how it sends."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from ._proxies import Proxies
from ._values import HttpRequest

if TYPE_CHECKING:
    import ssl

__all__ = ["TransportBase", "frame_request", "load_trust", "body_length", "iter_body", "truthy",
           "DEFAULT_TIMEOUT", "MAX_POOL_CONNECTIONS"]

DEFAULT_TIMEOUT = 60
MAX_POOL_CONNECTIONS = 10
# Methods that carry no Content-Length: 0 when they have no body (as http.client sends them).
_NO_LENGTH_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransportBase:
    """The options both transports take (botocore's Config names) and their proxy choice.

    ``verify``: True (certifi's bundle if installed, else the system store), False (no
    verification) or a CA bundle path. ``proxies``: ``{scheme: proxy_url}`` as in
    botocore; None means the environment's ``HTTP(S)_PROXY``/``NO_PROXY``, read once
    here. ``client_cert``: a PEM path holding cert and key, or ``(cert_path, key_path)``.
    ``lean_http1`` False sends everything through the third-party library instead of
    squall's own HTTP/1.1 client. ``proxies_config`` is the subclass's to apply.
    """

    def __init__(
        self,
        *,
        max_pool_connections: int = MAX_POOL_CONNECTIONS,
        connect_timeout: float = DEFAULT_TIMEOUT,
        read_timeout: float = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        proxies: Mapping[str, str] | None = None,
        proxies_config: Mapping[str, Any] | None = None,
        client_cert: str | tuple[str, str] | None = None,
        tcp_keepalive: bool = False,
        lean_http1: bool = True,
    ) -> None:
        self._max_pool_connections = max_pool_connections
        self._timeouts = (connect_timeout, read_timeout)
        self._verify = verify
        self._client_cert = client_cert
        self._proxies_config: dict[str, Any] = dict(proxies_config or {})
        self._tcp_keepalive = tcp_keepalive
        self._lean = lean_http1
        # The environment's are read now, as botocore does (for the asyncio transport:
        # in the worker thread that makes the client, not on the event loop).
        self._proxies = Proxies(proxies)
        self._setup()

    def _setup(self) -> None:
        """The subclass's own state (pools, locks), made after the options are set."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} verify={self._verify!r} proxies={self._proxies.masked()!r}>"

    def proxy_url_for(self, url: str) -> str | None:
        """The proxy this transport uses for ``url``, or None."""
        return self._proxies.for_url(url)


def frame_request(request: HttpRequest, length: Callable[[Any], int | None] | None = None,
                  ) -> tuple[Any, dict[str, str], bool]:
    """(body, headers, chunked) as http.client/urllib3 frame a request: an empty body is
    None (``Content-Length: 0`` unless GET/HEAD/OPTIONS), a body of known ``length`` gets
    its ``Content-Length``, any other is sent chunked; headers the caller set win."""
    headers = dict(request.headers)
    lowered = {k.lower() for k in headers}
    body: Any = request.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)) and not body:
        body = None
    chunked = "transfer-encoding" in lowered and \
        (request.header("Transfer-Encoding") or "").strip().lower() == "chunked"
    if "content-length" in lowered or "transfer-encoding" in lowered:
        pass
    elif body is None:
        if request.method.upper() not in _NO_LENGTH_METHODS:
            headers["Content-Length"] = "0"
    else:
        size = (length or body_length)(body)
        if size is not None:
            headers["Content-Length"] = str(size)
        else:
            chunked = True  # unknown length: send it chunked
    return body, headers, chunked


def body_length(body: Any) -> int | None:
    """Bytes left in a bytes body or a seekable stream; None when unknown."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return len(body)
    if all(hasattr(body, a) for a in ("seek", "tell", "read")):
        seekable = getattr(body, "seekable", None)
        if callable(seekable) and not seekable():
            return None
        try:
            position = body.tell()
            end = body.seek(0, os.SEEK_END)
            body.seek(position)
        except (OSError, ValueError):
            return None
        return max(int(end) - int(position), 0)
    return None


def iter_body(body: Any) -> Iterator[bytes]:
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def default_ca_bundle() -> str | None:
    try:
        import certifi  # optional; botocore prefers it too
    except ImportError:
        return None
    return str(certifi.where())


def load_trust(context: ssl.SSLContext, verify: bool | str, client_cert: str | tuple[str, str] | None) -> None:
    """The CA certificates ``verify`` asks for and the client certificate, loaded into
    ``context`` (file I/O: the asyncio transport calls it off the event loop)."""
    if verify:
        bundle = verify if isinstance(verify, str) else default_ca_bundle()
        if bundle is None:
            context.load_default_certs()
        elif os.path.isdir(bundle):
            context.load_verify_locations(capath=bundle)
        else:
            context.load_verify_locations(cafile=bundle)
    if isinstance(client_cert, tuple):
        context.load_cert_chain(client_cert[0], keyfile=client_cert[1])
    elif client_cert:
        context.load_cert_chain(client_cert)


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
