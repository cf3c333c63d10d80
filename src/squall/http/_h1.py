"""A lean keep-alive HTTP/1.1 client for the common case of the sync transport.

Why: a small AWS call costs ~60 us in squall's own code and ~190 us inside urllib3 and
http.client (URL re-parsing, a Retry object, email-based header parsing, two sends per
request). Most calls are the simplest possible exchange -- a bytes body to a direct
HTTP(S) endpoint, a whole response read back or streamed (S3 GetObject) -- so
``Urllib3Transport`` sends those here and keeps urllib3 for everything else (proxies,
streamed or chunked request bodies, unverified TLS).

What it does: one pool of idle connections per origin (LIFO, at most ``maxsize`` kept,
more opened when busy, as urllib3 does without ``block``); a connection is reused only
after its response was read to the end and neither side asked to close, and is
checked for a server-side close before reuse. TLS uses the transport's own verifying
``SSLContext`` (hostname checked by ``ssl``). Requests go out in one ``sendall``;
responses may be ``Content-Length``, chunked or close-delimited. Errors are squall's,
mapped as the urllib3 path maps them. The caller drops the pool after ``fork()``.
"""
from __future__ import annotations

import re
import select
import socket
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from .. import exceptions as errors
from ._values import HttpRequest, HttpResponse

if TYPE_CHECKING:
    import ssl

__all__ = ["H1Pool", "H1Error"]

_MAX_LINE = 65536
_MAX_HEADERS = 100
_NO_BODY_STATUS = frozenset({204, 304})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_JOIN_LIMIT = 256 * 1024


class H1Error(Exception):
    """A malformed response (the urllib3 path would raise a ProtocolError)."""


class _NoResponse(H1Error):
    """The connection ended before a single byte of the response."""


class _Stale(Exception):
    """Internal: retry the exchange on a new connection."""


def _stale(send_error: OSError | None, read_error: BaseException) -> bool:
    """Whether a reused connection failed before any answer: reset or closed unanswered."""
    if send_error is not None and not isinstance(send_error, (ConnectionResetError, BrokenPipeError)):
        return False
    return isinstance(read_error, (_NoResponse, ConnectionResetError))


