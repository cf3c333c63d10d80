"""Every setting botocore resolves, with the place its value came from.

Precedence, highest first (botocore's ``ConfigChainFactory`` plus smart defaults):

1. explicit values (``Session(region_name=...)``, client arguments, ``Config`` options),
2. environment variables, in the listed order,
3. the active profile (config file keys; a credentials-file key for the same profile wins),
4. the defaults mode (``sdk-default-configuration.json``) when it is not ``legacy``,
5. the built-in default.

Values are converted as botocore converts them (``ensure_boolean``: only the string
``"true"``, any case, is true; ``int()`` for counts). Unlike botocore, values that are
neither of an enumeration's members nor parsable fail with ``InvalidSettingError`` naming
the setting, the value and its source; the failure is raised when the setting is read,
so one bad key does not break settings nobody uses (botocore is lazy the same way).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any

from ..exceptions import InvalidDefaultsMode, InvalidSettingError
from ._ini import FrozenMap, Located
from .profiles import Profile, SharedConfig

__all__ = [
    "Resolved", "SettingSpec", "SETTINGS", "SETTINGS_BY_NAME", "Settings",
    "resolve_settings", "ensure_boolean", "defaults_for_mode", "DEFAULTS_MODE_SETTINGS",
]

EXPLICIT = "explicit argument"
BUILTIN = "built-in default"
NOT_SET = "not set"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A setting's value and a human-readable account of where it came from."""

    value: Any
    source: str


# -- converters: each takes the raw value, returns the converted one or raises ValueError.

