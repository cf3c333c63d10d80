"""A process-independent cache of parsed model files (used by ``loader`` only).

Parsing botocore's JSON is most of what a first client costs (EC2's model is 3.9 MB:
~8 ms to gunzip, ~22 ms to parse); boto3 pays it in every process. squall keeps each
file under ``$XDG_CACHE_HOME/squall/models`` (else ``~/.cache/squall/models``;
``%LOCALAPPDATA%`` on Windows):

* One cache file per source file, named by a hash of its path. Its header records what
  it was built from (source path, mtime, size, squall version, Python version, layout
  version); on any mismatch the source is read again and the entry rewritten, so an
  upgraded botocore or squall never sees stale data and old entries do not pile up.
* Written atomically (a temporary file renamed over the old one), so concurrent
  processes read either the old or the new entry, never a torn one.
* Best effort: an unwritable or corrupt cache falls back to reading the source.
* Large, sparsely used tables -- a service model's ``shapes`` and ``operations``, the
  endpoint catalogue's per-partition ``services`` -- are never parsed whole. ``_jsonindex``
  finds where each entry's JSON starts and ends (a client for EC2 reads a few dozen of
  its ~4,800 shapes); the entry file keeps the rest of the document parsed (marshal),
  the entries' offsets, and the decompressed JSON they point into, and ``LazyEntries``
  parses an entry the first time it is read. So even the very first client on a machine
  (or in a sandbox with no writable home) parses only what it uses.
* Files without such tables, or laid out in a way ``_jsonindex`` does not recognise, are
  parsed whole and kept as one marshal blob.

marshal only encodes plain data (no code runs on load, unlike pickle), and the cache sits
in the user's own cache directory.
"""
from __future__ import annotations

import json
import marshal
import mmap
import os
import sys
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, Callable

from ..exceptions import DataNotFoundError
from . import _jsonindex

__all__ = ["LazyEntries", "load", "cache_dir"]

# Bump when the stored layout changes.
_LAYOUT = 3
_MAGIC = b"squall-model-cache\n"
# Which tables are stored lazily, by file stem: a path of keys ("*" = every list item).
_LAZY_TABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "service-2": (("shapes",), ("operations",)),
    "endpoints": (("partitions", "*", "services"),),
}
_MISSING = object()


class LazyEntries(Mapping[str, Any]):
    """A read-only mapping whose values are parsed from JSON on first access.

    Entry ``i`` is the JSON text at ``buffer[base + starts[i]:base + ends[i]]`` (the
    memory-mapped cache file, or the decompressed source when there is no cache).
    Parsed values are kept, so repeated lookups return the same object (the shape model
    keys member references by identity). Safe to share between threads: two threads
    racing on one entry parse equal values and ``setdefault`` keeps one.
    """

    __slots__ = ("_names", "_index", "_starts", "_ends", "_buffer", "_base", "_source", "_decoded")

    def __init__(self, names: tuple[str, ...], starts: tuple[int, ...], ends: tuple[int, ...],
                 buffer: Any, base: int, source: str) -> None:
        self._names = names
        self._index = dict(zip(names, range(len(names))))
        self._starts = starts
        self._ends = ends
        self._buffer = buffer
        self._base = base
        self._source = source
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        found = self._decoded.get(key, _MISSING)
        if found is _MISSING:
            i = self._index[key]
            base = self._base
            text = self._buffer[base + self._starts[i]:base + self._ends[i]]
            try:
                value = json.loads(text)
            except ValueError as exc:
                raise DataNotFoundError(data_path=f"{self._source} (entry {key!r}: invalid JSON: {exc})") from None
            found = self._decoded.setdefault(key, value)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"<LazyEntries: {len(self._index)} entries, {len(self._decoded)} decoded>"

    def __reduce__(self) -> Any:
        # Pickles (and deep-copies) as the plain dict it stands for.
        return dict, ({k: self[k] for k in self._index},)


