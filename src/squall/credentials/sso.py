"""``sso``: IAM Identity Center role credentials from the AWS CLI's SSO login.

A profile uses SSO when it has ``sso_account_id``/``sso_role_name``; the start URL and
region come from the profile (legacy) or its ``[sso-session NAME]``. The access token is
read from ``~/.aws/sso/cache`` (written by ``aws sso login``). An sso-session token
within 15 minutes of expiry is refreshed through SSO-OIDC ``CreateToken`` and written
back; a legacy token is never refreshed. Then SSO ``GetRoleCredentials`` (unsigned) gives
the role's keys, which are cached in ``~/.aws/cli/cache`` like the CLI does.

The same token, loaded and refreshed by the same code, is what bearer-auth services
(CodeCatalyst) send: ``resolve_sso_session`` and ``load_sso_token_entry`` serve
``squall.credentials.tokens``.
"""
from __future__ import annotations

import logging
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from datetime import datetime
from typing import Any, Mapping, Protocol

from ..config.profiles import Section
from ..exceptions import ClientError, CredentialRetrievalError, InvalidConfigError
from ._common import Found, ProfileView, Skipped, after, format_time, parse_time, seconds_left
from ._effects import CallService, Flow, Now
from ._errors import SSOTokenLoadError, TokenRetrievalError, UnauthorizedSSOTokenError
from ._sts import CACHE_EXPIRY_WINDOW_SECONDS
from ._values import Credentials
from .cache import (
    entry_path, load_entry, save_entry, sso_credentials_cache_key, sso_token_cache_key,
)
from .refreshable import RefreshableCredentials

__all__ = [
    "SSOProvider", "load_sso_token", "load_sso_token_entry", "SSOConfig", "SSOSessionConfig",
    "resolve_sso_session",
]

logger = logging.getLogger("squall.credentials")

TOKEN_REFRESH_WINDOW_SECONDS = 15 * 60
_PROFILE_KEYS = ("sso_role_name", "sso_account_id")
_SESSION_KEYS = ("sso_start_url", "sso_region")


@dataclass(frozen=True, slots=True, kw_only=True)
class SSOConfig:
    profile_name: str
    start_url: str
    region: str
    role_name: str
    account_id: str
    session_name: str | None
    sources: Mapping[str, str]


