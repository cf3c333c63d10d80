"""Urllib3Transport against loopback servers the tests start themselves (127.0.0.1 only)."""
from __future__ import annotations

import datetime
import gzip
import http.client
import io
import json
import os
import select
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

from squall import exceptions as errors
from squall.http import HttpRequest, Urllib3Transport

PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy",
             "https_proxy", "no_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_env_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_ENV:
        monkeypatch.delenv(name, raising=False)


# --- servers --------------------------------------------------------------------------

def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        out = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += handler.rfile.read(size)
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        body = _read_body(self)
        if path == "/slow":
            time.sleep(1.5)
            self._reply(200, b"late")
        elif path == "/headers":
            self._reply(201, b"", [("X-Multi", "a"), ("X-Multi", "b"), ("X-MiXeD-Case", "v")])
        elif path == "/big":
            self._reply(200, bytes(range(256)) * 4096)  # 1 MiB
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/drop":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif path == "/redirect":
            self._reply(302, b"", [("Location", "/echo")])
        elif path == "/gzip":
            self._reply(200, gzip.compress(b"compressed"), [("Content-Encoding", "gzip")])
        else:  # echo
            info = {"method": self.command, "path": self.path,
                    "headers": [[k, v] for k, v in self.headers.items()],
                    "body": body.decode("latin-1")}
            self._reply(200, json.dumps(info).encode(), [("Content-Type", "application/json")])

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out or hang up on purpose are expected here


def _serve(handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext | None = None) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), handler)
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    scheme = "https" if context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve(Handler)


@pytest.fixture
def transport() -> Iterator[Urllib3Transport]:
    t = Urllib3Transport(connect_timeout=5, read_timeout=5)
    yield t
    t.close()


def _echo(response: Any) -> dict[str, Any]:
    info = json.loads(response.body)
    info["headers"] = {k.lower(): v for k, v in info["headers"]}
    return info


# --- basics ---------------------------------------------------------------------------

def test_round_trip(server: str, transport: Urllib3Transport) -> None:
    resp = transport.send(HttpRequest(method="POST", url=f"{server}/echo?a=1&b=%20",
                                      headers={"X-Amz-Thing": "v", "Content-Type": "text/plain"},
                                      body=b"payload"))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"
    info = _echo(resp)
    assert info["method"] == "POST" and info["path"] == "/echo?a=1&b=%20"
    assert info["body"] == "payload"
    assert info["headers"]["x-amz-thing"] == "v"
    assert info["headers"]["content-length"] == "7"
    assert "transfer-encoding" not in info["headers"]


def test_response_headers_lowercased_and_joined(server: str, transport: Urllib3Transport) -> None:
    resp = transport.send(HttpRequest(method="GET", url=f"{server}/headers"))
    assert resp.status_code == 201
    assert resp.headers["x-multi"] == "a, b"
    assert resp.headers["x-mixed-case"] == "v"
    assert all(k == k.lower() for k in resp.headers)


def test_host_header_kept_as_given(server: str, transport: Urllib3Transport) -> None:
    resp = transport.send(HttpRequest(method="GET", url=f"{server}/echo",
                                      headers={"Host": "bucket.example.com"}))
    assert _echo(resp)["headers"]["host"] == "bucket.example.com"
    default = _echo(transport.send(HttpRequest(method="GET", url=f"{server}/echo")))
    assert default["headers"]["host"] == server.split("//")[1]


def test_empty_put_sends_content_length_zero(server: str, transport: Urllib3Transport) -> None:
    info = _echo(transport.send(HttpRequest(method="DELETE", url=f"{server}/echo")))
    assert info["headers"]["content-length"] == "0"
    info = _echo(transport.send(HttpRequest(method="GET", url=f"{server}/echo")))
    assert "content-length" not in info["headers"]


def test_no_redirects_no_decompression(server: str, transport: Urllib3Transport) -> None:
    resp = transport.send(HttpRequest(method="GET", url=f"{server}/redirect"))
    assert resp.status_code == 302 and resp.headers["location"] == "/echo"
    resp = transport.send(HttpRequest(method="GET", url=f"{server}/gzip"))
    assert gzip.decompress(resp.body) == b"compressed"


