"""CBOR (RFC 8949): a small, fast pure-Python encoder and decoder.

Only what AWS's ``smithy-rpc-v2-cbor`` protocol needs, plus enough generality for the
official decoder test vectors:

* ``decode(data)`` reads one data item the way botocore does: tag 1 (epoch seconds)
  becomes an aware UTC ``datetime``, any other tag is an error, ``null`` map values are
  dropped, ``undefined`` reads as ``None`` and bytes after the item are ignored.
* ``decode_raw(data)`` keeps everything: tags come back as ``Tag`` values, ``null`` map
  values are kept and trailing bytes are an error. Tests and body comparisons use it.
* ``encode(value)`` writes a Python value (``None``, bool, int, float, str, bytes, list,
  tuple, dict, datetime, ``Tag``); the protocol's shape-directed serializer uses the
  ``write_*`` primitives directly.

The decoder works on one ``bytes`` object with an explicit position (no stream
objects): every item is decoded by one function call that returns ``(value, end)``.
Truncated input shows up as ``IndexError``/``struct.error`` deep inside and is turned
into ``CBORDecodeError`` once, at the top, instead of being checked byte by byte.
"""
from __future__ import annotations

import datetime as _dt
import struct
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any

from ._common import ResponseParserError, parse_timestamp

__all__ = [
    "CBORDecodeError", "CBOREncodeError", "Tag", "decode", "decode_raw", "encode",
    "write_head", "write_text", "write_bytes", "write_int", "write_float32",
    "write_float64", "write_timestamp", "write_value",
]

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_F16 = struct.Struct(">e")
_F32 = struct.Struct(">f")
_F64 = struct.Struct(">d")

_BREAK = 0xFF
_INDEFINITE = 31
_MAX_U64 = (1 << 64) - 1


class CBORDecodeError(ResponseParserError):
    """The bytes are not one well-formed CBOR data item of a kind AWS uses."""

    fmt = "Invalid CBOR: {msg}"


class CBOREncodeError(ValueError):
    """A value has no CBOR form here (e.g. an integer outside the 64-bit range)."""


@dataclass(frozen=True, slots=True)
class Tag:
    """A tagged data item as ``decode_raw`` returns it (and ``encode`` accepts it)."""

    tag: int
    value: Any


# -- decoding ----------------------------------------------------------------------------

_u16 = _U16.unpack_from
_u32 = _U32.unpack_from
_u64 = _U64.unpack_from
_f16 = _F16.unpack_from
_f32 = _F32.unpack_from
_f64 = _F64.unpack_from
_fromtimestamp = _dt.datetime.fromtimestamp
_UTC = _dt.timezone.utc


