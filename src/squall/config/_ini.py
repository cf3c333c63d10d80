"""Parse ~/.aws/config and ~/.aws/credentials exactly as botocore reads them.

botocore hands these files to ``configparser.RawConfigParser()`` with its defaults and
then post-processes indented blocks into one level of sub-keys. To accept and reject the
same files, this parser reproduces those semantics line for line (Python 3.11):

* ``#`` and ``;`` start a comment only at the start of a line (after optional
  whitespace); there are no inline comments, so ``region = us-east-1 # x`` keeps the
  ``# x``.
* Keys are split at the first ``=`` or ``:`` and lower-cased; values are stripped.
* A line indented deeper than its key continues that key's value; blank lines inside a
  value are kept, comment lines are skipped. A value that starts with a line break
  (``s3 =`` then indented ``k = v`` lines) becomes a mapping of sub-keys, whose names
  keep their case.
* Section names are kept as written, including spaces inside the brackets.
* ``[DEFAULT]`` is configparser's defaults section: its keys appear in every section
  that does not set them.
* A section or key appearing twice, a line before the first section, or a line that is
  neither ``key = value``, a section header nor a comment makes the file unparsable.

Every value remembers its file, section and line so that settings can say where they
came from. Parsed files are cached process-wide by (path, mtime, size).
"""
from __future__ import annotations

import logging
import os
import re
import stat
import threading
import time
from collections.abc import Iterator, Mapping
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, TypeVar

from ..exceptions import ConfigParseError

__all__ = ["FrozenMap", "Located", "IniFile", "parse_ini", "load_ini_file", "clear_cache"]

logger = logging.getLogger("squall.config")

K = TypeVar("K")
V = TypeVar("V")

_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")
# Non-greedy key, so the first '=' or ':' is the delimiter (as configparser's OPTCRE).
_OPTION_RE = re.compile(r"(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$")
_DEFAULT_SECTION = "DEFAULT"


class FrozenMap(Mapping[K, V]):
    """A read-only, picklable mapping that keeps insertion order."""

    __slots__ = ("_data",)
    _data: dict[K, V]

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data) if data else {})

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __reduce__(self) -> Any:
        return FrozenMap, (self._data,)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a mapping of possibly unhashable values


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    """One value read from a shared file, with where it was written.

    ``value`` is the text as botocore sees it (continuation lines joined with ``\\n``).
    ``nested`` holds the sub-keys when the value is an indented block (``s3 =`` ...).
    """

    value: str
    path: str
    section: str
    key: str
    lineno: int
    nested: FrozenMap[str, "Located"] | None = None

    @property
    def source(self) -> str:
        return f"{self.path} [{self.section}] line {self.lineno}"

    @property
    def is_nested(self) -> bool:
        return self.nested is not None

    def plain(self) -> str | dict[str, str]:
        """The value in botocore's shape: a string, or a dict for an indented block."""
        if self.nested is not None:
            return {key: sub.value for key, sub in self.nested.items()}
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class IniFile:
    """A parsed file: section name -> key -> value, in file order, [DEFAULT] applied."""

    path: str
    sections: FrozenMap[str, FrozenMap[str, Located]] = field(default_factory=FrozenMap)


class _Pending:
    """A value being read: its lines (text, line number) until the file is done."""

    __slots__ = ("key", "lineno", "parts")

    def __init__(self, key: str, lineno: int, first: str) -> None:
        self.key = key
        self.lineno = lineno
        self.parts: list[tuple[str, int]] = [(first, lineno)]


