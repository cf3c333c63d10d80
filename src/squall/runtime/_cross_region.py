"""The presigned URL a cross-region copy carries (customizations._cross_region plans it):
the same call, serialized for the source region and presigned there, as botocore's
``_get_cross_region_presigned_url`` makes it (GET, no headers, parameters in the query,
one hour)."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from ..customizations._cross_region import CrossRegionPresign
from ..models import OperationModel
from ._context import ClientContext

__all__ = ["presigned_url"]

_EXPIRES = 3600


def presigned_url(ctx: ClientContext, op: OperationModel, plan: CrossRegionPresign, credentials: Any,
                  now: datetime) -> str:
    from .presign import _presign, _Signing  # presign imports the flow: imported when needed
    from ._flow import prepare_request

    request, _ = prepare_request(ctx, op, plan.url_params)
    body = request.body if isinstance(request.body, bytes) else b""
    if plan.url_extra:  # unmodelled members, after the serialized ones
        extra = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in plan.url_extra)
        body = (body + b"&" if body else b"") + extra.encode("ascii")
    # As botocore: the destination region in the URL becomes the source region, and the
    # form's parameters move into the query of a GET that carries no headers.
    url = request.url.replace(plan.destination_region, plan.source_region)
    if body:
        url = f"{url}{'&' if '?' in url else '?'}{body.decode('ascii')}"
    request = request.replace(method="GET", url=url, body=b"", headers={})
    signing = _Signing(ctx.signing_name, plan.source_region, False)
    return str(_presign(request, credentials, signing, now, _EXPIRES).url)
