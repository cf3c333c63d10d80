"""AWS Signature Version 4: header signing and query-string presigning.

Pure functions of (request, credentials, region, service, timestamp): no clock, no
sockets, no logging of secrets. Behaviour follows botocore's ``SigV4Auth``,
``S3SigV4Auth``, ``SigV4QueryAuth`` and ``S3SigV4QueryAuth``:

* every header is signed except a fixed set of hop-by-hop/volatile ones
  (``DEFAULT_UNSIGNED_HEADERS``); ``host`` comes from the URL when absent;
* non-S3 services normalise the path (RFC 3986 dot segments, repeated slashes) and
  percent-encode it again ("double encoding"); S3 uses the path as sent;
* the payload hash is SHA-256 of the body, or ``UNSIGNED-PAYLOAD`` when the caller says so.

Presets: non-S3 is the default; S3 is ``double_uri_encode=False, normalize_path=False,
content_sha256_header=True`` for headers and ``double_uri_encode=False,
normalize_path=False, unsigned_payload=True`` for presigned URLs.
"""
from __future__ import annotations

import hashlib
import hmac
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from datetime import datetime, timezone
from functools import lru_cache, partial
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlsplit, urlunsplit

from ..http._values import Body, HttpRequest
from ._keys import DEFAULT_KEY_CACHE, SigningKeyCache

__all__ = [
    "sign_v4", "presign_v4_query", "SigV4Details", "DEFAULT_UNSIGNED_HEADERS",
    "EMPTY_SHA256_HASH", "UNSIGNED_PAYLOAD", "STREAMING_UNSIGNED_PAYLOAD_TRAILER",
    "ALGORITHM", "canonical_path", "canonical_query_string", "host_from_url", "hash_payload",
]

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_HASH_CHUNK = 1024 * 1024
_SAFE_QUERY = "-_.~"
# botocore drops this auto-set content type from presigned URLs (a GET carries no form).
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

# Headers that proxies or the HTTP layer may add, drop or rewrite in transit, so signing
# them would break the signature (botocore's SIGNED_HEADERS_BLACKLIST). ``authorization``
# is added because it is removed before signing anyway.
DEFAULT_UNSIGNED_HEADERS: frozenset[str] = frozenset({
    "authorization", "connection", "expect", "keep-alive", "proxy-authenticate",
    "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
    "user-agent", "x-amzn-trace-id",
})

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Details:
    """The intermediate values of one signature, for debugging signature mismatches.

    Holds no secret: the signature is an HMAC output, the scope names no secret key.
    """

    canonical_request: str
    string_to_sign: str
    signature: str
    signed_headers: str
    credential_scope: str
    payload_hash: str


# ---------------------------------------------------------------------------------
# Canonical pieces (public so presigners, SigV4a and tests can reuse them)


