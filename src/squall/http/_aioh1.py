"""A lean keep-alive HTTP/1.1 client on asyncio streams: the async twin of ``_h1``.

Why: aiohttp costs ~150 ms to import (paid by the first call of every process) and
~250 us of CPU per request, while most AWS calls are the simplest possible exchange: a
bytes body to a direct HTTP(S) endpoint, the whole response read back or streamed (S3
GetObject). ``AiohttpTransport`` sends those here and keeps aiohttp for everything else
(proxies, streamed or chunked request bodies, unverified TLS).

What it does: ``AioH1Pool`` holds one event loop's connections per origin (asyncio
streams belong to their loop, so the transport keeps one pool per loop and retires the
pools of closed loops). Idle ones are reused LIFO; at most ``maxsize`` are open per
origin and further sends wait for one (within ``connect_timeout``), as aiohttp's
connector limit did for this transport: an asyncio program gathering a thousand calls
should not open a thousand sockets. A connection is reused only after its response was read to the end and neither side asked
to close, and is checked for a server-side close before reuse; a reused connection that
fails before any byte of the answer (the server's idle close racing us) is retried once
on a new one. The request head is ``_h1``'s, written with its bytes body at once; the
response head is parsed by ``_h1``'s pure parser. ``connect_timeout`` bounds TCP and TLS
set-up, ``read_timeout`` each wait for data. Errors are squall's, mapped as ``_h1`` and
``Urllib3Transport`` map theirs; a cancelled exchange closes its connection.
"""
from __future__ import annotations

import asyncio
import collections
import io
import socket
import ssl
import sys
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, TypeVar
from urllib.parse import urlsplit

from .. import exceptions as errors
from ._h1 import (
    CHUNKED, LENGTH, NO_BODY, UNTIL_CLOSE, H1Error, _framing, chunk_size, _JOIN_LIMIT, _MAX_HEADERS, _MAX_LINE,
    _NoResponse, _origin, _read_head, _request_head,
)
from ._values import HttpRequest, HttpResponse

if TYPE_CHECKING:
    import weakref

__all__ = ["AioH1Pool", "AioH1Stream"]

T = TypeVar("T")
# The stream buffer limit: a response head may hold _MAX_HEADERS lines of _MAX_LINE
# bytes as http.client allows; asyncio's 64 KiB default would refuse smaller ones.
_HEAD_LIMIT = _MAX_LINE * 4
_BLOCK = 256 * 1024  # close-delimited bodies are read in blocks of this size

if sys.version_info >= (3, 11):
    async def _within(aw: Awaitable[T], seconds: float | None) -> T:
        """``await aw``, raising TimeoutError after ``seconds`` (a cheap timer handle)."""
        if seconds is None:
            return await aw
        async with asyncio.timeout(seconds):
            return await aw
else:  # pragma: no cover - asyncio.timeout is 3.11+; wait_for wraps a task
    async def _within(aw: Awaitable[T], seconds: float | None) -> T:
        return await asyncio.wait_for(aw, seconds)


def _stale(error: BaseException) -> bool:
    """Whether a reused connection failed before any answer: reset or closed unanswered
    (a write to a reset connection surfaces as the read's error here)."""
    return isinstance(error, (_NoResponse, ConnectionResetError, BrokenPipeError))


