"""A tiny loopback AWS stand-in for the per-call CPU benchmark.

Run as a separate process (so its CPU is not charged to the client being measured):
``python bench/_stub_server.py`` prints the port it listens on, then serves until killed.

HTTP/1.1 keep-alive, one thread per connection, canned answers: JSON chosen by the
``X-Amz-Target`` header (SQS, DynamoDB), S3 REST-XML by method and path (PutObject,
GetObject, ListObjectsV2 pages), STS query-XML by the ``Action`` form field. Each
response is written with a single ``sendall`` and TCP_NODELAY is set, so no Nagle /
delayed-ACK stalls distort the timings.
"""
from __future__ import annotations

import base64
import hashlib
import json
import socket
import socketserver
import sys
import uuid
import zlib
from urllib.parse import parse_qs, unquote, urlsplit

Answer = tuple[int, list[tuple[str, str]], bytes]

_JSON = [("Content-Type", "application/x-amz-json-1.0")]
_GET_ITEM = json.dumps({
    "Item": {
        "pk": {"S": "user#42"},
        "name": {"S": "Ada Lovelace"},
        "age": {"N": "36"},
        "tags": {"SS": ["math", "engines"]},
        "active": {"BOOL": True},
    }
}).encode()

# GetObject serves this 1 KiB body, with the CRC32 S3 would store for it.
OBJECT = bytes(range(256)) * 4
_OBJECT_CRC32 = base64.b64encode(zlib.crc32(OBJECT).to_bytes(4, "big")).decode()
_OBJECT_ETAG = f'"{hashlib.md5(OBJECT).hexdigest()}"'

# Pagination: this many items in all, served in pages of PAGE_SIZE with continuation tokens.
TOTAL_ITEMS = 10_000
PAGE_SIZE = 1_000


def _scan_page(body: bytes) -> bytes:
    """DynamoDB Scan: PAGE_SIZE items from after ExclusiveStartKey, LastEvaluatedKey while more."""
    start_key = json.loads(body or b"{}").get("ExclusiveStartKey")
    start = int(start_key["pk"]["S"].split("#")[1]) + 1 if start_key else 0
    end = min(start + PAGE_SIZE, TOTAL_ITEMS)
    page: dict[str, object] = {
        "Items": [{"pk": {"S": f"item#{i}"}, "n": {"N": str(i)}} for i in range(start, end)],
        "Count": end - start, "ScannedCount": end - start,
    }
    if end < TOTAL_ITEMS:
        page["LastEvaluatedKey"] = {"pk": {"S": f"item#{end - 1}"}}
    return json.dumps(page).encode()


def _json_answer(target: str, body: bytes) -> Answer:
    if target.endswith(".SendMessage"):
        # botocore checks MD5OfMessageBody, so it must be right.
        message = json.loads(body or b"{}").get("MessageBody", "")
        payload = json.dumps({
            "MD5OfMessageBody": hashlib.md5(message.encode("utf-8")).hexdigest(),
            "MessageId": str(uuid.uuid4()),
        }).encode()
        return 200, _JSON, payload
    if target.endswith(".GetItem"):
        return 200, _JSON, _GET_ITEM
    if target.endswith(".Scan"):
        return 200, _JSON, _scan_page(body)
    return 200, _JSON, b"{}"


def _sts_answer(body: bytes) -> Answer:
    action = parse_qs(body.decode()).get("Action", [""])[0]
    if action != "GetCallerIdentity":
        return 400, [("Content-Type", "text/xml")], b"<ErrorResponse/>"
    xml = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn>"
        "<UserId>AIDABENCHMARKUSER</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    )
    return 200, [("Content-Type", "text/xml")], xml.encode()


