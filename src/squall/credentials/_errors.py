"""Credential errors with botocore's names and messages (plus what to do about them).

The general ones (``NoCredentialsError``, ``PartialCredentialsError``,
``CredentialRetrievalError``, ``InvalidConfigError``) live in ``squall.exceptions``; these
are the provider-specific ones botocore also defines in ``botocore.exceptions``.
"""
from __future__ import annotations

from typing import Any

# MissingDependencyException is the general one, re-exported: one class to catch.
from ..exceptions import (
    CredentialRetrievalError, InvalidConfigError, MissingDependencyException, SquallError,
)

__all__ = [
    "InfiniteLoopConfigError", "RefreshWithMFAUnsupportedError", "MissingDependencyException",
    "MetadataRetrievalError", "UnknownCredentialError", "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError", "SSOError", "SSOTokenLoadError", "UnauthorizedSSOTokenError",
    "TokenRetrievalError", "LoginError", "LoginRefreshRequired", "LoginInsufficientPermissions",
    "LoginTokenLoadError", "CredentialProcessError", "ContainerHostNotAllowedError",
]


class InfiniteLoopConfigError(InvalidConfigError):
    fmt = (
        "Infinite loop in credential configuration detected. Attempting to load from profile "
        "{source_profile} which has already been visited. Visited profiles: {visited_profiles}"
    )


class RefreshWithMFAUnsupportedError(SquallError):
    fmt = "Cannot refresh credentials: MFA token required."


class MetadataRetrievalError(SquallError):
    fmt = "Error retrieving metadata: {error_msg}"


class UnknownCredentialError(SquallError):
    fmt = "Credential named {name} not found."


class InvalidIMDSEndpointError(SquallError):
    fmt = "Invalid endpoint EC2 Instance Metadata endpoint: {endpoint}"


class InvalidIMDSEndpointModeError(SquallError):
    fmt = (
        "Invalid EC2 Instance Metadata endpoint mode: {mode} "
        "Valid endpoint modes (case-insensitive): {valid_modes}."
    )


class SSOError(SquallError):
    fmt = "An unspecified error happened when resolving AWS credentials or an access token from SSO."


class SSOTokenLoadError(SSOError):
    fmt = "Error loading SSO Token: {error_msg}"


class UnauthorizedSSOTokenError(SSOError):
    fmt = (
        "The SSO session associated with this profile has expired or is otherwise invalid. "
        "To refresh this SSO session run: aws sso login --profile {profile}"
    )

    def __init__(self, profile: str = "<profile>", **kwargs: Any) -> None:
        super().__init__(profile=profile, **kwargs)


class TokenRetrievalError(SquallError):
    fmt = "Error when retrieving token from {provider}: {error_msg}"


class LoginError(SquallError):
    fmt = (
        "An unspecified error happened when resolving AWS credentials or refreshing a login "
        "session profile."
    )


class LoginRefreshRequired(LoginError):
    fmt = (
        "Your session has expired or credentials have changed. "
        "Please reauthenticate using 'aws login'."
    )


class LoginInsufficientPermissions(LoginError):
    fmt = (
        "Unable to create or refresh login credentials due to insufficient permissions. You may "
        "be missing permission for the 'signin:CreateOAuth2Token' action."
    )


class LoginTokenLoadError(LoginError):
    fmt = "Error loading login session token: {error_msg}"


class CredentialProcessError(CredentialRetrievalError):
    """``credential_process`` failed: non-zero exit, bad output or a timeout."""


class ContainerHostNotAllowedError(CredentialRetrievalError, ValueError):
    """AWS_CONTAINER_CREDENTIALS_FULL_URI names a host botocore refuses (a ValueError there)."""