def test_chunked_response_read_fully(server: str, transport: Urllib3Transport) -> None:
    resp = transport.send(HttpRequest(method="GET", url=f"{server}/chunked"))
    assert resp.body == b"hello chunked world"


def test_streaming_read(server: str, transport: Urllib3Transport) -> None:
    resp = transport.send(HttpRequest(method="GET", url=f"{server}/big"), stream=True)
    assert resp.body == b"" and resp.headers["content-length"] == str(1024 * 1024)
    first = resp.stream.read(1000)
    assert first == (bytes(range(256)) * 4)[:1000]
    rest = b"".join(iter(lambda: resp.stream.read(65536), b""))
    assert len(first) + len(rest) == 1024 * 1024
    resp.stream.close()
    # A partially read stream, closed early, must not break the next request.
    partial = transport.send(HttpRequest(method="GET", url=f"{server}/big"), stream=True)
    partial.stream.read(10)
    partial.stream.close()
    assert transport.send(HttpRequest(method="GET", url=f"{server}/chunked")).body == b"hello chunked world"


def test_chunked_upload_of_iterable(server: str, transport: Urllib3Transport) -> None:
    def gen() -> Iterator[bytes]:
        yield b"part1-"
        yield b"part2-"
        yield b"part3"

    info = _echo(transport.send(HttpRequest(method="PUT", url=f"{server}/echo", body=gen())))
    assert info["headers"]["transfer-encoding"] == "chunked"
    assert "content-length" not in info["headers"]
    assert info["body"] == "part1-part2-part3"


def test_file_object_upload(server: str, transport: Urllib3Transport, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789" * 50_000)
    with path.open("rb") as f:
        f.seek(5)
        info = _echo(transport.send(HttpRequest(method="PUT", url=f"{server}/echo", body=f)))
    assert info["headers"]["content-length"] == str(500_000 - 5)
    assert info["body"] == ("0123456789" * 50_000)[5:]
    info = _echo(transport.send(HttpRequest(method="PUT", url=f"{server}/echo",
                                            body=io.BytesIO(b"bytesio"))))
    assert info["headers"]["content-length"] == "7" and info["body"] == "bytesio"


def test_non_seekable_stream_upload_is_chunked(server: str, transport: Urllib3Transport) -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"from a pipe")
    os.close(write_fd)
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        info = _echo(transport.send(HttpRequest(method="POST", url=f"{server}/echo", body=pipe)))
    assert info["headers"]["transfer-encoding"] == "chunked"
    assert info["body"] == "from a pipe"


def test_concurrent_sends_share_one_transport(server: str) -> None:
    transport = Urllib3Transport(max_pool_connections=3)
    failures: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(10):
                info = _echo(transport.send(HttpRequest(method="POST", url=f"{server}/echo",
                                                        body=f"{i}-{j}".encode())))
                assert info["body"] == f"{i}-{j}"
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    transport.close()
    assert not failures


# --- errors ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused(transport: Urllib3Transport) -> None:
    url = f"http://127.0.0.1:{_free_port()}/x"
    with pytest.raises(errors.EndpointConnectionError) as info:
        transport.send(HttpRequest(method="GET", url=url))
    assert info.value.endpoint_url == url
    assert url in str(info.value)
    assert info.value.__cause__ is not None


