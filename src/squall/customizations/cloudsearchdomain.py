"""CloudSearch Domain: Search is modelled as a GET but sent as a form POST (a long query
would not fit a URL); its ``return`` member (a Python keyword) is also accepted as
``returnFields``."""
from __future__ import annotations

from typing import Any, Mapping

from ..http import HttpRequest
from ..models import OperationModel
from . import Customizations
from ._util import by_operation, parameter_alias


def get_to_post(op: OperationModel, params: Mapping[str, Any], request: HttpRequest) -> HttpRequest:
    if request.method != "GET" or "?" not in request.url:
        return request
    url, query = request.url.split("?", 1)
    return request.replace(method="POST", url=url, body=query.encode("utf-8")).with_headers(
        {"Content-Type": "application/x-www-form-urlencoded"})


CUSTOMIZATIONS = Customizations(
    before_parameter_build=by_operation({"Search": parameter_alias("return", "returnFields")}),
    before_sign=by_operation({"Search": get_to_post}),
)
