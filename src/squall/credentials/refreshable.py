"""Temporary credentials that refresh themselves, single-flight, with botocore's windows.

The decision is pure: ``refresh_state(now)`` says ``"fresh"``, ``"advisory"`` (less than
15 minutes left: one caller refreshes, the others keep using the current set) or
``"mandatory"`` (less than 10 minutes left, or none yet: every caller waits for the
refresh). The refresh itself is a flow (``refresh_flow()``) that a driver runs. The sync
path (``get_frozen_credentials``) runs it with the driver it was bound to and a thread
lock; an asyncio driver can use the same decision and flow with its own lock.

Each refresh installs one new frozen ``Credentials`` value (a single reference swap), so
readers always see a complete set of keys.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, Callable, Literal

from ..exceptions import CredentialRetrievalError
from ._effects import Flow
from ._values import Credentials, ReadOnlyCredentials, redact

__all__ = [
    "RefreshableCredentials", "RefreshState", "ADVISORY_REFRESH_SECONDS",
    "MANDATORY_REFRESH_SECONDS", "refresh_state",
]

logger = logging.getLogger("squall.credentials")

ADVISORY_REFRESH_SECONDS = 15 * 60
MANDATORY_REFRESH_SECONDS = 10 * 60

RefreshState = Literal["fresh", "advisory", "mandatory"]
Runner = Callable[[Flow[Any]], Any]


def refresh_state(
    current: Credentials | None, now: datetime, *, advisory: float = ADVISORY_REFRESH_SECONDS,
    mandatory: float = MANDATORY_REFRESH_SECONDS,
) -> RefreshState:
    """Whether credentials expiring at ``current.expiry`` need a refresh at ``now`` (pure)."""
    if current is None:
        return "mandatory"
    if current.expiry is None:
        return "fresh"
    remaining = (current.expiry - now).total_seconds()
    if remaining < mandatory:
        return "mandatory"
    if remaining < advisory:
        return "advisory"
    return "fresh"


class RefreshableCredentials:
    """botocore's ``RefreshableCredentials`` / ``DeferredRefreshableCredentials`` in one.

    ``refresh`` makes a new flow that returns fresh ``Credentials`` (with ``expiry``).
    ``current`` None means nothing was fetched yet (the first use fetches). A provider
    creates these without any I/O; the Session binds them to its driver and clock.
    """

    def __init__(
        self,
        *,
        method: str,
        refresh: Callable[[], Flow[Credentials]],
        current: Credentials | None = None,
        source: str = "",
        advisory_timeout: float = ADVISORY_REFRESH_SECONDS,
        mandatory_timeout: float = MANDATORY_REFRESH_SECONDS,
    ) -> None:
        self.method = method
        self.source = source
        self._refresh = refresh
        self._current = current
        self._advisory = advisory_timeout
        self._mandatory = mandatory_timeout
        self._lock = threading.Lock()
        self._run: Runner | None = None
        self._clock: Callable[[], datetime] | None = None

    # -- wiring ----------------------------------------------------------------------
    def bind(self, run: Runner, clock: Callable[[], datetime]) -> "RefreshableCredentials":
        """Attach the driver that runs refresh flows and the clock (first binding wins)."""
        if self._run is None:
            self._run, self._clock = run, clock
        return self

    @property
    def bound(self) -> bool:
        return self._run is not None

    # -- pure state --------------------------------------------------------------------
    @property
    def current(self) -> Credentials | None:
        """The set in use now (None before the first fetch); never triggers a refresh."""
        return self._current

    @property
    def expiry_time(self) -> datetime | None:
        current = self._current
        return None if current is None else current.expiry

    def refresh_state(self, now: datetime) -> RefreshState:
        return refresh_state(self._current, now, advisory=self._advisory, mandatory=self._mandatory)

    def refresh_flow(self) -> Flow[Credentials]:
        """A new flow that fetches the next set (for drivers that manage their own locking)."""
        return self._refresh()

    def install(self, fresh: Credentials, now: datetime) -> None:
        """Make ``fresh`` the current set; refuse a set that is already expired."""
        self._current = fresh
        logger.debug("Credentials from %s refreshed; they expire at %s", self.method, fresh.expiry)
        if fresh.expiry is not None and (fresh.expiry - now).total_seconds() <= 0:
            raise CredentialRetrievalError(
                provider=self.method,
                error_msg="Credentials were refreshed, but the refreshed credentials are still expired.",
            )

    # -- sync API (botocore's) -----------------------------------------------------------
    def _now(self) -> datetime:
        if self._clock is None:
            raise RuntimeError("RefreshableCredentials used before it was bound to a driver")
        return self._clock()

    def refresh_needed(self, refresh_in: float | None = None) -> bool:
        """botocore's check: True when fewer than ``refresh_in`` seconds (default 15 min) are left."""
        current = self._current
        if current is None:
            return True
        if current.expiry is None:
            return False
        limit = self._advisory if refresh_in is None else refresh_in
        return (current.expiry - self._now()).total_seconds() < limit

    def _maybe_refresh(self) -> None:
        state = self.refresh_state(self._now())
        if state == "fresh":
            return
        # Single flight: one caller refreshes; in the advisory window the others go on
        # with the current set, in the mandatory window they wait and re-check.
        if self._lock.acquire(blocking=False):
            try:
                state = self.refresh_state(self._now())
                if state != "fresh":
                    self._protected_refresh(state)
            finally:
                self._lock.release()
        elif state == "mandatory":
            with self._lock:
                if self.refresh_state(self._now()) == "mandatory":
                    self._protected_refresh("mandatory")

    def _protected_refresh(self, state: RefreshState) -> None:
        if self._run is None:
            raise RuntimeError("RefreshableCredentials used before it was bound to a driver")
        logger.debug("Refreshing credentials from %s (%s window)", self.method, state)
        try:
            fresh: Credentials = self._run(self._refresh())
        except Exception as exc:
            if state == "mandatory" or self._current is None:
                raise
            logger.warning(
                "Refreshing temporary credentials from %s failed during the advisory refresh "
                "period; using the current ones: %s", self.method, exc,
            )
            return
        self.install(fresh, self._now())

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        """A consistent snapshot, refreshed first if due (use it and drop it)."""
        self._maybe_refresh()
        current = self._current
        assert current is not None  # a mandatory refresh either installed a set or raised
        return current.get_frozen_credentials()

    # botocore's properties: each may refresh, so two reads may straddle a refresh;
    # get_frozen_credentials() is the safe way, as botocore documents.
    @property
    def access_key(self) -> str:
        return self.get_frozen_credentials().access_key

    @property
    def secret_key(self) -> str:
        return self.get_frozen_credentials().secret_key

    @property
    def token(self) -> str | None:
        return self.get_frozen_credentials().token

    @property
    def account_id(self) -> str | None:
        return self.get_frozen_credentials().account_id

    def __repr__(self) -> str:
        current = self._current
        if current is None:
            return f"RefreshableCredentials(method={self.method!r}, not fetched yet, source={self.source!r})"
        return (
            f"RefreshableCredentials(method={self.method!r}, access_key={redact(current.access_key)}, "
            f"expiry={current.expiry.isoformat() if current.expiry else None}, source={self.source!r})"
        )

    __str__ = __repr__
