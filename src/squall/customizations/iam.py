"""IAM: policy documents arrive URL-encoded JSON; return them as dicts (as boto3 does)."""
from __future__ import annotations

from typing import Any, Mapping

from ..http import HttpResponse
from ..models import OperationModel, Shape
from . import Customizations
from ._util import decode_quoted_json

_POLICY_SHAPE = "policyDocumentType"


def _decode(value: Any, shape: Shape) -> Any:
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name not in value:
                continue
            if member.type_name == "string" and member.name == _POLICY_SHAPE:
                value[name] = decode_quoted_json(value[name])
            else:
                _decode(value[name], member)
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            _decode(item, shape.member)
    return value


def decode_policies(op: OperationModel, params: Mapping[str, Any], response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any]:
    if op.output_shape is not None:
        _decode(parsed, op.output_shape)
    return parsed


CUSTOMIZATIONS = Customizations(after_parse=decode_policies)
