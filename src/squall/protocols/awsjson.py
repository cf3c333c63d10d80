"""The AWS JSON RPC protocols (awsJson1_0 / awsJson1_1; ``"protocol": "json"`` in models).

Every call is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and a JSON
body holding the input members. Errors name themselves with ``__type`` in the body.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, ServiceModel
from ._common import (
    TimestampPrecision, apply_query_error_header, clean_error_code, error_shape_for_code,
    expand_host_prefix, generic_error, is_generic_error, response_metadata,
)
from ._eventstream import EventStream
from ._jsonbody import JsonParser, JsonSerializer, decode_json_body, dump_json

__all__ = ["serialize", "parse", "parse_error"]

_SERIALIZERS = {
    precision: JsonSerializer("unixtimestamp", precision)
    for precision in ("default", "millisecond")
}
_PARSER = JsonParser()


def serialize(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    timestamp_precision: TimestampPrecision = "default",
) -> SerializedRequest:
    """The request for ``params`` (already validated; idempotency tokens already filled)."""
    metadata = operation_model.metadata
    headers = {
        "X-Amz-Target": f"{metadata.get('targetPrefix', '')}.{operation_model.name}",
        "Content-Type": f"application/x-amz-json-{metadata.get('jsonVersion', '1.0')}",
    }
    if operation_model.service_model.is_query_compatible:
        # Tells the service to answer with query-style error codes (x-amzn-query-error).
        headers["x-amzn-query-mode"] = "true"
    shape = operation_model.input_shape
    body: Any = {}
    if shape is not None:
        body = _SERIALIZERS[timestamp_precision].structure(shape, params)
    return SerializedRequest(
        # The model's requestUri is always "/" for this protocol; botocore ignores it too.
        method=operation_model.http.get("method", "POST"),
        path="/",
        headers=headers,
        body=dump_json(body),
        host_prefix=expand_host_prefix(operation_model, params),
    )


def _request_id(response: HttpResponse) -> str | None:
    return response.headers.get("x-amzn-requestid")


def parse(operation_model: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """The output dict with ``ResponseMetadata``; errors (status >= 301) go to ``parse_error``."""
    if response.status_code >= 301:
        return parse_error(operation_model.service_model, response)
    shape = operation_model.output_shape
    parsed: dict[str, Any] = {}
    if shape is not None:
        stream_member = shape.event_stream_name
        if stream_member is not None:
            parsed = _parse_event_stream_output(operation_model, response, stream_member)
        else:
            parsed = _PARSER.structure(shape, decode_json_body(response.body)) or {}
    parsed["ResponseMetadata"] = response_metadata(response, _request_id(response))
    return parsed


def _parse_event_stream_output(
    operation_model: OperationModel, response: HttpResponse, member: str
) -> dict[str, Any]:
    shape = operation_model.output_shape
    assert shape is not None
    source = response.stream if response.stream is not None else response.body
    stream = EventStream(
        source, shape.members[member], operation_model.name, decode_json_body, _PARSER.value
    )
    # The other output members travel in a leading ``initial-response`` event.
    initial = stream.get_initial_response()
    parsed: dict[str, Any] = _PARSER.structure(shape, decode_json_body(initial.payload)) or {}
    parsed[member] = stream
    return parsed


def parse_error(service_model: ServiceModel, response: HttpResponse) -> dict[str, Any]:
    """botocore's error dict: ``Error`` {Code, Message, ...}, ``ResponseMetadata``, then
    the modeled error shape's members at the top level."""
    if is_generic_error(response):
        return generic_error(response)
    body = decode_json_body(response.body)
    if not isinstance(body, Mapping):
        body = {}
    error: dict[str, Any] = {"Message": body.get("message", body.get("Message", "")), "Code": ""}
    code = body.get("__type")
    if code is None:
        # Not botocore: it would report the status code. Smithy's awsJson lets a service
        # name the error in the X-Amzn-Errortype header or a "code" member instead.
        code = response.headers.get("x-amzn-errortype") or body.get("code")
    if code is None:
        code = str(response.status_code)
    if isinstance(code, str):
        code = clean_error_code(code)
        code = apply_query_error_header(code, response.headers, error)
    error["Code"] = code
    parsed: dict[str, Any] = {
        "Error": error,
        "ResponseMetadata": response_metadata(response, _request_id(response)),
    }
    error_shape = error_shape_for_code(service_model, code if isinstance(code, str) else None)
    if error_shape is not None:
        parsed.update(_PARSER.structure(error_shape, body) or {})
    return parsed
