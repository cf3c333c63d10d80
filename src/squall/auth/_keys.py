"""SigV4 signing-key derivation and a small cache of derived keys.

Deriving a key costs four HMACs; a client signs many requests per day with the same
(secret, date, region, service), so the derived key is cached. The cache is keyed by a
SHA-256 digest of the secret, never the secret itself, and nothing here prints secrets.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
from collections import OrderedDict
from typing import Callable, Generic, TypeVar

__all__ = ["BoundedKeyCache", "SigningKeyCache", "derive_signing_key"]

_K = TypeVar("_K")
_V = TypeVar("_V")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def derive_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The SigV4 signing key for ``date`` (``YYYYMMDD``), region and service."""
    k_date = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, "aws4_request")


class BoundedKeyCache(Generic[_K, _V]):
    """A bounded, thread-safe LRU of derived keys; subclasses say how to key and derive.

    Keys never hold a secret itself (a SHA-256 digest of it instead), and ``repr`` shows
    only the size, so a cache in a log line or traceback leaks nothing.
    """

    __slots__ = ("_max_size", "_entries", "_lock", "__weakref__")

    def __init__(self, max_size: int) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self._max_size = max_size
        self._entries: OrderedDict[_K, _V] = OrderedDict()
        self._lock = threading.Lock()

    def _get_or_derive(self, cache_key: _K, derive: Callable[[], _V]) -> _V:
        with self._lock:
            found = self._entries.get(cache_key)
            if found is not None:
                self._entries.move_to_end(cache_key)
                return found
        # Derive outside the lock: two threads may both derive once, which is harmless.
        derived = derive()
        with self._lock:
            self._entries[cache_key] = derived
            self._entries.move_to_end(cache_key)
            while len(self._entries) > self._max_size:
                self._entries.popitem(last=False)
        return derived

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self._entries)}/{self._max_size} keys>"

    def _after_fork(self) -> None:
        # A lock held by another thread at fork() time would stay held forever in the child.
        self._lock = threading.Lock()


class SigningKeyCache(BoundedKeyCache[tuple[bytes, str, str, str], bytes]):
    """SigV4 signing keys, keyed by ``(sha256(secret), date, region, service)``."""

    __slots__ = ()

    def __init__(self, max_size: int = 64) -> None:
        super().__init__(max_size)

    def get(self, secret_key: str, date: str, region: str, service: str) -> bytes:
        secret_id = hashlib.sha256(secret_key.encode("utf-8")).digest()
        return self._get_or_derive(
            (secret_id, date, region, service),
            lambda: derive_signing_key(secret_key, date, region, service),
        )


# The process-wide default: a pure cache of derived values (like parsed models), bounded.
DEFAULT_KEY_CACHE = SigningKeyCache()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=DEFAULT_KEY_CACHE._after_fork)
