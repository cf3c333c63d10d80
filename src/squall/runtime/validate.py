"""Check call parameters against the input shape before anything is sent.

Every problem is collected and reported at once, with botocore's messages and in
botocore's order, so ``ParamValidationError`` reads the same as under boto3. Like
botocore, only ``required``, ``min``, types, tagged unions, documents and JSON-value
headers are checked (``max``, ``pattern`` and ``enum`` are left to the service).
"""
from __future__ import annotations

import datetime
import decimal
import json
from typing import Any, Callable, Sequence

from ..exceptions import ParamValidationError
from ..models.shapes import Shape
from ..protocols._common import to_aware_datetime

__all__ = ["validate", "validation_errors"]

_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "float": (float, decimal.Decimal, int),
    "double": (float, decimal.Decimal, int),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "string": (str,),
}
_DOCUMENT_TYPES = (str, int, bool, float, list, dict)
_BLOB_TYPE_NAMES = (str(bytes), str(bytearray), "file-like object")
_TIMESTAMP_TYPE_NAMES = (str(datetime.datetime), "timestamp-string")


def validate(shape: Shape | None, params: Any) -> None:
    """Raise ``ParamValidationError`` listing every problem in ``params``, if any."""
    if shape is None:
        return
    errors = validation_errors(shape, params)
    if errors:
        raise ParamValidationError(report="\n".join(errors))


def validation_errors(shape: Shape, params: Any) -> list[str]:
    """The report lines for ``params`` (empty when valid)."""
    errors: list[str] = []
    _Validator(errors).check(params, shape, "")
    return errors


def _display(name: str) -> str:
    if not name:
        return "input"
    return name[1:] if name.startswith(".") else name


def _names(types: Sequence[type]) -> str:
    return ", ".join(str(t) for t in types)


class _Validator:
    __slots__ = ("_errors", "_dispatch")

    def __init__(self, errors: list[str]) -> None:
        self._errors = errors
        self._dispatch: dict[str, Callable[[Any, Shape, str], None]] = {
            "structure": self._structure,
            "list": self._list,
            "map": self._map,
            "string": self._string,
            "integer": self._number,
            "long": self._number,
            "float": self._number,
            "double": self._number,
            "boolean": self._boolean,
            "blob": self._blob,
            "timestamp": self._timestamp,
        }

    # -- reporting (messages verbatim from botocore) ----------------------------------
    def _invalid_type(self, name: str, value: Any, valid: str) -> None:
        self._errors.append(
            f"Invalid type for parameter {_display(name)}, value: {value}, "
            f"type: {type(value)}, valid types: {valid}"
        )

    def _type_ok(self, value: Any, shape: Shape, name: str) -> bool:
        valid = _SCALAR_TYPES.get(shape.type_name) or (
            (list, tuple) if shape.type_name == "list" else (dict,)
        )
        if isinstance(value, valid):
            return True
        self._invalid_type(name, value, _names(valid))
        return False

    def _check_min(self, name: str, value: int | float, shape: Shape, kind: str) -> None:
        if "min" in shape.metadata:
            minimum = shape.metadata["min"]
        elif shape.serialization.get("hostLabel"):
            minimum = 1  # a host label can't be empty
        else:
            return
        if value < minimum:
            label = "length" if kind == "length" else "value"
            self._errors.append(
                f"Invalid {label} for parameter {_display(name)}, value: {value}, "
                f"valid min {label}: {minimum}"
            )

    # -- dispatch ----------------------------------------------------------------------
    def check(self, value: Any, shape: Shape, name: str) -> None:
        if shape.serialization.get("jsonvalue") and shape.serialization.get("location") == "header":
            self._json_value(value, name)
        elif shape.type_name == "structure" and shape.is_document_type:
            self._document(value, name)
        else:
            self._dispatch[shape.type_name](value, shape, name)

    def _json_value(self, value: Any, name: str) -> None:
        try:
            json.dumps(value)
        except (ValueError, TypeError) as exc:
            self._errors.append(
                f"Invalid parameter {_display(name)} must be json serializable: {exc}"
            )

    def _document(self, value: Any, name: str) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            # botocore names a nested document value by its key alone, not its path.
            for key in value:
                self._document(value[key], key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._document(item, f"{name}[{index}]")
        elif not isinstance(value, (str, int, bool, float)):
            self._errors.append(
                f"Invalid type for document parameter {_display(name)}, value: {value}, "
                f"type: {type(value)}, valid types: {_names(_DOCUMENT_TYPES)}"
            )

    def _structure(self, value: Any, shape: Shape, name: str) -> None:
        if not self._type_ok(value, shape, name):
            return
        members = shape.members
        if shape.is_tagged_union and len(value) != 1:
            listed = ", ".join(members)
            if not value:
                # (sic) botocore's message lacks the space in "unionstructure".
                self._errors.append(
                    f"Must set one of the following keys for tagged union"
                    f"structure {_display(name)}: {listed}."
                )
            else:
                self._errors.append(
                    f"Invalid number of parameters set for tagged union structure "
                    f"{_display(name)}. Can only set one of the following keys: {listed}."
                )
        for required in shape.metadata.get("required", ()):
            if required not in value:
                self._errors.append(
                    f'Missing required parameter in {_display(name)}: "{required}"'
                )
        known = []
        for key in value:
            if key in members:
                known.append(key)
            else:
                self._errors.append(
                    f'Unknown parameter in {_display(name)}: "{key}", '
                    f"must be one of: {', '.join(members)}"
                )
        for key in known:
            self.check(value[key], members[key], f"{name}.{key}")

    def _list(self, value: Any, shape: Shape, name: str) -> None:
        if not self._type_ok(value, shape, name):
            return
        self._check_min(name, len(value), shape, "length")
        member = shape.member
        for index, item in enumerate(value):
            self.check(item, member, f"{name}[{index}]")

    def _map(self, value: Any, shape: Shape, name: str) -> None:
        if not self._type_ok(value, shape, name):
            return
        key_shape, value_shape = shape.key, shape.value
        for key, item in value.items():
            self.check(key, key_shape, f"{name} (key: {key})")
            self.check(item, value_shape, f"{name}.{key}")

    def _string(self, value: Any, shape: Shape, name: str) -> None:
        if self._type_ok(value, shape, name):
            self._check_min(name, len(value), shape, "length")

    def _number(self, value: Any, shape: Shape, name: str) -> None:
        if self._type_ok(value, shape, name):
            self._check_min(name, value, shape, "value")

    def _boolean(self, value: Any, shape: Shape, name: str) -> None:
        self._type_ok(value, shape, name)

    def _blob(self, value: Any, shape: Shape, name: str) -> None:
        if isinstance(value, (bytes, bytearray, str)) or hasattr(value, "read"):
            return
        self._invalid_type(name, value, ", ".join(_BLOB_TYPE_NAMES))

    def _timestamp(self, value: Any, shape: Shape, name: str) -> None:
        try:
            to_aware_datetime(value)
        except (TypeError, ValueError, AttributeError, OverflowError):
            self._invalid_type(name, value, ", ".join(_TIMESTAMP_TYPE_NAMES))
