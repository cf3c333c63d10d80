"""Load and cache rule sets and partitions from the model data (the only file access).

Compiled rule sets and Partitions are immutable, so one per (search path, service,
api version) is kept for the whole process and shared by every client and thread.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ._partitions import Partitions
from ._ruleset import EndpointRuleSet

if TYPE_CHECKING:
    from ..models.loader import Loader

__all__ = ["load_partitions", "load_ruleset"]

RULESET_TYPE = "endpoint-rule-set-1"

_lock = threading.Lock()
_rulesets: dict[tuple[tuple[str, ...], str, str], EndpointRuleSet] = {}
_partitions: dict[tuple[str, ...], Partitions] = {}


def _default_loader(loader: "Loader | None") -> "Loader":
    if loader is not None:
        return loader
    from ..models.loader import Loader

    return Loader.from_data_path()


def load_partitions(loader: "Loader | None" = None) -> Partitions:
    """The Partitions of ``partitions.json`` along the loader's search path (cached)."""
    loader = _default_loader(loader)
    found = _partitions.get(loader.paths)
    if found is not None:
        return found
    built = Partitions.from_dict(loader.load_data("partitions"))
    with _lock:  # first one wins; a racing duplicate is simply dropped
        return _partitions.setdefault(loader.paths, built)


def load_ruleset(
    service_name: str, api_version: str | None = None, loader: "Loader | None" = None
) -> EndpointRuleSet:
    """The compiled rule set of ``service_name`` (newest api version by default), cached."""
    loader = _default_loader(loader)
    if api_version is None:
        api_version = loader.latest_version(service_name, RULESET_TYPE)
    key = (loader.paths, service_name, api_version)
    found = _rulesets.get(key)
    if found is not None:
        return found
    # Compile outside the lock: other services need not wait for a large rule set.
    built = EndpointRuleSet(loader.load_service_model(service_name, RULESET_TYPE, api_version))
    with _lock:
        return _rulesets.setdefault(key, built)
