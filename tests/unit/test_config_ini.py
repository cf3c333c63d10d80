"""squall.config._ini against botocore's raw_config_parse (the oracle) on the same files."""
from __future__ import annotations

import os
import pickle
import random
import threading
from pathlib import Path
from typing import Any

import botocore.configloader
import botocore.exceptions
import pytest

from squall.config._ini import FrozenMap, clear_cache, load_ini_file, parse_ini
from squall.exceptions import ConfigParseError

CASES: dict[str, str] = {
    "simple": "[default]\nregion = us-east-1\noutput=json\n",
    "colon delimiter": "[default]\nregion: us-west-2\n",
    "first delimiter wins": "[default]\nendpoint_url = http://localhost:4566\na:b = c\n",
    "keys lower-cased": "[default]\nRegion = eu-west-1\nAWS_Access_Key_Id = AKIA\n",
    "section case kept": "[Profile Dev]\nregion = x\n[profile Dev]\nregion = y\n",
    "comments": "# top\n; also\n[default]\n  # indented comment\nregion = us-east-1\n",
    "no inline comments": "[default]\nregion = us-east-1 # not a comment\nx = y ; nor this\n",
    "whitespace": "  [default]  \n\tregion\t=\tus-east-1   \n",
    "empty value": "[default]\nregion =\n",
    "nested": "[default]\ns3 =\n  addressing_style = path\n  Use_Arn_Region = true\n",
    "nested with blanks and comments": "[default]\ns3 =\n\n  # c\n  addressing_style = path\n\n  signature_version=s3v4\n\nregion = x\n",
    "continuation": "[default]\nfoo = first\n  second\n  third\nbar = 1\n",
    "continuation deeper": "[default]\n  foo = a\n    b\n  c = d\n",
    "nested bad line": "[default]\ns3 =\n  addressing_style\n",
    "nested colon only": "[default]\ns3 =\n  addressing_style: path\n",
    "duplicate section": "[default]\na = 1\n[default]\nb = 2\n",
    "duplicate key": "[default]\na = 1\nA = 2\n",
    "same key other section": "[a]\nx = 1\n[b]\nx = 2\n",
    "missing header": "region = us-east-1\n[default]\n",
    "garbage line": "[default]\nthis is not valid\nregion = x\n",
    "empty key": "[default]\n= value\n",
    "DEFAULT section": "[DEFAULT]\nregion = r0\nout = j\n[a]\nregion = r1\n[b]\n",
    "DEFAULT twice": "[DEFAULT]\na = 1\n[x]\n[DEFAULT]\nb = 2\n",
    "header with trailing text": "[default] # comment\nregion = x\n",
    "header brackets": "[a]b]\nk = v\n",
    "header spaces": "[ profile  x ]\nk = v\n",
    "crlf": "[default]\r\nregion = us-east-1\r\ns3 =\r\n  a = b\r\n",
    "only cr": "[default]\rregion = x\r",
    "no trailing newline": "[default]\nregion = x",
    "empty file": "",
    "only comments": "# nothing\n\n; here\n",
    "indented section header continues value": "[a]\nk = v\n  [b]\nx = y\n",
    "equals in value": "[a]\nk = a=b=c\n",
    "value with tabs": "[a]\nk =\tv\tw\t\n",
    "unicode": "[profile ünï]\nregion = ü\n",
    "trailing blank lines in value": "[a]\nk = v\n\n\n",
    "continuation after garbage": "[a]\nk = v\nbad line\n  cont\n",
    "nested then dedent": "[a]\nservices =\n  s3 =\n    endpoint_url = x\n",
    "subsection-looking value": "[a]\ns3 = \n   a = 1\n   b = 2\n",
    "profile named default": "[default]\na=1\n[profile default]\nb=2\n",
    "sso": "[sso-session my]\nsso_region = us-east-1\n[services s]\ns3 =\n  endpoint_url = http://x\n",
    "form feed": "[a]\nk = v\n  x\x0cy = z\n",
    "unicode space indent": "[a]\nk =\n\u3000x = y\n",
}


def _oracle(path: Path) -> Any:
    try:
        return ("ok", botocore.configloader.raw_config_parse(str(path)))
    except botocore.exceptions.ConfigParseError:
        return ("error", None)


