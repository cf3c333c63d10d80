"""Bearer tokens (``smithy.api#httpBearerAuth``): values, providers and refresh.

The providers, in botocore's order (``botocore.tokens.create_token_resolver``):

    env  ``AWS_BEARER_TOKEN_<SIGNING NAME>`` (``AWS_BEARER_TOKEN_BEDROCK``: a Bedrock API
         key), looked up for the service being called
    sso  the profile's ``sso_session``: the AWS CLI's cached token (``aws sso login``),
         refreshed through SSO-OIDC ``CreateToken``, by the code the SSO credential
         provider uses (``credentials.sso``)

A Session has one ``TokenResolver``: the SSO token is resolved once and shared by its
clients; it refreshes single-flight with botocore's windows (15 minutes before expiry a
caller tries, 10 minutes before every caller waits) and at most once a minute. Loading
is pure; fetching and refreshing are flows (``_effects``) the Session's driver runs.
Which calls sign with a token is decided by ``squall.runtime._auth_schemes``.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple

from ..exceptions import NoAuthTokenError
from ._common import ProfileView, Skipped
from ._effects import Flow
from ._errors import TokenRetrievalError

if TYPE_CHECKING:
    from ..config.profiles import Section

__all__ = [
    "FrozenAuthToken", "RefreshableToken", "EnvTokenProvider", "SSOTokenProvider", "TokenResolver",
    "env_token_variable", "ADVISORY_REFRESH_SECONDS", "MANDATORY_REFRESH_SECONDS",
]

logger = logging.getLogger("squall.credentials")

ADVISORY_REFRESH_SECONDS = 15 * 60
MANDATORY_REFRESH_SECONDS = 10 * 60
RETRY_REFRESH_SECONDS = 60  # botocore: at most one refresh attempt a minute


class FrozenAuthToken(NamedTuple):
    """One token and its expiry (botocore's name and fields); never shown in a repr."""

    token: str
    expiration: datetime | None = None

    def __repr__(self) -> str:
        expiry = self.expiration.strftime("%Y-%m-%dT%H:%M:%SZ") if self.expiration else None
        return f"FrozenAuthToken(token=****, expiration={expiry})"

    def __str__(self) -> str:
        return self.__repr__()


def env_token_variable(signing_name: str) -> str:
    """``bedrock`` -> ``AWS_BEARER_TOKEN_BEDROCK`` (dashes and blanks become underscores)."""
    return "AWS_BEARER_TOKEN_" + signing_name.replace("-", "_").replace(" ", "_").upper()


class RefreshableToken:
    """botocore's ``DeferredRefreshableToken``: fetched on first use, then refreshed by
    ``refresh`` (a flow returning a ``FrozenAuthToken``) as expiry nears."""

    def __init__(self, *, method: str, refresh: Callable[[], Flow[FrozenAuthToken]], source: str = "") -> None:
        self.method = method
        self.source = source
        self._refresh = refresh
        self._current: FrozenAuthToken | None = None
        self._next_attempt: datetime | None = None
        self._lock = threading.Lock()
        self._run: Callable[[Flow[Any]], Any] | None = None
        self._clock: Callable[[], datetime] | None = None

    def bind(self, run: Callable[[Flow[Any]], Any], clock: Callable[[], datetime]) -> "RefreshableToken":
        """Attach the driver that runs refresh flows and the clock (first binding wins)."""
        if self._run is None:
            self._run, self._clock = run, clock
        return self

    @property
    def current(self) -> FrozenAuthToken | None:
        """The token in use (None before the first fetch); never triggers a refresh."""
        return self._current

    def refresh_state(self, now: datetime) -> str | None:
        """``"mandatory"``, ``"advisory"`` or None (pure)."""
        current = self._current
        if current is None:
            return "mandatory"
        if current.expiration is None or (self._next_attempt is not None and now < self._next_attempt):
            return None
        remaining = (current.expiration - now).total_seconds()
        if remaining < MANDATORY_REFRESH_SECONDS:
            return "mandatory"
        return "advisory" if remaining < ADVISORY_REFRESH_SECONDS else None

    def get_frozen_token(self) -> FrozenAuthToken:
        """The current token, refreshed first if due (single flight)."""
        if self._run is None or self._clock is None:
            raise RuntimeError("RefreshableToken used before it was bound to a driver")
        state = self.refresh_state(self._clock())
        # In the advisory window one caller refreshes and the others go on with the
        # current token; in the mandatory window they wait for it.
        if state is not None and self._lock.acquire(blocking=state == "mandatory"):
            try:
                self._protected_refresh()
            finally:
                self._lock.release()
        current = self._current
        assert current is not None  # a first fetch either installed a token or raised
        return current

    def _protected_refresh(self) -> None:
        assert self._run is not None and self._clock is not None
        now = self._clock()
        state = self.refresh_state(now)  # another thread may have refreshed meanwhile
        if state is None:
            return
        self._next_attempt = now + timedelta(seconds=RETRY_REFRESH_SECONDS)
        try:
            self._current = self._run(self._refresh())
        except Exception as exc:
            if state == "mandatory":
                raise
            logger.warning("Refreshing the %s token failed during the advisory refresh period; "
                           "using the current one: %s", self.method, exc)
        current = self._current
        if current is not None and current.expiration is not None and current.expiration <= self._clock():
            raise TokenRetrievalError(provider=self.method, error_msg="Token has expired and refresh failed")

    def __repr__(self) -> str:
        current = self._current
        state = "not fetched yet" if current is None else f"expiration={current.expiration}"
        return f"RefreshableToken(method={self.method!r}, {state}, source={self.source!r})"

    __str__ = __repr__


class EnvTokenProvider:
    """``AWS_BEARER_TOKEN_<SIGNING NAME>``, per service (botocore's ScopedEnvTokenProvider)."""

    method = "env"

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def load(self, signing_name: str | None) -> FrozenAuthToken | Skipped:
        if not signing_name or not signing_name.strip():
            return Skipped("no service signing name to look up AWS_BEARER_TOKEN_<NAME> with")
        name = env_token_variable(signing_name)
        token = self._env.get(name)
        if token is None:
            return Skipped(f"{name} not set")
        if not token:  # squall: an empty variable is unset (botocore would send "Bearer ")
            return Skipped(f"{name} is empty")
        logger.debug("Found token in environment variable %s", name)
        return FrozenAuthToken(token)

    def names(self) -> list[str]:
        """The token variables set, for explain() (names only)."""
        return sorted(k for k, v in self._env.items() if k.startswith("AWS_BEARER_TOKEN_") and v)


class SSOTokenProvider:
    """The profile's sso-session token (botocore's SSOTokenProvider)."""

    method = "sso"

    def __init__(self, profile: ProfileView, sso_sessions: Mapping[str, "Section"], token_dir: str) -> None:
        self.profile = profile
        self.sso_sessions = sso_sessions
        self.token_dir = token_dir

    def load(self) -> RefreshableToken | Skipped:
        """Pure: reads only the parsed config (a missing sso-session section raises
        ``InvalidConfigError``, as botocore's); the token is fetched on first use."""
        from .sso import SSOSessionConfig, load_sso_token_entry, resolve_sso_session

        config = resolve_sso_session(self.profile, self.sso_sessions)
        if isinstance(config, Skipped):
            return config
        assert isinstance(config, SSOSessionConfig)
        from .cache import entry_path, sso_token_cache_key

        path = entry_path(self.token_dir, sso_token_cache_key(config.start_url, config.session_name))
        source = (f"SSO token of sso-session {config.session_name} (sso_start_url {config.start_url} from "
                  f"{config.sources.get('sso_start_url', '')}), cached in {path}")
        token_dir = self.token_dir

        def refresh() -> Flow[FrozenAuthToken]:
            logger.info("Loading cached SSO token for %s", config.session_name)
            token, expiry = yield from load_sso_token_entry(config, token_dir)
            return FrozenAuthToken(token, expiry)

        return RefreshableToken(method=self.method, refresh=refresh, source=source)


Token = FrozenAuthToken | RefreshableToken


class TokenResolver:
    """A Session's bearer tokens: the env token for the service called, else the SSO
    token (resolved once, shared by the Session's clients). Safe to share between threads."""

    def __init__(self, env: EnvTokenProvider, sso: SSOTokenProvider,
                 bind: Callable[[RefreshableToken], RefreshableToken]) -> None:
        self.env = env
        self.sso = sso
        self._bind = bind
        self._lock = threading.Lock()
        self._sso_result: RefreshableToken | Skipped | None = None

    @classmethod
    def for_session(cls, session: Any) -> "TokenResolver":
        from .cache import sso_cache_dir

        name = session._profile_name or "default"
        profile = ProfileView(name, session._shared.profiles.get(name))
        driver = session._credential_driver()
        sso = SSOTokenProvider(profile, session._shared.sso_sessions, sso_cache_dir(session._env))
        return cls(EnvTokenProvider(session._env), sso, lambda token: token.bind(driver.run, driver.now))

    def _sso(self) -> RefreshableToken | Skipped:
        found = self._sso_result
        if found is None:
            with self._lock:
                if self._sso_result is None:
                    loaded = self.sso.load()
                    self._sso_result = self._bind(loaded) if isinstance(loaded, RefreshableToken) else loaded
                found = self._sso_result
        return found

    def resolve(self, signing_name: str | None = None) -> tuple[Token | None, tuple[tuple[str, str], ...]]:
        """``(token, attempts)``: the first provider's token (not fetched yet, for SSO), and
        why each provider before it did not apply."""
        attempts: list[tuple[str, str]] = []
        found = self.env.load(signing_name)
        if isinstance(found, Skipped):
            attempts.append((self.env.method, found.reason))
            found_sso = self._sso()
            if isinstance(found_sso, Skipped):
                attempts.append((self.sso.method, found_sso.reason))
                return None, tuple(attempts)
            return found_sso, tuple(attempts)
        return found, tuple(attempts)

    def require(self, signing_name: str, needed_by: str) -> FrozenAuthToken:
        """The token to sign one call with, or ``NoAuthTokenError`` naming the call and
        where tokens were looked for."""
        token, attempts = self.resolve(signing_name)
        if token is None:
            raise NoAuthTokenError(attempts=attempts, needed_by=needed_by)
        return token if isinstance(token, FrozenAuthToken) else token.get_frozen_token()

    def explain(self) -> tuple[Any, str]:
        """``(value, source)`` for ``session.explain()``: never a token, never a fetch."""
        names = self.env.names()
        env = f"env {', '.join(names)} (for the services of those signing names)" if names else ""
        try:
            sso = self._sso()
        except Exception as exc:  # noqa: BLE001 - explain reports, it does not fail
            return None, f"sso: {exc}"
        if isinstance(sso, Skipped):
            if env:
                return "env", env
            return None, f"none found (env: no AWS_BEARER_TOKEN_<SIGNING NAME> set; sso: {sso.reason})"
        current = sso.current
        value = "sso (fetched on first use)" if current is None else repr(current)
        return value, sso.source + (f"; {env} first" if env else "")
