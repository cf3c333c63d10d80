"""Immutable, lazily resolved views of a service model (``service-2.json``).

A ``ServiceModel`` wraps the parsed JSON (shared, never mutated). Shapes and operations
are built on first use and memoised per model, so a client for EC2 costs nothing until
an operation is called. Memo dicts are filled with ``setdefault``: two threads racing
build equal values and one wins, so no lock is needed to read.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

__all__ = ["ServiceModel", "OperationModel", "Shape", "PROTOCOL_PRIORITY", "xform_name"]

# When a model lists several protocols, botocore picks the first of these it supports.
PROTOCOL_PRIORITY = ("json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor", "query", "ec2")

# Member/shape traits that affect the wire format (``locationName`` is exposed as ``name``).
_SERIALIZATION_KEYS = (
    "locationName", "queryName", "flattened", "location", "payload", "streaming",
    "timestampFormat", "xmlNamespace", "resultWrapper", "xmlAttribute", "eventstream",
    "event", "eventheader", "eventpayload", "jsonvalue", "hostLabel",
)
_METADATA_KEYS = (
    "required", "min", "max", "pattern", "sensitive", "enum", "idempotencyToken", "error",
    "exception", "endpointdiscoveryid", "retryable", "document", "union", "contextParam",
    "clientContextParams", "requiresLength", "fault", "box", "deprecated",
)


def xform_name(name: str, sep: str = "_") -> str:
    """CamelCase operation name -> boto3's snake_case method name (memoised)."""
    key = (name, sep)
    cached = _xform_cache.get(key)
    if cached is None:
        cached = _xform_cache.setdefault(key, _snake(name, sep))
    return cached


_xform_cache: dict[tuple[str, str], str] = {}
# Mixed-case words that boto3 keeps whole (``ExecutePartiQLStatement`` -> ``execute_partiql_statement``).
_WHOLE_WORDS = (("iSCSI", "Iscsi"), ("PartiQL", "Partiql"), ("WhatsApp", "Whatsapp"),
                ("OTel", "Otel"), ("HITsFor", "HitsFor"))
_PLURAL_ACRONYM = re.compile("[A-Z]{2,}s$")  # GatewayARNs -> gateway_arns
_WORD_START = re.compile("(.)([A-Z][a-z]+)")
_LOWER_UPPER = re.compile("([a-z0-9])([A-Z])")


# Plain CamelCase (every capital starts a word of lower-case letters or digits: 96% of
# operation names) splits in one pass; the rules below give the same answer, slower.
_PLAIN_CAMEL = re.compile("(?:[A-Z][a-z0-9]+)+")
_PLAIN_WORD = re.compile("[A-Z][a-z0-9]+")
_HAS_WHOLE_WORD = re.compile("|".join(word for word, _ in _WHOLE_WORDS))


def _snake(name: str, sep: str) -> str:
    if _PLAIN_CAMEL.fullmatch(name) is not None and _HAS_WHOLE_WORD.search(name) is None:
        return sep.join(_PLAIN_WORD.findall(name)).lower()
    if sep in name:
        return name
    for word, replacement in _WHOLE_WORDS:
        name = name.replace(word, replacement)
    plural = _PLURAL_ACRONYM.search(name)
    if plural is not None:
        name = name[: plural.start()] + sep + plural.group().lower()
    # A function, not an r"\1_\2" template: the template is re-parsed on every call,
    # which made EC2's 765 names cost ~4 ms of its first client.
    join = lambda m: m[1] + sep + m[2]  # noqa: E731
    name = _WORD_START.sub(join, name)
    return _LOWER_UPPER.sub(join, name).lower()


