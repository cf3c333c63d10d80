"""Credentials: values, providers and the chain that picks one."""
from ._values import Credentials, ReadOnlyCredentials
from .chain import ChainResult, CredentialChain
from .providers import EnvProvider, ExplicitProvider, ProfileFileProvider, Skipped

__all__ = [
    "Credentials", "ReadOnlyCredentials", "CredentialChain", "ChainResult", "EnvProvider",
    "ExplicitProvider", "ProfileFileProvider", "Skipped",
]
