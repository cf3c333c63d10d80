"""The EC2 protocol (``"protocol": "ec2"``): the query protocol with EC2's own rules.

Differences from ``query``: input names come from ``queryName``, else the capitalised
``locationName``; lists are always flattened as ``Name.N`` and an empty list sends
nothing. Responses carry ``<requestId>`` at the root and no result wrapper; errors are
``<Response><Errors><Error>...</Error></Errors><RequestID>``.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Callable, Mapping

from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, ServiceModel, Shape
from ._common import TimestampPrecision
from ._xmlbody import XmlParser, children_by_name, ec2_error_root
from .query import QuerySerializer, build_request, parse_error_body, parse_success

__all__ = ["serialize", "parse", "parse_error", "Ec2Serializer"]


class Ec2Serializer(QuerySerializer):
    __slots__ = ()

    def _name(self, shape: Shape, default: str) -> str:
        ser = shape.serialization
        if "queryName" in ser:
            return str(ser["queryName"])
        if "name" in ser:
            name = str(ser["name"])
            return name[:1].upper() + name[1:]  # locationName is capitalised on input
        return default

    def _list(self, out: dict[str, Any], value: Any, shape: Shape, prefix: str) -> None:
        member = shape.member
        for index, item in enumerate(value, 1):
            self._value(out, item, member, f"{prefix}.{index}")


_SERIALIZERS = {p: Ec2Serializer(p) for p in ("default", "millisecond")}


def serialize(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    timestamp_precision: TimestampPrecision = "default",
) -> SerializedRequest:
    """The request for ``params`` (already validated; idempotency tokens already filled)."""
    return build_request(_SERIALIZERS[timestamp_precision], operation_model, params)


def _ec2_metadata(root: ET.Element) -> dict[str, Any]:
    node = children_by_name(root).get("requestId")
    if node is None:
        return {}
    return {"RequestId": (node[0] if isinstance(node, list) else node).text}


_PARSER = XmlParser(error_root=ec2_error_root)


def _parser(timestamp_parser: Callable[[str], Any] | None) -> XmlParser:
    if timestamp_parser is None:
        return _PARSER
    return XmlParser(timestamp_parser=timestamp_parser, error_root=ec2_error_root)


def parse(operation_model: OperationModel, response: HttpResponse, *,
          timestamp_parser: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """The output dict with ``ResponseMetadata``; errors (status >= 301) go to ``parse_error``."""
    if response.status_code >= 301:
        return parse_error(operation_model.service_model, response, timestamp_parser=timestamp_parser)
    return parse_success(_parser(timestamp_parser), operation_model, response, _ec2_metadata)


def parse_error(service_model: ServiceModel, response: HttpResponse, *,
                timestamp_parser: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """``{"Error": {"Code", "Message"}, "ResponseMetadata": {"RequestId", ...}, <modeled>}``."""
    return parse_error_body(_parser(timestamp_parser), service_model, response, ("RequestId", "RequestID"))
