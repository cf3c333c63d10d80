"""Request signing: SigV4 and SigV4a (headers and presigned query strings), bearer tokens.

Everything here is pure: the caller supplies credentials and the signing time.
"""
from ._bearer import sign_bearer
from ._keys import SigningKeyCache, derive_signing_key
from ._sigv4 import (
    ALGORITHM,
    DEFAULT_UNSIGNED_HEADERS,
    EMPTY_SHA256_HASH,
    STREAMING_UNSIGNED_PAYLOAD_TRAILER,
    UNSIGNED_PAYLOAD,
    SigV4Details,
    canonical_path,
    canonical_query_string,
    hash_payload,
    host_from_url,
    presign_v4_query,
    sign_v4,
)
from ._sigv4a import (
    ALGORITHM_V4A,
    SigV4aKeyCache,
    derive_sigv4a_private_key,
    presign_v4a_query,
    sign_v4a,
    sigv4a_available,
    sigv4a_public_key,
)

__all__ = [
    "sign_v4", "presign_v4_query", "sign_bearer", "SigV4Details", "SigningKeyCache",
    "derive_signing_key", "hash_payload", "host_from_url", "canonical_path",
    "canonical_query_string", "ALGORITHM", "DEFAULT_UNSIGNED_HEADERS", "EMPTY_SHA256_HASH",
    "UNSIGNED_PAYLOAD", "STREAMING_UNSIGNED_PAYLOAD_TRAILER",
    "sign_v4a", "presign_v4a_query", "SigV4aKeyCache", "derive_sigv4a_private_key",
    "sigv4a_public_key", "sigv4a_available", "ALGORITHM_V4A",
]
