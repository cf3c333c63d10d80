"""The CBOR decoder test vectors (``shared/conformance/cbor``, README §4), every case.

``decode_raw`` must reproduce each expected value exactly; botocore skips 12 success
cases (10 tags other than 1, 2 null map values) because its decoder drops or rejects
them, and squall's ``decode_raw`` keeps them, so nothing is skipped here. ``decode``
(botocore's semantics, used by the protocol) is checked against the same vectors with
those two rules applied. Every error vector must fail in both modes.
"""
from __future__ import annotations

import json
import math
import struct
from typing import Any

import pytest

from squall.protocols._cbor import CBORDecodeError, Tag, decode, decode_raw, encode

from _conformance import CONFORMANCE

CBOR_DIR = CONFORMANCE / "cbor"
SUCCESS = json.loads((CBOR_DIR / "decode-success-tests.json").read_text())
ERRORS = json.loads((CBOR_DIR / "decode-error-tests.json").read_text())


def _float(bits: int, fmt: str, int_fmt: str) -> float:
    value: float = struct.unpack(fmt, struct.pack(int_fmt, bits))[0]
    return value


def _check(actual: Any, expect: dict[str, Any]) -> None:
    (kind, want), = expect.items()
    if kind in ("uint", "negint"):
        assert type(actual) is int and actual == want
    elif kind == "bytestring":
        assert type(actual) is bytes and actual == bytes(want)
    elif kind == "string":
        assert type(actual) is str and actual == want
    elif kind == "bool":
        assert actual is want
    elif kind == "null":
        assert actual is None
    elif kind in ("float32", "float64"):
        expected = (_float(want, ">f", ">I") if kind == "float32"
                    else _float(want, ">d", ">Q"))
        assert type(actual) is float
        assert (math.isnan(actual) and math.isnan(expected)) or actual == expected
    elif kind == "list":
        assert type(actual) is list and len(actual) == len(want)
        for item, expected_item in zip(actual, want):
            _check(item, expected_item)
    elif kind == "map":
        assert type(actual) is dict and set(actual) == set(want)
        for key, expected_item in want.items():
            _check(actual[key], expected_item)
    elif kind == "tag":
        assert isinstance(actual, Tag) and actual.tag == want["id"]
        _check(actual.value, want["value"])
    else:  # pragma: no cover - a new kind in the vectors
        raise AssertionError(f"unknown expectation {kind}")


def _has(expect: dict[str, Any], kind: str) -> bool:
    (found, value), = expect.items()
    if found == kind:
        return True
    if found == "list":
        return any(_has(item, kind) for item in value)
    if found == "map":
        return any(_has(item, kind) for item in value.values())
    return False


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["description"] for c in cases]


@pytest.mark.parametrize("case", SUCCESS, ids=_ids(SUCCESS))
def test_success_vector_raw(case: dict[str, Any]) -> None:
    _check(decode_raw(bytes.fromhex(case["input"])), case["expect"])


@pytest.mark.parametrize("case", SUCCESS, ids=_ids(SUCCESS))
def test_success_vector_botocore_semantics(case: dict[str, Any]) -> None:
    data = bytes.fromhex(case["input"])
    expect = case["expect"]
    if _has(expect, "tag"):
        # botocore knows only tag 1 (epoch time); AWS uses no other.
        with pytest.raises(CBORDecodeError, match="unsupported tag"):
            decode(data)
        return
    if "map" in expect and any(_has(v, "null") for v in expect["map"].values()):
        assert decode(data) == {}  # botocore drops null map values
        return
    _check(decode(data), expect)


@pytest.mark.parametrize("case", SUCCESS, ids=_ids(SUCCESS))
def test_success_vector_reencodes(case: dict[str, Any]) -> None:
    value = decode_raw(bytes.fromhex(case["input"]))
    _check(decode_raw(encode(value)), case["expect"])


@pytest.mark.parametrize("case", ERRORS, ids=_ids(ERRORS))
def test_error_vector(case: dict[str, Any]) -> None:
    data = bytes.fromhex(case["input"])
    with pytest.raises(CBORDecodeError):
        decode_raw(data)
    with pytest.raises(CBORDecodeError):
        decode(data)


def test_vector_counts() -> None:
    assert (len(SUCCESS), len(ERRORS)) == (151, 56)
