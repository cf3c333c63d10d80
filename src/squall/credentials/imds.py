"""Instance metadata (IMDS): the ``iam-role`` provider and the instance's region.

As botocore: PUT ``latest/api/token`` (IMDSv2); a 403/404/405 or a read timeout there
falls back to IMDSv1 (plain GETs) unless ``ec2_metadata_v1_disabled``; a 400 gives up.
GETs are retried ``metadata_service_num_attempts`` times on connection errors, non-200
answers, empty bodies and (for the credentials document) invalid JSON. A failure to
reach IMDS is not an error: the provider is skipped with the reason.
Credentials about to expire when fetched have their expiry extended by the refresh
window plus 2-10 minutes of jitter (botocore's static-stability rule), so a host whose
IMDS is briefly unavailable keeps working.
"""
from __future__ import annotations

import json
import logging
import random
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from datetime import datetime, timedelta
from typing import Callable, Mapping
from urllib.parse import urlparse

from ..exceptions import CredentialRetrievalError, ReadTimeoutError, SquallError
from ..http import HttpRequest, HttpResponse
from ._common import Found, Skipped, parse_time
from ._effects import Fetch, Flow, Now
from ._errors import InvalidIMDSEndpointError, InvalidIMDSEndpointModeError, MetadataRetrievalError
from ._values import Credentials
from .refreshable import ADVISORY_REFRESH_SECONDS, RefreshableCredentials

__all__ = [
    "ImdsConfig", "InstanceMetadataProvider", "fetch_region", "imds_endpoint_mode",
    "METADATA_BASE_URL", "METADATA_BASE_URL_IPV6",
]

logger = logging.getLogger("squall.credentials")

METADATA_BASE_URL = "http://169.254.169.254/"
METADATA_BASE_URL_IPV6 = "http://[fd00:ec2::254]/"
ENDPOINT_MODES = ("ipv4", "ipv6")
_TOKEN_PATH = "latest/api/token"
_TOKEN_TTL = "21600"
_CREDENTIALS_PATH = "latest/meta-data/iam/security-credentials/"
_REGION_PATH = "latest/meta-data/placement/availability-zone/"
_REQUIRED = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")


def imds_endpoint_mode(mode: str | None, use_ipv6: bool) -> str:
    """``ec2_metadata_service_endpoint_mode`` wins over ``imds_use_ipv6``."""
    if mode is not None:
        if mode.lower() not in ENDPOINT_MODES:
            raise InvalidIMDSEndpointModeError(mode=mode, valid_modes=ENDPOINT_MODES)
        return mode.lower()
    return "ipv6" if use_ipv6 else "ipv4"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImdsConfig:
    """The settings that say how to reach IMDS, each with where it came from."""

    disabled: bool = False
    endpoint: str | None = None  # ec2_metadata_service_endpoint
    endpoint_mode: str = "ipv4"
    v1_disabled: bool = False
    timeout: float = 1.0
    num_attempts: int = 1
    user_agent: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        if self.endpoint:
            chosen = self.endpoint  # a custom endpoint beats the IPv6 mode, as in botocore
        elif self.endpoint_mode == "ipv6":
            chosen = METADATA_BASE_URL_IPV6
        else:
            chosen = METADATA_BASE_URL
        parsed = urlparse(chosen)
        if not parsed.scheme or not parsed.netloc:
            raise InvalidIMDSEndpointError(endpoint=chosen)
        return chosen

    def url(self, path: str) -> str:
        base = self.base_url
        return base + path if base.endswith("/") else f"{base}/{path}"

    def headers(self, extra: Mapping[str, str]) -> dict[str, str]:
        headers = dict(extra)
        if self.user_agent:
            headers["User-Agent"] = self.user_agent
        return headers


class _GaveUp(Exception):
    """IMDS could not be reached or kept answering badly (botocore's retries-exceeded)."""


def _fetch_token(config: ImdsConfig) -> Flow[str | None]:
    request = HttpRequest(
        method="PUT", url=config.url(_TOKEN_PATH),
        headers=config.headers({"x-aws-ec2-metadata-token-ttl-seconds": _TOKEN_TTL}),
    )
    for _ in range(config.num_attempts):
        try:
            response: HttpResponse = yield Fetch(request, config.timeout, env_proxies=True)
        except ReadTimeoutError:
            return None  # an IMDS that does not answer the PUT: try v1
        except SquallError as exc:
            logger.debug("IMDS token request to %s failed: %s", request.url, exc)
            continue
        if response.status_code == 200:
            return response.body.decode("utf-8")
        if response.status_code in (403, 404, 405):
            return None
        if response.status_code == 400:
            raise _GaveUp(f"IMDS rejected the token request (400) at {request.url}")
    return None