class _Conn:
    __slots__ = ("reader", "writer", "sock", "key")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sock: socket.socket,
                 key: tuple[str, str, int]) -> None:
        self.reader = reader
        self.writer = writer
        self.sock = sock
        self.key = key

    def dropped(self) -> bool:
        """True if an idle connection was closed by the server, or sent unasked bytes
        (junk would be read as the next response)."""
        reader = self.reader
        return (reader.at_eof() or reader.exception() is not None or self.writer.transport.is_closing()
                or bool(getattr(reader, "_buffer", None)))

    def close(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        """Close now, without a TLS goodbye: after an error or a cancellation."""
        self.writer.transport.abort()


class AioH1Pool:
    """One event loop's idle keep-alive connections per origin. Use it from that loop
    only (no locks: a loop runs one task at a time, and nothing awaits in between a
    checkout and its bookkeeping). ``ssl_context`` is awaited on the first HTTPS connect,
    so that its file reads happen off the loop; ``sockets`` (optional) collects every
    socket opened, so their owner can close them once the loop itself has closed."""

    def __init__(
        self, *, loop: asyncio.AbstractEventLoop, connect_timeout: float | None,
        read_timeout: float | None, maxsize: int, tcp_keepalive: bool,
        ssl_context: Callable[[], Awaitable[ssl.SSLContext]],
        sockets: weakref.WeakSet[socket.socket] | None = None, accept_identity: bool = True,
    ) -> None:
        self._loop = loop
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._maxsize = max(maxsize, 1)
        self._keepalive = tcp_keepalive
        self._ssl_context = ssl_context
        self._sockets = sockets
        self._identity = accept_identity  # send _h1's "Accept-Encoding: identity"
        self._idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self._open: dict[tuple[str, str, int], int] = {}  # per origin: idle, busy or connecting
        self._waiters: dict[tuple[str, str, int], collections.deque[asyncio.Future[None]]] = {}
        self._closed = False

    # -- pool --------------------------------------------------------------------------
    async def _checkout(self, key: tuple[str, str, int], url: str) -> _Conn | None:
        """An idle connection, or None with a slot taken for a new one (waiting for a
        connection to come back or close while ``maxsize`` are open)."""
        while True:
            idle = self._idle.get(key)
            while idle:
                conn = idle.pop()
                if not conn.dropped():
                    return conn
                self._discard(conn)
            if self._open.get(key, 0) < self._maxsize or self._closed:
                self._open[key] = self._open.get(key, 0) + 1
                return None
            waiter = self._loop.create_future()
            waiters = self._waiters.setdefault(key, collections.deque())
            waiters.append(waiter)
            try:
                await _within(waiter, self._connect_timeout)
            except asyncio.TimeoutError as e:
                raise errors.ConnectTimeoutError(endpoint_url=url, error=e) from e
            finally:
                if waiter in waiters:
                    waiters.remove(waiter)
                elif not waiter.cancelled():  # woken but leaving: pass the turn on
                    self._wake(key)

    def _wake(self, key: tuple[str, str, int]) -> None:
        waiters = self._waiters.get(key)
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _checkin(self, conn: _Conn) -> None:
        if self._closed:
            self._discard(conn, abort=False)
            return
        self._idle.setdefault(conn.key, []).append(conn)
        self._wake(conn.key)

    def _discard(self, conn: _Conn, abort: bool = True) -> None:
        """Close a connection of this pool's and free its slot."""
        if abort:
            conn.abort()  # no TLS goodbye: after an error, a cancellation or unread bytes
        else:
            conn.close()
        self._free(conn.key)

    def _free(self, key: tuple[str, str, int]) -> None:
        self._open[key] = max(self._open.get(key, 0) - 1, 0)
        self._wake(key)

    async def _connect_in_slot(self, scheme: str, host: str, port: int, url: str) -> _Conn:
        """A new connection in the slot _checkout took (freed again if this fails)."""
        try:
            return await self._connect(scheme, host, port, url)
        except BaseException:
            self._free((scheme, host, port))
            raise

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        """Close every idle connection (call it on this pool's loop). Connections still
        streaming a body are closed when their stream ends."""
        self._closed = True
        idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                self._discard(conn)
        await asyncio.sleep(0)  # let the transports finish closing before a loop ends

    def abandon(self) -> None:
        """Close the idle connections from outside this pool's loop (best effort): a
        closed loop can no longer close its transports, so their sockets are closed."""
        self._closed = True
        idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                try:
                    if self._loop.is_closed():
                        conn.sock.close()
                    else:
                        conn.abort()  # runs when that loop next runs
                except (OSError, RuntimeError):
                    pass

    async def _connect(self, scheme: str, host: str, port: int, url: str) -> _Conn:
        context = None
        if scheme == "https":
            try:
                context = await self._ssl_context()
            except (OSError, ValueError) as e:  # unreadable CA bundle or client certificate
                raise errors.SSLError(endpoint_url=url, error=e) from e
        try:
            return await _within(self._open_connection(scheme, host, port, context), self._connect_timeout)
        except asyncio.TimeoutError as e:  # before OSError: TimeoutError is one on 3.11
            raise errors.ConnectTimeoutError(endpoint_url=url, error=e) from e
        except (ssl.SSLError, ssl.CertificateError) as e:
            raise errors.SSLError(endpoint_url=url, error=e) from e
        except OSError as e:  # refused, unreachable, name resolution (gaierror), reset in TLS
            raise errors.EndpointConnectionError(endpoint_url=url, error=e) from e

    async def _open_connection(self, scheme: str, host: str, port: int, context: ssl.SSLContext | None) -> _Conn:
        # Our own socket (not asyncio's) so that it can be closed even after its loop.
        try:  # an IP literal needs no resolver round trip
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        except socket.gaierror:  # a name: resolved in the loop's executor, off the loop
            infos = await self._loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        error: OSError | None = None
        for family, kind, proto, _, address in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.setblocking(False)
                if self._keepalive:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                await self._loop.sock_connect(sock, address)
            except OSError as e:
                sock.close()
                error = e
                continue
            except BaseException:
                sock.close()
                raise
            break
        else:
            raise error or OSError(f"no address found for {host!r}")
        if self._sockets is not None:
            self._sockets.add(sock)
        server_hostname = None
        if context is not None:
            server_hostname = host.strip("[]")
            if "%" in server_hostname:  # an IPv6 zone id is not part of the name
                server_hostname = server_hostname[: server_hostname.rfind("%")]
        try:
            # asyncio sets TCP_NODELAY on the transport, as urllib3 does on its sockets.
            reader, writer = await asyncio.open_connection(
                sock=sock, ssl=context, server_hostname=server_hostname, limit=_HEAD_LIMIT)
        except BaseException:
            sock.close()
            raise
        return _Conn(reader, writer, sock, (scheme, host, port))

    # -- one exchange -------------------------------------------------------------------
    async def send(self, request: HttpRequest, headers: dict[str, str], body: bytes | None,
                   stream: bool = False) -> HttpResponse:
        """Send ``request`` with the transport's prepared ``headers`` and ``body`` (bytes
        or None) and read the whole response, or with ``stream`` return its body as an
        ``AioH1Stream`` read on demand."""
        url = request.url
        parts = urlsplit(url)
        key = scheme, host, port = _origin(parts.scheme, parts.netloc)
        head = _request_head(request.method, parts, host, port, scheme, headers, self._identity)
        conn = await self._checkout(key, url)
        reused = conn is not None
        if conn is None:
            conn = await self._connect_in_slot(scheme, host, port, url)
        while True:
            try:
                writer = conn.writer
                # One write for the usual small request; no copy of a large body.
                if body and len(body) > _JOIN_LIMIT:
                    writer.write(head)
                    writer.write(body)
                else:
                    writer.write(head + body if body else head)
                version, status, response_headers, names = await self._read_head(conn.reader)
            except Exception as e:
                if reused and _stale(e):
                    # A pooled connection the server closed while we were sending (its
                    # idle close raced our request): nothing was answered, so send once
                    # more on a new connection (the body is bytes, so it can), in its slot.
                    conn.abort()
                    reused = False
                    conn = await self._connect_in_slot(scheme, host, port, url)
                    continue
                self._discard(conn)
                if isinstance(e, asyncio.TimeoutError):
                    raise errors.ReadTimeoutError(endpoint_url=url, error=e) from e
                if isinstance(e, (OSError, H1Error)):
                    raise errors.ConnectionClosedError(endpoint_url=url, request=request, error=e) from e
                raise
            except BaseException:  # cancelled: the answer may still come, so never reuse
                self._discard(conn)
                raise
            break
        keep, framing, size = _framing(request.method, version, status, response_headers)
        keep = keep and "close" not in headers.get("Connection", "").lower()
        body_stream = AioH1Stream(self, conn, framing, size, keep, url)
        if stream:
            return HttpResponse(status_code=status, headers=response_headers, body=b"",
                                stream=body_stream, wire_names=names)
        try:
            data = await body_stream._read(None)
        except Exception as e:
            body_stream._release(reuse=False)
            if isinstance(e, asyncio.TimeoutError):
                raise errors.ReadTimeoutError(endpoint_url=url, error=e) from e
            if isinstance(e, (OSError, H1Error)):
                raise errors.ConnectionClosedError(endpoint_url=url, request=request, error=e) from e
            raise
        except BaseException:
            body_stream._release(reuse=False)
            raise
        return HttpResponse(status_code=status, headers=response_headers, body=data, wire_names=names)

    async def _read_head(self, reader: asyncio.StreamReader) -> tuple[str, int, dict[str, str], list[str]]:
        """The final response head; interim 1xx heads but 101 are skipped, as in _h1."""
        first = True
        while True:
            try:
                block = await _within(reader.readuntil(b"\r\n\r\n"), self._read_timeout)
            except asyncio.IncompleteReadError as e:
                if first and not e.partial:
                    raise _NoResponse("Remote end closed connection without response") from None
                raise H1Error(f"connection closed in a response head ({len(e.partial)} bytes read)") from None
            except asyncio.LimitOverrunError:
                raise H1Error(f"response head longer than {_HEAD_LIMIT} bytes") from None
            version, status, headers, names = _read_head(io.BytesIO(block), first)
            first = False
            if status >= 200 or status == 101:
                return version, status, headers, names


class AioH1Stream:
    """A response body read from its connection on demand (``send(stream=True)``).

    ``read`` is a coroutine that reads whole amounts (fewer only at the end; ``b""``
    then); ``close`` is synchronous. The connection goes back to its pool once the body
    was read to its end (and neither side asked to close), and is closed if the stream
    is closed before that (unread bytes would poison it), as AiohttpResponseStream does.
    A chunked body is decoded chunk by chunk as it is read, a close-delimited one read
    until the server closes. Errors are squall's: ReadTimeoutError when no data came for
    ``read_timeout``, ResponseStreamingError for a broken or truncated body.
    """

    __slots__ = ("_pool", "_conn", "_framing", "_left", "_keep", "_url", "_in_chunks")
    is_async = True

    def __init__(self, pool: AioH1Pool, conn: _Conn, framing: int, size: int, keep: bool, url: str) -> None:
        self._pool = pool
        self._conn: _Conn | None = conn
        self._framing = framing
        self._left = size  # LENGTH: bytes left; CHUNKED: left in the current chunk
        self._keep = keep and framing != UNTIL_CLOSE
        self._url = url
        self._in_chunks = False
        if framing == NO_BODY or (framing == LENGTH and size <= 0):
            self._release(reuse=self._keep, done=True)  # nothing to read: free the connection now

    async def read(self, amt: int | None = None) -> bytes:
        """Read ``amt`` bytes (fewer only at the end), or everything left if None."""
        return await self._mapped(self._read(amt))

    async def read1(self, amt: int = _BLOCK) -> bytes:
        """The next bytes as they arrive, at most ``amt`` (``b""`` at the end): what an
        event-stream reader needs, so an event is handed over as soon as it is complete."""
        return await self._mapped(self._next(amt))

    async def _mapped(self, reading: Awaitable[bytes]) -> bytes:
        try:
            return await reading
        except asyncio.TimeoutError as e:  # before OSError: TimeoutError is one on 3.11
            self._release(reuse=False)
            raise errors.ReadTimeoutError(endpoint_url=self._url, error=e) from e
        except (OSError, H1Error) as e:
            self._release(reuse=False)
            raise errors.ResponseStreamingError(error=e) from e
        except BaseException:
            self._release(reuse=False)
            raise

    async def _read(self, amt: int | None) -> bytes:
        """Raw errors (TimeoutError, OSError, H1Error); the callers map them."""
        parts: list[bytes] = []
        want = amt if amt is not None and amt >= 0 else None
        while want is None or want > 0:
            part = await self._next(want)
            if not part:
                break
            parts.append(part)
            if want is not None:
                want -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    async def _next(self, want: int | None) -> bytes:
        """The next bytes of the body, at most ``want`` (one wait for data at most per
        piece of framing); ``b""`` at its end."""
        conn = self._conn
        if conn is None:
            return b""
        reader, timeout = conn.reader, self._pool._read_timeout
        if self._framing == UNTIL_CLOSE:
            data = await _within(reader.read(want or _BLOCK), timeout)
            if not data:
                self._release(reuse=False, done=True)
            return data
        if self._framing == CHUNKED and not self._left and not await self._next_chunk(reader, timeout):
            return b""
        size = self._left if want is None else min(want, self._left)
        # Bytes already buffered (a small body arrives with its head) need no timer.
        data = await (reader.read(size) if getattr(reader, "_buffer", None) else _within(reader.read(size), timeout))
        if not data:
            raise H1Error(f"IncompleteRead(the connection closed with {self._left} more bytes expected)")
        self._left -= len(data)
        if not self._left and self._framing == LENGTH:
            self._release(reuse=self._keep, done=True)
        return data

    async def _next_chunk(self, reader: asyncio.StreamReader, timeout: float | None) -> bool:
        """Read up to the next chunk's data; False (and the connection freed) after the
        last chunk and its trailers."""
        if self._in_chunks:
            await _line(reader, timeout)  # the CRLF after the previous chunk
        self._in_chunks = True
        size = chunk_size(await _line(reader, timeout))
        if size == 0:
            for _ in range(_MAX_HEADERS + 1):  # trailers, ignored
                if await _line(reader, timeout) in (b"\r\n", b"\n", b""):
                    self._release(reuse=self._keep, done=True)
                    return False
            raise H1Error(f"got more than {_MAX_HEADERS} trailers")
        self._left = size
        return True

    def _release(self, *, reuse: bool, done: bool = False) -> None:
        """Give the connection back (``reuse``) or close it: politely once the body was
        read to its end (``done``), at once otherwise."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if reuse:
            self._pool._checkin(conn)
        else:
            self._pool._discard(conn, abort=not done)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._release(reuse=False)  # read to its end, it was released already

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.read(64 * 1024):
            yield chunk

    async def __aenter__(self) -> "AioH1Stream":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


async def _line(reader: asyncio.StreamReader, timeout: float | None) -> bytes:
    try:
        return await _within(reader.readline(), timeout)
    except ValueError:  # longer than the stream's limit
        raise H1Error("response line too long") from None
