"""The AWS JSON RPC protocols (awsJson1_0 / awsJson1_1; ``"protocol": "json"`` in models).

Every call is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and a JSON
body holding the input members. Errors name themselves with ``__type`` in the body.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel
from ._common import TimestampPrecision, expand_host_prefix
from ._jsonbody import JsonParser, JsonSerializer, decode_json_body, dump_json
from ._rpcresponses import RpcResponseParser

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


def _read_error(response: HttpResponse) -> tuple[Mapping[str, Any], Any]:
    body = decode_json_body(response.body)
    if not isinstance(body, Mapping):
        body = {}
    code = body.get("__type")
    if code is None:
        # Not botocore: it would report the status code. Smithy's awsJson lets a service
        # name the error in the X-Amzn-Errortype header or a "code" member instead.
        code = response.headers.get("x-amzn-errortype") or body.get("code")
    if code is None:
        code = str(response.status_code)
    return body, code


_RESPONSES = RpcResponseParser(decode_json_body, _PARSER, _read_error)
parse = _RESPONSES.parse
parse_error = _RESPONSES.parse_error
