"""Protocol conformance: restJson1 (``rest-json``), every case in the staged files."""
from __future__ import annotations

from _protocol_runner import protocol_tests

INPUT_FILES = ["input/rest-json.json", "legacy/input/rest-json.json"]
OUTPUT_FILES = ["output/rest-json.json", "legacy/output/rest-json.json"]

test_input, test_output = protocol_tests(INPUT_FILES, OUTPUT_FILES)
