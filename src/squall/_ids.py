"""Random UUIDs without importing ``uuid`` (it imports ``platform``: ~2.5 ms on a first call).

Used for the per-call invocation id (``amz-sdk-invocation-id``) and idempotency tokens:
the same text as ``str(uuid.uuid4())``, from the same source (``os.urandom``).
"""
from __future__ import annotations

import os

__all__ = ["uuid4_text"]


def uuid4_text() -> str:
    """A random (version 4, RFC 4122 variant) UUID as ``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``."""
    value = int.from_bytes(os.urandom(16), "big")
    value &= ~(0xC000 << 48)  # variant bits 10xx...
    value |= 0x8000 << 48
    value &= ~(0xF000 << 64)  # version 4
    value |= 4 << 76
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
