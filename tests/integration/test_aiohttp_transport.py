"""AiohttpTransport against loopback servers the tests start themselves (127.0.0.1 only).

The servers, the certificate helper and the proxy are test_urllib3_transport's, so both
transports are held to the same exchanges. Each test drives its coroutine with
``asyncio.run`` (no pytest plugin).
"""
from __future__ import annotations

import asyncio
import base64
import gc
import gzip
import io
import json
import os
import socket
import ssl
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Iterator, TypeVar
from urllib.parse import urlsplit

import pytest

pytest.importorskip("aiohttp")

from squall import exceptions as errors  # noqa: E402
from squall.http import HttpRequest  # noqa: E402
from squall.http._aiohttp import AiohttpTransport  # noqa: E402
from test_urllib3_transport import (  # noqa: E402,F401 - fixtures are used by name
    Handler, ProxyHandler, _echo, _free_port, _no_env_proxies, _serve, proxy, proxy_log, tls_cert,
    tls_server,
)

T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


class PeerHandler(Handler):
    """The shared handler plus ``/peer`` (which client port the request came from) and
    ``/stall`` (a body that stops arriving)."""

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        if path == "/peer":
            self._reply(200, str(self.client_address[1]).encode())
        elif path == "/stall":  # a body that stops arriving
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(1.5)
            self.close_connection = True
        else:
            super()._handle()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve(PeerHandler)


def _get(url: str, **headers: str) -> HttpRequest:
    return HttpRequest(method="GET", url=url, headers=headers)


# --- basics ---------------------------------------------------------------------------

def test_round_trip_sends_only_the_requests_headers(server: str) -> None:
    async def main() -> Any:
        async with AiohttpTransport(connect_timeout=5, read_timeout=5) as t:
            return await t.send(HttpRequest(
                method="POST", url=f"{server}/echo?a=1&b=%20",
                headers={"X-Amz-Thing": "v", "Host": "bucket.example.com"}, body=b"payload"))

    resp = run(main())
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"
    info = _echo(resp)
    assert info["method"] == "POST" and info["path"] == "/echo?a=1&b=%20"
    assert info["body"] == "payload"
    # Nothing of aiohttp's own (Accept, Accept-Encoding, User-Agent, Content-Type).
    assert set(info["headers"]) == {"x-amz-thing", "host", "content-length"}
    assert info["headers"]["host"] == "bucket.example.com"
    assert info["headers"]["content-length"] == "7"


def test_default_host_and_path_sent_as_encoded(server: str) -> None:
    path = "/echo/a%2Fb/%7Euser/./x/../y%20z?k=a%20b&z=%2B&e="

    async def main() -> tuple[Any, Any]:
        async with AiohttpTransport() as t:
            return (await t.send(_get(f"{server}{path}")), await t.send(_get(f"{server}/echo")))

    odd, plain = run(main())
    assert _echo(odd)["path"] == path  # as signed: no requoting, no dot-segment removal
    info = _echo(plain)
    assert info["headers"]["host"] == server.split("//")[1]
    assert set(info["headers"]) == {"host"}


def test_response_headers_lowercased_merged_and_wire_names(server: str) -> None:
    async def main() -> Any:
        async with AiohttpTransport() as t:
            return await t.send(_get(f"{server}/headers"))

    resp = run(main())
    assert resp.status_code == 201
    assert resp.headers["x-multi"] == "a, b"
    assert resp.headers["x-mixed-case"] == "v"
    assert all(k == k.lower() for k in resp.headers)
    names = list(resp.wire_names)
    assert names.count("X-Multi") == 2 and "X-MiXeD-Case" in names


def test_empty_bodies_and_content_length(server: str) -> None:
    async def main() -> list[Any]:
        async with AiohttpTransport() as t:
            return [await t.send(HttpRequest(method=m, url=f"{server}/echo"))
                    for m in ("PUT", "POST", "DELETE", "GET")]

    put, post, delete, get = (_echo(r)["headers"] for r in run(main()))
    assert put["content-length"] == post["content-length"] == delete["content-length"] == "0"
    assert "content-type" not in post
    assert "content-length" not in get and "transfer-encoding" not in get


