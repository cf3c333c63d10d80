"""``Session.client(...)``: apply boto3's precedence rules and build the client."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidRegionError
from ..config import is_unsigned
from ..config.client_config import effective_connect_timeout, option_is_set, settings_for_client
from ..customizations import customized_model, for_service
from ..models import service_model_for
from ..retries import RetrySettings, resolve_retry_settings
from ._bodies import resolve_payload_settings, s3_express_disabled
from ._auth_schemes import AuthSettings
from ._build import ClientInputs, build_client
from ._endpoint_params import builtin_values
from ._useragent import PlatformInfo, user_agent

if TYPE_CHECKING:
    from ..session import Session

__all__ = ["create_client"]

_VALID_REGION = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$")


def _retry_settings(session: "Session", config: Any, settings: Any = None) -> RetrySettings:
    """Config(retries=...) first, then the session's max_attempts/retry_mode settings."""
    settings = settings if settings is not None else session._settings

    def setting(name: str) -> tuple[Any, str]:
        resolved = settings.get(name)
        return resolved.value, resolved.source

    retries = getattr(config, "retries", None) if config is not None else None
    new_retries = session._env.get("AWS_NEW_RETRIES_2026", "").lower() == "true"
    return resolve_retry_settings(retries, setting, new_retries=new_retries)


def _client_regions(
    session: "Session", prefix: str, region: str | None, endpoint_url: str | None, s3: dict[str, Any],
) -> tuple[str | None, str | None]:
    """(``meta.region_name``, the rule set's ``AWS::Region``), derived as botocore does.

    The catalogue names the endpoint (IAM in us-east-1 is ``aws-global``); S3 in
    us-east-1 with the legacy setting uses the global endpoint but keeps reporting
    us-east-1; S3 and STS feed the catalogue's answer to the rule set, others the
    region the user gave (when they gave one).
    """
    from ..models.regions import client_region

    lookup = region
    force_s3_global = prefix == "s3" and s3.get("us_east_1_regional_endpoint", "legacy") == "legacy" \
        and region in ("us-east-1", None)
    if force_s3_global:
        lookup = None
    endpoint_region = client_region(session._loader, prefix, lookup)
    if force_s3_global and endpoint_region == "aws-global":
        endpoint_region = "us-east-1"
    meta_region = region if endpoint_url is not None else endpoint_region
    if meta_region is None and prefix == "s3":  # a custom S3 endpoint still signs for us-east-1
        meta_region = endpoint_region
    if prefix in ("s3", "sts") or region is None:
        return meta_region, endpoint_region if endpoint_url is None else (region or endpoint_region)
    return meta_region, region


def _endpoint_discovery(config: Any, get: Any) -> Any:
    """endpoint_discovery_enabled: the Config's (checked as botocore does), else the profile's."""
    value = getattr(config, "endpoint_discovery_enabled", None)
    if value is None:
        return get("endpoint_discovery_enabled")
    if isinstance(value, str) and value.lower().strip() in ("auto", "true", "false"):
        lowered = value.lower().strip()
        return "auto" if lowered == "auto" else lowered == "true"
    if isinstance(value, bool):
        return value
    from ..exceptions import InvalidEndpointDiscoveryConfigurationError

    raise InvalidEndpointDiscoveryConfigurationError(config_value=value)


def _client_user_agent(
    session: "Session", config: Any, retry_mode: str, endpoint_url: str | None, client_key: str | None,
) -> str:
    """The client's User-Agent (UA 2.1, see ``_useragent``), with the features botocore reports."""
    features = [f"RETRY_MODE_{retry_mode.upper()}"]
    if endpoint_url is not None:
        features.append("ENDPOINT_OVERRIDE")
    if client_key is not None or session._args.get("aws_access_key_id") is not None:
        features.append("CREDENTIALS_CODE")
    return user_agent(
        retry_mode=retry_mode,
        features=features,
        appid=getattr(config, "user_agent_appid", None) or session.get_config_variable("user_agent_appid"),
        extra=getattr(config, "user_agent_extra", None),
        override=getattr(config, "user_agent", None),
        platform=PlatformInfo.current(session._env),
    )