class Shape:
    """One shape, possibly as seen through a structure member (member traits merged)."""

    __slots__ = (
        "name", "type_name", "_model", "_raw", "serialization", "metadata", "_members",
        "_member", "_key", "_value", "documentation", "_by_wire_name",
        "is_tagged_union", "is_document_type", "_event_stream_name",
    )

    def __init__(self, name: str, raw: Mapping[str, Any], model: "ServiceModel",
                 member_traits: Mapping[str, Any] | None = None) -> None:
        self.name = name
        self._raw = raw
        self._model = model
        self.type_name: str = raw["type"]
        self.documentation: str = raw.get("documentation", "")
        ser: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        for source in (raw, member_traits or {}):
            for key in _SERIALIZATION_KEYS:
                if key in source:
                    ser["name" if key == "locationName" else key] = source[key]
            for key in _METADATA_KEYS:
                if key in source:
                    meta[key] = source[key]
        self.serialization: Mapping[str, Any] = ser
        self.metadata: Mapping[str, Any] = meta
        self._members: dict[str, Shape] | None = None
        self._member: Shape | None = None
        self._key: Shape | None = None
        self._value: Shape | None = None
        self._by_wire_name: dict[str, tuple[str, Shape]] | None = None
        # Plain attributes, not properties: serializers and parsers ask per value.
        self.is_tagged_union: bool = bool(raw.get("union"))
        self.is_document_type: bool = bool(raw.get("document"))
        self._event_stream_name: Any = _MISSING

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.name})>"

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._raw

    # -- structure ---------------------------------------------------------------
    @property
    def members(self) -> Mapping[str, "Shape"]:
        if self._members is None:
            resolved = {
                member_name: self._model._member_shape(ref)
                for member_name, ref in self._raw.get("members", {}).items()
            }
            self._members = resolved
        return self._members

    @property
    def members_by_wire_name(self) -> Mapping[str, tuple[str, "Shape"]]:
        """Wire name (``locationName`` or member name) -> (member name, member shape)."""
        if self._by_wire_name is None:
            self._by_wire_name = {
                m.serialization.get("name", n): (n, m) for n, m in self.members.items()
            }
        return self._by_wire_name

    @property
    def required_members(self) -> tuple[str, ...]:
        return tuple(self._raw.get("required", ()))

    @property
    def event_stream_name(self) -> str | None:
        found = self._event_stream_name
        if found is _MISSING:  # memoised: parsers ask on every response
            found = None
            for name, member in self.members.items():
                if member.serialization.get("eventstream"):
                    found = name
                    break
            self._event_stream_name = found
        return found  # type: ignore[no-any-return]

    @property
    def error_code(self) -> str:
        """The wire error code: the ``error.code`` trait (query) or the shape name."""
        return self._raw.get("error", {}).get("code") or self.name

    # -- list / map ----------------------------------------------------------------
    @property
    def member(self) -> "Shape":
        if self._member is None:
            self._member = self._model._member_shape(self._raw["member"])
        return self._member

    @property
    def key(self) -> "Shape":
        if self._key is None:
            self._key = self._model._member_shape(self._raw["key"])
        return self._key

    @property
    def value(self) -> "Shape":
        if self._value is None:
            self._value = self._model._member_shape(self._raw["value"])
        return self._value

    @property
    def enum(self) -> tuple[str, ...]:
        return tuple(self._raw.get("enum", ()))


