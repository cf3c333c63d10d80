"""A process-independent cache of parsed model files (used by ``loader`` only).

Parsing botocore's JSON is most of what a first client costs (EC2's model is 3.9 MB and
takes ~80 ms to gunzip and parse); boto3 pays it in every process. squall keeps each
parsed file as a marshal blob under ``$XDG_CACHE_HOME/squall/models`` (else
``~/.cache/squall/models``; ``%LOCALAPPDATA%`` on Windows):

* One cache file per source file, named by a hash of its path. Its header records what
  it was built from (source path, mtime, size, squall version, Python version, layout
  version); on any mismatch the JSON is parsed again and the entry rewritten, so an
  upgraded botocore or squall never sees stale data and old entries do not pile up.
* Written atomically (a temporary file renamed over the old one), so concurrent
  processes read either the old or the new entry, never a torn one.
* Best effort: an unwritable or corrupt cache falls back to parsing the JSON.
* Large, sparsely used tables -- a service model's ``shapes`` and ``operations``, the
  endpoint catalogue's per-partition ``services`` -- are stored in chunks of a few
  entries and decoded a chunk at a time on first access (``LazyEntries``), so a client
  for EC2 decodes only the shapes it uses and their neighbours. Chunks, not single
  entries: one ``marshal.dumps`` per entry costs twice as much (EC2 has ~4,800), and
  writing the cache is part of the very first client's cost.

marshal only encodes plain data (no code runs on load, unlike pickle), and the cache sits
in the user's own cache directory.
"""
from __future__ import annotations

import marshal
import mmap
import os
import sys
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, Callable

__all__ = ["LazyEntries", "load", "cache_dir"]

# Bump when the stored layout changes.
_LAYOUT = 2
# Entries per stored chunk of a lazy table: a lookup decodes its whole chunk.
_CHUNK = 16
_MAGIC = b"squall-model-cache\n"
# Which tables are stored lazily, by file stem: a path of keys ("*" = every list item).
_LAZY_TABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "service-2": (("shapes",), ("operations",)),
    "endpoints": (("partitions", "*", "services"),),
}
_MISSING = object()


class LazyEntries(Mapping[str, Any]):
    """A read-only mapping whose values are decoded from marshal on first access.

    The encoded chunks stay in the (memory-mapped) cache file until asked for; chunk ``c``
    is the marshal blob at ``buffer[bounds[c]:bounds[c + 1]]``, a tuple of the values of
    entries ``c * chunk`` onwards. Decoded values are kept, so repeated lookups return the
    same object (the shape model keys member references by identity). Safe to share
    between threads: two threads racing on one chunk decode equal values and
    ``setdefault`` keeps one of each.
    """

    __slots__ = ("_names", "_index", "_bounds", "_chunk", "_buffer", "_decoded")

    def __init__(self, names: tuple[str, ...], bounds: tuple[int, ...], buffer: Any, chunk: int = 1) -> None:
        self._names = names
        self._index = dict(zip(names, range(len(names))))
        self._bounds = bounds
        self._chunk = chunk
        self._buffer = buffer
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        found = self._decoded.get(key, _MISSING)
        if found is _MISSING:
            c = self._index[key] // self._chunk
            values = marshal.loads(self._buffer[self._bounds[c]:self._bounds[c + 1]])
            decoded = self._decoded
            for name, value in zip(self._names[c * self._chunk:], values):
                decoded.setdefault(name, value)
            found = decoded[key]
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


# File layout: header, 8-byte length of the main part, main part (marshal), chunk area.
# A lazily stored table appears in the main part as {_LAZY_KEY: (names, bounds, chunk)},
# where chunk c (a tuple of the values of entries c * chunk onwards) is the marshal blob
# at file offsets bounds[c]:bounds[c + 1]. No model has this key.
_LAZY_KEY = "\x00squall-lazy"


