"""The synchronous transport: pooled HTTP(S) over urllib3.

It sends an ``HttpRequest`` and returns an ``HttpResponse``, nothing more: no retries, no
redirects, no decompression, no AWS knowledge. Behaviour follows botocore's
``URLLib3Session`` (proxies, TLS options, error mapping) so that boto3 users see the
same errors and the same proxy handling.

Thread safety: urllib3's PoolManager is thread-safe; the only state added here (proxy
managers, the fork check) is created under a lock. After ``os.fork()`` the child drops
the parent's pools (sharing sockets between processes corrupts both streams) and builds
fresh ones on first use.
"""
from __future__ import annotations

import base64
import os
import socket
import ssl
import threading
import urllib.request
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from urllib3 import PoolManager, Timeout
from urllib3 import exceptions as u3
from urllib3.connection import HTTPConnection
from urllib3.poolmanager import PoolKey, proxy_from_url
from urllib3.util.ssl_ import create_urllib3_context

from .. import exceptions as errors
from ._values import HttpRequest, HttpResponse

__all__ = ["Urllib3Transport", "Urllib3ResponseStream", "mask_proxy_url"]

# Pure helper missing from typeshed: does NO_PROXY (in the given snapshot) match the host?
_proxy_bypass: Callable[[str, dict[str, str]], bool] = getattr(
    urllib.request, "proxy_bypass_environment")

DEFAULT_TIMEOUT = 60
MAX_POOL_CONNECTIONS = 10
# urllib3 2 sends bodies in 16 KiB blocks by default; botocore measured 128 KiB as much
# faster for large uploads.
_BLOCKSIZE = 128 * 1024 if "key_blocksize" in getattr(PoolKey, "_fields", ()) else None
_NO_LENGTH_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def mask_proxy_url(proxy_url: str) -> str:
    """``proxy_url`` with any user name and password replaced by ``***``."""
    parts = urlsplit(proxy_url)
    if parts.username:
        proxy_url = proxy_url.replace(parts.username, "***", 1)
    if parts.password:
        proxy_url = proxy_url.replace(parts.password, "***", 1)
    return proxy_url


def _fix_proxy_url(proxy_url: str) -> str:
    if proxy_url.startswith(("http:", "https:")):
        return proxy_url
    if proxy_url.startswith("//"):
        return "http:" + proxy_url
    return "http://" + proxy_url