def _decode(data: bytes, aws: bool) -> tuple[Any, int]:
    """One item from the start of ``data`` and where it ends.

    The helpers are closures over ``data`` (cheaper than passing it through every
    call); ``aws`` picks botocore's semantics over the raw ones.
    """
    size = len(data)

    def argument(pos: int, info: int) -> tuple[int, int]:
        # The head's argument: inline below 24, else the next 1/2/4/8 bytes, big-endian.
        if info < 24:
            return info, pos
        if info == 24:
            return data[pos], pos + 1
        if info == 25:
            return _u16(data, pos)[0], pos + 2
        if info == 26:
            return _u32(data, pos)[0], pos + 4
        if info == 27:
            return _u64(data, pos)[0], pos + 8
        raise CBORDecodeError(msg=f"unexpected additional information {info}")

    def chunks(pos: int, major: int) -> tuple[bytes, int]:
        # An indefinite-length string: definite chunks of the same major type, then 0xFF.
        parts: list[bytes] = []
        while True:
            initial = data[pos]
            pos += 1
            if initial == _BREAK:
                return b"".join(parts), pos
            if initial >> 5 != major:
                raise CBORDecodeError(
                    msg=f"unexpected major type {initial >> 5} in an indefinite-length string"
                )
            info = initial & 31
            if info == _INDEFINITE:
                raise CBORDecodeError(msg="nested indefinite-length string")
            length, pos = argument(pos, info)
            end = pos + length
            if end > size:
                raise IndexError
            parts.append(data[pos:end])
            pos = end

    def tagged(tag: int, value: Any) -> Any:
        if not aws:
            return Tag(tag, value)
        if tag != 1:
            raise CBORDecodeError(msg=f"unsupported tag {tag}")
        if not isinstance(value, (int, float)):
            raise CBORDecodeError(msg=f"tag 1 (epoch time) holds {type(value).__name__}")
        try:
            return parse_timestamp(value)
        except (ValueError, OverflowError) as exc:
            raise CBORDecodeError(msg=f"bad epoch time {value!r}: {exc}") from None

    def item(pos: int) -> tuple[Any, int]:
        initial = data[pos]
        pos += 1
        if 0x60 <= initial < 0x78:  # short text string, the most common item
            end = pos + initial - 0x60
            if end > size:
                raise IndexError
            return data[pos:end].decode("utf-8"), end
        if initial < 0x18:  # small unsigned integer
            return initial, pos
        major = initial >> 5
        info = initial & 31
        if major == 5:  # map
            out: dict[Any, Any] = {}
            if info == _INDEFINITE:
                count = -1  # counts down forever; the break ends it
            else:
                count, pos = argument(pos, info)
            while count:
                head = data[pos]
                # Short text keys and values are decoded here, saving a call per item.
                if 0x60 <= head < 0x78:
                    end = pos + head - 0x5F
                    if end > size:
                        raise IndexError
                    key: Any = data[pos + 1:end].decode("utf-8")
                    pos = end
                elif head == _BREAK and count < 0:
                    return out, pos + 1
                else:
                    key, pos = item(pos)
                head = data[pos]
                if 0x60 <= head < 0x78:
                    end = pos + head - 0x5F
                    if end > size:
                        raise IndexError
                    out[key] = data[pos + 1:end].decode("utf-8")
                    pos = end
                else:
                    value, pos = item(pos)
                    if value is not None or not aws:  # botocore drops null values
                        out[key] = value
                count -= 1
            return out, pos
        if major == 3:  # longer or indefinite-length text string
            if info == _INDEFINITE:
                raw, pos = chunks(pos, 3)
                return raw.decode("utf-8"), pos
            length, pos = argument(pos, info)
            end = pos + length
            if end > size:
                raise IndexError
            return data[pos:end].decode("utf-8"), end
        if major == 0:  # unsigned integer
            return argument(pos, info)
        if major == 4:  # array
            items: list[Any] = []
            append = items.append
            if info == _INDEFINITE:
                while data[pos] != _BREAK:
                    value, pos = item(pos)
                    append(value)
                return items, pos + 1
            count, pos = argument(pos, info)
            for _ in range(count):
                value, pos = item(pos)
                append(value)
            return items, pos
        if major == 7:  # simple values and floats
            if info == 20:
                return False, pos
            if info == 21:
                return True, pos
            if info == 22 or info == 23:  # null, undefined
                return None, pos
            if info == 27:
                return _f64(data, pos)[0], pos + 8
            if info == 26:
                return _f32(data, pos)[0], pos + 4
            if info == 25:
                return _f16(data, pos)[0], pos + 2
            if info == _INDEFINITE:
                raise CBORDecodeError(msg="unexpected break")
            raise CBORDecodeError(msg=f"unsupported simple value (additional information {info})")
        if major == 2:  # byte string
            if info == _INDEFINITE:
                return chunks(pos, 2)
            length, pos = argument(pos, info)
            end = pos + length
            if end > size:
                raise IndexError
            return data[pos:end], end
        if major == 1:  # negative integer
            value, pos = argument(pos, info)
            return -1 - value, pos
        # major 6: tag
        if initial == 0xC1 and aws:
            # Epoch time, the one tag AWS sends: the common case without the detours.
            value, pos = item(pos)
            kind = type(value)
            if kind is int or kind is float:
                try:
                    return _fromtimestamp(value, _UTC), pos
                except (OverflowError, OSError, ValueError):
                    pass  # out of the platform's range, or NaN: the slow path decides
            return tagged(1, value), pos
        if info == _INDEFINITE:
            raise CBORDecodeError(msg="unexpected additional information 31 for a tag")
        tag, pos = argument(pos, info)
        value, pos = item(pos)
        return tagged(tag, value), pos

    return item(0)


def _run(data: Any, aws: bool, strict: bool) -> Any:
    if not isinstance(data, bytes):
        data = bytes(data)
    try:
        value, end = _decode(data, aws)
    except (IndexError, struct.error):
        raise CBORDecodeError(msg="unexpected end of data") from None
    except UnicodeDecodeError as exc:
        raise CBORDecodeError(msg=f"text string is not UTF-8: {exc}") from None
    except TypeError as exc:  # a list or map used as a map key
        raise CBORDecodeError(msg=f"unusable map key: {exc}") from None
    except RecursionError:
        raise CBORDecodeError(msg="data nested too deeply") from None
    if strict and end != len(data):
        raise CBORDecodeError(msg=f"{len(data) - end} bytes after the data item")
    return value


def decode(data: bytes | bytearray | memoryview) -> Any:
    """One data item with botocore's semantics (see the module docstring)."""
    return _run(data, aws=True, strict=False)


def decode_raw(data: bytes | bytearray | memoryview) -> Any:
    """One data item, nothing dropped or converted; the whole input must be that item."""
    return _run(data, aws=False, strict=True)


