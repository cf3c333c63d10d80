"""XML documents <-> Python values, guided by shapes (shared by query, ec2 and rest-xml).

Parsing follows botocore's BaseXMLResponseParser: a structure's children are grouped by
tag (repeated tags become lists), lists are ``<member>`` wrappers unless flattened,
maps are ``<entry><key/><value/></entry>`` unless flattened, and empty elements are
empty strings. Serializing (rest-xml request bodies) uses ElementTree as botocore
does, so the bytes match: ``<?xml version='1.0' encoding='utf-8'?>`` and all.
"""
from __future__ import annotations

import decimal
import math
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any, Callable, Mapping

from ..models.shapes import Shape
from ._common import (
    ResponseParserError, TimestampPrecision, decode_blob, encode_blob, format_timestamp,
    parse_timestamp, unknown_union_member,
)

__all__ = [
    "Node", "XmlParser", "XmlSerializer", "parse_xml", "local_name", "children_by_name",
    "nodes_to_text", "query_error_root", "ec2_error_root", "float_text",
]

# An element, or the list of same-named sibling elements grouped under one key.
Node = ET.Element | list[ET.Element]
TimestampParser = Callable[[str], Any]
ErrorRoot = Callable[[ET.Element], ET.Element]


def parse_xml(body: bytes | str) -> ET.Element:
    """The document's root element; ResponseParserError if it is not well-formed."""
    try:
        parser = ET.XMLParser(encoding="utf-8")
        parser.feed(body)
        return parser.close()
    except ET.ParseError as exc:
        raise ResponseParserError(msg=(
            f"Unable to parse response ({exc}), invalid XML received. "
            f"Further retries may succeed:\n{body!r}"
        )) from None


