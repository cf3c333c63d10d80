"""SigV4's HMAC from pre-hashed pads equals the standard library's HMAC-SHA256."""
from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from squall.auth._sigv4 import _hmac_sha256_hex


@pytest.mark.parametrize("key_length", [0, 1, 32, 63, 64, 65, 100])
@pytest.mark.parametrize("message_length", [0, 10, 64, 200, 5000])
def test_matches_hmac_new(key_length: int, message_length: int) -> None:
    key, message = os.urandom(key_length), os.urandom(message_length)
    assert _hmac_sha256_hex(key, message) == hmac.new(key, message, hashlib.sha256).hexdigest()
    # Again: the second use of a key takes the cached pads, which must not have been consumed.
    assert _hmac_sha256_hex(key, message[::-1]) == hmac.new(key, message[::-1], hashlib.sha256).hexdigest()