def ensure_boolean(value: Any) -> bool:
    """botocore's ``ensure_boolean``: bools pass, strings are true iff 'true' (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return False


def _to_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("expected an integer") from None


def _compression_size(value: Any) -> int:
    number = _to_int(value)
    if not 1 <= number <= 1048576:
        raise ValueError("must be between 1 and 1048576")
    return number


def _strict_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError("expected 'true' or 'false'")


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sts_regional(value: Any) -> Any:
    # botocore treats an empty value as unset here.
    return value or "regional"


def _endpoint_discovery(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.lower().strip()
        if lowered == "auto":
            return "auto"
        if lowered in ("true", "false"):
            return lowered == "true"
    raise ValueError("expected 'true', 'false' or 'auto'")


Key = str | tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingSpec:
    """How one setting is found: env vars, profile keys ((section, key) for sub-keys),
    default, conversion, allowed values and the defaults-mode entry that may supply it."""

    name: str
    env: tuple[str, ...] = ()
    keys: tuple[Key, ...] = ()
    default: Any = None
    convert: Callable[[Any], Any] | None = None
    choices: tuple[Any, ...] | None = None
    defaults_mode_key: str | None = None
    nested: bool = False  # the profile value is an indented block (a mapping)


def _spec(name: str, env: str | tuple[str, ...] = (), keys: Key | tuple[Key, ...] = (), **kw: Any) -> SettingSpec:
    """A str for one env var or key; a tuple for several (a key may be (section, subkey))."""
    env_t = (env,) if isinstance(env, str) else env
    keys_t = (keys,) if isinstance(keys, str) else keys
    return SettingSpec(name=name, env=env_t, keys=keys_t, **kw)


_CHECKSUM = ("when_supported", "when_required")

# botocore's BOTOCORE_DEFAUT_SESSION_VARIABLES, DEFAULT_S3_CONFIG_VARS and
# DEFAULT_PROXIES_CONFIG_VARS, plus connect_timeout (only set by a defaults mode).
# 'profile', 'config_file' and 'credentials_file' decide which files are read, so they
# never come from a profile.
SETTINGS: tuple[SettingSpec, ...] = (
    _spec("profile", ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")),
    _spec("region", ("AWS_DEFAULT_REGION", "AWS_REGION"), "region"),
    _spec("data_path", "AWS_DATA_PATH", "data_path"),
    _spec("config_file", "AWS_CONFIG_FILE", default="~/.aws/config"),
    _spec("credentials_file", "AWS_SHARED_CREDENTIALS_FILE", default="~/.aws/credentials"),
    _spec("ca_bundle", "AWS_CA_BUNDLE", "ca_bundle"),
    _spec("api_versions", (), "api_versions", default=FrozenMap(), nested=True),
    _spec("metadata_service_timeout", "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout",
          default=1, convert=_to_int),
    _spec("metadata_service_num_attempts", "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
          "metadata_service_num_attempts", default=1, convert=_to_int),
    _spec("ec2_metadata_service_endpoint", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
          "ec2_metadata_service_endpoint"),
    _spec("ec2_metadata_service_endpoint_mode", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
          "ec2_metadata_service_endpoint_mode", convert=_lower, choices=("ipv4", "ipv6")),
    _spec("ec2_metadata_v1_disabled", "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled",
          default=False, convert=ensure_boolean),
    _spec("imds_use_ipv6", "AWS_IMDS_USE_IPV6", "imds_use_ipv6", default=False, convert=ensure_boolean),
    _spec("use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint",
          convert=ensure_boolean),
    _spec("use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint", convert=ensure_boolean),
    _spec("ignore_configured_endpoint_urls", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
          "ignore_configured_endpoint_urls", convert=ensure_boolean),
    # botocore applies ensure_boolean to this one when it builds the client.
    _spec("parameter_validation", (), "parameter_validation", default=True, convert=ensure_boolean),
    _spec("csm_enabled", "AWS_CSM_ENABLED", "csm_enabled", default=False, convert=ensure_boolean),
    _spec("csm_host", "AWS_CSM_HOST", "csm_host", default="127.0.0.1"),
    _spec("csm_port", "AWS_CSM_PORT", "csm_port", default=31000, convert=_to_int),
    _spec("csm_client_id", "AWS_CSM_CLIENT_ID", "csm_client_id", default=""),
    _spec("endpoint_discovery_enabled", "AWS_ENDPOINT_DISCOVERY_ENABLED", "endpoint_discovery_enabled",
          default="auto", convert=_endpoint_discovery),
    _spec("sts_regional_endpoints", "AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints",
          default="regional", convert=_sts_regional, choices=("legacy", "regional"),
          defaults_mode_key="stsRegionalEndpoints"),
    # The built-in default is 'legacy' (botocore's, unless AWS_NEW_RETRIES_2026=true).
    _spec("retry_mode", "AWS_RETRY_MODE", "retry_mode", default="legacy",
          choices=("legacy", "standard", "adaptive"), defaults_mode_key="retryMode"),
    _spec("defaults_mode", "AWS_DEFAULTS_MODE", "defaults_mode", default="legacy", convert=_lower),
    _spec("max_attempts", "AWS_MAX_ATTEMPTS", "max_attempts", convert=_to_int),
    _spec("user_agent_appid", "AWS_SDK_UA_APP_ID", "sdk_ua_app_id"),
    _spec("request_min_compression_size_bytes", "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
          "request_min_compression_size_bytes", default=10240, convert=_compression_size),
    _spec("disable_request_compression", "AWS_DISABLE_REQUEST_COMPRESSION", "disable_request_compression",
          default=False, convert=ensure_boolean),
    _spec("sigv4a_signing_region_set", "AWS_SIGV4A_SIGNING_REGION_SET", "sigv4a_signing_region_set"),
    _spec("request_checksum_calculation", "AWS_REQUEST_CHECKSUM_CALCULATION",
          "request_checksum_calculation", default="when_supported", convert=_lower, choices=_CHECKSUM),
    _spec("response_checksum_validation", "AWS_RESPONSE_CHECKSUM_VALIDATION",
          "response_checksum_validation", default="when_supported", convert=_lower, choices=_CHECKSUM),
    _spec("account_id_endpoint_mode", "AWS_ACCOUNT_ID_ENDPOINT_MODE", "account_id_endpoint_mode",
          default="preferred", convert=_lower, choices=("preferred", "disabled", "required")),
    _spec("disable_host_prefix_injection", "AWS_DISABLE_HOST_PREFIX_INJECTION",
          "disable_host_prefix_injection", convert=ensure_boolean),
    _spec("auth_scheme_preference", "AWS_AUTH_SCHEME_PREFERENCE", "auth_scheme_preference"),
    _spec("tcp_keepalive", "BOTOCORE_TCP_KEEPALIVE", "tcp_keepalive", convert=ensure_boolean),
    _spec("s3_disable_express_session_auth", "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
          "s3_disable_express_session_auth", convert=_strict_boolean),
    # Seconds; botocore only has it when a defaults mode other than legacy is active.
    _spec("connect_timeout", defaults_mode_key="connectTimeoutInMillis"),
    # The s3 block (``s3 =`` then indented keys); two may also be top-level keys.
    _spec("s3.addressing_style", (), (("s3", "addressing_style"),), choices=("auto", "virtual", "path")),
    _spec("s3.use_accelerate_endpoint", (), (("s3", "use_accelerate_endpoint"),), convert=ensure_boolean),
    _spec("s3.use_dualstack_endpoint", (), (("s3", "use_dualstack_endpoint"),), convert=ensure_boolean),
    _spec("s3.payload_signing_enabled", (), (("s3", "payload_signing_enabled"),), convert=ensure_boolean),
    _spec("s3.use_arn_region", "AWS_S3_USE_ARN_REGION", ("s3_use_arn_region", ("s3", "use_arn_region")),
          convert=ensure_boolean),
    _spec("s3.us_east_1_regional_endpoint", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
          ("s3_us_east_1_regional_endpoint", ("s3", "us_east_1_regional_endpoint")),
          choices=("legacy", "regional"), defaults_mode_key="s3UsEast1RegionalEndpoints"),
    _spec("s3.s3_disable_multiregion_access_points", "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
          (("s3", "s3_disable_multiregion_access_points"),), convert=ensure_boolean),
    _spec("proxies_config.proxy_ca_bundle", (), "proxy_ca_bundle"),
    _spec("proxies_config.proxy_client_cert", (), "proxy_client_cert"),
    _spec("proxies_config.proxy_use_forwarding_for_https", (), "proxy_use_forwarding_for_https",
          convert=ensure_boolean),
)
SETTINGS_BY_NAME: Mapping[str, SettingSpec] = FrozenMap({s.name: s for s in SETTINGS})

# Settings a defaults mode can supply, by their key in sdk-default-configuration.json.
DEFAULTS_MODE_SETTINGS: Mapping[str, str] = FrozenMap(
    {s.defaults_mode_key: s.name for s in SETTINGS if s.defaults_mode_key}
)

_SECRET_WORDS = ("secret", "token", "password")


def _redact(name: str, value: Any) -> Any:
    if value is not None and any(word in name.lower() for word in _SECRET_WORDS):
        return "****"
    return value


@dataclass(frozen=True, slots=True)
class _Failure:
    """A setting whose value cannot be used; raised when the setting is read."""

    raw: Any
    source: str
    reason: str
    setting: str

    def error(self) -> Exception:
        if self.setting == "defaults_mode":
            modes = self.reason.removeprefix("must be one of ").replace("'", "")
            return InvalidDefaultsMode(mode=self.raw, valid_modes=modes, source=self.source)
        return InvalidSettingError(
            setting=self.setting, value=self.raw, source=self.source, reason=self.reason
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Resolved settings of one profile and environment (immutable, picklable)."""

    profile_name: str | None
    profile: Profile
    shared_config: SharedConfig
    defaults_mode: Resolved  # the effective mode ('auto' already decided)
    entries: FrozenMap[str, Resolved | _Failure] = field(default_factory=FrozenMap)
    # The AWS_ENDPOINT_URL* variables seen, for endpoint_url() (it depends on the service).
    endpoint_env: FrozenMap[str, str] = field(default_factory=FrozenMap)

    def get(self, name: str) -> Resolved:
        """The setting's value and source; InvalidSettingError if its value is unusable."""
        entry = self.entries.get(name)
        if entry is None:
            raise KeyError(f"unknown setting {name!r}")
        if isinstance(entry, _Failure):
            raise entry.error()
        return entry

    def value(self, name: str) -> Any:
        return self.get(name).value

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def names(self) -> list[str]:
        return list(self.entries)

    def explain(self) -> dict[str, tuple[Any, str]]:
        """name -> (value, source) for every setting; unusable values are marked, secrets hidden."""
        result: dict[str, tuple[Any, str]] = {}
        for name, entry in self.entries.items():
            if isinstance(entry, _Failure):
                result[name] = (_redact(name, entry.raw), f"{entry.source} (INVALID: {entry.reason})")
            else:
                result[name] = (_redact(name, entry.value), entry.source)
        result["defaults_mode (effective)"] = (self.defaults_mode.value, self.defaults_mode.source)
        return result

    def with_defaults_mode(
        self, mode: str, source: str, *, env: Mapping[str, str], region: str | None,
        defaults_data: Mapping[str, Any] | None = None, imds_region: Callable[[], str | None] | None = None,
    ) -> "Settings":
        """These settings under another defaults mode (a client's ``Config(defaults_mode=...)``):
        values the old mode or a built-in default supplied are replaced, the rest stay.
        'auto' asks ``imds_region`` for the instance's region when the environment does not
        say (as botocore does)."""
        configured: dict[str, Resolved | _Failure] = {"defaults_mode": Resolved(_lower(mode), source),
                                                       "region": Resolved(region, "")}
        if isinstance(self.entries.get("data_path"), Resolved):
            configured["data_path"] = self.entries["data_path"]
        effective, mode_values = _effective_defaults_mode(configured, env, imds_region, defaults_data)
        if isinstance(mode_values, _Failure):
            raise mode_values.error()
        entries = dict(self.entries)
        for spec in SETTINGS:
            current = entries.get(spec.name)
            if spec.defaults_mode_key is None or not isinstance(current, Resolved):
                continue
            from_mode = current.source.startswith("defaults mode ")
            if not (from_mode or current.source in (BUILTIN, NOT_SET)):
                continue  # explicit, environment or profile: a defaults mode does not override
            if mode_values is not None and spec.defaults_mode_key in mode_values:
                value = mode_values[spec.defaults_mode_key]
                if spec.defaults_mode_key.endswith("InMillis"):
                    value = value / 1000
                entries[spec.name] = Resolved(value, f"{mode_values['__source__']} via {source}")
            elif from_mode:
                entries[spec.name] = Resolved(spec.default, BUILTIN if spec.default is not None else NOT_SET)
        return Settings(profile_name=self.profile_name, profile=self.profile, shared_config=self.shared_config,
                        defaults_mode=effective,
                        entries=FrozenMap(entries), endpoint_env=self.endpoint_env)

    def endpoint_url(
        self,
        service_id: str,
        *,
        endpoint_url: str | None = None,
        ignore_configured_endpoint_urls: bool | None = None,
    ) -> Resolved | None:
        """The configured endpoint URL for a service (see ``endpoint_url.py``); the client's
        own arguments first, then this Session's ``ignore_configured_endpoint_urls``."""
        from .endpoint_url import resolve_endpoint_url

        ignore: bool | Resolved | None = ignore_configured_endpoint_urls
        if ignore is None:
            ignore = self.get("ignore_configured_endpoint_urls")
        return resolve_endpoint_url(
            service_id, self.endpoint_env, self.shared_config, self.profile,
            endpoint_url=endpoint_url, ignore_configured_endpoint_urls=ignore,
        )

    def s3_config(self) -> dict[str, Any] | None:
        """botocore's ``get_config_variable('s3')``: the profile's s3 block, with every
        s3 setting found anywhere (env, top-level key, defaults mode) put over it."""
        return self._section_config("s3")

    def proxies_config(self) -> dict[str, Any] | None:
        """botocore's ``get_config_variable('proxies_config')``."""
        return self._section_config("proxies_config")

    def _section_config(self, section: str) -> dict[str, Any] | None:
        block = self.profile.get(section)
        config: dict[str, Any] | None = None
        if block is not None:
            if block.nested is None:
                if block.value:
                    return None  # botocore ignores a non-block value and every override
            else:
                config = dict(block.plain())  # type: ignore[arg-type]
        prefix = section + "."
        for name in self.entries:
            if name.startswith(prefix):
                value = self.get(name).value
                if value is not None:
                    if config is None:
                        config = {}
                    config[name[len(prefix):]] = value
        return config


