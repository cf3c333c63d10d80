"""The AWS SigV4 test suite (34 cases), run through squall.auth.sign_v4.

Pass criterion: the Authorization header equals ``.authz``; the canonical request and
string to sign must equal ``.creq``/``.sts`` too.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from squall.auth import SigV4Details, sign_v4
from squall.http import HttpRequest

from _conformance import CONFORMANCE

SUITE = CONFORMANCE / "sigv4" / "aws4_testsuite"
KNOWN_FAILURES: dict[str, str] = json.loads(
    (Path(__file__).with_name("sigv4_known_failures.json")).read_text()
)["known_failures"]

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TIMESTAMP = datetime(2015, 8, 30, 12, 36, 0, tzinfo=timezone.utc)


def _cases() -> list[Path]:
    return sorted(p.parent for p in SUITE.rglob("*.req"))


def _read(case: Path, ext: str) -> str:
    return (case / f"{case.name}{ext}").read_bytes().decode("utf-8").replace("\r", "")


def parse_raw_request(raw: str) -> HttpRequest:
    """Parse a suite ``.req``: request line, headers (obs-folded lines join the previous
    value; repeated names are joined with ',' as HTTP allows), blank line, body."""
    head, sep, body = raw.partition("\n\n")
    lines = head.split("\n")
    method, rest = lines[0].split(" ", 1)
    target, _, _version = rest.rpartition(" ")  # the target may contain a space
    headers: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    last = None
    for line in lines[1:]:
        if not line:  # a trailing newline with no body
            continue
        if line[:1] in (" ", "\t") and last is not None:
            headers[last][-1] += " " + line.strip()
            continue
        name, _, value = line.partition(":")
        last = name.lower()
        names.setdefault(last, name)
        headers.setdefault(last, []).append(value)
    flat = {names[k]: ",".join(v) for k, v in headers.items()}
    host = flat[names["host"]]
    return HttpRequest(method=method, url=f"https://{host}{target}", headers=flat,
                       body=body.encode("utf-8") if sep else b"")


def _token(creq: str) -> str | None:
    for line in creq.split("\n"):
        if line.startswith("x-amz-security-token:"):
            return line.split(":", 1)[1]
    return None


@pytest.mark.parametrize("case", _cases(), ids=lambda p: str(p.relative_to(SUITE)))
def test_sigv4_suite(case: Path) -> None:
    case_id = str(case.relative_to(SUITE))
    if case_id in KNOWN_FAILURES:
        pytest.skip(KNOWN_FAILURES[case_id])
    creq = _read(case, ".creq")
    request = parse_raw_request(_read(case, ".req"))
    seen: list[SigV4Details] = []
    signed = sign_v4(
        request, access_key=ACCESS_KEY, secret_key=SECRET_KEY, token=_token(creq),
        region="us-east-1", service="service", timestamp=TIMESTAMP, on_details=seen.append,
    )
    assert seen[0].canonical_request == creq
    assert seen[0].string_to_sign == _read(case, ".sts")
    assert signed.header("Authorization") == _read(case, ".authz")


def test_suite_is_complete() -> None:
    assert len(_cases()) == 34
