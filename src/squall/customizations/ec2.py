"""EC2: base64-encoded user data on RunInstances; decoded console output; the
``PresignedUrl``/``DestinationRegion`` of a cross-region CopySnapshot; ``Filter`` also
accepted as ``Filters`` (botocore's parameter alias)."""
from __future__ import annotations

import base64
from typing import Any, Mapping

from ..http import HttpResponse
from ..models import OperationModel
from . import Customizations
from ._cross_region import ec2_presign
from . import chain
from ._util import by_operation, parameter_alias


def encode_user_data(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    if "UserData" not in params:
        return params
    value = params["UserData"]
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return {**params, "UserData": base64.b64encode(raw).decode("utf-8")}


def decode_console_output(op: OperationModel, params: Mapping[str, Any], response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any]:
    if "Output" in parsed:
        try:
            parsed["Output"] = base64.b64decode(bytes(parsed["Output"], "latin-1")).decode("utf-8", "replace")
        except (ValueError, TypeError):
            pass  # not base64: leave it as the service sent it
    return parsed


CUSTOMIZATIONS = Customizations(
    before_parameter_build=chain(
        parameter_alias("Filter", "Filters"), by_operation({"RunInstances": encode_user_data}),
    ),
    after_parse=by_operation({"GetConsoleOutput": decode_console_output}),
    cross_region_presign=ec2_presign,
)
