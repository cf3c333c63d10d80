"""Profiles from the shared config and credentials files, merged as botocore merges them.

* Config file: ``[default]`` and ``[profile NAME]`` are profiles (``NAME`` is split like a
  shell word, so ``[profile "my dev"]`` is ``my dev``); ``[sso-session NAME]`` and
  ``[services NAME]`` are kept apart; any other section is kept as-is. When both
  ``[default]`` and ``[profile default]`` exist, the one later in the file wins whole.
* Credentials file: every section is a profile named exactly as written
  (``[profile x]`` there is a profile called ``profile x``).
* A key set in both files for the same profile takes the credentials file's value.

Paths: ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE`` or ``~/.aws/config`` /
``~/.aws/credentials``; ``$VARS`` and ``~`` are expanded from the given environment.
A missing file is an empty file.
"""
from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any

from ..exceptions import ProfileNotFound
from ._ini import FrozenMap, IniFile, Located, load_ini_file

__all__ = [
    "Section", "Profile", "SharedConfig", "Located", "expand_path",
    "DEFAULT_CONFIG_FILE", "DEFAULT_CREDENTIALS_FILE",
]

DEFAULT_CONFIG_FILE = "~/.aws/config"
DEFAULT_CREDENTIALS_FILE = "~/.aws/credentials"


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One named group of keys: a profile, an sso-session, a services block, ..."""

    name: str
    values: FrozenMap[str, Located] = field(default_factory=FrozenMap)

    def get(self, key: str) -> Located | None:
        return self.values.get(key)

    def get_value(self, key: str, default: Any = None) -> Any:
        """The botocore-shaped value (str or dict for an indented block), or ``default``."""
        located = self.values.get(key)
        return default if located is None else located.plain()

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def keys(self) -> list[str]:
        return list(self.values)

    def as_dict(self) -> dict[str, Any]:
        """The section as botocore's plain dict (what ``get_scoped_config()`` returns)."""
        return {key: located.plain() for key, located in self.values.items()}


# A profile is a section; the alias names what callers get from ``SharedConfig.profiles``.
Profile = Section

_VAR_RE = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)


