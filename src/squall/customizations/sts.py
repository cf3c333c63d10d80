"""STS: the web-identity and SAML exchanges are sent unsigned (they carry their own proof).

Global vs regional endpoints are chosen by the endpoint rules through the
``AWS::STS::UseGlobalEndpoint`` built-in (``sts_regional_endpoints``).
"""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(
    unsigned_operations=frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}),
)
