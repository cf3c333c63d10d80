"""Rules-engine standard-library cases: ``endpoint-rules-stdlib/{valid-rules,test-cases}``.

README §2.5: the 14 pairs botocore runs, plus ``partition-fn`` (botocore skips it; it
passes here), with the standard partitions.json and §2.3 step 2's pass criteria. The
rule sets without case files must at least compile, and a few behaviours the cases do
not pin down (immutability, caching, parameter errors) are checked at the end.
"""
from __future__ import annotations

import copy
import json
import pickle
import threading
from pathlib import Path
from typing import Any

import pytest

from squall.endpoints import Endpoint, EndpointRuleSet, Partitions, load_partitions
from squall.exceptions import EndpointResolutionError
from squall.models._locate import builtin_data_dirs
from squall.models.loader import Loader

from _conformance import CONFORMANCE, ENDPOINT_KNOWN_FAILURES, check_endpoint_case

STDLIB = CONFORMANCE / "endpoint-rules-stdlib"
KNOWN_FAILURES = ENDPOINT_KNOWN_FAILURES

BOTOCORE_PAIRS = [
    "account-id", "array-index", "aws-region", "default-values", "eventbridge", "fns",
    "headers", "is-virtual-hostable-s3-bucket", "local-region-override", "parse-arn",
    "parse-url", "substring", "uri-encode", "valid-hostlabel",
]
PAIRS = BOTOCORE_PAIRS + ["partition-fn"]


@pytest.fixture(autouse=True)
def isolated_aws_env() -> None:
    """Overrides the suite-wide env isolation: nothing here reads the environment."""


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


PARTITIONS: Partitions = load_partitions(Loader(builtin_data_dirs()))
RULESETS = {name: EndpointRuleSet.from_dict(_json(STDLIB / "valid-rules" / f"{name}.json"))
            for name in PAIRS}
CASES = [
    (name, index, case)
    for name in PAIRS
    for index, case in enumerate(_json(STDLIB / "test-cases" / f"{name}.json")["testCases"])
]


@pytest.mark.parametrize(
    "name,index,case", CASES, ids=[f"{name}-{index}" for name, index, _ in CASES]
)
def test_stdlib_case(name: str, index: int, case: dict[str, Any]) -> None:
    reason = KNOWN_FAILURES.get(f"stdlib/{name}-{index}")
    if reason is not None:
        pytest.skip(reason)
    check_endpoint_case(RULESETS[name], PARTITIONS, case.get("params", {}), case["expect"],
                        case.get("documentation", ""))


def test_case_counts() -> None:
    # The README's "101" is all 15 files; the 14 pairs botocore runs hold 96 of them.
    assert sum(1 for name, _, _ in CASES if name in BOTOCORE_PAIRS) == 96
    assert sum(1 for name, _, _ in CASES if name == "partition-fn") == 5


def test_known_failures_name_real_cases() -> None:
    ids = {f"stdlib/{name}-{index}" for name, index, _ in CASES}
    stale = [key for key in KNOWN_FAILURES if key.startswith("stdlib/") and key not in ids]
    assert not stale, f"known failures naming no case: {stale}"


@pytest.mark.parametrize("name", ["deprecated-param", "get-attr-type-inference", "minimal-ruleset"])
def test_rule_sets_without_cases_compile(name: str) -> None:
    rules = EndpointRuleSet.from_dict(_json(STDLIB / "valid-rules" / f"{name}.json"))
    assert set(rules.parameters) == set(_json(STDLIB / "valid-rules" / f"{name}.json")["parameters"])


def test_get_attr_type_inference_resolves() -> None:
    rules = EndpointRuleSet.from_dict(_json(STDLIB / "valid-rules" / "get-attr-type-inference.json"))
    endpoint = rules.resolve({"Bucket": "arn:aws:s3:us-west-2:123456789012:outpost:op-1:b"}, PARTITIONS)
    assert endpoint.url == "https://123456789012.b.us-west-2"  # resourceId[2]


# -- behaviour beyond the data files ------------------------------------------------

def _ruleset(parameters: dict[str, Any], rules: list[dict[str, Any]]) -> EndpointRuleSet:
    return EndpointRuleSet.from_dict({"version": "1.3", "parameters": parameters, "rules": rules})


def _endpoint_rule(url: Any, conditions: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "endpoint", "conditions": conditions or [], "endpoint": {"url": url, **extra}}


def test_parameters_are_described() -> None:
    region = RULESETS["default-values"].parameters["Region"]
    assert (region.name, region.type, region.built_in, region.default, region.required) == (
        "Region", "string", "AWS::Region", "us-west-5", True)
    assert RULESETS["array-index"].parameters["ResourceList"].default == ("default1", "default2")
    with pytest.raises(Exception):
        region.default = "x"  # type: ignore[misc]


def test_missing_required_and_wrong_type_name_the_parameter() -> None:
    rules = RULESETS["local-region-override"]
    with pytest.raises(EndpointResolutionError, match="required parameter Region"):
        rules.resolve({}, PARTITIONS)
    with pytest.raises(EndpointResolutionError, match="parameter Region: expected a string, got int"):
        rules.resolve({"Region": 5}, PARTITIONS)
    with pytest.raises(EndpointResolutionError, match="UseFips: expected a boolean"):
        RULESETS["default-values"].resolve({"UseFips": 1}, PARTITIONS)
    # 1 == True: a cached True result must not answer for 1.
    RULESETS["default-values"].resolve({"UseFips": True}, PARTITIONS)
    with pytest.raises(EndpointResolutionError, match="UseFips"):
        RULESETS["default-values"].resolve({"UseFips": 1}, PARTITIONS)


