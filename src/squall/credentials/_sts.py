"""One STS role call (AssumeRole or AssumeRoleWithWebIdentity) behind the AWS CLI's cache."""
from __future__ import annotations

import logging
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Callable, Mapping

from ..exceptions import CredentialRetrievalError
from ._common import parse_time, seconds_left
from ._effects import CallService, Flow, Now
from ._values import Credentials, ReadOnlyCredentials
from .cache import assume_role_cache_key, load_entry, save_entry

__all__ = ["StsRoleCall", "CACHE_EXPIRY_WINDOW_SECONDS"]

logger = logging.getLogger("squall.credentials")

# A cached entry is used only while more than this is left (botocore's fetchers).
CACHE_EXPIRY_WINDOW_SECONDS = 15 * 60


def _account_from_arn(arn: Any) -> str | None:
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":", 5)
        if len(parts) == 6 and parts[4]:
            return parts[4]
    return None


def _no_extra() -> Flow[dict[str, Any]]:
    return {}
    yield  # pragma: no cover


def _unsigned() -> Flow[ReadOnlyCredentials | None]:
    return None
    yield  # pragma: no cover


@dataclass(frozen=True, slots=True, kw_only=True)
class StsRoleCall:
    """The fixed arguments of one role; ``fetch()`` gives fresh (or cached) credentials.

    ``extra`` adds per-call arguments that are not part of the cache key (TokenCode,
    WebIdentityToken); ``caller`` gives the credentials that sign the call (None: unsigned).
    """

    operation: str
    kwargs: Mapping[str, Any]
    method: str
    source: str
    region: str | None = None
    cache_dir: str | None = None
    extra: Callable[[], Flow[dict[str, Any]]] = field(default=_no_extra)
    caller: Callable[[], Flow[ReadOnlyCredentials | None]] = field(default=_unsigned)

    @property
    def generated_session_name(self) -> bool:
        return not self.kwargs.get("RoleSessionName")

    def cache_key(self) -> str:
        return assume_role_cache_key(self.kwargs, generated_session_name=self.generated_session_name)

    def fetch(self) -> Flow[Credentials]:
        now = yield Now()
        response: dict[str, Any] | None = None
        key = self.cache_key()
        if self.cache_dir is not None:
            cached = yield from load_entry(self.cache_dir, key)
            try:
                if cached is not None and seconds_left(cached["Credentials"]["Expiration"], now) >= CACHE_EXPIRY_WINDOW_SECONDS:
                    logger.debug("Credentials for role %s retrieved from cache", self.kwargs.get("RoleArn"))
                    response = cached
            except (KeyError, TypeError, ValueError):
                response = None
        if response is None:
            params = dict(self.kwargs)
            if self.generated_session_name:
                params["RoleSessionName"] = f"botocore-session-{int(now.timestamp())}"
            params.update((yield from self.extra()))
            credentials = yield from self.caller()
            response = yield CallService("sts", self.operation, params, self.region, credentials)
            account = _account_from_arn((response.get("AssumedRoleUser") or {}).get("Arn"))
            if account is not None:
                response["Credentials"]["AccountId"] = account
            if self.cache_dir is not None:
                yield from save_entry(self.cache_dir, key, response)
        try:
            creds = response["Credentials"]
            return Credentials(
                access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                token=creds["SessionToken"], expiry=parse_time(creds["Expiration"]),
                account_id=creds.get("AccountId"), method=self.method, source=self.source,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CredentialRetrievalError(
                provider=self.method, error_msg=f"{self.operation} response lacks a valid {exc}",
            ) from None
