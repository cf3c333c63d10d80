"""The provider chain: the first provider that finds credentials wins.

Later providers (assume-role, SSO, container, IMDS, ...) plug in as more entries of the
same ``CredentialProvider`` protocol; the chain keeps every skip reason for the error.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ..exceptions import NoCredentialsError
from ._values import Credentials
from .providers import CredentialProvider, Skipped

__all__ = ["CredentialChain", "ChainResult"]

logger = logging.getLogger("squall.credentials")


@dataclass(frozen=True, slots=True)
class ChainResult:
    credentials: Credentials | None
    attempts: tuple[tuple[str, str], ...]  # (method, why it did not apply)


@dataclass(frozen=True, slots=True)
class CredentialChain:
    providers: tuple[CredentialProvider, ...]

    def resolve(self) -> ChainResult:
        attempts: list[tuple[str, str]] = []
        for provider in self.providers:
            found = provider.load()
            if isinstance(found, Skipped):
                attempts.append((provider.method, found.reason))
                continue
            logger.debug("Found credentials with provider %s (%s)", provider.method, found.source)
            return ChainResult(found, tuple(attempts))
        return ChainResult(None, tuple(attempts))

    def load_credentials(self) -> Credentials:
        """Credentials, or ``NoCredentialsError`` listing each provider and why it did not apply."""
        result = self.resolve()
        if result.credentials is None:
            raise NoCredentialsError(attempts=result.attempts)
        return result.credentials
