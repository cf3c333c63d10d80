"""The Smithy RPC v2 CBOR protocol (``"smithy-rpc-v2-cbor"`` in models).

Every call is ``POST /service/<targetPrefix>/operation/<Operation>`` with the header
``smithy-protocol: rpc-v2-cbor`` and the input members as one CBOR map (no body when the
operation has no input). Timestamps travel as tag 1 around epoch seconds, blobs as byte
strings. Errors name themselves with ``__type`` in the body; awsQueryCompatible services
add ``x-amzn-query-error``.

Requests are byte-identical to botocore's. Responses parse as botocore parses them, with
these deliberate differences, all for payloads botocore would crash on or mangle:

* members unknown to the model are skipped inside map values too (Smithy requires it;
  botocore returns map values as decoded);
* a union member unknown to the model gives ``{'SDK_UNKNOWN_MEMBER': {'name': ...}}``
  as in the other protocols (botocore's CBOR parser returns ``{}``);
* document members are returned as decoded (botocore returns ``{}``);
* a timestamp member sent as a bare number (no tag 1) still becomes a datetime;
* ``ResponseMetadata.RequestId`` is set even for operations without output;
* an error body that is empty or not a CBOR map gives an error dict with the status
  code and the body's text, if any (botocore raises), and the event stream's ``initial-response`` is parsed against the output shape.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Mapping

from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, Shape
from ._cbor import (
    CBORDecodeError, decode, write_bytes, write_float32, write_float64, write_head, write_int,
    write_text, write_timestamp, write_value,
)
from ._common import (
    TimestampPrecision, blob_bytes, expand_host_prefix,
    format_timestamp, parse_timestamp, unknown_union_member,
)
from ._rpcresponses import RpcResponseParser

__all__ = ["serialize", "parse", "parse_error"]

_CBOR = "application/cbor"
_EVENT_STREAM = "application/vnd.amazon.eventstream"


# -- requests ----------------------------------------------------------------------------

_Writer = Callable[[bytearray, Shape, Any], None]


class _Serializer:
    """Params -> CBOR bytes, guided by shapes. Immutable; one per timestamp precision."""

    __slots__ = ("_precision", "_writers")

    def __init__(self, precision: TimestampPrecision) -> None:
        self._precision = precision
        self._writers: dict[str, _Writer] = {
            "structure": self.structure,
            "string": _string,
            "integer": _integer,
            "long": _integer,
            "boolean": _boolean,
            "list": self._list,
            "map": self._map,
            "timestamp": self._timestamp,
            "blob": _blob,
            "float": _float,
            "double": _double,
        }

    def value(self, out: bytearray, shape: Shape, value: Any) -> None:
        if value is None:  # only reachable inside lists and maps (sparse collections)
            out.append(0xF6)
            return
        self._writers.get(shape.type_name, _any)(out, shape, value)

    def structure(self, out: bytearray, shape: Shape, value: Any) -> None:
        if shape.is_document_type:
            write_value(out, value)
            return
        present = [(name, item) for name, item in value.items() if item is not None]
        write_head(out, 0xA0, len(present))
        members = shape.members
        writers = self._writers
        for name, item in present:
            member = members[name]
            write_text(out, member.serialization.get("name", name))
            writers.get(member.type_name, _any)(out, member, item)

    def _list(self, out: bytearray, shape: Shape, value: Any) -> None:
        write_head(out, 0x80, len(value))
        member = shape.member
        write = self._writers.get(member.type_name, _any)
        for item in value:
            if item is None:
                out.append(0xF6)
            else:
                write(out, member, item)

    def _map(self, out: bytearray, shape: Shape, value: Any) -> None:
        write_head(out, 0xA0, len(value))
        key_shape, value_shape = shape.key, shape.value
        write_key = self._writers.get(key_shape.type_name, _any)
        write = self._writers.get(value_shape.type_name, _any)
        for key, item in value.items():
            write_key(out, key_shape, key)
            if item is None:
                out.append(0xF6)
            else:
                write(out, value_shape, item)

    def _timestamp(self, out: bytearray, shape: Shape, value: Any) -> None:
        # Always epoch seconds, whatever the shape's timestampFormat says (as botocore).
        epoch = format_timestamp(value, "unixtimestamp", self._precision)
        assert not isinstance(epoch, str)
        write_timestamp(out, epoch)


def _string(out: bytearray, shape: Shape, value: Any) -> None:
    write_text(out, value)


def _integer(out: bytearray, shape: Shape, value: Any) -> None:
    write_int(out, value)


def _boolean(out: bytearray, shape: Shape, value: Any) -> None:
    out.append(0xF5 if value else 0xF4)


def _blob(out: bytearray, shape: Shape, value: Any) -> None:
    write_bytes(out, blob_bytes(value))


def _float(out: bytearray, shape: Shape, value: Any) -> None:
    write_float32(out, value)


def _double(out: bytearray, shape: Shape, value: Any) -> None:
    write_float64(out, value)


def _any(out: bytearray, shape: Shape, value: Any) -> None:
    write_value(out, value)


_SERIALIZERS = {precision: _Serializer(precision) for precision in ("default", "millisecond")}


def serialize(
    operation_model: OperationModel,
    params: Mapping[str, Any],
    *,
    timestamp_precision: TimestampPrecision = "default",
) -> SerializedRequest:
    """The request for ``params`` (already validated; idempotency tokens already filled)."""
    service_model = operation_model.service_model
    metadata = service_model.metadata
    # Smithy names the service shape here; AWS models carry it as targetPrefix.
    service = metadata.get("targetPrefix") or service_model.service_id.replace(" ", "")
    body = b""
    shape = operation_model.input_shape
    if shape is not None:
        out = bytearray()
        _SERIALIZERS[timestamp_precision].structure(out, shape, params)
        body = bytes(out)
    headers = {"smithy-protocol": "rpc-v2-cbor"}
    if service_model.is_query_compatible:
        # Tells the service to answer with query-style error codes (x-amzn-query-error).
        headers["x-amzn-query-mode"] = "true"
    media_type = _EVENT_STREAM if operation_model.has_event_stream_output else _CBOR
    headers["Accept"] = media_type
    if body:
        headers["Content-Type"] = media_type
    return SerializedRequest(
        method="POST",  # the protocol's only method; the model's http.method is ignored
        path=f"/service/{service}/operation/{operation_model.name}",
        headers=headers,
        body=body,
        host_prefix=expand_host_prefix(operation_model, params),
    )


# -- responses ---------------------------------------------------------------------------

_Reader = Callable[[Shape, Any], Any]


class _Parser:
    """Decoded CBOR -> boto3's values for a shape. The decoder already made datetimes
    (tag 1), bytes and floats, so only containers and stray timestamps need work."""

    __slots__ = ("_readers",)

    def __init__(self) -> None:
        self._readers: dict[str, _Reader] = {
            "structure": self.structure,
            "list": self._list,
            "map": self._map,
            "timestamp": _timestamp,
        }

    def value(self, shape: Shape, value: Any) -> Any:
        reader = self._readers.get(shape.type_name)
        return value if reader is None else reader(shape, value)

    def structure(self, shape: Shape, value: Any) -> Any:
        if shape.is_document_type:
            return value
        if not isinstance(value, dict):
            return {}
        if shape.is_tagged_union:
            unknown = unknown_union_member(shape, value)
            if unknown is not None:
                return unknown
        out: dict[str, Any] = {}
        readers = self._readers
        # RPC v2 puts member names on the wire (botocore ignores locationName here too).
        # Model order, as botocore builds the dict.
        for name, member in shape.members.items():
            item = value.get(name)
            if item is not None:
                reader = readers.get(member.type_name)
                out[name] = item if reader is None else reader(member, item)
        return out

    def _list(self, shape: Shape, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        member = shape.member
        reader = self._readers.get(member.type_name)
        if reader is None:
            return value  # a fresh list from the decoder; nothing to convert
        if reader is _timestamp:  # tag 1 already made datetimes, nearly always
            datetime = _dt.datetime
            return [item if type(item) is datetime else _timestamp(member, item) for item in value]
        return [None if item is None else reader(member, item) for item in value]

    def _map(self, shape: Shape, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        target = shape.value
        reader = self._readers.get(target.type_name)
        if reader is None:
            return value
        return {k: (None if v is None else reader(target, v)) for k, v in value.items()}


def _timestamp(shape: Shape, value: Any) -> Any:
    if isinstance(value, _dt.datetime) or not isinstance(value, (int, float)):
        return value
    return parse_timestamp(value)


_PARSER = _Parser()


def _decode_body(body: bytes) -> Any:
    """The decoded body; ``{}`` when empty (botocore's event-stream rule)."""
    return decode(body) if body else {}


def _read_error(response: HttpResponse) -> tuple[Mapping[str, Any], str]:
    body: Any
    try:
        body = _decode_body(response.body)
    except CBORDecodeError:
        body = None
    if not isinstance(body, dict):
        # Not a CBOR map: a proxy or load balancer answered. Keep its text if it has one.
        try:
            body = {"message": response.body.decode("utf-8")}
        except UnicodeDecodeError:
            body = {}
    code = body.get("__type")
    if code is None:
        return body, str(response.status_code)
    return body, code if isinstance(code, str) else str(code)


_RESPONSES = RpcResponseParser(_decode_body, _PARSER, _read_error)
parse = _RESPONSES.parse
parse_error = _RESPONSES.parse_error
