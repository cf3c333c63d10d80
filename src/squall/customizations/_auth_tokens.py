"""Database auth tokens: a SigV4 presigned ``GET https://host/?Action=...`` without its
scheme, signed with the client's credentials (botocore's generate_db_auth_token and
DSQL's generate_db_connect_*auth_token). The database checks the signature; nothing
is sent to AWS."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..exceptions import NoRegionError

_SCHEME = "https://"


def db_auth_token(client: Any, host: str, params: list[tuple[str, str]], region: str | None,
                  signing_name: str, expires: int) -> str:
    from ..auth import presign_v4_query
    from ..auth._keys import DEFAULT_KEY_CACHE
    from ..http import HttpRequest

    region = region or client.meta.region_name
    if region is None:
        raise NoRegionError()
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in params)
    credentials = client._get_credentials()
    signed = presign_v4_query(
        HttpRequest(method="GET", url=f"{_SCHEME}{host}/?{query}"),
        access_key=credentials.access_key, secret_key=credentials.secret_key, token=credentials.token,
        region=region, service=signing_name, timestamp=client._context.clock(), expires=expires,
        key_cache=DEFAULT_KEY_CACHE,
    )
    return signed.url[len(_SCHEME):]