def defaults_for_mode(data: Mapping[str, Any], mode: str) -> dict[str, Any]:
    """The values of a defaults mode from sdk-default-configuration.json (base + changes)."""
    values = dict(data["base"])
    for key, change in data["modes"].get(mode, {}).items():
        (operation, amount), = change.items()
        if operation == "multiply":
            values[key] = values[key] * amount
        elif operation == "add":
            values[key] = values[key] + amount
        elif operation == "override":
            values[key] = amount
    return values


def _load_defaults_data(data_path: str | None) -> Mapping[str, Any]:
    from ..models.loader import Loader

    data: Mapping[str, Any] = Loader.from_data_path(data_path).load_data("sdk-default-configuration")
    return data


def resolve_settings(
    env: Mapping[str, str],
    shared_config: SharedConfig | None = None,
    profile_name: str | None = None,
    explicit: Mapping[str, Any] | None = None,
    *,
    imds_region: Callable[[], str | None] | None = None,
    defaults_data: Mapping[str, Any] | None = None,
) -> Settings:
    """Resolve every setting in ``SETTINGS``.

    ``explicit`` maps setting names to values (None means "not given"); a value may be a
    ``Resolved`` to carry its own source (e.g. ``Resolved(3, "Config(retries=...)")``).
    ``shared_config`` defaults to ``SharedConfig.load(env)`` (honouring explicit
    ``config_file``/``credentials_file``). ``imds_region`` is asked for the instance's
    region when the defaults mode is 'auto' and the environment does not say; without it,
    or when it fails, 'auto' means 'standard' (as in botocore when detection fails).
    Raises ``ProfileNotFound`` if a profile is named and missing from both files.
    """
    given = _normalize_explicit(explicit or {})
    if profile_name is not None:
        given["profile"] = Resolved(profile_name, EXPLICIT)
    if shared_config is None:
        config_file = given.get("config_file")
        creds_file = given.get("credentials_file")
        shared_config = SharedConfig.load(
            env,
            config_file=None if config_file is None else config_file.value,
            credentials_file=None if creds_file is None else creds_file.value,
        )
    entries: dict[str, Resolved | _Failure] = {}
    profile_entry = given.get("profile") or _from_env(SETTINGS_BY_NAME["profile"], env)
    if profile_entry is None:
        entries["profile"] = Resolved(None, "not set: the [default] profile is used if present")
        name: str | None = None
    else:
        entries["profile"] = profile_entry
        name = profile_entry.value
    profile = shared_config.scoped_profile(name)
    entries["config_file"] = given.get("config_file") or Resolved(
        shared_config.config_path, shared_config.config_path_source
    )
    entries["credentials_file"] = given.get("credentials_file") or Resolved(
        shared_config.credentials_path, shared_config.credentials_path_source
    )

    def resolve(spec: SettingSpec, mode_values: Mapping[str, Any] | _Failure | None) -> None:
        entries[spec.name] = _resolve_one(spec, given, env, profile, mode_values)

    for early in ("region", "data_path", "defaults_mode"):
        resolve(SETTINGS_BY_NAME[early], None)
    effective, mode_values = _effective_defaults_mode(
        entries, env, imds_region, defaults_data
    )
    for spec in SETTINGS:
        if spec.name in entries:
            continue
        if spec.name == "retry_mode" and env.get("AWS_NEW_RETRIES_2026", "").lower() == "true":
            spec = SettingSpec(**{**_spec_fields(spec), "default": "standard"})
        resolve(spec, mode_values)
    return Settings(
        profile_name=name,
        profile=profile,
        shared_config=shared_config,
        defaults_mode=effective,
        entries=FrozenMap(entries),
        endpoint_env=FrozenMap({k: v for k, v in env.items() if k.startswith("AWS_ENDPOINT_URL")}),
    )


