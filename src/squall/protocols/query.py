"""The AWS query protocol (``"protocol": "query"``: IAM, STS, SNS, CloudFormation, RDS, ...).

Requests are ``POST /`` with a form body: ``Action=<Operation>&Version=<apiVersion>``
then the input flattened to dotted names (``Tags.member.1.Key=k``,
``Attributes.entry.1.key=k``). Responses are XML: ``<OpResponse><OpResult>...</OpResult>
<ResponseMetadata><RequestId>``; errors are ``<ErrorResponse><Error><Code>``. The ec2
module reuses this one with EC2's naming and list rules.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote

from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, ServiceModel, Shape
from ._common import (
    ResponseParserError, TimestampPrecision, encode_blob, error_shape_for_code,
    expand_host_prefix, format_timestamp, generic_error, is_generic_error, response_metadata,
)
from ._xmlbody import (
    XmlParser, children_by_name, float_text, nodes_to_text, parse_xml, query_error_root,
)

__all__ = ["serialize", "parse", "parse_error", "QuerySerializer"]

CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


class QuerySerializer:
    """Params -> the ordered form fields of a query request (botocore's QuerySerializer)."""

    __slots__ = ("_precision",)

    def __init__(self, precision: TimestampPrecision = "default") -> None:
        self._precision = precision

    def fields(self, operation_model: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "Action": operation_model.name,
            "Version": operation_model.metadata.get("apiVersion", ""),
        }
        shape = operation_model.input_shape
        if shape is not None:
            self._structure(fields, params, shape, "")
        return fields

    def _name(self, shape: Shape, default: str) -> str:
        return str(shape.serialization.get("name", default))

    def _value(self, out: dict[str, Any], value: Any, shape: Shape, prefix: str) -> None:
        kind = shape.type_name
        if kind == "structure":
            self._structure(out, value, shape, prefix)
        elif kind == "list":
            self._list(out, value, shape, prefix)
        elif kind == "map":
            self._map(out, value, shape, prefix)
        elif kind == "blob":
            out[prefix] = encode_blob(value)
        elif kind == "timestamp":
            fmt = shape.serialization.get("timestampFormat", "iso8601")
            out[prefix] = format_timestamp(value, fmt, self._precision)
        elif kind == "boolean":
            out[prefix] = "true" if value else "false"
        elif kind in ("float", "double"):
            out[prefix] = float_text(value)
        else:
            out[prefix] = value

    def _structure(self, out: dict[str, Any], value: Mapping[str, Any], shape: Shape,
                   prefix: str) -> None:
        members = shape.members
        for key, item in value.items():
            if item is None:
                continue  # unset
            member = members[key]
            name = self._name(member, key)
            self._value(out, item, member, f"{prefix}.{name}" if prefix else name)

    def _list(self, out: dict[str, Any], value: Any, shape: Shape, prefix: str) -> None:
        if not value:
            out[prefix] = ""  # the query protocol sends an empty list as "Name="
            return
        member = shape.member
        if shape.serialization.get("flattened"):
            list_prefix = prefix
            item_name = member.serialization.get("name")
            if item_name:
                # A named flattened member replaces the last path component.
                list_prefix = ".".join(prefix.split(".")[:-1] + [self._name(member, "")])
        else:
            list_prefix = f"{prefix}.{member.serialization.get('name', 'member')}"
        for index, item in enumerate(value, 1):
            self._value(out, item, member, f"{list_prefix}.{index}")

    def _map(self, out: dict[str, Any], value: Mapping[Any, Any], shape: Shape,
             prefix: str) -> None:
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_shape, value_shape = shape.key, shape.value
        key_suffix = self._name(key_shape, "key")
        value_suffix = self._name(value_shape, "value")
        for index, key in enumerate(value, 1):
            self._value(out, key, key_shape, f"{base}.{index}.{key_suffix}")
            self._value(out, value[key], value_shape, f"{base}.{index}.{value_suffix}")


def _field_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value if isinstance(value, str) else str(value)


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~\-]*\Z")


def _encode(text: str) -> str:
    # Most names and many values need no escaping; skip quote() for them.
    return text if _UNRESERVED.match(text) else quote(text, safe="-_.~")


def encode_form(fields: Iterable[tuple[str, Any]]) -> bytes:
    """``k=v&...`` with only ``-_.~`` unescaped (a space is %20)."""
    return "&".join(f"{_encode(k)}={_encode(_field_text(v))}" for k, v in fields).encode("ascii")