def test_no_redirects_no_decompression(server: str) -> None:
    async def main() -> tuple[Any, Any]:
        async with AiohttpTransport() as t:
            return (await t.send(_get(f"{server}/redirect")), await t.send(_get(f"{server}/gzip")))

    redirect, gzipped = run(main())
    assert redirect.status_code == 302 and redirect.headers["location"] == "/echo"
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(gzipped.body) == b"compressed"


def test_chunked_response_read_fully(server: str) -> None:
    async def main() -> Any:
        async with AiohttpTransport() as t:
            return await t.send(_get(f"{server}/chunked"))

    assert run(main()).body == b"hello chunked world"


def test_streaming_read_close_and_connection_reuse(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport() as t:
            first_port = (await t.send(_get(f"{server}/peer"))).body
            resp = await t.send(_get(f"{server}/big"), stream=True)
            stream = resp.stream
            assert stream.is_async and stream.readable()
            assert resp.body == b"" and resp.headers["content-length"] == str(1024 * 1024)
            first = await stream.read(1000)
            assert first == (bytes(range(256)) * 4)[:1000]  # the whole amount asked for
            rest = bytearray()
            while chunk := await stream.read(65536):
                rest += chunk
            assert len(first) + len(rest) == 1024 * 1024
            assert await stream.read(10) == b""
            stream.close()
            # Read to the end: the connection went back to the pool and is reused.
            assert (await t.send(_get(f"{server}/peer"))).body == first_port

            partial = await t.send(_get(f"{server}/big"), stream=True)
            assert len(await partial.stream.read(10)) == 10
            partial.stream.close()  # unread bytes: the connection is dropped, not reused
            assert partial.stream.closed
            resp = await t.send(_get(f"{server}/chunked"))
            assert resp.body == b"hello chunked world"

            whole = await t.send(_get(f"{server}/chunked"), stream=True)
            assert await whole.stream.read() == b"hello chunked world"
            whole.stream.close()
            pieces = await t.send(_get(f"{server}/big"), stream=True)
            async with pieces.stream as s:
                assert sum([len(c) async for c in s]) == 1024 * 1024

    run(main())


def test_chunked_upload_of_iterable(server: str) -> None:
    def gen() -> Iterator[bytes]:
        yield b"part1-"
        yield b"part2-"
        yield b"part3"

    async def agen() -> Any:
        yield b"async-"
        yield b"parts"

    async def main() -> list[Any]:
        async with AiohttpTransport() as t:
            return [
                await t.send(HttpRequest(method="PUT", url=f"{server}/echo", body=gen())),
                await t.send(HttpRequest(method="PUT", url=f"{server}/echo", body=agen())),
                # A Transfer-Encoding header alone must still frame the body.
                await t.send(HttpRequest(method="PUT", url=f"{server}/echo", body=b"framed",
                                         headers={"Transfer-Encoding": "chunked"})),
            ]

    sync_iter, async_iter, framed = (_echo(r) for r in run(main()))
    assert sync_iter["headers"]["transfer-encoding"] == "chunked"
    assert "content-length" not in sync_iter["headers"]
    assert sync_iter["body"] == "part1-part2-part3"
    assert set(sync_iter["headers"]) == set(async_iter["headers"]) == {"host", "transfer-encoding"}
    assert async_iter["body"] == "async-parts"
    assert framed["headers"]["transfer-encoding"] == "chunked" and framed["body"] == "framed"
    assert "content-length" not in framed["headers"]


def test_file_object_upload(server: str, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789" * 50_000)

    async def main() -> tuple[Any, Any]:
        async with AiohttpTransport() as t:
            with path.open("rb") as f:
                f.seek(5)
                on_disk = await t.send(HttpRequest(method="PUT", url=f"{server}/echo", body=f))
            in_memory = await t.send(HttpRequest(method="PUT", url=f"{server}/echo",
                                                 body=io.BytesIO(b"bytesio")))
            return on_disk, in_memory

    on_disk, in_memory = (_echo(r) for r in run(main()))
    assert on_disk["headers"]["content-length"] == str(500_000 - 5)
    assert set(on_disk["headers"]) == {"host", "content-length"}
    assert on_disk["body"] == ("0123456789" * 50_000)[5:]
    assert in_memory["headers"]["content-length"] == "7" and in_memory["body"] == "bytesio"


def test_non_seekable_stream_upload_is_chunked(server: str) -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"from a pipe")
    os.close(write_fd)

    async def main() -> Any:
        async with AiohttpTransport() as t:
            with os.fdopen(read_fd, "rb", buffering=0) as pipe:
                return await t.send(HttpRequest(method="POST", url=f"{server}/echo", body=pipe))

    info = _echo(run(main()))
    assert info["headers"]["transfer-encoding"] == "chunked"
    assert info["body"] == "from a pipe"


def test_fifty_concurrent_sends_on_one_transport(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(max_pool_connections=10) as t:
            async def one(i: int) -> None:
                info = _echo(await t.send(HttpRequest(method="POST", url=f"{server}/echo",
                                                      body=f"body-{i}".encode())))
                assert info["body"] == f"body-{i}"

            await asyncio.gather(*(one(i) for i in range(50)))
            assert len(t._sessions) == 1  # concurrent first sends made one session

    run(main())


# --- errors ---------------------------------------------------------------------------

def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{_free_port()}/x"

    async def main() -> None:
        async with AiohttpTransport() as t:
            await t.send(_get(url))

    with pytest.raises(errors.EndpointConnectionError) as info:
        run(main())
    assert info.value.endpoint_url == url and url in str(info.value)
    assert info.value.__cause__ is not None


def test_read_timeout(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(read_timeout=0.3) as t:
            await t.send(_get(f"{server}/slow"))

    started = time.monotonic()
    with pytest.raises(errors.ReadTimeoutError) as info:
        run(main())
    assert time.monotonic() - started < 1.4
    assert info.value.endpoint_url == f"{server}/slow"
    assert info.value.__cause__ is not None


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
        try:
            run(main())
        except errors.ReadTimeoutError:
            pytest.skip("the kernel accepted the connection despite the full backlog")
        except errors.ConnectTimeoutError as e:
            assert e.__cause__ is not None
            assert e.endpoint_url == f"http://127.0.0.1:{port}/"
        else:
            pytest.fail("expected a timeout")
    finally:
        for s in fillers:
            s.close()
        listener.close()


def test_connection_dropped_mid_response(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport() as t:
            with pytest.raises(errors.ConnectionClosedError) as info:
                await t.send(_get(f"{server}/drop"))
            assert info.value.endpoint_url == f"{server}/drop"
            assert info.value.__cause__ is not None
            # Streamed, the broken body surfaces on read, as with Urllib3ResponseStream.
            streamed = await t.send(_get(f"{server}/drop"), stream=True)
            with pytest.raises(errors.ResponseStreamingError):
                await streamed.stream.read()
            streamed.stream.close()
            assert (await t.send(_get(f"{server}/echo"))).status_code == 200

    run(main())


def test_streamed_read_timeout(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(read_timeout=0.3) as t:
            resp = await t.send(_get(f"{server}/stall"), stream=True)
            assert await resp.stream.read(10) == b"x" * 10
            with pytest.raises(errors.ReadTimeoutError) as info:
                await resp.stream.read(10)
            assert info.value.endpoint_url == f"{server}/stall"
            resp.stream.close()

    run(main())


# --- TLS ------------------------------------------------------------------------------

def test_tls_default_verify_rejects_self_signed(tls_server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(connect_timeout=5, read_timeout=5) as t:
            await t.send(_get(f"{tls_server}/echo"))

    with pytest.raises(errors.SSLError) as info:
        run(main())
    assert info.value.endpoint_url == f"{tls_server}/echo"
    assert info.value.__cause__ is not None


def test_tls_verify_false(tls_server: str) -> None:
    async def main() -> Any:
        async with AiohttpTransport(verify=False) as t:
            return await t.send(HttpRequest(method="POST", url=f"{tls_server}/echo", body=b"tls"))

    assert _echo(run(main()))["body"] == "tls"


def test_tls_verify_with_ca_bundle(tls_server: str, tls_cert: tuple[Path, Path]) -> None:
    port = urlsplit(tls_server).port

    async def main() -> tuple[Any, Any]:
        async with AiohttpTransport(verify=str(tls_cert[0])) as t:
            by_ip = await t.send(_get(f"{tls_server}/echo"))
            # Hostname checking stays on: "localhost" is in the SAN, so it works by name too.
            by_name = await t.send(_get(f"https://localhost:{port}/echo"))
            return by_ip, by_name

    by_ip, by_name = run(main())
    assert by_ip.status_code == by_name.status_code == 200


def test_tls_missing_ca_bundle_is_ssl_error(tls_server: str, tmp_path: Path) -> None:
    async def main() -> None:
        async with AiohttpTransport(verify=str(tmp_path / "missing.pem")) as t:
            await t.send(_get(f"{tls_server}/echo"))

    with pytest.raises(errors.SSLError) as info:
        run(main())
    assert info.value.__cause__ is not None


# --- proxies --------------------------------------------------------------------------

def test_http_through_forwarding_proxy_with_auth(server: str, proxy: str,
                                                 proxy_log: list[dict[str, Any]]) -> None:
    proxy_url = proxy.replace("http://", "http://us%40er:p%3Ass@")
    transport = AiohttpTransport(proxies={"http": proxy_url})

    async def main() -> Any:
        async with transport as t:
            return await t.send(HttpRequest(method="POST", url=f"{server}/echo?q=1", body=b"via proxy"))

    info = _echo(run(main()))
    assert info["body"] == "via proxy"
    assert "proxy-authorization" not in info["headers"]  # the proxy keeps it
    assert proxy_log[-1]["target"] == f"{server}/echo?q=1"
    assert proxy_log[-1]["auth"] == "Basic " + base64.b64encode(b"us@er:p:ss").decode()
    assert "p%3Ass" not in repr(transport)


def test_https_through_connect_tunnel(tls_server: str, tls_cert: tuple[Path, Path], proxy: str,
                                      proxy_log: list[dict[str, Any]]) -> None:
    proxy_url = proxy.replace("http://", "http://user:pw@")

    async def main() -> Any:
        async with AiohttpTransport(proxies={"https": proxy_url}, verify=str(tls_cert[0])) as t:
            return await t.send(_get(f"{tls_server}/echo"))

    info = _echo(run(main()))
    assert info["path"] == "/echo"
    assert "proxy-authorization" not in info["headers"]  # only the CONNECT carried it
    assert proxy_log[-1]["method"] == "CONNECT"
    assert proxy_log[-1]["target"] == tls_server.split("//")[1]
    assert proxy_log[-1]["auth"] == "Basic " + base64.b64encode(b"user:pw").decode()


@pytest.fixture(scope="module")
def tls_proxy(tls_cert: tuple[Path, Path]) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls_cert[0]), str(tls_cert[1]))
    yield from _serve(ProxyHandler, context)


def test_https_proxy_verified_with_the_transports_tls_settings(
        server: str, tls_server: str, tls_cert: tuple[Path, Path], tls_proxy: str,
        proxy_log: list[dict[str, Any]]) -> None:
    async def main() -> tuple[Any, Any]:
        async with AiohttpTransport(proxies={"http": tls_proxy, "https": tls_proxy},
                                    verify=str(tls_cert[0])) as t:
            forwarded = await t.send(_get(f"{server}/echo"))
            tunnelled = await t.send(_get(f"{tls_server}/echo"))  # TLS inside TLS
            return forwarded, tunnelled

    forwarded, tunnelled = run(main())
    assert _echo(forwarded)["path"] == "/echo" and _echo(tunnelled)["path"] == "/echo"
    assert [e["method"] for e in proxy_log] == ["GET", "CONNECT"]

    async def unverified() -> None:
        async with AiohttpTransport(proxies={"http": tls_proxy}) as t:
            await t.send(_get(f"{server}/echo"))

    # The proxy's self-signed certificate fails default verification: a proxy error.
    with pytest.raises(errors.ProxyConnectionError):
        run(unverified())


def test_env_proxies_read_at_creation_and_no_proxy(server: str, proxy: str, monkeypatch: pytest.MonkeyPatch,
                                                   proxy_log: list[dict[str, Any]]) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    via_env = AiohttpTransport()
    monkeypatch.delenv("HTTP_PROXY")
    assert via_env.proxy_url_for(f"{server}/echo") == proxy

    async def main() -> None:
        async with via_env as t:
            await t.send(_get(f"{server}/echo"))

    run(main())
    assert proxy_log and proxy_log[-1]["target"] == f"{server}/echo"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    bypass = AiohttpTransport()
    assert bypass.proxy_url_for(f"{server}/echo") is None
    assert bypass.proxy_url_for("http://example.com/") == proxy
    assert AiohttpTransport(proxies={}).proxy_url_for("http://example.com/") is None


def test_proxy_unreachable_is_proxy_connection_error(server: str) -> None:
    proxy_url = f"http://user:secret@127.0.0.1:{_free_port()}"

    async def main() -> None:
        async with AiohttpTransport(proxies={"http": proxy_url}, connect_timeout=2) as t:
            await t.send(_get(f"{server}/echo"))

    with pytest.raises(errors.ProxyConnectionError) as info:
        run(main())
    assert "secret" not in str(info.value) and "***" in info.value.proxy_url
    assert info.value.__cause__ is not None


def test_unsupported_https_proxy_options_are_refused() -> None:
    for option, value in (("proxy_ca_bundle", "/tmp/ca.pem"), ("proxy_client_cert", "/tmp/c.pem"),
                          ("proxy_use_forwarding_for_https", True)):
        with pytest.raises(errors.InvalidConfigError, match=option):
            AiohttpTransport(proxies={"https": "https://proxy.invalid:3128"},
                             proxies_config={option: value})
    # With a plain HTTP proxy they concern nothing (urllib3 ignores them too).
    AiohttpTransport(proxies={"https": "http://proxy.invalid:3128"},
                     proxies_config={"proxy_ca_bundle": "/tmp/ca.pem"})


# --- options, lifecycle and loops -----------------------------------------------------

def test_tcp_keepalive_socket_option(server: str) -> None:
    async def main(keepalive: bool) -> list[int]:
        async with AiohttpTransport(tcp_keepalive=keepalive) as t:
            assert (await t.send(_get(f"{server}/echo"))).status_code == 200
            entry = t._sessions[asyncio.get_running_loop()]
            return [s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) for s in entry.sockets]

    assert run(main(True)) and all(run(main(True)))
    assert not any(run(main(False)))


def test_cancelled_send_leaves_the_transport_usable(server: str) -> None:
    async def main() -> None:
        async with AiohttpTransport(max_pool_connections=1) as t:
            task = asyncio.ensure_future(t.send(_get(f"{server}/slow")))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The only pooled connection was given back (closed), not leaked.
            assert (await t.send(_get(f"{server}/echo"))).status_code == 200

    run(main())


def test_transport_usable_after_close(server: str) -> None:
    async def main() -> None:
        t = AiohttpTransport()
        assert (await t.send(_get(f"{server}/echo"))).status_code == 200
        await t.close()
        assert not t._sessions
        assert (await t.send(_get(f"{server}/echo"))).status_code == 200
        await t.close()
        await t.close()  # twice is fine

    run(main())


# A loop that ends with connections still pooled leaves asyncio transports that can no
# longer be closed through it; the transport closes their sockets when it next runs, and
# asyncio reports the transport objects when they are collected (here, not later).
_LEFT_OPEN = pytest.mark.filterwarnings("ignore::ResourceWarning",
                                        "ignore::pytest.PytestUnraisableExceptionWarning")


@_LEFT_OPEN
def test_built_outside_a_loop_then_used_in_two_loops(server: str) -> None:
    transport = AiohttpTransport()  # no running loop here, as in a client's worker thread

    async def main() -> int:
        resp = await transport.send(_get(f"{server}/echo"))
        return resp.status_code

    assert run(main()) == 200
    first = next(iter(transport._sessions.values()))
    sockets = list(first.sockets)
    assert sockets and all(s.fileno() >= 0 for s in sockets)  # pooled, its loop now closed
    assert run(main()) == 200
    # The closed loop's session was retired and its sockets closed.
    assert len(transport._sessions) == 1 and first.session.closed
    assert all(s.fileno() == -1 for s in sockets)
    run(transport.close())
    gc.collect()


@_LEFT_OPEN
def test_loops_in_two_threads_share_a_transport(server: str) -> None:
    transport = AiohttpTransport()
    failures: list[BaseException] = []

    async def work(i: int) -> None:
        for j in range(10):
            info = _echo(await transport.send(HttpRequest(method="POST", url=f"{server}/echo",
                                                          body=f"{i}-{j}".encode())))
            assert info["body"] == f"{i}-{j}"

    def thread(i: int) -> None:
        try:
            asyncio.run(work(i))
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert len(transport._sessions) == 4
    run(transport.close())  # from a fifth loop: the four closed ones are retired
    assert not transport._sessions
    gc.collect()