def _client_context(config: Any, get: Any, s3_config: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Config's client context params; for S3, ``s3_disable_express_session_auth`` too
    (botocore passes it as the rule set's ``DisableS3ExpressSessionAuth``)."""
    params = dict(getattr(config, "client_context_params", None) or {})
    if prefix == "s3":
        disabled = s3_express_disabled(config, get, s3_config)
        if disabled is not None:
            params["DisableS3ExpressSessionAuth"] = disabled
    return params


def create_client(
    session: "Session", service_name: str, *, region_name: str | None, api_version: str | None,
    use_ssl: bool | None, verify: bool | str | None, endpoint_url: str | None,
    aws_access_key_id: str | None, aws_secret_access_key: str | None, aws_session_token: str | None,
    config: Any, aws_account_id: str | None, base: Any = None,
) -> Any:
    """A client of ``session``'s; ``base`` None gives the blocking client, squall.aio's
    base class the asyncio one (same inputs, its transport and coroutine methods)."""
    from ..config import Config
    from ..config.endpoint_url import resolve_endpoint_url

    transport_class: Any
    if base is None:
        from ..http import Urllib3Transport as transport_class
    else:
        from ..http._aiohttp import AiohttpTransport as transport_class

    rebuild_kwargs = {
        "region_name": region_name, "api_version": api_version, "use_ssl": use_ssl, "verify": verify,
        "endpoint_url": endpoint_url, "aws_access_key_id": aws_access_key_id,
        "aws_secret_access_key": aws_secret_access_key, "aws_session_token": aws_session_token,
        "config": config, "aws_account_id": aws_account_id,
    }
    loader = session._loader
    model = customized_model(service_model_for(loader, service_name, api_version), for_service(service_name))
    given_config = config
    if config is None:
        config = Config()

    region = region_name or getattr(config, "region_name", None) or session.region_name
    fips_region = region is not None and ("fips-" in region or "-fips" in region)
    if fips_region:  # a FIPS pseudo region: the real one, with FIPS endpoints (as botocore)
        region = region.replace("fips-", "").replace("-fips", "")  # type: ignore[union-attr]
    if region is not None and not _VALID_REGION.match(region):
        raise InvalidRegionError(region_name=region)

    configured = resolve_endpoint_url(
        model.service_id, session._env, session._shared, session._profile_name,
        endpoint_url=endpoint_url,
        ignore_configured_endpoint_urls=getattr(config, "ignore_configured_endpoint_urls", None),
    )
    final_endpoint = configured.value if configured is not None else None
    if final_endpoint is not None and "://" not in final_endpoint:
        final_endpoint = ("https://" if use_ssl is not False else "http://") + final_endpoint

    settings = settings_for_client(session._settings, config, env=session._env, region=region,
                                   imds_region=session._imds_region)
    get = settings.value
    s3_config = dict(settings.s3_config() or {})
    if getattr(config, "s3", None):
        s3_config.update(config.s3)
    meta_region, rules_region = _client_regions(session, model.endpoint_prefix, region, final_endpoint, s3_config)
    use_fips = True if fips_region else getattr(config, "use_fips_endpoint", None)
    use_dualstack = getattr(config, "use_dualstack_endpoint", None)

    # Client-level keys win over the Session's chain; otherwise resolve lazily per call.
    if aws_access_key_id is not None or aws_secret_access_key is not None:
        from ..credentials import ExplicitProvider  # the providers load on first need

        creds = ExplicitProvider(
            aws_access_key_id, aws_secret_access_key, aws_session_token, aws_account_id,
            where=f"client('{service_name}')",
        ).load()
        frozen = creds.get_frozen_credentials()  # type: ignore[union-attr]
        get_credentials = lambda: frozen  # noqa: E731
        account_id = aws_account_id
    else:
        def get_credentials() -> Any:
            return session._require_credentials().get_frozen_credentials()
        account_id = None  # each call reads it from its credentials (EndpointInputs.account_id_param)
    account_id_mode = getattr(config, "account_id_endpoint_mode", None) or get("account_id_endpoint_mode")

    builtins = builtin_values(
        region=rules_region,
        endpoint_url=final_endpoint,
        use_fips=use_fips if use_fips is not None else bool(get("use_fips_endpoint")),
        use_dualstack=use_dualstack if use_dualstack is not None else bool(get("use_dualstack_endpoint")),
        sts_regional_endpoints=get("sts_regional_endpoints"),
        s3=s3_config,
        account_id=account_id,
        account_id_endpoint_mode=account_id_mode,
    )
    retry = _retry_settings(session, config, settings)
    retry_mode, max_attempts = retry.mode, retry.total_max_attempts
    # botocore: a Config can only turn validation off; otherwise the profile decides.
    parameter_validation = False if not getattr(config, "parameter_validation", True) else get("parameter_validation")
    inject_host_prefix = getattr(config, "inject_host_prefix", True)
    if get("disable_host_prefix_injection") and not option_is_set(config, "inject_host_prefix"):
        inject_host_prefix = False  # the setting only applies when the Config leaves it unset
    signature_version = getattr(config, "signature_version", None)
    unsigned = is_unsigned(signature_version)
    if verify is None:
        verify = get("ca_bundle") or True
    transport = transport_class(
        max_pool_connections=getattr(config, "max_pool_connections", 10) or 10,
        connect_timeout=effective_connect_timeout(given_config, (get("connect_timeout"), ""))[0],
        read_timeout=getattr(config, "read_timeout", 60),
        verify=verify,
        proxies=getattr(config, "proxies", None),
        proxies_config=getattr(config, "proxies_config", None),
        client_cert=getattr(config, "client_cert", None),
        tcp_keepalive=bool(getattr(config, "tcp_keepalive", None) or get("tcp_keepalive")),
    )
    try:
        partition = session.get_partition_for_region(meta_region) if meta_region else "aws"
    except Exception:
        partition = "aws"
    inputs = ClientInputs(
        service_name=service_name,
        service_model=model,
        loader=loader,
        region_name=meta_region,
        endpoint_url=final_endpoint,
        endpoint_source=configured.source if configured is not None else
        f"endpoint rule set of {service_name} (region {region})",
        builtins=builtins,
        client_context_params=_client_context(config, get, s3_config, model.endpoint_prefix),
        config=config,
        partition=partition,
        retry_mode=retry_mode,
        max_attempts=max_attempts,
        new_retries=retry.new_retries,
        parameter_validation=parameter_validation is not False,
        inject_host_prefix=inject_host_prefix is not False,
        user_agent=_client_user_agent(session, config, retry_mode, final_endpoint, aws_access_key_id),
        unsigned=unsigned,
        account_id_from_credentials=not unsigned and account_id is None and str(account_id_mode).lower() != "disabled",
        events=session.events,
        payload=resolve_payload_settings(config, get, s3_config),
        auth=AuthSettings.resolve(config, get, env=session._env, signing_name=model.signing_name,
                                  metadata=model.metadata),
        # As botocore: an endpoint_url argument (not one from the environment) turns it off.
        endpoint_discovery=None if endpoint_url is not None else _endpoint_discovery(config, get),
    )
    def get_auth_token(signing_name: str, needed_by: str) -> Any:  # bearer-signed calls only
        return session._token_resolver().require(signing_name, needed_by)

    return build_client(inputs, transport=transport, get_credentials=get_credentials,
                        rebuild=(session, service_name, rebuild_kwargs), get_auth_token=get_auth_token,
                        base=base)
