"""Runs the Smithy/botocore protocol test files against squall's protocol modules.

One runner for every protocol: a test module calls ``input_cases(files)`` /
``output_cases(files)`` to parametrise, then ``run_input_case`` / ``run_output_case``.
The rules follow ``shared/conformance/README.md`` §1 (botocore's runner):

* cases on botocore's ignore list are skipped as "ignored" (set SQUALL_RUN_IGNORED=1
  to run them anyway and see which already pass);
* cases in ``protocols_known_failures.json`` are skipped with their stated reason;
* everything else must pass.
"""
from __future__ import annotations

import base64
import copy
import datetime
import json
import math
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

from squall.http._values import HttpResponse, SerializedRequest, encode_query
from squall.models.shapes import OperationModel, ServiceModel
from squall.protocols import parser_for, serializer_for

from _conformance import CONFORMANCE

PROTOCOLS_DIR = CONFORMANCE / "protocols"
KNOWN_FAILURES_FILE = Path(__file__).with_name("protocols_known_failures.json")
RUN_IGNORED = os.environ.get("SQUALL_RUN_IGNORED") == "1"


@dataclass(frozen=True)
class Case:
    file: str          # relative to PROTOCOLS_DIR, e.g. "input/json.json"
    suite: dict[str, Any]
    case: dict[str, Any]
    index: tuple[int, int]

    @property
    def protocol(self) -> str:
        return self.suite["metadata"]["protocol"]

    @property
    def ignore_key(self) -> str:
        # Legacy files share their protocol's key: "legacy/input/json.json" -> "json".
        return Path(self.file).stem

    @property
    def test_id(self) -> str:
        ident = self.case.get("id") or f"{self.index[0]}:{self.index[1]}"
        return f"{self.file}::{self.suite['description']}::{ident}"

    def service_model(self) -> ServiceModel:
        given = copy.deepcopy(self.case["given"])
        name = given.get("name", "OperationName")
        output = given.get("output")
        if (self.protocol == "query" and "response" in self.case and output
                and self.suite["shapes"].get(output["shape"], {}).get("members")):
            # botocore's runner forces the result wrapper for query outputs with members.
            output["resultWrapper"] = f"{name}Result"
        raw = {
            "metadata": self.suite["metadata"],
            "shapes": self.suite["shapes"],
            "operations": {name: given},
        }
        return ServiceModel(copy.deepcopy(raw))

    def operation_model(self) -> OperationModel:
        model = self.service_model()
        return model.operation_model(model.operation_names[0])


# -- collection ------------------------------------------------------------------------------

def _ignore_list() -> dict[str, Any]:
    return json.loads((PROTOCOLS_DIR / "protocol-tests-ignore-list.json").read_text())


def _known_failures() -> list[dict[str, str]]:
    if not KNOWN_FAILURES_FILE.exists():
        return []
    return json.loads(KNOWN_FAILURES_FILE.read_text())


def _is_ignored(case: Case, kind: str) -> bool:
    ignore = _ignore_list()
    sections = [ignore.get("general", {}).get(kind, {}),
                ignore.get("protocols", {}).get(case.ignore_key, {}).get(kind, {})]
    for section in sections:
        if case.suite["description"] in section.get("suites", ()):
            return True
        if case.case.get("id") and case.case["id"] in section.get("cases", ()):
            return True
    return False


def _known_failure(case: Case) -> str | None:
    for entry in _known_failures():
        if entry.get("file") != case.file:
            continue
        if entry.get("case") and entry["case"] in (case.case.get("id"), case.test_id):
            return entry["reason"]
        if entry.get("suite") and not entry.get("case") and entry["suite"] == case.suite["description"]:
            return entry["reason"]
    return None


def _iter_cases(files: list[str]) -> Iterator[Case]:
    for rel in files:
        suites = json.loads((PROTOCOLS_DIR / rel).read_text())
        for si, suite in enumerate(suites):
            for ci, case in enumerate(suite["cases"]):
                yield Case(rel, suite, case, (si, ci))


