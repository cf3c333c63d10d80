"""Credentials: values, providers in botocore's order, the chain, refresh and caches.

Providers are sans-IO: they return values or flows of effects (``_effects``) that a
driver performs (``squall.runtime._credential_io`` for sync code). See ``builder`` for the
chain's order and ``refreshable`` for the single-flight refresh.
"""
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