def _spec_fields(spec: SettingSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in SettingSpec.__dataclass_fields__}


def _normalize_explicit(explicit: Mapping[str, Any]) -> dict[str, Resolved]:
    given: dict[str, Resolved] = {}
    for name, value in explicit.items():
        if name not in SETTINGS_BY_NAME:
            raise ValueError(f"unknown setting {name!r}; known settings: {', '.join(SETTINGS_BY_NAME)}")
        if isinstance(value, Resolved):
            if value.value is not None:
                given[name] = value
        elif value is not None:
            given[name] = Resolved(value, EXPLICIT)
    return given


def _from_env(spec: SettingSpec, env: Mapping[str, str]) -> Resolved | None:
    for var in spec.env:
        if var in env:  # an empty variable still counts, as in botocore
            return Resolved(env[var], f"environment variable {var}")
    return None


def _from_profile(spec: SettingSpec, profile: Profile) -> Located | None:
    for key in spec.keys:
        if isinstance(key, tuple):
            block = profile.get(key[0])
            if block is None or block.nested is None:
                continue
            found = block.nested.get(key[1])
        else:
            found = profile.get(key)
        if found is not None:
            return found
    return None


def _resolve_one(
    spec: SettingSpec,
    given: Mapping[str, Resolved],
    env: Mapping[str, str],
    profile: Profile,
    mode_values: Mapping[str, Any] | _Failure | None,
) -> Resolved | _Failure:
    found = given.get(spec.name) or _from_env(spec, env)
    if found is None:
        located = _from_profile(spec, profile)
        if located is not None:
            if spec.nested:
                if located.nested is None:
                    return _Failure(located.value, located.source, "expected an indented block of 'key = value' lines", spec.name)
                return Resolved(FrozenMap(located.plain()), located.source)  # type: ignore[arg-type]
            if located.nested is not None:
                return _Failure(located.plain(), located.source, "expected a single value, got an indented block", spec.name)
            found = Resolved(located.value, located.source)
    if found is None and spec.defaults_mode_key and mode_values is not None:
        if isinstance(mode_values, _Failure):
            return mode_values
        if spec.defaults_mode_key in mode_values:
            value = mode_values[spec.defaults_mode_key]
            if spec.defaults_mode_key.endswith("InMillis"):
                value = value / 1000
            return Resolved(value, mode_values["__source__"])
    if found is None:
        return Resolved(spec.default, BUILTIN if spec.default is not None else NOT_SET)
    return _convert(spec, found)