def _proxy_auth_headers(proxy_url: str) -> dict[str, str]:
    parts = urlsplit(proxy_url)
    if parts.username and parts.password:
        raw = f"{unquote(parts.username)}:{unquote(parts.password)}".encode("utf-8")
        return {"Proxy-Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    return {}


def _default_ca_bundle() -> str | None:
    try:
        import certifi  # optional; botocore prefers it too
    except ImportError:
        return None
    return str(certifi.where())


def _body_length(body: Any) -> int | None:
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


def _iter_body(body: Any) -> Iterator[bytes]:
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


class Urllib3ResponseStream:
    """A response body read on demand (``send(..., stream=True)``).

    ``read`` maps urllib3's errors to squall's as botocore's StreamingBody does;
    ``close`` returns the connection to the pool if the body was read to the end and
    discards it otherwise.
    """

    __slots__ = ("_response", "_url", "_done")

    def __init__(self, response: Any, url: str) -> None:
        self._response = response
        self._url = url
        self._done = False

    def read(self, amt: int | None = None) -> bytes:
        try:
            data: bytes = self._response.read(amt, decode_content=False)
        except u3.ReadTimeoutError as e:
            raise errors.ReadTimeoutError(endpoint_url=self._url, error=e) from e
        except u3.ProtocolError as e:
            raise errors.ResponseStreamingError(error=e) from e
        if not data or amt is None:
            self._done = True
        return data

    def readable(self) -> bool:
        return True

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(64 * 1024):
            yield chunk

    def close(self) -> None:
        if not self._done:
            self._response.close()  # unread bytes would poison a reused connection
        self._response.release_conn()

    @property
    def closed(self) -> bool:
        return bool(self._response.closed)

    def __enter__(self) -> "Urllib3ResponseStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Urllib3Transport:
    """Send ``HttpRequest``s over pooled urllib3 connections.

    ``verify``: True (certifi's bundle if installed, else the system store), False (no
    verification) or a CA bundle path. ``proxies``: ``{scheme: proxy_url}`` as in
    botocore; None means the environment's ``HTTP(S)_PROXY``/``NO_PROXY``, read once
    here. ``proxies_config``: ``proxy_ca_bundle``, ``proxy_client_cert`` (path or
    ``(cert, key)``) and ``proxy_use_forwarding_for_https``. ``client_cert``: a PEM path
    holding cert and key, or ``(cert_path, key_path)``.
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
    ) -> None:
        self._max_pool_connections = max_pool_connections
        self._timeout = Timeout(connect=connect_timeout, read=read_timeout)
        self._verify = verify
        self._client_cert = client_cert
        self._proxies_config: dict[str, Any] = dict(proxies_config or {})
        self._socket_options = list(HTTPConnection.default_socket_options)
        if tcp_keepalive:
            self._socket_options.append((socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1))
        if proxies is None:
            # Snapshot now (botocore reads them when the client is made); NO_PROXY is
            # kept in the snapshot under "no" and applied per request URL.
            self._proxies = {k: v for k, v in urllib.request.getproxies().items() if v}
            self._from_env = True
        else:
            self._proxies = dict(proxies)
            self._from_env = False
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._manager: PoolManager | None = None
        self._proxy_managers: dict[str, PoolManager] = {}

    def __repr__(self) -> str:
        proxies = {k: mask_proxy_url(v) for k, v in self._proxies.items() if k != "no"}
        return f"<Urllib3Transport verify={self._verify!r} proxies={proxies!r}>"

    # -- pools ---------------------------------------------------------------------

    def _ssl_context(self) -> ssl.SSLContext:
        context = create_urllib3_context(
            cert_reqs=ssl.CERT_REQUIRED if self._verify else ssl.CERT_NONE)
        if self._verify:
            bundle = self._verify if isinstance(self._verify, str) else _default_ca_bundle()
            if bundle is None:
                context.load_default_certs()
            elif os.path.isdir(bundle):
                context.load_verify_locations(capath=bundle)
            else:
                context.load_verify_locations(cafile=bundle)
        # Load the client certificate once here rather than per connection.
        if isinstance(self._client_cert, tuple):
            context.load_cert_chain(self._client_cert[0], keyfile=self._client_cert[1])
        elif self._client_cert:
            context.load_cert_chain(self._client_cert)
        return context

    def _pool_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "timeout": self._timeout,
            "maxsize": self._max_pool_connections,
            "socket_options": self._socket_options,
            "ssl_context": self._ssl_context(),
            "cert_reqs": "CERT_REQUIRED" if self._verify else "CERT_NONE",
        }
        if _BLOCKSIZE:
            kwargs["blocksize"] = _BLOCKSIZE
        return kwargs

    def _proxy_ssl_context(self, proxy_url: str) -> ssl.SSLContext | None:
        ca_bundle = self._proxies_config.get("proxy_ca_bundle")
        cert = self._proxies_config.get("proxy_client_cert")
        if ca_bundle is None and cert is None:
            return None
        context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
        host = (urlsplit(proxy_url).hostname or "")
        if not _is_ip(host):
            context.check_hostname = True
        if ca_bundle is not None:
            context.load_verify_locations(cafile=ca_bundle)
        if isinstance(cert, tuple):
            context.load_cert_chain(cert[0], keyfile=cert[1])
        elif isinstance(cert, str):
            context.load_cert_chain(cert)
        return context

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    # Drop, don't close: the sockets are the parent's too.
                    self._manager = None
                    self._proxy_managers = {}
                    self._lock = threading.Lock()
                    self._pid = os.getpid()

    def _get_manager(self, proxy_url: str | None) -> PoolManager:
        self._check_fork()
        if proxy_url is None:
            manager = self._manager
            if manager is None:
                with self._lock:
                    if self._manager is None:
                        self._manager = PoolManager(**self._pool_kwargs())
                    manager = self._manager
            return manager
        found = self._proxy_managers.get(proxy_url)
        if found is not None:
            return found
        with self._lock:
            found = self._proxy_managers.get(proxy_url)
            if found is None:
                kwargs = self._pool_kwargs()
                kwargs["proxy_headers"] = _proxy_auth_headers(proxy_url)
                proxy_context = self._proxy_ssl_context(proxy_url)
                if proxy_context is not None:
                    kwargs["proxy_ssl_context"] = proxy_context
                forwarding = self._proxies_config.get("proxy_use_forwarding_for_https")
                if forwarding is not None:
                    kwargs["use_forwarding_for_https"] = _truthy(forwarding)
                found = proxy_from_url(proxy_url, **kwargs)
                self._proxy_managers[proxy_url] = found
            return found

    def proxy_url_for(self, url: str) -> str | None:
        """The proxy this transport uses for ``url``, or None."""
        parts = urlsplit(url)
        if self._from_env and _proxy_bypass(parts.netloc, self._proxies):
            return None
        proxy = self._proxies.get(parts.scheme)
        return _fix_proxy_url(proxy) if proxy else None

    def _request_target(self, url: str, proxy_url: str | None) -> str:
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        if proxy_url is None:
            return path
        # A forwarding proxy needs the absolute URL; HTTPS normally goes through a
        # CONNECT tunnel, where the origin sees only the path.
        forwarding = (urlsplit(proxy_url).scheme == "https"
                      and _truthy(self._proxies_config.get("proxy_use_forwarding_for_https")))
        return url if forwarding or url.startswith("http:") else path

    # -- sending -------------------------------------------------------------------

    def _prepare(self, request: HttpRequest) -> tuple[Any, dict[str, str], bool]:
        headers = dict(request.headers)
        lowered = {k.lower() for k in headers}
        body: Any = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        if isinstance(body, (bytes, bytearray, memoryview)) and not body:
            body = None
        chunked = (request.header("Transfer-Encoding") or "").strip().lower() == "chunked"
        if "content-length" in lowered or "transfer-encoding" in lowered:
            pass
        elif body is None:
            if request.method.upper() not in _NO_LENGTH_METHODS:
                headers["Content-Length"] = "0"
        else:
            length = _body_length(body)
            if length is not None:
                headers["Content-Length"] = str(length)
            else:
                chunked = True  # unknown length: send it chunked
        if body is not None and chunked and not hasattr(body, "read") \
                and not isinstance(body, (bytes, bytearray, memoryview)):
            body = _iter_body(body)
        return body, headers, chunked

    def send(self, request: HttpRequest, *, stream: bool = False) -> HttpResponse:
        """Send ``request``; read the whole body unless ``stream``. Raises squall's
        connection errors (EndpointConnectionError, ConnectTimeoutError,
        ReadTimeoutError, SSLError, ProxyConnectionError, ConnectionClosedError,
        HTTPClientError) with the urllib3 error chained."""
        url = request.url
        proxy_url: str | None = None
        proxy_url = self.proxy_url_for(url)
        try:
            manager = self._get_manager(proxy_url)
        except (OSError, ValueError) as e:  # unreadable CA bundle or client certificate
            if proxy_url is not None:
                raise errors.ProxyConnectionError(proxy_url=mask_proxy_url(proxy_url), error=e) from e
            raise errors.SSLError(endpoint_url=url, error=e) from e
        try:
            pool = manager.connection_from_url(url)
            body, headers, chunked = self._prepare(request)
            raw = pool.urlopen(
                method=request.method,
                url=self._request_target(url, proxy_url),
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                chunked=chunked,
            )
            response_headers = {k.lower(): raw.headers[k] for k in raw.headers}
            if stream:
                return HttpResponse(status_code=raw.status, headers=response_headers,
                                    body=b"", stream=Urllib3ResponseStream(raw, url))
            # Read here rather than via preload_content, which skips chunked bodies.
            data = raw.read(decode_content=False)
            raw.release_conn()
            return HttpResponse(status_code=raw.status, headers=response_headers, body=data)
        except u3.SSLError as e:
            raise errors.SSLError(endpoint_url=url, error=e) from e
        except (u3.NewConnectionError, socket.gaierror) as e:
            raise errors.EndpointConnectionError(endpoint_url=url, error=e) from e
        except u3.ProxyError as e:
            raise errors.ProxyConnectionError(
                proxy_url=mask_proxy_url(proxy_url or ""), error=e) from e
        except u3.ConnectTimeoutError as e:
            raise errors.ConnectTimeoutError(endpoint_url=url, error=e) from e
        except u3.ReadTimeoutError as e:
            raise errors.ReadTimeoutError(endpoint_url=url, error=e) from e
        except u3.ProtocolError as e:
            raise errors.ConnectionClosedError(
                endpoint_url=url, request=request, error=e) from e
        except errors.SquallError:
            raise
        except Exception as e:
            raise errors.HTTPClientError(request=request, error=e) from e

    def close(self) -> None:
        """Close every pooled connection. The transport stays usable (pools reopen)."""
        with self._lock:
            managers = [self._manager, *self._proxy_managers.values()]
            self._manager = None
            self._proxy_managers = {}
        for manager in managers:
            if manager is not None:
                manager.clear()

    def __enter__(self) -> "Urllib3Transport":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True

