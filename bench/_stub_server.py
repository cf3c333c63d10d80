"""A tiny loopback AWS stand-in for the per-call CPU benchmark.

Run as a separate process (so its CPU is not charged to the client being measured):
``python bench/_stub_server.py`` prints the port it listens on, then serves until killed.

HTTP/1.1 keep-alive, one thread per connection, canned JSON answers chosen by the
``X-Amz-Target`` header. Each response is written with a single ``sendall`` and
TCP_NODELAY is set, so no Nagle / delayed-ACK stalls distort the timings.
"""
from __future__ import annotations

import hashlib
import json
import socket
import socketserver
import sys
import uuid

_GET_ITEM = json.dumps({
    "Item": {
        "pk": {"S": "user#42"},
        "name": {"S": "Ada Lovelace"},
        "age": {"N": "36"},
        "tags": {"SS": ["math", "engines"]},
        "active": {"BOOL": True},
    }
}).encode()


def _answer(target: str, body: bytes) -> bytes:
    if target.endswith(".SendMessage"):
        # botocore checks MD5OfMessageBody, so it must be right.
        message = json.loads(body or b"{}").get("MessageBody", "")
        return json.dumps({
            "MD5OfMessageBody": hashlib.md5(message.encode("utf-8")).hexdigest(),
            "MessageId": str(uuid.uuid4()),
        }).encode()
    if target.endswith(".GetItem"):
        return _GET_ITEM
    return b"{}"


class _Handler(socketserver.StreamRequestHandler):
    # Unbuffered writes: each response goes out in one sendall below.
    wbufsize = 0

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        rfile = self.rfile
        while True:
            request_line = rfile.readline(65537)
            if not request_line:
                return
            if request_line in (b"\r\n", b"\n"):
                continue
            length = 0
            target = ""
            close = False
            while True:
                line = rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "x-amz-target":
                    target = value.strip()
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            body = rfile.read(length) if length else b""
            payload = _answer(target, body)
            head = (
                "HTTP/1.1 200 OK\r\n"
                "Content-Type: application/x-amz-json-1.0\r\n"
                f"x-amzn-requestid: {uuid.uuid4()}\r\n"
                f"Content-Length: {len(payload)}\r\n"
                "\r\n"
            ).encode("latin-1")
            self.connection.sendall(head + payload)
            if close:
                return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main() -> None:
    with _Server(("127.0.0.1", 0), _Handler) as server:
        print(server.server_address[1], flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    sys.exit(0)


if __name__ == "__main__":
    main()