def _split_lines(text: str) -> list[str]:
    # Text-mode file iteration: universal newlines, and only those end a line.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def parse_ini(text: str, path: str) -> IniFile:
    """Parse the text of a shared config/credentials file; ``path`` is used in messages."""
    sections: dict[str, dict[str, _Pending]] = {}
    section_lines: dict[str, int] = {}
    defaults: dict[str, _Pending] = {}
    key_lines: dict[tuple[str, str], int] = {}
    current: dict[str, _Pending] | None = None
    current_name = ""
    option: str | None = None
    indent_level = 0
    first_error: tuple[int, str] | None = None

    for lineno, line in enumerate(_split_lines(text), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            # A comment neither ends the value being read nor adds a line to it.
            continue
        if not stripped:
            if current is not None and option:
                current[option].parts.append(("", lineno))
            continue
        indent = len(line) - len(line.lstrip())
        if current is not None and option and indent > indent_level:
            current[option].parts.append((stripped, lineno))
            continue
        indent_level = indent
        header = _SECTION_RE.match(stripped)
        if header:
            name = header.group("header")
            if name in sections:
                raise ConfigParseError(
                    path=path, lineno=lineno,
                    reason=f"section [{name}] already appears at line {section_lines[name]}",
                )
            if name == _DEFAULT_SECTION:
                current = defaults
            else:
                current = sections[name] = {}
                section_lines[name] = lineno
            current_name = name
            option = None
            continue
        if current is None:
            raise ConfigParseError(
                path=path, lineno=lineno,
                reason=f"a [section] header must come before any setting, got {line.strip()!r}",
            )
        match = _OPTION_RE.match(stripped)
        if not match:
            # configparser keeps reading and reports the first such line at the end; the
            # key being read stays open, so deeper-indented lines still continue it.
            if first_error is None:
                first_error = (lineno, f"expected 'key = value', a [section] or a comment, got {stripped!r}")
            continue
        raw_key = match.group("option")
        if not raw_key and first_error is None:
            first_error = (lineno, f"missing key name before {match.group('vi')!r}")
        key = raw_key.rstrip().lower()
        if (current_name, key) in key_lines:
            raise ConfigParseError(
                path=path, lineno=lineno,
                reason=f"key {key!r} already set in [{current_name}] at line {key_lines[(current_name, key)]}",
            )
        key_lines[(current_name, key)] = lineno
        current[key] = _Pending(key, lineno, match.group("value").strip())
        option = key

    if first_error is not None:
        raise ConfigParseError(path=path, lineno=first_error[0], reason=first_error[1])

    default_values = {key: _finish(p, path, _DEFAULT_SECTION) for key, p in defaults.items()}
    result: dict[str, FrozenMap[str, Located]] = {}
    for name, pending in sections.items():
        values = {key: _finish(p, path, name) for key, p in pending.items()}
        for key, located in default_values.items():
            values.setdefault(key, located)
        result[name] = FrozenMap(values)
    return IniFile(path=path, sections=FrozenMap(result))


def _finish(pending: _Pending, path: str, section: str) -> Located:
    text = "\n".join(part for part, _ in pending.parts).rstrip()
    nested = None
    if text.startswith("\n"):
        # botocore's one level of nesting: every non-blank line of the block is k = v.
        sub: dict[str, Located] = {}
        for part, lineno in pending.parts[1:]:
            for piece in part.splitlines():
                piece = piece.strip()
                if not piece:
                    continue
                if "=" not in piece:
                    raise ConfigParseError(
                        path=path, lineno=lineno,
                        reason=f"expected 'key = value' in the block under {pending.key!r}, got {piece!r}",
                    )
                sub_key, sub_value = piece.split("=", 1)
                sub_key = sub_key.strip()
                sub[sub_key] = Located(
                    value=sub_value.strip(), path=path, section=section,
                    key=f"{pending.key}.{sub_key}", lineno=lineno,
                )
        nested = FrozenMap(sub)
    return Located(
        value=text, path=path, section=section, key=pending.key,
        lineno=pending.lineno, nested=nested,
    )


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        lineno = raw[: exc.start].count(b"\n") + 1
        raise ConfigParseError(path=path, lineno=lineno, reason=f"not valid UTF-8 ({exc.reason})") from None


# One entry per (real path, display path): the newest parse of that file.
@dataclass(frozen=True, slots=True)
class _CacheEntry:
    stamp: tuple[int, int, int]
    raw: bytes
    parsed: IniFile
    parsed_at_ns: int


_cache: dict[tuple[str, str], _CacheEntry] = {}
_cache_lock = threading.Lock()
# A file changed again within the filesystem's timestamp granularity keeps its mtime
# and maybe its size; entries parsed that soon after the mtime are re-checked by content.
_RACY_NS = 2_000_000_000


def load_ini_file(real_path: str, display_path: str) -> IniFile | None:
    """Parse a file once per version; None if it does not exist (or cannot be read)."""
    try:
        st = os.stat(real_path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    key = (real_path, display_path)
    entry = _cache.get(key)
    if entry is not None and entry.stamp == stamp and entry.parsed_at_ns - stamp[0] > _RACY_NS:
        return entry.parsed
    try:
        with open(real_path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        # configparser skips files it cannot open, so botocore sees an empty config.
        logger.warning("Ignoring unreadable AWS config file %s: %s", real_path, exc)
        return None
    if entry is not None and entry.raw == raw:
        parsed = entry.parsed
    else:
        parsed = parse_ini(_decode(raw, display_path), display_path)
    with _cache_lock:
        _cache[key] = _CacheEntry(stamp, raw, parsed, time.time_ns())
    return parsed


def clear_cache() -> None:
    """Forget every parsed file (tests; long-lived processes never need it)."""
    with _cache_lock:
        _cache.clear()
