"""The on-disk cache of parsed model files: same data as the JSON, safe fallbacks."""
from __future__ import annotations

import gzip
import json
import os
import pickle
from pathlib import Path

import pytest

from squall.models import _diskcache
from squall.models._diskcache import LazyEntries
from squall.models._locate import package_data_dir

DATA = Path(package_data_dir("botocore") or "")


def _load(source: Path) -> object:
    def parse() -> object:
        opener = gzip.open if source.name.endswith(".gz") else open
        with opener(source, "rb") as fh:
            return json.loads(fh.read())

    return _diskcache.load(str(source), os.stat(source), parse)


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
    assert 1 <= len(shapes._decoded) <= _diskcache._CHUNK < len(shapes)  # only its chunk
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


def test_an_unwritable_cache_directory_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    source = DATA / "sqs/2012-11-05/service-2.json.gz"
    model = _load(source)
    assert isinstance(model, dict) and "SendMessage" in model["operations"]


def test_cache_dir_follows_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _diskcache.cache_dir() == str(tmp_path / "squall" / "models")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _diskcache.cache_dir() == str(tmp_path / "home" / ".cache" / "squall" / "models")
