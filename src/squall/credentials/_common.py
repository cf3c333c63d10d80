"""Pieces every provider shares: ``Skipped``, the provider protocol, profile lookups,
timestamps and the small JSON helpers of the AWS CLI's caches."""
from __future__ import annotations

import json
import re
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Generator, Protocol, Union

from ..config._ini import Located
from ..config.profiles import Section

if TYPE_CHECKING:
    from ._effects import Flow
    from ._values import Credentials
    from .refreshable import RefreshableCredentials

__all__ = [
    "Skipped", "Found", "CredentialProvider", "ProfileView", "parse_time", "format_time",
    "cache_time", "json_dumps", "UTC",
]

UTC = timezone.utc


@dataclass(frozen=True, slots=True)
class Skipped:
    """A provider did not apply; ``reason`` is what NoCredentialsError shows for it."""

    reason: str


Found = Union["Credentials", "RefreshableCredentials"]


class CredentialProvider(Protocol):
    """``load()`` returns Credentials, RefreshableCredentials or Skipped, directly or as a
    flow of effects (for providers that read files, run processes or call services)."""

    @property
    def method(self) -> str: ...

    def load(self) -> "Found | Skipped | Flow[Found | Skipped]": ...


@dataclass(frozen=True, slots=True)
class ProfileView:
    """One profile of the merged shared files, by name; absent keys read as None."""

    name: str
    section: Section | None

    @property
    def exists(self) -> bool:
        return self.section is not None

    def located(self, key: str) -> Located | None:
        return None if self.section is None else self.section.get(key)

    def get(self, key: str) -> str | None:
        found = self.located(key)
        return None if found is None else found.value

    def source(self, key: str) -> str:
        found = self.located(key)
        return f"profile {self.name}" if found is None else found.source

    def __contains__(self, key: str) -> bool:
        return self.located(key) is not None


# -- timestamps ---------------------------------------------------------------------------

_SUFFIX = re.compile(r"\s*(Z|z|UTC|GMT)$")


def parse_time(value: Any) -> datetime:
    """An expiry as an aware UTC datetime: ISO 8601 (``Z``, ``UTC``, offsets), epoch
    seconds, or a datetime. Raises ValueError for anything else."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(_SUFFIX.sub("+00:00", text))
    except ValueError:
        from ..protocols._common import parse_timestamp  # rare formats (RFC 822, ...)

        return parse_timestamp(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """``2025-11-19T00:15:00Z``: how expiries are written to the SSO and login caches."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cache_time(value: datetime) -> str:
    """How botocore's JSONFileCache writes datetimes (``...T12:00:00UTC``), for CLI compatibility."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S%Z")


def json_dumps(value: Any) -> str:
    return json.dumps(value, default=lambda v: cache_time(v) if isinstance(v, datetime) else str(v))


def seconds_left(expiry: Any, now: datetime) -> float:
    return (parse_time(expiry) - now).total_seconds()


def after(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


def drive(value: Any) -> Generator[Any, Any, Any]:
    """``yield from drive(provider.load())``: accept a plain value or a flow."""
    if isinstance(value, Generator):
        return (yield from value)
    return value

