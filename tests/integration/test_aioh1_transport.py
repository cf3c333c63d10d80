"""AiohttpTransport's lean path (squall.http._aioh1) against loopback servers (127.0.0.1).

The raw server is test_h1_transport's (framing, keep-alive, hang-ups), the HTTP, TLS and
slow servers are test_urllib3_transport's and test_aiohttp_transport's, so the lean path
is held to the same exchanges as the others. Each test drives its coroutine with
``asyncio.run`` (no pytest plugin).
"""
from __future__ import annotations

import asyncio
import gc
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Awaitable, Iterator, TypeVar

import pytest

pytest.importorskip("aiohttp")

import squall  # noqa: E402
from squall import exceptions as errors  # noqa: E402
from squall.http import HttpRequest  # noqa: E402
from squall.http._aiohttp import AiohttpTransport  # noqa: E402
from test_aiohttp_transport import PeerHandler  # noqa: E402
from test_h1_transport import RawServer, _ok  # noqa: E402
from test_urllib3_transport import (  # noqa: E402,F401 - fixtures are used by name
    _echo, _free_port, _no_env_proxies, _serve, tls_cert, tls_server,
)

T = TypeVar("T")

# A loop that ends with connections still pooled leaves asyncio transports that can no
# longer be closed through it; the transport closes their sockets when it next runs, and
# asyncio reports the transport objects when they are collected.
_LEFT_OPEN = pytest.mark.filterwarnings("ignore::ResourceWarning",
                                        "ignore::pytest.PytestUnraisableExceptionWarning")


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve(PeerHandler)


def _raw(reply: Any, close_after: bool = False) -> Iterator[RawServer]:
    server = RawServer(reply, close_after)
    try:
        yield server
    finally:
        server.close()


def _get(url: str, **headers: str) -> HttpRequest:
    return HttpRequest(method="GET", url=url, headers=headers)


def _post(url: str, body: bytes = b"{}") -> HttpRequest:
    return HttpRequest(method="POST", url=f"{url}/", headers={"Content-Type": "application/x-amz-json-1.0"},
                       body=body)


def _lean_only(t: AiohttpTransport) -> bool:
    """Every loop entry of ``t`` went without an aiohttp session."""
    return all(entry.web is None for entry in t._sessions.values())


# --- basics ---------------------------------------------------------------------------

def test_round_trip_sends_the_wire_the_aiohttp_path_sends(server: str) -> None:
    request = HttpRequest(method="POST", url=f"{server}/echo?a=1&b=%20",
                          headers={"X-Amz-Thing": "v", "Content-Type": "text/plain"}, body=b"payload")

    async def main(lean: bool) -> Any:
        async with AiohttpTransport(connect_timeout=5, read_timeout=5, lean_http1=lean) as t:
            resp = await t.send(request)
            assert _lean_only(t) is lean
            return resp

    lean, web = run(main(True)), run(main(False))
    assert lean.status_code == 200 and lean.headers["content-type"] == "application/json"
    info = _echo(lean)
    assert info["method"] == "POST" and info["path"] == "/echo?a=1&b=%20" and info["body"] == "payload"
    # The request's headers, Host and Content-Length; no Accept-Encoding (aiohttp sends none).
    assert info["headers"] == {"x-amz-thing": "v", "content-type": "text/plain",
                               "host": server.split("//")[1], "content-length": "7"}
    assert info == _echo(web)
    assert lean.headers.keys() == web.headers.keys()


def test_pool_sends_h1s_head_when_asked(server: str) -> None:
    """The pool itself can send _h1's exact head (Accept-Encoding: identity)."""
    from squall.http._aioh1 import AioH1Pool

    async def context() -> Any:
        raise AssertionError("no TLS here")

    async def main() -> Any:
        pool = AioH1Pool(loop=asyncio.get_running_loop(), connect_timeout=5, read_timeout=5, maxsize=2,
                         tcp_keepalive=False, ssl_context=context)
        try:
            return await pool.send(_get(f"{server}/echo"), {}, None)
        finally:
            await pool.close()

    info = _echo(run(main()))
    assert info["headers"] == {"host": server.split("//")[1], "accept-encoding": "identity"}