def cache_dir() -> str | None:
    """Where parsed models are kept; read from the environment when first needed."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
            base = os.environ["LOCALAPPDATA"]
        else:
            home = os.path.expanduser("~")
            if home == "~":  # no home directory to put a cache in
                return None
            base = os.path.join(home, ".cache")
    return os.path.join(base, "squall", "models")


def _header(source: str, stat: os.stat_result) -> bytes:
    from .. import __version__

    key = "|".join((
        str(_LAYOUT), __version__, sys.implementation.cache_tag or "", str(marshal.version),
        source, str(stat.st_mtime_ns), str(stat.st_size),
    ))
    return _MAGIC + key.encode("utf-8", "surrogateescape") + b"\n"


def _entry_path(directory: str, source: str) -> str:
    # Readable (service/version/file) and unique (a checksum of the full path); the
    # header, not the name, decides whether an entry is current.
    tail = "-".join(source.replace("\\", "/").split("/")[-3:])
    checksum = zlib.crc32(source.encode("utf-8", "surrogateescape"))
    return os.path.join(directory, f"{tail}-{checksum:08x}.marshal")


def _lazy_paths(source: str) -> tuple[tuple[str, ...], ...]:
    name = os.path.basename(source)
    for suffix in (".json.gz", ".json"):
        if name.endswith(suffix):
            return _LAZY_TABLES.get(name[: -len(suffix)], ())
    return ()


def _transform(node: Any, path: tuple[str, ...], leaf: Callable[[Any], Any]) -> Any:
    """A shallow copy of ``node`` with ``leaf`` applied to what ``path`` points at."""
    if not path:
        return leaf(node)
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(node, list):
            return node
        return [_transform(item, rest, leaf) for item in node]
    if not isinstance(node, dict) or not isinstance(node.get(head), (dict, list)):
        return node
    copy = dict(node)
    copy[head] = _transform(node[head], rest, leaf)
    return copy


# File layout: header, 8-byte length of the main part, the main part (marshal), then for a
# document with lazy tables its decompressed JSON. A lazy table appears in the main part
# as {_LAZY_KEY: (names, starts, ends)}, offsets into that JSON. No model has this key.
_LAZY_KEY = _jsonindex.placeholder_key


def _place(main: Any, lazy: tuple[tuple[str, ...], ...], tables: list[_jsonindex.Table]) -> Any:
    """``main`` with each table placeholder swapped for its (names, starts, ends), or
    _MISSING unless every placeholder sits at one of the ``lazy`` paths."""
    placed: list[int] = []

    def swap(node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1 and isinstance(node.get(_LAZY_KEY), int):
            placed.append(node[_LAZY_KEY])
            return {_LAZY_KEY: tables[node[_LAZY_KEY]]}
        return node

    for path in lazy:
        main = _transform(main, path, swap)
    return main if sorted(placed) == list(range(len(tables))) else _MISSING


def _wrap(data: Any, lazy: tuple[tuple[str, ...], ...], buffer: Any, base: int, source: str) -> Any:
    """``data`` with every stored table turned into a LazyEntries over ``buffer``."""
    limit = len(buffer) - base

    def wrap(table: Any) -> Any:
        if isinstance(table, dict) and len(table) == 1 and _LAZY_KEY in table:
            names, starts, ends = table[_LAZY_KEY]
            if not len(names) == len(starts) == len(ends) or (ends and max(ends) > limit):
                raise ValueError("truncated cache entry")
            return LazyEntries(names, starts, ends, buffer, base, source)
        return table

    for path in lazy:
        data = _transform(data, path, wrap)
    return data


def _decode(buffer: Any, header_size: int, lazy: tuple[tuple[str, ...], ...], source: str) -> Any:
    size = int.from_bytes(buffer[header_size:header_size + 8], "little")
    start = header_size + 8
    data = marshal.loads(buffer[start:start + size])
    return _wrap(data, lazy, buffer, start + size, source)


def _read(entry: str, header: bytes, lazy: tuple[tuple[str, ...], ...], source: str) -> Any:
    try:
        with open(entry, "rb") as fh:
            if fh.read(len(header)) != header:
                return _MISSING
            # Mapped, not read: only the entries a client touches are paged in. The file
            # is only ever replaced by rename, never rewritten in place, so the mapping
            # stays valid for the life of the process.
            buffer: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return _MISSING
    try:
        return _decode(buffer, len(header), lazy, source)
    except (ValueError, EOFError, TypeError, KeyError, IndexError):  # corrupt: parse the JSON
        return _MISSING


def _write(directory: str, entry: str, parts: list[bytes]) -> bool:
    """Whether the entry was written (False: the cache is unusable; never an error)."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        temp = f"{entry}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            with open(temp, "xb") as fh:
                fh.writelines(parts)
            os.replace(temp, entry)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
    except OSError:
        return False  # read-only home, full disk, ...: the cache is an optimisation only
    return True


def load(source: str, stat: os.stat_result, read: Callable[[], bytes], parse: Callable[[bytes], Any]) -> Any:
    """The content of ``source``: from the cache if it is current, else from ``read()``
    (the file's bytes, decompressed) and ``parse`` (JSON text -> data), then cached."""
    directory = cache_dir()
    lazy = _lazy_paths(source)
    header = _header(source, stat)
    entry = _entry_path(directory, source) if directory is not None else None
    if entry is not None:
        found = _read(entry, header, lazy, source)
        if found is not _MISSING:
            return found
    raw = read()
    pieces = _jsonindex.split(raw, tuple(path[-1] for path in lazy)) if lazy else None
    if pieces is not None:
        placed = _place(parse(pieces[0]), lazy, pieces[1])
        if placed is not _MISSING:
            main = marshal.dumps(placed)
            # Hand out what a cache hit gives, mapped from the file just written (shared
            # page cache, no copy), else over the bytes in memory.
            if entry is not None and _write(directory, entry, [header, len(main).to_bytes(8, "little"), main, raw]):  # type: ignore[arg-type]
                found = _read(entry, header, lazy, source)
                if found is not _MISSING:
                    return found
            return _wrap(placed, lazy, raw, 0, source)
    data = parse(raw)
    if entry is not None:
        try:
            main = marshal.dumps(data)
        except ValueError:  # not marshallable (cannot happen for JSON data): skip the cache
            return data
        _write(directory, entry, [header, len(main).to_bytes(8, "little"), main])  # type: ignore[arg-type]
    return data
