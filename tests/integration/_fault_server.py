"""A loopback HTTP server that misbehaves on cue, for retry tests.

The test gives it a script: one action per request, in order (``Reply``, ``Drop``,
``SlowHeaders``, ``SlowBody``); once the script is used up every request gets the
``default`` action. It records each request it received (headers, body, arrival time).

It is bounded so that a broken test cannot leave it running: it answers at most
``max_requests`` requests, shuts itself down after ``lifetime`` seconds, and every slow
action wakes up early when the server stops.
"""
from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Iterator, Mapping, Union

__all__ = [
    "Reply", "Drop", "SlowHeaders", "SlowBody", "Action", "Received", "FaultServer",
    "json_error", "ok",
]


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Drop:
    """Read the request, then close the connection without answering (TCP reset if ``reset``)."""

    reset: bool = True


@dataclass(frozen=True, slots=True)
class SlowHeaders:
    """Wait ``delay`` seconds before the status line, then send ``reply``."""

    delay: float
    reply: Reply = field(default_factory=Reply)


@dataclass(frozen=True, slots=True)
class SlowBody:
    """Send the headers and the first half of the body, wait ``delay``, then the rest."""

    delay: float
    reply: Reply = field(default_factory=Reply)


Action = Union[Reply, Drop, SlowHeaders, SlowBody]


def json_error(code: str, status: int = 400, message: str = "injected fault",
               headers: Mapping[str, str] | None = None) -> Reply:
    """An AWS JSON protocol error response (``__type`` plus ``message``)."""
    body = json.dumps({"__type": code, "message": message}).encode()
    return Reply(status, body, {"Content-Type": "application/x-amz-json-1.0", **(headers or {})})


def ok(payload: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(dict(payload or {})).encode()
    return Reply(200, body, {"Content-Type": "application/x-amz-json-1.0", **(headers or {})})


@dataclass(frozen=True, slots=True)
class Received:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    at: float  # time.monotonic() on arrival


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: "_Server"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        owner = self.server.owner
        body = self._read_body()
        action = owner._next(Received(
            method=self.command, path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()}, body=body, at=time.monotonic(),
        ))
        if isinstance(action, Drop):
            if action.reset:  # SO_LINGER 0: close() sends RST instead of FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if isinstance(action, SlowHeaders):
            owner._stopped.wait(action.delay)
            self._send(action.reply)
        elif isinstance(action, SlowBody):
            half = len(action.reply.body) // 2
            self._send(action.reply, body=action.reply.body[:half])
            self.wfile.flush()
            owner._stopped.wait(action.delay)
            self.wfile.write(action.reply.body[half:])
        else:
            self._send(action)

    def _send(self, reply: Reply, body: bytes | None = None) -> None:
        self.send_response_only(reply.status)
        names = {k.lower() for k in reply.headers}
        if "date" not in names:  # a reply may bring its own Date (clock-skew tests)
            self.send_header("Date", self.date_time_string())
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if "x-amzn-requestid" not in names:
            self.send_header("x-amzn-RequestId", "fault-server")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body if body is None else body)

    def _guarded(self) -> None:
        try:
            self._handle()
        except (ConnectionError, OSError):  # the client went away (read timeouts do that)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _guarded


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "FaultServer"


class FaultServer:
    """``with FaultServer([...]) as server: client(endpoint_url=server.url)``."""

    def __init__(self, script: Iterable[Action] = (), *, default: Action | None = None,
                 max_requests: int = 500, lifetime: float = 60.0) -> None:
        self._script: list[Action] = list(script)
        self._default = default if default is not None else ok()
        self._max_requests = max_requests
        self._lifetime = lifetime
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._stop_lock = threading.Lock()
        self.received: list[Received] = []
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._serve, name="fault-server", daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, actions: Iterable[Action], default: Action | None = None) -> None:
        """Replace what is left of the script (and optionally the default action)."""
        with self._lock:
            self._script = list(actions)
            if default is not None:
                self._default = default

    def _next(self, received: Received) -> Action:
        with self._lock:
            self.received.append(received)
            if len(self.received) > self._max_requests:
                threading.Thread(target=self.stop, daemon=True).start()
                return Drop()
            return self._script.pop(0) if self._script else self._default

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)

    def start(self) -> "FaultServer":
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        with self._stop_lock:
            if self._stopped.is_set():
                return
            self._stopped.set()
        self._timer.cancel()
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which must be running
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __iter__(self) -> Iterator[Received]:
        with self._lock:
            return iter(list(self.received))