def test_keep_alive_one_connection_for_sequential_sends() -> None:
    for raw in _raw(lambda request: _ok(b'{"ok": true}', b"x-amzn-requestid: r1\r\n")):
        async def main() -> None:
            async with AiohttpTransport() as t:
                for i in range(5):
                    resp = await t.send(_post(raw.url, b'{"n": %d}' % i))
                    assert resp.status_code == 200 and resp.body == b'{"ok": true}'
                    assert resp.headers == {"content-length": "12", "x-amzn-requestid": "r1"}
                    assert list(resp.wire_names) == ["Content-Length", "x-amzn-requestid"]
                assert _lean_only(t)

        run(main())
        assert raw.connections == 1
        head, _, body = raw.requests[0].partition(b"\r\n\r\n")
        assert head.split(b"\r\n")[:2] == [b"POST / HTTP/1.1", b"Host: 127.0.0.1:%d" % raw.port]
        assert body == b'{"n": 0}'


def test_fifty_concurrent_sends_share_at_most_maxsize_connections() -> None:
    def echo(request: bytes) -> list[bytes]:
        return _ok(request.partition(b"\r\n\r\n")[2])

    for raw in _raw(echo):
        async def main() -> None:
            async with AiohttpTransport(max_pool_connections=10) as t:
                async def one(i: int) -> None:
                    resp = await t.send(HttpRequest(method="POST", url=f"{raw.url}/", body=b"body-%d" % i))
                    assert resp.body == b"body-%d" % i

                await asyncio.gather(*(one(i) for i in range(50)))
                assert len(t._sessions) == 1 and _lean_only(t)
                pool = t._sessions[asyncio.get_running_loop()].session
                assert 1 <= sum(len(idle) for idle in pool._idle.values()) <= 10
                await asyncio.gather(*(one(i) for i in range(50)))  # on the connections kept

        run(main())
        assert 1 <= raw.connections <= 10 and len(raw.requests) == 100


