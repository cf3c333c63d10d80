"""Credentials: values, providers in botocore's order, the chain, refresh and caches.

Providers are sans-IO: they return values or flows of effects (``_effects``) that a
driver performs (``squall.runtime._credential_io`` for sync code). See ``builder`` for the
chain's order and ``refreshable`` for the single-flight refresh.
"""
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._common import CredentialProvider, ProfileView, Skipped
    from ._errors import (
        ContainerHostNotAllowedError, CredentialProcessError, InfiniteLoopConfigError,
        InvalidIMDSEndpointError, InvalidIMDSEndpointModeError, LoginError,
        LoginInsufficientPermissions, LoginRefreshRequired, LoginTokenLoadError,
        MetadataRetrievalError, MissingDependencyException, RefreshWithMFAUnsupportedError,
        SSOError, SSOTokenLoadError, TokenRetrievalError, UnauthorizedSSOTokenError,
        UnknownCredentialError,
    )
    from ._explain import explain_credentials
    from ._values import Credentials, ReadOnlyCredentials
    from .assume_role import AssumeRoleProvider
    from .builder import DEFAULT_ORDER, ChainInputs, build_chain
    from .chain import ChainResult, CredentialChain
    from .container import ContainerProvider
    from .imds import ImdsConfig, InstanceMetadataProvider
    from .login import LoginProvider
    from .process import ProcessProvider
    from .providers import (
        BotoProvider, EnvProvider, ExplicitProvider, OriginalEC2Provider, ProfileFileProvider,
    )
    from .refreshable import RefreshableCredentials
    from .sso import SSOProvider
    from .web_identity import WebIdentityProvider

# Public name -> submodule. The providers are imported when first named, not with
# ``import squall``: together they cost ~30 ms, and most processes resolve credentials
# once, on their first call, through one or two providers.
_SUBMODULES = {
    "_common": ("CredentialProvider", "ProfileView", "Skipped"),
    "_errors": (
        "ContainerHostNotAllowedError", "CredentialProcessError", "InfiniteLoopConfigError",
        "InvalidIMDSEndpointError", "InvalidIMDSEndpointModeError", "LoginError",
        "LoginInsufficientPermissions", "LoginRefreshRequired", "LoginTokenLoadError",
        "MetadataRetrievalError", "MissingDependencyException", "RefreshWithMFAUnsupportedError",
        "SSOError", "SSOTokenLoadError", "TokenRetrievalError", "UnauthorizedSSOTokenError",
        "UnknownCredentialError",
    ),
    "_explain": ("explain_credentials",),
    "_values": ("Credentials", "ReadOnlyCredentials"),
    "assume_role": ("AssumeRoleProvider",),
    "builder": ("DEFAULT_ORDER", "ChainInputs", "build_chain"),
    "chain": ("ChainResult", "CredentialChain"),
    "container": ("ContainerProvider",),
    "imds": ("ImdsConfig", "InstanceMetadataProvider"),
    "login": ("LoginProvider",),
    "process": ("ProcessProvider",),
    "providers": (
        "BotoProvider", "EnvProvider", "ExplicitProvider", "OriginalEC2Provider", "ProfileFileProvider",
    ),
    "refreshable": ("RefreshableCredentials",),
    "sso": ("SSOProvider",),
    "web_identity": ("WebIdentityProvider",),
}
_WHERE = {name: module for module, names in _SUBMODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "Credentials", "ReadOnlyCredentials", "RefreshableCredentials", "CredentialChain",
    "ChainResult", "ChainInputs", "build_chain", "DEFAULT_ORDER", "CredentialProvider",
    "ProfileView", "Skipped", "explain_credentials",
    "ExplicitProvider", "EnvProvider", "ProfileFileProvider", "OriginalEC2Provider",
    "BotoProvider", "AssumeRoleProvider", "WebIdentityProvider", "SSOProvider", "LoginProvider",
    "ProcessProvider", "ContainerProvider", "InstanceMetadataProvider", "ImdsConfig",
    "InfiniteLoopConfigError", "RefreshWithMFAUnsupportedError", "MissingDependencyException",
    "MetadataRetrievalError", "UnknownCredentialError", "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError", "SSOError", "SSOTokenLoadError", "UnauthorizedSSOTokenError",
    "TokenRetrievalError", "LoginError", "LoginRefreshRequired", "LoginInsufficientPermissions",
    "LoginTokenLoadError", "CredentialProcessError", "ContainerHostNotAllowedError",
]