def _params(files: list[str], kind: str, key: str) -> list[Any]:
    out = []
    for case in _iter_cases(files):
        if key not in case.case:
            continue  # e.g. the legacy rest-json case without params is not an input test
        marks = []
        if _is_ignored(case, kind) and not RUN_IGNORED:
            marks.append(pytest.mark.skip(reason="on botocore's protocol-tests ignore list"))
        else:
            reason = _known_failure(case)
            if reason:
                marks.append(pytest.mark.skip(reason=f"known failure: {reason}"))
        out.append(pytest.param(case, id=case.test_id, marks=marks))
    return out


def input_cases(files: list[str]) -> list[Any]:
    return _params(files, "input", "params")


def output_cases(files: list[str]) -> list[Any]:
    return _params(files, "output", "response")


def protocol_tests(input_files: list[str], output_files: list[str],
                   adjust_input: Callable[[Case], Case] | None = None) -> tuple[Any, Any]:
    """A protocol module's ``test_input`` and ``test_output``: every case of its files."""

    @pytest.mark.parametrize("case", input_cases(input_files))
    def test_input(case: Case) -> None:
        run_input_case(adjust_input(case) if adjust_input else case)

    @pytest.mark.parametrize("case", output_cases(output_files))
    def test_output(case: Case) -> None:
        run_output_case(case)

    return test_input, test_output


_CHARSET = "; charset=utf-8"


def without_legacy_charset(case: Case) -> Case:
    """The legacy query/ec2 files already expect the charset the runner appends; drop it once."""
    headers = case.case.get("serialized", {}).get("headers", {})
    if not any(k.lower() == "content-type" and v.endswith(_CHARSET) for k, v in headers.items()):
        return case
    raw = copy.deepcopy(case.case)
    for key, value in raw["serialized"]["headers"].items():
        if key.lower() == "content-type":
            raw["serialized"]["headers"][key] = value[: -len(_CHARSET)]
    return Case(case.file, case.suite, raw, case.index)


# -- input -------------------------------------------------------------------------------------

_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _top_level_floats(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (_SPECIAL_FLOATS.get(v, v) if isinstance(v, str) else v) for k, v in params.items()}


def _uri(request: SerializedRequest) -> str:
    query = encode_query(request.query)
    if not query:
        return request.path
    return f"{request.path}{'&' if '?' in request.path else '?'}{query}"


def _compare_json(actual: bytes, expected: str) -> None:
    assert json.loads(actual.decode("utf-8")) == json.loads(expected), (actual, expected)


def _compare_rest_json(actual: bytes, expected: str) -> None:
    try:
        a, e = json.loads(actual.decode("utf-8")), json.loads(expected)
    except ValueError:
        assert actual.decode("utf-8") == expected
    else:
        assert a == e, (actual, expected)


def _compare_xml(actual: bytes, expected: str) -> None:
    try:
        a = ET.canonicalize(actual.decode("utf-8"), strip_text=True)
        e = ET.canonicalize(expected, strip_text=True)
    except ET.ParseError:
        assert actual.decode("utf-8") == expected
    else:
        assert a == e


def _compare_exact(actual: bytes, expected: str) -> None:
    assert actual.decode("utf-8") == expected


