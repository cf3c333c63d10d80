"""The rules-language standard library as plain functions (no rule-set knowledge).

Semantics follow the Smithy rules-engine spec, and where the spec leaves room, what
botocore does (so endpoints match boto3's): e.g. a host label may not end in ``-`` and
``parseURL`` keeps ``path`` exactly as given (``""`` for ``https://host``).
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Mapping, Sequence
from urllib.parse import quote, urlsplit

from ..exceptions import EndpointResolutionError

__all__ = [
    "is_set", "not_", "boolean_equals", "string_equals", "substring", "uri_encode",
    "parse_url", "is_valid_host_label", "parse_arn", "is_virtual_hostable_s3_bucket",
    "split", "parse_path", "get_path", "KEY", "INDEX",
]

# RFC 1123 label; ASCII only (``\d`` alone would admit other scripts' digits).
_HOST_LABEL = re.compile(r"(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
# Dotted quad as botocore checks it (any 1-3 digits; not range-checked).
_IPV4 = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")
_UNSAFE_URL_CHARS = frozenset("\t\r\n")


def _type_error(fn: str, expected: str, *values: object) -> EndpointResolutionError:
    got = " and ".join(type(v).__name__ for v in values)
    return EndpointResolutionError(msg=f"{fn}: arguments must be {expected}, not {got}.")


def is_set(value: Any) -> bool:
    return value is not None


def not_(value: Any) -> bool:
    return not value


def boolean_equals(a: Any, b: Any) -> bool:
    if a.__class__ is not bool or b.__class__ is not bool:
        raise _type_error("booleanEquals", "booleans", a, b)
    return a is b


def string_equals(a: Any, b: Any) -> bool:
    if not isinstance(a, str) or not isinstance(b, str):
        raise _type_error("stringEquals", "strings", a, b)
    return a == b


def substring(value: Any, start: int, stop: int, reverse: bool) -> str | None:
    """``value[start:stop]`` (counted from the end if ``reverse``), or None when the
    string is too short or not ASCII (the spec's "empty optional")."""
    if not isinstance(value, str):
        raise _type_error("substring", "a string", value)
    if start >= stop or len(value) < stop or not value.isascii():
        return None
    if reverse is True:
        return value[len(value) - stop:len(value) - start]
    return value[start:stop]


def uri_encode(value: Any) -> str | None:
    if value is None:
        return None
    # Unreserved characters (RFC 3986) stay; everything else is %XX of its UTF-8 bytes.
    return quote(str(value).encode("utf-8"), safe="-_.~")


def is_valid_host_label(value: Any, allow_subdomains: Any) -> bool:
    if not isinstance(value, str):
        return False
    if allow_subdomains is True:
        return all(_HOST_LABEL.fullmatch(label) is not None for label in value.split("."))
    return _HOST_LABEL.fullmatch(value) is not None


def is_virtual_hostable_s3_bucket(value: Any, allow_subdomains: Any) -> bool:
    """A bucket name usable as a DNS label: 3+ chars, lower case, not an IPv4 address."""
    if (
        not isinstance(value, str)
        or len(value) < 3
        or value.lower() != value
        or _IPV4.fullmatch(value) is not None
    ):
        return False
    return is_valid_host_label(value, allow_subdomains)


def parse_arn(value: Any) -> dict[str, Any] | None:
    """``arn:partition:service:region:account:resource`` -> its parts, or None.

    partition, service and resource must be non-empty; ``resourceId`` is the resource
    split on both ``:`` and ``/``.
    """
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    _, partition, service, region, account, resource = parts
    if not (partition and service and resource):
        return None
    return {
        "partition": partition,
        "service": service,
        "region": region,
        "accountId": account,
        "resourceId": resource.replace(":", "/").split("/"),
    }


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, also collapsing empty segments (``//``) as AWS services expect."""
    if not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    lead = "/" if path[0] == "/" else ""
    trail = "/" if path[-1] == "/" and segments else ""
    return lead + "/".join(segments) + trail


def _is_ip_authority(url: str, netloc: str, host: str | None) -> bool:
    if not host:
        return False
    if _IPV4.fullmatch(host) is not None:
        return True
    # IPv6 only as a whole bracketed host: "[addr]" or "[addr]:port" after any userinfo.
    hostport = netloc.rpartition("@")[2]
    if not hostport.startswith("[") or _UNSAFE_URL_CHARS.intersection(url):
        return False
    inner, _, after = hostport[1:].partition("]")
    if after and not (after[0] == ":" and after[1:].isdigit()):
        return False
    try:
        ipaddress.IPv6Address(inner)  # accepts a %zone suffix too
    except ValueError:
        return False
    return True


def parse_url(value: Any) -> dict[str, Any] | None:
    """The spec's URL structure for an http(s) URL with a host and no query, else None."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # raises for a non-numeric or out-of-range port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or parts.query or not parts.netloc:
        return None
    path = parts.path
    normalized = quote(_remove_dot_segments(path))
    if not normalized.endswith("/"):
        normalized += "/"
    return {
        "scheme": parts.scheme,
        "authority": parts.netloc,
        "path": path,
        "normalizedPath": normalized,
        "isIp": _is_ip_authority(value, parts.netloc, parts.hostname),
    }


def split(value: Any, delimiter: Any, limit: Any) -> list[str]:
    """``limit`` 0 splits everywhere, 1 not at all, n at most into n parts."""
    if not isinstance(value, str) or not isinstance(delimiter, str):
        raise _type_error("split", "strings", value, delimiter)
    if not delimiter or not isinstance(limit, int) or limit < 0:
        raise EndpointResolutionError(
            msg=f"split: the delimiter must be non-empty and the limit >= 0 "
            f"(got {delimiter!r}, {limit!r})."
        )
    return value.split(delimiter, limit - 1 if limit else -1)


# getAttr paths: "a.b[0]" -> ((KEY, "a"), (KEY, "b"), (INDEX, 0)).
KEY = 0
INDEX = 1
_PATH_PART = re.compile(r"([^\[\]]*)(?:\[(-?[0-9]+)\])?")


def parse_path(path: str) -> tuple[tuple[int, Any], ...]:
    steps: list[tuple[int, Any]] = []
    for part in path.split("."):
        match = _PATH_PART.fullmatch(part)
        if match is None:
            raise EndpointResolutionError(msg=f"Invalid getAttr path: {path!r}")
        name, index = match.groups()
        if name:
            steps.append((KEY, name))
        if index is not None:
            steps.append((INDEX, int(index)))
    return tuple(steps)


def get_path(value: Any, steps: Sequence[tuple[int, Any]]) -> Any:
    """Follow ``steps``; a missing key, out-of-range index or wrong type gives None."""
    for kind, arg in steps:
        if kind == KEY:
            value = value.get(arg) if isinstance(value, Mapping) else None
        elif isinstance(value, (list, tuple)) and -len(value) <= arg < len(value):
            value = value[arg]
        else:
            return None
        if value is None:
            return None
    return value
