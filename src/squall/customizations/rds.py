"""RDS: ``generate_db_auth_token`` (IAM database authentication) and, as for Neptune and
DocumentDB, the cross-region ``PreSignedUrl`` built from ``SourceRegion``."""
from __future__ import annotations

from typing import Any

from . import Customizations
from ._auth_tokens import db_auth_token
from ._cross_region import rds_presign

_PRESIGNED_OPERATIONS = frozenset({
    "CopyDBClusterSnapshot", "CreateDBCluster", "CopyDBSnapshot", "CreateDBInstanceReadReplica",
    "StartDBInstanceAutomatedBackupsReplication",
})


def generate_db_auth_token(self: Any, DBHostname: str, Port: int, DBUsername: str, Region: str | None = None) -> str:
    """A token to connect to the database as ``DBUsername`` with IAM credentials (15 minutes)."""
    return db_auth_token(self, f"{DBHostname}:{Port}", [("Action", "connect"), ("DBUser", DBUsername)],
                         Region, "rds-db", 900)


CUSTOMIZATIONS = Customizations(
    client_methods={"generate_db_auth_token": generate_db_auth_token},
    cross_region_presign=rds_presign(_PRESIGNED_OPERATIONS),
)