def local_name(tag: str) -> str:
    """``{namespace}Name`` -> ``Name``."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def children_by_name(node: Node) -> dict[str, Node]:
    """Children keyed by local tag; a repeated tag collects its elements in a list."""
    if isinstance(node, list):
        # A repeated element read as a structure: botocore uses the first one.
        node = node[0]
    out: dict[str, Node] = {}
    for child in node:
        key = local_name(child.tag)
        found = out.get(key)
        if found is None:
            out[key] = child
        elif isinstance(found, list):
            found.append(child)
        else:
            out[key] = [found, child]
    return out


def nodes_to_text(mapping: dict[str, Any]) -> dict[str, Any]:
    """Untyped conversion (error bodies): elements with children become dicts, the rest text."""
    for key, value in mapping.items():
        if len(value):
            mapping[key] = nodes_to_text(children_by_name(value))
        else:
            mapping[key] = value.text
    return mapping


def query_error_root(root: ET.Element) -> ET.Element:
    """``<ErrorResponse><Error>...`` -> the ``Error`` element (query and rest-xml)."""
    if local_name(root.tag) == "ErrorResponse":
        for child in root:
            if local_name(child.tag) == "Error":
                return child
    return root


def ec2_error_root(root: ET.Element) -> ET.Element:
    """``<Response><Errors><Error>...`` -> the ``Error`` element."""
    for child in root:
        if local_name(child.tag) == "Errors":
            for error in child:
                if local_name(error.tag) == "Error":
                    return error
    return root


def _text(node: Node) -> str:
    if isinstance(node, list):
        node = node[0]
    # An empty element is an empty string, not a missing value.
    return node.text or ""


class XmlParser:
    """XML elements -> boto3's Python values for a shape. Immutable after construction."""

    __slots__ = ("_handlers", "_timestamp", "_error_root")

    def __init__(self, *, timestamp_parser: TimestampParser = parse_timestamp,
                 error_root: ErrorRoot = query_error_root) -> None:
        self._timestamp = timestamp_parser
        self._error_root = error_root
        self._handlers: dict[str, Callable[[Shape, Any], Any]] = {
            "structure": self.structure,
            "list": self._list,
            "map": self._map,
            "string": self._string,
            "character": self._string,
            "boolean": self._boolean,
            "integer": self._integer,
            "long": self._integer,
            "byte": self._integer,
            "short": self._integer,
            "float": self._float,
            "double": self._float,
            "timestamp": self._timestamp_value,
            "blob": self._blob,
        }

    def value(self, shape: Shape, node: Node) -> Any:
        handler = self._handlers.get(shape.type_name)
        return node if handler is None else handler(shape, node)

    def structure(self, shape: Shape, node: Node) -> dict[str, Any]:
        if shape.metadata.get("exception") and not isinstance(node, list):
            node = self._error_root(node)
        if shape.is_tagged_union:
            children = children_by_name(node)
            unknown = unknown_union_member(shape, children)
            if unknown is not None:
                return unknown
        if isinstance(node, list):
            # A repeated element read as a structure: botocore uses the first one.
            node = node[0]
        # children_by_name, inlined: this loop runs for every element of a listing.
        children: dict[str, Any] = {}
        for child in node:
            tag = child.tag
            key = tag.rpartition("}")[2] if tag[:1] == "{" else tag
            found = children.get(key)
            if found is None:
                children[key] = child
            elif found.__class__ is list:
                found.append(child)
            else:
                children[key] = [found, child]
        handlers = self._handlers
        parsed: dict[str, Any] = {}
        for name, member, xml_name, attribute in _structure_plan(shape):
            child = children.get(xml_name)
            if child is not None:
                handler = handlers.get(member.type_name)
                parsed[name] = child if handler is None else handler(member, child)
            elif attribute is not None:
                found = _attribute(node, attribute)
                if found is not None:
                    parsed[name] = found
        return parsed

    def _list(self, shape: Shape, node: Node) -> list[Any]:
        if shape.serialization.get("flattened") and not isinstance(node, list):
            node = [node]
        member = shape.member
        handler = self._handlers.get(member.type_name)
        if handler is None:
            return list(node)
        # A non-flattened list is its wrapper element: every child is an item.
        return [handler(member, item) for item in node]

    def _map(self, shape: Shape, node: Node) -> dict[Any, Any]:
        key_shape, value_shape = shape.key, shape.value
        key_name = key_shape.serialization.get("name") or "key"
        value_name = value_shape.serialization.get("name") or "value"
        if shape.serialization.get("flattened") and not isinstance(node, list):
            node = [node]
        parsed: dict[Any, Any] = {}
        for entry in node:
            key: Any = _MISSING
            item: Any = None
            for part in entry:
                tag = local_name(part.tag)
                if tag == key_name:
                    key = self.value(key_shape, part)
                elif tag == value_name:
                    item = self.value(value_shape, part)
                else:
                    raise ResponseParserError(msg=f"Unknown tag: {tag}")
            if key is not _MISSING:
                parsed[key] = item
        return parsed

    def _string(self, shape: Shape, node: Node) -> str:
        return _text(node)

    def _boolean(self, shape: Shape, node: Node) -> bool:
        return _text(node) == "true"

    def _integer(self, shape: Shape, node: Node) -> int:
        return int(_text(node))

    def _float(self, shape: Shape, node: Node) -> float:
        return float(_text(node))

    def _timestamp_value(self, shape: Shape, node: Node) -> Any:
        return self._timestamp(_text(node))

    def _blob(self, shape: Shape, node: Node) -> bytes:
        return decode_blob(_text(node))


_MISSING = object()
_REST_LOCATIONS = frozenset(("header", "headers", "statusCode"))


@lru_cache(maxsize=4096)
def _structure_plan(shape: Shape) -> tuple[tuple[str, Shape, str, str | None], ...]:
    """(member name, member shape, element name, attribute name if an XML attribute) for
    each member read from the body; headers and status codes are the REST layer's.
    Worked out once per shape instead of per element."""
    plan = []
    for name, member in shape.members.items():
        ser = member.serialization
        if ser.get("location") in _REST_LOCATIONS or ser.get("eventheader"):
            continue
        attribute = ser["name"] if ser.get("xmlAttribute") else None
        plan.append((name, member, _member_xml_name(member, name), attribute))
    return tuple(plan)


def _member_xml_name(member: Shape, name: str) -> str:
    # A flattened list's items are named after the list's member, when it has a name.
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_name = member.member.serialization.get("name")
        if item_name is not None:
            return str(item_name)
    return str(member.serialization.get("name", name))


