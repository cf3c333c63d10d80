"""What ``session.explain()`` and ``python -m squall config`` say about credentials."""
from __future__ import annotations

from typing import Any

from ._values import Credentials, redact
from .refreshable import RefreshableCredentials

__all__ = ["explain_credentials"]


def explain_credentials(
    creds: Credentials | RefreshableCredentials | None, attempts: tuple[tuple[str, str], ...],
) -> tuple[Any, str]:
    """``(value, source)``: the winning provider and a redacted key id, and where its
    inputs came from; never triggers a fetch (deferred credentials say so)."""
    if creds is None:
        tried = "; ".join(f"{name}: {why}" for name, why in attempts)
        return None, f"none found ({tried})"
    current = creds.current if isinstance(creds, RefreshableCredentials) else creds
    if current is None:
        return f"{creds.method} (fetched on first use)", creds.source
    value = f"{creds.method} {redact(current.access_key)}"
    if current.expiry is not None:
        value += f" expires {current.expiry.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    return value, creds.source or current.source
