"""The HTTP bindings that rest-json and rest-xml share (botocore's BaseRestSerializer/Parser).

Input members may live in the URI (``{Label}``, greedy ``{Key+}``), the query string,
a header, a prefixed header map (``location: headers``) or the body; output members may
come from headers, a header map or the status code. Only the body format differs
between the two protocols, so each protocol passes its body serializer/parser in.
All functions are pure.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote

from ..exceptions import ParamValidationError
from ..http._streaming import StreamingBody
from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, Shape
from ._common import (
    TimestampPrecision, decode_blob, encode_blob, float_to_wire, format_timestamp,
    parse_timestamp, response_metadata, to_aware_datetime,
)

__all__ = [
    "BodySerializer", "serialize_rest", "render_uri", "uri_or_query_value", "header_value",
    "query_pairs", "rest_request_id", "rest_response_metadata", "parse_rest_attributes",
    "parse_header_value", "parse_header_map", "raw_payload", "is_raw_payload",
    "payload_member", "is_streaming_payload", "parse_located_members", "response_bytes",
    "streaming_body",
]

# Serializes a dict of body members (or the payload member's value) with its shape.
BodySerializer = Callable[[Any, Shape], bytes]

_LABEL = re.compile(r"{(.*?)}")
_SAFE = "-_.~"  # botocore's SAFE_CHARS; greedy labels keep "/" as well


# -- request -------------------------------------------------------------------------------

def render_uri(template: str, labels: Mapping[str, Any]) -> str:
    """Fill ``{Name}`` (percent-encoded, "/" too) and ``{Name+}`` (keeps "/") in a requestUri."""
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        greedy = name.endswith("+")
        key = name[:-1] if greedy else name
        if key not in labels:
            raise ParamValidationError(report=f"Missing required URI parameter: {key}")
        return quote(str(labels[key]), safe="/~" if greedy else _SAFE)

    return _LABEL.sub(fill, template)


def uri_or_query_value(shape: Shape, value: Any,
                       precision: TimestampPrecision = "default") -> Any:
    """A URI label or query value: booleans lower-case, timestamps ISO 8601 unless modelled."""
    kind = shape.type_name
    if kind == "boolean":
        return str(value).lower()
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "iso8601")
        return format_timestamp(value, fmt, precision)
    if kind in ("float", "double"):
        return str(float_to_wire(value))
    return value


def header_value(shape: Shape, value: Any, precision: TimestampPrecision = "default") -> str:
    """A header member as text (botocore's ``_convert_header_value``)."""
    kind = shape.type_name
    if kind == "timestamp":
        # Headers carry whole seconds whatever the format (botocore drops the fraction).
        seconds = int(to_aware_datetime(value).timestamp() // 1)
        fmt = shape.serialization.get("timestampFormat", "rfc822")
        return str(format_timestamp(seconds, fmt, precision))
    if kind == "list":
        member = shape.member
        if member.type_name == "string":
            items = [_quote_list_item(v) for v in value if v is not None]
        else:
            items = [header_value(member, v, precision) for v in value if v is not None]
        return ",".join(items)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        # Compact separators: the JSON travels base64-encoded in a header.
        return encode_blob(json.dumps(value, separators=(",", ":")))
    if kind == "boolean":
        return str(value).lower()
    if kind in ("float", "double"):
        return str(float_to_wire(value))
    return str(value)


def _quote_list_item(value: str) -> str:
    # RFC 7230 list syntax: items holding "," or '"' are quoted, inner quotes escaped.
    if '"' in value or "," in value:
        return '"' + value.replace('"', '\\"') + '"'
    return value


def query_pairs(query: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """``{name: value | [values]}`` -> ordered pairs; a list repeats its name."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if isinstance(value, list):
            pairs.extend((name, _text(v)) for v in value)
        else:
            pairs.append((name, _text(value)))
    return tuple(pairs)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value if isinstance(value, str) else str(value)


def serialize_rest(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    serialize_body: BodySerializer,
    empty_body: bytes = b"",
    requires_empty_body: Callable[[Shape], bool] | None = None,
    timestamp_precision: TimestampPrecision = "default",
    # Aliases: both spellings were in use while rest-json and rest-xml were written.
    empty_payload: bytes | None = None,
    body_required: Callable[[Shape], bool] | None = None,
    precision: TimestampPrecision | None = None,
) -> SerializedRequest:
    """The request for a REST protocol; the body format comes from ``serialize_body``.

    ``empty_body`` is what an unset structure payload (or a shape for which
    ``requires_empty_body`` says so) sends: ``b""`` for XML, ``b"{}"`` for JSON.
    """
    if empty_payload is not None:
        empty_body = empty_payload
    if body_required is not None:
        requires_empty_body = body_required
    if precision is not None:
        timestamp_precision = precision
    from ._common import expand_host_prefix

    http = operation_model.http
    method = http.get("method", "POST")
    host_prefix = expand_host_prefix(operation_model, params)
    shape = operation_model.input_shape
    if shape is None:
        return SerializedRequest(method=method, path=http["requestUri"], host_prefix=host_prefix)
    members = shape.members
    labels: dict[str, Any] = {}
    query: dict[str, Any] = {}
    headers: dict[str, str] = {}
    body_params: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue  # unset
        member = members[name]
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            labels[wire] = uri_or_query_value(member, value, timestamp_precision)
        elif location == "querystring":
            if isinstance(value, Mapping):
                # A map of free-form parameters; a later key overwrites, as in botocore.
                query.update(value)
            elif member.type_name == "list":
                query[wire] = [uri_or_query_value(member.member, v, timestamp_precision)
                               for v in value]
            else:
                query[wire] = uri_or_query_value(member, value, timestamp_precision)
        elif location == "header":
            if member.type_name == "list" and not value:
                continue  # an empty list sends no header
            headers[wire] = header_value(member, value, timestamp_precision)
        elif location == "headers":
            for key, item in value.items():
                headers[wire + key] = item
        else:
            body_params[name] = value
    body = _body(shape, params, body_params, serialize_body, empty_body, requires_empty_body)
    return SerializedRequest(
        method=method,
        path=render_uri(http["requestUri"], labels),
        query=query_pairs(query),
        headers=headers,
        body=body,
        host_prefix=host_prefix,
    )


def _body(shape: Shape, params: Mapping[str, Any], body_params: Mapping[str, Any],
          serialize_body: BodySerializer, empty_body: bytes,
          requires_empty_body: Callable[[Shape], bool] | None) -> Any:
    payload = shape.serialization.get("payload")
    if payload is not None:
        member = shape.members[payload]
        value = params.get(payload)
        if member.type_name in ("blob", "string"):
            # Raw payload: bytes, text or a file-like object, sent as given.
            if value is None:
                return b""
            return value.encode("utf-8") if isinstance(value, str) else value
        if value is None:
            return empty_body
        return serialize_body(value, member)
    if body_params:
        return serialize_body(body_params, shape)
    if requires_empty_body is not None and requires_empty_body(shape):
        return empty_body
    return b""


# -- response ------------------------------------------------------------------------------

def rest_request_id(headers: Mapping[str, str]) -> dict[str, str]:
    """``RequestId`` (and S3's ``HostId``) from the response headers, as botocore reports them."""
    if "x-amzn-requestid" in headers:
        return {"RequestId": headers["x-amzn-requestid"]}
    if "x-amz-request-id" in headers:
        return {"RequestId": headers["x-amz-request-id"], "HostId": headers.get("x-amz-id-2", "")}
    return {}


def rest_response_metadata(response: HttpResponse) -> dict[str, Any]:
    """RequestId (and HostId) first, then the HTTP status and headers, as botocore orders them."""
    meta: dict[str, Any] = rest_request_id(response.headers)
    meta.update(response_metadata(response))
    return meta


def parse_header_value(shape: Shape, text: str,
                       timestamp_parser: Callable[[str], Any] = parse_timestamp) -> Any:
    """A header's text as the member's type (lists are comma-separated, RFC 7230)."""
    kind = shape.type_name
    if kind == "string":
        if shape.serialization.get("jsonvalue"):
            return json.loads(base64.b64decode(text).decode("utf-8"))
        return text
    if kind == "list":
        member = shape.member
        return [parse_header_value(member, item.strip(), timestamp_parser)
                for item in text.split(",")]
    if kind in ("integer", "long"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        return text.lower() == "true"
    if kind == "timestamp":
        return timestamp_parser(text)
    if kind == "blob":
        return decode_blob(text)
    return text


def parse_header_map(shape: Shape, headers: Mapping[str, str],
                     wire_names: Iterable[str] | None = None) -> dict[str, str]:
    """A ``location: headers`` member: every header with the prefix, prefix removed; keys
    keep the case the server sent when ``wire_names`` has it (as botocore's do)."""
    prefix = shape.serialization.get("name", "").lower()
    if wire_names is None:
        return {name[len(prefix):]: value for name, value in headers.items()
                if name.lower().startswith(prefix)}
    return {name[len(prefix):]: headers[name.lower()] for name in wire_names
            if name.lower().startswith(prefix) and name.lower() in headers}


def parse_rest_attributes(shape: Shape, response: HttpResponse,
                          timestamp_parser: Callable[[str], Any] = parse_timestamp) -> dict[str, Any]:
    """The output members bound to headers, header maps and the status code."""
    parsed: dict[str, Any] = {}
    headers = response.headers
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location is None:
            continue
        if location == "statusCode":
            parsed[name] = response.status_code
        elif location == "headers":
            parsed[name] = parse_header_map(member, headers, response.wire_names)
        elif location == "header":
            header = member.serialization.get("name", name).lower()
            if header in headers:
                parsed[name] = parse_header_value(member, headers[header], timestamp_parser)
    return parsed


def is_raw_payload(member: Shape) -> bool:
    """A blob or string payload is the body itself, not a document."""
    return member.type_name in ("blob", "string")


def raw_payload(member: Shape, response: HttpResponse) -> Any:
    """The body as a blob/string payload member's value.

    A streamed response becomes a ``StreamingBody`` (checked against Content-Length);
    a read body is bytes for blobs and text for strings.
    """
    if response.stream is not None:
        return StreamingBody(response.stream, response.headers.get("content-length"))
    if member.type_name == "string":
        return response.body.decode("utf-8")
    return response.body


def payload_member(shape: Shape) -> tuple[str, Shape] | None:
    """(name, shape) of the structure's ``payload`` member, if it has one."""
    name = shape.serialization.get("payload")
    if name is None:
        return None
    return name, shape.members[name]


def is_streaming_payload(shape: Shape) -> bool:
    """The input/output's payload is raw bytes/text (botocore's ``_has_streaming_payload``)."""
    found = payload_member(shape)
    return found is not None and is_raw_payload(found[1])


def parse_located_members(shape: Shape, response: HttpResponse, out: dict[str, Any]) -> None:
    """``parse_rest_attributes`` into an existing dict."""
    out.update(parse_rest_attributes(shape, response))


def response_bytes(response: HttpResponse) -> bytes:
    """The whole body: ``body``, or the stream read to its end when the call streamed."""
    if response.stream is not None and not response.body:
        data = response.stream.read()
        close = getattr(response.stream, "close", None)
        if close is not None:
            close()  # read to the end: hands the connection back to its pool
        return bytes(data) if data else b""
    return response.body


def streaming_body(response: HttpResponse) -> Any:
    """A streamed body as ``StreamingBody``; a read one as its bytes."""
    if response.stream is not None:
        return StreamingBody(response.stream, response.headers.get("content-length"))
    return response.body
