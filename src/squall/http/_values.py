"""Plain values for one HTTP exchange. They know nothing of AWS and do no I/O."""
from __future__ import annotations

from .._dataclass import dataclass, field, replace  # the stdlib's, cheaper to define
from typing import IO, Any, Iterable, Mapping
from urllib.parse import quote

__all__ = ["HttpRequest", "HttpResponse", "SerializedRequest", "Body", "encode_query", "join_url"]

# A request body: bytes, or a stream/iterable the transport reads (seekable streams rewind).
Body = bytes | IO[bytes] | Iterable[bytes]


def _find(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _merge(headers: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """Copy of ``headers`` with ``extra`` set, replacing keys case-insensitively."""
    drop = {k.lower() for k in extra}
    merged = {k: v for k, v in headers.items() if k.lower() not in drop}
    merged.update(extra)
    return merged


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpRequest:
    """A request ready to send. Treat ``headers`` as read-only; use ``with_headers``."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Body = b""

    def header(self, name: str) -> str | None:
        return _find(self.headers, name)

    def with_headers(self, extra: Mapping[str, str]) -> "HttpRequest":
        return replace(self, headers=_merge(self.headers, extra))

    def without_headers(self, *names: str) -> "HttpRequest":
        drop = {n.lower() for n in names}
        return replace(self, headers={k: v for k, v in self.headers.items() if k.lower() not in drop})

    def replace(self, **changes: Any) -> "HttpRequest":
        return replace(self, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """A received response. Header names are lower-case, as in botocore's HTTPHeaders.

    ``body`` holds the whole payload; for streaming operations it is ``b""`` and
    ``stream`` is the transport's readable body instead.
    """

    status_code: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    stream: Any = None
    # The header names as received (any case, repeats allowed), when the transport kept
    # them: only a prefixed header map (``location: headers``) returns names in wire case.
    wire_names: Iterable[str] | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True, kw_only=True)
class SerializedRequest:
    """What a protocol serializer produces, before the endpoint is known.

    ``path`` is percent-encoded and relative to the endpoint's own path; ``query`` holds
    raw (unencoded) pairs in order; ``host_prefix`` is the expanded ``hostPrefix`` trait.
    """

    method: str
    path: str = "/"
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Body = b""
    host_prefix: str | None = None

    def with_headers(self, extra: Mapping[str, str]) -> "SerializedRequest":
        return replace(self, headers=_merge(self.headers, extra))

    def replace(self, **changes: Any) -> "SerializedRequest":
        return replace(self, **changes)

    @property
    def uri(self) -> str:
        """``path?query`` as it appears in the request line (what protocol tests compare)."""
        query = encode_query(self.query)
        return f"{self.path}?{query}" if query else self.path


def encode_query(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" if v is not None else quote(k, safe='-_.~')
        for k, v in pairs
    )


def join_url(endpoint_url: str, request: SerializedRequest) -> str:
    """Join an endpoint URL (which may carry a path) with a serialized request's path/query.

    As botocore: an empty or "/" request path keeps the endpoint's path (or "/"), and a
    "/" shared by both sides is not doubled.
    """
    path = request.path
    literal = ""
    if "?" in path:  # requestUri may carry a literal query, e.g. "/?delete"
        path, literal = path.split("?", 1)
    scheme, sep, rest = endpoint_url.partition("://")
    slash = rest.find("/")
    netloc, base_path = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    if not path or path == "/":
        new_path = base_path or "/"
    elif base_path.endswith("/") and path.startswith("/"):
        new_path = base_path[:-1] + path
    else:
        new_path = base_path + path
    query = encode_query(request.query)
    if literal:
        query = f"{literal}&{query}" if query else literal
    url = f"{scheme}{sep}{netloc}{new_path}"
    return f"{url}?{query}" if query else url
