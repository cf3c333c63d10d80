"""Configuration: shared config/credentials files, settings with their sources,
configured endpoint URLs, and the client ``Config`` class.

Nothing here reads the process environment by itself: every function takes ``env``
(callers pass ``os.environ``), so results are reproducible and safe to cache.
"""
from __future__ import annotations

from ._ini import FrozenMap, IniFile, Located, clear_cache, load_ini_file, parse_ini
from ._unsigned import UNSIGNED, is_unsigned
from .client_config import Config
from .endpoint_url import endpoint_env_var, resolve_endpoint_url, resolve_ignore_configured, transform_service_id
from .profiles import Profile, Section, SharedConfig, expand_path
from .settings import (
    SETTINGS,
    SETTINGS_BY_NAME,
    Resolved,
    SettingSpec,
    Settings,
    defaults_for_mode,
    ensure_boolean,
    resolve_settings,
)

__all__ = [
    "UNSIGNED", "is_unsigned",
    "Config", "SharedConfig", "Profile", "Section", "Located", "FrozenMap", "IniFile",
    "parse_ini", "load_ini_file", "clear_cache", "expand_path",
    "Resolved", "SettingSpec", "Settings", "SETTINGS", "SETTINGS_BY_NAME",
    "resolve_settings", "defaults_for_mode", "ensure_boolean",
    "resolve_endpoint_url", "resolve_ignore_configured", "transform_service_id", "endpoint_env_var",
]
