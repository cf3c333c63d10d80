"""The AWS restJson1 protocol (``"protocol": "rest-json"`` in models: Lambda, API Gateway,
EFS, AppSync, IoT, Bedrock, MediaConvert, ...).

Members travel in the URI, query string and headers as ``_rest`` binds them; the rest
is a JSON document (or the ``payload`` member alone). Errors name themselves in the
``X-Amzn-Errortype`` header or the body's ``__type``/``code``.
"""
from __future__ import annotations

import io
from typing import Any, Mapping

from ..http._streaming import StreamingBody
from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, ServiceModel, Shape
from ._common import (
    TimestampPrecision, apply_query_error_header, clean_error_code, error_shape_for_code,
    generic_error, is_generic_error, response_metadata,
)
from ._eventstream import EventStream
from ._jsonbody import JsonParser, JsonSerializer, decode_json_body, dump_json
from ._rest import is_raw_payload, parse_rest_attributes, rest_response_metadata, serialize_rest

__all__ = ["serialize", "parse", "parse_error"]


# -- requests -------------------------------------------------------------------------------

class _BodySerializer:
    __slots__ = ("_json",)

    def __init__(self, precision: TimestampPrecision) -> None:
        self._json = JsonSerializer("unixtimestamp", precision)

    def __call__(self, value: Any, shape: Shape) -> bytes:
        if shape.is_document_type:
            # botocore nests a document payload under a "null" key (a bug the conformance
            # suite lists as ignored); the document itself is what services expect.
            return dump_json(value)
        return dump_json(self._json.structure(shape, value))


_BODY = {precision: _BodySerializer(precision) for precision in ("default", "millisecond")}


def _body_required(shape: Shape) -> bool:
    # A shape with any body-bound member sends "{}" even when none is set.
    return any("location" not in m.serialization for m in shape.members.values())


def serialize(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    timestamp_precision: TimestampPrecision = "default",
) -> SerializedRequest:
    """The request for ``params`` (already validated; idempotency tokens already filled)."""
    request = serialize_rest(
        operation_model, params,
        serialize_body=_BODY[timestamp_precision],
        empty_body=b"{}",
        requires_empty_body=_body_required,
        timestamp_precision=timestamp_precision,
    )
    shape = operation_model.input_shape
    if shape is None or request.body == b"":
        return request
    payload = shape.serialization.get("payload")
    if payload is not None and is_raw_payload(shape.members[payload]):
        return request  # raw payloads carry the caller's Content-Type, if any
    if any(k.lower() == "content-type" for k in request.headers):
        return request
    return request.replace(headers={**request.headers, "Content-Type": "application/json"})


# -- responses ------------------------------------------------------------------------------

def _ensure_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return False


class _RestJsonParser(JsonParser):
    """The JSON body parser with botocore's rest-json coercions (numbers sent as text,
    "NaN"/"Infinity" floats, "true" booleans)."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__()
        self._handlers.update({
            "integer": lambda _s, v: int(v),
            "long": lambda _s, v: int(v),
            "float": lambda _s, v: float(v),
            "double": lambda _s, v: float(v),
            "boolean": lambda _s, v: _ensure_boolean(v),
        })


_PARSER = _RestJsonParser()
# Events use plain JSON rules in botocore (its event-stream parser is not the rest one).
_EVENT_PARSER = JsonParser()


def _read_all(response: HttpResponse) -> bytes:
    """The whole body; reads a streamed one (e.g. an error answer to a streaming call)."""
    if response.body or response.stream is None:
        return response.body
    data = bytes(response.stream.read())
    close = getattr(response.stream, "close", None)
    if close is not None:
        close()
    return data


def _streaming_body(response: HttpResponse) -> StreamingBody:
    # botocore returns every blob payload as a StreamingBody (it counts any blob payload
    # as streaming output, trait or not: Lambda's Invoke Payload is one).
    if response.stream is not None:
        return StreamingBody(response.stream, response.headers.get("content-length"))
    return StreamingBody(io.BytesIO(response.body), len(response.body))


def _parse_members(operation_model: OperationModel | None, shape: Shape,
                   response: HttpResponse, body: bytes | None, out: dict[str, Any]) -> None:
    """Header/status members, then the payload member or the JSON body, into ``out``.

    ``body`` is None on the success path, where a streamed payload must stay unread.
    """
    out.update(parse_rest_attributes(shape, response))
    payload = shape.serialization.get("payload")
    if payload is None:
        raw = _read_all(response) if body is None else body
        out.update(_PARSER.structure(shape, decode_json_body(raw)) or {})
        return
    member = shape.members[payload]
    if member.serialization.get("eventstream"):
        source = response.stream if response.stream is not None else response.body
        op_name = operation_model.name if operation_model is not None else ""
        out[payload] = EventStream(source, member, op_name, decode_json_body, _EVENT_PARSER.value)
    elif member.type_name == "blob" and body is None:
        out[payload] = _streaming_body(response)
    elif is_raw_payload(member):
        # An error's blob payload is text too: botocore decodes any bytes body here.
        raw = _read_all(response) if body is None else body
        out[payload] = raw.decode("utf-8")
    else:
        raw = _read_all(response) if body is None else body
        if not raw.strip() and member.is_tagged_union:
            return  # no union sent; botocore raises on the empty document instead
        out[payload] = _PARSER.value(member, decode_json_body(raw))


def parse(operation_model: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """The output dict, ``ResponseMetadata`` first as in botocore; errors go to ``parse_error``."""
    if response.status_code >= 301:
        return parse_error(operation_model.service_model, response)
    parsed: dict[str, Any] = {"ResponseMetadata": rest_response_metadata(response)}
    shape = operation_model.output_shape
    if shape is not None:
        _parse_members(operation_model, shape, response, None, parsed)
    return parsed


def parse_error(service_model: ServiceModel, response: HttpResponse) -> dict[str, Any]:
    """botocore's error dict: ``Error`` {Message, Code, ...}, ``ResponseMetadata``, then
    the modeled error shape's members (headers and body) at the top level."""
    raw = _read_all(response)
    if response.body is not raw:
        response = HttpResponse(status_code=response.status_code, headers=response.headers, body=raw)
    if is_generic_error(response):
        return generic_error(response)
    body = decode_json_body(raw)
    if not isinstance(body, Mapping):
        body = {}
    error: dict[str, Any] = {"Message": body.get("message", body.get("Message", "")), "Code": ""}
    code: Any = body.get("__type", str(response.status_code))
    if isinstance(code, str):
        code = clean_error_code(code)
        code = apply_query_error_header(code, response.headers, error)
    # The header names the error over the body; then the body's "code".
    header_code = response.headers.get("x-amzn-errortype")
    if header_code is not None:
        code = header_code
    elif "code" in body or "Code" in body:
        code = body.get("code", body.get("Code", ""))
    if isinstance(code, str):
        code = clean_error_code(code)
    error["Code"] = code
    meta = response_metadata(response, response.headers.get("x-amzn-requestid"))
    parsed: dict[str, Any] = {"Error": error, "ResponseMetadata": meta}
    error_shape = error_shape_for_code(service_model, code if isinstance(code, str) else None)
    if error_shape is not None:
        _parse_members(None, error_shape, response, raw, parsed)
    return parsed
