"""IAM Identity Center OIDC: OAuth2 errors carry their text in ``error_description``;
it becomes the error's ``Message`` when the body has none (as botocore maps it)."""
from __future__ import annotations

import json
from .._dataclass import replace  # the stdlib's, without importing it

from ..http import HttpResponse
from ..models import OperationModel
from . import Customizations


def oauth2_message(op: OperationModel, response: HttpResponse) -> HttpResponse:
    if response.status_code < 400 or b"error_description" not in response.body:
        return response
    try:
        body = json.loads(response.body)
        message = body.get("error_description")
        if not message or body.get("Message", body.get("message")):
            return response
    except (ValueError, AttributeError, TypeError):
        return response
    body["Message"] = message
    return replace(response, body=json.dumps(body).encode("utf-8"))


CUSTOMIZATIONS = Customizations(before_parse=oauth2_message)
