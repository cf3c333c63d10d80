"""Load model data files (service-2, paginators-1, waiters-2, endpoint rule sets, ...).

Every file is parsed once per process and shared: the returned objects must be treated
as read-only. A Loader is a cheap value (its search path); the cache is keyed by path.

Parsing JSON is most of the cost of a first client (EC2's model is 3.9 MB), so parsed
files are also kept on disk, in marshal form, under the user's cache directory (see
``_diskcache``); the JSON stays the source of truth and the cache is only a faster copy.
"""
from __future__ import annotations

import gzip
import json
import os
import threading
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import Any, Iterator, Mapping

from ..exceptions import DataNotFoundError, UnknownServiceError
from . import _diskcache
from ._locate import search_paths

__all__ = ["Loader", "load_json_file"]

_file_cache: dict[str, Any] = {}
_file_cache_lock = threading.Lock()
_MISSING = object()


def _read(full: str, compressed: bool) -> bytes:
    with open(full, "rb") as fh:
        raw = fh.read()
    if not compressed:
        return raw
    try:
        return gzip.decompress(raw)  # at once, not streamed in 8 KiB pieces: EC2's is 3.9 MB
    except (OSError, EOFError) as exc:  # a bad gzip stream
        raise DataNotFoundError(data_path=f"{full} (invalid gzip data: {exc})") from exc


def _parse(full: str, text: bytes) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DataNotFoundError(data_path=f"{full} (invalid JSON: {exc})") from exc


def load_json_file(path_without_ext: str) -> Any:
    """Parse ``<path>.json`` or ``<path>.json.gz`` once per process; None if neither exists."""
    cached = _file_cache.get(path_without_ext, _MISSING)
    if cached is not _MISSING:
        return cached
    data = None
    for suffix, compressed in ((".json", False), (".json.gz", True)):
        full = path_without_ext + suffix
        try:
            stat = os.stat(full)
        except OSError:
            continue
        data = _diskcache.load(full, stat, lambda: _read(full, compressed), lambda text: _parse(full, text))
        break
    with _file_cache_lock:
        return _file_cache.setdefault(path_without_ext, data)


def _deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> Mapping[str, Any]:
    overrides: dict[str, Any] = {}
    for key, value in extra.items():
        # Mapping, not dict: large parts of cached models are lazily decoded mappings.
        current = base.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            overrides[key] = _deep_merge(current, value)
        else:
            overrides[key] = value
    if isinstance(base, _diskcache.LazyEntries):
        # S3's overlay retypes one of ~800 shapes: copying the table would decode them all.
        return _Overlaid(base, overrides)
    merged = dict(base)
    merged.update(overrides)
    return merged


class _Overlaid(Mapping[str, Any]):
    """``base`` with some entries replaced or added, without reading the others."""

    __slots__ = ("_base", "_overrides")

    def __init__(self, base: Mapping[str, Any], overrides: dict[str, Any]) -> None:
        self._base = base
        self._overrides = overrides

    def __getitem__(self, key: str) -> Any:
        overrides = self._overrides
        return overrides[key] if key in overrides else self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._overrides or key in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        yield from (key for key in self._overrides if key not in self._base)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for key in self._overrides if key not in self._base)

    def __reduce__(self) -> Any:  # pickles and deep-copies as the plain dict it stands for
        return dict, ({key: self[key] for key in self},)


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
        return list(_api_versions(self.paths, service_name, type_name))

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
        # Look in this service's own folders only; listing every service (hundreds of
        # folders) is left to the error message.
        if not _api_versions(self.paths, service_name, type_name):
            known = self.list_available_services(type_name)
            raise UnknownServiceError(
                service_name=service_name, known_service_names=", ".join(known)
            )
        if api_version is None:
            api_version = self.latest_version(service_name, type_name)
        relative = os.path.join(service_name, api_version, type_name)
        model = self.load_data(relative)
        # sdk-extras overlays (e.g. paginators-1.sdk-extras.json) are merged into a copy,
        # once per (base model, overlay): callers key their own caches on the result's identity.
        for base in self.paths:
            extras = load_json_file(os.path.join(base, service_name, api_version, type_name + ".sdk-extras"))
            if extras is not None:
                if "merge" in extras:
                    key = (id(model), id(extras))
                    found = _merged_cache.get(key)
                    if found is None or found[0] is not model or found[1] is not extras:
                        found = (model, extras, _deep_merge(model, extras["merge"]))
                        with _file_cache_lock:
                            found = _merged_cache.setdefault(key, found)
                    model = found[2]
                break
        return model


# (id(base), id(overlay)) -> (base, overlay, merged); the parsed files live for the process.
_merged_cache: dict[tuple[int, int], tuple[Any, Any, Any]] = {}


_services_cache: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}
_versions_cache: dict[tuple[tuple[str, ...], str, str], tuple[str, ...]] = {}


def _api_versions(paths: tuple[str, ...], service_name: str, type_name: str) -> tuple[str, ...]:
    """Sorted api versions of one service that have a ``type_name`` file (cached)."""
    key = (paths, service_name, type_name)
    cached = _versions_cache.get(key)
    if cached is not None:
        return cached
    versions: set[str] = set()
    # A name with a path separator could escape the data folders; it names no service.
    if service_name and service_name not in (".", "..") and not any(
        sep in service_name for sep in (os.sep, os.altsep) if sep
    ):
        for base in paths:
            service_dir = os.path.join(base, service_name)
            try:
                entries = os.listdir(service_dir)
            except OSError:
                continue
            for version in entries:
                stem = os.path.join(service_dir, version, type_name)
                if os.path.isfile(stem + ".json") or os.path.isfile(stem + ".json.gz"):
                    versions.add(version)
    result = tuple(sorted(versions))
    _versions_cache[key] = result
    return result


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
