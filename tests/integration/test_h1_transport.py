"""The transport's lean HTTP/1.1 path (squall.http._h1) against raw loopback servers.

The behaviour shared with the urllib3 path is in test_urllib3_transport.py; these cases
cover what only a hand-written client can get wrong: framing, keep-alive and reuse.
"""
from __future__ import annotations

import socket
import threading
from typing import Callable, Iterator

import pytest

from squall import exceptions as errors
from squall.http import HttpRequest, Urllib3Transport

# request head+body -> what to send back, in pieces (None: close without an answer)
Reply = Callable[[bytes], "list[bytes] | None"]


class RawServer:
    """Accepts connections on 127.0.0.1, reads one request at a time and answers with
    ``reply``; records every request and how many connections were opened."""

    def __init__(self, reply: Reply, close_after: bool = False) -> None:
        self.reply = reply
        self.close_after = close_after
        self.requests: list[bytes] = []
        self.connections = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        rfile = conn.makefile("rb")
        try:
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = rfile.readline()
                    if not line:
                        return
                    head += line
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = head + rfile.read(length)
                self.requests.append(request)
                pieces = self.reply(request)
                if pieces is None:  # hang up without answering
                    return
                for piece in pieces:
                    conn.sendall(piece)
                if self.close_after:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
        except OSError:
            return
        finally:
            rfile.close()
            conn.close()

    def drop_idle(self) -> None:
        """Close every connection from the server side (as an idle timeout would)."""
        for conn in self._open:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()
        self.drop_idle()


def _ok(body: bytes = b"{}", extra: bytes = b"") -> list[bytes]:
    return [b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)]


@pytest.fixture
def transport() -> Iterator[Urllib3Transport]:
    t = Urllib3Transport(connect_timeout=5, read_timeout=5)
    yield t
    t.close()


def _serve(reply: Reply, close_after: bool = False) -> Iterator[RawServer]:
    server = RawServer(reply, close_after)
    yield server
    server.close()


@pytest.fixture
def ok_server() -> Iterator[RawServer]:
    yield from _serve(lambda request: _ok(b'{"ok": true}', b"x-amzn-requestid: r1\r\n"))


def _post(url: str, body: bytes = b"{}") -> HttpRequest:
    return HttpRequest(method="POST", url=f"{url}/", headers={"Content-Type": "application/x-amz-json-1.0"},
                       body=body)


def test_one_write_per_request_and_connection_reuse(ok_server: RawServer, transport: Urllib3Transport) -> None:
    for i in range(5):
        resp = transport.send(_post(ok_server.url, b'{"n": %d}' % i))
        assert resp.status_code == 200 and resp.body == b'{"ok": true}'
        assert resp.headers == {"content-length": "12", "x-amzn-requestid": "r1"}
    assert ok_server.connections == 1
    head, _, body = ok_server.requests[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST / HTTP/1.1"
    assert lines[1] == b"Host: 127.0.0.1:%d" % ok_server.port
    assert b"Accept-Encoding: identity" in lines and b"Content-Length: 8" in lines
    assert body == b'{"n": 0}'
    assert transport._manager is None  # urllib3 was not needed


def test_server_closing_an_idle_connection_is_noticed(ok_server: RawServer, transport: Urllib3Transport) -> None:
    transport.send(_post(ok_server.url))
    ok_server.drop_idle()
    import time

    time.sleep(0.05)
    assert transport.send(_post(ok_server.url)).status_code == 200
    assert ok_server.connections == 2


def test_connection_close_is_honoured() -> None:
    for server in _serve(lambda request: _ok(b"{}", b"Connection: close\r\n"), close_after=True):
        transport = Urllib3Transport()
        for _ in range(3):
            assert transport.send(_post(server.url)).body == b"{}"
        assert server.connections == 3
        transport.close()


def test_body_delimited_by_close() -> None:
    for server in _serve(lambda request: [b"HTTP/1.1 200 OK\r\n\r\n", b"until ", b"the end"], close_after=True):
        transport = Urllib3Transport()
        assert transport.send(_post(server.url)).body == b"until the end"
        assert transport.send(_post(server.url)).body == b"until the end"
        assert server.connections == 2
        transport.close()


def test_chunked_with_extensions_and_trailers() -> None:
    reply = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
             b"5;ext=1\r\nhello\r\n", b"6\r\n world\r\n", b"0\r\nX-Trailer: t\r\n\r\n"]
    for server in _serve(lambda request: reply):
        transport = Urllib3Transport()
        assert transport.send(_post(server.url)).body == b"hello world"
        assert transport.send(_post(server.url)).body == b"hello world"
        assert server.connections == 1
        transport.close()


