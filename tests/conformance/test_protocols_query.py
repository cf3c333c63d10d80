"""Protocol conformance: ``query``, every case in the staged files."""
from __future__ import annotations

import copy

import pytest

from _protocol_runner import Case, input_cases, output_cases, run_input_case, run_output_case

INPUT_FILES = ["input/query.json", "legacy/input/query.json"]
OUTPUT_FILES = ["output/query.json", "legacy/output/query.json"]
_CHARSET = "; charset=utf-8"


def _without_charset(case: Case) -> Case:
    """The legacy files already expect the charset the shared runner appends; drop it once."""
    headers = case.case.get("serialized", {}).get("headers", {})
    if not any(k.lower() == "content-type" and v.endswith(_CHARSET) for k, v in headers.items()):
        return case
    raw = copy.deepcopy(case.case)
    for key, value in raw["serialized"]["headers"].items():
        if key.lower() == "content-type":
            raw["serialized"]["headers"][key] = value[: -len(_CHARSET)]
    return Case(case.file, case.suite, raw, case.index)


@pytest.mark.parametrize("case", input_cases(INPUT_FILES))
def test_input(case: Case) -> None:
    run_input_case(_without_charset(case))


@pytest.mark.parametrize("case", output_cases(OUTPUT_FILES))
def test_output(case: Case) -> None:
    run_output_case(case)
