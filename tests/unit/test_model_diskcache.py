"""The on-disk cache of parsed model files: same data as the JSON, safe fallbacks."""
from __future__ import annotations

import gzip
import json
import os
import pickle
from pathlib import Path

import pytest

from squall.exceptions import DataNotFoundError
from squall.models import _diskcache, _jsonindex
from squall.models._diskcache import LazyEntries
from squall.models._locate import package_data_dir

DATA = Path(package_data_dir("botocore") or "")


def _load(source: Path) -> object:
    def read() -> bytes:
        opener = gzip.open if source.name.endswith(".gz") else open
        with opener(source, "rb") as fh:
            return fh.read()

    return _diskcache.load(str(source), os.stat(source), read, json.loads)


def _plain(value: object) -> object:
    """Deep copy with every lazy mapping turned into a dict."""
    if isinstance(value, LazyEntries) or isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "squall" / "models"


@pytest.mark.parametrize("relative", [
    "sqs/2012-11-05/service-2.json.gz", "ec2/2016-11-15/service-2.json.gz",
    "endpoints.json", "partitions.json", "dynamodb/2012-08-10/endpoint-rule-set-1.json.gz",
])
def test_cached_data_equals_the_json(cache_home: Path, relative: str) -> None:
    source = DATA / relative
    opener = gzip.open if relative.endswith(".gz") else open
    with opener(source, "rb") as fh:
        expected = json.loads(fh.read())
    first = _load(source)  # parsed and written
    assert len(list(cache_home.iterdir())) == 1
    second = _load(source)  # read back
    assert _plain(first) == expected
    assert _plain(second) == expected


def test_large_tables_are_decoded_on_demand_and_keep_identity(cache_home: Path) -> None:
    source = DATA / "ec2/2016-11-15/service-2.json.gz"
    _load(source)
    model = _load(source)
    assert isinstance(model, dict)
    shapes = model["shapes"]
    assert isinstance(shapes, LazyEntries)
    assert "Instance" in shapes and "NoSuchShape" not in shapes
    assert shapes["Instance"] is shapes["Instance"]
    assert len(shapes._decoded) == 1 < len(shapes)  # only the shape asked for was parsed
    assert pickle.loads(pickle.dumps(shapes))["Instance"] == shapes["Instance"]