def expand_path(path: str, env: Mapping[str, str]) -> str:
    """``os.path.expandvars`` then ``expanduser``, but reading ``env``, not os.environ."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("{"):
            name = name[1:-1]
        return env.get(name, match.group(0))

    if "$" in path:
        path = _VAR_RE.sub(replace, path)
    if not path.startswith("~"):
        return path
    seps = "/" + ("\\" if os.name == "nt" else "")
    if len(path) == 1 or path[1] in seps:
        if os.name == "nt":
            home = env.get("USERPROFILE") or env.get("HOME")
        else:
            home = env.get("HOME")
        if home is None:
            home = _account_home()
        if home is not None:
            return (home.rstrip(seps) + path[1:]) or "/"
    # ~user/...: the account database, as os.path.expanduser does.
    return os.path.expanduser(path)


def _account_home() -> str | None:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, AttributeError):
        return None


def _section_name(header: str) -> str | None:
    # botocore: shlex-split the header and accept exactly two words.
    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedConfig:
    """The shared config and credentials files of one environment (immutable).

    ``config_path``/``credentials_path`` are the paths as given (e.g. ``~/.aws/config``);
    sources name them that way. ``*_source`` says where each path came from.
    """

    config_path: str = DEFAULT_CONFIG_FILE
    credentials_path: str = DEFAULT_CREDENTIALS_FILE
    config_path_source: str = "built-in default"
    credentials_path_source: str = "built-in default"
    profiles: FrozenMap[str, Profile] = field(default_factory=FrozenMap)
    sso_sessions: FrozenMap[str, Section] = field(default_factory=FrozenMap)
    services: FrozenMap[str, Section] = field(default_factory=FrozenMap)
    sections: FrozenMap[str, Section] = field(default_factory=FrozenMap)

    @classmethod
    def load(
        cls,
        env: Mapping[str, str],
        *,
        config_file: str | None = None,
        credentials_file: str | None = None,
    ) -> "SharedConfig":
        """Read both files (cached per file version). Explicit paths beat the env vars."""
        config_path, config_source = _pick_path(config_file, env, "AWS_CONFIG_FILE", DEFAULT_CONFIG_FILE)
        creds_path, creds_source = _pick_path(
            credentials_file, env, "AWS_SHARED_CREDENTIALS_FILE", DEFAULT_CREDENTIALS_FILE
        )
        config_ini = _load(config_path, env)
        creds_ini = _load(creds_path, env)
        return cls.from_files(
            config_ini, creds_ini,
            config_path=config_path, credentials_path=creds_path,
            config_path_source=config_source, credentials_path_source=creds_source,
        )

    @classmethod
    def from_files(
        cls,
        config_ini: IniFile | None,
        credentials_ini: IniFile | None,
        *,
        config_path: str = DEFAULT_CONFIG_FILE,
        credentials_path: str = DEFAULT_CREDENTIALS_FILE,
        config_path_source: str = "built-in default",
        credentials_path_source: str = "built-in default",
    ) -> "SharedConfig":
        """Build from already parsed files (either may be None for a missing file)."""
        profiles: dict[str, dict[str, Located]] = {}
        sso_sessions: dict[str, Section] = {}
        services: dict[str, Section] = {}
        others: dict[str, Section] = {}
        if config_ini is not None:
            for header, values in config_ini.sections.items():
                # Same prefix tests, in the same order, as botocore's build_profile_map.
                if header.startswith("profile"):
                    name = _section_name(header)
                    if name is not None:
                        profiles[name] = dict(values)
                elif header.startswith("sso-session"):
                    name = _section_name(header)
                    if name is not None:
                        sso_sessions[name] = Section(name=name, values=values)
                elif header.startswith("services"):
                    name = _section_name(header)
                    if name is not None:
                        services[name] = Section(name=name, values=values)
                elif header == "default":
                    profiles["default"] = dict(values)
                else:
                    others[header] = Section(name=header, values=values)
        if credentials_ini is not None:
            for header, values in credentials_ini.sections.items():
                profiles.setdefault(header, {}).update(values)
        return cls(
            config_path=config_path,
            credentials_path=credentials_path,
            config_path_source=config_path_source,
            credentials_path_source=credentials_path_source,
            profiles=FrozenMap({n: Section(name=n, values=FrozenMap(v)) for n, v in profiles.items()}),
            sso_sessions=FrozenMap(sso_sessions),
            services=FrozenMap(services),
            sections=FrozenMap(others),
        )

    @property
    def available_profiles(self) -> list[str]:
        return list(self.profiles)

    def profile(self, name: str) -> Profile:
        """The named profile; ``ProfileNotFound`` names both files when it is missing."""
        found = self.profiles.get(name)
        if found is None:
            raise ProfileNotFound(
                profile=name, searched=f"{self.config_path} or {self.credentials_path}"
            )
        return found

    def scoped_profile(self, name: str | None) -> Profile:
        """botocore's ``get_scoped_config``: a named profile must exist; with no name,
        the default profile, or an empty one when there is none."""
        if name is None:
            return self.profiles.get("default") or Section(name="default")
        return self.profile(name)

    def services_for(self, profile: Profile) -> Section | None:
        """The ``[services X]`` section a profile names with ``services = X``, if any."""
        ref = profile.get("services")
        if ref is None:
            return None
        return self.services.get(ref.value)

    def to_botocore_dict(self) -> dict[str, Any]:
        """The same structure as botocore's ``Session.full_config``."""
        full: dict[str, Any] = {name: s.as_dict() for name, s in self.sections.items()}
        full["profiles"] = {name: p.as_dict() for name, p in self.profiles.items()}
        full["sso_sessions"] = {name: s.as_dict() for name, s in self.sso_sessions.items()}
        full["services"] = {name: s.as_dict() for name, s in self.services.items()}
        return full


def _pick_path(
    explicit: str | None, env: Mapping[str, str], var: str, default: str
) -> tuple[str, str]:
    if explicit is not None:
        return explicit, "explicit argument"
    if var in env:
        return env[var], f"environment variable {var}"
    return default, "built-in default"


def _load(display_path: str, env: Mapping[str, str]) -> IniFile | None:
    if not display_path:
        return None
    return load_ini_file(expand_path(display_path, env), display_path)
