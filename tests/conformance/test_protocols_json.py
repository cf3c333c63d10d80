"""Protocol conformance: awsJson1_0 / awsJson1_1 (``json``), every case in the staged files."""
from __future__ import annotations

import pytest

from _protocol_runner import Case, input_cases, output_cases, run_input_case, run_output_case

INPUT_FILES = [
    "input/json.json",
    "input/json_1_0.json",
    "input/json_1_0-query-compatible.json",
    "legacy/input/json.json",
]
OUTPUT_FILES = [
    "output/json.json",
    "output/json_1_0.json",
    "output/json_1_0-query-compatible.json",
    "legacy/output/json.json",
]


@pytest.mark.parametrize("case", input_cases(INPUT_FILES))
def test_input(case: Case) -> None:
    run_input_case(case)


@pytest.mark.parametrize("case", output_cases(OUTPUT_FILES))
def test_output(case: Case) -> None:
    run_output_case(case)