def test_read_timeout(server: str) -> None:
    transport = Urllib3Transport(read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(errors.ReadTimeoutError) as info:
        transport.send(HttpRequest(method="GET", url=f"{server}/slow"))
    assert time.monotonic() - started < 1.4
    assert info.value.endpoint_url == f"{server}/slow"
    transport.close()


def test_connect_timeout() -> None:
    # A listener with a full backlog leaves new handshakes pending on Linux; where the
    # kernel completes them anyway we get a read timeout instead and skip.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        transport = Urllib3Transport(connect_timeout=0.3, read_timeout=0.3)
        try:
            transport.send(HttpRequest(method="GET", url=f"http://127.0.0.1:{port}/"))
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


def test_connection_dropped_mid_response(server: str, transport: Urllib3Transport) -> None:
    with pytest.raises(errors.ConnectionClosedError) as info:
        transport.send(HttpRequest(method="GET", url=f"{server}/drop"))
    assert info.value.endpoint_url == f"{server}/drop"
    streamed = transport.send(HttpRequest(method="GET", url=f"{server}/drop"), stream=True)
    with pytest.raises(errors.ResponseStreamingError):
        streamed.stream.read()


# --- fork -----------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_child_after_fork_gets_fresh_pool(server: str, transport: Urllib3Transport) -> None:
    def both() -> int:  # a plain exchange (lean HTTP/1.1 pool) and a chunked upload (urllib3)
        plain = transport.send(HttpRequest(method="GET", url=f"{server}/echo"))
        upload = HttpRequest(method="PUT", url=f"{server}/echo", body=iter([b"chunked"]))
        streamed = transport.send(upload, stream=True)
        streamed.stream.read()
        streamed.stream.close()
        return plain.status_code

    both()
    parent_manager, parent_h1 = transport._manager, transport._h1
    assert parent_manager is not None and parent_h1 is not None
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report and exit without running pytest's teardown
        code = 1
        try:
            status = both()
            fresh = transport._manager is not parent_manager and transport._h1 is not parent_h1
            code = 0 if status == 200 and fresh else 2
        finally:
            os.write(write_fd, bytes([code]))
            os._exit(0)
    os.close(write_fd)
    _, status = os.waitpid(pid, 0)
    result = os.read(read_fd, 1)
    os.close(read_fd)
    assert result == b"\x00"
    assert transport._manager is parent_manager and transport._h1 is parent_h1
    assert both() == 200


# --- TLS ------------------------------------------------------------------------------

def _make_cert(directory: Path) -> tuple[Path, Path]:
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if not shutil.which("openssl"):
            pytest.skip("neither cryptography nor openssl is available")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key_path), "-out", str(cert_path), "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True)
        return cert_path, key_path
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_server(tls_cert: tuple[Path, Path]) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls_cert[0]), str(tls_cert[1]))
    yield from _serve(Handler, context)


def test_tls_default_verify_rejects_self_signed(tls_server: str) -> None:
    transport = Urllib3Transport(connect_timeout=5, read_timeout=5)
    with pytest.raises(errors.SSLError) as info:
        transport.send(HttpRequest(method="GET", url=f"{tls_server}/echo"))
    assert info.value.endpoint_url == f"{tls_server}/echo"
    assert info.value.__cause__ is not None


def test_tls_verify_false(tls_server: str) -> None:
    transport = Urllib3Transport(verify=False)
    with pytest.warns(Warning):  # urllib3's InsecureRequestWarning, as with boto3
        resp = transport.send(HttpRequest(method="POST", url=f"{tls_server}/echo", body=b"tls"))
    assert _echo(resp)["body"] == "tls"


def test_tls_verify_with_ca_bundle(tls_server: str, tls_cert: tuple[Path, Path]) -> None:
    transport = Urllib3Transport(verify=str(tls_cert[0]))
    resp = transport.send(HttpRequest(method="GET", url=f"{tls_server}/echo"))
    assert resp.status_code == 200
    # Hostname checking stays on: "localhost" is in the SAN, so it works by name too.
    port = urlsplit(tls_server).port
    resp = transport.send(HttpRequest(method="GET", url=f"https://localhost:{port}/echo"))
    assert resp.status_code == 200


def test_tls_missing_ca_bundle_is_ssl_error(tls_server: str, tmp_path: Path) -> None:
    transport = Urllib3Transport(verify=str(tmp_path / "missing.pem"))
    with pytest.raises(errors.SSLError):
        transport.send(HttpRequest(method="GET", url=f"{tls_server}/echo"))


# --- proxies --------------------------------------------------------------------------