# -- encoding ----------------------------------------------------------------------------
# The write_* functions append to a bytearray; ``major`` is the major type already
# shifted into the top three bits (0x00 uint, 0x20 negint, 0x40 bytes, 0x60 text, 0x80
# array, 0xA0 map, 0xC0 tag, 0xE0 simple/float).

_HEAD8 = struct.Struct(">BB").pack
_HEAD16 = struct.Struct(">BH").pack
_HEAD32 = struct.Struct(">BI").pack
_HEAD64 = struct.Struct(">BQ").pack
_FLOAT32 = struct.Struct(">Bf").pack
_FLOAT64 = struct.Struct(">Bd").pack


def write_head(out: bytearray, major: int, n: int) -> None:
    """A head in its shortest form, as botocore writes it."""
    if n < 24:
        out.append(major | n)
    elif n < 0x100:
        out += _HEAD8(major | 24, n)
    elif n < 0x10000:
        out += _HEAD16(major | 25, n)
    elif n < 0x100000000:
        out += _HEAD32(major | 26, n)
    elif n <= _MAX_U64:
        out += _HEAD64(major | 27, n)
    else:
        raise CBOREncodeError(f"{n} does not fit in a CBOR head (64 bits)")


def write_int(out: bytearray, value: int) -> None:
    if 0 <= value < 24:
        out.append(value)
    elif value >= 0:
        write_head(out, 0x00, value)
    else:
        write_head(out, 0x20, -1 - value)


def write_text(out: bytearray, value: str) -> None:
    raw = value.encode("utf-8")
    length = len(raw)
    if length < 24:
        out.append(0x60 | length)
    else:
        write_head(out, 0x60, length)
    out += raw


def write_bytes(out: bytearray, value: bytes | bytearray | memoryview) -> None:
    write_head(out, 0x40, len(value))
    out += value


# Non-finite numbers are written as half-precision floats, as botocore does.
_POS_INF = b"\xf9\x7c\x00"
_NEG_INF = b"\xf9\xfc\x00"
_NAN = b"\xf9\x7e\x00"


def _special(value: float) -> bytes:
    if value != value:
        return _NAN
    return _POS_INF if value > 0 else _NEG_INF


def write_float32(out: bytearray, value: float) -> None:
    """A ``float`` shape: single precision (botocore's choice); double if it won't fit."""
    if type(value) is not float:
        value = float(value)  # int, Decimal
    if value - value != 0.0:  # NaN or an infinity
        out += _special(value)
        return
    try:
        out += _FLOAT32(0xFA, value)
    except OverflowError:  # botocore raises here; the value is still representable
        out += _FLOAT64(0xFB, value)


def write_float64(out: bytearray, value: float) -> None:
    if type(value) is not float:
        value = float(value)
    if value - value != 0.0:
        out += _special(value)
    else:
        out += _FLOAT64(0xFB, value)


def write_timestamp(out: bytearray, epoch: int | float) -> None:
    """Tag 1 around epoch seconds: an integer, or a double when there is a fraction."""
    out.append(0xC1)
    if isinstance(epoch, int) or epoch.is_integer():
        write_int(out, int(epoch))
    else:
        write_float64(out, epoch)


def write_value(out: bytearray, value: Any) -> None:
    """Any supported Python value (documents, tests); type-directed."""
    kind = type(value)
    if kind is str:
        write_text(out, value)
    elif kind is dict:
        write_head(out, 0xA0, len(value))
        for key, item in value.items():
            write_value(out, key)
            write_value(out, item)
    elif kind is list or kind is tuple:
        write_head(out, 0x80, len(value))
        for item in value:
            write_value(out, item)
    elif value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif kind is int:
        write_int(out, value)
    elif kind is float:
        write_float64(out, value)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        write_bytes(out, value)
    elif isinstance(value, Tag):
        write_head(out, 0xC0, value.tag)
        write_value(out, value.value)
    elif isinstance(value, _dt.datetime):
        when = value if value.tzinfo is not None else value.replace(tzinfo=_dt.timezone.utc)
        write_timestamp(out, when.timestamp() if when.microsecond else int(when.timestamp()))
    elif isinstance(value, str):
        write_text(out, value)
    elif isinstance(value, int):
        write_int(out, int(value))
    elif isinstance(value, float) or hasattr(value, "__float__"):  # Decimal
        write_float64(out, float(value))
    elif isinstance(value, dict) or hasattr(value, "items"):
        pairs = list(value.items())
        write_head(out, 0xA0, len(pairs))
        for key, item in pairs:
            write_value(out, key)
            write_value(out, item)
    elif isinstance(value, (list, tuple)):
        write_head(out, 0x80, len(value))
        for item in value:
            write_value(out, item)
    else:
        raise CBOREncodeError(f"cannot encode {kind.__name__} as CBOR")


def encode(value: Any) -> bytes:
    out = bytearray()
    write_value(out, value)
    return bytes(out)
