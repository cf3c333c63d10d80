"""``client.meta.explain()``: each effective client setting and where it came from.

Computed on request (never when a client is made) from what the client keeps: its
Session, its ``client()`` arguments and its Config. The precedence is botocore's:
a ``client()`` argument, then the Config, then the environment, the profile, the
defaults mode and the default (the Session's settings already carry the last four).
The values are the ones the client uses; tests compare them with botocore's.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .client_config import (
    Config, effective_connect_timeout, option_is_set, option_source, settings_for_client, without_passwords,
)

__all__ = ["explain_client"]

Row = tuple[Any, str]
_BOTOCORE_DEFAULT = "botocore default (Config)"

# Options that fall back to a Session setting of the same name when the Config leaves them unset.
_CONFIG_OVER_SETTING = (
    "use_fips_endpoint", "use_dualstack_endpoint", "ignore_configured_endpoint_urls",
    "request_checksum_calculation", "response_checksum_validation",
    "request_min_compression_size_bytes", "disable_request_compression",
    "sigv4a_signing_region_set", "tcp_keepalive",
)


def explain_client(meta: Any) -> dict[str, Row]:
    report: dict[str, Row] = {}
    inputs = meta.explain_inputs
    if inputs is None:  # a client built by hand, not from a Session
        report["region_name"] = (meta.region_name, "given when the client was built")
        report["endpoint_url"] = (meta.endpoint_url, meta.endpoint_source)
        return report
    session, service_name, kwargs = inputs
    given: Config | None = kwargs.get("config")
    config = given if given is not None else Config()
    region_row = _region(session, kwargs, config, meta)
    settings = settings_for_client(session._settings, config, env=session._env, region=region_row[2],
                                   imds_region=session._imds_region)

    def setting(name: str) -> Row:
        resolved = settings.get(name)
        return resolved.value, resolved.source

    def option(name: str, fallback: Callable[[], Row] | None = None) -> Row:
        """The Config's value if it was set, else the fallback (else Config's default)."""
        if option_is_set(config, name) and getattr(config, name) is not None:
            return getattr(config, name), option_source(config, name)
        if fallback is not None:
            return fallback()
        value = getattr(config, name)
        return value, _BOTOCORE_DEFAULT if value is not None else "not set"

    report["region_name"] = region_row[:2]
    report["endpoint_url"] = (meta.endpoint_url, meta.endpoint_source)
    report["partition"] = (meta.partition, f"partition of region {meta.region_name!r}")
    report["defaults_mode"] = (settings.defaults_mode.value, settings.defaults_mode.source)
    retry = _retry(session, config, setting)
    merge_note = option_source(config, "retries").removeprefix("Config(retries=...)")
    attempts, attempts_source = _max_attempts(meta, retry, session, service_name)
    for key, value, source in (("mode", retry.mode, retry.mode_source),
                               ("total_max_attempts", attempts, attempts_source)):
        report[f"retries.{key}"] = (value, source + merge_note if source.startswith("Config(") else source)
    report["connect_timeout"] = effective_connect_timeout(given, setting("connect_timeout"))
    report["read_timeout"] = option("read_timeout")
    report["max_pool_connections"] = option("max_pool_connections")
    report["parameter_validation"] = _parameter_validation(config, settings)
    report["inject_host_prefix"] = _inject_host_prefix(config, setting)
    report["signature_version"] = _signature_version(config, meta)
    report["user_agent"] = option("user_agent")
    report["user_agent_extra"] = option("user_agent_extra")
    report["user_agent_appid"] = option("user_agent_appid", lambda: setting("user_agent_appid"))
    for name in _CONFIG_OVER_SETTING:
        report[name] = option(name, lambda name=name: setting(name))  # type: ignore[misc]
    report["account_id_endpoint_mode"] = _account_id_mode(config, setting)
    preference, preference_source = option("auth_scheme_preference", lambda: setting("auth_scheme_preference"))
    if isinstance(preference, str):  # as botocore: blanks dropped, empty entries skipped
        preference = ",".join(p.replace(" ", "").replace("\t", "") for p in preference.split(",") if p.strip())
    report["auth_scheme_preference"] = (preference, preference_source)
    proxies, proxies_source = option("proxies")
    report["proxies"] = (without_passwords("proxies", proxies), proxies_source)
    report["client_cert"] = option("client_cert")
    if meta.service_model.endpoint_prefix == "sts":
        report["sts_regional_endpoints"] = setting("sts_regional_endpoints")
    if meta.service_model.endpoint_prefix == "s3":
        report.update(_s3_rows(config, settings))
    report["credentials"] = _credentials(session, kwargs, service_name)
    return report


def _region(session: Any, kwargs: Mapping[str, Any], config: Config, meta: Any) -> tuple[Any, str, str | None]:
    """(effective region, source, the region asked for)."""
    if kwargs.get("region_name"):
        asked, source = kwargs["region_name"], "client() argument region_name"
    elif config.region_name:
        asked, source = config.region_name, option_source(config, "region_name")
    else:
        resolved = session._settings.get("region")
        asked, source = resolved.value, resolved.source
        if source == "explicit argument":
            source = "Session(region_name=...)"
    if meta.region_name != asked:
        source += f" (asked for {asked!r}; the service's endpoint data names {meta.region_name!r})"
    return meta.region_name, source, asked


def _retry(session: Any, config: Config, setting: Callable[[str], Row]) -> Any:
    from ..retries import resolve_retry_settings

    new_retries = session._env.get("AWS_NEW_RETRIES_2026", "").lower() == "true"
    return resolve_retry_settings(config.retries, setting, new_retries=new_retries)


def _max_attempts(meta: Any, retry: Any, session: Any, service_name: str) -> Row:
    if retry.total_max_attempts is not None:
        return retry.total_max_attempts, retry.max_attempts_source
    if retry.mode != "legacy":
        return 3, f"default of retry mode {retry.mode!r}"
    from ..retries import RetrySettings, build_retry_policy

    try:
        data = session._loader.load_data("_retry")
    except Exception:  # noqa: BLE001 - no rules file: botocore's own default applies
        data = None
    model = meta.service_model
    policy = build_retry_policy(
        settings=RetrySettings(mode="legacy", total_max_attempts=None), service_id=model.service_id,
        endpoint_prefix=model.endpoint_prefix, retry_data=data, read_timeout=60, now=0.0)
    return policy.max_attempts, "legacy retry rules (_retry.json)"


def _parameter_validation(config: Config, settings: Any) -> Row:
    # botocore: a Config can only turn it off; otherwise the profile's key decides.
    if option_is_set(config, "parameter_validation") and not config.parameter_validation:
        return False, option_source(config, "parameter_validation")
    resolved = settings.get("parameter_validation")
    return bool(resolved.value), resolved.source


def _inject_host_prefix(config: Config, setting: Callable[[str], Row]) -> Row:
    if option_is_set(config, "inject_host_prefix"):
        return config.inject_host_prefix, option_source(config, "inject_host_prefix")
    disabled, source = setting("disable_host_prefix_injection")
    if disabled is not None:
        return not disabled, source
    return True, "botocore default"


def _signature_version(config: Config, meta: Any) -> Row:
    if config.signature_version:
        from ._unsigned import is_unsigned

        value = "UNSIGNED" if is_unsigned(config.signature_version) else config.signature_version
        return value, option_source(config, "signature_version")
    model = meta.service_model
    return model.signature_version, "service model (or the endpoint rule set's auth scheme per call)"


def _account_id_mode(config: Config, setting: Callable[[str], Row]) -> Row:
    from ._unsigned import is_unsigned

    if is_unsigned(config.signature_version):
        return "disabled", "unsigned client (Config(signature_version=UNSIGNED))"
    if config.account_id_endpoint_mode:
        return config.account_id_endpoint_mode.lower(), option_source(config, "account_id_endpoint_mode")
    return setting("account_id_endpoint_mode")


def _s3_rows(config: Config, settings: Any) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for name in settings.names():
        if name.startswith("s3."):
            resolved = settings.get(name)
            rows[name] = (resolved.value, resolved.source)
    block = settings.profile.get("s3")
    if block is not None and block.nested is not None:
        for key, located in block.nested.items():
            rows.setdefault(f"s3.{key}", (located.value, located.source))
    for key, value in (config.s3 or {}).items():
        rows[f"s3.{key}"] = (value, f"key {key!r} of {option_source(config, 's3')}")
    return rows


def _credentials(session: Any, kwargs: Mapping[str, Any], service_name: str) -> Row:
    if kwargs.get("aws_access_key_id") is not None or kwargs.get("aws_secret_access_key") is not None:
        from ..credentials._values import redact

        return f"explicit {redact(kwargs.get('aws_access_key_id') or '')}", \
            f"client('{service_name}') arguments aws_access_key_id/aws_secret_access_key"
    return session._explain_credentials()  # type: ignore[no-any-return]
