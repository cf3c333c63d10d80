"""Effects a call flow asks its driver to perform; the only points where I/O happens.

A flow is a generator: it yields an effect and receives the result (or has the driver's
exception thrown into it). The sync driver and the asyncio driver run the same flows.
"""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define

from ..http import HttpRequest

__all__ = ["Send", "Sleep", "GetCredentials", "GetAuthToken", "Effect"]


@dataclass(frozen=True, slots=True)
class Send:
    """Send the request; the driver answers with an HttpResponse."""

    request: HttpRequest
    stream: bool = False


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class GetCredentials:
    """Current credentials (ReadOnlyCredentials), refreshed if due, or None if unsigned."""


@dataclass(frozen=True, slots=True)
class GetAuthToken:
    """A bearer token (``FrozenAuthToken``) for the signing name, refreshed if due;
    ``needed_by`` names the call for the error when there is none."""

    signing_name: str
    needed_by: str


Effect = Send | Sleep | GetCredentials | GetAuthToken
