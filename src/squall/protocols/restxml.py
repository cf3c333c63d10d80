"""The AWS restXml protocol (``"protocol": "rest-xml"``: S3, Route 53, CloudFront, S3 Control).

Members travel in the URI, query string and headers as ``_rest`` binds them; the rest
is an XML document named by the input's ``locationName`` (or the ``payload`` member
alone). Errors are S3's bare ``<Error>`` (request ids in headers) or
``<ErrorResponse><Error>`` (Route 53, CloudFront); a body-less error (HEAD) is named
by its status code.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from http import HTTPStatus
from typing import Any, Callable, Mapping

from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, ServiceModel, Shape
from ._common import (
    ResponseParserError, TimestampPrecision, error_shape_for_code, generic_error,
    is_generic_error, parse_timestamp, response_metadata,
)
from ._eventstream import EventStream
from ._rest import (
    is_raw_payload, parse_rest_attributes, raw_payload, response_bytes, rest_response_metadata,
    serialize_rest,
)
from ._xmlbody import XmlParser, XmlSerializer, children_by_name, nodes_to_text, parse_xml

__all__ = ["serialize", "parse", "parse_error"]

_SERIALIZERS = {p: XmlSerializer(p) for p in ("default", "millisecond")}


def serialize(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    timestamp_precision: TimestampPrecision = "default",
) -> SerializedRequest:
    """The request for ``params`` (already validated; idempotency tokens already filled).

    No Content-Type is set: botocore sends none for XML bodies, and raw payloads carry
    the caller's (``ContentType``) header.
    """
    return serialize_rest(
        operation_model, params,
        serialize_body=_SERIALIZERS[timestamp_precision],
        timestamp_precision=timestamp_precision,
    )


# -- responses ------------------------------------------------------------------------------

TimestampParser = Callable[[str], Any]
_PARSER = XmlParser()


def _parser(timestamp_parser: TimestampParser | None) -> XmlParser:
    return _PARSER if timestamp_parser is None else XmlParser(timestamp_parser=timestamp_parser)


def _document(body: bytes) -> ET.Element:
    # An empty body is an empty document: every member absent.
    return ET.Element("") if not body else parse_xml(body)


def _parse_members(parser: XmlParser, operation_name: str, shape: Shape,
                   response: HttpResponse, body: bytes | None,
                   timestamp_parser: TimestampParser, out: dict[str, Any]) -> None:
    """Header/status members, then the payload member or the XML body, into ``out``.

    ``body`` is None on the success path, where a streamed payload must stay unread.
    """
    out.update(parse_rest_attributes(shape, response, timestamp_parser))
    payload = shape.serialization.get("payload")
    if payload is None:
        raw = response.body if body is None else body
        out.update(parser.value(shape, _document(raw)))
        return
    member = shape.members[payload]
    if member.serialization.get("eventstream"):
        source = response.stream if response.stream is not None else response.body
        out[payload] = EventStream(source, member, operation_name, _document, parser.value)
    elif is_raw_payload(member):
        if body is None:
            out[payload] = raw_payload(member, response)
        else:
            out[payload] = body.decode("utf-8") if member.type_name == "string" else body
    else:
        raw = response_bytes(response) if body is None else body
        out[payload] = parser.value(member, _document(raw))


def parse(operation_model: OperationModel, response: HttpResponse, *,
          timestamp_parser: TimestampParser | None = None) -> dict[str, Any]:
    """The output dict with ``ResponseMetadata`` (RequestId, S3's HostId); errors
    (status >= 301) go to ``parse_error``.

    ``timestamp_parser`` replaces the datetime conversion (botocore's parser option).
    """
    if response.status_code >= 301:
        return parse_error(operation_model.service_model, response, timestamp_parser=timestamp_parser)
    parsed: dict[str, Any] = {"ResponseMetadata": rest_response_metadata(response)}
    shape = operation_model.output_shape
    if shape is not None:
        _parse_members(_parser(timestamp_parser), operation_model.name, shape, response, None,
                       timestamp_parser or parse_timestamp, parsed)
    return parsed


def parse_error(service_model: ServiceModel, response: HttpResponse, *,
                timestamp_parser: TimestampParser | None = None) -> dict[str, Any]:
    """botocore's error dict, then the modeled error shape's members at the top level."""
    body = response_bytes(response)
    if body is not response.body:
        # A streamed error (e.g. GetObject's NoSuchKey): parse what was read.
        response = HttpResponse(status_code=response.status_code, headers=response.headers, body=body)
    if is_generic_error(response):
        return generic_error(response)
    parsed: dict[str, Any] | None = None
    if body:
        try:
            parsed = _error_from_body(response)
        except ResponseParserError:
            parsed = None  # not XML: fall back to the status code, as botocore does
    if parsed is None:
        parsed = _error_from_status(response)
    error = parsed.get("Error")
    code = error.get("Code") if isinstance(error, dict) else None
    shape = error_shape_for_code(service_model, code if isinstance(code, str) else None)
    if shape is not None:
        try:
            _parse_members(_parser(timestamp_parser), "", shape, response, body,
                           timestamp_parser or parse_timestamp, parsed)
        except ResponseParserError:
            pass  # the body was not XML; the error dict above still stands
    return parsed


def _error_from_body(response: HttpResponse) -> dict[str, Any]:
    root = parse_xml(response.body)
    fields = nodes_to_text(children_by_name(root))
    if root.tag == "Error":
        # S3: the request ids are in the headers too; report them once, in ResponseMetadata.
        fields.pop("RequestId", None)
        fields.pop("HostId", None)
        return {"Error": fields, "ResponseMetadata": rest_response_metadata(response)}
    meta: dict[str, Any] = {}
    if "RequestId" in fields:
        meta["RequestId"] = fields.pop("RequestId")
    parsed: dict[str, Any] = {"Error": {"Message": "", "Code": ""}}
    _merge(parsed, fields)
    parsed["ResponseMetadata"] = {**meta, **response_metadata(response)}
    return parsed


def _error_from_status(response: HttpResponse) -> dict[str, Any]:
    headers = response.headers
    meta = {"RequestId": headers.get("x-amz-request-id", ""), "HostId": headers.get("x-amz-id-2", "")}
    return {
        "Error": {"Code": str(response.status_code), "Message": _reason(response.status_code)},
        "ResponseMetadata": {**meta, **response_metadata(response)},
    }


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Deep merge (botocore's ``merge_dicts``): nested dicts merge, other values replace."""
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
