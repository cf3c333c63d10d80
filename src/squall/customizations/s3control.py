"""S3 Control: the endpoint rules put the account id in the host, so the model's
``{AccountId}.`` host prefix is dropped where ``RequiresAccountId`` is set; an Outposts
bucket or access-point ARN in ``Bucket``/``Name`` supplies ``AccountId`` (as botocore's
S3ControlArnParamHandlerv2)."""
from __future__ import annotations

from typing import Any, Mapping

from ..endpoints._stdlib import parse_arn
from ..exceptions import UnsupportedS3ControlArnError
from ..models import OperationModel
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


def _outpost_account(params: Mapping[str, Any], member: str, kind: str) -> str | None:
    """The ARN's account if ``params[member]`` is an Outposts ``kind`` ARN; an ARN of any
    other sort is refused (the rules could not route it)."""
    value = params.get(member)
    arn = parse_arn(value)
    if arn is None:
        return None
    service, region, account, resources = arn["service"], arn["region"], arn["accountId"], arn["resourceId"]
    if region.startswith("fips-") or region.endswith("fips-"):
        raise UnsupportedS3ControlArnError(arn=value, msg="Invalid ARN, FIPS region not allowed in ARN.")
    if service != "s3-outposts" or len(resources) != 4 or resources[0] != "outpost" or resources[2] != kind:
        raise UnsupportedS3ControlArnError(arn=value, msg=f"The {member} parameter does not support the provided ARN")
    if "AccountId" in params and params["AccountId"] != account:
        raise UnsupportedS3ControlArnError(
            arn=value, msg=f'Account ID in arn does not match the AccountId parameter provided: "{params["AccountId"]}"')
    return account


def account_from_arn(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    if op.name in ("CreateBucket", "ListRegionalBuckets"):  # routed by OutpostId instead
        return params
    account = None
    if op.name != "CreateAccessPoint":  # its Name is the new access point's own name
        account = _outpost_account(params, "Name", "accesspoint")
    account = _outpost_account(params, "Bucket", "bucket") or account
    return params if account is None else {**params, "AccountId": account}


CUSTOMIZATIONS = Customizations(model_transform=drop_account_host_prefix, before_parameter_build=account_from_arn)
