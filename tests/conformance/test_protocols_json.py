"""Protocol conformance: awsJson1_0 / awsJson1_1 (``json``), every case in the staged files."""
from __future__ import annotations

from _protocol_runner import protocol_tests

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

test_input, test_output = protocol_tests(INPUT_FILES, OUTPUT_FILES)
