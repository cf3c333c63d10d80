"""Container credentials: ECS task roles and EKS Pod Identity.

``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` is fetched from ``http://169.254.170.2``;
``AWS_CONTAINER_CREDENTIALS_FULL_URI`` from any https URL, a loopback address, or one of
botocore's allowed hosts. ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`` (read on every
fetch, so a rotated token is picked up) or ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` becomes
the ``Authorization`` header. Each fetch tries 3 times, 1 second apart, 2 seconds each.
"""
from __future__ import annotations

import ipaddress
import json
import logging
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Mapping
from urllib.parse import urlparse

from ..exceptions import CredentialRetrievalError, SquallError
from ..http import HttpRequest, HttpResponse
from ._common import Found, Skipped, parse_time
from ._effects import Fetch, Flow, ReadFile, Sleep
from ._errors import ContainerHostNotAllowedError, MetadataRetrievalError
from ._values import Credentials
from .refreshable import RefreshableCredentials

__all__ = ["ContainerProvider", "CONTAINER_IP", "ALLOWED_HOSTS"]

logger = logging.getLogger("squall.credentials")

CONTAINER_IP = "169.254.170.2"
ALLOWED_HOSTS = (CONTAINER_IP, "169.254.170.23", "fd00:ec2::23", "localhost")
TIMEOUT_SECONDS = 2.0
RETRY_ATTEMPTS = 3
SLEEP_SECONDS = 1.0

RELATIVE = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
FULL = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_full_uri(url: str) -> None:
    """botocore's rule: https anywhere; plain http only to loopback or the allowed hosts."""
    parsed = urlparse(url)
    if parsed.scheme == "https" or _is_loopback(parsed.hostname) or parsed.hostname in ALLOWED_HOSTS:
        return
    raise ContainerHostNotAllowedError(
        provider="container-role",
        error_msg=(
            f"Unsupported host '{parsed.hostname}' in {FULL}. Can only retrieve metadata from a "
            f"loopback address or one of these hosts: {', '.join(ALLOWED_HOSTS)}"
        ),
    )


@dataclass(frozen=True, slots=True, repr=False)
class ContainerProvider:
    env: Mapping[str, str]
    method: str = "container-role"
    canonical_name: str = "EcsContainer"
    sleep_seconds: float = SLEEP_SECONDS

    def load(self) -> Flow[Found | Skipped]:
        env = self.env
        if RELATIVE in env:
            url, where = f"http://{CONTAINER_IP}{env[RELATIVE]}", RELATIVE
        elif FULL in env:
            url, where = env[FULL], FULL
        else:
            return Skipped(f"{RELATIVE} and {FULL} not set")
        creds = yield from self._fetch(url, where)
        return RefreshableCredentials(
            method=self.method, current=creds, source=creds.source,
            refresh=lambda: self._fetch(url, where),
        )

    def _fetch(self, url: str, where: str) -> Flow[Credentials]:
        if where == FULL:
            check_full_uri(url)
        headers = {"Accept": "application/json"}
        token = yield from self._auth_token()
        if token is not None:
            headers["Authorization"] = token
        request = HttpRequest(method="GET", url=url, headers=headers)
        data = yield from self._retrieve(request)
        try:
            return Credentials(
                access_key=data["AccessKeyId"], secret_key=data["SecretAccessKey"],
                token=data["Token"], expiry=parse_time(data["Expiration"]),
                account_id=data.get("AccountId"), method=self.method,
                source=f"GET {url} ({where})",
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CredentialRetrievalError(
                provider=self.method, error_msg=f"the response from {url} lacks a valid {exc}",
            ) from None

    def _auth_token(self) -> Flow[str | None]:
        env = self.env
        token: str | None = None
        if TOKEN_FILE in env:
            try:
                token = yield ReadFile(env[TOKEN_FILE])
            except OSError as exc:
                raise CredentialRetrievalError(
                    provider=self.method, error_msg=f"cannot read {TOKEN_FILE} {env[TOKEN_FILE]}: {exc}",
                ) from None
        elif TOKEN in env:
            token = env[TOKEN]
        if token is not None and ("\r" in token or "\n" in token):
            raise CredentialRetrievalError(
                provider=self.method, error_msg="the authorization token is not a legal header value",
            )
        return token

    def _retrieve(self, request: HttpRequest) -> Flow[dict[str, Any]]:
        last: str = ""
        for attempt in range(RETRY_ATTEMPTS):
            if attempt:
                yield Sleep(self.sleep_seconds)
            try:
                response: HttpResponse = yield Fetch(request, TIMEOUT_SECONDS)
                return _json_body(response)
            except (MetadataRetrievalError, SquallError) as exc:
                last = str(exc)
                logger.debug("Container credentials attempt %d failed: %s", attempt + 1, last)
        raise CredentialRetrievalError(provider=self.method, error_msg=last)

    def __repr__(self) -> str:
        return "ContainerProvider()"


def _json_body(response: HttpResponse) -> dict[str, Any]:
    text = response.body.decode("utf-8", "replace")
    if response.status_code != 200:
        raise MetadataRetrievalError(
            error_msg=f"Received non 200 response {response.status_code} from container metadata: {text[:200]}"
        )
    try:
        value = json.loads(text)
    except ValueError:
        raise MetadataRetrievalError(
            error_msg="Unable to parse JSON returned from container metadata services"
        ) from None
    if not isinstance(value, dict):
        raise MetadataRetrievalError(error_msg="container metadata returned JSON that is not an object")
    return value
