"""Configured endpoint URLs: which endpoint a client uses when one is configured.

Order (botocore's ``ConfiguredEndpointProvider`` and the SDKs' shared spec):

1. the client's ``endpoint_url`` argument (always wins, even over "ignore");
2. nothing else if ``ignore_configured_endpoint_urls`` is true (client ``Config``, then
   ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``, then the profile);
3. ``AWS_ENDPOINT_URL_<SERVICE>``, e.g. ``AWS_ENDPOINT_URL_DYNAMODB``;
4. ``AWS_ENDPOINT_URL``;
5. ``endpoint_url`` under the service's key in the ``[services NAME]`` section the
   profile names with ``services = NAME``;
6. the profile's own ``endpoint_url``.

Empty values are skipped. ``<SERVICE>`` and the services key come from the service ID
("API Gateway" -> ``api_gateway`` / ``AWS_ENDPOINT_URL_API_GATEWAY``).
"""
from __future__ import annotations

from collections.abc import Mapping

from ..exceptions import InvalidConfigError
from .profiles import Profile, SharedConfig
from .settings import EXPLICIT, SETTINGS_BY_NAME, Resolved, _Failure, _resolve_one

__all__ = ["transform_service_id", "endpoint_env_var", "resolve_endpoint_url", "resolve_ignore_configured"]


def transform_service_id(service_id: str) -> str:
    """The key used in ``[services]`` sections: lower case, spaces to underscores."""
    return service_id.replace(" ", "_").replace("-", "_").lower()


def endpoint_env_var(service_id: str) -> str:
    return "AWS_ENDPOINT_URL_" + transform_service_id(service_id).upper()


def resolve_ignore_configured(
    env: Mapping[str, str],
    profile: Profile,
    explicit: bool | Resolved | None = None,
) -> Resolved:
    """``ignore_configured_endpoint_urls``: explicit, then env var, then profile; default off."""
    given: dict[str, Resolved] = {}
    if isinstance(explicit, Resolved):
        if explicit.value is not None:
            given["ignore_configured_endpoint_urls"] = explicit
    elif explicit is not None:
        given["ignore_configured_endpoint_urls"] = Resolved(explicit, EXPLICIT)
    spec = SETTINGS_BY_NAME["ignore_configured_endpoint_urls"]
    entry = _resolve_one(spec, given, env, profile, None)
    if isinstance(entry, _Failure):  # pragma: no cover - ensure_boolean never fails
        raise entry.error()
    return entry


def resolve_endpoint_url(
    service_id: str,
    env: Mapping[str, str],
    shared_config: SharedConfig,
    profile: Profile | str | None = None,
    *,
    endpoint_url: str | None = None,
    ignore_configured_endpoint_urls: bool | Resolved | None = None,
) -> Resolved | None:
    """The endpoint URL configured for a service, with its source; None when none is.

    ``profile`` is a Profile, a profile name, or None for the default profile;
    ``endpoint_url`` and ``ignore_configured_endpoint_urls`` are the client's arguments.
    Raises ``InvalidConfigError`` if the profile names a services section that is not in
    the config file (only when the lookup gets that far, as botocore).
    """
    if endpoint_url is not None:
        return Resolved(endpoint_url, "endpoint_url argument")
    if not isinstance(profile, Profile):
        profile = shared_config.scoped_profile(profile)
    if resolve_ignore_configured(env, profile, ignore_configured_endpoint_urls).value:
        return None
    service_var = endpoint_env_var(service_id)
    for var in (service_var, "AWS_ENDPOINT_URL"):
        value = env.get(var)
        if value:
            return Resolved(value, f"environment variable {var}")
    found = _from_services_section(service_id, shared_config, profile)
    if found is not None:
        return found
    located = profile.get("endpoint_url")
    if located is not None and located.nested is None and located.value:
        return Resolved(located.value, located.source)
    return None


def _from_services_section(
    service_id: str, shared_config: SharedConfig, profile: Profile
) -> Resolved | None:
    ref = profile.get("services")
    if ref is None:
        return None
    section = shared_config.services.get(ref.value)
    if section is None or not section.values:
        raise InvalidConfigError(
            error_msg=(
                f'The profile is configured to use the services section but the "{ref.value}" '
                f"services configuration does not exist (services = {ref.value} at {ref.source}; "
                f"expected a [services {ref.value}] section in {shared_config.config_path})."
            )
        )
    entry = section.get(transform_service_id(service_id))
    if entry is None:
        return None
    if entry.nested is None:
        raise InvalidConfigError(
            error_msg=(
                f"{entry.source}: '{entry.key}' in a services section must be an indented "
                f"block of settings (e.g. '{entry.key} =' then '  endpoint_url = ...')"
            )
        )
    url = entry.nested.get("endpoint_url")
    if url is None or not url.value:
        return None
    return Resolved(url.value, url.source)