def _get(
    config: ImdsConfig, path: str, token: str | None, needs_retry: Callable[[HttpResponse], bool],
) -> Flow[HttpResponse]:
    if token is None and config.v1_disabled:
        raise MetadataRetrievalError(
            error_msg="Unable to retrieve token for use in IMDSv2 call and IMDSv1 has been disabled"
        )
    headers = {"x-aws-ec2-metadata-token": token} if token is not None else {}
    request = HttpRequest(method="GET", url=config.url(path), headers=config.headers(headers))
    last = "no attempt made"
    for _ in range(config.num_attempts):
        try:
            response: HttpResponse = yield Fetch(request, config.timeout, env_proxies=True)
        except SquallError as exc:
            last = str(exc)
            continue
        if not needs_retry(response):
            return response
        last = f"status {response.status_code}" + ("" if response.body else ", empty body")
    attempts = config.num_attempts
    raise _GaveUp(f"no answer from {request.url} after {attempts} attempt{'s' * (attempts != 1)} ({last})")


def _bad(response: HttpResponse) -> bool:
    return response.status_code != 200 or not response.body


def _bad_json(response: HttpResponse) -> bool:
    if _bad(response):
        return True
    try:
        json.loads(response.body.decode("utf-8"))
        return False
    except ValueError:
        return True


def _extend_if_expiring(expiry: datetime, now: datetime, window: float, jitter: int) -> datetime:
    offset = timedelta(seconds=window + jitter)
    if now >= expiry - offset:
        logger.info(
            "Attempting credential expiration extension due to a credential service availability "
            "issue. A refresh of these credentials will be attempted again within the next %.0f minutes.",
            (window + jitter) / 60,
        )
        return now + offset
    return expiry


@dataclass(frozen=True, slots=True, repr=False)
class InstanceMetadataProvider:
    config: ImdsConfig
    method: str = "iam-role"
    canonical_name: str = "Ec2InstanceMetadata"
    refresh_window: float = ADVISORY_REFRESH_SECONDS
    jitter: Callable[[], int] = lambda: random.randint(120, 600)  # noqa: E731

    def load(self) -> Flow[Found | Skipped]:
        if self.config.disabled:
            return Skipped("disabled by AWS_EC2_METADATA_DISABLED")
        found = yield from self._fetch()
        if isinstance(found, Skipped):
            return found
        logger.info("Found credentials from IAM Role: %s", found.source.rsplit(" ", 1)[-1])
        return RefreshableCredentials(
            method=self.method, current=found, source=found.source, refresh=self._refresh,
        )

    def _refresh(self) -> Flow[Credentials]:
        found = yield from self._fetch()
        if isinstance(found, Skipped):
            raise CredentialRetrievalError(provider=self.method, error_msg=found.reason)
        return found

    def _fetch(self) -> Flow[Credentials | Skipped]:
        config = self.config
        try:
            token = yield from _fetch_token(config)
            role = (yield from _get(config, _CREDENTIALS_PATH, token, _bad)).body.decode("utf-8")
            response = yield from _get(config, _CREDENTIALS_PATH + role, token, _bad_json)
        except _GaveUp as exc:
            return Skipped(str(exc))
        data = json.loads(response.body.decode("utf-8"))
        if not isinstance(data, dict) or any(k not in data for k in _REQUIRED):
            if isinstance(data, dict) and "Code" in data:
                return Skipped(f"IMDS answered for role {role}: {data.get('Code')}: {data.get('Message')}")
            return Skipped(f"IMDS credentials for role {role} lack one of {', '.join(_REQUIRED)}")
        now = yield Now()
        expiry = parse_time(data["Expiration"])
        expiry = _extend_if_expiring(expiry, now, self.refresh_window, self.jitter())
        version = "IMDSv2" if token is not None else "IMDSv1"
        return Credentials(
            access_key=data["AccessKeyId"], secret_key=data["SecretAccessKey"], token=data["Token"],
            expiry=expiry, method=self.method,
            source=f"{version} {config.base_url} ({config.sources.get('endpoint', 'default endpoint')}) role {role}",
        )

    def __repr__(self) -> str:
        return "InstanceMetadataProvider()"


def fetch_region(config: ImdsConfig) -> Flow[str | None]:
    """The instance's region (its availability zone minus the letter), or None."""
    if config.disabled:
        return None
    try:
        token = yield from _fetch_token(config)
        response = yield from _get(config, _REGION_PATH, token, _bad)
    except _GaveUp:
        return None
    zone = response.body.decode("utf-8")
    return zone[:-1] or None
