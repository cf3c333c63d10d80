"""conformance/endpoint-rules ``operationInputs`` (README §2.3 step 3): the endpoint an
operation call resolves to, with built-ins set exactly to ``builtInParams`` and the
operation's static and member-bound context parameters applied by squall's runtime.

Botocore's runner sends the request to a stub and checks that its URL starts with the
expected endpoint; with host-prefix injection off that URL is the resolved endpoint plus
the operation's path, so the resolved endpoint is what is compared here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from squall.endpoints import load_partitions, load_ruleset
from squall.exceptions import EndpointResolutionError
from squall.models import Loader, service_model_for
from squall.runtime._endpoint_params import EndpointInputs

from _conformance import CONFORMANCE

ROOT = CONFORMANCE / "endpoint-rules"
KNOWN = json.loads((Path(__file__).parent / "endpoint_operation_inputs_known_failures.json").read_text())
# botocore's own runner skips these bucket names: its bucket validation rejects them first.
SKIPPED_BUCKETS = {"bucket name", "example.com#"}


def _cases():
    for service_dir in sorted(ROOT.iterdir()):
        data = json.loads((service_dir / "endpoint-tests-1.json").read_text())
        for index, case in enumerate(data["testCases"]):
            for n, inputs in enumerate(case.get("operationInputs", ())):
                case_id = f"{service_dir.name}-{index}-{n}"
                marks = ()
                if case_id in KNOWN:
                    marks = (pytest.mark.skip(reason=KNOWN[case_id]),)
                yield pytest.param(service_dir.name, case, inputs, id=case_id, marks=marks)


@pytest.mark.parametrize(("service", "case", "inputs"), list(_cases()))
def test_operation_input_endpoint(service: str, case: dict, inputs: dict) -> None:
    params = inputs.get("operationParams", {})
    if params.get("Bucket") in SKIPPED_BUCKETS:
        pytest.skip("bucket name rejected by client-side validation before endpoint resolution (botocore skips it too)")
    loader = Loader.from_data_path()
    model = service_model_for(loader, service)
    op = model.operation_model(inputs["operationName"])
    builtins = {"AWS::Region": "us-east-1", **inputs.get("builtInParams", {})}
    endpoints = EndpointInputs.build(load_ruleset(service, loader=loader), load_partitions(loader), builtins, {})
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(EndpointResolutionError):
            endpoints.resolve(op, params)
        return
    endpoint = endpoints.resolve(op, params)
    assert endpoint.url.startswith(expect["endpoint"]["url"].rstrip("/")) or endpoint.url == expect["endpoint"]["url"]
    assert dict(endpoint.headers) == expect["endpoint"].get("headers", {})
