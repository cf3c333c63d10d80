"""The asyncio transport: pooled HTTP(S) over squall's lean client and aiohttp.

The async twin of ``Urllib3Transport``: it sends an ``HttpRequest`` and returns an
``HttpResponse``, nothing more (no retries, redirects, decompression, cookies or AWS
knowledge), with the same body rules, proxy handling, TLS options and squall errors, so
that the sync and async clients behave alike over the same core. As the sync transport
does with ``_h1``, it sends the plain exchanges (a bytes body to a direct HTTP or
verified HTTPS endpoint) through the lean ``_aioh1`` client and everything else
through aiohttp, which is then imported on first need only (~150 ms).

Event loops: a transport is built without a running loop (clients are made in a worker
thread) and keeps, per event loop, a lean pool and (once needed) an
``aiohttp.ClientSession``, since streams, sessions and pooled sockets belong to the loop
they were made on. The state of loops that have since closed is retired when another
loop shows up.

aiohttp is an optional dependency (``squall[aio]``).
"""
from __future__ import annotations

import asyncio
import io
import threading
import weakref
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterable
from urllib.parse import urlsplit

from .. import exceptions as errors
from ._aioh1 import AioH1Pool
from ._proxies import fix_proxy_url, mask_proxy_url, proxy_auth_headers
from ._transport import TransportBase, body_length, frame_request, iter_body, load_trust, truthy
from ._values import HttpRequest, HttpResponse

if TYPE_CHECKING:
    import socket
    import ssl

    import aiohttp

__all__ = ["AiohttpTransport", "AiohttpResponseStream"]

# File bodies are read in blocks of this size (in a worker thread); botocore measured
# 128 KiB as much faster than small blocks for large uploads.
_READ_BLOCK = 128 * 1024
# http.client's limits, which the sync transport inherits; aiohttp's default 8190-byte
# lines would reject responses the sync client accepts.
_MAX_LINE = 65536
# aiohttp adds these unless told not to; the request must arrive as signed.
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


@cache
def _lib() -> SimpleNamespace:
    """aiohttp and yarl, imported when a transport first sends (~150 ms to import)."""
    try:
        import aiohttp
        import yarl
    except ImportError as e:
        raise ImportError("squall's asyncio transport needs aiohttp: pip install 'squall[aio]'") from e
    return SimpleNamespace(aiohttp=aiohttp, URL=yarl.URL)


