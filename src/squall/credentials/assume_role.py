"""``assume-role``: a profile with ``role_arn`` and a ``source_profile`` (a chain of any
length, loops detected) or a ``credential_source`` (Environment, Ec2InstanceMetadata,
EcsContainer); ``role_session_name``, ``external_id``, ``duration_seconds`` and
``mfa_serial`` (the token code comes from the replaceable prompter; such credentials
cannot be refreshed without asking again, so a second refresh is an error, as in
botocore). Nothing is called until the credentials are first used.
"""
from __future__ import annotations

from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Callable, Mapping

from ..config.profiles import Section
from ..exceptions import CredentialRetrievalError, InvalidConfigError, PartialCredentialsError
from ._common import CredentialProvider, Found, ProfileView, Skipped, drive
from ._effects import Flow, Frozen, Prompt
from ._errors import InfiniteLoopConfigError, RefreshWithMFAUnsupportedError
from ._sts import StsRoleCall
from ._values import Credentials, ReadOnlyCredentials
from .refreshable import RefreshableCredentials

__all__ = ["AssumeRoleProvider", "frozen_of"]

SOURCE_NAMES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")


def frozen_of(found: Found) -> Flow[ReadOnlyCredentials]:
    """A snapshot of source credentials, asking the driver to refresh them if due."""
    if isinstance(found, RefreshableCredentials):
        snapshot: ReadOnlyCredentials = yield Frozen(found)
        return snapshot
    return found.get_frozen_credentials()


def _has_role(profile: Mapping[str, Any] | Section) -> bool:
    # A profile with web_identity_token_file belongs to the web identity provider, even
    # when it is reached as a source profile.
    return "role_arn" in profile and "web_identity_token_file" not in profile


def _has_static(profile: Mapping[str, Any] | Section) -> bool:
    return "aws_access_key_id" in profile or "aws_secret_access_key" in profile


class _MfaOnce:
    """The first fetch may prompt; a refresh would need a new code, which botocore refuses."""

    def __init__(self, fetch: Callable[[], Flow[Credentials]]) -> None:
        self._fetch = fetch
        self._called = False

    def __call__(self) -> Flow[Credentials]:
        if self._called:
            raise RefreshWithMFAUnsupportedError()
        self._called = True
        return self._fetch()


@dataclass(frozen=True, slots=True, repr=False)
class AssumeRoleProvider:
    profiles: Mapping[str, Section]
    profile_name: str
    # The providers that read one profile (web identity, SSO, files, login, process),
    # with the environment ignored: what a source_profile is resolved with.
    profile_providers: Callable[[str], tuple[CredentialProvider, ...]]
    # credential_source name -> provider (env, container, IMDS)
    named_sources: Mapping[str, CredentialProvider]
    region: str | None = None
    cache_dir: str | None = None
    method: str = "assume-role"

    def _view(self, name: str) -> ProfileView:
        return ProfileView(name, self.profiles.get(name))

    def load(self) -> Flow[Found | Skipped]:
        profile = self.profiles.get(self.profile_name)
        if profile is None or "role_arn" not in profile:
            return Skipped(f"profile {self.profile_name} has no role_arn")
        if not _has_role(profile):
            return Skipped(f"profile {self.profile_name} has role_arn with web_identity_token_file (web identity)")
        return (yield from self._assume(self.profile_name, [self.profile_name]))

    def _assume(self, name: str, visited: list[str]) -> Flow[RefreshableCredentials]:
        view = self._view(name)
        source_profile = view.get("source_profile")
        credential_source = view.get("credential_source")
        if credential_source is not None and source_profile is not None:
            raise InvalidConfigError(error_msg=(
                f'The profile "{name}" contains both source_profile and credential_source.'
            ))
        if credential_source is None and source_profile is None:
            raise PartialCredentialsError(provider=self.method, cred_var="source_profile or credential_source")
        if credential_source is not None:
            source = yield from self._from_named_source(credential_source, name)
            source_text = f"credential_source {credential_source} ({view.source('credential_source')})"
        else:
            assert source_profile is not None
            self._check_source_profile(name, source_profile, visited)
            visited.append(source_profile)
            source = yield from self._from_profile(source_profile, visited)
            source_text = f"source_profile {source_profile} via {source.method}"
            if source.source:
                source_text += f" ({source.source})"

        role_arn = view.get("role_arn") or ""
        kwargs: dict[str, Any] = {"RoleArn": role_arn}
        for key, arg in (("role_session_name", "RoleSessionName"), ("external_id", "ExternalId"),
                         ("mfa_serial", "SerialNumber")):
            value = view.get(key)
            if value is not None:
                kwargs[arg] = value
        duration = view.get("duration_seconds")
        if duration is not None:
            try:
                kwargs["DurationSeconds"] = int(duration)
            except ValueError:
                pass  # botocore ignores a duration that is not a number
        mfa_serial = kwargs.get("SerialNumber")

        def token_code() -> Flow[dict[str, Any]]:
            if mfa_serial is None:
                return {}
            code = yield Prompt(f"Enter MFA code for {mfa_serial}: ")
            return {"TokenCode": code}

        call = StsRoleCall(
            operation="AssumeRole", kwargs=kwargs, method=self.method,
            source=f"AssumeRole {role_arn} (role_arn: {view.source('role_arn')}); {source_text}",
            region=self.region, cache_dir=self.cache_dir, extra=token_code,
            caller=lambda: frozen_of(source),
        )
        refresh: Callable[[], Flow[Credentials]] = call.fetch
        if mfa_serial is not None:
            refresh = _MfaOnce(call.fetch)
        return RefreshableCredentials(method=self.method, refresh=refresh, source=call.source)

    def _check_source_profile(self, parent: str, source_name: str, visited: list[str]) -> None:
        source = self.profiles.get(source_name)
        if source is None:
            raise InvalidConfigError(error_msg=(
                f'The source_profile "{source_name}" referenced in the profile "{parent}" does not exist.'
            ))
        if source_name not in visited:
            return
        # A profile may name itself to take static keys from its own section; any other
        # revisit is a loop.
        if source_name != parent or not _has_static(source):
            raise InfiniteLoopConfigError(source_profile=source_name, visited_profiles=list(visited))

    def _from_profile(self, name: str, visited: list[str]) -> Flow[Found]:
        profile = self.profiles[name]
        if _has_static(profile) or not _has_role(profile):
            reasons = []
            for provider in self.profile_providers(name):
                found: Found | Skipped = yield from drive(provider.load())
                if isinstance(found, Skipped):
                    reasons.append(f"{provider.method}: {found.reason}")
                    continue
                return found
            raise InvalidConfigError(error_msg=(
                f'The source profile "{name}" must have credentials. Tried: ' + "; ".join(reasons)
            ))
        return (yield from self._assume(name, visited))

    def _from_named_source(self, source_name: str, profile_name: str) -> Flow[Found]:
        provider = self.named_sources.get(source_name)
        if provider is None:  # botocore's names are exact (case-sensitive) here
            raise InvalidConfigError(error_msg=(
                f'The credential source "{source_name}" referenced in profile "{profile_name}" is not '
                f"valid. Valid sources: {', '.join(SOURCE_NAMES)}."
            ))
        found: Found | Skipped = yield from drive(provider.load())
        if isinstance(found, Skipped):
            raise CredentialRetrievalError(
                provider=source_name,
                error_msg=(f"No credentials found in credential_source referenced in profile "
                           f"{profile_name} ({provider.method}: {found.reason})"),
            )
        return found

    def __repr__(self) -> str:
        return f"AssumeRoleProvider(profile={self.profile_name!r})"