@lru_cache(maxsize=512)  # a client talks to few hosts; parsing one costs ~2 us per call
def host_from_url(url: str) -> str:
    """``host[:port]`` as the Host header would carry it: lower-case, no userinfo,
    no default port, IPv6 literals bracketed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal; hostname strips the brackets
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 5.2.4, plus collapsing empty segments ("//"), as AWS services expect.
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if kept:
                kept.pop()
        else:
            kept.append(segment)
    lead = "/" if path.startswith("/") else ""
    trail = "/" if path.endswith("/") and kept else ""
    return lead + "/".join(kept) + trail


def canonical_path(path: str, *, double_uri_encode: bool = True, normalize_path: bool = True) -> str:
    """The canonical URI. ``path`` is the URL's path as sent (already percent-encoded
    by the serializer); non-S3 services encode it once more, S3 does not."""
    if path == "/":  # every RPC-style call (JSON, query, EC2): nothing to normalise or encode
        return path
    if normalize_path:
        path = _remove_dot_segments(path)
    if not path:
        path = "/"
    if double_uri_encode:
        path = quote(path, safe="/~")
    return path


def _encode(text: str) -> str:
    return quote(text, safe=_SAFE_QUERY)


def canonical_query_string(query: str) -> str:
    """Canonical form of a raw query string: each name and value decoded then
    percent-encoded (only ``A-Za-z0-9-_.~`` stay literal), pairs sorted by encoded name
    then value. Repeated names are kept; a name without ``=`` gets an empty value."""
    pairs: list[tuple[str, str]] = []
    for item in query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        # Decode first so that already-encoded and raw forms canonicalise alike.
        pairs.append((_encode(unquote(name)), _encode(unquote(value))))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _trim_all(value: object) -> str:
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())


def _canonical_header_block(headers: Mapping[str, str], url: str,
                            unsigned_headers: frozenset[str]) -> tuple[str, str]:
    """(canonical header lines, signed header names) of the headers to sign: names
    lower-cased, ``host`` from the URL when absent, sorted stably so that a repeated
    name's values keep their order, joined with commas."""
    pairs: list[tuple[str, Any]] = []
    has_host = False
    for name, value in headers.items():
        lowered = name.lower().strip()
        if lowered not in unsigned_headers:
            if lowered == "host":
                has_host = True
            pairs.append((lowered, value))
    if not has_host:
        pairs.append(("host", host_from_url(url)))
    pairs.sort(key=_first)
    lines: list[str] = []
    names: list[str] = []
    for lowered, value in pairs:
        text = _trim_all(value)
        if names and names[-1] == lowered:
            lines[-1] = f"{lines[-1]},{text}"
        else:
            names.append(lowered)
            lines.append(f"{lowered}:{text}")
    lines.append("")
    return "\n".join(lines), ";".join(names)


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _amz_date(timestamp: datetime) -> str:
    if timestamp.tzinfo is not None:
        timestamp = timestamp.astimezone(timezone.utc)
    t = timestamp  # _AMZ_DATE_FORMAT, formatted directly (strftime is several times slower)
    return f"{t.year:04d}{t.month:02d}{t.day:02d}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _http_date(amz_date: str) -> str:
    """``email.utils.formatdate`` of the UTC time ``amz_date`` (botocore's ``Date``
    header), written out here: importing email.utils costs more than all of signing."""
    t = datetime(int(amz_date[0:4]), int(amz_date[4:6]), int(amz_date[6:8]),
                 int(amz_date[9:11]), int(amz_date[11:13]), int(amz_date[13:15]))
    return (f"{_WEEKDAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year:04d} "
            f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} -0000")


# ---------------------------------------------------------------------------------
# Payload hashing


def _is_seekable(body: Any) -> bool:
    if not (hasattr(body, "seek") and hasattr(body, "tell") and hasattr(body, "read")):
        return False
    seekable = getattr(body, "seekable", None)
    return bool(seekable()) if callable(seekable) else True


def _as_bytes(chunk: bytes | bytearray | memoryview | str) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _iter_stream(body: Any) -> Iterable[bytes]:
    if hasattr(body, "read"):
        return (_as_bytes(c) for c in iter(partial(body.read, _HASH_CHUNK), b"") if c)
    return (_as_bytes(c) for c in body)


def hash_payload(body: Body | str | None, *, allow_unsigned_stream: bool = False) -> tuple[str, Body]:
    """SHA-256 hex of ``body`` and the body to send afterwards.

    * bytes-like: hashed.
    * seekable file objects: hashed from the current position, then rewound to it.
    * one-shot streams and iterables: ``UNSIGNED-PAYLOAD`` (body untouched) if
      ``allow_unsigned_stream``; otherwise read once into memory, and the returned body
      is those bytes, since the original cannot be replayed.
    """
    if body is None:
        return EMPTY_SHA256_HASH, b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return (hashlib.sha256(body).hexdigest() if len(body) else EMPTY_SHA256_HASH), body
    if isinstance(body, str):
        data = body.encode("utf-8")
        return hashlib.sha256(data).hexdigest(), data
    if _is_seekable(body):
        stream: Any = body
        position = stream.tell()
        digest = hashlib.sha256()
        for chunk in _iter_stream(stream):
            digest.update(chunk)
        stream.seek(position)
        return digest.hexdigest(), body
    if allow_unsigned_stream:
        return UNSIGNED_PAYLOAD, body
    data = b"".join(_iter_stream(body))
    return hashlib.sha256(data).hexdigest(), data


