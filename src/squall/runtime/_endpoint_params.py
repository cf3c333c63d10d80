"""Rule-set parameters for one call: SDK built-ins, client context, the operation's
static and member-bound context params. Pure; the engine memoises resolution."""
from __future__ import annotations

from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Generator, Mapping

from ..endpoints import EndpointRuleSet, Partitions
from ..models import OperationModel, xform_name
from ._context import ClientContext, ResolvedEndpoint

if TYPE_CHECKING:
    from ._effects import Effect

__all__ = ["EndpointInputs", "builtin_values", "call_account_id"]

ACCOUNT_ID = "AWS::Auth::AccountId"
ACCOUNT_ID_MODE = "AWS::Auth::AccountIdEndpointMode"


def _search(path: str, params: Mapping[str, Any]) -> Any:
    """An ``operationContextParams`` JMESPath (e.g. ``keys(RequestItems)``) over the input."""
    import jmespath  # imported on first use: most operations have no such params

    return jmespath.search(path, params)

# (static (name, value)s, (name, input member, read by the rules)s, (name, JMESPath)s)
_Plan = tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, str, bool], ...], tuple[tuple[str, str], ...]]


@lru_cache(maxsize=64)
def _read_parameters(ruleset: EndpointRuleSet) -> frozenset[str]:
    """The parameters a rule set's rules read: by ``{"ref": name}`` or in a template
    string (``"https://{Bucket}.s3..."``). Worked out once per rule set."""
    names = set(ruleset.parameters)
    found: set[str] = set()
    pending: list[Any] = [ruleset._source.get("rules", [])]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("ref")
            if isinstance(ref, str):
                found.add(ref)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, str) and "{" in node:
            found.update(n for n in names if "{" + n in node)
    return frozenset(found & names)


LEGACY_GLOBAL_STS_REGIONS = frozenset({
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
    "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
})


def builtin_values(
    *, region: str | None, endpoint_url: str | None, use_fips: bool, use_dualstack: bool,
    sts_regional_endpoints: str | None, s3: Mapping[str, Any] | None,
    account_id: str | None, account_id_endpoint_mode: str | None,
) -> dict[str, Any]:
    """The ``AWS::*``/``SDK::*`` built-ins, mapped from settings as botocore maps them."""
    s3 = s3 or {}
    if s3.get("use_accelerate_endpoint"):
        force_path_style = False
    elif endpoint_url is not None and "s3-accelerate" not in endpoint_url:
        force_path_style = s3.get("addressing_style") != "virtual"
    else:
        force_path_style = s3.get("addressing_style") == "path"
    us_east_1 = s3.get("us_east_1_regional_endpoint", "legacy")
    return {
        "AWS::Region": region,
        # A custom endpoint cannot be combined with the FIPS/dual-stack variants.
        "AWS::UseFIPS": endpoint_url is None and bool(use_fips),
        "AWS::UseDualStack": endpoint_url is None and bool(use_dualstack or s3.get("use_dualstack_endpoint")),
        "AWS::STS::UseGlobalEndpoint": (
            endpoint_url is None and (sts_regional_endpoints or "regional") == "legacy"
            and region in LEGACY_GLOBAL_STS_REGIONS
        ),
        "AWS::S3::UseGlobalEndpoint": us_east_1 == "legacy" and region in ("us-east-1", None),
        "AWS::S3::Accelerate": bool(s3.get("use_accelerate_endpoint", False)),
        "AWS::S3::ForcePathStyle": force_path_style,
        "AWS::S3::UseArnRegion": s3.get("use_arn_region", True),
        "AWS::S3Control::UseArnRegion": s3.get("use_arn_region", False),
        "AWS::S3::DisableMultiRegionAccessPoints": s3.get("s3_disable_multiregion_access_points", False),
        "SDK::Endpoint": endpoint_url,
        ACCOUNT_ID: account_id,
        ACCOUNT_ID_MODE: account_id_endpoint_mode,
    }