class ProxyHandler(BaseHTTPRequestHandler):
    """A forwarding proxy for absolute-URI requests and a CONNECT tunnel for HTTPS."""

    protocol_version = "HTTP/1.1"
    seen: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        ProxyHandler.seen.append({"method": self.command, "target": self.path,
                                  "auth": self.headers.get("Proxy-Authorization")})
        parts = urlsplit(self.path)
        assert parts.hostname == "127.0.0.1"  # loopback only
        body = _read_body(self)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-authorization", "transfer-encoding", "content-length")}
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(self.command, path, body=body, headers=headers)
        upstream = conn.getresponse()
        data = upstream.read()
        self.send_response(upstream.status)
        for k, v in upstream.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = _forward

    def do_CONNECT(self) -> None:
        ProxyHandler.seen.append({"method": "CONNECT", "target": self.path,
                                  "auth": self.headers.get("Proxy-Authorization")})
        host, port = self.path.rsplit(":", 1)
        assert host == "127.0.0.1"
        upstream = socket.create_connection((host, int(port)), timeout=5)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 5)
                if not readable:
                    break
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()
            self.close_connection = True


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    yield from _serve(ProxyHandler)


@pytest.fixture
def proxy_log() -> list[dict[str, Any]]:
    ProxyHandler.seen.clear()
    return ProxyHandler.seen


def test_http_through_forwarding_proxy_with_auth(server: str, proxy: str,
                                                 proxy_log: list[dict[str, Any]]) -> None:
    proxy_url = proxy.replace("http://", "http://us%40er:p%3Ass@")
    transport = Urllib3Transport(proxies={"http": proxy_url})
    resp = transport.send(HttpRequest(method="POST", url=f"{server}/echo?q=1", body=b"via proxy"))
    assert _echo(resp)["body"] == "via proxy"
    assert proxy_log[-1]["target"] == f"{server}/echo?q=1"
    import base64
    assert proxy_log[-1]["auth"] == "Basic " + base64.b64encode(b"us@er:p:ss").decode()
    assert "p%3Ass" not in repr(transport)
    transport.close()


def test_https_through_connect_tunnel(tls_server: str, tls_cert: tuple[Path, Path], proxy: str,
                                      proxy_log: list[dict[str, Any]]) -> None:
    transport = Urllib3Transport(proxies={"https": proxy}, verify=str(tls_cert[0]))
    resp = transport.send(HttpRequest(method="GET", url=f"{tls_server}/echo"))
    assert _echo(resp)["path"] == "/echo"
    assert proxy_log[-1]["method"] == "CONNECT"
    assert proxy_log[-1]["target"] == tls_server.split("//")[1]
    transport.close()


def test_env_proxies_read_at_creation_and_no_proxy(server: str, proxy: str, monkeypatch: pytest.MonkeyPatch,
                                                   proxy_log: list[dict[str, Any]]) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    via_env = Urllib3Transport()
    monkeypatch.delenv("HTTP_PROXY")
    assert via_env.proxy_url_for(f"{server}/echo") == proxy
    via_env.send(HttpRequest(method="GET", url=f"{server}/echo"))
    assert proxy_log and proxy_log[-1]["target"] == f"{server}/echo"

    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    bypass = Urllib3Transport()
    assert bypass.proxy_url_for(f"{server}/echo") is None
    assert bypass.proxy_url_for("http://example.com/") == proxy
    # Explicit proxies win over the environment, even an empty mapping.
    assert Urllib3Transport(proxies={}).proxy_url_for("http://example.com/") is None


def test_proxy_unreachable_is_proxy_connection_error(server: str) -> None:
    proxy_url = f"http://user:secret@127.0.0.1:{_free_port()}"
    transport = Urllib3Transport(proxies={"http": proxy_url}, connect_timeout=2)
    with pytest.raises(errors.ProxyConnectionError) as info:
        transport.send(HttpRequest(method="GET", url=f"{server}/echo"))
    assert "secret" not in str(info.value) and "***" in info.value.proxy_url


def test_tcp_keepalive_socket_option(server: str) -> None:
    transport = Urllib3Transport(tcp_keepalive=True)
    assert (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1) in transport._socket_options
    assert transport.send(HttpRequest(method="GET", url=f"{server}/echo")).status_code == 200


def test_transport_usable_after_close(server: str) -> None:
    transport = Urllib3Transport()
    transport.send(HttpRequest(method="GET", url=f"{server}/echo"))
    transport.close()
    assert transport.send(HttpRequest(method="GET", url=f"{server}/echo")).status_code == 200
    transport.close()
