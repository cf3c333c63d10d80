"""Amazon ML: Predict goes to the model's own ``PredictEndpoint`` (scheme and host; the
path and query stay), as botocore's switch_host_machinelearning."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from ..http import HttpRequest
from ..models import OperationModel
from . import Customizations
from ._util import by_operation


def to_predict_endpoint(op: OperationModel, params: Mapping[str, Any], request: HttpRequest) -> HttpRequest:
    endpoint = params.get("PredictEndpoint")
    if not endpoint:
        return request
    new, old = urlsplit(endpoint), urlsplit(request.url)
    return request.replace(url=urlunsplit((new.scheme, new.netloc, old.path, old.query, "")))


CUSTOMIZATIONS = Customizations(before_sign=by_operation({"Predict": to_predict_endpoint}))
