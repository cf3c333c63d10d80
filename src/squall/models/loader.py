"""Load model data files (service-2, paginators-1, waiters-2, endpoint rule sets, ...).

Every file is parsed once per process and shared: the returned objects must be treated
as read-only. A Loader is a cheap value (its search path); the cache is keyed by path.
"""
from __future__ import annotations

import gzip
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from ..exceptions import DataNotFoundError, UnknownServiceError
from ._locate import search_paths

__all__ = ["Loader", "load_json_file"]

_file_cache: dict[str, Any] = {}
_file_cache_lock = threading.Lock()
_MISSING = object()


def load_json_file(path_without_ext: str) -> Any:
    """Parse ``<path>.json`` or ``<path>.json.gz`` once per process; None if neither exists."""
    cached = _file_cache.get(path_without_ext, _MISSING)
    if cached is not _MISSING:
        return cached
    data = None
    for suffix, opener in ((".json", open), (".json.gz", gzip.open)):
        full = path_without_ext + suffix
        if os.path.isfile(full):
            with opener(full, "rb") as fh:  # type: ignore[operator]
                raw = fh.read()
            try:
                data = json.loads(raw)
            except ValueError as exc:
                raise DataNotFoundError(data_path=f"{full} (invalid JSON: {exc})") from exc
            break
    with _file_cache_lock:
        return _file_cache.setdefault(path_without_ext, data)


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True, slots=True)
class Loader:
    """Finds model files along a search path (see ``_locate.search_paths``)."""

    paths: tuple[str, ...]

    @classmethod
    def from_data_path(cls, aws_data_path: str | None = None) -> "Loader":
        return cls(search_paths(aws_data_path))

    def list_available_services(self, type_name: str) -> list[str]:
        return list(_list_services(self.paths, type_name))

    def api_versions(self, service_name: str, type_name: str) -> list[str]:
        versions: set[str] = set()
        for base in self.paths:
            service_dir = os.path.join(base, service_name)
            if not os.path.isdir(service_dir):
                continue
            for version in os.listdir(service_dir):
                stem = os.path.join(service_dir, version, type_name)
                if os.path.isfile(stem + ".json") or os.path.isfile(stem + ".json.gz"):
                    versions.add(version)
        return sorted(versions)

    def latest_version(self, service_name: str, type_name: str) -> str:
        versions = self.api_versions(service_name, type_name)
        if not versions:
            raise DataNotFoundError(data_path=f"{service_name}/*/{type_name}")
        return versions[-1]

    def load_data(self, relative: str) -> Any:
        """The first ``<search path>/<relative>.json[.gz]`` found, parsed."""
        for base in self.paths:
            data = load_json_file(os.path.join(base, relative))
            if data is not None:
                return data
        raise DataNotFoundError(data_path=relative)

    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        known = self.list_available_services(type_name)
        if service_name not in known:
            raise UnknownServiceError(
                service_name=service_name, known_service_names=", ".join(known)
            )
        if api_version is None:
            api_version = self.latest_version(service_name, type_name)
        relative = os.path.join(service_name, api_version, type_name)
        model = self.load_data(relative)
        # sdk-extras overlays (e.g. paginators-1.sdk-extras.json) are merged into a copy.
        for base in self.paths:
            extras = load_json_file(os.path.join(base, service_name, api_version, type_name + ".sdk-extras"))
            if extras is not None:
                if "merge" in extras:
                    model = _deep_merge(model, extras["merge"])
                break
        return model


_services_cache: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}


def _list_services(paths: tuple[str, ...], type_name: str) -> tuple[str, ...]:
    key = (paths, type_name)
    cached = _services_cache.get(key)
    if cached is not None:
        return cached
    found: set[str] = set()
    for base in paths:
        if not os.path.isdir(base):
            continue
        for name in os.listdir(base):
            service_dir = os.path.join(base, name)
            if not os.path.isdir(service_dir):
                continue
            for version in os.listdir(service_dir):
                stem = os.path.join(service_dir, version, type_name)
                if os.path.isfile(stem + ".json") or os.path.isfile(stem + ".json.gz"):
                    found.add(name)
                    break
    result = tuple(sorted(found))
    _services_cache[key] = result
    return result