# ---------------------------------------------------------------------------------
# Signature core


def _signature(
    *, method: str, url: str, headers: Mapping[str, str], payload_hash: str,
    access_key: str, secret_key: str, region: str, service: str, amz_date: str,
    double_uri_encode: bool, normalize_path: bool, unsigned_headers: frozenset[str],
    key_cache: SigningKeyCache | None,
) -> SigV4Details:
    parts = urlsplit(url)  # memoised by urllib.parse
    header_lines, signed_headers = _canonical_header_block(headers, url, unsigned_headers)
    canonical_request = "\n".join([
        method.upper(),
        canonical_path(parts.path, double_uri_encode=double_uri_encode, normalize_path=normalize_path),
        canonical_query_string(parts.query),
        header_lines,
        signed_headers,
        payload_hash,
    ])
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join([
        ALGORITHM, amz_date, scope,
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
    ])
    cache = DEFAULT_KEY_CACHE if key_cache is None else key_cache
    key = cache.get(secret_key, date, region, service)
    signature = _hmac_sha256_hex(key, string_to_sign.encode("utf-8"))
    return SigV4Details(
        canonical_request=canonical_request, string_to_sign=string_to_sign,
        signature=signature, signed_headers=signed_headers,
        credential_scope=scope, payload_hash=payload_hash,
    )