def _encode(data: Any, lazy: tuple[tuple[str, ...], ...], header: bytes) -> list[bytes]:
    blobs: list[bytes] = []
    tables: list[tuple[tuple[str, ...], list[int]]] = []

    def split(table: Any) -> Any:
        if not isinstance(table, dict):
            return table
        bounds = [len(blobs)]  # blob indexes for now; file offsets once the main part is sized
        values = tuple(table.values())
        for start in range(0, len(values), _CHUNK):
            blobs.append(marshal.dumps(values[start:start + _CHUNK]))
            bounds.append(len(blobs))
        tables.append((tuple(table), bounds))
        return {_LAZY_KEY: len(tables) - 1}

    for path in lazy:
        data = _transform(data, path, split)
    if not tables:
        main = marshal.dumps(data)
        return [header, len(main).to_bytes(8, "little"), main]
    # Offsets depend on the main part's size, which depends on the offsets: fix the
    # integers' encoded width by sizing with a placeholder as large as any real offset.
    offsets = [0]
    for blob in blobs:
        offsets.append(offsets[-1] + len(blob))
    total = offsets[-1]
    for _ in range(3):
        base = len(header) + 8 + len(_main(data, tables, [o + total for o in offsets]))
        main = _main(data, tables, [o + base for o in offsets])
        if len(header) + 8 + len(main) == base:
            return [header, len(main).to_bytes(8, "little"), main, *blobs]
        total = base
    raise ValueError("could not lay out the cache entry")  # pragma: no cover


def _main(data: Any, tables: list[tuple[tuple[str, ...], list[int]]], offsets: list[int]) -> bytes:
    def place(table: Any) -> Any:
        if isinstance(table, dict) and len(table) == 1 and _LAZY_KEY in table:
            names, bounds = tables[table[_LAZY_KEY]]
            return {_LAZY_KEY: (names, tuple(offsets[i] for i in bounds), _CHUNK)}
        return table

    return marshal.dumps(_walk_lazy(data, place))


def _walk_lazy(node: Any, fn: Callable[[Any], Any]) -> Any:
    """``node`` with ``fn`` applied to every lazy-table placeholder (copies only what changes)."""
    if isinstance(node, dict):
        if len(node) == 1 and _LAZY_KEY in node:
            return fn(node)
        changed = {k: _walk_lazy(v, fn) for k, v in node.items()}
        return node if all(changed[k] is node[k] for k in node) else changed
    if isinstance(node, list):
        items = [_walk_lazy(v, fn) for v in node]
        return node if all(a is b for a, b in zip(items, node)) else items
    return node


def _decode(buffer: Any, header_size: int, lazy: tuple[tuple[str, ...], ...]) -> Any:
    size = int.from_bytes(buffer[header_size:header_size + 8], "little")
    start = header_size + 8
    data = marshal.loads(buffer[start:start + size])

    def wrap(table: Any) -> Any:
        if isinstance(table, dict) and len(table) == 1 and _LAZY_KEY in table:
            names, bounds, chunk = table[_LAZY_KEY]
            if chunk < 1 or len(bounds) != -(-len(names) // chunk) + 1 or (bounds and bounds[-1] > len(buffer)):
                raise ValueError("truncated cache entry")
            return LazyEntries(names, bounds, buffer, chunk)
        return table

    for path in lazy:
        data = _transform(data, path, wrap)
    return data


def _read(entry: str, header: bytes, lazy: tuple[tuple[str, ...], ...]) -> Any:
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
        return _decode(buffer, len(header), lazy)
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


def load(source: str, stat: os.stat_result, parse: Callable[[], Any]) -> Any:
    """The parsed content of ``source``: from the cache if it is current, else ``parse()``
    (whose result is then cached)."""
    directory = cache_dir()
    lazy = _lazy_paths(source)
    header = _header(source, stat)
    entry = _entry_path(directory, source) if directory is not None else None
    if entry is not None:
        found = _read(entry, header, lazy)
        if found is not _MISSING:
            return found
    data = parse()
    try:
        parts = _encode(data, lazy, header)
    except ValueError:  # not marshallable (cannot happen for JSON data): skip the cache
        return data
    if len(parts) <= 3:  # nothing stored lazily: the parsed data is what a hit gives
        if directory is not None and entry is not None:
            _write(directory, entry, parts)
        return data
    # Hand out the same (lazy) form a cache hit gives, so behaviour never depends on
    # whether the cache was there: mapped from the file just written (no 4 MB copy),
    # else from memory.
    if directory is not None and entry is not None and _write(directory, entry, parts):
        found = _read(entry, header, lazy)
        if found is not _MISSING:
            return found
    return _decode(b"".join(parts), len(header), lazy)
