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

import os
import threading
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlsplit

from .. import exceptions as errors
from ._proxies import mask_proxy_url, proxy_auth_headers
from ._transport import TransportBase, frame_request, iter_body, load_trust, truthy
from ._values import HttpRequest, HttpResponse

if TYPE_CHECKING:
    import ssl

    from ._h1 import H1Pool

    from urllib3 import PoolManager

__all__ = ["Urllib3Transport", "Urllib3ResponseStream", "mask_proxy_url"]

@cache
def _lib() -> SimpleNamespace:
    """urllib3, ssl and socket, imported when a transport first needs them.

    They cost ~25 ms to import, which a new client should not pay before it sends
    anything (and a client that never sends should not pay at all).
    """
    import socket
    import ssl

    from urllib3 import PoolManager, Timeout
    from urllib3 import exceptions as u3
    from urllib3.connection import HTTPConnection
    from urllib3.poolmanager import PoolKey, proxy_from_url
    from urllib3.util.ssl_ import create_urllib3_context

    return SimpleNamespace(
        socket=socket, ssl=ssl, u3=u3, PoolManager=PoolManager, Timeout=Timeout,
        HTTPConnection=HTTPConnection, proxy_from_url=proxy_from_url,
        create_urllib3_context=create_urllib3_context,
        # urllib3 2 sends bodies in 16 KiB blocks by default; botocore measured 128 KiB
        # as much faster for large uploads.
        blocksize=128 * 1024 if "key_blocksize" in getattr(PoolKey, "_fields", ()) else None,
    )


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
        except _lib().u3.ReadTimeoutError as e:
            raise errors.ReadTimeoutError(endpoint_url=self._url, error=e) from e
        except _lib().u3.ProtocolError as e:
            raise errors.ResponseStreamingError(error=e) from e
        if not data or amt is None:
            self._done = True
        return data

    def read1(self, amt: int = 64 * 1024) -> bytes:
        """The next bytes as they arrive, at most ``amt``: urllib3's ``read1`` where it
        has one (2.x), else ``read``."""
        read1 = getattr(self._response, "read1", None)
        if read1 is None:
            return self.read(amt)
        try:
            data: bytes = read1(amt)
        except _lib().u3.ReadTimeoutError as e:
            raise errors.ReadTimeoutError(endpoint_url=self._url, error=e) from e
        except _lib().u3.ProtocolError as e:
            raise errors.ResponseStreamingError(error=e) from e
        if not data:
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


