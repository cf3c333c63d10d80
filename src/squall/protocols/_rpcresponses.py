"""Responses of the RPC protocols whose body is one encoded document: awsJson and RPC v2 CBOR.

Both answer with the output structure as the whole body (or with an event stream whose
``initial-response`` event carries it), take the request id from ``x-amzn-requestid``
and merge a modeled error's members into botocore's error dict. Only the body's codec,
the shape-directed reader and how an error body names its error differ: each protocol
module passes those in.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Protocol

from ..http._values import HttpResponse
from ..models.shapes import OperationModel, ServiceModel, Shape
from ._common import (
    apply_query_error_header, clean_error_code, error_shape_for_code, generic_error, is_generic_error,
    response_metadata,
)
from ._eventstream import EventStream

__all__ = ["RpcResponseParser"]


class ShapeReader(Protocol):
    def structure(self, shape: Shape, value: Any) -> Any: ...

    def value(self, shape: Shape, value: Any) -> Any: ...


# An error response -> (its decoded body as a mapping, the error code it names).
ErrorReader = Callable[[HttpResponse], "tuple[Mapping[str, Any], Any]"]


class RpcResponseParser:
    """``parse`` and ``parse_error`` of one RPC protocol. Immutable; one per protocol."""

    __slots__ = ("_decode", "_reader", "_read_error")

    def __init__(self, decode_body: Callable[[bytes], Any], reader: ShapeReader,
                 read_error: ErrorReader) -> None:
        self._decode = decode_body
        self._reader = reader
        self._read_error = read_error

    def parse(self, operation_model: OperationModel, response: HttpResponse) -> dict[str, Any]:
        """The output dict with ``ResponseMetadata``; errors (status >= 301) go to ``parse_error``."""
        if response.status_code >= 301:
            return self.parse_error(operation_model.service_model, response)
        shape = operation_model.output_shape
        parsed: dict[str, Any] = {}
        if shape is not None:
            stream_member = shape.event_stream_name
            if stream_member is not None:
                parsed = self._event_stream_output(operation_model, response, stream_member)
            else:
                parsed = self._reader.structure(shape, self._decode(response.body)) or {}
        parsed["ResponseMetadata"] = response_metadata(response, response.headers.get("x-amzn-requestid"))
        return parsed

    def _event_stream_output(
        self, operation_model: OperationModel, response: HttpResponse, member: str
    ) -> dict[str, Any]:
        shape = operation_model.output_shape
        assert shape is not None
        source = response.stream if response.stream is not None else response.body
        stream = EventStream(
            source, shape.members[member], operation_model.name, self._decode, self._reader.value
        )
        # The other output members travel in a leading ``initial-response`` event.
        initial = stream.get_initial_response()
        parsed: dict[str, Any] = self._reader.structure(shape, self._decode(initial.payload)) or {}
        parsed[member] = stream
        return parsed

    def parse_error(self, service_model: ServiceModel, response: HttpResponse) -> dict[str, Any]:
        """botocore's error dict: ``Error`` {Message, Code, ...}, ``ResponseMetadata``, then
        the modeled error shape's members at the top level."""
        if is_generic_error(response):
            return generic_error(response)
        body, code = self._read_error(response)
        error: dict[str, Any] = {"Message": body.get("message", body.get("Message", "")), "Code": ""}
        if isinstance(code, str):
            code = clean_error_code(code)
            code = apply_query_error_header(code, response.headers, error)
        error["Code"] = code
        parsed: dict[str, Any] = {
            "Error": error,
            "ResponseMetadata": response_metadata(response, response.headers.get("x-amzn-requestid")),
        }
        error_shape = error_shape_for_code(service_model, code if isinstance(code, str) else None)
        if error_shape is not None:
            parsed.update(self._reader.structure(error_shape, body) or {})
        return parsed
