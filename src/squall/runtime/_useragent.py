"""The ``User-Agent`` header, in AWS's UA 2.1 format, built once per client.

::

    squall/0.1.0 ua/2.1 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython
    [exec-env/<AWS_EXECUTION_ENV>] [m/<feature ids>] cfg/retry-mode#<mode> [app/<appid>] [<extra>]

Fields and sanitising follow botocore's ``useragent.py``: in ``prefix/name#value``
components every character outside ``A-Za-z0-9!$%&'*+-.^_`|~,`` becomes ``-`` (``#`` is
kept in prefixes and values), the ``app/`` id is sanitised the same way, and the
``user_agent_extra`` strings are appended verbatim. ``Config(user_agent=...)`` replaces
the whole string except the extras, as in botocore. The feature list (``m/``) holds the
client-level features botocore reports with the same ids (retry mode, endpoint override,
credentials given in code); per-call features (paginator, waiter, checksums) are not
reported, because the string is built once per client.
"""
from __future__ import annotations

import os
import sys
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from string import ascii_letters, digits
from typing import Iterable, Mapping


__all__ = ["PlatformInfo", "user_agent", "sanitize", "FEATURE_IDS"]

SDK_NAME = "squall"
_ALLOWED = frozenset(ascii_letters + digits + "!$%&'*+-.^_`|~,")
_OS_NAMES = frozenset({"windows", "linux", "macos", "android", "ios", "watchos", "tvos", "other"})
_OS_ALIASES = {"darwin": "macos"}
_FEATURES_MAX_BYTES = 1024

# AWS's business-metric ids (the subset a client can know when it is made).
FEATURE_IDS: Mapping[str, str] = {
    "RETRY_MODE_LEGACY": "D",
    "RETRY_MODE_STANDARD": "E",
    "RETRY_MODE_ADAPTIVE": "F",
    "ENDPOINT_OVERRIDE": "N",
    "ACCOUNT_ID_MODE_PREFERRED": "P",
    "ACCOUNT_ID_MODE_DISABLED": "Q",
    "ACCOUNT_ID_MODE_REQUIRED": "R",
    "CREDENTIALS_CODE": "e",
}


def sanitize(text: str, *, allow_hash: bool) -> str:
    """Replace each character a UA token may not contain with ``-``."""
    return "".join(c if c in _ALLOWED or (allow_hash and c == "#") else "-" for c in text)


def _component(prefix: str, name: str, value: str | None = None) -> str:
    head = f"{sanitize(prefix, allow_hash=True)}/{sanitize(name, allow_hash=False)}"
    return f"{head}#{sanitize(value, allow_hash=True)}" if value else head


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformInfo:
    """Facts about the running interpreter and OS (a value, so tests can fix them)."""

    system: str | None
    release: str | None
    machine: str | None
    python_version: str
    python_implementation: str | None
    execution_env: str | None = None

    @classmethod
    def current(cls, env: Mapping[str, str] | None = None) -> "PlatformInfo":
        """This process; ``env`` supplies ``AWS_EXECUTION_ENV`` (the Session's view of the environment)."""
        system, release, machine, version, implementation = _platform_facts()
        return cls(
            system=system or None,
            release=release or None,
            machine=machine or None,
            python_version=version,
            python_implementation=implementation or None,
            execution_env=(env or {}).get("AWS_EXECUTION_ENV") or None,
        )


def _platform_facts() -> tuple[str, str, str, str, str]:
    """What ``platform.system/release/machine/python_version/python_implementation``
    answer. On Linux and macOS CPython that is ``os.uname()`` and ``sys.version``, read
    directly: importing platform costs more than the rest of making a client."""
    uname = getattr(os, "uname", None)
    version = sys.version.split()[0] if sys.version else ""
    if (uname is not None and sys.platform in ("linux", "darwin")
            and sys.implementation.name == "cpython" and version.count(".") == 2):
        info = uname()
        if info.sysname:
            return info.sysname, info.release, info.machine, version, "CPython"
    import platform

    return (platform.system(), platform.release(), platform.machine(),
            platform.python_version(), platform.python_implementation())


def _os_components(info: PlatformInfo) -> list[str]:
    if info.system is None:
        return [_component("os", "other")]
    lowered = info.system.lower()
    family = lowered if lowered in _OS_NAMES else _OS_ALIASES.get(lowered)
    if family is not None:
        return [_component("os", family, info.release)]
    return [_component("os", "other"), _component("md", info.system, info.release)]


def _features_component(features: Iterable[str]) -> str | None:
    ids: list[str] = []
    for feature in features:
        found = FEATURE_IDS.get(feature, feature if feature in FEATURE_IDS.values() else None)
        if found is not None and found not in ids:
            ids.append(found)
    if not ids:
        return None
    text = _component("m", ",".join(ids))
    while len(text.encode("utf-8")) > _FEATURES_MAX_BYTES and "," in text:
        text = text.rsplit(",", 1)[0]  # drop whole ids, never cut one in half
    return text


def user_agent(
    *,
    retry_mode: str | None = None,
    features: Iterable[str] = (),
    appid: str | None = None,
    extra: str | None = None,
    override: str | None = None,
    session_extra: str | None = None,
    platform: PlatformInfo | None = None,
    sdk_version: str | None = None,
) -> str:
    """The header value. ``features`` are names from ``FEATURE_IDS`` (or their ids);
    ``override`` is ``Config(user_agent=...)``; ``extra`` is ``Config(user_agent_extra=...)``."""
    extras = [e for e in (session_extra, extra) if e]
    if override is not None:
        return " ".join([override, *extras])
    if sdk_version is None:
        from .. import __version__  # the package is fully imported by now

        sdk_version = __version__
    info = platform if platform is not None else PlatformInfo.current()
    parts = [_component(SDK_NAME, sdk_version), "ua/2.1", *_os_components(info)]
    if info.machine:
        parts.append(_component("md", "arch", info.machine.lower()))
    parts.append(_component("lang", "python", info.python_version))
    if info.python_implementation:
        parts.append(_component("md", "pyimpl", info.python_implementation))
    if info.execution_env:
        parts.append(_component("exec-env", info.execution_env))
    found = _features_component(features)
    if found:
        parts.append(found)
    if retry_mode:
        parts.append(_component("cfg", "retry-mode", retry_mode))
    if appid:
        parts.append(f"app/{sanitize(appid, allow_hash=True)}")
    parts.extend(extras)
    return " ".join(parts)
