"""The AWS CLI's JSON caches, shared with the CLI: file names, keys, read and write.

* ``~/.aws/cli/cache/<sha1>.json``: assume-role, web-identity and SSO role credentials;
  the key is the SHA-1 of the JSON of the call's arguments, exactly as botocore's
  fetchers compute it (so the CLI and squall find each other's entries).
* ``~/.aws/sso/cache/<sha1(start URL or session name)>.json``: SSO access tokens.
* ``AWS_LOGIN_CACHE_DIRECTORY`` or ``~/.aws/login/cache``, ``<sha256(session)>.json``:
  ``aws login`` sessions.

Reads and writes are effects; a write is atomic (temp file + rename) with mode 0600.
A corrupt or unreadable entry is treated as missing.
"""
from __future__ import annotations

import copy
import json
import logging
import os
from typing import Any, Mapping

from ..config.profiles import expand_path
from ._common import json_dumps
from ._effects import Flow, ReadFile, WriteFile

__all__ = [
    "cli_cache_dir", "sso_cache_dir", "login_cache_dir", "assume_role_cache_key",
    "sso_credentials_cache_key", "sso_token_cache_key", "login_cache_key", "load_entry",
    "save_entry", "entry_path",
]

logger = logging.getLogger("squall.credentials")



def _hash(name: str, data: bytes) -> Any:
    import hashlib  # imported when a cache file is first named, not with the chain

    return hashlib.new(name, data)

def cli_cache_dir(env: Mapping[str, str]) -> str:
    return expand_path(os.path.join("~", ".aws", "cli", "cache"), env)


def sso_cache_dir(env: Mapping[str, str]) -> str:
    return expand_path(os.path.join("~", ".aws", "sso", "cache"), env)


def login_cache_dir(env: Mapping[str, str]) -> str:
    if "AWS_LOGIN_CACHE_DIRECTORY" in env:
        return expand_path(env["AWS_LOGIN_CACHE_DIRECTORY"], env)
    return expand_path(os.path.join("~", ".aws", "login", "cache"), env)


def _file_safe(name: str) -> str:
    return name.replace(":", "_").replace(os.sep, "_").replace("/", "_")


def assume_role_cache_key(kwargs: Mapping[str, Any], *, generated_session_name: bool) -> str:
    """botocore's key: SHA-1 of ``json.dumps(args, sort_keys=True)`` (default separators),
    without a generated RoleSessionName and with a Policy parsed so its keys sort."""
    args = copy.deepcopy(dict(kwargs))
    if generated_session_name:
        args.pop("RoleSessionName", None)
    if "Policy" in args:
        args["Policy"] = json.loads(args["Policy"])
    return _file_safe(_hash("sha1", json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest())


def sso_credentials_cache_key(
    *, role_name: str, account_id: str, start_url: str, session_name: str | None,
) -> str:
    args = {"roleName": role_name, "accountId": account_id}
    if session_name:
        args["sessionName"] = session_name
    else:
        args["startUrl"] = start_url
    text = json.dumps(args, sort_keys=True, separators=(",", ":"))
    return _file_safe(_hash("sha1", text.encode("utf-8")).hexdigest())


def sso_token_cache_key(start_url: str, session_name: str | None) -> str:
    return _hash("sha1", (session_name if session_name is not None else start_url).encode("utf-8")).hexdigest()


def login_cache_key(session_name: str) -> str:
    return _hash("sha256", session_name.encode("utf-8")).hexdigest()


def entry_path(directory: str, key: str) -> str:
    return os.path.join(directory, key + ".json")


def load_entry(directory: str, key: str) -> Flow[dict[str, Any] | None]:
    """The cached JSON object, or None if absent, unreadable or not a JSON object."""
    path = entry_path(directory, key)
    try:
        text = yield ReadFile(path)
    except OSError:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        logger.debug("Ignoring unreadable cache entry %s", path)
        return None
    return value if isinstance(value, dict) else None


def save_entry(directory: str, key: str, value: Any) -> Flow[None]:
    """Write an entry; a failure is logged, never fatal (the credentials are still good)."""
    path = entry_path(directory, key)
    try:
        yield WriteFile(path, json_dumps(value))
    except OSError as exc:
        logger.warning("Could not write credential cache %s: %s", path, exc)
