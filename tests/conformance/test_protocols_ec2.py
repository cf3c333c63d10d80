"""Protocol conformance: ``ec2``, every case in the staged files."""
from __future__ import annotations

from _protocol_runner import protocol_tests, without_legacy_charset

INPUT_FILES = ["input/ec2.json", "legacy/input/ec2.json"]
OUTPUT_FILES = ["output/ec2.json", "legacy/output/ec2.json"]

test_input, test_output = protocol_tests(INPUT_FILES, OUTPUT_FILES, adjust_input=without_legacy_charset)
