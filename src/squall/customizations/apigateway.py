"""API Gateway: ask for JSON explicitly (the service otherwise answers in HAL)."""
from __future__ import annotations

from typing import Any, Mapping

from ..http import SerializedRequest
from ..models import OperationModel
from . import Customizations


def accept_json(op: OperationModel, params: Mapping[str, Any], request: SerializedRequest) -> SerializedRequest:
    if any(k.lower() == "accept" for k in request.headers):
        return request
    return request.with_headers({"Accept": "application/json"})


CUSTOMIZATIONS = Customizations(after_serialize=accept_json)
