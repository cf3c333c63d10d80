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
from typing import Mapping

from ..config.profiles import Section
from ._common import CredentialProvider, ProfileView
from .assume_role import AssumeRoleProvider
from .chain import CredentialChain
from .container import ContainerProvider
from .imds import ImdsConfig, InstanceMetadataProvider
from .login import LoginProvider
from .process import DEFAULT_PROCESS_TIMEOUT, ProcessProvider
from .providers import (
    BotoProvider, EnvProvider, ExplicitProvider, OriginalEC2Provider, ProfileFileProvider,
)
from .sso import SSOProvider
from .web_identity import WebIdentityProvider

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
    imds: ImdsConfig = field(default_factory=ImdsConfig)
    region: str | None = None  # for STS and sign-in calls
    cli_cache_dir: str | None = None  # None: no file cache for role credentials
    sso_cache_dir: str = "~/.aws/sso/cache"
    login_cache_dir: str = "~/.aws/login/cache"
    process_timeout: float | None = DEFAULT_PROCESS_TIMEOUT


def _profile_providers(inputs: ChainInputs, name: str, *, disable_env: bool) -> tuple[CredentialProvider, ...]:
    view = ProfileView(name, inputs.profiles.get(name))
    return (
        WebIdentityProvider(view, inputs.env, disable_env=disable_env, region=inputs.region,
                            cache_dir=inputs.cli_cache_dir),
        SSOProvider(view, inputs.sso_sessions, token_dir=inputs.sso_cache_dir, cache_dir=inputs.cli_cache_dir),
        ProfileFileProvider("shared-credentials-file", name, inputs.credentials_path,
                            inputs.credentials_file_profiles.get(name)),
        LoginProvider(view, inputs.login_cache_dir, region=inputs.region),
        ProcessProvider(view, timeout=inputs.process_timeout),
        ProfileFileProvider("config-file", name, inputs.config_path, inputs.config_file_profiles.get(name)),
    )


def build_chain(inputs: ChainInputs) -> CredentialChain:
    env_disabled = (
        f"skipped: profile '{inputs.profile_name}' was named explicitly" if inputs.profile_explicit else None
    )
    # credential_source reads the environment even when the chain skips it (botocore).
    env = EnvProvider(inputs.env)
    container = ContainerProvider(inputs.env)
    imds = InstanceMetadataProvider(inputs.imds)
    named: dict[str, CredentialProvider] = {
        "Environment": env, "EcsContainer": container, "Ec2InstanceMetadata": imds,
    }
    assume_role = AssumeRoleProvider(
        profiles=inputs.profiles, profile_name=inputs.profile_name,
        profile_providers=lambda name: _profile_providers(inputs, name, disable_env=True),
        named_sources=named, region=inputs.region, cache_dir=inputs.cli_cache_dir,
    )
    providers: list[CredentialProvider] = []
    if inputs.explicit is not None:
        providers.append(inputs.explicit)
    providers.append(EnvProvider(inputs.env, disabled_reason=env_disabled))
    providers.append(assume_role)
    providers.extend(_profile_providers(inputs, inputs.profile_name, disable_env=inputs.profile_explicit))
    providers.extend((OriginalEC2Provider(inputs.env), BotoProvider(inputs.env), container, imds))
    return CredentialChain(tuple(providers))
