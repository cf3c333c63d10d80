"""Protocol conformance: ``rest-xml``, every case in the staged files."""
from __future__ import annotations

from _protocol_runner import protocol_tests

INPUT_FILES = ["input/rest-xml.json", "legacy/input/rest-xml.json"]
OUTPUT_FILES = ["output/rest-xml.json", "legacy/output/rest-xml.json"]

test_input, test_output = protocol_tests(INPUT_FILES, OUTPUT_FILES)
