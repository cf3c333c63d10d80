"""S3 region redirects, as botocore's ``S3RegionRedirectorv2``: pure decisions plus a
small per-client cache.

A request for a bucket in another region fails with a 301/302/307, a
``PermanentRedirect``, an ``AuthorizationHeaderMalformed`` naming the region, an
``IllegalLocationConstraintException`` (not for CreateBucket), or (HEAD requests, no
body) a bare 301/400. The bucket's region comes from the ``x-amz-bucket-region``
header, else the error's ``Region``, else a ``HeadBucket`` call. The call flow then
re-resolves the endpoint with that region (the rule set's ``AWS::Region``), keeps the
request's scheme, path and query, re-signs and sends it once more (at most once per
call); the bucket's region is remembered so later calls go to the right place at once.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from ..exceptions import InvalidRegionError

__all__ = ["BucketRegionCache", "needs_redirect", "region_from_response", "splice_url", "is_arn"]

_VALID_REGION = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$")


class BucketRegionCache:
    """bucket -> region learned from redirects; shared by a client's threads."""

    def __init__(self, max_size: int = 1000) -> None:
        self._regions: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_size

    def get(self, bucket: Any) -> str | None:
        if not isinstance(bucket, str):
            return None
        return self._regions.get(bucket)

    def set(self, bucket: str, region: str) -> None:
        with self._lock:
            self._regions[bucket] = region
            self._regions.move_to_end(bucket)
            while len(self._regions) > self._max:
                self._regions.popitem(last=False)

    def __len__(self) -> int:
        return len(self._regions)


def is_arn(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("arn:") and value.count(":") >= 5


def needs_redirect(operation: str, status: int, headers: Mapping[str, str], parsed: Mapping[str, Any]) -> bool:
    """Whether this error means "the bucket lives in another region"."""
    error = parsed.get("Error", {}) or {}
    code = error.get("Code")
    bare_head = code in ("301", "400")
    return any((
        bare_head and operation == "HeadObject",
        bare_head and operation == "HeadBucket" and "x-amz-bucket-region" in headers,
        code == "AuthorizationHeaderMalformed" and "Region" in error,
        status in (301, 302, 307),
        code == "PermanentRedirect",
        code == "IllegalLocationConstraintException" and operation != "CreateBucket",
    ))


def region_from_response(headers: Mapping[str, str], parsed: Mapping[str, Any]) -> str | None:
    """The bucket's region if the answer names it (None: ask with HeadBucket)."""
    region = headers.get("x-amz-bucket-region")
    if region is None:
        region = (parsed.get("Error", {}) or {}).get("Region") or None
    return region


def check_region(region: str | None) -> str | None:
    """botocore's ``validate_region_name``: a region from the wire must look like one."""
    if region is not None and not _VALID_REGION.match(region):
        raise InvalidRegionError(region_name=region)
    return region


def splice_url(old_url: str, new_endpoint: str) -> str:
    """The old URL's scheme, path and query on the new endpoint's host."""
    old, new = urlsplit(old_url), urlsplit(new_endpoint)
    return urlunsplit((old.scheme, new.netloc, old.path, old.query, ""))
