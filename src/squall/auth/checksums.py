"""Checksum algorithms for S3's flexible checksums (and Content-MD5): pure, incremental.

=========  ===================================================================
crc32      ``zlib.crc32`` (C, in the standard library)
crc32c     ``awscrt.checksums.crc32c`` when awscrt is installed (what botocore uses),
crc64nvme  else a pure-Python fold over GF(2) polynomials (~30 MB/s, exact)
sha1/256/  ``hashlib``
512, md5
xxhash*    only with awscrt >= 0.31.2, as in botocore
=========  ===================================================================

The pure fallback does not loop per byte: the message becomes one big integer (its
bytes bit-reversed by ``bytes.translate``, since these CRCs are reflected) and is
reduced modulo the CRC polynomial by repeatedly folding its upper half onto the lower
(``H * x^k mod P``, a carry-less product with a small constant), so CPython's big-int
shifts and XORs do the work. Results are checked against awscrt in the tests.
"""
from __future__ import annotations

import base64
import hashlib
import threading
import zlib
from typing import Any, Callable, Protocol

__all__ = [
    "Checksum", "new_checksum", "supported_algorithms", "RESPONSE_PRIORITY",
    "crc32c", "crc64nvme", "b64_digest", "content_md5", "has_crt",
]

# botocore's order for picking the response header to validate (best first).
RESPONSE_PRIORITY = (
    "xxhash128", "xxhash3", "crc64nvme", "xxhash64", "crc32c", "crc32", "sha1", "sha256", "sha512",
)


class Checksum(Protocol):
    def update(self, chunk: bytes | bytearray | memoryview) -> None: ...
    def digest(self) -> bytes: ...


def b64_digest(checksum: Checksum) -> str:
    return base64.b64encode(checksum.digest()).decode("ascii")


# ---------------------------------------------------------------------------------
# Pure-Python reflected CRCs as polynomial arithmetic

_REVERSED_BYTE = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))
_SMALL = 4096  # below this many bits, plain long division beats folding


def _reverse_bits(value: int, width: int) -> int:
    return int(f"{value:0{width}b}"[::-1], 2)


def _clmul(value: int, constant: int) -> int:
    """Carry-less product; ``constant`` is small (at most the CRC width)."""
    result = 0
    while constant:
        low = constant & -constant
        result ^= value << (low.bit_length() - 1)
        constant ^= low
    return result


