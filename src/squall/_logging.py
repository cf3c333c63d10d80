"""Logging helpers: parameters and responses in debug logs without their secrets.

``Redacted(value, shape)`` goes in a log call's arguments (``log.debug("%r", Redacted(...))``):
nothing is walked unless the record is actually formatted. Values of members the model
marks ``sensitive`` are replaced, and so are members whose names always hold secrets
(for values logged without a shape, or shapes that do not say).
"""
from __future__ import annotations

from typing import Any

__all__ = ["Redacted", "redact_value", "MASK"]

MASK = "****"
# Member names that hold a secret whatever the model says (SSE-C keys, credentials, passwords).
_SECRET_NAMES = frozenset({
    "SSECustomerKey", "CopySourceSSECustomerKey", "SecretAccessKey", "SessionToken", "Password",
    "NewPassword", "OldPassword", "PrivateKey", "ClientSecret", "AccessToken", "RefreshToken",
    "SecretString", "SecretBinary", "SSEKMSEncryptionContext", "secretAccessKey", "sessionToken",
    "accessToken", "refreshToken", "clientSecret",
})


def _sensitive(shape: Any) -> bool:
    metadata = getattr(shape, "metadata", None)
    return bool(metadata and metadata.get("sensitive"))


def _child(shape: Any, attribute: str) -> Any:
    try:
        return getattr(shape, attribute) if shape is not None else None
    except Exception:  # noqa: BLE001 - not that kind of shape
        return None


def redact_value(value: Any, shape: Any = None) -> Any:
    """A copy of ``value`` with sensitive members masked (by model trait or by name)."""
    if shape is not None and _sensitive(shape):
        return MASK
    if isinstance(value, dict):
        kind = getattr(shape, "type_name", None)
        members = _child(shape, "members") if kind == "structure" else None
        value_shape = _child(shape, "value") if kind == "map" else None
        result = {}
        for key, item in value.items():
            if key in _SECRET_NAMES and item is not None:
                result[key] = MASK
                continue
            child = members.get(key) if members is not None else value_shape
            result[key] = redact_value(item, child)
        return result
    if isinstance(value, (list, tuple)):
        member = _child(shape, "member") if getattr(shape, "type_name", None) == "list" else None
        return type(value)(redact_value(item, member) for item in value)
    return value


class Redacted:
    """A log argument that formats as its value with secrets masked (computed only if logged).
    ``shape`` may be a zero-argument callable that finds the shape, also only if logged."""

    __slots__ = ("value", "shape")

    def __init__(self, value: Any, shape: Any = None) -> None:
        self.value = value
        self.shape = shape

    @classmethod
    def call(cls, client: Any, operation: str, value: Any, *, output: bool = False) -> "Redacted":
        """``value`` as the input (or output) of ``client``'s operation (a Python name or the API's)."""
        def shape() -> Any:
            model = client.meta.service_model
            name = client.meta.method_to_api_mapping.get(operation, operation)
            op = model.operation_model(name)
            return op.output_shape if output else op.input_shape
        return cls(value, shape)

    def __repr__(self) -> str:
        shape = self.shape
        if callable(shape) and not hasattr(shape, "type_name"):
            try:
                shape = shape()
            except Exception:  # noqa: BLE001 - masking by name still applies
                shape = None
        return repr(redact_value(self.value, shape))

    __str__ = __repr__