@dataclass(frozen=True, slots=True)
class EndpointInputs:
    """Fixed per client: the rule set, partitions and client-level parameter values."""

    ruleset: EndpointRuleSet
    partitions: Partitions
    client_params: Mapping[str, Any]  # from built-ins and client context params
    # a service quirk that rewrites one call's rule-set parameters (S3 path style)
    adjust: Callable[[OperationModel, Mapping[str, Any], dict[str, Any]], dict[str, Any]] | None = None
    # the rule-set parameter that each call fills from its credentials' account id (as
    # botocore's deferred AWS::Auth::AccountId); None: the rules take none, or not from them
    account_id_param: str | None = None
    # operation -> its context parameters that this rule set takes (see _plan)
    _plans: dict[OperationModel, _Plan] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls, ruleset: EndpointRuleSet, partitions: Partitions, builtins: Mapping[str, Any],
        client_context: Mapping[str, Any],
        adjust: Callable[[OperationModel, Mapping[str, Any], dict[str, Any]], dict[str, Any]] | None = None,
        *, account_id_from_credentials: bool = False,
    ) -> "EndpointInputs":
        """``account_id_from_credentials``: a signed client whose account-id endpoint mode
        is not ``disabled`` and whose built-ins carry no account id; each call then
        reads it from the credentials it signs with (so making the client resolves none)."""
        values: dict[str, Any] = {}
        account_id_param = None
        for name, param in ruleset.parameters.items():
            if param.built_in is not None and builtins.get(param.built_in) is not None:
                values[name] = builtins[param.built_in]
            elif param.built_in == ACCOUNT_ID and account_id_from_credentials:
                account_id_param = name
            # Config(client_context_params=...) uses botocore's snake_case names.
            for key in (name, xform_name(name)):
                if key in client_context:
                    values[name] = client_context[key]
        if account_id_param in values:
            account_id_param = None
        return cls(ruleset, partitions, values, adjust, account_id_param)

    def resolve_default(self) -> str:
        """What ``client.meta.endpoint_url`` shows: the endpoint for the client-level
        parameters. As boto3's (from the endpoint catalogue), never an account-id endpoint."""
        values = dict(self.client_params)
        for name, param in self.ruleset.parameters.items():
            if param.built_in == ACCOUNT_ID_MODE:
                values[name] = "disabled"
        return self.ruleset.resolve(values, self.partitions).url

    def _plan(self, op: OperationModel) -> _Plan:
        """The operation's static, member-bound and JMESPath context parameters that the
        rule set declares, worked out once per operation instead of on every call.
        Member-bound parameters the rules never read (S3's Key, Prefix, CopySource) are
        left out, so that a new key per call still hits the resolution cache; a value of
        the wrong type keeps them in, to be reported as before (see ``resolve``)."""
        plan = self._plans.get(op)
        if plan is None:
            declared = self.ruleset.parameters
            read = _read_parameters(self.ruleset)
            plan = self._plans.setdefault(op, (
                tuple((n, v) for n, v in op.static_context_parameters.items() if n in declared),
                tuple((n, m, n in read or declared[n].type != "string")
                      for n, m in op.context_parameters if n in declared),
                tuple((e["name"], e["path"]) for e in op.operation_context_parameters if e["name"] in declared),
            ))
        return plan

    def resolve(self, op: OperationModel, params: Mapping[str, Any], account_id: str | None = None) -> ResolvedEndpoint:
        values = dict(self.client_params)
        if account_id is not None and self.account_id_param is not None:
            values[self.account_id_param] = account_id
        static, members, paths = self._plan(op)
        for name, value in static:
            values[name] = value
        for name, member, read in members:
            if member in params:
                value = params[member]
                if read or value.__class__ is not str:
                    values[name] = value
        for name, path in paths:
            found = _search(path, params)
            if found is not None:
                values[name] = found
        if self.adjust is not None:
            values = self.adjust(op, params, values)
        endpoint = self.ruleset.resolve(values, self.partitions)
        return ResolvedEndpoint(url=endpoint.url, properties=endpoint.properties, headers=endpoint.headers)


def call_account_id(ctx: ClientContext) -> Generator[Effect, Any, str | None]:
    """The account id one call's endpoint takes (None when its rules take none): from the
    credentials the call signs with, resolved now instead of when the client was made."""
    inputs = getattr(ctx.resolve_endpoint, "__self__", None)
    if inputs is None or getattr(inputs, "account_id_param", None) is None:
        return None
    from ._effects import GetCredentials  # loaded by the call flow already

    try:
        credentials = yield GetCredentials()
    except Exception:  # noqa: BLE001 - missing credentials are reported when the call signs
        return None
    return getattr(credentials, "account_id", None)