def test_string_array_accepts_lists_and_tuples() -> None:
    rules = RULESETS["array-index"]
    assert rules.resolve({"ResourceList": ["a"]}, PARTITIONS).url == "https://www.a.example.com"
    assert rules.resolve({"ResourceList": ("a",)}, PARTITIONS).url == "https://www.a.example.com"
    with pytest.raises(EndpointResolutionError, match="ResourceList"):
        rules.resolve({"ResourceList": [1]}, PARTITIONS)


def test_results_are_shared_read_only_and_copyable() -> None:
    rules = RULESETS["aws-region"]
    first = rules.resolve({"Region": "us-east-1"}, PARTITIONS)
    assert rules.resolve({"Region": "us-east-1"}, PARTITIONS) is first  # memoised
    with pytest.raises(TypeError):
        first.properties["authSchemes"][0]["name"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        first.properties["authSchemes"].append({})  # type: ignore[attr-defined]
    mutable = copy.deepcopy(first.properties)
    mutable["authSchemes"][0]["name"] = "sigv4a"
    assert type(mutable) is dict and first.properties["authSchemes"][0]["name"] == "sigv4"
    assert pickle.loads(pickle.dumps(first)) == first
    assert isinstance(first, Endpoint)


def test_ruleset_is_immutable_and_pickles() -> None:
    rules = RULESETS["headers"]
    with pytest.raises(AttributeError):
        rules.version = "2"  # type: ignore[misc]
    clone = pickle.loads(pickle.dumps(rules))
    assert clone.resolve({"Region": "eu-west-1"}, PARTITIONS) == rules.resolve({"Region": "eu-west-1"}, PARTITIONS)


def test_no_matching_rule_lists_the_parameters() -> None:
    rules = _ruleset({"Region": {"type": "string"}},
                     [_endpoint_rule("https://x", [{"fn": "isSet", "argv": [{"ref": "Region"}]}])])
    with pytest.raises(EndpointResolutionError, match="No endpoint found for parameters:\nRegion: None"):
        rules.resolve({"Region": None}, PARTITIONS)


def test_newer_functions_coalesce_ite_split_and_negative_index() -> None:
    parameters = {"Bucket": {"type": "string", "required": True}, "Fips": {"type": "boolean"}}
    conditions = [
        {"fn": "split", "argv": [{"ref": "Bucket"}, "--", 0], "assign": "parts"},
        {"fn": "getAttr", "argv": [{"ref": "parts"}, "[-1]"], "assign": "last"},
        {"fn": "ite", "argv": [{"fn": "coalesce", "argv": [{"ref": "Fips"}, False]}, "-fips", ""],
         "assign": "suffix"},
    ]
    rules = _ruleset(parameters, [_endpoint_rule("https://{last}{suffix}.{parts#[1]}.example.com", conditions)])
    assert rules.resolve({"Bucket": "a--b--c"}, PARTITIONS).url == "https://c.b.example.com"
    assert rules.resolve({"Bucket": "a--b--c", "Fips": True}, PARTITIONS).url == "https://c-fips.b.example.com"


def test_unknown_function_fails_only_when_reached() -> None:
    rules = _ruleset({"A": {"type": "boolean"}}, [
        _endpoint_rule("https://new", [{"fn": "isSet", "argv": [{"ref": "A"}]},
                                       {"fn": "someFutureFn", "argv": [{"ref": "A"}]}]),
        _endpoint_rule("https://old"),
    ])
    assert rules.resolve({}, PARTITIONS).url == "https://old"
    with pytest.raises(EndpointResolutionError, match="someFutureFn"):
        rules.resolve({"A": True}, PARTITIONS)


def test_partition_lookup() -> None:
    assert PARTITIONS.lookup("us-gov-west-1")["name"] == "aws-us-gov"
    assert PARTITIONS.lookup("aws-iso-b-global")["dnsSuffix"] == "sc2s.sgov.gov"
    assert PARTITIONS.lookup("eu-isoe-west-9")["name"] == "aws-iso-e"
    assert PARTITIONS.lookup("mars-east-1")["name"] == "aws"
    assert PARTITIONS.lookup(None)["implicitGlobalRegion"] == "us-east-1"


def test_concurrent_resolution_agrees() -> None:
    rules = RULESETS["aws-region"]
    regions = [f"us-east-{i}" for i in range(200)]
    results: dict[int, list[str]] = {}

    def work(n: int) -> None:
        results[n] = [rules.resolve({"Region": r}, PARTITIONS).url for r in regions]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = [f"https://{r}.amazonaws.com" for r in regions]
    assert all(urls == expected for urls in results.values())


def test_parse_url_edges() -> None:
    from squall.endpoints._stdlib import parse_url

    assert parse_url("http://") is None  # no host (botocore raises TypeError here)
    assert parse_url("http://[::1") is None  # unbalanced bracket (botocore: ValueError)
    assert parse_url("https://[fe80::1%25en0]:8443/a/./b/../c")["isIp"] is True
    assert parse_url("https://[fe80::1%25en0]:8443/a/./b/../c")["normalizedPath"] == "/a/c/"
    assert parse_url("https://x.[::1]")["isIp"] is False  # not a bracketed host as a whole
    assert parse_url("https://example.com:8443?")["authority"] == "example.com:8443"  # empty query is fine
