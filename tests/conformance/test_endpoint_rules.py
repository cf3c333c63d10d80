"""Endpoint rule-set provider cases: every ``endpoint-rules/<service>/endpoint-tests-1.json``.

README §2.3 step 2: resolve ``params`` (rule-set defaults applied) with the newest
installed rule set of the service and botocore's partitions.json; for ``endpoint`` the
url must be equal and properties/headers deep-equal (``{}`` when absent, list order and
value types count); for ``error`` resolution must fail with exactly that message.
The ``operationInputs`` end-to-end cases need a client and are run elsewhere.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pytest

from squall.endpoints import EndpointRuleSet, Partitions, load_partitions, load_ruleset
from squall.models._locate import builtin_data_dirs
from squall.models.loader import Loader

from _conformance import CONFORMANCE, ENDPOINT_KNOWN_FAILURES, check_endpoint_case

RULES_DIR = CONFORMANCE / "endpoint-rules"
KNOWN_FAILURES = ENDPOINT_KNOWN_FAILURES

# Only the installed wheel's data: no ~/.aws/models, no AWS_DATA_PATH.
LOADER = Loader(builtin_data_dirs())
EXPECTED_CASES = 13_862


@dataclass(frozen=True)
class Case:
    id: str
    service: str
    documentation: str
    params: dict[str, Any]
    expect: dict[str, Any]


def _load_cases() -> list[Case]:
    cases = []
    for path in sorted(RULES_DIR.glob("*/endpoint-tests-1.json")):
        service = path.parent.name
        for index, raw in enumerate(json.loads(path.read_text())["testCases"]):
            cases.append(Case(
                id=f"{service}-{index}",
                service=service,
                documentation=raw.get("documentation", ""),
                params=raw.get("params", {}),
                expect=raw["expect"],
            ))
    return cases


CASES = _load_cases()


@pytest.fixture(autouse=True)
def isolated_aws_env() -> None:
    """Overrides the suite-wide env isolation: these cases read no environment or
    files (the loader is explicit), and a temp HOME per case would dominate the run."""


@lru_cache(maxsize=None)
def partitions() -> Partitions:
    return load_partitions(LOADER)


@lru_cache(maxsize=None)
def ruleset(service: str) -> EndpointRuleSet:
    return load_ruleset(service, loader=LOADER)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_endpoint_rule_case(case: Case) -> None:
    reason = KNOWN_FAILURES.get(f"rules/{case.id}")
    if reason is not None:
        pytest.skip(reason)
    check_endpoint_case(ruleset(case.service), partitions(), case.params, case.expect, case.documentation)


def test_every_case_was_collected() -> None:
    assert len(CASES) == EXPECTED_CASES
    assert len({case.service for case in CASES}) == 424


def test_known_failures_name_real_cases() -> None:
    ids = {f"rules/{case.id}" for case in CASES}
    stale = [key for key in KNOWN_FAILURES if key.startswith("rules/") and key not in ids]
    assert not stale, f"known failures naming no case: {stale}"
