"""Cross-region copies that carry a presigned URL of the same call in the source region
(botocore's inject_presigned_url_ec2 / inject_presigned_url_rds).

A hook here only plans: which parameters the presigned request carries, which region
signs it, and what is sent once the URL exists. The call flow fetches the credentials
and presigns (runtime._cross_region), since that needs the client's signer and clock.
"""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Callable, Mapping

from ..models import OperationModel

__all__ = ["CrossRegionPresign", "ec2_presign", "rds_presign"]

Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossRegionPresign:
    send_params: Params  # what the call sends if no URL is made
    url_member: str | None = None  # where the URL goes; None: send ``send_params`` as they are
    url_params: Params = field(default_factory=dict)  # the presigned request's parameters
    # (name, value) pairs the presigned request carries beyond its modelled members
    url_extra: tuple[tuple[str, str], ...] = ()
    source_region: str = ""
    destination_region: str = ""
    send_after: Params = field(default_factory=dict)  # set after the URL member


def ec2_presign(op: OperationModel, params: Params, region: str | None) -> CrossRegionPresign | None:
    """CopySnapshot: ``PresignedUrl`` (unless given) and ``DestinationRegion``, the client's
    region, which the presigned request carries too."""
    if op.name != "CopySnapshot" or "PresignedUrl" in params or not params.get("SourceRegion") or not region:
        return None
    return CrossRegionPresign(
        send_params=params, url_member="PresignedUrl",
        url_params={**params, "DestinationRegion": region},
        source_region=params["SourceRegion"], destination_region=region,
        send_after={"DestinationRegion": region},
    )


def rds_presign(operations: frozenset[str]) -> Callable[[OperationModel, Params, str | None], CrossRegionPresign | None]:
    """RDS, Neptune, DocumentDB: ``SourceRegion`` is the SDK's own parameter (never sent);
    with it, ``PreSignedUrl`` (unless given) is the call presigned in that region, with
    ``DestinationRegion`` added."""

    def plan(op: OperationModel, params: Params, region: str | None) -> CrossRegionPresign | None:
        if op.name not in operations or "SourceRegion" not in params:
            return None
        source = params["SourceRegion"]
        rest = {k: v for k, v in params.items() if k != "SourceRegion"}
        if "PreSignedUrl" in rest or not region:
            return CrossRegionPresign(send_params=rest)
        return CrossRegionPresign(
            send_params=rest, url_member="PreSignedUrl", url_params=rest,
            url_extra=(("DestinationRegion", region),), source_region=source, destination_region=region,
        )

    return plan
