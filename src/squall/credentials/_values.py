"""Credential values. Secrets never appear in a repr, str or log line."""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define
from datetime import datetime
from typing import NamedTuple

__all__ = ["ReadOnlyCredentials", "Credentials", "redact"]


def redact(secret: str | None) -> str:
    """Keep just enough of a key id to recognise it: ``AKIA****MPLE``."""
    if not secret:
        return repr(secret)
    if len(secret) <= 8:
        return "****"
    return f"{secret[:4]}****{secret[-4:]}"


class ReadOnlyCredentials(NamedTuple):
    """A consistent snapshot (botocore's name and field order), safe to unpack."""

    access_key: str
    secret_key: str
    token: str | None
    account_id: str | None = None

    def __repr__(self) -> str:
        return (
            f"ReadOnlyCredentials(access_key={redact(self.access_key)}, secret_key=****, "
            f"token={'****' if self.token else None}, account_id={self.account_id!r})"
        )

    def __str__(self) -> str:
        return self.__repr__()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Credentials:
    """One complete set of keys, with ``method`` (botocore's provider name) and ``source``.

    ``source`` says where they were found, e.g. ``env AWS_ACCESS_KEY_ID`` or
    ``/home/me/.aws/credentials [dev] line 3``. ``expiry`` is set for temporary
    credentials; a ``RefreshableCredentials`` swaps whole ``Credentials`` values, so a
    reader never sees the key of one set with the secret of another.
    """

    access_key: str
    secret_key: str
    token: str | None = None
    method: str = "explicit"
    account_id: str | None = None
    source: str = ""
    expiry: datetime | None = None

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        return ReadOnlyCredentials(self.access_key, self.secret_key, self.token, self.account_id)

    def refresh_needed(self, refresh_in: float | None = None) -> bool:
        """Static credentials never need a refresh (the method botocore's refreshable ones have)."""
        return False

    def __repr__(self) -> str:
        expiry = f", expiry={self.expiry.isoformat()}" if self.expiry is not None else ""
        return (
            f"Credentials(method={self.method!r}, access_key={redact(self.access_key)}, "
            f"token={'****' if self.token else None}, source={self.source!r}{expiry})"
        )

    __str__ = __repr__