@lru_cache(maxsize=64)  # one signing key per day, region and service in use
def _hmac_pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after the HMAC inner and outer pads of ``key`` (RFC 2104)."""
    block = key.ljust(64, b"\0")  # signing keys are 32 bytes, shorter than a block
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    return inner, outer


def _hmac_sha256_hex(key: bytes, message: bytes) -> str:
    """``hmac.new(key, message, sha256).hexdigest()`` from the key's pre-hashed pads:
    copying two states is several times cheaper than OpenSSL setting up an HMAC per call."""
    if len(key) > 64:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    inner, outer = _hmac_pads(key)
    inner = inner.copy()
    inner.update(message)
    outer = outer.copy()
    outer.update(inner.digest())
    return str(outer.hexdigest())


# Headers sign_v4 replaces (lower-case).
_REPLACED = frozenset({"authorization", "x-amz-date"})


def _find(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _without(headers: Mapping[str, str], *names: str) -> dict[str, str]:
    drop = {n.lower() for n in names}
    return {k: v for k, v in headers.items() if k.lower() not in drop}


def choose_payload_hash(
    body: Body, *, payload_hash: str | None, payload_signing: bool, existing: str | None,
    content_sha256_header: bool, allow_unsigned_stream: bool,
) -> tuple[str, Body]:
    """The payload hash a header signature covers, first match wins (see ``sign_v4``), and
    the body to send (hashing may have read a one-shot stream into bytes)."""
    if payload_hash is not None:
        return payload_hash, body
    if not payload_signing:
        return UNSIGNED_PAYLOAD, body
    if existing is not None and not content_sha256_header:
        return existing, body
    return hash_payload(body, allow_unsigned_stream=allow_unsigned_stream)


def sign_v4(
    request: HttpRequest,
    *,
    access_key: str,
    secret_key: str,
    token: str | None = None,
    region: str,
    service: str,
    timestamp: datetime,
    double_uri_encode: bool = True,
    normalize_path: bool = True,
    payload_signing: bool = True,
    allow_unsigned_stream: bool = False,
    content_sha256_header: bool = False,
    payload_hash: str | None = None,
    unsigned_headers: frozenset[str] = DEFAULT_UNSIGNED_HEADERS,
    key_cache: SigningKeyCache | None = None,
    on_details: Callable[[SigV4Details], None] | None = None,
) -> HttpRequest:
    """A copy of ``request`` signed with SigV4 in the ``Authorization`` header.

    Sets ``X-Amz-Date`` (or rewrites ``Date`` if the request has one, as botocore does),
    ``X-Amz-Security-Token`` when ``token``, and ``X-Amz-Content-SHA256`` when
    ``content_sha256_header`` (S3) or when the payload is unsigned.

    Payload hash, first match wins:
      ``payload_hash`` if given (e.g. ``STREAMING-UNSIGNED-PAYLOAD-TRAILER``);
      ``UNSIGNED-PAYLOAD`` if not ``payload_signing``;
      an ``X-Amz-Content-SHA256`` header already on the request (non-S3 only);
      otherwise the body's hash (see ``hash_payload``; ``allow_unsigned_stream`` decides
      what happens to one-shot streams). Whether to sign the payload at all (e.g. S3
      over https with a checksum) is the caller's policy, not the signer's.

    ``timestamp`` is the signing time (naive means UTC). Retries must sign the original,
    unsigned request again; re-signing a signed one also works (old auth is replaced).
    ``on_details`` receives the canonical request and string to sign.
    """
    amz_date = _amz_date(timestamp)
    # One pass over the headers (this runs on every call): note Date and an existing
    # payload hash, and drop what signing sets anew.
    has_date = False
    existing: str | None = None
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered in _REPLACED:
            continue
        if lowered == "date":
            has_date = True
            continue  # set anew below
        if lowered == "x-amz-content-sha256" and existing is None:
            existing = value
        elif token and lowered == "x-amz-security-token":
            continue
        headers[name] = value
    if has_date:
        headers["Date"] = _http_date(amz_date)
    else:
        headers["X-Amz-Date"] = amz_date
    if token:
        headers["X-Amz-Security-Token"] = token

    digest, body = choose_payload_hash(
        request.body, payload_hash=payload_hash, payload_signing=payload_signing, existing=existing,
        content_sha256_header=content_sha256_header, allow_unsigned_stream=allow_unsigned_stream,
    )
    if content_sha256_header or digest == UNSIGNED_PAYLOAD:
        headers = _without(headers, "X-Amz-Content-SHA256")
        headers["X-Amz-Content-SHA256"] = digest

    details = _signature(
        method=request.method, url=request.url, headers=headers, payload_hash=digest,
        access_key=access_key, secret_key=secret_key, region=region, service=service,
        amz_date=amz_date, double_uri_encode=double_uri_encode,
        normalize_path=normalize_path, unsigned_headers=unsigned_headers, key_cache=key_cache,
    )
    if on_details is not None:
        on_details(details)
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={access_key}/{details.credential_scope}, "
        f"SignedHeaders={details.signed_headers}, Signature={details.signature}"
    )
    if request.__class__ is HttpRequest:  # cheaper than dataclasses.replace, per call
        return HttpRequest(method=request.method, url=request.url, headers=headers, body=body)
    return request.replace(headers=headers, body=body)


# ---------------------------------------------------------------------------------
# Query-string presigning


def _body_params(body: Body, content_type: str | None) -> list[tuple[str, str]] | None:
    """Operation parameters carried in a form or JSON-object body, or None if there are
    none to move. botocore moves them into a presigned URL's query string."""
    if not isinstance(body, (bytes, bytearray, memoryview)) or not body:
        return None
    import json  # only presigning a JSON-protocol call needs it

    text = bytes(body).decode("utf-8")
    if content_type and content_type.lower().startswith("application/x-www-form-urlencoded"):
        return parse_qsl(text, keep_blank_values=True)
    try:
        loaded = json.loads(text)
    except ValueError:
        return None
    if not isinstance(loaded, dict):
        return None
    return [(str(k), v if isinstance(v, str) else str(v)) for k, v in loaded.items()]


def _encode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)