def _compare_cbor(actual: bytes, expected: str) -> None:
    # Decoded comparison: the expected bytes use indefinite lengths and float64 timestamps.
    from squall.protocols._cbor import decode_raw

    def nan_free(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return "NaN"
        if isinstance(value, dict):
            return {k: nan_free(v) for k, v in value.items()}
        if isinstance(value, list):
            return [nan_free(v) for v in value]
        return value

    raw = base64.b64decode(expected)
    if not raw:
        assert actual == b"", actual
        return
    assert nan_free(decode_raw(actual)) == nan_free(decode_raw(raw)), (actual.hex(), raw.hex())


BODY_COMPARATORS: dict[str, Callable[[bytes, str], None]] = {
    "json": _compare_json,
    "rest-json": _compare_rest_json,
    "rest-xml": _compare_xml,
    "query": _compare_exact,
    "ec2": _compare_exact,
    "smithy-rpc-v2-cbor": _compare_cbor,
}


def _expected_headers(case: Case, operation: OperationModel) -> dict[str, str]:
    expected = dict(case.case["serialized"].get("headers", {}))
    protocol = case.protocol
    lowered = {k.lower(): k for k in expected}
    if "content-type" in lowered:
        key = lowered["content-type"]
        if protocol in ("query", "ec2"):
            expected[key] += "; charset=utf-8"
        elif protocol == "rest-xml" or (protocol == "rest-json" and expected[key] != "application/json"):
            del expected[key]
    shape = operation.input_shape
    if shape is not None:
        for member in shape.members.values():
            if member.serialization.get("location") == "header" and member.type_name == "list":
                name = member.serialization.get("name", "")
                for key in list(expected):
                    if key.lower() == name.lower():
                        expected[key] = expected[key].replace(", ", ",")
    return expected


def _timestamp_list_headers(operation: OperationModel) -> set[str]:
    shape = operation.input_shape
    if shape is None:
        return set()
    return {
        m.serialization.get("name", n).lower()
        for n, m in shape.members.items()
        if m.serialization.get("location") == "header" and m.type_name == "list"
        and m.member.type_name == "timestamp"
    }


def _host(endpoint: str, request: SerializedRequest) -> str:
    netloc = urlsplit(endpoint).netloc
    return (request.host_prefix or "") + netloc


def run_input_case(case: Case) -> None:
    operation = case.operation_model()
    params = _top_level_floats(copy.deepcopy(case.case["params"]))
    request = serializer_for(case.protocol)(operation, params)
    expected = case.case["serialized"]
    assert isinstance(request.body, bytes), f"body must be bytes, got {type(request.body)}"

    assert _uri(request) == expected["uri"]
    if "method" in expected:
        assert request.method == expected["method"]

    actual_headers = {k.lower(): v for k, v in request.headers.items()}
    for name in _timestamp_list_headers(operation):
        if name in actual_headers:
            actual_headers[name] = actual_headers[name].replace(", ", ",")
    for name, value in _expected_headers(case, operation).items():
        assert name.lower() in actual_headers, f"missing header {name}: {actual_headers}"
        assert actual_headers[name.lower()] == value, f"header {name}"
    for name in expected.get("forbidHeaders", ()):
        assert name.lower() not in actual_headers, f"forbidden header {name} present"

    if "body" in expected:
        BODY_COMPARATORS[case.protocol](request.body, expected["body"])

    if "host" in expected:
        assert _host(case.suite["clientEndpoint"], request) == expected["host"]


# -- output ------------------------------------------------------------------------------------

def build_response(case: Case, operation: OperationModel) -> HttpResponse:
    raw = case.case["response"]
    headers = {k.lower(): v for k, v in raw.get("headers", {}).items()}
    if "body" in raw:
        body = raw["body"].encode("utf-8")
        if case.protocol == "smithy-rpc-v2-cbor" or operation.has_event_stream_output:
            body = base64.b64decode(body)
    else:
        body = b"<xml/>" if case.protocol == "query" else b""
    return HttpResponse(status_code=raw["status_code"], headers=headers, body=body,
                        wire_names=tuple(raw.get("headers", {})))


def normalise(value: Any) -> Any:
    """Blobs -> str, timestamps -> epoch seconds, event streams -> lists of events."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    if isinstance(value, datetime.datetime):
        assert value.tzinfo is not None, "timestamps must be timezone-aware"
        return value.timestamp()
    if hasattr(value, "read"):  # a StreamingBody: its content, not its chunks
        return normalise(value.read())
    if hasattr(value, "get_initial_response") or (
        hasattr(value, "__iter__") and not isinstance(value, (str, bytes))
    ):
        return [normalise(v) for v in value]
    return value


def _special_floats_to_str(parsed: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in parsed.items():
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            value = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        out[key] = value
    return out


def run_output_case(case: Case) -> None:
    operation = case.operation_model()
    response = build_response(case, operation)
    parser = parser_for(case.protocol)
    if "error" in case.case:
        parsed = parser.parse_error(operation.service_model, response)
        expected: dict[str, Any] = {"Error": {
            "Code": case.case.get("errorCode", ""),
            "Message": case.case.get("errorMessage", ""),
        }}
        expected.update(case.case["error"])
    else:
        parsed = parser.parse(operation, response)
        expected = case.case["result"]
    assert isinstance(parsed.get("ResponseMetadata"), dict), "ResponseMetadata missing"
    parsed = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    if "Error" in parsed:
        parsed["Error"] = {k: v for k, v in parsed["Error"].items() if k in ("Code", "Message")}
    parsed = _special_floats_to_str(normalise(parsed))
    assert parsed == expected