class _PolyCrc:
    """A reflected CRC of ``width`` bits (init and xor-out all ones) over GF(2)[x]."""

    def __init__(self, width: int, reflected_poly: int) -> None:
        self.width = width
        self.mask = (1 << width) - 1
        self.poly = (1 << width) | _reverse_bits(reflected_poly, width)
        self._powers: dict[int, int] = {}
        self._lock = threading.Lock()

    def _mod_small(self, value: int) -> int:
        poly, width = self.poly, self.width
        while (n := value.bit_length()) > width:
            value ^= poly << (n - width - 1)
        return value

    def _x_power(self, k: int) -> int:
        """x^k mod P, memoised (folds reuse the same few exponents)."""
        found = self._powers.get(k)
        if found is not None:
            return found
        if k < self.width:
            result = 1 << k
        else:
            half = self._x_power(k // 2)
            result = self._mod_small(_clmul(half, half))
            if k & 1:
                result = self._mod_small(result << 1)
        with self._lock:
            if len(self._powers) > 4096:
                self._powers.clear()
            self._powers[k] = result
        return result

    def _mod(self, value: int) -> int:
        while (n := value.bit_length()) > _SMALL:
            k = n // 2
            value = (value & ((1 << k) - 1)) ^ _clmul(value >> k, self._x_power(k))
        return self._mod_small(value)

    def update(self, register: int, data: bytes | bytearray | memoryview) -> int:
        """The register (unreflected, before the final XOR) after ``data``."""
        if not data:
            return register
        bits = len(data) * 8
        message = int.from_bytes(bytes(data).translate(_REVERSED_BYTE), "big")
        # Direct-form CRC: (M(x) * x^W + R(x) * x^n) mod P(x).
        return self._mod((message << self.width) ^ (register << bits))

    def initial(self) -> int:
        return self.mask

    def value(self, register: int) -> int:
        return _reverse_bits(register, self.width) ^ self.mask


_CRC32C = _PolyCrc(32, 0x82F63B78)
_CRC64NVME = _PolyCrc(64, 0x9A6C9329AC4BC9B5)


class _PureCrc:
    __slots__ = ("_crc", "_register", "_size")

    def __init__(self, crc: _PolyCrc, size: int) -> None:
        self._crc = crc
        self._register = crc.initial()
        self._size = size

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        self._register = self._crc.update(self._register, chunk)

    def digest(self) -> bytes:
        return self._crc.value(self._register).to_bytes(self._size, "big")


# ---------------------------------------------------------------------------------
# awscrt, when installed (optional): C implementations, as botocore uses them

_crt: Any = None
_crt_checked = False


def _crt_checksums() -> Any:
    global _crt, _crt_checked
    if not _crt_checked:
        try:
            from awscrt import checksums  # type: ignore[import-not-found, import-untyped, unused-ignore]
        except ImportError:
            checksums = None
        _crt, _crt_checked = checksums, True
    return _crt


def has_crt() -> bool:
    return _crt_checksums() is not None


class _CrtCrc:
    __slots__ = ("_fn", "_value", "_size", "_mask")

    def __init__(self, fn: Callable[[Any, int], int], size: int) -> None:
        self._fn, self._value, self._size = fn, 0, size
        self._mask = (1 << (size * 8)) - 1

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        self._value = self._fn(chunk, self._value) & self._mask

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


class _Crc32:
    __slots__ = ("_value",)

    def __init__(self) -> None:
        self._value = 0

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        self._value = zlib.crc32(chunk, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(4, "big")


class _XxHash:
    __slots__ = ("_hash", "_done")

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._hash = factory()
        self._done: bytes | None = None

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        self._hash.update(chunk)

    def digest(self) -> bytes:
        if self._done is None:  # finalize may only be called once
            self._done = bytes(self._hash.finalize())
        return self._done


def _hashlib(name: str) -> Callable[[], Checksum]:
    return lambda: hashlib.new(name, usedforsecurity=False)


def _factories() -> dict[str, Callable[[], Checksum]]:
    found: dict[str, Callable[[], Checksum]] = {
        "crc32": _Crc32,
        "sha1": _hashlib("sha1"),
        "sha256": _hashlib("sha256"),
        "sha512": _hashlib("sha512"),
        "md5": _hashlib("md5"),
    }
    crt = _crt_checksums()
    if crt is not None and hasattr(crt, "crc64nvme"):
        found["crc32c"] = lambda: _CrtCrc(crt.crc32c, 4)
        found["crc64nvme"] = lambda: _CrtCrc(crt.crc64nvme, 8)
    else:
        found["crc32c"] = lambda: _PureCrc(_CRC32C, 4)
        found["crc64nvme"] = lambda: _PureCrc(_CRC64NVME, 8)
    xx = getattr(crt, "XXHash", None) if crt is not None else None
    if xx is not None:
        found["xxhash64"] = lambda: _XxHash(xx.new_xxhash64)
        found["xxhash3"] = lambda: _XxHash(xx.new_xxhash3_64)
        found["xxhash128"] = lambda: _XxHash(xx.new_xxhash3_128)
    return found


_FACTORIES: dict[str, Callable[[], Checksum]] | None = None


def _table() -> dict[str, Callable[[], Checksum]]:
    global _FACTORIES
    if _FACTORIES is None:
        _FACTORIES = _factories()
    return _FACTORIES


def supported_algorithms() -> frozenset[str]:
    """Lower-case names usable for flexible checksums here (md5 is Content-MD5 only)."""
    return frozenset(name for name in _table() if name != "md5")


def new_checksum(algorithm: str) -> Checksum:
    """A fresh incremental checksum; ``KeyError`` for an unknown/unavailable algorithm."""
    return _table()[algorithm.lower()]()


def crc32c(data: bytes, value: int = 0) -> int:
    """CRC32C of ``data`` continuing from ``value`` (awscrt's calling convention)."""
    register = _CRC32C.update(_CRC32C.value(value), data)  # value() is its own inverse
    return _CRC32C.value(register)


def crc64nvme(data: bytes, value: int = 0) -> int:
    register = _CRC64NVME.update(_CRC64NVME.value(value), data)
    return _CRC64NVME.value(register)


def content_md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")
