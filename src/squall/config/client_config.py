"""``Config``: per-client options, with botocore's names, order, defaults and checks.

Differences from botocore, on purpose:
* assigning an option after construction (``cfg.retries = {...}``) counts as setting it,
  so ``merge`` keeps it (botocore silently drops such assignments when merging);
* ``repr`` shows the options that were set, and ``user_provided_options`` exposes them
  read-only (``_user_provided_options`` stays for code written against botocore).
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Callable

from ..exceptions import (
    InvalidMaxRetryAttemptsError,
    InvalidRetryConfigurationError,
    InvalidRetryModeError,
    InvalidS3AddressingStyleError,
)

__all__ = ["Config", "DEFAULT_TIMEOUT", "MAX_POOL_CONNECTIONS", "effective_connect_timeout", "option_source", "option_is_set",
           "settings_for_client"]

DEFAULT_TIMEOUT = 60
MAX_POOL_CONNECTIONS = 10
_UNSET = "UNSET"  # botocore's marker for "inject_host_prefix not given"

# Order matters: positional arguments map onto it (botocore 1.43's OPTION_DEFAULTS).
_OPTION_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("region_name", None),
    ("signature_version", None),
    ("user_agent", None),
    ("user_agent_extra", None),
    ("user_agent_appid", None),
    ("connect_timeout", DEFAULT_TIMEOUT),
    ("read_timeout", DEFAULT_TIMEOUT),
    ("parameter_validation", True),
    ("max_pool_connections", MAX_POOL_CONNECTIONS),
    ("proxies", None),
    ("proxies_config", None),
    ("s3", None),
    ("s3_disable_express_session_auth", None),
    ("retries", None),
    ("client_cert", None),
    ("inject_host_prefix", None),
    ("endpoint_discovery_enabled", None),
    ("use_dualstack_endpoint", None),
    ("use_fips_endpoint", None),
    ("ignore_configured_endpoint_urls", None),
    ("defaults_mode", None),
    ("tcp_keepalive", None),
    ("request_min_compression_size_bytes", None),
    ("disable_request_compression", None),
    ("client_context_params", None),
    ("sigv4a_signing_region_set", None),
    ("request_checksum_calculation", None),
    ("response_checksum_validation", None),
    ("account_id_endpoint_mode", None),
    ("auth_scheme_preference", None),
)
# With a defaults mode other than legacy, the mode supplies connect_timeout.
_NON_LEGACY_OPTION_DEFAULTS = {"connect_timeout": None}
_VALID_RETRY_OPTIONS = ("max_attempts", "mode", "total_max_attempts")
_VALID_RETRY_MODES = ("legacy", "standard", "adaptive")


class Config:
    """Advanced client options, as ``botocore.config.Config``.

    Every option is a keyword (or positional, in ``OPTION_DEFAULTS`` order) argument;
    unknown names raise ``TypeError``. ``retries`` accepts ``max_attempts`` (retries),
    ``total_max_attempts`` (attempts) and ``mode`` (legacy/standard/adaptive);
    ``s3['addressing_style']`` must be auto, virtual or path.
    """

    OPTION_DEFAULTS: Mapping[str, Any] = MappingProxyType(dict(_OPTION_DEFAULTS))
    NON_LEGACY_OPTION_DEFAULTS: Mapping[str, Any] = MappingProxyType(_NON_LEGACY_OPTION_DEFAULTS)

    # Declared for type checkers; set in __init__.
    _user_provided_options: dict[str, Any]
    _inject_host_prefix: Any
    region_name: str | None
    signature_version: Any
    user_agent: str | None
    user_agent_extra: str | None
    user_agent_appid: str | None
    connect_timeout: float | int | None
    read_timeout: float | int | None
    parameter_validation: bool
    max_pool_connections: int
    proxies: dict[str, str] | None
    proxies_config: dict[str, Any] | None
    s3: dict[str, Any] | None
    s3_disable_express_session_auth: bool | None
    retries: dict[str, Any] | None
    client_cert: str | tuple[str, str] | None
    endpoint_discovery_enabled: bool | str | None
    use_dualstack_endpoint: bool | None
    use_fips_endpoint: bool | None
    ignore_configured_endpoint_urls: bool | None
    defaults_mode: str | None
    tcp_keepalive: bool | None
    request_min_compression_size_bytes: int | None
    disable_request_compression: bool | None
    client_context_params: dict[str, Any] | None
    sigv4a_signing_region_set: str | None
    request_checksum_calculation: str | None
    response_checksum_validation: str | None
    account_id_endpoint_mode: str | None
    auth_scheme_preference: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        provided = self._record_user_provided_options(args, kwargs)
        object.__setattr__(self, "_user_provided_options", provided)
        # Kept apart so the client can tell "not given" (resolve from env/profile) from True.
        object.__setattr__(self, "_inject_host_prefix", _UNSET)
        values = dict(self.OPTION_DEFAULTS)
        if provided.get("defaults_mode", "legacy") != "legacy":
            values.update(self.NON_LEGACY_OPTION_DEFAULTS)
        values.update(provided)
        for key, value in values.items():
            if key == "inject_host_prefix" and key not in provided:
                continue
            object.__setattr__(self, key if key != "inject_host_prefix" else "_inject_host_prefix", value)
        self._validate_s3_configuration(self.s3)
        self._validate_retry_configuration(self.retries)

    @classmethod
    def _record_user_provided_options(cls, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        order = list(cls.OPTION_DEFAULTS)
        provided: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key not in cls.OPTION_DEFAULTS:
                raise TypeError(f"Got unexpected keyword argument '{key}'")
            provided[key] = value
        if len(args) > len(order):
            raise TypeError(f"Takes at most {len(order)} arguments ({len(args)} given)")
        for index, arg in enumerate(args):
            if order[index] in provided:
                raise TypeError(f"Got multiple values for keyword argument '{order[index]}'")
            provided[order[index]] = arg
        return provided

    @staticmethod
    def _validate_s3_configuration(s3: Any) -> None:
        if s3 is not None:
            style = s3.get("addressing_style")
            if style not in ("virtual", "auto", "path", None):
                raise InvalidS3AddressingStyleError(s3_addressing_style=style)

    @staticmethod
    def _validate_retry_configuration(retries: Any) -> None:
        if retries is None:
            return
        for key, value in retries.items():
            if key not in _VALID_RETRY_OPTIONS:
                raise InvalidRetryConfigurationError(
                    retry_config_option=key, valid_options=_VALID_RETRY_OPTIONS
                )
            if key == "max_attempts" and value < 0:
                raise InvalidMaxRetryAttemptsError(provided_max_attempts=value, min_value=0)
            if key == "total_max_attempts" and value < 1:
                raise InvalidMaxRetryAttemptsError(provided_max_attempts=value, min_value=1)
            if key == "mode" and value not in _VALID_RETRY_MODES:
                raise InvalidRetryModeError(provided_retry_mode=value, valid_modes=_VALID_RETRY_MODES)

    @property
    def inject_host_prefix(self) -> bool:
        value = self._inject_host_prefix
        if value == _UNSET:
            return True
        result: bool = value  # botocore returns whatever was set, unconverted
        return result

    @inject_host_prefix.setter
    def inject_host_prefix(self, value: bool) -> None:
        object.__setattr__(self, "_inject_host_prefix", value)
        self._user_provided_options["inject_host_prefix"] = value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.OPTION_DEFAULTS and name != "inject_host_prefix":
            self._user_provided_options[name] = value
        object.__setattr__(self, name, value)

    @property
    def user_provided_options(self) -> Mapping[str, Any]:
        """The options that were set explicitly (constructor or assignment), read-only."""
        return MappingProxyType(self._user_provided_options)

    def is_set(self, name: str) -> bool:
        return name in self._user_provided_options

    def merge(self, other_config: "Config") -> "Config":
        """A new Config: this one's explicitly set options, then ``other_config``'s on top."""
        options = copy.copy(self._user_provided_options)
        options.update(other_config._user_provided_options)
        merged = Config(**options)
        # Remembered for explain(): which side of the merge each option came from.
        sources = {name: f"{option_source(self, name)}, kept by Config.merge" for name in self._user_provided_options}
        sources.update({name: f"{option_source(other_config, name)}, from the argument of Config.merge"
                        for name in other_config._user_provided_options})
        object.__setattr__(merged, "_option_sources", sources)
        return merged

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={without_passwords(k, v)!r}" for k, v in self._user_provided_options.items())
        return f"Config({shown})"

    def __reduce__(self) -> Any:
        # Rebuild from what was set; attributes that are not options come along as state.
        extra = {
            k: v for k, v in self.__dict__.items()
            if k not in self.OPTION_DEFAULTS and k not in ("_user_provided_options", "_inject_host_prefix")
        }
        return _rebuild_config, (dict(self._user_provided_options), extra)


def without_passwords(name: str, value: Any) -> Any:
    """Proxy URLs as shown in a repr: ``http://user:****@host`` (the password never printed)."""
    if name != "proxies" or not isinstance(value, Mapping):
        return value
    import re

    return {k: re.sub(r"(//[^/:@]*:)[^/@]*@", r"\1****@", v) if isinstance(v, str) else v
            for k, v in value.items()}


