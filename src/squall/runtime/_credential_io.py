"""The sync driver for credential flows: performs their effects with blocking I/O.

Providers (``squall.credentials``) never own an HTTP client or touch the filesystem;
they yield effects and this driver answers them: plain HTTP over a small urllib3
transport (IMDS, container endpoint), AWS calls through the Session's own squall clients
(STS, SSO, SSO-OIDC, sign-in), files, processes, the MFA prompter, sleeps and the clock.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Generator, TypeVar

from ..credentials._effects import (
    CallService, Fetch, Frozen, Now, ProcessResult, ProcessTimeout, Prompt, ReadFile, RunProcess,
    Sleep, WriteFile,
)
from ..credentials.refreshable import RefreshableCredentials
from ..http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from ..config.settings import Settings
    from ..credentials.builder import ChainInputs
    from ..credentials.imds import ImdsConfig
    from ..session import Session

__all__ = ["SyncCredentialIO", "utc_now", "atomic_write", "chain_inputs_for", "imds_config_for"]

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def atomic_write(path: str, text: str) -> None:
    """Write via a 0600 temp file in the same directory, then rename over ``path``."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise



def _getpass(prompt: str) -> str:
    import getpass  # only an MFA prompt needs it

    return getpass.getpass(prompt)

class SyncCredentialIO:
    """Runs credential flows for one Session. Safe to share between threads."""

    def __init__(
        self,
        session: "Session | None" = None,
        *,
        prompter: Callable[[str], str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        call_service: Callable[[CallService], Any] | None = None,
        fetch: Callable[[Fetch], HttpResponse] | None = None,
    ) -> None:
        self._session = session
        self.prompter: Callable[[str], str] = prompter or _getpass
        self.clock = clock
        self._sleep = sleep
        self._call_service = call_service
        self._fetch = fetch
        self._transports: dict[tuple[float, bool], Any] = {}
        self._lock = threading.Lock()

    # -- the loop ----------------------------------------------------------------------
    def run(self, flow: Generator[Any, Any, T]) -> T:
        from ._sync import run_flow

        return run_flow(flow, self.perform)

    def now(self) -> datetime:
        return self.clock()

    def perform(self, effect: Any) -> Any:
        if isinstance(effect, Now):
            return self.clock()
        if isinstance(effect, Fetch):
            return self._fetch(effect) if self._fetch is not None else self._http(effect)
        if isinstance(effect, ReadFile):
            with open(effect.path, encoding="utf-8") as fh:
                return fh.read()
        if isinstance(effect, WriteFile):
            atomic_write(effect.path, effect.text)
            return None
        if isinstance(effect, CallService):
            if self._call_service is not None:
                return self._call_service(effect)
            return self._call(effect)
        if isinstance(effect, Frozen):
            return effect.credentials.bind(self.run, self.clock).get_frozen_credentials()
        if isinstance(effect, RunProcess):
            return self._process(effect)
        if isinstance(effect, Prompt):
            return self.prompter(effect.message)
        if isinstance(effect, Sleep):
            self._sleep(effect.seconds)
            return None
        raise TypeError(f"unknown credential effect {effect!r}")

    def bind(self, credentials: Any) -> Any:
        if isinstance(credentials, RefreshableCredentials):
            credentials.bind(self.run, self.clock)
        return credentials

    # -- effects -------------------------------------------------------------------------
    def _http(self, effect: Fetch) -> HttpResponse:
        key = (effect.timeout, effect.env_proxies)
        with self._lock:
            transport = self._transports.get(key)
            if transport is None:
                from ..http import Urllib3Transport

                transport = Urllib3Transport(
                    max_pool_connections=2, connect_timeout=effect.timeout, read_timeout=effect.timeout,
                    proxies=None if effect.env_proxies else {},
                )
                self._transports[key] = transport
        response: HttpResponse = transport.send(effect.request)
        return response

    @staticmethod
    def _process(effect: RunProcess) -> ProcessResult:
        import subprocess  # only credential_process needs it (~4 ms to import)

        try:
            done = subprocess.run(
                # stdin is inherited (a helper may ask the user), as with botocore's Popen.
                list(effect.argv), capture_output=True, timeout=effect.timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise ProcessTimeout(f"{effect.argv[0]} timed out after {effect.timeout}s") from None
        return ProcessResult(done.returncode, done.stdout or b"", done.stderr or b"")

    def _call(self, effect: CallService) -> Any:
        if self._session is None:
            raise RuntimeError("this credential driver has no Session to make AWS clients with")
        from ..config import Config
        from ..models import xform_name

        kwargs: dict[str, Any] = {"region_name": effect.region}
        creds = effect.credentials
        if creds is None:
            kwargs["config"] = Config(signature_version="unsigned")
        else:
            kwargs.update(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                          aws_session_token=creds.token)
        client = self._session.client(effect.service, **kwargs)
        try:
            if effect.request_hook is None:
                return getattr(client, xform_name(effect.operation))(**effect.params)
            return _call_with_hook(client, effect)
        finally:
            client.close()

    def close(self) -> None:
        with self._lock:
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()


def _call_with_hook(client: Any, effect: CallService) -> Any:
    """Run the client's call flow, letting the hook amend the final request (DPoP)."""
    from ._flow import call_flow
    from ._sync import run_sync

    hook = effect.request_hook
    assert hook is not None
    transport = client._transport

    def send(request: HttpRequest, *, stream: bool = False) -> Any:
        return transport.send(hook(request), stream=stream)

    flow = call_flow(client._context, effect.operation, dict(effect.params), None)
    return run_sync(flow, send=send, get_credentials=client._get_credentials)


def imds_config_for(settings: "Settings", env: Any, user_agent: str | None) -> "ImdsConfig":
    """How to reach IMDS, from the session's settings (botocore's imds_config)."""
    from ..credentials.imds import ImdsConfig, imds_endpoint_mode

    get = settings.get
    endpoint = get("ec2_metadata_service_endpoint")
    mode_setting = get("ec2_metadata_service_endpoint_mode")
    mode = imds_endpoint_mode(mode_setting.value, bool(get("imds_use_ipv6").value))
    sources = {"endpoint": f"ec2_metadata_service_endpoint from {endpoint.source}"}
    if endpoint.value is None:
        sources["endpoint"] = f"endpoint mode {mode}"
    return ImdsConfig(
        disabled=str(env.get("AWS_EC2_METADATA_DISABLED", "false")).lower() == "true",
        endpoint=endpoint.value or None,
        endpoint_mode=mode,
        v1_disabled=bool(get("ec2_metadata_v1_disabled").value),
        timeout=float(get("metadata_service_timeout").value or 1),
        num_attempts=int(get("metadata_service_num_attempts").value or 1),
        user_agent=user_agent,
        sources=sources,
    )


def chain_inputs_for(session: "Session") -> "ChainInputs":
    """Everything the Session's credential chain is built from."""
    from ..config._ini import load_ini_file
    from ..config.profiles import SharedConfig, expand_path
    from ..credentials.builder import ChainInputs
    from ..credentials.cache import cli_cache_dir, login_cache_dir, sso_cache_dir
    from ..credentials.providers import ExplicitProvider
    from ._useragent import user_agent

    env, shared, args = session._env, session._shared, session._args
    # botocore reads each file alone for the shared-credentials-file and config-file
    # providers (a key in one file does not complete a profile in the other).
    config_ini = load_ini_file(expand_path(shared.config_path, env), shared.config_path) \
        if shared.config_path else None
    creds_ini = load_ini_file(expand_path(shared.credentials_path, env), shared.credentials_path) \
        if shared.credentials_path else None
    return ChainInputs(
        env=env,
        profile_name=session._profile_name or "default",
        profile_explicit=session._explicit_profile is not None,
        profiles=shared.profiles,
        sso_sessions=shared.sso_sessions,
        config_file_profiles=SharedConfig.from_files(config_ini, None).profiles,
        credentials_file_profiles=SharedConfig.from_files(None, creds_ini).profiles,
        config_path=shared.config_path,
        credentials_path=shared.credentials_path,
        explicit=ExplicitProvider(
            args["aws_access_key_id"], args["aws_secret_access_key"], args["aws_session_token"],
            args["aws_account_id"], where="Session()",
        ),
        imds=lambda: imds_config_for(session._settings, env, user_agent()),  # when the chain gets there
        region=session.region_name,
        cli_cache_dir=cli_cache_dir(env),
        sso_cache_dir=sso_cache_dir(env),
        login_cache_dir=login_cache_dir(env),
    )


def imds_region_for(env: Any, shared: Any, profile_name: str | None, explicit: Any) -> str | None:
    """The instance's region from IMDS (for defaults_mode 'auto'), or None."""
    from ..config.settings import resolve_settings
    from ..credentials.imds import fetch_region
    from ._useragent import user_agent

    settings = resolve_settings(env=env, shared_config=shared, profile_name=profile_name, explicit=explicit)
    io = SyncCredentialIO()
    try:
        return io.run(fetch_region(imds_config_for(settings, env, user_agent())))
    finally:
        io.close()