class OperationModel:
    __slots__ = ("name", "_raw", "service_model", "_cache")

    def __init__(self, raw: Mapping[str, Any], service_model: "ServiceModel", name: str) -> None:
        self.name = name
        self._raw = raw
        self.service_model = service_model
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"OperationModel(name={self.name})"

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._raw

    @property
    def wire_name(self) -> str:
        return self._raw.get("name", self.name)

    @property
    def metadata(self) -> Mapping[str, Any]:
        return self.service_model.metadata

    @property
    def http(self) -> Mapping[str, Any]:
        return self._raw.get("http", {})

    @property
    def input_shape(self) -> Shape | None:
        ref = self._raw.get("input")
        if ref is None:
            return None
        return self._memo("input", lambda: self.service_model._member_shape(ref))

    @property
    def output_shape(self) -> Shape | None:
        ref = self._raw.get("output")
        if ref is None:
            return None
        return self._memo("output", lambda: self.service_model._member_shape(ref))

    @property
    def error_shapes(self) -> tuple[Shape, ...]:
        return self._memo("errors", lambda: tuple(
            self.service_model.shape_for(ref["shape"]) for ref in self._raw.get("errors", ())
        ))

    @property
    def idempotent_members(self) -> tuple[str, ...]:
        def build() -> tuple[str, ...]:
            shape = self.input_shape
            if shape is None:
                return ()
            return tuple(n for n, m in shape.members.items() if m.metadata.get("idempotencyToken"))

        return self._memo("idempotent", build)  # type: ignore[no-any-return]

    @property
    def context_parameters(self) -> tuple[tuple[str, str], ...]:
        """(rule-set parameter name, input member name) for members with ``contextParam``."""
        shape = self.input_shape
        if shape is None:
            return ()
        return tuple(
            (m.metadata["contextParam"]["name"], n)
            for n, m in shape.members.items() if "contextParam" in m.metadata
        )

    @property
    def static_context_parameters(self) -> Mapping[str, Any]:
        return {k: v["value"] for k, v in self._raw.get("staticContextParams", {}).items()}

    @property
    def operation_context_parameters(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(
            {"name": k, "path": v["path"]} for k, v in self._raw.get("operationContextParams", {}).items()
        )

    @property
    def auth(self) -> tuple[str, ...] | None:
        auth = self._raw.get("auth")
        return tuple(auth) if auth is not None else None

    @property
    def auth_type(self) -> str | None:
        return self._raw.get("authtype")

    @property
    def endpoint(self) -> Mapping[str, Any] | None:
        return self._raw.get("endpoint")

    @property
    def http_checksum(self) -> Mapping[str, Any]:
        return self._raw.get("httpChecksum", {})

    @property
    def http_checksum_required(self) -> bool:
        return bool(self._raw.get("httpChecksumRequired"))

    @property
    def request_compression(self) -> Mapping[str, Any] | None:
        return self._raw.get("requestcompression")

    @property
    def deprecated(self) -> bool:
        return bool(self._raw.get("deprecated"))

    # Memoised: the call flow asks on every call.
    @property
    def has_streaming_input(self) -> bool:
        return self._memo("streaming_in", lambda: self._streaming_member(self.input_shape) is not None)  # type: ignore[no-any-return]

    @property
    def has_streaming_output(self) -> bool:
        return self._memo("streaming_out", lambda: self._streaming_member(self.output_shape) is not None)  # type: ignore[no-any-return]

    @property
    def has_event_stream_output(self) -> bool:
        def build() -> bool:
            shape = self.output_shape
            return shape is not None and shape.event_stream_name is not None

        return self._memo("event_stream_out", build)  # type: ignore[no-any-return]

    @staticmethod
    def _streaming_member(shape: Shape | None) -> Shape | None:
        if shape is None:
            return None
        payload = shape.serialization.get("payload")
        if payload is None:
            return None
        member = shape.members[payload]
        # botocore treats any blob payload as a stream (Lambda Invoke's Payload too).
        return member if member.type_name == "blob" else None

    def _memo(self, key: str, build: Any) -> Any:
        found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            found = self._cache.setdefault(key, build())
        return found


_MISSING = object()


class ServiceModel:
    """A service's model: metadata, operations and shapes, resolved on demand."""

    def __init__(self, raw: Mapping[str, Any], service_name: str | None = None) -> None:
        self._raw = raw
        self._shapes_raw: Mapping[str, Any] = raw.get("shapes", {})
        self._ops_raw: Mapping[str, Any] = raw.get("operations", {})
        self._service_name = service_name
        self._shape_cache: dict[str, Shape] = {}
        self._member_cache: dict[int, Shape] = {}
        self._op_cache: dict[str, OperationModel] = {}
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"ServiceModel({self.service_name})"

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._raw

    @property
    def metadata(self) -> Mapping[str, Any]:
        return self._raw.get("metadata", {})

    @property
    def service_name(self) -> str:
        return self._service_name or self.endpoint_prefix

    @property
    def service_id(self) -> str:
        return self.metadata.get("serviceId", "")

    @property
    def endpoint_prefix(self) -> str:
        return self.metadata.get("endpointPrefix", "")

    @property
    def signing_name(self) -> str:
        return self.metadata.get("signingName") or self.endpoint_prefix

    @property
    def api_version(self) -> str:
        return self.metadata.get("apiVersion", "")

    @property
    def protocol(self) -> str:
        """The model's legacy ``protocol`` trait (botocore's ``protocol``)."""
        return self.metadata["protocol"]

    @property
    def resolved_protocol(self) -> str:
        """The protocol squall speaks: the first of ``protocols`` in botocore's priority."""
        protocols = self.metadata.get("protocols")
        if protocols:
            for candidate in PROTOCOL_PRIORITY:
                if candidate in protocols:
                    return candidate
        return self.metadata["protocol"]

    @property
    def signature_version(self) -> str | None:
        return self.metadata.get("signatureVersion")

    @property
    def is_query_compatible(self) -> bool:
        return "awsQueryCompatible" in self.metadata

    @property
    def client_context_parameters(self) -> Mapping[str, Any]:
        return self._raw.get("clientContextParams", {})

    @property
    def operation_names(self) -> tuple[str, ...]:
        return tuple(self._ops_raw)

    @property
    def shape_names(self) -> tuple[str, ...]:
        return tuple(self._shapes_raw)

    def operation_model(self, name: str) -> OperationModel:
        op = self._op_cache.get(name)
        if op is None:
            try:
                raw = self._ops_raw[name]
            except KeyError:
                from ..exceptions import SquallError

                class OperationNotFoundError(SquallError, KeyError):
                    fmt = "Operation {name} not found in service {service}"

                raise OperationNotFoundError(name=name, service=self.service_name) from None
            op = self._op_cache.setdefault(name, OperationModel(raw, self, name))
        return op

    def shape_for(self, name: str) -> Shape:
        shape = self._shape_cache.get(name)
        if shape is None:
            shape = self._shape_cache.setdefault(name, Shape(name, self._shapes_raw[name], self))
        return shape

    def _member_shape(self, ref: Mapping[str, Any]) -> Shape:
        """The target shape of a member reference, with the reference's own traits."""
        if len(ref) == 1:
            return self.shape_for(ref["shape"])
        key = id(ref)  # refs live in the shared model JSON, so identity is stable
        shape = self._member_cache.get(key)
        if shape is None:
            name = ref["shape"]
            shape = self._member_cache.setdefault(
                key, Shape(name, self._shapes_raw[name], self, member_traits=ref)
            )
        return shape

    @property
    def error_shapes(self) -> tuple[Shape, ...]:
        found = self._cache.get("errors")
        if found is None:
            found = self._cache.setdefault("errors", tuple(
                self.shape_for(n) for n, s in self._shapes_raw.items() if s.get("exception")
            ))
        return found

    def shape_for_error_code(self, code: str) -> Shape | None:
        """The exception shape whose wire code (``error.code`` or name) is ``code``."""
        by_code: dict[str, Shape] | None = self._cache.get("errors_by_code")
        if by_code is None:
            # Later shapes win on duplicate codes, as in botocore.
            by_code = self._cache.setdefault(
                "errors_by_code", {s.error_code: s for s in self.error_shapes}
            )
        return by_code.get(code)

    def iter_operations(self) -> Iterator[OperationModel]:
        for name in self._ops_raw:
            yield self.operation_model(name)