def _ssl_context(verify: bool | str, client_cert: str | tuple[str, str] | None) -> ssl.SSLContext:
    """The client TLS context, built as Urllib3Transport builds its own (minus urllib3,
    which asyncio users need not import). Reads CA and certificate files: call it off
    the event loop."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # urllib3's floor too
    context.options |= ssl.OP_NO_COMPRESSION
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    load_trust(context, verify, client_cert)
    return context


class _LoopSession:
    """What a transport keeps for one event loop: ``session``, the lean client's pool
    (made with the entry: it costs nothing until it connects); ``web``, the aiohttp
    session, made when an exchange first needs aiohttp; ``sockets``, every socket
    either opened (kept weakly, so that they can be closed once the loop has closed)."""

    __slots__ = ("loop", "session", "web", "sockets")

    def __init__(self, loop: asyncio.AbstractEventLoop, session: AioH1Pool,
                 sockets: weakref.WeakSet[socket.socket]) -> None:
        self.loop = loop
        self.session = session
        self.web: aiohttp.ClientSession | None = None
        self.sockets = sockets

    async def aclose(self) -> None:
        await self.session.close()
        if self.web is not None:
            await self.web.close()


class AiohttpResponseStream:
    """A response body read on demand (``send(..., stream=True)``).

    ``read`` is a coroutine; ``close`` is synchronous (as aiohttp's release is): it
    returns the connection to the pool if the body was read to the end and discards it
    otherwise. Errors are squall's, as Urllib3ResponseStream raises them.
    """

    __slots__ = ("_response", "_url", "_done")
    is_async = True

    def __init__(self, response: aiohttp.ClientResponse, url: str) -> None:
        self._response = response
        self._url = url
        self._done = False

    async def read(self, amt: int | None = None) -> bytes:
        """Read ``amt`` bytes (fewer only at the end), or everything left if None;
        ``b""`` at the end. Reads whole amounts as urllib3 does, so framing readers
        (event streams) can rely on the size they ask for."""
        content = self._response.content
        try:
            if amt is None:
                data = await content.read()
                self._done = True
                return data
            parts: list[bytes] = []
            wanted = amt
            while wanted > 0:
                part = await content.read(wanted)
                if not part:
                    self._done = True
                    break
                parts.append(part)
                wanted -= len(part)
        except errors.SquallError:
            raise
        except Exception as e:
            raise _stream_error(e, self._url) from e
        return parts[0] if len(parts) == 1 else b"".join(parts)

    async def read1(self, amt: int = 64 * 1024) -> bytes:
        """The next bytes as they arrive, at most ``amt`` (``b""`` at the end)."""
        try:
            data: bytes = await self._response.content.read(amt)  # aiohttp: what is there, up to amt
        except errors.SquallError:
            raise
        except Exception as e:
            raise _stream_error(e, self._url) from e
        if not data:
            self._done = True
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if self._done:
            self._response.release()
        else:
            self._response.close()  # unread bytes would poison a reused connection

    @property
    def closed(self) -> bool:
        return bool(self._response.closed)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.read(64 * 1024):
            yield chunk

    async def __aenter__(self) -> "AiohttpResponseStream":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class AiohttpTransport(TransportBase):
    """Send ``HttpRequest``s over pooled aiohttp connections, from any event loop.

    The options are Urllib3Transport's (TransportBase); ``tcp_keepalive`` sets
    SO_KEEPALIVE (aiohttp's client does not by default). ``proxies_config``: aiohttp
    verifies an HTTPS proxy with the endpoint's TLS settings and always tunnels HTTPS,
    so ``proxy_ca_bundle``, ``proxy_client_cert`` and ``proxy_use_forwarding_for_https``
    are refused (InvalidConfigError) when an HTTPS proxy is configured.

    Timeouts: ``connect_timeout`` bounds connecting (TCP, proxy tunnel and TLS) and the
    wait for a free pooled connection (at most ``max_pool_connections`` are open: per
    origin on the lean path, in all as aiohttp counts them); ``read_timeout`` bounds
    each wait for data from the server.
    """

    def _setup(self) -> None:
        self._check_proxies_config(self._proxies_config)
        # Guards the sessions map: loops in different threads may share a transport.
        self._lock = threading.Lock()
        self._sessions: dict[asyncio.AbstractEventLoop, _LoopSession] = {}
        self._ssl: ssl.SSLContext | None = None

    def _check_proxies_config(self, config: dict[str, Any]) -> None:
        https_proxies = [url for scheme, url in self._proxies.by_scheme.items()
                         if scheme != "no" and fix_proxy_url(url).startswith("https:")]
        if not https_proxies:
            return  # these options only concern HTTPS proxies (urllib3 ignores them too)
        unsupported = [name for name in ("proxy_ca_bundle", "proxy_client_cert")
                       if config.get(name) is not None]
        if truthy(config.get("proxy_use_forwarding_for_https")):
            unsupported.append("proxy_use_forwarding_for_https")
        if unsupported:
            raise errors.InvalidConfigError(error_msg=(
                f"proxies_config option(s) {', '.join(unsupported)} are not supported by the "
                "aiohttp transport: aiohttp verifies an HTTPS proxy with the endpoint's TLS "
                "settings (verify, client_cert) and always tunnels HTTPS with CONNECT"))

    # -- proxies ---------------------------------------------------------------------

    # -- sessions --------------------------------------------------------------------

    async def _context(self) -> ssl.SSLContext:
        context = self._ssl
        if context is None:
            # Reading the CA bundle is file I/O: keep it off the loop. Concurrent first
            # sends may each build one; the first stored wins, so connections pool.
            built = await asyncio.to_thread(_ssl_context, self._verify, self._client_cert)
            with self._lock:
                if self._ssl is None:
                    self._ssl = built
                context = self._ssl
        return context

    def _entry(self) -> _LoopSession:
        """The running loop's entry, made on first use. Nothing here awaits, so tasks
        of one loop cannot race; the lock covers loops in other threads."""
        loop = asyncio.get_running_loop()
        entry = self._sessions.get(loop)
        if entry is not None:
            return entry
        with self._lock:
            entry = self._sessions.get(loop)
            if entry is None:
                stale = [e for e in self._sessions.values() if e.loop.is_closed()]
                for old in stale:
                    del self._sessions[old.loop]
                    _retire(old)
                sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
                pool = AioH1Pool(
                    loop=loop, connect_timeout=self._timeouts[0], read_timeout=self._timeouts[1],
                    maxsize=self._max_pool_connections, tcp_keepalive=self._tcp_keepalive,
                    ssl_context=self._context, sockets=sockets,
                    accept_identity=False)  # the wire aiohttp sends: no Accept-Encoding added
                entry = self._sessions[loop] = _LoopSession(loop, pool, sockets)
            return entry

    def _web_session(self, entry: _LoopSession) -> aiohttp.ClientSession:
        """The loop's aiohttp session, made on first need (on the loop: no await)."""
        web = entry.web
        if web is None or web.closed:
            web = entry.web = self._new_session(entry.sockets)
        return web

    def _new_session(self, sockets: weakref.WeakSet[socket.socket]) -> aiohttp.ClientSession:
        import socket

        lib = _lib().aiohttp
        keepalive = self._tcp_keepalive

        def make_socket(addr_info: Any) -> socket.socket:
            family, kind, proto = addr_info[0], addr_info[1], addr_info[2]
            sock = socket.socket(family=family, type=kind, proto=proto)
            if keepalive:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            sockets.add(sock)
            return sock

        connect, read = self._timeouts
        connector = lib.TCPConnector(limit=self._max_pool_connections, socket_factory=make_socket)
        session: aiohttp.ClientSession = lib.ClientSession(
            connector=connector,
            cookie_jar=lib.DummyCookieJar(),
            skip_auto_headers=_SKIP_AUTO_HEADERS,
            auto_decompress=False,
            trust_env=False,  # proxies are this transport's decision, made above
            requote_redirect_url=False,
            timeout=lib.ClientTimeout(total=None, connect=connect, sock_connect=connect,
                                          sock_read=read),
            max_line_size=_MAX_LINE,
            max_field_size=_MAX_LINE,
        )
        return session

    # -- sending ---------------------------------------------------------------------

    def _prepare(self, request: HttpRequest) -> tuple[Any, dict[str, str], bool]:
        """Body, headers and chunking, framed as Urllib3Transport frames them; file and
        iterable bodies become async iterators that aiohttp streams."""
        body, headers, chunked = frame_request(
            request, lambda b: None if hasattr(b, "__aiter__") else body_length(b))
        if chunked:
            # aiohttp frames the body only when asked to (chunked=True), and then adds
            # the header itself; a header alone would send the body unframed.
            headers = {k: v for k, v in headers.items() if k.lower() != "transfer-encoding"}
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)) \
                and not hasattr(body, "__aiter__"):
            body = _read_file(body) if hasattr(body, "read") else _aiter(iter_body(body))
        return body, headers, chunked

    def _is_lean(self, url: str, proxy_url: str | None, body: Any, chunked: bool) -> bool:
        """Whether _aioh1 carries this exchange (Urllib3Transport._lean_pool's rule): a
        direct connection, plain HTTP or verified HTTPS (unverified stays with aiohttp,
        as it stays with urllib3 in the sync transport), a bytes body or none."""
        if not self._lean or proxy_url is not None or chunked or not (body is None or isinstance(body, bytes)):
            return False
        scheme = url[:url.find(":")].lower()
        return scheme == "http" or (scheme == "https" and bool(self._verify))

    async def send(self, request: HttpRequest, *, stream: bool = False) -> HttpResponse:
        """Send ``request``; read the whole body unless ``stream``. Raises squall's
        connection errors (EndpointConnectionError, ConnectTimeoutError,
        ReadTimeoutError, SSLError, ProxyConnectionError, ConnectionClosedError,
        HTTPClientError) with the underlying error chained."""
        url = request.url
        proxy_url = self.proxy_url_for(url)
        try:
            entry = self._entry()
            body, headers, chunked = self._prepare(request)
            if self._is_lean(url, proxy_url, body, chunked):
                return await entry.session.send(request, headers, body, stream)
        except errors.SquallError:
            raise
        except Exception as e:
            raise errors.HTTPClientError(request=request, error=e) from e
        if not _lib.cache_info().currsize:
            # The first aiohttp send anywhere imports it (~150 ms): not on the event loop.
            await asyncio.to_thread(_lib)
        try:
            session = self._web_session(entry)
        except Exception as e:
            raise errors.HTTPClientError(request=request, error=e) from e
        kwargs: dict[str, Any] = {}
        if url[:6].lower() == "https:" or (proxy_url or "").startswith("https:"):
            try:
                kwargs["ssl"] = await self._context()
            except (OSError, ValueError) as e:  # unreadable CA bundle or client certificate
                if proxy_url is not None:
                    raise errors.ProxyConnectionError(proxy_url=mask_proxy_url(proxy_url), error=e) from e
                raise errors.SSLError(endpoint_url=url, error=e) from e
        lib = _lib()
        if proxy_url is not None:
            auth = proxy_auth_headers(proxy_url)
            kwargs["proxy"] = lib.URL(proxy_url).with_user(None)
            if url[:6].lower() == "https:":
                kwargs["proxy_headers"] = auth  # sent with CONNECT, not to the origin
            else:
                headers.update(auth)  # a forwarding proxy reads it from the request
        response: aiohttp.ClientResponse | None = None
        try:
            response = await session.request(
                request.method, lib.URL(url, encoded=True),  # encoded: the path as signed
                headers=headers, data=body, chunked=True if chunked else None,
                allow_redirects=False, **kwargs)
            response_headers, wire_names = _headers(response.raw_headers)
            if stream:
                return HttpResponse(status_code=response.status, headers=response_headers, body=b"",
                                    stream=AiohttpResponseStream(response, url), wire_names=wire_names)
            data = await response.read()
            response.release()
            return HttpResponse(status_code=response.status, headers=response_headers, body=data,
                                wire_names=wire_names)
        except errors.SquallError:
            if response is not None:
                response.close()
            raise
        except BaseException as e:
            if response is not None:
                response.close()  # cancelled or failed: the connection is not reusable
            if not isinstance(e, Exception):
                raise
            raise _send_error(e, request, proxy_url) from e

    async def close(self) -> None:
        """Close every pooled connection. The transport stays usable (a later ``send``
        makes a new session)."""
        with self._lock:
            entries = list(self._sessions.values())
            self._sessions.clear()
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for entry in entries:
            if entry.loop is current:
                await entry.aclose()
            else:
                _retire(entry)

    async def __aenter__(self) -> "AiohttpTransport":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _retire(entry: _LoopSession) -> None:
    """Close a session from outside its loop, as far as that loop's state allows
    (best effort: a failure here must not fail the send that found the old session)."""
    try:
        _retire_session(entry)
    except Exception:  # noqa: BLE001
        pass


