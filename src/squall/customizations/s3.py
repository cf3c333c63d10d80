"""S3's quirks, as boto3 users rely on them.

Parameters: bucket-name validation, ``CopySource`` as a string or a dict, SSE-C keys
base64-encoded with their MD5, ASCII-only metadata, listings requested URL-encoded.
Requests: ``Expect: 100-continue`` on uploads. Responses: errors hidden in a 200 answer,
``GetBucketLocation`` normalised, URL-decoded listings, an unparseable ``Expires``
header kept as ``ExpiresString``.

Addressing (virtual host/path style, accelerate, dual-stack, FIPS, access points,
Outposts, ``use_arn_region``, the us-east-1 regional endpoint) is decided by the
endpoint rule set from the built-ins the client maps from its settings.
"""
from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import quote, unquote

from .._dataclass import replace
from ..exceptions import ParamValidationError
from ..http import HttpResponse, SerializedRequest
from ..models import OperationModel
from . import Customizations

# ElementTree, hashlib/base64 and the timestamp parser are imported by the calls that
# need them (a response to parse, an SSE-C key), not when an S3 client is made.

VALID_BUCKET = re.compile(r"^[a-zA-Z0-9.\-_]{1,255}$")
VALID_S3_ARN = re.compile(
    r"^arn:(aws).*:(s3|s3-object-lambda):[a-z\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-.]{1,63}$"
    r"|^arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\-]{1,63}$"
)
_VERSION_ID_SUFFIX = re.compile(r"\?versionId=[^\s]+$")
_COPY_SOURCE_SAFE = "-._~/"
_SSE_OPERATIONS = frozenset({
    "HeadObject", "GetObject", "PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart",
    "UploadPartCopy", "CompleteMultipartUpload", "SelectObjectContent",
})
_LISTINGS = {
    "ListObjects": (("Delimiter", "Marker", "NextMarker", "Prefix"), (("Contents", "Key"), ("CommonPrefixes", "Prefix"))),
    "ListObjectsV2": (("Delimiter", "Prefix", "StartAfter"), (("Contents", "Key"), ("CommonPrefixes", "Prefix"))),
    "ListObjectVersions": (
        ("KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"),
        (("Versions", "Key"), ("DeleteMarkers", "Key"), ("CommonPrefixes", "Prefix")),
    ),
}


def _validate_bucket(params: Mapping[str, Any]) -> None:
    bucket = params.get("Bucket")
    if isinstance(bucket, str) and not VALID_BUCKET.search(bucket) and not VALID_S3_ARN.search(bucket):
        raise ParamValidationError(report=(
            f'Invalid bucket name "{bucket}": Bucket name must match the regex '
            f'"{VALID_BUCKET.pattern}" or be an ARN matching the regex "{VALID_S3_ARN.pattern}"'
        ))


def copy_source(value: Any) -> Any:
    """``CopySource`` as S3 wants it: ``bucket/key`` URL-encoded, ``?versionId=`` kept."""
    if isinstance(value, str):
        found = _VERSION_ID_SUFFIX.search(value)
        if found is None:
            return quote(value, safe=_COPY_SOURCE_SAFE)
        return quote(value[: found.start()], safe=_COPY_SOURCE_SAFE) + value[found.start():]
    if isinstance(value, dict):
        try:
            bucket, key = value["Bucket"], value["Key"]
        except KeyError as missing:
            raise ParamValidationError(report=f"Missing required parameter: {missing}") from None
        joined = f"{bucket}/object/{key}" if VALID_S3_ARN.search(bucket) else f"{bucket}/{key}"
        encoded = quote(joined, safe=_COPY_SOURCE_SAFE)
        version = value.get("VersionId")
        return encoded if version is None else f"{encoded}?versionId={version}"
    return value


def _sse_customer_key(params: dict[str, Any], prefix: str) -> None:
    key_member, md5_member = prefix + "Key", prefix + "KeyMD5"
    key = params.get(key_member)
    if key is None or md5_member in params:
        return
    import base64
    import hashlib

    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    params[key_member] = base64.b64encode(raw).decode("utf-8")
    params[md5_member] = base64.b64encode(hashlib.md5(raw, usedforsecurity=False).digest()).decode("utf-8")


def _validate_ascii_metadata(params: Mapping[str, Any]) -> None:
    metadata = params.get("Metadata")
    if not isinstance(metadata, dict):
        return
    for key, value in metadata.items():
        try:
            key.encode("ascii")
            value.encode("ascii")
        except UnicodeEncodeError:
            raise ParamValidationError(report=(
                f'Non ascii characters found in S3 metadata for key "{key}", value: "{value}".  \n'
                "S3 metadata can only contain ASCII characters. "
            )) from None
        except AttributeError:
            continue  # wrong types are reported by validation


