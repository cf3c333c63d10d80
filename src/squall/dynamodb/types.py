"""Python values <-> DynamoDB's typed ``AttributeValue`` JSON, as boto3 converts them.

=================================  ==============
Python                              DynamoDB
=================================  ==============
None                                {'NULL': True}
True/False                          {'BOOL': ...}
int / Decimal                       {'N': str}  (float is refused: use Decimal)
str                                 {'S': str}
Binary / bytes / bytearray          {'B': bytes}
set of int/Decimal, str, binary     {'NS'|'SS'|'BS': [...]}
dict (any Mapping)                  {'M': {...}}
list / tuple                        {'L': [...]}
=================================  ==============

Numbers go through ``DYNAMODB_CONTEXT`` (38 digits of precision; inexact or rounded
values raise). Deserialized numbers are ``Decimal``, binaries ``Binary``, sets ``set``.
"""
from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any, Callable

__all__ = [
    "Binary", "TypeSerializer", "TypeDeserializer", "DYNAMODB_CONTEXT", "BINARY_TYPES",
    "STRING", "NUMBER", "BINARY", "STRING_SET", "NUMBER_SET", "BINARY_SET", "NULL", "BOOLEAN", "MAP", "LIST",
]

STRING = "S"
NUMBER = "N"
BINARY = "B"
STRING_SET = "SS"
NUMBER_SET = "NS"
BINARY_SET = "BS"
NULL = "NULL"
BOOLEAN = "BOOL"
MAP = "M"
LIST = "L"

DYNAMODB_CONTEXT = Context(
    Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow],
)

BINARY_TYPES = (bytearray, bytes)


class Binary:
    """A DynamoDB binary value; keeps Python 3 ``bytes`` apart from ``str`` and compares
    equal to the bytes it wraps."""

    __slots__ = ("value",)

    def __init__(self, value: bytes | bytearray) -> None:
        if not isinstance(value, BINARY_TYPES):
            types = ", ".join(str(t) for t in BINARY_TYPES)
            raise TypeError(f"Value must be of the following types: {types}")
        self.value = value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Binary):
            return self.value == other.value
        return self.value == other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __repr__(self) -> str:
        return f"Binary({self.value!r})"

    def __str__(self) -> str:
        return self.value  # type: ignore[return-value]  # boto3 returns the bytes here

    def __bytes__(self) -> bytes:
        return bytes(self.value)

    def __hash__(self) -> int:
        return hash(self.value)

    def __reduce__(self) -> Any:
        return Binary, (self.value,)


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, Decimal)):
        return True
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return False


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_binary(value: Any) -> bool:
    return isinstance(value, (Binary, bytearray, bytes))


def _set_of(value: Any, check: Callable[[Any], bool]) -> bool:
    return isinstance(value, Set) and all(check(v) for v in value)


class TypeSerializer:
    """Python value -> ``{'<type>': value}``. Subclasses may override ``_serialize_<type>``
    or ``_get_dynamodb_type``, as with boto3's."""

    def serialize(self, value: Any) -> dict[str, Any]:
        kind = self._get_dynamodb_type(value)
        return {kind: getattr(self, _SERIALIZE[kind])(value)}

    def _get_dynamodb_type(self, value: Any) -> str:
        if value is None:
            return NULL
        if isinstance(value, bool):
            return BOOLEAN
        if _is_number(value):
            return NUMBER
        if _is_string(value):
            return STRING
        if _is_binary(value):
            return BINARY
        if _set_of(value, _is_number):
            return NUMBER_SET
        if _set_of(value, _is_string):
            return STRING_SET
        if _set_of(value, _is_binary):
            return BINARY_SET
        if isinstance(value, Mapping):
            return MAP
        if isinstance(value, (list, tuple)):
            return LIST
        raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')

    def _serialize_null(self, value: Any) -> bool:
        return True

    def _serialize_bool(self, value: bool) -> bool:
        return value

    def _serialize_n(self, value: Any) -> str:
        number = str(DYNAMODB_CONTEXT.create_decimal(value))
        if number in ("Infinity", "NaN"):
            raise TypeError("Infinity and NaN not supported")
        return number

    def _serialize_s(self, value: str) -> str:
        return value

    def _serialize_b(self, value: Any) -> Any:
        return value.value if isinstance(value, Binary) else value

    def _serialize_ss(self, value: Any) -> list[str]:
        return [self._serialize_s(s) for s in value]

    def _serialize_ns(self, value: Any) -> list[str]:
        return [self._serialize_n(n) for n in value]

    def _serialize_bs(self, value: Any) -> list[Any]:
        return [self._serialize_b(b) for b in value]

    def _serialize_l(self, value: Any) -> list[Any]:
        return [self.serialize(v) for v in value]

    def _serialize_m(self, value: Mapping[Any, Any]) -> dict[Any, Any]:
        return {k: self.serialize(v) for k, v in value.items()}


class TypeDeserializer:
    """``{'<type>': value}`` -> Python value. Subclasses may override
    ``_deserialize_<type>`` (say, ``_deserialize_n`` to get ints), as with boto3's."""

    def deserialize(self, value: Mapping[str, Any]) -> Any:
        if not value:
            raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
        kind = next(iter(value))
        try:
            decode = getattr(self, f"_deserialize_{kind}".lower())
        except AttributeError:
            raise TypeError(f"Dynamodb type {kind} is not supported") from None
        return decode(value[kind])

    def _deserialize_null(self, value: Any) -> None:
        return None

    def _deserialize_bool(self, value: bool) -> bool:
        return value

    def _deserialize_n(self, value: str) -> Decimal:
        return DYNAMODB_CONTEXT.create_decimal(value)

    def _deserialize_s(self, value: str) -> str:
        return value

    def _deserialize_b(self, value: bytes) -> Binary:
        return Binary(value)

    def _deserialize_ns(self, value: Any) -> set[Decimal]:
        return set(map(self._deserialize_n, value))

    def _deserialize_ss(self, value: Any) -> set[str]:
        return set(map(self._deserialize_s, value))

    def _deserialize_bs(self, value: Any) -> set[Binary]:
        return set(map(self._deserialize_b, value))

    def _deserialize_l(self, value: Any) -> list[Any]:
        return [self.deserialize(v) for v in value]

    def _deserialize_m(self, value: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self.deserialize(v) for k, v in value.items()}


_SERIALIZE = {kind: f"_serialize_{kind.lower()}" for kind in
              (NULL, BOOLEAN, NUMBER, STRING, BINARY, NUMBER_SET, STRING_SET, BINARY_SET, MAP, LIST)}
