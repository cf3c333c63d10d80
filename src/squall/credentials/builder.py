"""Build the default credential chain in botocore's order (``create_credential_resolver``).

    explicit (squall: keys passed to Session())
    env                             (skipped when a profile is named explicitly)
    assume-role
    assume-role-with-web-identity   \
    sso                              |
    shared-credentials-file          |  the "profile providers", also used to resolve
    login                            |  an assume-role source_profile
    custom-process                   |
    config-file                     /
    ec2-credentials-file
    boto-config
    container-role
    iam-role

Building is pure: it reads only the already parsed shared files and settings it is
given. Nothing is fetched until the chain is resolved.
"""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..config.profiles import Section
from ._common import CredentialProvider, ProfileView
from .chain import CredentialChain

if TYPE_CHECKING:
    from ._common import Found, Skipped
    from ._effects import Flow
    from .imds import ImdsConfig
    from .providers import ExplicitProvider

__all__ = ["ChainInputs", "build_chain", "DEFAULT_ORDER"]

DEFAULT_ORDER = (
    "explicit", "env", "assume-role", "assume-role-with-web-identity", "sso",
    "shared-credentials-file", "login", "custom-process", "config-file", "ec2-credentials-file",
    "boto-config", "container-role", "iam-role",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainInputs:
    """What the chain is built from (all resolved by the Session, no I/O here)."""

    env: Mapping[str, str]
    profile_name: str
    profile_explicit: bool  # a profile named in Session(profile_name=...): env keys are ignored
    profiles: Mapping[str, Section]  # both files merged, as botocore's full_config
    sso_sessions: Mapping[str, Section] = field(default_factory=dict)
    # Each file on its own, for the shared-credentials-file and config-file providers.
    config_file_profiles: Mapping[str, Section] = field(default_factory=dict)
    credentials_file_profiles: Mapping[str, Section] = field(default_factory=dict)
    config_path: str = "~/.aws/config"
    credentials_path: str = "~/.aws/credentials"
    explicit: ExplicitProvider | None = None
    # How to reach IMDS; a callable is asked when the chain reaches the iam-role provider.
    imds: ImdsConfig | Callable[[], ImdsConfig] | None = None
    region: str | None = None  # for STS and sign-in calls
    cli_cache_dir: str | None = None  # None: no file cache for role credentials
    sso_cache_dir: str = "~/.aws/sso/cache"
    login_cache_dir: str = "~/.aws/login/cache"
    process_timeout: float | None = 300.0  # process.DEFAULT_PROCESS_TIMEOUT (a test keeps them equal)


class _Deferred:
    """A provider made when the chain first reaches it. Making one imports its module
    (SSO, STS, IMDS, ... code: ~5 ms for the whole chain), so credentials found early,
    environment keys say, never import the providers behind them."""

    __slots__ = ("method", "_make", "_made")

    def __init__(self, method: str, make: Callable[[], CredentialProvider]) -> None:
        self.method = method  # the made provider's own ``method`` (a test checks they agree)
        self._make = make
        self._made: CredentialProvider | None = None

    @property
    def provider(self) -> CredentialProvider:
        made = self._made
        if made is None:  # a race makes two equal, stateless providers: harmless
            made = self._made = self._make()
        return made

    def load(self) -> "Found | Skipped | Flow[Found | Skipped]":
        return self.provider.load()

    def __repr__(self) -> str:
        return f"<deferred {self.method} provider>" if self._made is None else repr(self._made)


def _web_identity(inputs: ChainInputs, view: ProfileView, disable_env: bool) -> CredentialProvider:
    from .web_identity import WebIdentityProvider

    return WebIdentityProvider(view, inputs.env, disable_env=disable_env, region=inputs.region,
                               cache_dir=inputs.cli_cache_dir)


def _sso(inputs: ChainInputs, view: ProfileView) -> CredentialProvider:
    from .sso import SSOProvider

    return SSOProvider(view, inputs.sso_sessions, token_dir=inputs.sso_cache_dir, cache_dir=inputs.cli_cache_dir)


def _login(inputs: ChainInputs, view: ProfileView) -> CredentialProvider:
    from .login import LoginProvider

    return LoginProvider(view, inputs.login_cache_dir, region=inputs.region)


def _process(inputs: ChainInputs, view: ProfileView) -> CredentialProvider:
    from .process import ProcessProvider

    return ProcessProvider(view, timeout=inputs.process_timeout)


def _profile_file(method: str, name: str, path: str, section: Section | None) -> CredentialProvider:
    from .providers import ProfileFileProvider

    return ProfileFileProvider(method, name, path, section)


def _profile_providers(inputs: ChainInputs, name: str, *, disable_env: bool) -> tuple[CredentialProvider, ...]:
    view = ProfileView(name, inputs.profiles.get(name))
    return (
        _Deferred("assume-role-with-web-identity", lambda: _web_identity(inputs, view, disable_env)),
        _Deferred("sso", lambda: _sso(inputs, view)),
        _Deferred("shared-credentials-file", lambda: _profile_file(
            "shared-credentials-file", name, inputs.credentials_path, inputs.credentials_file_profiles.get(name))),
        _Deferred("login", lambda: _login(inputs, view)),
        _Deferred("custom-process", lambda: _process(inputs, view)),
        _Deferred("config-file", lambda: _profile_file(
            "config-file", name, inputs.config_path, inputs.config_file_profiles.get(name))),
    )


def _env(inputs: ChainInputs, disabled_reason: str | None = None) -> CredentialProvider:
    from .providers import EnvProvider

    return EnvProvider(inputs.env, disabled_reason=disabled_reason)


def _container(inputs: ChainInputs) -> CredentialProvider:
    from .container import ContainerProvider

    return ContainerProvider(inputs.env)


def _imds(inputs: ChainInputs) -> CredentialProvider:
    from .imds import ImdsConfig, InstanceMetadataProvider

    config = inputs.imds
    if config is None:
        config = ImdsConfig()
    elif callable(config):
        config = config()
    return InstanceMetadataProvider(config)


def _assume_role(inputs: ChainInputs, named: Mapping[str, CredentialProvider]) -> CredentialProvider:
    from .assume_role import AssumeRoleProvider

    return AssumeRoleProvider(
        profiles=inputs.profiles, profile_name=inputs.profile_name,
        profile_providers=lambda name: _profile_providers(inputs, name, disable_env=True),
        named_sources=named, region=inputs.region, cache_dir=inputs.cli_cache_dir,
    )


def _legacy_file(inputs: ChainInputs, kind: str) -> CredentialProvider:
    from .providers import BotoProvider, OriginalEC2Provider

    return OriginalEC2Provider(inputs.env) if kind == "ec2" else BotoProvider(inputs.env)


def build_chain(inputs: ChainInputs) -> CredentialChain:
    env_disabled = (
        f"skipped: profile '{inputs.profile_name}' was named explicitly" if inputs.profile_explicit else None
    )
    # credential_source reads the environment even when the chain skips it (botocore).
    container = _Deferred("container-role", lambda: _container(inputs))
    imds = _Deferred("iam-role", lambda: _imds(inputs))
    named: dict[str, CredentialProvider] = {
        "Environment": _Deferred("env", lambda: _env(inputs)), "EcsContainer": container, "Ec2InstanceMetadata": imds,
    }
    providers: list[CredentialProvider] = []
    if inputs.explicit is not None:
        providers.append(inputs.explicit)
    providers.append(_Deferred("env", lambda: _env(inputs, env_disabled)))
    providers.append(_Deferred("assume-role", lambda: _assume_role(inputs, named)))
    providers.extend(_profile_providers(inputs, inputs.profile_name, disable_env=inputs.profile_explicit))
    providers.extend((
        _Deferred("ec2-credentials-file", lambda: _legacy_file(inputs, "ec2")),
        _Deferred("boto-config", lambda: _legacy_file(inputs, "boto")),
        container, imds,
    ))
    return CredentialChain(tuple(providers))