def _dropped(sock: socket.socket) -> bool:
    """True if an idle connection was closed by the server (readable means EOF or junk)."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class _Connection:
    __slots__ = ("sock", "rfile")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.rfile = sock.makefile("rb")

    def close(self) -> None:
        try:
            self.rfile.close()
        finally:
            self.sock.close()


class H1Pool:
    """Idle keep-alive connections per origin; ``send`` is safe to call from any thread."""

    def __init__(
        self, *, connect_timeout: float | None, read_timeout: float | None, maxsize: int,
        socket_options: list[tuple[int, int, int]], ssl_context: Callable[[], ssl.SSLContext],
    ) -> None:
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._maxsize = max(maxsize, 1)
        self._socket_options = socket_options
        self._ssl_context = ssl_context  # built on first HTTPS use
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._lock = threading.Lock()

    # -- pool --------------------------------------------------------------------------
    def _checkout(self, key: tuple[str, str, int]) -> _Connection | None:
        while True:
            with self._lock:
                idle = self._idle.get(key)
                conn = idle.pop() if idle else None
            if conn is None or not _dropped(conn.sock):
                return conn
            conn.close()

    def _checkin(self, key: tuple[str, str, int], conn: _Connection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._maxsize:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            pools, self._idle = self._idle, {}
        for idle in pools.values():
            for conn in idle:
                conn.close()

    def _connect(self, scheme: str, host: str, port: int, url: str) -> _Connection:
        try:
            sock = socket.create_connection((host, port), timeout=self._connect_timeout)
        except socket.timeout as e:
            raise errors.ConnectTimeoutError(endpoint_url=url, error=e) from e
        except OSError as e:  # refused, unreachable, name resolution (gaierror)
            raise errors.EndpointConnectionError(endpoint_url=url, error=e) from e
        try:
            for option in self._socket_options:
                sock.setsockopt(*option)
            if scheme == "https":
                import ssl

                try:
                    context = self._ssl_context()
                except (OSError, ValueError) as e:  # unreadable CA bundle or client certificate
                    raise errors.SSLError(endpoint_url=url, error=e) from e
                server_hostname = host.strip("[]")
                if "%" in server_hostname:  # an IPv6 zone id is not part of the name
                    server_hostname = server_hostname[: server_hostname.rfind("%")]
                try:
                    sock = context.wrap_socket(sock, server_hostname=server_hostname)
                except socket.timeout as e:
                    raise errors.ConnectTimeoutError(endpoint_url=url, error=e) from e
                except (ssl.SSLError, ssl.CertificateError) as e:
                    raise errors.SSLError(endpoint_url=url, error=e) from e
                except OSError as e:
                    raise errors.EndpointConnectionError(endpoint_url=url, error=e) from e
            sock.settimeout(self._read_timeout)
        except BaseException:
            sock.close()
            raise
        return _Connection(sock)

    # -- one exchange -------------------------------------------------------------------
    def send(self, request: HttpRequest, headers: dict[str, str], body: bytes | None,
             stream: bool = False) -> HttpResponse:
        """Send ``request`` with the transport's prepared ``headers`` and ``body`` (bytes
        or None) and read the whole response; with ``stream``, a ``Content-Length`` body
        is left on the connection for ``H1Stream`` to read on demand."""
        url = request.url
        parts = urlsplit(url)
        key = scheme, host, port = _origin(parts.scheme, parts.netloc)
        head = _request_head(request.method, parts, host, port, scheme, headers)
        # One write for the usual small request; no copy of a large body.
        pieces = (head + body,) if body and len(body) <= _JOIN_LIMIT else (head, body) if body else (head,)

        conn = self._checkout(key)
        reused = conn is not None
        if conn is None:
            conn = self._connect(scheme, host, port, url)
        while True:
            try:
                send_error: OSError | None = None
                try:
                    for piece in pieces:
                        conn.sock.sendall(piece)
                except socket.timeout as e:
                    raise errors.ReadTimeoutError(endpoint_url=url, error=e) from e
                except OSError as e:
                    # The server may have answered (say, 403) and closed before taking the
                    # whole body: read that answer if there is one, as urllib3 does.
                    send_error = e
                try:
                    status, response_headers, data, keep, names = _read_response(
                        conn.rfile, request.method, lazy=stream and send_error is None)
                except socket.timeout as e:
                    raise errors.ReadTimeoutError(endpoint_url=url, error=e) from e
                except (OSError, H1Error) as e:
                    if reused and _stale(send_error, e):
                        raise _Stale from e
                    cause = send_error or e
                    raise errors.ConnectionClosedError(endpoint_url=url, request=request, error=cause) from cause
                if send_error is not None:
                    keep = False
            except _Stale:
                # A pooled connection the server closed while we were sending (its idle
                # close raced our request): nothing was answered, so send once more on a
                # new connection (the body is bytes, so it can be).
                conn.close()
                reused = False
                conn = self._connect(scheme, host, port, url)
                continue
            except BaseException:
                conn.close()
                raise
            break
        keep = keep and "close" not in headers.get("Connection", "").lower()
        if isinstance(data, int):  # streamed: its length (or STREAMED_CHUNKS), still on the connection
            body_stream = H1Stream(self, key, conn, data, keep, url)
            return HttpResponse(status_code=status, headers=response_headers, body=b"",
                                stream=body_stream, wire_names=names)
        if keep:
            self._checkin(key, conn)
        else:
            conn.close()
        if stream:
            return HttpResponse(status_code=status, headers=response_headers, body=b"",
                                stream=H1Stream.of_bytes(data), wire_names=names)
        return HttpResponse(status_code=status, headers=response_headers, body=data, wire_names=names)


class H1Stream:
    """A streamed response body read from its connection on demand (``send(stream=True)``).

    ``Content-Length`` bodies and chunked ones (decoded as they are read, so an event
    stream's events come out as they arrive); the connection goes back to the pool once
    the body was read to its end and is closed if the stream is closed before that
    (unread bytes would poison it), as urllib3's release_conn does. Errors map as
    ``Urllib3ResponseStream``'s."""

    __slots__ = ("_pool", "_key", "_conn", "_left", "_keep", "_url", "_buffer", "_chunked", "_in_chunks")

    def __init__(self, pool: H1Pool | None, key: tuple[str, str, int], conn: _Connection | None,
                 length: int, keep: bool, url: str) -> None:
        self._pool = pool
        self._key = key
        self._conn = conn
        self._chunked = length == STREAMED_CHUNKS
        self._left = 0 if self._chunked else length  # chunked: left in the current chunk
        self._in_chunks = False
        self._keep = keep
        self._url = url
        self._buffer: Any = None

    @classmethod
    def of_bytes(cls, data: bytes) -> "H1Stream":
        """A body already read (close-delimited or empty) behind the same API."""
        import io

        stream = cls(None, ("", "", 0), None, 0, False, "")
        stream._buffer = io.BytesIO(data)
        return stream

    def read(self, amt: int | None = None) -> bytes:
        """``amt`` bytes (fewer only at the end), or everything left if None."""
        if self._buffer is not None:
            return self._buffer.read(amt)  # type: ignore[no-any-return]
        if not self._chunked:
            return self._mapped(self._left if amt is None or amt < 0 or amt > self._left else amt, whole=True)
        parts: list[bytes] = []
        left = amt if amt is not None and amt >= 0 else None
        while left is None or left > 0:
            part = self._mapped(left if left is not None else 1 << 20, whole=False)
            if not part:
                break
            parts.append(part)
            if left is not None:
                left -= len(part)
        return b"".join(parts)

    def read1(self, amt: int = 64 * 1024) -> bytes:
        """The next bytes as they arrive, at most ``amt`` (``b""`` at the end)."""
        if self._buffer is not None:
            return self._buffer.read(amt)  # type: ignore[no-any-return]
        return self._mapped(amt if self._chunked else min(amt, self._left), whole=False)

    def _mapped(self, want: int, *, whole: bool) -> bytes:
        try:
            return self._next(want, whole)
        except socket.timeout as e:
            self._release(reuse=False)
            raise errors.ReadTimeoutError(endpoint_url=self._url, error=e) from e
        except (OSError, H1Error) as e:
            self._release(reuse=False)
            raise errors.ResponseStreamingError(error=e) from e

    def _next(self, want: int, whole: bool) -> bytes:
        """At most ``want`` bytes of the body (exactly, for a Content-Length body read
        ``whole``); b"" at its end, when the connection is freed."""
        conn = self._conn
        if conn is None or want <= 0 and not self._chunked:
            return b""
        if self._chunked and not self._left and not self._next_chunk(conn):
            return b""
        size = min(want, self._left)
        data: bytes = conn.rfile.read(size) if whole or self._chunked else conn.rfile.read1(size)
        if not data or (self._chunked and len(data) < size):
            raise H1Error(f"IncompleteRead({len(data)} bytes read, {self._left - len(data)} more expected)")
        self._left -= len(data)
        if whole and len(data) < want:
            raise H1Error(f"IncompleteRead({len(data)} bytes read, {self._left} more expected)")
        if not self._left and not self._chunked:
            self._release(reuse=self._keep)
        return data

    def _next_chunk(self, conn: _Connection) -> bool:
        """Move to the next chunk; False (and the connection freed) after the last one."""
        if self._in_chunks:
            _readline(conn.rfile)  # the CRLF after the previous chunk
        self._in_chunks = True
        size = chunk_size(_readline(conn.rfile))
        if size == 0:
            while _readline(conn.rfile) not in (b"\r\n", b"\n", b""):  # trailers
                pass
            self._release(reuse=self._keep)
            return False
        self._left = size
        return True

    def _release(self, *, reuse: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if reuse and self._pool is not None:
            self._pool._checkin(self._key, conn)
        else:
            conn.close()

    def readable(self) -> bool:
        return True

    def __iter__(self) -> Any:
        while chunk := self.read(64 * 1024):
            yield chunk

    def close(self) -> None:
        if self._buffer is not None:
            self._buffer.close()
        # Read to its end, the connection went back already; else unread bytes poison it.
        self._release(reuse=False)

    @property
    def closed(self) -> bool:
        return self._conn is None if self._buffer is None else bool(self._buffer.closed)

    def __enter__(self) -> "H1Stream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# http.client's patterns against header injection, checked before anything is sent.
_LEGAL_NAME = re.compile(r"[^:\s][^:\r\n]*").fullmatch
_ILLEGAL_VALUE = re.compile(r"\n(?![ \t])|\r(?![ \t\n])").search


@lru_cache(maxsize=512)
def _legal_name(name: str) -> bool:
    return _LEGAL_NAME(name) is not None  # names repeat from call to call: checked once each


@lru_cache(maxsize=256)
def _origin(scheme: str, netloc: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL's origin; urlsplit's properties re-parse on each use.
    An invalid port raises ValueError (not cached)."""
    parts = urlsplit(f"{scheme}://{netloc}")
    scheme = scheme.lower()
    return scheme, parts.hostname or "", parts.port or _DEFAULT_PORTS[scheme]


def _request_head(method: str, parts: Any, host: str, port: int, scheme: str, headers: dict[str, str],
                  identity: bool = True) -> bytes:
    """The request line and headers in http.client/urllib3's order: Host and
    Accept-Encoding (unless given; with ``identity`` False, Host only, as aiohttp told
    to skip its automatic headers sends), then the request's own headers."""
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    lines = [f"{method} {target} HTTP/1.1", "", ""]
    has_host = has_encoding = False
    for name, value in headers.items():
        if value.__class__ is not str:
            value = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        # http.client's checks; the regexes run only when a CR/LF or odd name could fail them.
        if ("\r" in value or "\n" in value) and _ILLEGAL_VALUE(value):
            raise ValueError(f"Invalid header value {value!r}")
        if not _legal_name(name):
            raise ValueError(f"Invalid header name {name!r}")
        lowered = name.lower()
        if lowered == "host":
            has_host = True
        elif lowered == "accept-encoding":
            has_encoding = True
        lines.append(f"{name}: {value}")
    if not has_host:
        name = f"[{host}]" if ":" in host else host
        lines[1] = f"Host: {name}" if port == _DEFAULT_PORTS[scheme] else f"Host: {name}:{port}"
    if identity and not has_encoding:
        lines[2] = "Accept-Encoding: identity"
    lines = [line for line in lines if line]
    lines.append("\r\n")
    return "\r\n".join(lines).encode("latin-1")


def _readline(rfile: Any) -> bytes:
    line: bytes = rfile.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise H1Error("response line too long")
    return line


def _read_response(rfile: Any, method: str, lazy: bool = False) -> tuple[int, dict[str, str], bytes | int, bool, list[str]]:
    """(status, lower-cased headers with repeats joined by ", ", body, reusable, the
    header names as sent). ``lazy``: a ``Content-Length`` body is left unread and its
    length returned in place of the body."""
    first = True
    while True:
        version, status, headers, names = _read_head(rfile, first)
        first = False
        if status >= 200 or status == 101:
            break  # 100 Continue and other interim responses are skipped
    keep, framing, size = _framing(method, version, status, headers)
    if framing == NO_BODY:
        return status, headers, b"", keep, names
    if framing == CHUNKED:
        if lazy:  # streamed: decoded chunk by chunk as it is read (an event stream's events)
            return status, headers, STREAMED_CHUNKS, keep, names
        return status, headers, _read_chunked(rfile), keep, names
    if framing == LENGTH:
        if lazy and size > 0:
            return status, headers, size, keep, names
        data = rfile.read(size) if size > 0 else b""
        if len(data) < size:
            raise H1Error(f"IncompleteRead({len(data)} bytes read, {size - len(data)} more expected)")
        return status, headers, data, keep, names
    return status, headers, rfile.read(), False, names  # delimited by the server closing


# How a response body is delimited (see _framing).
NO_BODY, LENGTH, CHUNKED, UNTIL_CLOSE = range(4)
# _read_response's body for a chunked body left on the connection (lazy)
STREAMED_CHUNKS = -1


def _read_head(rfile: Any, first: bool = True) -> tuple[str, int, dict[str, str], list[str]]:
    """One response head (status line and headers) from a binary file: (version,
    status, lower-cased headers, names as sent). Pure given its input, so the asyncio
    client parses the head it read with ``io.BytesIO(head)``. Nothing at all to read
    raises _NoResponse if this is the ``first`` head of the exchange."""
    line = _readline(rfile)
    if not line:
        raise (_NoResponse if first else H1Error)("Remote end closed connection without response")
    version, _, rest = line.decode("iso-8859-1").rstrip("\r\n").partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/") or len(code) != 3 or not code.isdigit():
        raise H1Error(f"bad status line {line!r}")
    names: list[str] = []
    headers = _read_headers(rfile, names)
    return version, int(code), headers, names


def _framing(method: str, version: str, status: int, headers: dict[str, str]) -> tuple[bool, int, int]:
    """(reusable, framing, size): whether the connection may carry another exchange
    once this body is read, how the body is delimited (NO_BODY, LENGTH with ``size``
    bytes, CHUNKED or UNTIL_CLOSE) -- RFC 9112 section 6.3, as http.client decides."""
    connection = headers.get("connection", "").lower()
    keep = (version == "HTTP/1.1" and "close" not in connection) or \
        (version == "HTTP/1.0" and "keep-alive" in connection)
    if method == "HEAD" or status in _NO_BODY_STATUS or 100 <= status < 200:
        return keep, NO_BODY, 0
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return keep, CHUNKED, 0
    length = headers.get("content-length")
    if length is not None:
        try:
            size = int(length.split(",")[0].strip())
        except ValueError:
            raise H1Error(f"bad Content-Length {length!r}") from None
        return keep, LENGTH, size
    return False, UNTIL_CLOSE, 0


def _read_headers(rfile: Any, names: list[str]) -> dict[str, str]:
    """Lower-cased names (repeats joined by ", "); ``names`` gets each name as sent."""
    headers: dict[str, str] = {}
    last: str | None = None
    for _ in range(_MAX_HEADERS + 1):
        line = _readline(rfile)
        if line in (b"\r\n", b"\n", b""):
            return headers
        text = line.decode("iso-8859-1")
        if text[0] in " \t" and last is not None:  # obsolete line folding
            headers[last] = f"{headers[last]} {text.strip()}"
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise H1Error(f"bad header line {line!r}")
        wire = name.strip()
        names.append(wire)
        last = wire.lower()
        value = value.lstrip(" \t").rstrip("\r\n")
        headers[last] = f"{headers[last]}, {value}" if last in headers else value
    raise H1Error(f"got more than {_MAX_HEADERS} headers")


def chunk_size(line: bytes) -> int:
    """The size on a chunk's size line (extensions after ";" ignored)."""
    try:
        size = int(line.split(b";", 1)[0].strip(), 16)
    except ValueError:
        raise H1Error(f"bad chunk size line {line!r}") from None
    if size < 0:
        raise H1Error(f"bad chunk size line {line!r}")
    return size


def _read_chunked(rfile: Any) -> bytes:
    parts: list[bytes] = []
    while True:
        size = chunk_size(_readline(rfile))
        if size == 0:
            while _readline(rfile) not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(parts)
        chunk = rfile.read(size)
        if len(chunk) < size:
            raise H1Error("IncompleteRead in a chunk")
        parts.append(chunk)
        _readline(rfile)  # the CRLF after each chunk
