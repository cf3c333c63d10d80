"""botocore's response-parsing fixtures (shared/conformance/response-parsing, README §5).

Real service responses (XML for query/ec2/rest-xml services, JSON errors for awsJson
services), parsed with the installed service models and compared with the expected
dicts in full, ``ResponseMetadata`` included. As in botocore's runner: timestamps are
left as the raw strings (an identity timestamp parser), blobs are compared as text,
``errors/`` bodies are parsed with status 400 and without the client's second pass
that merges modeled error members, and a JSON body's ``__headers__`` key supplies the
response headers. Successful responses then pass through the service's customizations
(``after_parse``) as they would in a client call: that is how the cases botocore skips
(they need its service handlers) pass here. ``response_parsing_known_failures.json``
stays empty.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from squall.http._values import HttpResponse
from squall.models.loader import Loader
from squall.models.shapes import OperationModel, ServiceModel, Shape, xform_name
from squall.protocols import supported_protocols
import squall.protocols as protocols
from squall import customizations

from _conformance import CONFORMANCE

ROOT = CONFORMANCE / "response-parsing"
KNOWN_FAILURES = json.loads(
    Path(__file__).with_name("response_parsing_known_failures.json").read_text()
)


@lru_cache(maxsize=None)
def _model(service: str) -> ServiceModel:
    return ServiceModel(Loader.from_data_path().load_service_model(service, "service-2"), service)


def _operation(service: str, kebab: str) -> OperationModel:
    wanted = kebab.split("#")[0].replace("-", "_")
    model = _model(service)
    for name in model.operation_names:
        if xform_name(name) == wanted:
            return model.operation_model(name)
    raise LookupError(f"{service}: no operation for {kebab}")


class _NoModeledErrors:
    """A service model view without error shapes: botocore's parser alone does not merge
    modeled error members (its endpoint does that afterwards)."""

    def shape_for_error_code(self, code: str) -> Shape | None:
        return None


def _cases() -> list[Any]:
    out = []
    for kind, status in (("responses", 200), ("errors", 400)):
        for xml in sorted((ROOT / "xml" / kind).glob("*.xml")):
            out.append((f"xml/{kind}/{xml.name}", xml, xml.with_suffix(".json"), status))
    for raw in sorted((ROOT / "json" / "errors").glob("*.json")):
        out.append((f"json/errors/{raw.name}", raw, ROOT / "json" / "expected" / raw.name, 400))
    params = []
    for ident, body_file, expected_file, status in out:
        marks = []
        reason = KNOWN_FAILURES.get(body_file.name)
        if reason:
            marks.append(pytest.mark.skip(reason=f"known failure: {reason}"))
        params.append(pytest.param(body_file, expected_file, status, id=ident, marks=marks))
    return params


def _text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def test_every_fixture_is_collected() -> None:
    # README §5: 204 XML pairs, 13 XML error pairs, 5 JSON error pairs.
    ids = [p.id for p in _cases()]
    assert sum(i.startswith("xml/responses/") for i in ids) == 204
    assert sum(i.startswith("xml/errors/") for i in ids) == 13
    assert sum(i.startswith("json/errors/") for i in ids) == 5


def test_no_known_failures() -> None:
    # botocore skips the 4 cases that need service handlers (IAM policy documents,
    # CloudFormation GetTemplate, S3 GetBucketLocation); squall runs them through its
    # customizations' after_parse hook instead, as botocore's handlers would.
    assert KNOWN_FAILURES == {}


@pytest.mark.parametrize("body_file,expected_file,status", _cases())
def test_response(body_file: Path, expected_file: Path, status: int) -> None:
    service, kebab = body_file.stem.split("-", 1)
    operation = _operation(service, kebab)
    protocol = operation.service_model.protocol
    if protocol not in supported_protocols():
        pytest.fail(f"protocol {protocol} of {service} is not registered")
    body = body_file.read_bytes()
    headers: dict[str, str] = {}
    if b"__headers__" in body:
        document = json.loads(body.decode("utf-8"))
        headers = document.pop("__headers__")
        body = json.dumps(document).encode("utf-8")
    response = HttpResponse(status_code=status, headers=headers, body=body)
    module = protocols._module(protocol)
    if status >= 301:
        if protocol == "json":
            parsed = module.parse_error(_NoModeledErrors(), response)
        else:
            parsed = module.parse_error(_NoModeledErrors(), response, timestamp_parser=lambda x: x)
    else:
        parsed = module.parse(operation, response, timestamp_parser=lambda x: x)
        after_parse = customizations.for_service(service).after_parse
        if after_parse is not None:
            parsed = after_parse(operation, {}, response, parsed)
    parsed = _text(parsed)
    parsed["ResponseMetadata"].pop("RetryAttempts", None)  # the retry layer's key
    expected = json.loads(expected_file.read_text())
    expected["ResponseMetadata"]["HTTPStatusCode"] = status
    expected["ResponseMetadata"]["HTTPHeaders"] = headers
    assert parsed == expected