def _convert(spec: SettingSpec, found: Resolved) -> Resolved | _Failure:
    value = found.value
    if spec.convert is not None:
        try:
            value = spec.convert(value)
        except ValueError as exc:
            return _Failure(found.value, found.source, str(exc), spec.name)
    if spec.choices is not None and value not in spec.choices:
        allowed = ", ".join(repr(c) for c in spec.choices)
        return _Failure(found.value, found.source, f"must be one of {allowed}", spec.name)
    return Resolved(value, found.source)


def _effective_defaults_mode(
    entries: dict[str, Resolved | _Failure],
    env: Mapping[str, str],
    imds_region: Callable[[], str | None] | None,
    defaults_data: Mapping[str, Any] | None,
) -> tuple[Resolved, Mapping[str, Any] | _Failure | None]:
    configured = entries["defaults_mode"]
    if isinstance(configured, _Failure):
        return Resolved("legacy", "defaults_mode is invalid"), configured
    mode = configured.value
    if mode == "legacy":
        return Resolved("legacy", configured.source), None
    if defaults_data is None:
        data_path = entries["data_path"]
        defaults_data = _load_defaults_data(data_path.value if isinstance(data_path, Resolved) else None)
    valid = ["legacy", "auto", *defaults_data["modes"]]
    if mode not in valid:
        allowed = ", ".join(repr(m) for m in valid)
        failure = _Failure(configured.value, configured.source, f"must be one of {allowed}", "defaults_mode")
        entries["defaults_mode"] = failure
        return Resolved("legacy", "defaults_mode is invalid"), failure
    source = f"defaults_mode {mode!r} from {configured.source}"
    if mode == "auto":
        region = entries["region"]
        mode, why = _auto_mode(region.value if isinstance(region, Resolved) else None, env, imds_region)
        source = f"defaults_mode 'auto' ({why}) from {configured.source}"
    values: dict[str, Any] = defaults_for_mode(defaults_data, mode)
    values["__source__"] = f"defaults mode {mode!r} (sdk-default-configuration.json)"
    return Resolved(mode, source), values


def _auto_mode(
    region: str | None, env: Mapping[str, str], imds_region: Callable[[], str | None] | None
) -> tuple[str, str]:
    current = None
    how = ""
    if env.get("AWS_EXECUTION_ENV"):
        current = env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION"))
        how = "AWS_EXECUTION_ENV set; region from environment"
    if not current and imds_region is not None:
        try:
            current = imds_region()
            how = "region from instance metadata"
        except Exception:  # noqa: BLE001 - botocore ignores any detection failure
            current = None
    if not current:
        return "standard", "execution environment not detected"
    if region == current:
        return "in-region", f"{how}: {current} is the client's region"
    return "cross-region", f"{how}: {current} differs from the client's region {region}"