class Urllib3Transport(TransportBase):
    """Send ``HttpRequest``s over pooled urllib3 connections (options: TransportBase).

    ``proxies_config``: ``proxy_ca_bundle``, ``proxy_client_cert`` (path or
    ``(cert, key)``) and ``proxy_use_forwarding_for_https``.
    """

    def _setup(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._manager: PoolManager | None = None
        self._proxy_managers: dict[str, PoolManager] = {}
        # (scheme, netloc) -> the manager's pool for it; see _pool_for.
        self._pools: dict[tuple[str, str], Any] = {}
        # The lean HTTP/1.1 client for plain exchanges (see _h1), made on first use.
        self._h1: H1Pool | None = None
        self._h1_context: ssl.SSLContext | None = None

    # -- pools ---------------------------------------------------------------------

    @property
    def _socket_options(self) -> list[tuple[int, int, int]]:
        lib = _lib()
        options = list(lib.HTTPConnection.default_socket_options)
        if self._tcp_keepalive:
            options.append((lib.socket.SOL_SOCKET, lib.socket.SO_KEEPALIVE, 1))
        return options

    def _ssl_context(self) -> ssl.SSLContext:
        lib = _lib()
        context: ssl.SSLContext = lib.create_urllib3_context(
            cert_reqs=lib.ssl.CERT_REQUIRED if self._verify else lib.ssl.CERT_NONE)
        load_trust(context, self._verify, self._client_cert)  # once here, not per connection
        return context

    def _pool_kwargs(self) -> dict[str, Any]:
        lib = _lib()
        kwargs: dict[str, Any] = {
            "timeout": lib.Timeout(connect=self._timeouts[0], read=self._timeouts[1]),
            "maxsize": self._max_pool_connections,
            "socket_options": self._socket_options,
            "ssl_context": self._ssl_context(),
            "cert_reqs": "CERT_REQUIRED" if self._verify else "CERT_NONE",
        }
        if lib.blocksize:
            kwargs["blocksize"] = lib.blocksize
        return kwargs

    def _proxy_ssl_context(self, proxy_url: str) -> ssl.SSLContext | None:
        ca_bundle = self._proxies_config.get("proxy_ca_bundle")
        cert = self._proxies_config.get("proxy_client_cert")
        if ca_bundle is None and cert is None:
            return None
        lib = _lib()
        context: ssl.SSLContext = lib.create_urllib3_context(cert_reqs=lib.ssl.CERT_REQUIRED)
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
                    self._pools = {}
                    self._h1 = None
                    self._lock = threading.Lock()
                    self._pid = os.getpid()

    def _get_manager(self, proxy_url: str | None) -> PoolManager:
        self._check_fork()
        if proxy_url is None:
            manager = self._manager
            if manager is None:
                with self._lock:
                    if self._manager is None:
                        self._manager = _lib().PoolManager(**self._pool_kwargs())
                    manager = self._manager
            return manager
        found = self._proxy_managers.get(proxy_url)
        if found is not None:
            return found
        with self._lock:
            found = self._proxy_managers.get(proxy_url)
            if found is None:
                kwargs = self._pool_kwargs()
                kwargs["proxy_headers"] = proxy_auth_headers(proxy_url)
                proxy_context = self._proxy_ssl_context(proxy_url)
                if proxy_context is not None:
                    kwargs["proxy_ssl_context"] = proxy_context
                forwarding = self._proxies_config.get("proxy_use_forwarding_for_https")
                if forwarding is not None:
                    kwargs["use_forwarding_for_https"] = truthy(forwarding)
                found = _lib().proxy_from_url(proxy_url, **kwargs)
                self._proxy_managers[proxy_url] = found
            return found

    def _pool_for(self, manager: Any, url: str, proxy_url: str | None) -> Any:
        """The connection pool for ``url``'s origin.

        ``connection_from_url`` parses the URL and rebuilds the pool key on every call
        (~12 us, 5 % of a small call); a direct connection's pool is remembered per origin
        for as long as the manager has not closed it (it closes pools it evicts).
        """
        if proxy_url is not None:
            return manager.connection_from_url(url)
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        pools = self._pools
        pool = pools.get(origin)
        if pool is None or pool.pool is None:
            pool = manager.connection_from_url(url)
            if len(pools) >= 64:  # many origins (e.g. S3 virtual hosts): start over
                pools.clear()
            pools[origin] = pool
        return pool

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
                      and truthy(self._proxies_config.get("proxy_use_forwarding_for_https")))
        return url if forwarding or url.startswith("http:") else path

    # -- sending -------------------------------------------------------------------

    def _prepare(self, request: HttpRequest) -> tuple[Any, dict[str, str], bool]:
        body, headers, chunked = frame_request(request)
        if body is not None and chunked and not hasattr(body, "read") \
                and not isinstance(body, (bytes, bytearray, memoryview)):
            body = iter_body(body)
        return body, headers, chunked

    # -- the lean path ---------------------------------------------------------------

    def _h1_ssl_context(self) -> ssl.SSLContext:
        context = self._h1_context
        if context is None:
            context = self._h1_context = self._ssl_context()
        return context

    def _lean_pool(self, url: str) -> H1Pool | None:
        """The lean HTTP/1.1 pool if it can carry a request to ``url``: a direct
        connection (no proxy), plain HTTP or verified HTTPS. Unverified HTTPS stays with
        urllib3, which warns about it as boto3 users expect."""
        if not self._lean or self.proxy_url_for(url) is not None:
            return None
        scheme = url[:url.find(":")].lower()
        if scheme != "http" and (scheme != "https" or not self._verify):
            return None
        self._check_fork()
        pool = self._h1
        if pool is None:
            with self._lock:
                if self._h1 is None:
                    import socket

                    from ._h1 import H1Pool

                    options = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]  # as urllib3 sets
                    if self._tcp_keepalive:
                        options.append((socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1))
                    self._h1 = H1Pool(
                        connect_timeout=self._timeouts[0], read_timeout=self._timeouts[1],
                        maxsize=self._max_pool_connections, socket_options=options,
                        ssl_context=self._h1_ssl_context,
                    )
                pool = self._h1
        return pool

    def send(self, request: HttpRequest, *, stream: bool = False) -> HttpResponse:
        """Send ``request``; read the whole body unless ``stream``. Raises squall's
        connection errors (EndpointConnectionError, ConnectTimeoutError,
        ReadTimeoutError, SSLError, ProxyConnectionError, ConnectionClosedError,
        HTTPClientError) with the urllib3 error chained."""
        lean = self._lean_pool(request.url)
        if lean is not None:
            try:
                body, headers, chunked = self._prepare(request)
                if not chunked and (body is None or isinstance(body, bytes)):
                    return lean.send(request, headers, body, stream)
            except errors.SquallError:
                raise
            except Exception as e:
                raise errors.HTTPClientError(request=request, error=e) from e
        u3 = _lib().u3
        url = request.url
        proxy_url = self.proxy_url_for(url)
        try:
            manager = self._get_manager(proxy_url)
        except (OSError, ValueError) as e:  # unreadable CA bundle or client certificate
            if proxy_url is not None:
                raise errors.ProxyConnectionError(proxy_url=mask_proxy_url(proxy_url), error=e) from e
            raise errors.SSLError(endpoint_url=url, error=e) from e
        try:
            pool = self._pool_for(manager, url, proxy_url)
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
            response_headers = {k.lower(): v for k, v in raw.headers.itermerged()}
            if stream:
                return HttpResponse(status_code=raw.status, headers=response_headers,
                                    body=b"", stream=Urllib3ResponseStream(raw, url), wire_names=raw.headers)
            # Read here rather than via preload_content, which skips chunked bodies.
            data = raw.read(decode_content=False)
            raw.release_conn()
            return HttpResponse(status_code=raw.status, headers=response_headers, body=data,
                                wire_names=raw.headers)  # iterates the names as sent
        except u3.SSLError as e:
            raise errors.SSLError(endpoint_url=url, error=e) from e
        except (u3.NewConnectionError, _lib().socket.gaierror) as e:
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
            self._pools = {}
            h1, self._h1 = self._h1, None
        if h1 is not None:
            h1.close()
        for manager in managers:
            if manager is not None:
                manager.clear()

    def __enter__(self) -> "Urllib3Transport":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True