def _retire_session(entry: _LoopSession) -> None:
    loop, web = entry.loop, entry.web
    if loop.is_closed():
        # Its transports can no longer be closed through the loop: close the sockets
        # themselves, and mark the connector closed so it does not warn later.
        for sock in list(entry.sockets):
            try:
                sock.close()
            except OSError:
                pass
        entry.session.abandon()
        if web is not None:
            _close_connector(web)
    elif loop.is_running():  # in another thread
        asyncio.run_coroutine_threadsafe(entry.aclose(), loop)
    else:  # idle: its closes run whenever that loop runs again
        entry.session.abandon()
        if web is not None:
            _close_connector(web)


def _close_connector(session: aiohttp.ClientSession) -> None:
    """Close the connector without awaiting (``close()`` would await futures of another
    loop): aiohttp's synchronous ``_close`` schedules the transports' closing on their
    loop, or only marks the connector closed if that loop is gone."""
    closer = getattr(session.connector, "_close", None)
    try:
        if closer is not None:
            closer()
    finally:
        session.detach()  # the session counts as closed and will not warn


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> tuple[dict[str, str], list[str]]:
    """Lower-cased names with repeats joined by ", " (urllib3's itermerged), and the
    names as received. Decoded as ISO-8859-1, as http.client (so urllib3) decodes them."""
    merged: dict[str, str] = {}
    names: list[str] = []
    for raw_name, raw_value in raw:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        names.append(name)
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged, names


