"""AWS Signature Version 4a (SigV4a): ECDSA P-256 signatures valid in a set of regions.

Used by S3 Multi-Region Access Points, EventBridge global endpoints, CloudFront
KeyValueStore and services whose model lists ``aws.auth#sigv4a``. boto3 signs these only
with the optional ``awscrt``; squall signs them itself with ``cryptography``.

Pure functions of (request, credentials, region set, service, timestamp): no clock, no
sockets. What differs from SigV4 (``_sigv4``), whose canonical request is reused as is:

* the key is an ECDSA P-256 private key derived from the secret key alone (AWS's
  "AWS4A" KDF: HMAC-SHA256 in counter mode), so it is cached per access key, not per day;
* algorithm ``AWS4-ECDSA-P256-SHA256``; the scope ``date/service/aws4_request`` names no
  region; the region set travels (and is signed) as ``X-Amz-Region-Set``;
* the signature is the hex of a DER-encoded ECDSA signature over SHA-256 of the string to
  sign. ECDSA is randomized: two signatures of one request differ, both verify.

Header layout and payload rules follow botocore's CRT signers (``CrtSigV4AsymAuth`` and
its S3 and query-string variants): ``X-Amz-Date`` is always added, an existing ``Date``
header is signed as it is.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

from ..exceptions import MissingDependencyException
from ..http._values import Body, HttpRequest
from ._keys import BoundedKeyCache
from ._sigv4 import (
    DEFAULT_UNSIGNED_HEADERS,
    UNSIGNED_PAYLOAD,
    SigV4Details,
    _amz_date,
    _canonical_header_block,
    _without,
    canonical_path,
    canonical_query_string,
    choose_payload_hash,
    hash_payload,
    presign_query,
    presign_query_parts,
)

__all__ = [
    "ALGORITHM_V4A", "SigV4aKeyCache", "derive_sigv4a_private_key", "sigv4a_public_key",
    "sign_v4a", "presign_v4a_query", "sigv4a_available", "require_sigv4a", "region_set_value",
]

ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"
# Order of the P-256 group (FIPS 186-4 D.1.2.3).
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_KDF_LABEL = ALGORITHM_V4A.encode("ascii")
_KDF_LENGTH_BITS = (256).to_bytes(4, "big")
_KDF_BLOCK_ONE = (1).to_bytes(4, "big")
_MAX_KDF_COUNTER = 254
_INSTALL_HINT = "pip install 'squall[sigv4a]'"


# ---------------------------------------------------------------------------------
# The optional dependency


_available: bool | None = None


def sigv4a_available() -> bool:
    """Whether ``cryptography`` can be imported (checked once, without importing it)."""
    global _available
    if _available is None:
        from importlib.util import find_spec

        _available = find_spec("cryptography") is not None
    return _available


def require_sigv4a(needed_by: str | None = None) -> Any:
    """``cryptography.hazmat.primitives.asymmetric.ec``, or a clear error naming what
    asked for SigV4a (e.g. ``"endpoint auth scheme sigv4a for s3 GetObject"``)."""
    try:
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        what = f"SigV4a signing ({needed_by})" if needed_by else "SigV4a signing"
        raise MissingDependencyException(
            msg=f"{what} needs the 'cryptography' package: {_INSTALL_HINT}"
        ) from None
    return ec


# ---------------------------------------------------------------------------------
# Key derivation


def derive_sigv4a_private_key(access_key: str, secret_key: str) -> int:
    """The SigV4a private scalar for a key pair (pure Python, no dependency).

    NIST SP 800-108 HMAC-SHA256 counter-mode KDF, one 256-bit block: key ``"AWS4A" +
    secret``, label ``AWS4-ECDSA-P256-SHA256``, context ``access key || counter``. A
    candidate that is not below ``n - 2`` is rejected and the counter moves on; the
    private key is ``candidate + 1`` (so it lies in ``[1, n - 1)``).
    """
    key = ("AWS4A" + secret_key).encode("utf-8")
    context = access_key.encode("utf-8")
    for counter in range(1, _MAX_KDF_COUNTER + 1):
        fixed_input = b"".join((
            _KDF_BLOCK_ONE, _KDF_LABEL, b"\x00", context, bytes((counter,)), _KDF_LENGTH_BITS,
        ))
        candidate = int.from_bytes(hmac.new(key, fixed_input, hashlib.sha256).digest(), "big")
        if candidate < _P256_ORDER - 2:
            return candidate + 1
    # Each try fails with probability ~2^-32; 254 failures do not happen.
    raise ValueError("could not derive a SigV4a key from these credentials")


class SigV4aKeyCache(BoundedKeyCache[tuple[str, bytes], Any]):
    """Derived SigV4a keys (``cryptography`` objects), keyed by ``(access key, sha256(secret))``.

    Deriving one costs a P-256 scalar multiplication; a client signs with the same key
    pair until its credentials rotate.
    """

    __slots__ = ()

    def __init__(self, max_size: int = 16) -> None:
        super().__init__(max_size)

    def get(self, access_key: str, secret_key: str, *, needed_by: str | None = None) -> Any:
        """The ``EllipticCurvePrivateKey`` for the key pair (derived on first use)."""
        def derive() -> Any:
            ec = require_sigv4a(needed_by)
            scalar = derive_sigv4a_private_key(access_key, secret_key)
            return ec.derive_private_key(scalar, ec.SECP256R1())

        return self._get_or_derive(
            (access_key, hashlib.sha256(secret_key.encode("utf-8")).digest()), derive,
        )


# Process-wide, like the SigV4 key cache: derived values only, bounded.
DEFAULT_V4A_KEY_CACHE = SigV4aKeyCache()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=DEFAULT_V4A_KEY_CACHE._after_fork)


def sigv4a_public_key(access_key: str, secret_key: str) -> Any:
    """The ``EllipticCurvePublicKey`` AWS checks SigV4a signatures of this key pair with."""
    return DEFAULT_V4A_KEY_CACHE.get(access_key, secret_key).public_key()


# ---------------------------------------------------------------------------------
# Signature core


def region_set_value(region_set: str | Sequence[str]) -> str:
    """``X-Amz-Region-Set``: the regions comma-joined as given (``*`` = every region)."""
    if isinstance(region_set, str):
        return ",".join(part.strip() for part in region_set.split(",") if part.strip()) or "*"
    return ",".join(region_set) or "*"


def _signature(
    *, method: str, url: str, headers: dict[str, str], payload_hash: str, access_key: str,
    secret_key: str, service: str, amz_date: str, double_uri_encode: bool, normalize_path: bool,
    unsigned_headers: frozenset[str], key_cache: SigV4aKeyCache | None, needed_by: str | None,
) -> SigV4Details:
    parts = urlsplit(url)
    header_lines, signed_headers = _canonical_header_block(headers, url, unsigned_headers)
    canonical_request = "\n".join([
        method.upper(),
        canonical_path(parts.path, double_uri_encode=double_uri_encode, normalize_path=normalize_path),
        canonical_query_string(parts.query),
        header_lines,
        signed_headers,
        payload_hash,
    ])
    scope = f"{amz_date[:8]}/{service}/aws4_request"
    string_to_sign = "\n".join([
        ALGORITHM_V4A, amz_date, scope,
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
    ])
    ec = require_sigv4a(needed_by)
    from cryptography.hazmat.primitives import hashes  # present: require_sigv4a checked

    key = (DEFAULT_V4A_KEY_CACHE if key_cache is None else key_cache).get(
        access_key, secret_key, needed_by=needed_by)
    der = key.sign(string_to_sign.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    return SigV4Details(
        canonical_request=canonical_request, string_to_sign=string_to_sign,
        signature=der.hex(), signed_headers=signed_headers,
        credential_scope=scope, payload_hash=payload_hash,
    )


# Headers signing sets anew (lower-case); a retry re-signs a signed request cleanly.
_REPLACED = frozenset({"authorization", "x-amz-date", "x-amz-region-set", "x-amz-security-token",
                       "x-amz-content-sha256"})


def sign_v4a(
    request: HttpRequest,
    *,
    access_key: str,
    secret_key: str,
    token: str | None = None,
    region_set: str | Sequence[str],
    service: str,
    timestamp: datetime,
    double_uri_encode: bool = True,
    normalize_path: bool = True,
    payload_signing: bool = True,
    allow_unsigned_stream: bool = False,
    content_sha256_header: bool = False,
    payload_hash: str | None = None,
    unsigned_headers: frozenset[str] = DEFAULT_UNSIGNED_HEADERS,
    key_cache: SigV4aKeyCache | None = None,
    on_details: Callable[[SigV4Details], None] | None = None,
    needed_by: str | None = None,
) -> HttpRequest:
    """A copy of ``request`` signed with SigV4a in the ``Authorization`` header.

    Sets ``X-Amz-Date``, ``X-Amz-Region-Set``, ``X-Amz-Security-Token`` when ``token``,
    and ``X-Amz-Content-SHA256`` when ``content_sha256_header`` (S3) or whenever the
    payload hash is not computed from the body (given, unsigned, or an existing header).
    The payload options mean what they mean for ``sign_v4``. ``needed_by`` names what
    asked for SigV4a, for the error raised when ``cryptography`` is missing.
    """
    amz_date = _amz_date(timestamp)
    existing: str | None = None
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered == "x-amz-content-sha256" and existing is None:
            existing = value
        if lowered not in _REPLACED:
            headers[name] = value

    digest, body = choose_payload_hash(
        request.body, payload_hash=payload_hash, payload_signing=payload_signing, existing=existing,
        content_sha256_header=content_sha256_header, allow_unsigned_stream=allow_unsigned_stream,
    )
    # The CRT sends the hash whenever it was not computed here from the body.
    hashed_here = payload_hash is None and payload_signing and (existing is None or content_sha256_header)
    if content_sha256_header or not hashed_here or digest == UNSIGNED_PAYLOAD:
        headers["X-Amz-Content-SHA256"] = digest
    if token:
        headers["X-Amz-Security-Token"] = token
    headers["X-Amz-Date"] = amz_date
    headers["X-Amz-Region-Set"] = region_set_value(region_set)

    details = _signature(
        method=request.method, url=request.url, headers=headers, payload_hash=digest,
        access_key=access_key, secret_key=secret_key, service=service, amz_date=amz_date,
        double_uri_encode=double_uri_encode, normalize_path=normalize_path,
        unsigned_headers=unsigned_headers, key_cache=key_cache, needed_by=needed_by,
    )
    if on_details is not None:
        on_details(details)
    headers["Authorization"] = (
        f"{ALGORITHM_V4A} Credential={access_key}/{details.credential_scope}, "
        f"SignedHeaders={details.signed_headers}, Signature={details.signature}"
    )
    return request.replace(headers=headers, body=body)


def presign_v4a_query(
    request: HttpRequest,
    *,
    access_key: str,
    secret_key: str,
    token: str | None = None,
    region_set: str | Sequence[str],
    service: str,
    timestamp: datetime,
    expires: int = 3600,
    double_uri_encode: bool = True,
    normalize_path: bool = True,
    unsigned_payload: bool = False,
    unsigned_headers: frozenset[str] = DEFAULT_UNSIGNED_HEADERS,
    key_cache: SigV4aKeyCache | None = None,
    on_details: Callable[[SigV4Details], None] | None = None,
    needed_by: str | None = None,
) -> HttpRequest:
    """A copy of ``request`` whose URL carries a SigV4a query-string signature:
    ``<operation params>&X-Amz-Algorithm&X-Amz-Credential&X-Amz-Date&X-Amz-SignedHeaders
    &X-Amz-Expires[&X-Amz-Security-Token]&X-Amz-Region-Set&X-Amz-Signature`` (the CRT's
    order). Body parameters move into the query as for ``presign_v4_query``; S3 passes
    ``unsigned_payload=True`` and no path normalisation or double encoding."""
    amz_date = _amz_date(timestamp)
    headers = _without(request.headers, "Authorization", "X-Amz-Date", "X-Amz-Security-Token",
                       "X-Amz-Content-SHA256", "X-Amz-Region-Set")
    headers, parts, operation, body, signed_headers = presign_query_parts(
        request, headers, unsigned_headers)
    auth_params = [
        ("X-Amz-Algorithm", ALGORITHM_V4A),
        ("X-Amz-Credential", f"{access_key}/{amz_date[:8]}/{service}/aws4_request"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-SignedHeaders", signed_headers),
        ("X-Amz-Expires", str(int(expires))),
    ]
    if token:
        auth_params.append(("X-Amz-Security-Token", token))
    auth_params.append(("X-Amz-Region-Set", region_set_value(region_set)))
    query, url = presign_query(parts, operation, auth_params)

    if unsigned_payload:
        digest = UNSIGNED_PAYLOAD
    else:
        digest, body = hash_payload(body)

    details = _signature(
        method=request.method, url=url, headers=headers, payload_hash=digest,
        access_key=access_key, secret_key=secret_key, service=service, amz_date=amz_date,
        double_uri_encode=double_uri_encode, normalize_path=normalize_path,
        unsigned_headers=unsigned_headers, key_cache=key_cache, needed_by=needed_by,
    )
    if on_details is not None:
        on_details(details)
    signed_url = urlunsplit((parts.scheme, parts.netloc, parts.path,
                             f"{query}&X-Amz-Signature={details.signature}", parts.fragment))
    return request.replace(url=signed_url, headers=headers, body=body)
