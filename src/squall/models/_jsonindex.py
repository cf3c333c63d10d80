"""Locate the entries of a pretty-printed JSON document's large tables without parsing them
(used by ``_diskcache`` only).

EC2's service model is 3.9 MB of JSON, and ``json.loads`` of all of it is most of what the
very first client on a machine costs -- although a client only ever reads a few of its
~4,800 shapes. botocore ships its models pretty-printed, one table entry per line group::

    "shapes":{
      "AcceptAddressTransferRequest":{     <- an entry's key line, at the entries' indent
        "type":"structure",
        ...
      },                                   <- its closing line, at the same indent
      "AcceptAddressTransferResult":{

so the key lines of a table's entries (a newline, exactly the entries' indentation, a
quoted key) can be found with one regular-expression pass, and each entry's value is the
bytes between its key and the next key line. JSON strings cannot contain a raw newline,
so a line break is always structure, never text.

A document is only split when every check below holds; otherwise ``split`` returns None
and the caller parses the whole document, so a differently formatted file (minified, a
custom model under ``AWS_DATA_PATH``) costs time, never correctness:

* each table opens with ``{`` at the end of its key line and closes with ``}`` on a line
  of its own, at its key line's indentation;
* every line at the entries' indentation is either an entry's key line or the closing
  line of a multi-line entry (so no entry can hide on another's line);
* a multi-line entry's value opens on its key line and ends on its closing line, followed
  by a comma unless it is the last; a single-line entry's value is validated by parsing it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

__all__ = ["Table", "split", "placeholder_key"]

# (names, starts, ends): entry i is the JSON value at raw[starts[i]:ends[i]].
Table = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]

# Stands in for a table in the rest of the document: {placeholder_key: table number}.
# No model has a key starting with NUL.
placeholder_key = "\x00squall-lazy"


_SPACES = re.compile(b" *")


_OPENS_TABLE = re.compile(rb"[ \t]*:[ \t]*\{[ \t]*\n")


def _next_table(raw: bytes, names: tuple[bytes, ...], after: int) -> tuple[int, int, int] | None:
    """(key line start, its indentation, the newline after its "{") of the first line
    after ``after`` that is one of ``names`` (quoted) opening a multi-line object.
    Literal searches: a regular expression over every line of a 3.9 MB model costs ~8 ms."""
    best = None
    for quoted in names:
        at = raw.find(quoted, after)
        while at >= 0 and (best is None or at < best[0]):
            line = raw.rfind(b"\n", 0, at)
            opens = _OPENS_TABLE.match(raw, at + len(quoted))
            if line >= 0 and opens is not None and raw.count(b" ", line + 1, at) == at - line - 1:
                best = (at, line, at - line - 1, opens.end() - 1)
                break
            at = raw.find(quoted, at + 1)
    return None if best is None else best[1:]


@lru_cache(maxsize=16)
def _lines_up_to(indent: int) -> re.Pattern[bytes]:
    """Every line indented by at most ``indent`` spaces: its indentation, then either a
    key (and "{" or "[" when its value opens on the next lines) or the line's first
    character. Possessive, so deeper lines cost one look each."""
    return re.compile(
        rb"\n( {0,%d}+)(?:\"([^\"\\\n]*)\"[ \t]*:[ \t]*+([{\[]\n)?|([^ \n]))" % indent
    )


def split(raw: bytes, table_names: tuple[str, ...]) -> tuple[bytes, list[Table]] | None:
    """The document without its tables (each replaced by a placeholder object) and the
    tables' entries, or None when the layout is not the one described above.

    ``table_names`` are the keys whose (outermost) object values are split out; the
    caller checks that the placeholders landed where it expected them.
    """
    tables: list[Table] = []
    pieces: list[bytes] = []
    done = 0  # raw[:done] is accounted for in pieces
    quoted = tuple(json.dumps(name).encode() for name in table_names)
    # Searching on from the end of the last table skips keys of the same name inside it.
    while (table_key := _next_table(raw, quoted, done)) is not None:
        line, indent, opened = table_key
        found = _entries(raw, indent, opened)
        if found is None:
            return None
        table, close = found
        brace = raw.rindex(b"{", line, opened)
        pieces += [raw[done:brace], b'{"\\u0000squall-lazy":%d}' % len(tables)]
        tables.append(table)
        done = close + 1  # past the table's closing brace
    if not tables:
        return None
    pieces.append(raw[done:])
    return b"".join(pieces), tables


def _entries(raw: bytes, outer: int, opened: int) -> tuple[Table, int] | None:
    """The entries of the table whose "{" ends the line (indented ``outer``) before the
    newline at ``opened``, and the offset of its closing "}"."""
    inner = _SPACES.match(raw, opened + 1).end() - (opened + 1)  # type: ignore[union-attr]
    if inner <= outer:  # "{" then "}" on the next line
        if raw[opened + 1 + inner:opened + 2 + inner] == b"}" and inner == outer:
            return ((), (), ()), opened + 1 + inner
        return None
    names: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    open_entry = -1  # start of a multi-line entry's value awaiting its closing line
    pending = -1  # a single-line entry's value start, ended by the next line at `inner`
    comma = False  # whether the last multi-line entry's closing line ended with ","
    for line in _lines_up_to(inner).finditer(raw, opened):
        depth = len(line[1])
        if depth < inner:  # the table's own closing line
            if depth != outer or line[4] != b"}" or open_entry >= 0 or not names or comma:
                return None
            close = line.end() - 1
            if pending >= 0 and _single(raw, pending, line.start(), last=True, ends=ends) is None:
                return None
            return (tuple(names), tuple(starts), tuple(ends)), close
        key = line[2]
        if key is not None:  # an entry's key line
            if open_entry >= 0 or (names and pending < 0 and not comma):
                return None  # the previous entry never closed, or no comma after it
            comma = False
            if pending >= 0 and _single(raw, pending, line.start(), last=False, ends=ends) is None:
                return None
            names.append(key.decode("utf-8"))
            if line[3] is not None:
                open_entry = line.end() - 2
                starts.append(open_entry)
                pending = -1
            else:
                pending = line.end()
                starts.append(pending)
            continue
        # any other line at the entries' indentation must close the open entry
        closer = line[4]
        if open_entry < 0 or closer != (b"}" if raw[open_entry] == 0x7B else b"]"):
            return None
        after = raw[line.end():line.end() + 2]
        comma = after == b",\n"
        if not comma and after[:1] != b"\n":
            return None
        ends.append(line.end())
        open_entry = -1
    return None  # never closed


def _single(raw: bytes, start: int, following: int, *, last: bool, ends: list[int]) -> int | None:
    """Validate the single-line value at ``raw[start:following]`` (a comma after it unless
    ``last``) by parsing it; record and return its end."""
    value = raw[start:following].rstrip()
    if not last:
        if not value.endswith(b","):
            return None
        value = value[:-1]
    if b"\n" in value:
        return None
    try:
        json.loads(value)
    except ValueError:
        return None
    ends.append(start + len(value))
    return ends[-1]