def test_the_wait_for_a_free_connection_is_bounded_by_connect_timeout(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(max_pool_connections=1, connect_timeout=0.3, read_timeout=5) as t:
            busy = asyncio.ensure_future(t.send(_get(f"{server}/slow")))
            await asyncio.sleep(0.05)
            with pytest.raises(errors.ConnectTimeoutError) as info:
                await t.send(_get(f"{server}/echo"))
            assert info.value.endpoint_url == f"{server}/echo"
            assert (await busy).body == b"late"
            assert (await t.send(_get(f"{server}/echo"))).status_code == 200  # its turn now

    run(main())


def test_response_framings() -> None:
    replies = {
        b"/length": _ok(b"by length"),
        b"/chunked": [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                      b"5;ext=1\r\nhello\r\n", b"6\r\n world\r\n", b"0\r\nX-Trailer: t\r\n\r\n"],
        b"/nocontent": [b"HTTP/1.1 100 Continue\r\n\r\n",
                        b"HTTP/1.1 204 No Content\r\nX-A: 1\r\nX-A: 2\r\n\r\n"],
        b"/head": [b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"],
    }

    def reply(request: bytes) -> list[bytes]:
        return replies[request.split(b" ")[1]]

    for raw in _raw(reply):
        async def main() -> None:
            async with AiohttpTransport() as t:
                for _ in range(2):
                    assert (await t.send(_get(f"{raw.url}/length"))).body == b"by length"
                    assert (await t.send(_get(f"{raw.url}/chunked"))).body == b"hello world"
                    resp = await t.send(_get(f"{raw.url}/nocontent"))  # 100 Continue skipped
                    assert resp.status_code == 204 and resp.body == b"" and resp.headers["x-a"] == "1, 2"
                    head = await t.send(HttpRequest(method="HEAD", url=f"{raw.url}/head"))
                    assert head.status_code == 200 and head.body == b""
                    assert head.headers["content-length"] == "99"

        run(main())
        assert raw.connections == 1


def test_close_delimited_and_connection_close() -> None:
    replies = iter([[b"HTTP/1.1 200 OK\r\n\r\n", b"until ", b"the end"],
                    _ok(b"{}", b"Connection: close\r\n"),
                    [b"HTTP/1.0 200 OK\r\n\r\n", b"old"]])
    for raw in _raw(lambda request: next(replies), close_after=True):
        async def main() -> None:
            async with AiohttpTransport() as t:
                assert (await t.send(_post(raw.url))).body == b"until the end"
                assert (await t.send(_post(raw.url))).body == b"{}"
                streamed = await t.send(_post(raw.url), stream=True)
                assert await streamed.stream.read(2) == b"ol"
                assert await streamed.stream.read() == b"d" and streamed.stream.closed
                assert not any(t._sessions[asyncio.get_running_loop()].session._idle.values())

        run(main())
        assert raw.connections == 3


def test_header_injection_is_refused_before_sending(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport() as t:
            with pytest.raises(errors.HTTPClientError):
                await t.send(_get(f"{server}/echo", **{"X-Bad": "a\r\nInjected: 1"}))

    run(main())


# --- streaming ------------------------------------------------------------------------

def test_streaming_in_pieces_then_reuse_and_close_mid_stream() -> None:
    payload = bytes(range(256)) * 40  # 10 KiB
    for raw in _raw(lambda request: _ok(payload)):
        async def main() -> None:
            async with AiohttpTransport() as t:
                resp = await t.send(_post(raw.url), stream=True)
                stream = resp.stream
                assert stream.is_async and stream.readable() and not stream.closed
                assert resp.body == b"" and resp.headers["content-length"] == str(len(payload))
                assert await stream.read(1000) == payload[:1000]  # whole amounts
                assert await stream.read(5000) == payload[1000:6000]
                assert await stream.read() == payload[6000:] and await stream.read() == b""
                assert stream.closed  # read to the end: its connection went back
                stream.close()
                again = await t.send(_post(raw.url), stream=True)
                async with again.stream as s:
                    assert b"".join([c async for c in s]) == payload
                assert raw.connections == 1
                # Closed half-read: that connection is dropped, the next send opens another.
                partial = await t.send(_post(raw.url), stream=True)
                assert await partial.stream.read(10) == payload[:10]
                partial.stream.close()
                assert partial.stream.closed and await partial.stream.read() == b""
                assert (await t.send(_post(raw.url))).body == payload
                assert raw.connections == 2 and _lean_only(t)

        run(main())


def test_streamed_chunked_body_is_decoded_as_read() -> None:
    reply = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
             b"5\r\nhello\r\n", b"1\r\n \r\n", b"5\r\nworld\r\n0\r\n\r\n"]
    for raw in _raw(lambda request: reply):
        async def main() -> None:
            async with AiohttpTransport() as t:
                resp = await t.send(_post(raw.url), stream=True)
                assert await resp.stream.read(3) == b"hel"
                assert await resp.stream.read(5) == b"lo wo"  # across chunks
                assert await resp.stream.read() == b"rld" and resp.stream.closed
                assert (await t.send(_post(raw.url))).body == b"hello world"

        run(main())
        assert raw.connections == 1


def test_streamed_read_timeout(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(read_timeout=0.3) as t:
            resp = await t.send(_get(f"{server}/stall"), stream=True)
            assert await resp.stream.read(10) == b"x" * 10
            with pytest.raises(errors.ReadTimeoutError) as info:
                await resp.stream.read(10)
            assert info.value.endpoint_url == f"{server}/stall" and info.value.__cause__ is not None
            assert resp.stream.closed

    run(main())


# --- errors ---------------------------------------------------------------------------

def test_truncated_and_garbage_responses() -> None:
    replies = iter([[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"],
                    [b"garbage\r\n\r\n"],
                    [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"],
                    [b"HTTP/1.1 200 OK\r\nContent-Le"],
                    [b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"],
                    [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]])
    for raw in _raw(lambda request: next(replies), close_after=True):
        async def main() -> None:
            async with AiohttpTransport() as t:
                for _ in range(4):
                    with pytest.raises(errors.ConnectionClosedError) as info:
                        await t.send(_post(raw.url))
                    assert info.value.endpoint_url == f"{raw.url}/" and info.value.__cause__ is not None
                for _ in range(2):  # streamed, the broken body surfaces on read
                    resp = await t.send(_post(raw.url), stream=True)
                    with pytest.raises(errors.ResponseStreamingError) as streaming:
                        await resp.stream.read()
                    assert streaming.value.__cause__ is not None and resp.stream.closed

        run(main())


def test_a_pooled_connection_closed_unanswered_is_retried_once_on_a_new_one() -> None:
    # The server's idle close races our next request: it reads it and hangs up unanswered.
    replies = iter([_ok(b'{"n": 1}'), None, _ok(b'{"n": 2}')])
    for raw in _raw(lambda request: next(replies)):
        async def main() -> None:
            async with AiohttpTransport() as t:
                assert (await t.send(_post(raw.url, b'{"a": 1}'))).body == b'{"n": 1}'
                again = await t.send(_post(raw.url, b'{"a": 2}'))
                assert again.status_code == 200 and again.body == b'{"n": 2}'

        run(main())
        assert raw.connections == 2
        assert [r.partition(b"\r\n\r\n")[2] for r in raw.requests] == [b'{"a": 1}', b'{"a": 2}', b'{"a": 2}']


def test_a_new_connection_closed_unanswered_is_an_error_not_a_resend() -> None:
    for raw in _raw(lambda request: None):
        async def main() -> None:
            async with AiohttpTransport() as t:
                with pytest.raises(errors.ConnectionClosedError) as info:
                    await t.send(_post(raw.url))
                assert info.value.__cause__ is not None

        run(main())
        assert raw.connections == 1 and len(raw.requests) == 1


def test_server_closing_an_idle_connection_is_noticed() -> None:
    for raw in _raw(lambda request: _ok()):
        async def main() -> None:
            async with AiohttpTransport() as t:
                await t.send(_post(raw.url))
                raw.drop_idle()
                await asyncio.sleep(0.05)  # the loop sees the EOF
                assert (await t.send(_post(raw.url))).status_code == 200

        run(main())
        assert raw.connections == 2 and len(raw.requests) == 2  # checked, not retried


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{_free_port()}/x"

    async def main() -> None:
        async with AiohttpTransport() as t:
            await t.send(_get(url))

    with pytest.raises(errors.EndpointConnectionError) as info:
        run(main())
    assert info.value.endpoint_url == url and isinstance(info.value.__cause__, ConnectionRefusedError)


def test_read_timeout(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(read_timeout=0.3) as t:
            try:
                await t.send(_get(f"{server}/slow"))
            finally:
                assert _lean_only(t)

    started = time.monotonic()
    with pytest.raises(errors.ReadTimeoutError) as info:
        run(main())
    assert time.monotonic() - started < 1.4
    assert info.value.endpoint_url == f"{server}/slow" and info.value.__cause__ is not None


def test_connect_timeout() -> None:
    # A listener with a full backlog leaves new handshakes pending on Linux; where the
    # kernel completes them anyway we get a read timeout instead and skip.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []

    async def main() -> None:
        async with AiohttpTransport(connect_timeout=0.3, read_timeout=0.3) as t:
            await t.send(_get(f"http://127.0.0.1:{port}/"))

    try:
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        started = time.monotonic()
        try:
            run(main())
        except errors.ReadTimeoutError:
            pytest.skip("the kernel accepted the connection despite the full backlog")
        except errors.ConnectTimeoutError as e:
            assert e.__cause__ is not None and e.endpoint_url == f"http://127.0.0.1:{port}/"
            assert time.monotonic() - started < 2
        else:
            pytest.fail("expected a timeout")
    finally:
        for s in fillers:
            s.close()
        listener.close()


# --- TLS ------------------------------------------------------------------------------

def test_tls_verified_with_a_ca_bundle_path(tls_server: str, tls_cert: tuple[Path, Path]) -> None:
    async def main() -> None:
        async with AiohttpTransport(verify=str(tls_cert[0])) as t:
            for i in range(3):
                info = _echo(await t.send(HttpRequest(method="POST", url=f"{tls_server}/echo",
                                                      body=b"tls-%d" % i)))
                assert info["body"] == f"tls-{i}"
            assert _lean_only(t)
            pool = t._sessions[asyncio.get_running_loop()].session
            assert sum(len(idle) for idle in pool._idle.values()) == 1  # one kept-alive connection

    run(main())


def test_tls_default_verify_rejects_self_signed(tls_server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(connect_timeout=5, read_timeout=5) as t:
            try:
                await t.send(_get(f"{tls_server}/echo"))
            finally:
                assert _lean_only(t)

    with pytest.raises(errors.SSLError) as info:
        run(main())
    assert info.value.endpoint_url == f"{tls_server}/echo"
    assert info.value.__cause__ is not None


# --- loops, cancellation, imports -----------------------------------------------------

@_LEFT_OPEN
def test_one_transport_in_two_asyncio_run_loops(server: str) -> None:
    transport = AiohttpTransport()  # no running loop here, as in a client's worker thread

    async def main() -> bytes:
        first = (await transport.send(_get(f"{server}/peer"))).body
        assert (await transport.send(_get(f"{server}/peer"))).body == first  # reused
        return first

    first_port = run(main())
    first = next(iter(transport._sessions.values()))
    sockets = list(first.sockets)
    assert len(sockets) == 1 and sockets[0].fileno() >= 0  # pooled, its loop now closed
    assert run(main()) != first_port  # a new loop's own connection
    # The closed loop's pool was retired and its socket closed.
    assert len(transport._sessions) == 1 and first.session.closed
    assert sockets[0].fileno() == -1
    run(transport.close())
    assert not transport._sessions
    gc.collect()


def test_a_cancelled_send_leaves_no_broken_connection_in_the_pool(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(max_pool_connections=1) as t:
            port = (await t.send(_get(f"{server}/peer"))).body
            task = asyncio.ensure_future(t.send(_get(f"{server}/slow")))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            pool = t._sessions[asyncio.get_running_loop()].session
            assert not any(pool._idle.values())  # closed, not given back
            # The next send gets a fresh connection, not the one still owed "late".
            resp = await t.send(_get(f"{server}/peer"))
            assert resp.status_code == 200 and resp.body != port

    run(main())


def test_a_lean_only_client_never_imports_aiohttp(tls_cert: tuple[Path, Path]) -> None:
    """In a fresh interpreter (other tests import aiohttp here): a real asyncio client
    call, plain and streamed sends over HTTP and verified HTTPS, then the check."""
    script = textwrap.dedent("""
        import asyncio, ssl, sys, threading
        from http.server import ThreadingHTTPServer
        sys.path.insert(0, sys.argv[1])
        from test_urllib3_transport import Handler
        import squall.aio
        from squall.http import HttpRequest
        from squall.http._aiohttp import AiohttpTransport

        def serve(context=None):
            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            if context is not None:
                server.socket = context.wrap_socket(server.socket, server_side=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            return server.server_address[1]

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        plain, tls = serve(), serve(context)

        async def main():
            async with AiohttpTransport(verify=sys.argv[2]) as t:
                assert (await t.send(HttpRequest(method="POST", url=f"http://127.0.0.1:{plain}/echo",
                                                 body=b"x"))).status_code == 200
                resp = await t.send(HttpRequest(method="GET", url=f"http://127.0.0.1:{plain}/big"),
                                    stream=True)
                assert len(await resp.stream.read()) == 1024 * 1024
                assert (await t.send(HttpRequest(method="GET", url=f"https://127.0.0.1:{tls}/echo"))
                        ).status_code == 200
            async with squall.aio.Session(region_name="us-east-1", aws_access_key_id="k",
                                          aws_secret_access_key="s").client(
                    "sqs", endpoint_url=f"http://127.0.0.1:{plain}") as sqs:
                result = await sqs.list_queues()  # the echo's JSON parses as an empty answer
                assert result["ResponseMetadata"]["HTTPStatusCode"] == 200

        asyncio.run(main())
        print("aiohttp" in sys.modules, "yarl" in sys.modules)
    """)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    src = str(Path(squall.__file__).parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), str(tls_cert[0]), str(tls_cert[1])],
        capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
