"""S3 Control: the endpoint rules put the account id in the host, so the model's
``{AccountId}.`` host prefix is dropped where ``RequiresAccountId`` is set (as botocore)."""
from __future__ import annotations

from typing import Any, Mapping

from . import Customizations


def drop_account_host_prefix(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    operations = {}
    for name, operation in raw["operations"].items():
        static = operation.get("staticContextParams", {})
        endpoint = operation.get("endpoint")
        if endpoint and endpoint.get("hostPrefix") == "{AccountId}." and \
                static.get("RequiresAccountId", {}).get("value") is True:
            operation = {**operation, "endpoint": {k: v for k, v in endpoint.items() if k != "hostPrefix"}}
        operations[name] = operation
    return {**raw, "operations": operations}


CUSTOMIZATIONS = Customizations(model_transform=drop_account_host_prefix)
