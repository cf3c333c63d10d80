"""What a credential provider asks its driver to do: the only points where I/O happens.

Providers are written as generators (``Flow``): they yield an effect and receive its
result, or have the driver's exception thrown into them, as the call flow does in
``squall.runtime``. The sync driver (``squall.runtime._credential_io``) performs effects
with blocking I/O; an asyncio driver can run the same flows without blocking its loop.
"""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Generator, Mapping, TypeVar

from ..http import HttpRequest

if TYPE_CHECKING:
    from ._values import ReadOnlyCredentials
    from .refreshable import RefreshableCredentials

__all__ = [
    "Fetch", "ReadFile", "WriteFile", "RunProcess", "ProcessResult", "CallService", "Prompt",
    "Sleep", "Now", "Frozen", "Effect", "Flow", "done", "ProcessTimeout",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Fetch:
    """Send a plain HTTP request (IMDS, container endpoint); answered with an HttpResponse.

    Connection failures and timeouts are thrown in as squall's connection errors.
    ``env_proxies``: use HTTP(S)_PROXY/NO_PROXY (IMDS does, the container endpoint not).
    """

    request: HttpRequest
    timeout: float
    env_proxies: bool = False


@dataclass(frozen=True, slots=True)
class ReadFile:
    """Read a UTF-8 text file; ``FileNotFoundError``/``OSError`` are thrown in."""

    path: str


@dataclass(frozen=True, slots=True)
class WriteFile:
    """Write a file atomically (temp file + rename) with mode 0600, creating directories 0700."""

    path: str
    text: str


@dataclass(frozen=True, slots=True)
class ProcessResult:
    returncode: int
    stdout: bytes
    stderr: bytes


class ProcessTimeout(TimeoutError):
    """Thrown into a flow when a ``RunProcess`` did not finish in time (the child is killed)."""


@dataclass(frozen=True, slots=True)
class RunProcess:
    """Run a program without a shell; answered with a ProcessResult.

    ``FileNotFoundError`` (no such program) and ``ProcessTimeout`` are thrown in.
    """

    argv: tuple[str, ...]
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class CallService:
    """Call an AWS operation with a squall client; answered with the parsed result dict.

    ``credentials`` None means an unsigned call (web identity, SSO, sign-in).
    ``request_hook`` may add headers to the final request (the DPoP proof of sign-in).
    A service error is thrown in as ``ClientError``.
    """

    service: str
    operation: str
    params: Mapping[str, Any]
    region: str | None = None
    credentials: "ReadOnlyCredentials | None" = None
    request_hook: Callable[[HttpRequest], HttpRequest] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Prompt:
    """Ask the user (the MFA token code); answered with the text typed."""

    message: str


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Now:
    """The current time, as an aware UTC datetime (the injected clock)."""


@dataclass(frozen=True, slots=True)
class Frozen:
    """A consistent snapshot of other credentials (e.g. an assume-role source), refreshed if due."""

    credentials: "RefreshableCredentials"


Effect = Fetch | ReadFile | WriteFile | RunProcess | CallService | Prompt | Sleep | Now | Frozen
Flow = Generator[Effect, Any, T]


def done(value: T) -> Flow[T]:
    """A flow that yields nothing and returns ``value``."""
    return value
    yield  # pragma: no cover - makes this a generator