def option_is_set(config: Any, name: str) -> bool:
    """Whether the caller set this option (works for any Config-like object)."""
    return name in getattr(config, "_user_provided_options", ())


def option_source(config: Any, name: str) -> str:
    """Where a Config option came from, for explain(): the constructor, an assignment
    or a merge (a Config is plain data, so this is only read on request)."""
    found: str | None = getattr(config, "_option_sources", {}).get(name)
    return found or f"Config({name}=...)"


def effective_connect_timeout(given_config: Any, from_settings: tuple[Any, str]) -> tuple[Any, str]:
    """botocore's connect timeout: the Config's value (``Config()`` means 60 unless it names
    a defaults mode other than legacy), else the defaults mode's (the ``connect_timeout``
    setting, as ``(value, source)``), else 60. ``given_config`` is what the caller passed
    (None when no Config was given)."""
    if given_config is not None:
        value = given_config.connect_timeout
        if value is not None:
            if option_is_set(given_config, "connect_timeout"):
                return value, option_source(given_config, "connect_timeout")
            return value, "botocore default (Config)"
    if from_settings[0]:  # only a defaults mode other than legacy supplies one
        return from_settings
    return DEFAULT_TIMEOUT, "botocore default"


def settings_for_client(
    settings: Any, config: Any, *, env: Mapping[str, str], region: str | None,
    imds_region: Callable[[], str | None] | None = None,
) -> Any:
    """A Session's settings under the client's ``Config(defaults_mode=...)``, when it names one."""
    mode = getattr(config, "defaults_mode", None)
    if not mode:
        return settings
    return settings.with_defaults_mode(mode, option_source(config, "defaults_mode"), env=env, region=region,
                                       imds_region=imds_region)


def _rebuild_config(options: dict[str, Any], extra: dict[str, Any]) -> Config:
    config = Config(**options)
    for key, value in extra.items():
        object.__setattr__(config, key, value)
    return config
