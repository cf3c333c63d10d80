"""Cognito Identity: the identity-pool exchanges are unauthenticated calls."""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(
    unsigned_operations=frozenset({"GetId", "GetOpenIdToken", "UnlinkIdentity", "GetCredentialsForIdentity"}),
)