def test_a_changed_source_is_parsed_again(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "service-2.json"
    source.write_text(json.dumps({"shapes": {"A": {"type": "string"}}, "operations": {}}))
    assert _plain(_load(source))["shapes"] == {"A": {"type": "string"}}
    source.write_text(json.dumps({"shapes": {"B": {"type": "integer"}}, "operations": {}}))
    os.utime(source, ns=(1, 1))  # a different mtime, whatever the clock resolution
    assert _plain(_load(source))["shapes"] == {"B": {"type": "integer"}}
    assert len(list(cache_home.iterdir())) == 1  # rewritten in place, not piled up


def test_a_corrupt_entry_falls_back_to_the_json(cache_home: Path) -> None:
    source = DATA / "sqs/2012-11-05/service-2.json.gz"
    expected = _plain(_load(source))
    (entry,) = cache_home.iterdir()
    blob = entry.read_bytes()
    entry.write_bytes(blob[: len(blob) // 3])  # truncated after the header
    assert _plain(_load(source)) == expected


def test_cache_dir_follows_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _diskcache.cache_dir() == str(tmp_path / "squall" / "models")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _diskcache.cache_dir() == str(tmp_path / "home" / ".cache" / "squall" / "models")


def test_the_very_first_load_parses_only_what_is_read(cache_home: Path) -> None:
    """No cache yet (the first client on a machine): the tables are still split, not parsed."""
    model = _load(DATA / "ec2/2016-11-15/service-2.json.gz")
    assert isinstance(model, dict) and isinstance(model["shapes"], LazyEntries)
    assert model["metadata"]["endpointPrefix"] == "ec2"
    assert len(model["shapes"]._decoded) == 0 and len(model["operations"]._decoded) == 0
    assert model["operations"]["RunInstances"]["input"] == {"shape": "RunInstancesRequest"}


def test_an_unwritable_cache_directory_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are then split over the bytes in memory (a sandbox with a read-only home)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    source = DATA / "ec2/2016-11-15/service-2.json.gz"
    model = _load(source)
    assert isinstance(model["shapes"], LazyEntries)
    with gzip.open(source, "rb") as fh:
        expected = json.loads(fh.read())
    assert model["shapes"]["Instance"] == expected["shapes"]["Instance"]


PRETTY = b"""{
  "version":"2.0",
  "operations":{
    "Op":{
      "name":"Op",
      "input":{"shape":"A"}
    }
  },
  "shapes":{
    "A":{
      "type":"structure",
      "members":{
        "shapes":{"shape":"B"}
      }
    },
    "B":{"type":"string"},
    "C":{
      "type":"list",
      "member":{"shape":"B"}
    }
  }
}
"""


def _write_model(tmp_path: Path, text: bytes) -> Path:
    source = tmp_path / "custom" / "service-2.json"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(text)
    return source


def test_a_pretty_printed_model_is_split_and_equals_the_json(cache_home: Path, tmp_path: Path) -> None:
    source = _write_model(tmp_path, PRETTY)
    for _ in range(2):  # written, then read back
        model = _load(source)
        assert isinstance(model["shapes"], LazyEntries) and isinstance(model["operations"], LazyEntries)
        assert _plain(model) == json.loads(PRETTY)


@pytest.mark.parametrize("text", [
    json.dumps(json.loads(PRETTY)).encode(),  # minified
    PRETTY.replace(b'    "B":{"type":"string"},', b'    "B":{"type":"string"}, "D":{"type":"string"},'),
    PRETTY.replace(b'    },\n    "B"', b'    }, "D":{"type":"string"},\n    "B"'),  # a key after a closing brace
    PRETTY.replace(b'    },\n    "B"', b'    }\n    "B"'),  # a missing comma
    PRETTY.replace(b'"B":{"type":"string"}', b'"B\\u0042":{"type":"string"}'),  # an escaped key
    PRETTY.replace(b'  "shapes":{', b'  "shapes":   {').replace(b'\n    "A":{', b'\n     "A":{'),  # ragged indentation
])
def test_other_layouts_are_parsed_whole_with_the_same_result(cache_home: Path, tmp_path: Path, text: bytes) -> None:
    source = _write_model(tmp_path, text)
    try:
        expected = json.loads(text)
    except ValueError:
        expected = None
    if expected is None:  # the missing comma: the JSON is invalid, and so is the load
        with pytest.raises(ValueError):
            _load(source)
        return
    first, second = _load(source), _load(source)
    assert _plain(first) == _plain(second) == expected
    assert not isinstance(first["shapes"], LazyEntries)


def test_a_bad_entry_names_the_file_and_the_entry(cache_home: Path, tmp_path: Path) -> None:
    source = _write_model(tmp_path, PRETTY.replace(b'"member":{"shape":"B"}', b'"member":{"shape":"B",}'))
    model = _load(source)
    assert model["shapes"]["B"] == {"type": "string"}  # the other entries still load
    with pytest.raises(DataNotFoundError) as raised:
        model["shapes"]["C"]
    assert str(source) in str(raised.value) and "'C'" in str(raised.value)


def _botocore_tables() -> list[str]:
    models = sorted(str(p.relative_to(DATA)) for p in DATA.glob("*/*/service-2.json.gz"))
    return ["endpoints.json", *models]


@pytest.mark.parametrize("relative", _botocore_tables())
def test_every_botocore_model_splits_and_each_entry_equals_the_json(relative: str) -> None:
    """botocore's own files never fall back to a whole parse, and splitting them loses or
    changes nothing: the rest of the document plus every entry equals ``json.loads``."""
    source = DATA / relative
    raw = gzip.decompress(source.read_bytes()) if relative.endswith(".gz") else source.read_bytes()
    names = ("services",) if relative == "endpoints.json" else ("shapes", "operations")
    pieces = _jsonindex.split(raw, names)
    assert pieces is not None, f"{relative} was not split"
    main, tables = pieces

    def filled(node: object) -> object:
        if isinstance(node, dict):
            if len(node) == 1 and _jsonindex.placeholder_key in node:
                keys, starts, ends = tables[node[_jsonindex.placeholder_key]]
                return {k: json.loads(raw[a:b]) for k, a, b in zip(keys, starts, ends)}
            return {k: filled(v) for k, v in node.items()}
        if isinstance(node, list):
            return [filled(v) for v in node]
        return node

    assert filled(json.loads(main)) == json.loads(raw)
