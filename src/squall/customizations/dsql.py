"""Aurora DSQL: ``generate_db_connect_auth_token`` and ``generate_db_connect_admin_auth_token``."""
from __future__ import annotations

from typing import Any

from ..exceptions import ParamValidationError
from . import Customizations
from ._auth_tokens import db_auth_token

_ACTIONS = ("DbConnect", "DbConnectAdmin")


def _token(client: Any, hostname: str, action: str, region: str | None, expires: int) -> str:
    if action not in _ACTIONS:
        raise ParamValidationError(report=f"Received {action} for action but expected one of: {', '.join(_ACTIONS)}")
    return db_auth_token(client, hostname, [("Action", action)], region, "dsql", expires)


def generate_db_connect_auth_token(self: Any, Hostname: str, Region: str | None = None, ExpiresIn: int = 900) -> str:
    """A token for the ``DbConnect`` action (a custom database role)."""
    return _token(self, Hostname, "DbConnect", Region, ExpiresIn)


def generate_db_connect_admin_auth_token(self: Any, Hostname: str, Region: str | None = None,
                                         ExpiresIn: int = 900) -> str:
    """A token for the ``DbConnectAdmin`` action (the ``admin`` role)."""
    return _token(self, Hostname, "DbConnectAdmin", Region, ExpiresIn)


CUSTOMIZATIONS = Customizations(client_methods={
    "generate_db_connect_auth_token": generate_db_connect_auth_token,
    "generate_db_connect_admin_auth_token": generate_db_connect_admin_auth_token,
})
