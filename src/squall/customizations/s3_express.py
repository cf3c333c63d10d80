"""S3 Express One Zone session auth, as botocore's S3ExpressIdentityCache/Resolver.

When the endpoint rule set answers with the ``sigv4-s3express`` auth scheme (directory
buckets, ``name--usw2-az1--x-s3``), a request is signed with session credentials that
``CreateSession`` returns for the bucket (asked with the client's own credentials), and
the session token travels as ``x-amz-s3session-token`` instead of
``X-Amz-Security-Token``. Sessions are cached per client, per bucket (and base access
key), and renewed 45 seconds before they expire (botocore's advisory refresh; until 10
seconds before expiry a failed renewal keeps the old session). The
``s3_disable_express_session_auth`` setting makes the rule set choose plain SigV4
(signing name ``s3express``) instead.

The cache is pure bookkeeping: the call flow performs ``CreateSession`` itself.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # datetime loads with the first session stored, not with every S3 client
    from datetime import datetime

__all__ = [
    "ExpressCredentials", "ExpressSessionCache", "EXPRESS_SCHEME", "SESSION_TOKEN_HEADER",
    "express_scheme",
]

EXPRESS_SCHEME = "sigv4-s3express"
SESSION_TOKEN_HEADER = "x-amz-s3session-token"
ADVISORY_REFRESH_SECONDS = 45.0
MANDATORY_REFRESH_SECONDS = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpressCredentials:
    access_key: str
    secret_key: str
    token: str
    expiry: datetime

    def __repr__(self) -> str:  # never show the secret or the token
        return f"ExpressCredentials(access_key={self.access_key!r}, expiry={self.expiry.isoformat()})"


def express_scheme(properties: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The endpoint's ``sigv4-s3express`` auth scheme if it is the one to use."""
    for scheme in properties.get("authSchemes", ()):
        name = scheme.get("name")
        if name == EXPRESS_SCHEME:
            return scheme  # type: ignore[no-any-return]
        if name == "sigv4":
            return None
    return None


def _aware(value: Any) -> datetime:
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    text = str(value).replace("Z", "+00:00")
    return _aware(datetime.fromisoformat(text))


class ExpressSessionCache:
    """(bucket, base access key) -> session credentials; LRU of 100 as botocore's."""

    def __init__(self, max_size: int = 100) -> None:
        self._sessions: OrderedDict[tuple[str, str], ExpressCredentials] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_size

    def lookup(self, bucket: str, base_key: str, now: datetime) -> tuple[ExpressCredentials | None, bool]:
        """(cached session or None, whether to ask for a new one now)."""
        found = self._sessions.get((bucket, base_key))
        if found is None:
            return None, True
        left = (found.expiry - now).total_seconds()
        if left <= MANDATORY_REFRESH_SECONDS:
            return None, True
        return found, left <= ADVISORY_REFRESH_SECONDS

    def store(self, bucket: str, base_key: str, credentials: Mapping[str, Any]) -> ExpressCredentials:
        """Remember ``CreateSession``'s ``Credentials`` member for the bucket."""
        session = ExpressCredentials(
            access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
            token=credentials["SessionToken"], expiry=_aware(credentials["Expiration"]),
        )
        with self._lock:
            self._sessions[(bucket, base_key)] = session
            self._sessions.move_to_end((bucket, base_key))
            while len(self._sessions) > self._max:
                self._sessions.popitem(last=False)
        return session

    def __len__(self) -> int:
        return len(self._sessions)
