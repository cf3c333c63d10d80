"""Protocol conformance: ``query``, every case in the staged files."""
from __future__ import annotations

from _protocol_runner import protocol_tests, without_legacy_charset

INPUT_FILES = ["input/query.json", "legacy/input/query.json"]
OUTPUT_FILES = ["output/query.json", "legacy/output/query.json"]

test_input, test_output = protocol_tests(INPUT_FILES, OUTPUT_FILES, adjust_input=without_legacy_charset)
