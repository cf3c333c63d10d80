"""The Session: profile, region, credentials and settings, and the clients made from them.

A Session is safe to share between threads: what it resolves (shared files, settings, the
credential chain) is immutable or computed once under a lock, and each client it makes
owns a thread-safe connection pool. It pickles as the arguments it was built from.
"""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .config.profiles import Section, SharedConfig
from .models import Loader
from .models import regions as _regions

if TYPE_CHECKING:
    from .credentials import CredentialChain, Credentials, RefreshableCredentials

__all__ = ["Session"]

# Guards creating a Session's event emitter (rare, so one lock for all Sessions).
_EVENTS_LOCK = threading.Lock()
# Old client names still accepted (botocore's choose-service-name handler).
_SERVICE_NAME_ALIASES = {"runtime.sagemaker": "sagemaker-runtime"}
_SECRET_SETTINGS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})


class Session:
    """boto3's Session, with the same constructor and methods."""

    def __init__(
        self,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        region_name: str | None = None,
        botocore_session: Any = None,
        profile_name: str | None = None,
        aws_account_id: str | None = None,
    ) -> None:
        if botocore_session is not None:
            raise TypeError("squall.Session does not wrap a botocore session; pass settings directly")
        self._args = {
            "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_session_token": aws_session_token,
            "region_name": region_name,
            "profile_name": profile_name,
            "aws_account_id": aws_account_id,
        }
        self._env: Mapping[str, str] = dict(os.environ)
        self._lock = threading.Lock()
        self._credentials: Credentials | RefreshableCredentials | None = None
        self._chain: CredentialChain | None = None
        self._attempts: tuple[tuple[str, str], ...] = ()
        self._cred_io: Any = None
        self._mfa_prompter: Any = None
        self._tokens: Any = None  # squall.credentials.tokens.TokenResolver, made on first need
        self._shared = SharedConfig.load(self._env)
        explicit_profile = profile_name
        self._profile_explicit = profile_name is not None
        if profile_name is None:
            profile_name = self._env.get("AWS_PROFILE") or self._env.get("AWS_DEFAULT_PROFILE") or None
        # A named profile must exist (ProfileNotFound names both files), as in boto3.
        self._profile_name = profile_name
        self._profile: Section = self._shared.scoped_profile(profile_name)
        self._explicit_profile = explicit_profile
        from .config.settings import resolve_settings

        explicit: dict[str, Any] = {}
        if region_name is not None:
            explicit["region"] = region_name
        if profile_name is not None:
            explicit["profile"] = profile_name
        # The instance's region, for defaults_mode 'auto' (the Session's or a Config's):
        # asked of IMDS at most once per Session.
        self._imds_region = _OnceValue(lambda: _imds_region(self._env, self._shared, profile_name, explicit))
        self._settings = resolve_settings(
            env=self._env, shared_config=self._shared, profile_name=profile_name, explicit=explicit,
            imds_region=self._imds_region,
        )
        self._loader = Loader.from_data_path(self._settings.get("data_path").value)
        self._events: Any = None  # the event emitter, made on first use (see events)

    # -- pickling: rebuilt from its arguments on the other side -----------------------
    def __reduce__(self) -> Any:
        return _rebuild_session, (self._args, type(self))

    def __repr__(self) -> str:
        return f"Session(region_name={self.region_name!r}, profile_name={self.profile_name!r})"

    # -- properties --------------------------------------------------------------------
    @property
    def profile_name(self) -> str:
        return self._profile_name or "default"

    @property
    def region_name(self) -> str | None:
        return self._settings.get("region").value

    @property
    def available_profiles(self) -> list[str]:
        return self._shared.available_profiles

    @property
    def events(self) -> Any:
        """botocore's event emitter; clients made afterwards copy its handlers."""
        events = self._events
        if events is None:
            # Made on first use: importing the hooks machinery is most of what a first
            # Session() would otherwise cost.
            # Not self._lock: credential resolution holds that while it makes STS/SSO clients.
            with _EVENTS_LOCK:
                if self._events is None:
                    from .runtime.hooks import EventEmitter

                    self._events = EventEmitter()
                events = self._events
        return events

    # -- settings ----------------------------------------------------------------------
    def get_config_variable(self, name: str) -> Any:
        return self._settings.get(name).value

    def explain(self, service_name: str | None = None, **client_kwargs: Any) -> dict[str, tuple[Any, str]]:
        """Every resolved setting as ``name -> (value, source)``, secrets redacted,
        plus the credentials (provider and where they were found). With a service name
        (and any ``client()`` arguments), also what such a client would use, as
        ``client.<setting>`` entries (see ``client.meta.explain()``)."""
        report = dict(self._settings.explain())
        report["credentials"] = self._explain_credentials()
        report["auth_token"] = self._token_resolver().explain()
        if service_name is not None:
            with self.client(service_name, **client_kwargs) as client:
                for name, row in client.meta.explain().items():
                    report[f"client.{name}"] = row
        return report

    # -- credentials -------------------------------------------------------------------
    # The chain is built and run by squall.credentials (providers in botocore's order)
    # with squall.runtime._credential_io as the I/O driver; this is only the wiring.
    def _credential_driver(self) -> Any:
        if self._cred_io is None:
            from .runtime._credential_io import SyncCredentialIO

            self._cred_io = SyncCredentialIO(self, prompter=self._mfa_prompter)
        return self._cred_io

    def _credential_chain(self) -> CredentialChain:
        from .credentials import build_chain
        from .runtime._credential_io import chain_inputs_for

        return build_chain(chain_inputs_for(self))

    def _resolve_credentials(self) -> Credentials | RefreshableCredentials | None:
        creds = self._credentials
        if creds is not None:
            return creds
        with self._lock:  # resolved once per Session, lazily, shared by all its clients
            if self._credentials is None:
                driver = self._credential_driver()
                self._chain = self._credential_chain()
                result = driver.run(self._chain.resolve())
                self._attempts = result.attempts
                self._credentials = driver.bind(result.credentials)
            return self._credentials

    def get_credentials(self) -> Credentials | RefreshableCredentials | None:
        """The Session's credentials (None if no provider found any, as in boto3)."""
        return self._resolve_credentials()

    def _require_credentials(self) -> Credentials | RefreshableCredentials:
        creds = self._resolve_credentials()
        if creds is None:
            from .exceptions import NoCredentialsError

            raise NoCredentialsError(attempts=self._attempts)
        return creds

    def _account_id_for_endpoints(self) -> str | None:
        """The credentials' account id for ``AWS::Auth::AccountId`` (None if unavailable)."""
        try:
            creds = self._resolve_credentials()
            return None if creds is None else creds.get_frozen_credentials().account_id
        except Exception:  # noqa: BLE001 - the call itself reports missing credentials
            return None

    def set_mfa_prompter(self, prompter: Any) -> None:
        """Replace the MFA token-code prompter (default ``getpass.getpass``) used by
        assume-role profiles with ``mfa_serial``: ``prompter(message) -> code``."""
        self._mfa_prompter = prompter
        if self._cred_io is not None:
            self._cred_io.prompter = prompter

    # -- bearer tokens (squall.credentials.tokens) ---------------------------------------
    def _token_resolver(self) -> Any:
        tokens = self._tokens
        if tokens is None:
            from .credentials.tokens import TokenResolver

            with self._lock:
                if self._tokens is None:
                    self._tokens = TokenResolver.for_session(self)
                tokens = self._tokens
        return tokens

    def get_auth_token(self, signing_name: str | None = None) -> Any:
        """botocore's ``get_auth_token``: the bearer token for ``signing_name`` (a
        ``FrozenAuthToken`` from ``AWS_BEARER_TOKEN_<NAME>``, else the profile's SSO
        token as a ``RefreshableToken``), or None."""
        return self._token_resolver().resolve(signing_name)[0]

    def _explain_credentials(self) -> tuple[Any, str]:
        from .credentials import explain_credentials

        try:
            creds = self._resolve_credentials()
        except Exception as exc:  # explain must not fail because credentials are missing
            return None, f"not found: {exc}"
        return explain_credentials(creds, self._attempts)

    # -- catalogue ---------------------------------------------------------------------
    def get_available_services(self) -> list[str]:
        return self._loader.list_available_services("service-2")

    def get_available_resources(self) -> list[str]:
        return self._loader.list_available_services("resources-1")

    def get_available_partitions(self) -> list[str]:
        return _regions.available_partitions(self._loader)

    def get_available_regions(
        self, service_name: str, partition_name: str = "aws", allow_non_regional: bool = False
    ) -> list[str]:
        from .exceptions import UnknownServiceError
        from .models import service_model_for

        try:
            prefix = service_model_for(self._loader, service_name).endpoint_prefix or service_name
        except UnknownServiceError:
            return []
        return _regions.available_regions(self._loader, prefix, partition_name, allow_non_regional)

    def get_partition_for_region(self, region_name: str) -> str:
        return _regions.partition_for_region(self._loader, region_name)

    # -- clients -----------------------------------------------------------------------
    def client(
        self,
        service_name: str,
        region_name: str | None = None,
        api_version: str | None = None,
        use_ssl: bool | None = True,
        verify: bool | str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        config: Any = None,
        aws_account_id: str | None = None,
    ) -> Any:
        return self._client(_SERVICE_NAME_ALIASES.get(service_name, service_name), {
            "region_name": region_name, "api_version": api_version, "use_ssl": use_ssl,
            "verify": verify, "endpoint_url": endpoint_url, "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key, "aws_session_token": aws_session_token,
            "config": config, "aws_account_id": aws_account_id,
        })

    def _client(self, service_name: str, kwargs: dict[str, Any]) -> Any:
        """What client() gives for its arguments: here the blocking client (squall.aio's
        Session answers with its asyncio one)."""
        from .runtime._factory import create_client

        return create_client(self, service_name, **kwargs)

    def resource(
        self,
        service_name: str,
        region_name: str | None = None,
        api_version: str | None = None,
        use_ssl: bool | None = True,
        verify: bool | str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        config: Any = None,
    ) -> Any:
        """A service resource (``s3.Bucket(...)`` and friends) over a new client; raises
        ResourceNotExistsError (listing the services that have resources) or
        UnknownAPIVersionError as boto3 does."""
        from .resources import create_resource

        return create_resource(
            self, service_name, region_name=region_name, api_version=api_version, use_ssl=use_ssl,
            verify=verify, endpoint_url=endpoint_url, aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key, aws_session_token=aws_session_token, config=config,
        )


def _rebuild_session(args: Mapping[str, Any], cls: type[Session] = Session) -> Session:
    return cls(**args)  # the class: a squall.aio Session comes back as one


class _OnceValue:
    """Calls ``produce`` on first use (one thread at a time) and keeps its answer; a failure
    is kept too, so a missing instance-metadata service is asked only once."""

    __slots__ = ("_produce", "_lock", "_answer")

    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce
        self._lock = threading.Lock()
        self._answer: tuple[Any, BaseException | None] | None = None

    def __call__(self) -> Any:
        with self._lock:
            if self._answer is None:
                try:
                    self._answer = (self._produce(), None)
                except Exception as error:  # noqa: BLE001 - re-raised to every caller
                    self._answer = (None, error)
        value, error = self._answer
        if error is not None:
            raise error
        return value


def _imds_region(env: Mapping[str, str], shared: SharedConfig, profile: str | None, explicit: Any) -> str | None:
    from .runtime._credential_io import imds_region_for

    return imds_region_for(env, shared, profile, explicit)
