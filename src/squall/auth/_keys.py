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

__all__ = ["SigningKeyCache", "derive_signing_key"]


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def derive_signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The SigV4 signing key for ``date`` (``YYYYMMDD``), region and service."""
    k_date = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, "aws4_request")


class SigningKeyCache:
    """A bounded, thread-safe LRU of derived signing keys.

    Entries are keyed by ``(sha256(secret), date, region, service)``. ``repr`` shows only
    the size, so a cache in a log line or traceback leaks nothing.
    """

    __slots__ = ("_max_size", "_entries", "_lock", "__weakref__")

    def __init__(self, max_size: int = 64) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self._max_size = max_size
        self._entries: OrderedDict[tuple[bytes, str, str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, secret_key: str, date: str, region: str, service: str) -> bytes:
        secret_id = hashlib.sha256(secret_key.encode("utf-8")).digest()
        cache_key = (secret_id, date, region, service)
        with self._lock:
            found = self._entries.get(cache_key)
            if found is not None:
                self._entries.move_to_end(cache_key)
                return found
        # Derive outside the lock: two threads may both derive once, which is harmless.
        derived = derive_signing_key(secret_key, date, region, service)
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
        return f"<SigningKeyCache {len(self._entries)}/{self._max_size} keys>"

    def _after_fork(self) -> None:
        # A lock held by another thread at fork() time would stay held forever in the child.
        self._lock = threading.Lock()


# The process-wide default: a pure cache of derived values (like parsed models), bounded.
DEFAULT_KEY_CACHE = SigningKeyCache()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=DEFAULT_KEY_CACHE._after_fork)
