"""The static providers: explicit keys, environment, shared credentials/config files, and
botocore's two legacy files (``AWS_CREDENTIAL_FILE``, boto2's ``[Credentials]``).

A provider's ``load()`` returns ``Credentials`` or ``Skipped(reason)`` (or a flow of
effects returning one of them); the reason is what ``NoCredentialsError`` shows.
"""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Mapping

from ..config._ini import parse_ini
from ..config.profiles import Section, expand_path
from ..exceptions import ConfigNotFound, PartialCredentialsError
from ._common import CredentialProvider, Found, Skipped, parse_time
from ._effects import Flow, ReadFile, done
from ._values import Credentials
from .refreshable import RefreshableCredentials

__all__ = [
    "Skipped", "CredentialProvider", "ExplicitProvider", "EnvProvider", "ProfileFileProvider",
    "OriginalEC2Provider", "BotoProvider",
]


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
    """``AWS_ACCESS_KEY_ID`` and friends; with ``AWS_CREDENTIAL_EXPIRATION`` they refresh
    (re-read from the same environment), as in botocore."""

    env: Mapping[str, str]
    disabled_reason: str | None = None
    method: str = "env"

    def load(self) -> Found | Skipped:
        if self.disabled_reason:
            return Skipped(self.disabled_reason)
        if not self.env.get("AWS_ACCESS_KEY_ID"):
            return Skipped("AWS_ACCESS_KEY_ID not set")
        creds = self._read(require_expiry=False)
        if creds.expiry is None:
            return creds
        return RefreshableCredentials(
            method=self.method, current=creds, source=creds.source,
            refresh=lambda: done(self._read(require_expiry=True)),
        )

    def _read(self, *, require_expiry: bool) -> Credentials:
        env = self.env
        access_key = env.get("AWS_ACCESS_KEY_ID", "")
        if not access_key:
            raise PartialCredentialsError(provider=self.method, cred_var="AWS_ACCESS_KEY_ID")
        secret_key = env.get("AWS_SECRET_ACCESS_KEY", "")
        if not secret_key:
            raise PartialCredentialsError(provider=self.method, cred_var="AWS_SECRET_ACCESS_KEY")
        # botocore looks at AWS_SECURITY_TOKEN first, then AWS_SESSION_TOKEN.
        token = env.get("AWS_SECURITY_TOKEN") or env.get("AWS_SESSION_TOKEN") or None
        expiration = env.get("AWS_CREDENTIAL_EXPIRATION", "")
        if require_expiry and not expiration:
            raise PartialCredentialsError(provider=self.method, cred_var="AWS_CREDENTIAL_EXPIRATION")
        return Credentials(
            access_key=access_key, secret_key=secret_key, token=token,
            account_id=env.get("AWS_ACCOUNT_ID") or None, method=self.method,
            source="env AWS_ACCESS_KEY_ID", expiry=parse_time(expiration) if expiration else None,
        )

    def __repr__(self) -> str:
        return "EnvProvider()"


@dataclass(frozen=True, slots=True)
class ProfileFileProvider:
    """Keys in one profile of one shared file (credentials file or config file alone, as
    botocore reads each file on its own for these two providers)."""

    method: str  # "shared-credentials-file" or "config-file"
    profile_name: str
    path: str
    section: Section | None  # the profile as written in this file; None if absent

    def load(self) -> Credentials | Skipped:
        section = self.section
        if section is None:
            return Skipped(f"no profile '{self.profile_name}' in {self.path}")
        access = section.get("aws_access_key_id")
        if access is None:
            return Skipped(f"profile '{self.profile_name}' in {self.path} has no aws_access_key_id")
        secret = section.get("aws_secret_access_key")
        if secret is None:
            raise PartialCredentialsError(
                provider=f"{self.method} ({access.source})", cred_var="aws_secret_access_key"
            )
        token = section.get("aws_security_token") or section.get("aws_session_token")
        account = section.get("aws_account_id")
        return Credentials(
            access_key=access.value, secret_key=secret.value, token=token.value if token else None,
            account_id=account.value if account else None, method=self.method, source=access.source,
        )


@dataclass(frozen=True, slots=True, repr=False)
class OriginalEC2Provider:
    """``AWS_CREDENTIAL_FILE``: the old EC2 tools' ``AWSAccessKeyId=...`` file (no token)."""

    env: Mapping[str, str]
    method: str = "ec2-credentials-file"

    def load(self) -> Flow[Credentials | Skipped]:
        if "AWS_CREDENTIAL_FILE" not in self.env:
            return Skipped("AWS_CREDENTIAL_FILE not set")
        path = expand_path(self.env["AWS_CREDENTIAL_FILE"], self.env)
        try:
            text = yield ReadFile(path)
        except OSError:
            raise ConfigNotFound(path=path) from None  # botocore raises here too
        values: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
        if "AWSAccessKeyId" not in values:
            return Skipped(f"{path} (AWS_CREDENTIAL_FILE) has no AWSAccessKeyId")
        if "AWSSecretKey" not in values:
            raise PartialCredentialsError(provider=self.method, cred_var="AWSSecretKey")
        return Credentials(
            access_key=values["AWSAccessKeyId"], secret_key=values["AWSSecretKey"],
            method=self.method, source=f"{path} (AWS_CREDENTIAL_FILE)",
        )

    def __repr__(self) -> str:
        return "OriginalEC2Provider()"


@dataclass(frozen=True, slots=True, repr=False)
class BotoProvider:
    """boto2's config: ``BOTO_CONFIG`` or ``/etc/boto.cfg`` then ``~/.boto``, section
    ``[Credentials]``."""

    env: Mapping[str, str]
    method: str = "boto-config"

    def load(self) -> Flow[Credentials | Skipped]:
        if "BOTO_CONFIG" in self.env:
            candidates = [self.env["BOTO_CONFIG"]]
        else:
            candidates = ["/etc/boto.cfg", "~/.boto"]
        for candidate in candidates:
            path = expand_path(candidate, self.env)
            try:
                text = yield ReadFile(path)
            except OSError:
                continue
            section = parse_ini(text, path).sections.get("Credentials")
            if section is None or "aws_access_key_id" not in section:
                continue
            if "aws_secret_access_key" not in section:
                raise PartialCredentialsError(provider=self.method, cred_var="aws_secret_access_key")
            access = section["aws_access_key_id"]
            return Credentials(
                access_key=access.value, secret_key=section["aws_secret_access_key"].value,
                method=self.method, source=access.source,
            )
        return Skipped(f"no [Credentials] with aws_access_key_id in {' or '.join(candidates)}")

    def __repr__(self) -> str:
        return "BotoProvider()"
