"""Protocol conformance: Smithy RPC v2 CBOR (``smithy-rpc-v2-cbor``), every case in the staged files."""
from __future__ import annotations

import pytest

from _protocol_runner import Case, _iter_cases, protocol_tests, run_output_case

INPUT_FILES = [
    "input/smithy-rpc-v2-cbor.json",
    "input/smithy-rpc-v2-cbor-query-compatible.json",
    "input/smithy-rpc-v2-cbor-non-query-compatible.json",
]
OUTPUT_FILES = [
    "output/smithy-rpc-v2-cbor.json",
    "output/smithy-rpc-v2-cbor-query-compatible.json",
    "output/smithy-rpc-v2-cbor-non-query-compatible.json",
]
# On botocore's ignore list, but squall passes them: run them here unconditionally.
IGNORED_BUT_PASSING = {
    "RpcV2CborExtraFieldsInTheBodyShouldBeSkippedByClients",
    "RpcV2CborDeserializesDenseSetMapAndSkipsNull",
}

test_input, test_output = protocol_tests(INPUT_FILES, OUTPUT_FILES)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.test_id) for c in _iter_cases(OUTPUT_FILES)
     if c.case.get("id") in IGNORED_BUT_PASSING],
)
def test_ignored_output_cases_pass_anyway(case: Case) -> None:
    run_output_case(case)


def test_every_ignored_case_is_run_anyway() -> None:
    from _protocol_runner import _is_ignored

    ignored = {c.case.get("id") for c in _iter_cases(OUTPUT_FILES) if _is_ignored(c, "output")}
    ignored |= {c.case.get("id") for c in _iter_cases(INPUT_FILES) if _is_ignored(c, "input")}
    assert ignored == IGNORED_BUT_PASSING
