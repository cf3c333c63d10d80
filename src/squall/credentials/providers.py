"""The static credential providers: explicit, environment, shared credentials, config.

A provider's ``load()`` returns ``Credentials`` or ``Skipped(reason)``; the reason is what
``NoCredentialsError`` shows the user. Providers do no I/O of their own beyond what they
are handed (the parsed shared files come from ``squall.config``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Protocol

from ..exceptions import PartialCredentialsError
from ._values import Credentials

__all__ = [
    "Skipped", "CredentialProvider", "ExplicitProvider", "EnvProvider", "ProfileFileProvider",
    "Lookup",
]

# (value, source) for a key of one profile in one file, or None when absent.
Lookup = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str


class CredentialProvider(Protocol):
    method: str

    def load(self) -> Credentials | Skipped: ...


@dataclass(frozen=True, slots=True, repr=False)
class ExplicitProvider:
    """Keys passed to ``Session(...)`` or ``session.client(...)``."""

    access_key: str | None
    secret_key: str | None
    token: str | None = None
    account_id: str | None = None
    where: str = "Session()"
    method: str = "explicit"

    def load(self) -> Credentials | Skipped:
        if self.access_key is None and self.secret_key is None:
            return Skipped(f"no aws_access_key_id/aws_secret_access_key passed to {self.where}")
        if not self.access_key or not self.secret_key:
            missing = "aws_secret_access_key" if self.access_key else "aws_access_key_id"
            raise PartialCredentialsError(provider=f"explicit arguments to {self.where}", cred_var=missing)
        return Credentials(
            access_key=self.access_key, secret_key=self.secret_key, token=self.token,
            account_id=self.account_id, method=self.method, source=f"arguments to {self.where}",
        )

    def __repr__(self) -> str:
        return f"ExplicitProvider(where={self.where!r})"


@dataclass(frozen=True, slots=True, repr=False)
class EnvProvider:
    env: Mapping[str, str]
    disabled_reason: str | None = None
    method: str = "env"

    def load(self) -> Credentials | Skipped:
        if self.disabled_reason:
            return Skipped(self.disabled_reason)
        env = self.env
        access_key = env.get("AWS_ACCESS_KEY_ID")
        if not access_key:
            return Skipped("AWS_ACCESS_KEY_ID not set")
        secret_key = env.get("AWS_SECRET_ACCESS_KEY")
        if not secret_key:
            raise PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY")
        token = env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN") or None
        return Credentials(
            access_key=access_key, secret_key=secret_key, token=token,
            account_id=env.get("AWS_ACCOUNT_ID") or None, method=self.method,
            source="env AWS_ACCESS_KEY_ID",
        )

    def __repr__(self) -> str:
        return "EnvProvider()"


@dataclass(frozen=True, slots=True)
class ProfileFileProvider:
    """Keys in one profile of one shared file (credentials file or config file)."""

    method: str  # "shared-credentials-file" or "config-file"
    profile_name: str
    path: str
    lookup: Lookup | None  # None when the file has no such profile

    def load(self) -> Credentials | Skipped:
        if self.lookup is None:
            return Skipped(f"no profile '{self.profile_name}' in {self.path}")
        access = self.lookup("aws_access_key_id")
        if access is None:
            return Skipped(f"profile '{self.profile_name}' in {self.path} has no aws_access_key_id")
        secret = self.lookup("aws_secret_access_key")
        if secret is None:
            raise PartialCredentialsError(
                provider=f"{self.method} ({access[1]})", cred_var="aws_secret_access_key"
            )
        token = self.lookup("aws_session_token") or self.lookup("aws_security_token")
        account = self.lookup("aws_account_id")
        return Credentials(
            access_key=access[0], secret_key=secret[0], token=token[0] if token else None,
            account_id=account[0] if account else None, method=self.method, source=access[1],
        )