async def _aiter(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def _read_file(body: Any) -> AsyncIterator[bytes]:
    """A file object's remaining bytes. Real files are read in a worker thread so the
    loop never waits on the disk; in-memory buffers are read directly."""
    in_memory = isinstance(body, io.BytesIO)
    while True:
        chunk = body.read(_READ_BLOCK) if in_memory else await asyncio.to_thread(body.read, _READ_BLOCK)
        if not chunk:
            return
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _proxy_failed(e: BaseException, proxy_url: str) -> bool:
    """Did a connector error happen on the way to the proxy itself?"""
    aiohttp = _lib().aiohttp
    if isinstance(e, (aiohttp.ClientProxyConnectionError, aiohttp.ClientHttpProxyError)):
        return True
    if isinstance(e, aiohttp.ClientConnectorError):  # e.g. an HTTPS proxy's certificate
        parts = urlsplit(proxy_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return (e.host, e.port) == (parts.hostname, port)
    return False


def _send_error(e: Exception, request: HttpRequest, proxy_url: str | None) -> errors.SquallError:
    """The squall error for an aiohttp failure, as Urllib3Transport maps urllib3's."""
    import socket
    import ssl

    aiohttp = _lib().aiohttp
    url = request.url
    if proxy_url is not None and (
            _proxy_failed(e, proxy_url) or isinstance(e, aiohttp.ConnectionTimeoutError)):
        # Every connection goes to the proxy first, so a connect timeout is the proxy's.
        return errors.ProxyConnectionError(proxy_url=mask_proxy_url(proxy_url), error=e)
    if isinstance(e, (aiohttp.ClientSSLError, ssl.SSLError, ssl.CertificateError,
                      aiohttp.ServerFingerprintMismatch)):
        return errors.SSLError(endpoint_url=url, error=e)
    if isinstance(e, (aiohttp.ClientConnectorError, socket.gaierror)):  # refused, DNS
        return errors.EndpointConnectionError(endpoint_url=url, error=e)
    if isinstance(e, aiohttp.ConnectionTimeoutError):
        return errors.ConnectTimeoutError(endpoint_url=url, error=e)
    if isinstance(e, asyncio.TimeoutError):  # SocketTimeoutError: no data for read_timeout
        return errors.ReadTimeoutError(endpoint_url=url, error=e)
    if isinstance(e, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError,
                      aiohttp.ClientOSError, ConnectionError)):
        return errors.ConnectionClosedError(endpoint_url=url, request=request, error=e)
    return errors.HTTPClientError(request=request, error=e)


def _stream_error(e: Exception, url: str) -> errors.SquallError:
    """The squall error for a failed streamed read, as Urllib3ResponseStream raises:
    ReadTimeoutError for a timeout, ResponseStreamingError for a broken body."""
    aiohttp = _lib().aiohttp
    if isinstance(e, asyncio.TimeoutError):
        return errors.ReadTimeoutError(endpoint_url=url, error=e)
    if isinstance(e, (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError, ConnectionError)):
        return errors.ResponseStreamingError(error=e)
    return errors.HTTPClientError(error=e)
