"""The provider chain: the first provider that finds credentials wins.

Every provider that did not apply leaves its reason; ``NoCredentialsError`` lists them
all, in order. When a provider fails (a profile configured for SSO whose login expired,
a credential process that exits 1, ...), the error propagates as in botocore, and its
message is extended with the providers tried before it and the ones never reached.
"""
from __future__ import annotations

import logging
from .._dataclass import dataclass  # the stdlib's, cheaper to define

from ..exceptions import NoCredentialsError, SquallError
from ._common import CredentialProvider, Found, Skipped, drive
from ._effects import Flow
from .refreshable import RefreshableCredentials

__all__ = ["CredentialChain", "ChainResult"]

logger = logging.getLogger("squall.credentials")


@dataclass(frozen=True, slots=True)
class ChainResult:
    credentials: Found | None
    attempts: tuple[tuple[str, str], ...]  # (method, why it did not apply)
    provider: CredentialProvider | None = None


@dataclass(frozen=True, slots=True)
class CredentialChain:
    providers: tuple[CredentialProvider, ...]

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(p.method for p in self.providers)

    def resolve(self) -> Flow[ChainResult]:
        attempts: list[tuple[str, str]] = []
        for index, provider in enumerate(self.providers):
            logger.debug("Looking for credentials via: %s", provider.method)
            try:
                found = yield from drive(provider.load())
            except Exception as exc:
                _annotate(exc, attempts, provider.method, [p.method for p in self.providers[index + 1:]])
                raise
            if isinstance(found, Skipped):
                attempts.append((provider.method, found.reason))
                continue
            where = found.source or provider.method
            if isinstance(found, RefreshableCredentials) and found.current is None:
                logger.debug("Found credentials with provider %s (%s; fetched on first use)",
                              provider.method, where)
            else:
                logger.debug("Found credentials with provider %s (%s)", provider.method, where)
            return ChainResult(found, tuple(attempts), provider)
        return ChainResult(None, tuple(attempts))

    def load_credentials(self) -> Flow[Found]:
        """Credentials, or ``NoCredentialsError`` listing each provider and why it did not apply."""
        result = yield from self.resolve()
        if result.credentials is None:
            raise NoCredentialsError(attempts=result.attempts)
        return result.credentials


def _annotate(exc: BaseException, attempts: list[tuple[str, str]], failed: str, untried: list[str]) -> None:
    if getattr(exc, "credential_attempts", None) is not None:
        return  # a nested chain (assume-role's source profile) already explained itself
    lines = [f"  - {name}: {why}" for name, why in attempts]
    lines.append(f"  - {failed}: failed (this error)")
    if untried:
        lines.append(f"  not tried: {', '.join(untried)}")
    text = "Credential providers, in order:\n" + "\n".join(lines)
    try:
        exc.credential_attempts = (*attempts, (failed, str(exc)))  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - exceptions with __slots__
        pass
    if isinstance(exc, SquallError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        exc.args = (f"{exc.args[0]}\n{text}",)
    else:
        add_note = getattr(exc, "add_note", None)  # Python 3.11+
        if add_note is not None:
            add_note(text)
