"""Wire protocols: params -> SerializedRequest, HttpResponse -> result or error dict.

Each protocol is a module exposing three pure functions::

    serialize(operation_model, params, *, timestamp_precision="default") -> SerializedRequest
    parse(operation_model, response) -> dict          # status >= 301 goes to parse_error
    parse_error(service_model, response) -> dict      # botocore's error dict

Modules are imported on first use, so a process that only talks to JSON services
never loads the XML code.
"""
from __future__ import annotations

import functools
import importlib
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Mapping, Protocol

from ..exceptions import SquallError
from ..http._values import HttpResponse, SerializedRequest
from ..models.shapes import OperationModel, ServiceModel

__all__ = [
    "Serializer", "ResponseParser", "UnsupportedProtocolError",
    "serializer_for", "parser_for", "supported_protocols",
]

# Model protocol name -> module in this package. New protocols register here.
_MODULES: Mapping[str, str] = {
    "json": "awsjson",
    "rest-json": "restjson",
    "smithy-rpc-v2-cbor": "rpcv2cbor",
    "query": "query",
    "ec2": "ec2",
    "rest-xml": "restxml",
}


class Serializer(Protocol):
    def __call__(
        self, operation_model: OperationModel, params: Mapping[str, Any], *,
        timestamp_precision: Any = "default",
    ) -> SerializedRequest: ...


class _Parse(Protocol):
    def __call__(self, operation_model: OperationModel, response: HttpResponse) -> dict[str, Any]: ...


class _ParseError(Protocol):
    def __call__(self, service_model: ServiceModel, response: HttpResponse) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseParser:
    protocol: str
    parse: _Parse
    parse_error: _ParseError


class UnsupportedProtocolError(SquallError, KeyError):
    fmt = "Unsupported protocol: {protocol}. Supported: {supported}"


def supported_protocols() -> tuple[str, ...]:
    return tuple(_MODULES)


def _module(protocol: str) -> Any:
    try:
        name = _MODULES[protocol]
    except KeyError:
        raise UnsupportedProtocolError(
            protocol=protocol, supported=", ".join(_MODULES)
        ) from None
    return importlib.import_module(f"{__name__}.{name}")


@functools.cache
def serializer_for(protocol: str) -> Serializer:
    serialize: Serializer = _module(protocol).serialize
    return serialize


@functools.cache
def parser_for(protocol: str) -> ResponseParser:
    module = _module(protocol)
    return ResponseParser(protocol=protocol, parse=module.parse, parse_error=module.parse_error)