class _TokenConfig(Protocol):
    """What loading a cached token needs (both config kinds have it)."""

    @property
    def profile_name(self) -> str: ...
    @property
    def start_url(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def session_name(self) -> str | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SSOSessionConfig:
    """A profile's ``[sso-session NAME]``: all the SSO token provider needs (no account or role)."""

    profile_name: str
    session_name: str
    start_url: str
    region: str
    sources: Mapping[str, str]


def resolve_sso_session(
    profile: ProfileView, sso_sessions: Mapping[str, Section],
) -> SSOSessionConfig | Skipped:
    """The profile's sso-session for bearer tokens (botocore's SSOTokenProvider: only
    ``sso_session`` profiles; a legacy ``sso_start_url`` gives no token), or why not."""
    name = profile.get("sso_session")
    if name is None:
        return Skipped(f"profile {profile.name} has no sso_session")
    session = sso_sessions.get(name)
    if session is None:
        raise InvalidConfigError(error_msg=(
            f'The profile "{profile.name}" is configured to use the SSO token provider but the '
            f'"{name}" sso_session configuration does not exist.'
        ))
    missing = [key for key in _SESSION_KEYS if session.get(key) is None]
    if missing:
        raise InvalidConfigError(error_msg=(
            f'The profile "{profile.name}" is configured to use the SSO token provider but is '
            f"missing the following configuration: {missing}."
        ))
    sources = {key: located.source for key, located in session.values.items()}
    sources["sso_session"] = profile.source("sso_session")
    return SSOSessionConfig(
        profile_name=profile.name, session_name=name, start_url=session.values["sso_start_url"].value,
        region=session.values["sso_region"].value, sources=sources,
    )


def _login_hint(profile: str) -> str:
    return f"run: aws sso login --profile {profile}"


def resolve_sso_config(
    profile: ProfileView, sso_sessions: Mapping[str, Section],
) -> SSOConfig | Skipped:
    """The profile's SSO settings (with where each came from), or why it is not an SSO profile."""
    if not any(key in profile for key in _PROFILE_KEYS):
        has = [k for k in ("sso_start_url", "sso_session") if k in profile]
        if has:
            return Skipped(f"profile {profile.name} has {' and '.join(has)} but no sso_account_id or sso_role_name")
        return Skipped(f"profile {profile.name} has no sso_start_url or sso_session")
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    if profile.section is not None:
        for key, located in profile.section.values.items():
            values[key] = located.value
            sources[key] = located.source
    required: tuple[str, ...] = _PROFILE_KEYS + _SESSION_KEYS
    session_name = values.get("sso_session")
    if session_name is not None:
        session = sso_sessions.get(session_name)
        if session is None:
            raise InvalidConfigError(error_msg=f'The specified sso-session does not exist: "{session_name}"')
        for key, located in session.values.items():
            if values.get(key, located.value) != located.value:
                raise InvalidConfigError(error_msg=(
                    f"The value for {key} is inconsistent between profile ({values[key]}) and "
                    f"sso-session ({located.value})."
                ))
            values[key] = located.value
            sources[key] = located.source
        required += ("sso_session",)
    missing = [key for key in required if key not in values]
    if missing:
        raise InvalidConfigError(error_msg=(
            f'The profile "{profile.name}" is configured to use SSO but is missing required '
            f"configuration: {', '.join(missing)}"
        ))
    return SSOConfig(
        profile_name=profile.name, start_url=values["sso_start_url"], region=values["sso_region"],
        role_name=values["sso_role_name"], account_id=values["sso_account_id"],
        session_name=session_name, sources=sources,
    )


def _refresh_token(token: Mapping[str, Any], config: _TokenConfig, now: Any) -> Flow[dict[str, Any] | None]:
    missing = [k for k in ("refreshToken", "clientId", "clientSecret", "registrationExpiresAt") if k not in token]
    if missing:
        logger.info("Unable to refresh SSO token: missing keys: %s", missing)
        return None
    try:
        if seconds_left(token["registrationExpiresAt"], now) <= 0:
            logger.info("SSO token registration expired at %s", token["registrationExpiresAt"])
            return None
    except ValueError:
        return None
    try:
        response = yield CallService("sso-oidc", "CreateToken", {
            "grantType": "refresh_token", "clientId": token["clientId"],
            "clientSecret": token["clientSecret"], "refreshToken": token["refreshToken"],
        }, config.region)
    except ClientError as exc:
        logger.warning("SSO token refresh attempt failed: %s", exc)
        return None
    fresh: dict[str, Any] = {
        "startUrl": config.start_url,
        "region": config.region,
        "accessToken": response["accessToken"],
        "expiresAt": format_time(after(now, response["expiresIn"])),
        "clientId": token["clientId"],
        "clientSecret": token["clientSecret"],
        "registrationExpiresAt": token["registrationExpiresAt"],
    }
    if "refreshToken" in response:
        fresh["refreshToken"] = response["refreshToken"]
    logger.info("SSO Token refresh succeeded")
    return fresh


def load_sso_token(config: _TokenConfig, token_dir: str) -> Flow[str]:
    """The SSO access token from the CLI's cache, refreshed first when it is an
    sso-session token close to expiry. Errors say which ``aws sso login`` to run."""
    token, _ = yield from load_sso_token_entry(config, token_dir)
    return token


def load_sso_token_entry(config: _TokenConfig, token_dir: str) -> Flow[tuple[str, datetime]]:
    """``load_sso_token`` with the token's expiry (bearer tokens refresh by it)."""
    key = sso_token_cache_key(config.start_url, config.session_name)
    path = entry_path(token_dir, key)
    token = yield from load_entry(token_dir, key)
    name = config.session_name if config.session_name is not None else config.start_url
    if token is None:
        raise SSOTokenLoadError(error_msg=(
            f"Token for {name} does not exist ({path}); {_login_hint(config.profile_name)}"
        ))
    if "accessToken" not in token or "expiresAt" not in token:
        raise SSOTokenLoadError(error_msg=(
            f"Token for {config.start_url} is invalid ({path}); {_login_hint(config.profile_name)}"
        ))
    now = yield Now()
    remaining = seconds_left(token["expiresAt"], now)
    if config.session_name is None:
        if remaining <= 0:  # a legacy token cannot be refreshed
            raise UnauthorizedSSOTokenError(profile=config.profile_name)
        return str(token["accessToken"]), parse_time(token["expiresAt"])
    if remaining < TOKEN_REFRESH_WINDOW_SECONDS:
        fresh = yield from _refresh_token(token, config, now)
        if fresh is not None:
            token = fresh
            yield from save_entry(token_dir, key, token)
            remaining = seconds_left(token["expiresAt"], now)
    if remaining <= 0:
        raise TokenRetrievalError(provider="sso", error_msg=(
            f"Token has expired and refresh failed; {_login_hint(config.profile_name)}"
        ))
    return str(token["accessToken"]), parse_time(token["expiresAt"])


@dataclass(frozen=True, slots=True, repr=False)
class SSOProvider:
    profile: ProfileView
    sso_sessions: Mapping[str, Section]
    token_dir: str
    cache_dir: str | None = None
    method: str = "sso"

    def load(self) -> Found | Skipped:
        config = resolve_sso_config(self.profile, self.sso_sessions)
        if isinstance(config, Skipped):
            return config
        where = config.sources.get("sso_start_url", "")
        source = (f"SSO GetRoleCredentials account {config.account_id} role {config.role_name} "
                  f"(sso_start_url: {where})")
        return RefreshableCredentials(method=self.method, refresh=lambda: self._fetch(config, source), source=source)

    def _fetch(self, config: SSOConfig, source: str) -> Flow[Credentials]:
        now = yield Now()
        key = sso_credentials_cache_key(
            role_name=config.role_name, account_id=config.account_id, start_url=config.start_url,
            session_name=config.session_name,
        )
        cached = None
        if self.cache_dir is not None:
            cached = yield from load_entry(self.cache_dir, key)
            try:
                if cached is not None and seconds_left(cached["Credentials"]["Expiration"], now) < CACHE_EXPIRY_WINDOW_SECONDS:
                    cached = None
            except (KeyError, TypeError, ValueError):
                cached = None
        if cached is None:
            access_token = yield from load_sso_token(config, self.token_dir)
            try:
                response = yield CallService("sso", "GetRoleCredentials", {
                    "roleName": config.role_name, "accountId": config.account_id, "accessToken": access_token,
                }, config.region)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "UnauthorizedException":
                    raise UnauthorizedSSOTokenError(profile=config.profile_name) from exc
                raise
            role = response["roleCredentials"]
            cached = {
                "ProviderType": "sso",
                "Credentials": {
                    "AccessKeyId": role["accessKeyId"],
                    "SecretAccessKey": role["secretAccessKey"],
                    "SessionToken": role["sessionToken"],
                    "Expiration": format_time(parse_time(role["expiration"] / 1000.0)),
                    "AccountId": config.account_id,
                },
            }
            if self.cache_dir is not None:
                yield from save_entry(self.cache_dir, key, cached)
        try:
            creds = cached["Credentials"]
            return Credentials(
                access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                token=creds["SessionToken"], expiry=parse_time(creds["Expiration"]),
                account_id=creds.get("AccountId"), method=self.method, source=source,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CredentialRetrievalError(provider=self.method, error_msg=f"bad SSO credentials: missing {exc}") from None

    def __repr__(self) -> str:
        return f"SSOProvider(profile={self.profile.name!r})"
