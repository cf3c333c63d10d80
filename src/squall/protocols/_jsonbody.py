"""JSON documents <-> Python values, guided by shapes (shared by awsJson and rest-json).

Serializing turns user params into JSON-ready values (timestamps formatted, blobs
base64, floats made representable); parsing turns decoded JSON back into the types
boto3 returns (aware datetimes, bytes). The wire format around the document (headers,
URIs, error codes) belongs to the protocol modules.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ..models.shapes import Shape
from ._common import (
    TimestampPrecision, decode_blob, encode_blob, float_to_wire, format_timestamp,
    parse_timestamp, unknown_union_member,
)

__all__ = ["JsonSerializer", "JsonParser", "decode_json_body", "dump_json"]


def dump_json(value: Any) -> bytes:
    # json.dumps defaults (", " / ": " separators, ASCII escapes): byte-identical to botocore.
    return json.dumps(value).encode("utf-8")


def decode_json_body(body: bytes) -> Any:
    """The decoded body; ``{}`` if empty, ``{"message": text}`` if it is not JSON."""
    if not body:
        return {}
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        # A proxy or a broken service: keep the text so it surfaces as the error message.
        return {"message": text}


class _ByShapeType:
    """Hands a value to the handler for its shape's type; other types pass through as they are."""

    __slots__ = ("_handlers",)

    _handlers: dict[str, Callable[[Shape, Any], Any]]

    def value(self, shape: Shape, value: Any) -> Any:
        handler = self._handlers.get(shape.type_name)
        return value if handler is None else handler(shape, value)

    def _list(self, shape: Shape, value: Any) -> Any:
        member = shape.member
        handler = self._handlers.get(member.type_name)
        if handler is None:
            return list(value)
        # Lists are treated as sparse: a null element stays None.
        return [None if item is None else handler(member, item) for item in value]


class JsonSerializer(_ByShapeType):
    """Params -> JSON-ready values. Immutable; one instance per timestamp setting."""

    __slots__ = ("_default_format", "_precision")

    def __init__(self, default_timestamp_format: str = "unixtimestamp",
                 precision: TimestampPrecision = "default") -> None:
        self._default_format = default_timestamp_format
        self._precision = precision
        self._handlers: dict[str, Callable[[Shape, Any], Any]] = {
            "structure": self.structure,
            "list": self._list,
            "map": self._map,
            "timestamp": self._timestamp,
            "blob": self._blob,
            "float": self._float,
            "double": self._float,
        }

    def structure(self, shape: Shape, value: Any) -> Any:
        if shape.is_document_type:
            return value
        members = shape.members
        out: dict[str, Any] = {}
        for name, member_value in value.items():
            # botocore would send null; an unset member is what None means to users.
            if member_value is None:
                continue
            member = members[name]
            out[member.serialization.get("name", name)] = self.value(member, member_value)
        return out

    def _map(self, shape: Shape, value: Any) -> Any:
        target = shape.value
        handler = self._handlers.get(target.type_name)
        if handler is None:
            return dict(value)
        return {k: (None if v is None else handler(target, v)) for k, v in value.items()}

    def _timestamp(self, shape: Shape, value: Any) -> Any:
        fmt = shape.serialization.get("timestampFormat", self._default_format)
        return format_timestamp(value, fmt, self._precision)

    def _blob(self, shape: Shape, value: Any) -> Any:
        return encode_blob(value)

    def _float(self, shape: Shape, value: Any) -> Any:
        return float_to_wire(value)


class JsonParser(_ByShapeType):
    """Decoded JSON -> boto3's Python values for a shape. Subclass hooks: ``_handlers``."""

    __slots__ = ()

    def __init__(self) -> None:
        self._handlers: dict[str, Callable[[Shape, Any], Any]] = {
            "structure": self.structure,
            "list": self._list,
            "map": self._map,
            "timestamp": self._timestamp,
            "blob": self._blob,
        }

    def structure(self, shape: Shape, value: Any) -> Any:
        if shape.is_document_type:
            return value
        if value is None:
            return None
        if not isinstance(value, dict):
            return {}
        if shape.is_tagged_union:
            unknown = unknown_union_member(shape, value)
            if unknown is not None:
                return unknown
        out: dict[str, Any] = {}
        members = shape.members
        if len(value) == 1:
            # Fast path for one-key objects (every DynamoDB AttributeValue): one lookup
            # instead of one per member; same result when wire names are unique.
            by_wire = shape.members_by_wire_name
            if len(by_wire) == len(members):
                for wire, raw in value.items():
                    found = by_wire.get(wire)
                    if found is not None and raw is not None:
                        out[found[0]] = self.value(found[1], raw)
                return out
        for name, member in members.items():
            raw = value.get(member.serialization.get("name", name))
            if raw is not None:
                out[name] = self.value(member, raw)
        return out

    def _map(self, shape: Shape, value: Any) -> Any:
        key_shape, target = shape.key, shape.value
        key_handler = self._handlers.get(key_shape.type_name)
        handler = self._handlers.get(target.type_name)
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if key_handler is not None:
                key = key_handler(key_shape, key)
            out[key] = item if handler is None or item is None else handler(target, item)
        return out

    def _timestamp(self, shape: Shape, value: Any) -> Any:
        return parse_timestamp(value)

    def _blob(self, shape: Shape, value: Any) -> Any:
        return decode_blob(value)
