"""CloudFormation: GetTemplate's JSON ``TemplateBody`` is returned as a dict (YAML stays text)."""
from __future__ import annotations

import json
from typing import Any, Mapping

from ..http import HttpResponse
from ..models import OperationModel
from . import Customizations
from ._util import by_operation


def decode_template_body(op: OperationModel, params: Mapping[str, Any], response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any]:
    if "TemplateBody" in parsed:
        try:
            parsed["TemplateBody"] = json.loads(parsed["TemplateBody"])
        except (ValueError, TypeError):
            pass  # YAML or plain text templates are returned unchanged
    return parsed


CUSTOMIZATIONS = Customizations(after_parse=by_operation({"GetTemplate": decode_template_body}))
