"""DocumentDB: the cross-region ``PreSignedUrl`` built from ``SourceRegion``, as RDS."""
from __future__ import annotations

from . import Customizations
from ._cross_region import rds_presign

CUSTOMIZATIONS = Customizations(
    cross_region_presign=rds_presign(frozenset({"CopyDBClusterSnapshot", "CreateDBCluster"})),
)
