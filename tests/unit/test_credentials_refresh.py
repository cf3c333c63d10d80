"""RefreshableCredentials: botocore's windows, single-flight under threads, an injected clock."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from squall.credentials import Credentials, RefreshableCredentials
from squall.credentials._effects import Flow, Now
from squall.credentials.refreshable import refresh_state
from squall.exceptions import CredentialRetrievalError
from squall.runtime._credential_io import SyncCredentialIO

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def creds(n: int, expires: datetime | None) -> Credentials:
    return Credentials(access_key=f"AK{n}", secret_key=f"SK{n}", token=f"T{n}", method="test", expiry=expires)


class Refresher:
    """Counts refreshes; each returns a new set valid for ``lifetime`` seconds from now."""

    def __init__(self, clock: Clock, lifetime: float = 3600, delay: float = 0.0, fail: bool = False) -> None:
        self.clock, self.lifetime, self.delay, self.fail = clock, lifetime, delay, fail
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> Flow[Credentials]:
        now = yield Now()
        with self._lock:
            self.calls += 1
            n = self.calls
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            raise CredentialRetrievalError(provider="test", error_msg="refresh failed")
        return creds(n, now + timedelta(seconds=self.lifetime))


def make(clock: Clock, refresher: Refresher, current: Credentials | None) -> RefreshableCredentials:
    io = SyncCredentialIO(clock=clock)
    return io.bind(RefreshableCredentials(method="test", refresh=refresher, current=current))


def test_refresh_state_windows_match_botocore() -> None:
    assert refresh_state(None, T0) == "mandatory"
    assert refresh_state(creds(1, None), T0) == "fresh"
    assert refresh_state(creds(1, T0 + timedelta(minutes=16)), T0) == "fresh"
    assert refresh_state(creds(1, T0 + timedelta(minutes=15)), T0) == "fresh"  # >= 15 min left
    assert refresh_state(creds(1, T0 + timedelta(minutes=14, seconds=59)), T0) == "advisory"
    assert refresh_state(creds(1, T0 + timedelta(minutes=10)), T0) == "advisory"
    assert refresh_state(creds(1, T0 + timedelta(minutes=9, seconds=59)), T0) == "mandatory"
    assert refresh_state(creds(1, T0 - timedelta(seconds=1)), T0) == "mandatory"


def test_refresh_needed_agrees_with_botocore() -> None:
    from botocore.credentials import RefreshableCredentials as BotoRefreshable

    clock = Clock()
    for minutes in (30, 15, 14.9, 12, 10, 9.9, 1, 0, -5):
        expiry = T0 + timedelta(minutes=minutes)
        ours = make(clock, Refresher(clock), creds(1, expiry))
        theirs = BotoRefreshable("AK1", "SK1", "T1", expiry, lambda: {}, "test", time_fetcher=clock)
        for refresh_in in (None, 0, 600, 900):
            assert ours.refresh_needed(refresh_in) == theirs.refresh_needed(refresh_in), (minutes, refresh_in)


def test_no_refresh_while_fresh_then_advisory_then_mandatory() -> None:
    clock = Clock()
    refresher = Refresher(clock, lifetime=3600)
    rc = make(clock, refresher, creds(0, T0 + timedelta(hours=1)))
    assert rc.get_frozen_credentials().access_key == "AK0"
    assert refresher.calls == 0
    clock.advance(46 * 60)  # 14 min left: advisory
    assert rc.get_frozen_credentials().access_key == "AK1"
    assert refresher.calls == 1
    clock.advance(55 * 60)  # 5 min left of the new set: mandatory
    assert rc.get_frozen_credentials().access_key == "AK2"


def test_deferred_credentials_fetch_on_first_use() -> None:
    clock = Clock()
    refresher = Refresher(clock)
    rc = make(clock, refresher, None)
    assert rc.current is None and refresher.calls == 0
    assert "not fetched yet" in repr(rc)
    access, secret, token, account = rc.get_frozen_credentials()
    assert (access, secret, token) == ("AK1", "SK1", "T1") and refresher.calls == 1
    assert rc.access_key == "AK1" and refresher.calls == 1


def test_advisory_failure_keeps_current_mandatory_failure_raises() -> None:
    clock = Clock()
    refresher = Refresher(clock, fail=True)
    rc = make(clock, refresher, creds(0, T0 + timedelta(minutes=12)))
    assert rc.get_frozen_credentials().access_key == "AK0"  # advisory: logged, ignored
    assert refresher.calls == 1
    clock.advance(5 * 60)  # 7 min left: mandatory
    with pytest.raises(CredentialRetrievalError, match="refresh failed"):
        rc.get_frozen_credentials()


def test_refreshed_but_still_expired_is_an_error() -> None:
    clock = Clock()
    refresher = Refresher(clock, lifetime=-60)
    rc = make(clock, refresher, None)
    with pytest.raises(CredentialRetrievalError, match="still expired"):
        rc.get_frozen_credentials()


@pytest.mark.parametrize("window", ["mandatory", "advisory"])
def test_64_threads_one_refresh_and_complete_sets(window: str) -> None:
    clock = Clock()
    refresher = Refresher(clock, delay=0.2)
    start = None if window == "mandatory" else creds(0, T0 + timedelta(minutes=12))
    rc = make(clock, refresher, start)
    barrier = threading.Barrier(64)
    seen: list[tuple[str, str, str | None, str | None]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            seen.append(tuple(rc.get_frozen_credentials()))  # type: ignore[arg-type]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert refresher.calls == 1
    assert len(seen) == 64
    # every snapshot is one complete set, never a mix of two
    for access, secret, token, _ in seen:
        assert access[2:] == secret[2:] == token[1:]
    if window == "mandatory":
        assert {s[0] for s in seen} == {"AK1"}
    else:
        assert {s[0] for s in seen} <= {"AK0", "AK1"}
    assert rc.get_frozen_credentials().access_key == "AK1"


def test_readers_during_refresh_never_see_a_mix() -> None:
    clock = Clock()
    refresher = Refresher(clock, lifetime=11 * 60)  # always advisory: refresh on every read
    rc = make(clock, refresher, creds(0, T0 + timedelta(minutes=11)))
    stop = threading.Event()
    bad: list[tuple[str, ...]] = []

    def reader() -> None:
        while not stop.is_set():
            a, s, t, _ = rc.get_frozen_credentials()
            if not (a[2:] == s[2:] == (t or "")[1:]):
                bad.append((a, s, t or ""))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    assert bad == [] and refresher.calls > 1


def test_unbound_use_is_a_clear_error() -> None:
    rc = RefreshableCredentials(method="test", refresh=Refresher(Clock()))
    with pytest.raises(RuntimeError, match="bound"):
        rc.get_frozen_credentials()


def test_repr_hides_secrets() -> None:
    clock = Clock()
    rc = make(clock, Refresher(clock), Credentials(access_key="AKIAABCDEFGHIJKLMNOP", secret_key="VERYSECRET",
                                                   token="TOKENVALUE", expiry=T0 + timedelta(hours=1)))
    text = repr(rc) + str(rc) + repr(rc.get_frozen_credentials()) + repr(rc.current)
    assert "VERYSECRET" not in text and "TOKENVALUE" not in text and "AKIAABCDEFGHIJKLMNOP" not in text