def before_parameter_build(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    _validate_bucket(params)
    out = dict(params)
    name = op.name
    if name in _LISTINGS and "EncodingType" not in out:
        out["EncodingType"] = "url"  # keys with control characters survive XML; decoded below
    if name in ("CopyObject", "UploadPartCopy") and "CopySource" in out:
        out["CopySource"] = copy_source(out["CopySource"])
    if name in ("CopyObject", "PutObject", "CreateMultipartUpload"):
        _validate_ascii_metadata(out)
    if name in _SSE_OPERATIONS:
        _sse_customer_key(out, "SSECustomer")
        if name in ("CopyObject", "UploadPartCopy"):
            _sse_customer_key(out, "CopySourceSSECustomer")
    return out


_XML_ESCAPED = frozenset({"DeleteObjects", "PutBucketLifecycleConfiguration"})


def after_serialize(op: OperationModel, params: Mapping[str, Any], request: SerializedRequest) -> SerializedRequest:
    # Uploads ask the server to accept the body before sending it, as botocore does for
    # PutObject/UploadPart bodies and any other PUT/POST with a file-like body.
    if op.http.get("method") not in ("PUT", "POST"):
        return request
    if (op.name in ("PutObject", "UploadPart") and "Body" in params) or hasattr(request.body, "read"):
        return request.with_headers({"Expect": "100-continue"})
    if op.name in _XML_ESCAPED and isinstance(request.body, bytes):
        # Keys and prefixes may hold CR/LF, which an XML parser would normalise: send
        # them as character references (botocore's escape_xml_payload).
        return request.replace(body=request.body.replace(b"\r", b"&#xD;").replace(b"\n", b"&#xA;"))
    return request


def _handles_200_error(op: OperationModel) -> bool:
    shape = op.output_shape
    if shape is None or op.has_event_stream_output:
        return False
    payload = shape.serialization.get("payload")
    return payload is None or shape.members[payload].type_name not in ("blob", "string")


def _looks_like_error(body: bytes) -> bool:
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return True  # a 200 whose body is cut off mid-XML: the copy did not finish
    return root.tag == "Error"


def _has_expires_member(op: OperationModel) -> bool:
    shape = op.output_shape
    return shape is not None and any(
        m.name == "Expires" and m.serialization.get("name") == "Expires" for m in shape.members.values()
    )


def before_parse(op: OperationModel, response: HttpResponse) -> HttpResponse:
    """CopyObject & co. can fail after answering 200: make such answers errors (500).
    An ``Expires`` header that is no timestamp is dropped (``ExpiresString`` keeps it)."""
    if response.status_code == 200 and response.body and _handles_200_error(op) and _looks_like_error(response.body):
        return replace(response, status_code=500)
    expires = response.headers.get("expires")
    if expires is not None and _has_expires_member(op):
        from ..protocols._common import parse_timestamp

        try:
            parse_timestamp(expires)
        except (ValueError, TypeError, OverflowError):
            headers = {k: v for k, v in response.headers.items() if k != "expires"}
            return replace(response, headers=headers)
    return response


def _unquote_listing(op: OperationModel, parsed: dict[str, Any]) -> None:
    top_keys, nested = _LISTINGS[op.name]
    for key in top_keys:
        if key in parsed:
            parsed[key] = unquote(parsed[key])
    for top, child in nested:
        for member in parsed.get(top, ()):
            if child in member:
                member[child] = unquote(member[child])


def after_parse(op: OperationModel, params: Mapping[str, Any], response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any]:
    """``params`` are the caller's own; ``response`` is as received (before ``before_parse``)."""
    name = op.name
    if name in _LISTINGS and "EncodingType" not in params and parsed.get("EncodingType") == "url":
        _unquote_listing(op, parsed)
    elif name == "GetBucketLocation" and response.body:
        # The body is a bare <LocationConstraint>; its text (None for us-east-1) is the answer.
        import xml.etree.ElementTree as ET

        parsed["LocationConstraint"] = ET.fromstring(response.body).text
    expires = response.headers.get("expires")
    if expires is not None and _has_expires_member(op):
        parsed["ExpiresString"] = expires
    return parsed


def _without_bucket(operation: Mapping[str, Any]) -> Mapping[str, Any]:
    uri = operation.get("http", {}).get("requestUri", "")
    if uri.startswith("/{Bucket}"):
        return {**operation, "http": {**operation["http"], "requestUri": uri[len("/{Bucket}"):]}}
    return operation


class _BucketlessOperations(Mapping[str, Any]):
    """The operations table with each entry rewritten when first read: the cached model
    decodes operations lazily, and a client uses a few of S3's ~100 (rewriting them all
    decoded every one, ~3 ms of each first S3 client). Each entry is rewritten once, so a
    name gives the same object every time (operation models are cached by it)."""

    __slots__ = ("_raw", "_done")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._done: dict[str, Mapping[str, Any]] = {}

    def __getitem__(self, name: str) -> Mapping[str, Any]:
        found = self._done.get(name)
        if found is None:
            found = self._done.setdefault(name, _without_bucket(self._raw[name]))
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Any:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __reduce__(self) -> Any:  # pickles and deep-copies as the plain dict it stands for
        return dict, ({name: self[name] for name in self._raw},)


def strip_bucket_from_uris(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """The endpoint rules put the bucket in the URL (host or path), so the model's
    ``/{Bucket}`` prefix on every requestUri must go, as botocore removes it."""
    return {**raw, "operations": _BucketlessOperations(raw["operations"])}


def endpoint_params(op: OperationModel, params: Mapping[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """As botocore: access-point ARNs never use path style; GetBucketLocation always does
    (its caller does not know the bucket's region, which virtual hosting would need)."""
    bucket = params.get("Bucket")
    if isinstance(bucket, str) and bucket.startswith("arn:"):
        values["ForcePathStyle"] = False
    elif op.name == "GetBucketLocation":
        values["ForcePathStyle"] = True
    return values


CUSTOMIZATIONS = Customizations(
    model_transform=strip_bucket_from_uris,
    endpoint_params=endpoint_params,
    before_parameter_build=before_parameter_build,
    after_serialize=after_serialize,
    before_parse=before_parse,
    after_parse=after_parse,
)