def presign_query_parts(
    request: HttpRequest, headers: dict[str, str], unsigned_headers: frozenset[str],
) -> tuple[dict[str, str], SplitResult, str, Body, str]:
    """What a query-string signature starts from, as botocore builds it.

    Returns the headers to sign (the auto-set form ``Content-Type`` dropped), the URL's
    parts, the operation's parameters encoded (URL ones, then any moved out of a form or
    JSON-object body, which becomes empty), the body and the signed-headers list.
    """
    content_type = _find(headers, "Content-Type")
    if content_type == _FORM_CONTENT_TYPE:
        headers = _without(headers, "Content-Type")
    parts = urlsplit(request.url)
    # A name repeated in the URL keeps all its values; a body param replaces a URL param
    # of the same name.
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    body: Body = request.body
    moved = _body_params(body, content_type)
    if moved is not None:
        from_body: dict[str, list[str]] = {}
        for name, value in moved:
            from_body.setdefault(name, []).append(value)
        params.update(from_body)
        body = b""
    _, signed_headers = _canonical_header_block(headers, request.url, unsigned_headers)
    operation = _encode_pairs((k, v) for k, values in params.items() for v in values)
    return headers, parts, operation, body, signed_headers


def presign_query(
    parts: SplitResult, operation: str, auth_params: list[tuple[str, str]],
) -> tuple[str, str]:
    """The query (operation params first, then auth params: the order AWS expects) and the
    URL carrying it, still without the signature."""
    auth = _encode_pairs(auth_params)
    query = f"{operation}&{auth}" if operation else auth
    return query, urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def presign_v4_query(
    request: HttpRequest,
    *,
    access_key: str,
    secret_key: str,
    token: str | None = None,
    region: str,
    service: str,
    timestamp: datetime,
    expires: int = 3600,
    double_uri_encode: bool = True,
    normalize_path: bool = True,
    unsigned_payload: bool = False,
    unsigned_headers: frozenset[str] = DEFAULT_UNSIGNED_HEADERS,
    key_cache: SigningKeyCache | None = None,
    on_details: Callable[[SigV4Details], None] | None = None,
) -> HttpRequest:
    """A copy of ``request`` whose URL carries a SigV4 query-string signature.

    The URL becomes ``<path>?<operation params>&X-Amz-Algorithm=...&X-Amz-Credential=...
    &X-Amz-Date=...&X-Amz-Expires=...&X-Amz-SignedHeaders=...[&X-Amz-Security-Token=...]
    &X-Amz-Signature=...``. As in botocore, parameters in a form (or JSON-object) body
    move into the query string and the body becomes empty, and the auto-set form
    ``Content-Type`` is dropped. Headers left on the request are signed and must be sent
    by whoever uses the URL. S3 passes ``unsigned_payload=True`` (and no path
    normalisation or double encoding); other services sign the (empty) body's hash.
    """
    amz_date = _amz_date(timestamp)
    headers = _without(request.headers, "Authorization")
    headers, parts, operation, body, signed_headers = presign_query_parts(
        request, headers, unsigned_headers)
    auth_params = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{access_key}/{amz_date[:8]}/{region}/{service}/aws4_request"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(int(expires))),
        ("X-Amz-SignedHeaders", signed_headers),
    ]
    if token is not None:
        auth_params.append(("X-Amz-Security-Token", token))
    query, url = presign_query(parts, operation, auth_params)

    if unsigned_payload:
        digest = UNSIGNED_PAYLOAD
    else:
        existing = _find(headers, "X-Amz-Content-SHA256")
        digest, body = (existing, body) if existing is not None else hash_payload(body)

    details = _signature(
        method=request.method, url=url, headers=headers, payload_hash=digest,
        access_key=access_key, secret_key=secret_key, region=region, service=service,
        amz_date=amz_date, double_uri_encode=double_uri_encode,
        normalize_path=normalize_path, unsigned_headers=unsigned_headers, key_cache=key_cache,
    )
    if on_details is not None:
        on_details(details)
    # The fragment, if any, must stay last.
    signed_url = urlunsplit((parts.scheme, parts.netloc, parts.path,
                             f"{query}&X-Amz-Signature={details.signature}", parts.fragment))
    return request.replace(url=signed_url, headers=headers, body=body)