def build_request(serializer: QuerySerializer, operation_model: OperationModel,
                  params: Mapping[str, Any]) -> SerializedRequest:
    fields = serializer.fields(operation_model, params)
    # Percent-encoding with only "-_.~" unescaped (a space is %20), as the conformance
    # suite expects; botocore's wire form uses "+" for spaces, which services read alike.
    body = encode_form(fields.items())
    return SerializedRequest(
        method=operation_model.http.get("method", "POST"),
        path="/",
        headers={"Content-Type": CONTENT_TYPE},
        body=body,
        host_prefix=expand_host_prefix(operation_model, params),
    )


_SERIALIZERS = {p: QuerySerializer(p) for p in ("default", "millisecond")}


def serialize(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    timestamp_precision: TimestampPrecision = "default",
) -> SerializedRequest:
    """The request for ``params`` (already validated; idempotency tokens already filled)."""
    return build_request(_SERIALIZERS[timestamp_precision], operation_model, params)


# -- responses ------------------------------------------------------------------------------

MetadataReader = Callable[[ET.Element], dict[str, Any]]


def _query_metadata(root: ET.Element) -> dict[str, Any]:
    node = children_by_name(root).get("ResponseMetadata")
    if node is None:
        return {}
    return {k: (v[0] if isinstance(v, list) else v).text
            for k, v in children_by_name(node).items()}


def parse_result(parser: XmlParser, shape: Shape | None, root: ET.Element) -> dict[str, Any]:
    """The output members, from inside ``<OpResult>`` when the shape names a result wrapper."""
    if shape is None:
        return {}
    start: Any = root
    wrapper = shape.serialization.get("resultWrapper")
    if wrapper is not None:
        start = children_by_name(root).get(wrapper)
        if start is None:
            return {}
    parsed: dict[str, Any] = parser.value(shape, start)
    return parsed


def parse_success(parser: XmlParser, operation_model: OperationModel, response: HttpResponse,
                  read_metadata: MetadataReader) -> dict[str, Any]:
    root = parse_xml(response.body)
    parsed = parse_result(parser, operation_model.output_shape, root)
    parsed["ResponseMetadata"] = {**read_metadata(root), **response_metadata(response)}
    return parsed


def parse_error_body(parser: XmlParser, service_model: ServiceModel, response: HttpResponse,
                     request_id_tags: tuple[str, ...]) -> dict[str, Any]:
    """botocore's error dict: the XML as nested text dicts (``Errors`` unwrapped), the
    request id moved to ``ResponseMetadata``, then the modeled error's members on top."""
    if is_generic_error(response):
        return generic_error(response)
    try:
        root = parse_xml(response.body)
    except ResponseParserError:
        # botocore raises here; a non-XML error body (a proxy, an empty 403) is better
        # reported as the HTTP status, as botocore's rest-xml parser does.
        return generic_error(response)
    parsed = nodes_to_text(children_by_name(root))
    errors = parsed.get("Errors")
    if isinstance(errors, dict):
        del parsed["Errors"]
        parsed.update(errors)
    meta: dict[str, Any] = {}
    for tag in request_id_tags:
        if tag in parsed:
            meta["RequestId"] = parsed.pop(tag)
    parsed["ResponseMetadata"] = {**meta, **response_metadata(response)}
    error = parsed.get("Error")
    code = error.get("Code") if isinstance(error, dict) else None
    shape = error_shape_for_code(service_model, code if isinstance(code, str) else None)
    if shape is not None:
        parsed.update(parser.structure(shape, root))
    return parsed


_PARSER = XmlParser(error_root=query_error_root)


def _parser(timestamp_parser: Callable[[str], Any] | None) -> XmlParser:
    if timestamp_parser is None:
        return _PARSER
    return XmlParser(timestamp_parser=timestamp_parser, error_root=query_error_root)


def parse(operation_model: OperationModel, response: HttpResponse, *,
          timestamp_parser: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """The output dict with ``ResponseMetadata``; errors (status >= 301) go to ``parse_error``.

    ``timestamp_parser`` replaces the datetime conversion (botocore's parser option).
    """
    if response.status_code >= 301:
        return parse_error(operation_model.service_model, response, timestamp_parser=timestamp_parser)
    return parse_success(_parser(timestamp_parser), operation_model, response, _query_metadata)


def parse_error(service_model: ServiceModel, response: HttpResponse, *,
                timestamp_parser: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """``{"Error": {"Type", "Code", "Message"}, "ResponseMetadata": {...}, <modeled members>}``."""
    return parse_error_body(_parser(timestamp_parser), service_model, response, ("RequestId",))