def _attribute(node: Node, name: str) -> str | None:
    """An attribute by its modelled name; ``{uri}local`` keys are matched as ``prefix:local``."""
    if isinstance(node, list):
        node = node[0]
    prefix = name.split(":")[0] + ":"
    for key, value in node.attrib.items():
        wire = prefix + key.rpartition("}")[2] if key[:1] == "{" else key
        if wire == name:
            return value
    return None


# -- serializing (rest-xml bodies) --------------------------------------------------------

def float_text(value: Any) -> str:
    """A float as AWS text: ``NaN``/``Infinity``/``-Infinity``, otherwise ``str(value)``."""
    if isinstance(value, (float, decimal.Decimal)):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return str(value)


class XmlSerializer:
    """Params -> an XML document for a structure shape (botocore's RestXMLSerializer)."""

    __slots__ = ("_precision", "_handlers")

    def __init__(self, precision: TimestampPrecision = "default") -> None:
        self._precision = precision
        self._handlers: dict[str, Callable[[ET.Element, Any, Shape, str], None]] = {
            "structure": self._structure,
            "list": self._list,
            "map": self._map,
            "boolean": self._boolean,
            "blob": self._blob,
            "timestamp": self._timestamp,
            "float": self._float,
            "double": self._float,
        }

    def __call__(self, value: Any, shape: Shape) -> bytes:
        return self.document(value, shape)

    def document(self, value: Any, shape: Shape, root_name: str | None = None) -> bytes:
        """The whole document; the root element is named by the shape's ``locationName``."""
        name = root_name or shape.serialization.get("name") or shape.name
        holder = ET.Element("")
        self._value(holder, value, shape, name)
        data: bytes = ET.tostring(holder[0], encoding="utf-8")
        return data

    def _value(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        handler = self._handlers.get(shape.type_name, self._scalar)
        handler(parent, value, shape, name)

    def _structure(self, parent: ET.Element, value: Mapping[str, Any], shape: Shape,
                   name: str) -> None:
        node = ET.SubElement(parent, name)
        _add_namespace(shape, node)
        members = shape.members
        for key, item in value.items():
            if item is None:
                continue  # unset
            member = members[key]
            ser = member.serialization
            if ser.get("xmlAttribute"):
                node.attrib[ser["name"]] = item
                continue
            self._value(node, item, member, ser.get("name", key))

    def _list(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        member = shape.member
        if shape.serialization.get("flattened"):
            item_name, holder = name, parent
        else:
            item_name = member.serialization.get("name", "member")
            holder = ET.SubElement(parent, name)
        _add_namespace(shape, holder)
        for item in value:
            self._value(holder, item, member, item_name)

    def _map(self, parent: ET.Element, value: Mapping[Any, Any], shape: Shape, name: str) -> None:
        flattened = shape.serialization.get("flattened")
        if not flattened:
            wrapper = ET.SubElement(parent, name)
            _add_namespace(shape, wrapper)
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        for key, item in value.items():
            entry = ET.SubElement(parent, name) if flattened else ET.SubElement(wrapper, "entry")
            self._value(entry, key, shape.key, key_name)
            self._value(entry, item, shape.value, value_name)

    def _leaf(self, parent: ET.Element, text: str, shape: Shape, name: str) -> None:
        node = ET.SubElement(parent, name)
        node.text = text
        _add_namespace(shape, node)

    def _boolean(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        self._leaf(parent, "true" if value else "false", shape, name)

    def _blob(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        self._leaf(parent, encode_blob(value), shape, name)

    def _timestamp(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        fmt = shape.serialization.get("timestampFormat", "iso8601")
        self._leaf(parent, str(format_timestamp(value, fmt, self._precision)), shape, name)

    def _float(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        self._leaf(parent, float_text(value), shape, name)

    def _scalar(self, parent: ET.Element, value: Any, shape: Shape, name: str) -> None:
        self._leaf(parent, str(value), shape, name)


def _add_namespace(shape: Shape, node: ET.Element) -> None:
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, dict):
        attribute = "xmlns"
        if namespace.get("prefix"):
            attribute += f":{namespace['prefix']}"
        node.attrib[attribute] = namespace["uri"]
    elif isinstance(namespace, str):
        node.attrib["xmlns"] = namespace
