"""Protocol conformance: ``rest-xml``, every case in the staged files."""
from __future__ import annotations

import pytest

from _protocol_runner import Case, input_cases, output_cases, run_input_case, run_output_case

INPUT_FILES = ["input/rest-xml.json", "legacy/input/rest-xml.json"]
OUTPUT_FILES = ["output/rest-xml.json", "legacy/output/rest-xml.json"]


@pytest.mark.parametrize("case", input_cases(INPUT_FILES))
def test_input(case: Case) -> None:
    run_input_case(case)


@pytest.mark.parametrize("case", output_cases(OUTPUT_FILES))
def test_output(case: Case) -> None:
    run_output_case(case)