def _list_objects_page(bucket: str, query: dict[str, list[str]]) -> bytes:
    """PAGE_SIZE keys a page: ListObjectsV2 after the continuation token (the next index),
    or ListObjects (v1, what resource collections use) after the ``marker`` key."""
    v2 = query.get("list-type") == ["2"]
    if v2:
        start = int(query.get("continuation-token", ["0"])[0])
    else:
        marker = query.get("marker", [""])[0]
        start = int(marker[len("key-"):]) + 1 if marker else 0
    end = min(start + PAGE_SIZE, TOTAL_ITEMS)
    more = end < TOTAL_ITEMS
    contents = "".join(
        f"<Contents><Key>key-{i:06d}</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified>"
        f'<ETag>"{i:032x}"</ETag><Size>{i}</Size><StorageClass>STANDARD</StorageClass></Contents>'
        for i in range(start, end)
    )
    if v2:
        token = f"<ContinuationToken>{start}</ContinuationToken>" if start else ""
        following = f"<NextContinuationToken>{end}</NextContinuationToken>" if more else ""
        paging = f"<KeyCount>{end - start}</KeyCount>"
    else:  # v1 clients continue from the last key when NextMarker is absent
        token, following, paging = "", "", f"<Marker>{query.get('marker', [''])[0]}</Marker>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Name>{bucket}</Name><Prefix></Prefix>{paging}"
        f"<MaxKeys>{PAGE_SIZE}</MaxKeys><IsTruncated>{'true' if more else 'false'}</IsTruncated>"
        f"{token}{contents}{following}</ListBucketResult>"
    ).encode()


def _s3_answer(method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
    """Path-style S3: PUT/GET /bucket/key, GET /bucket (ListObjects, v1 or v2)."""
    parts = urlsplit(target)
    bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
    meta = [("x-amz-request-id", uuid.uuid4().hex[:16].upper()), ("x-amz-id-2", "stub")]
    if method == "PUT" and key:
        out = [*meta, ("ETag", f'"{hashlib.md5(body).hexdigest()}"')]
        # S3 echoes the flexible checksum it verified; the stub checks it as S3 would.
        for name, value in headers.items():
            if name.startswith("x-amz-checksum-") and name != "x-amz-checksum-type":
                if name == "x-amz-checksum-crc32":
                    expected = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
                    if value != expected:
                        return 400, [("Content-Type", "application/xml")], b"<Error><Code>BadDigest</Code></Error>"
                out.append((name, value))
                out.append(("x-amz-checksum-type", "FULL_OBJECT"))
        return 200, out, b""
    if method == "GET" and key:
        out = [*meta, ("Content-Type", "binary/octet-stream"), ("ETag", _OBJECT_ETAG),
               ("Last-Modified", "Fri, 02 Jan 2026 03:04:05 GMT"), ("Accept-Ranges", "bytes")]
        if headers.get("x-amz-checksum-mode", "").upper() == "ENABLED":
            out += [("x-amz-checksum-crc32", _OBJECT_CRC32), ("x-amz-checksum-type", "FULL_OBJECT")]
        return 200, out, OBJECT
    if method == "GET":
        query = parse_qs(parts.query, keep_blank_values=True)
        return 200, [*meta, ("Content-Type", "application/xml")], _list_objects_page(bucket, query)
    return 405, meta, b""


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
            method, target, _ = request_line.decode("latin-1").split(" ", 2)
            headers: dict[str, str] = {}
            while True:
                line = rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if length and headers.get("expect", "").lower() == "100-continue":
                self.connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")  # as S3 does
            body = rfile.read(length) if length else b""
            if "x-amz-target" in headers:
                status, extra, payload = _json_answer(headers["x-amz-target"], body)
            elif method == "POST" and target.split("?")[0] == "/":
                status, extra, payload = _sts_answer(body)
            else:
                status, extra, payload = _s3_answer(method, target, headers, body)
            head = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}"]
            head += [f"{name}: {value}" for name, value in extra]
            if not any(name.lower().startswith("x-amz") for name, _ in extra):
                head.append(f"x-amzn-requestid: {uuid.uuid4()}")
            head.append(f"Content-Length: {len(payload)}")
            self.connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
            if headers.get("connection", "").lower() == "close":
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