def test_interim_100_continue_is_skipped_and_head_has_no_body() -> None:
    def reply(request: bytes) -> list[bytes]:
        if request.startswith(b"HEAD"):
            return [b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"]
        return [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 204 No Content\r\nX-A: 1\r\nX-A: 2\r\n\r\n"]

    for server in _serve(reply):
        transport = Urllib3Transport()
        resp = transport.send(_post(server.url))
        assert resp.status_code == 204 and resp.body == b"" and resp.headers["x-a"] == "1, 2"
        head = transport.send(HttpRequest(method="HEAD", url=f"{server.url}/"))
        assert head.status_code == 200 and head.body == b"" and head.headers["content-length"] == "99"
        assert transport.send(_post(server.url)).status_code == 204
        assert server.connections == 1
        transport.close()


def test_truncated_and_garbage_responses_are_connection_closed() -> None:
    replies = iter([[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"], [b"garbage\r\n\r\n"], []])
    for server in _serve(lambda request: next(replies), close_after=True):
        transport = Urllib3Transport()
        for _ in range(3):
            with pytest.raises(errors.ConnectionClosedError) as info:
                transport.send(_post(server.url))
            assert info.value.__cause__ is not None
        transport.close()


def test_header_injection_is_refused_before_sending(ok_server: RawServer, transport: Urllib3Transport) -> None:
    bad = HttpRequest(method="GET", url=f"{ok_server.url}/", headers={"X-Bad": "a\r\nInjected: 1"})
    with pytest.raises(errors.HTTPClientError):
        transport.send(bad)
    assert ok_server.requests == []


def test_lean_path_can_be_turned_off(ok_server: RawServer) -> None:
    transport = Urllib3Transport(lean_http1=False)
    assert transport.send(_post(ok_server.url)).body == b'{"ok": true}'
    assert transport._h1 is None and transport._manager is not None
    transport.close()


def test_streamed_body_is_read_on_demand_and_frees_its_connection() -> None:
    payload = bytes(range(256)) * 40  # 10 KiB
    for server in _serve(lambda request: _ok(payload)):
        transport = Urllib3Transport()
        resp = transport.send(_post(server.url), stream=True)
        assert resp.body == b"" and resp.headers["content-length"] == str(len(payload))
        assert resp.stream.read(1000) == payload[:1000]
        assert resp.stream.read() == payload[1000:] and resp.stream.read() == b""
        assert resp.stream.closed  # read to the end: the connection went back to the pool
        # Closed half-read: that connection is dropped, the next request opens another.
        partial = transport.send(_post(server.url), stream=True)
        assert partial.stream.read(10) == payload[:10]
        partial.stream.close()
        assert transport.send(_post(server.url)).body == payload
        assert server.connections == 2 and transport._manager is None
        transport.close()


def test_streamed_chunked_body_and_streamed_truncation() -> None:
    replies = iter([
        [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n"],
        [b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"],
    ])
    for server in _serve(lambda request: next(replies), close_after=True):
        transport = Urllib3Transport()
        chunked = transport.send(_post(server.url), stream=True)
        assert chunked.stream.read(3) == b"hel" and chunked.stream.read() == b"lo"
        truncated = transport.send(_post(server.url), stream=True)
        with pytest.raises(errors.ResponseStreamingError):
            truncated.stream.read()
        transport.close()


def test_a_pooled_connection_closed_unanswered_is_retried_once_on_a_new_one() -> None:
    # The server's idle close races our next request: it reads it and hangs up unanswered.
    replies = iter([_ok(b'{"n": 1}'), None, _ok(b'{"n": 2}')])
    for server in _serve(lambda request: next(replies)):
        transport = Urllib3Transport()
        assert transport.send(_post(server.url, b'{"a": 1}')).body == b'{"n": 1}'
        again = transport.send(_post(server.url, b'{"a": 2}'))
        assert again.status_code == 200 and again.body == b'{"n": 2}'
        assert server.connections == 2
        assert [r.partition(b"\r\n\r\n")[2] for r in server.requests] == [b'{"a": 1}', b'{"a": 2}', b'{"a": 2}']
        transport.close()


def test_a_new_connection_closed_unanswered_is_an_error_not_a_resend() -> None:
    for server in _serve(lambda request: None):
        transport = Urllib3Transport()
        with pytest.raises(errors.ConnectionClosedError):
            transport.send(_post(server.url))
        assert server.connections == 1 and len(server.requests) == 1
        transport.close()


def test_streamed_chunked_body_is_decoded_as_it_is_read() -> None:
    """read1 hands over one chunk's bytes at a time (an event stream's events as they
    come); read(n) fills across chunks; read to its end, the connection is reused; a
    chunked body cut short is a ResponseStreamingError."""
    reply = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
             b"5;ext=1\r\nhello\r\n", b"6\r\n world\r\n", b"3\r\n!!!\r\n", b"0\r\nX-Trailer: t\r\n\r\n"]
    for server in _serve(lambda request: reply):
        transport = Urllib3Transport()
        resp = transport.send(_post(server.url), stream=True)
        assert resp.stream.read1(100) == b"hello" and resp.stream.read1(3) == b" wo"
        assert resp.stream.read(6) == b"rld!!!" and resp.stream.read1() == b"" and resp.stream.closed
        assert transport.send(_post(server.url), stream=True).stream.read() == b"hello world!!!"
        assert server.connections == 1
        transport.close()
    cut = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"a\r\nhello"]
    for server in _serve(lambda request: cut, close_after=True):
        transport = Urllib3Transport()
        resp = transport.send(_post(server.url), stream=True)
        with pytest.raises(errors.ResponseStreamingError):
            resp.stream.read()
        transport.close()