def _mine(path: Path) -> Any:
    try:
        parsed = parse_ini(path.read_bytes().decode("utf-8"), str(path))
    except ConfigParseError:
        return ("error", None)
    return ("ok", {name: {k: v.plain() for k, v in values.items()} for name, values in parsed.sections.items()})


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_botocore(name: str, tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(CASES[name].encode("utf-8"))
    assert _mine(path) == _oracle(path)


_LINE_KINDS = [
    "[default]", "[profile p1]", "[p2]", "[DEFAULT]", "[profile p1]", "key = value", "Key2=v",
    "s3 =", "  addressing_style = path", "    deeper = 1", "  no equals here", "", "   ",
    "# comment", "  ; comment", "k: v", "x = a = b", "  k3 = v3", "garbage", "= empty key",
    "\tk4 = tab", "region = us-east-1", "  [indented]", "endpoint_url = http://h:1",
]


def test_random_files_match_botocore(tmp_path: Path) -> None:
    """Thousands of random line mixes: accept/reject and content agree with botocore."""
    rng = random.Random(1234)
    path = tmp_path / "config"
    mismatches = []
    for i in range(1200):
        lines = [rng.choice(_LINE_KINDS) for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.7:
            lines.insert(0, "[start]")
        text = "\n".join(lines) + ("\n" if rng.random() < 0.8 else "")
        path.write_text(text, encoding="utf-8")
        if _mine(path) != _oracle(path):
            mismatches.append(text)
    assert mismatches == []


def test_random_mostly_valid_files_match_botocore(tmp_path: Path) -> None:
    """Unique keys and sections, many indented blocks: exercises the accepted path."""
    rng = random.Random(99)
    path = tmp_path / "config"
    mismatches = []
    accepted = nested = 0
    for i in range(900):
        lines = ["[s0]"]
        for n in range(rng.randint(1, 14)):
            kind = rng.random()
            indent = rng.choice(["", "", " ", "  ", "\t", "    "])
            if kind < 0.12:
                lines.append(f"{indent}[s{n + 1}]")
            elif kind < 0.3:
                lines.append(f"{indent}k{n} =")
            elif kind < 0.65:
                lines.append(f"{indent}k{n} {rng.choice('=:')} v{n}")
            elif kind < 0.75:
                lines.append(rng.choice(["", "  ", "# c", "  ; c"]))
            elif kind < 0.95:
                lines.append(f"{indent}  sub{n} = x{n}")
            else:
                lines.append(f"{indent}  word{n}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        oracle = _oracle(path)
        if oracle[0] == "ok":
            accepted += 1
            nested += any(isinstance(v, dict) for s in oracle[1].values() for v in s.values())
        if _mine(path) != oracle:
            mismatches.append("\n".join(lines))
    assert mismatches == []
    assert accepted > 300 and nested > 60  # the generator does cover what it should


def test_values_know_their_line(tmp_path: Path) -> None:
    text = "# c\n[default]\nregion = us-east-1\n\ns3 =\n  addressing_style = path\n[profile dev]\nregion: eu\n"
    parsed = parse_ini(text, "~/.aws/config")
    region = parsed.sections["default"]["region"]
    assert (region.value, region.lineno, region.section) == ("us-east-1", 3, "default")
    assert region.source == "~/.aws/config [default] line 3"
    s3 = parsed.sections["default"]["s3"]
    assert s3.lineno == 5 and s3.nested is not None
    style = s3.nested["addressing_style"]
    assert (style.value, style.lineno, style.key) == ("path", 6, "s3.addressing_style")
    assert parsed.sections["profile dev"]["region"].source == "~/.aws/config [profile dev] line 8"


def test_default_section_values_point_at_default(tmp_path: Path) -> None:
    parsed = parse_ini("[DEFAULT]\nregion = r\n[a]\n", "f")
    assert parsed.sections["a"]["region"].source == "f [DEFAULT] line 2"


@pytest.mark.parametrize(
    ("text", "lineno", "fragment"),
    [
        ("region = x\n", 1, "section"),
        ("[a]\nk = 1\n[a]\n", 3, "already appears at line 1"),
        ("[a]\nk = 1\nK = 2\n", 3, "already set"),
        ("[a]\nok = 1\nnot valid\n[b]\nalso bad\n", 3, "not valid"),
        ("[a]\ns3 =\n  fine = 1\n  broken\n", 4, "broken"),
        ("[a]\n= v\n", 2, "missing key"),
    ],
)
def test_errors_name_file_and_line(text: str, lineno: int, fragment: str) -> None:
    with pytest.raises(ConfigParseError) as info:
        parse_ini(text, "/tmp/cfg")
    err = info.value
    assert err.path == "/tmp/cfg" and err.lineno == lineno
    assert fragment in err.reason
    assert f"/tmp/cfg, line {lineno}" in str(err)
    assert pickle.loads(pickle.dumps(err)).lineno == lineno


def test_invalid_utf8_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[default]\nregion = \xff\n")
    with pytest.raises(ConfigParseError) as info:
        load_ini_file(str(path), str(path))
    assert info.value.lineno == 2
    assert _oracle(path)[0] == "error"


def test_missing_file_and_directory_are_empty(tmp_path: Path) -> None:
    assert load_ini_file(str(tmp_path / "nope"), "nope") is None
    assert load_ini_file(str(tmp_path), "dir") is None


def test_cache_reuses_and_notices_changes(tmp_path: Path) -> None:
    clear_cache()
    path = tmp_path / "config"
    path.write_text("[a]\nk = 1\n")
    first = load_ini_file(str(path), "p")
    assert load_ini_file(str(path), "p") is first
    # Same size, same second: still seen (content is re-checked while the mtime is fresh).
    path.write_text("[a]\nk = 2\n")
    second = load_ini_file(str(path), "p")
    assert second is not None and second.sections["a"]["k"].value == "2"
    # An old, unchanged file is trusted by its stamp.
    old = 1_000_000_000
    os.utime(path, ns=(old, old))
    third = load_ini_file(str(path), "p")
    assert load_ini_file(str(path), "p") is third
    # Another display path gets values that name it.
    assert load_ini_file(str(path), "other").sections["a"]["k"].path == "other"  # type: ignore[union-attr]


def test_cache_is_thread_safe(tmp_path: Path) -> None:
    clear_cache()
    path = tmp_path / "config"
    path.write_text("".join(f"[s{i}]\nk = {i}\n" for i in range(200)))
    results: list[Any] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                results.append(load_ini_file(str(path), "p"))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r is not None and r.sections["s199"]["k"].value == "199" for r in results)


def test_parsed_values_are_immutable_and_picklable() -> None:
    parsed = parse_ini("[a]\ns3 =\n  x = 1\n", "p")
    with pytest.raises(TypeError):
        parsed.sections["a"]["new"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        parsed.sections["a"]["s3"].value = "x"  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(parsed))
    assert again == parsed
    assert isinstance(again.sections, FrozenMap)
