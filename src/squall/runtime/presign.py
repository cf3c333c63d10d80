"""Presigned URLs (any operation) and S3 POST forms, as botocore makes them.

A presigned URL is the request a call would send (validated, endpoint resolved,
serialized: ``prepare_request``), signed with SigV4 in its query string instead of its
headers. Everything here is a pure function of the client's immutable context, the
credentials and ``now``; the client methods fetch the credentials and read the
client's clock, and tests pass a fixed ``now``.

botocore's rules kept here:

* parameters in a form or JSON-object body move into the query string (lists repeat
  the name) and the body becomes empty;
* the signing region is the client's (for a global service, its catalogue credential
  scope, e.g. us-east-1 for IAM), not the endpoint rules' -- unless ``Bucket`` is an ARN;
* S3 signs ``UNSIGNED-PAYLOAD`` with the path as sent (no normalisation, no double
  encoding), and in the ``aws`` partition presigns against the global endpoint
  (``bucket.s3.amazonaws.com``) whenever the bucket can be a virtual host.

Unlike botocore, S3 presigns with SigV4 by default (botocore still defaults to the
deprecated SigV2 in most regions; its ``Config(signature_version="s3v4")`` output is
what squall produces).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from .._dataclass import dataclass, replace  # the stdlib's, cheaper to define
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Mapping, Sequence
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from ..auth import ALGORITHM, presign_v4_query
from ..auth._keys import DEFAULT_KEY_CACHE
from ..exceptions import NoRegionError, UnknownClientMethodError, UnsupportedSignatureVersionError
from ..http import HttpRequest
from ..models import OperationModel
from ._auth_schemes import signing_properties
from ._context import ClientContext, ResolvedEndpoint
from ._endpoint_params import EndpointInputs
from ._flow import prepare_request
from .hooks import ENDPOINT_OVERRIDE, CallInfo, chose_unsigned

if TYPE_CHECKING:
    from ._base import BaseClient

__all__ = ["generate_presigned_url", "generate_presigned_post", "S3_SIGNING_NAMES"]

# Signing names whose requests are signed the S3 way (botocore's S3_SIGNING_NAMES).
S3_SIGNING_NAMES = frozenset({"s3", "s3-outposts", "s3-object-lambda", "s3express"})
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_VALID_HOST_LABEL = re.compile(r"^(?!-)[a-zA-Z\d-]{1,63}(?<!-)$")
_ISO8601 = "%Y-%m-%dT%H:%M:%SZ"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
# Headers a call adds for the trip itself; a URL handed to someone else carries none.
_CALL_ONLY_HEADERS = ("User-Agent", "Expect")


# ---------------------------------------------------------------------------------
# Public entry points (bound as client methods)


def generate_presigned_url(
    client: "BaseClient", ClientMethod: str, Params: Mapping[str, Any] | None = None,
    ExpiresIn: int = 3600, HttpMethod: str | None = None, *, now: datetime | None = None,
) -> str:
    """A URL that performs ``ClientMethod(**Params)`` for ``ExpiresIn`` seconds.

    ``HttpMethod`` replaces the operation's method (e.g. ``"HEAD"`` for a
    ``get_object`` URL). ``now`` (aware or naive UTC) defaults to the client's clock.
    """
    ctx: ClientContext = client._context
    try:
        operation_name = client._PY_TO_OP_NAME[ClientMethod]
    except KeyError:
        raise UnknownClientMethodError(method_name=ClientMethod) from None
    op = ctx.service_model.operation_model(operation_name)
    params = dict(Params or {})
    # botocore's events for a presigned URL: provide-client-params, before-parameter-build,
    # before-endpoint-resolution, then choose-signer and before-sign (versions end in -query).
    hooks = ctx.interceptors or None  # false while no handler would run
    info = CallInfo(ctx.service_model.service_id, operation_name, op, {"is_presign_request": True}) \
        if hooks else None
    if hooks:
        params = hooks.before_serialization(info, params)
        if (override := info.context.get(ENDPOINT_OVERRIDE)) is not None:
            ctx = replace(ctx, resolve_endpoint=override)
    request, endpoint = _prepare(client, op, params, ctx)
    if HttpMethod is not None:
        request = request.replace(method=HttpMethod)
    if ctx.unsigned or _is_unsigned(op) or op.name in getattr(ctx.customizations, "unsigned_operations", ()):
        return request.url  # nothing to sign: the plain URL (botocore does the same)
    asked = signing_properties(ctx, endpoint, op)
    if hooks:
        info.context["signing"] = asked
        request = hooks.before_signing(info, request)
        if chose_unsigned(info):
            return request.url
    if asked.get("scheme") == "bearer":  # a token in a header cannot ride in a URL (botocore: same error)
        raise UnsupportedSignatureVersionError(signature_version="bearer-query")
    credentials = client._get_credentials()
    signing = _signing(client, endpoint, params)
    if asked.get("scheme") == "sigv4a":  # e.g. an S3 Multi-Region Access Point (the CRT's s3v4a-query)
        signing = _Signing(asked["signing_name"], signing.region, asked["signing_name"] in S3_SIGNING_NAMES,
                           region_set=asked["region_set"], needed_by=asked["needed_by"])
    if not signing.s3 and (op.auth_type == "v4-unsigned-body" or op.raw.get("unsignedPayload")):
        # botocore skips the payload hash for such operations, but only over TLS.
        signing = replace(signing, unsigned_payload=request.url.startswith("https"))
    return _presign(request, credentials, signing, now or ctx.clock(), ExpiresIn).url


def generate_presigned_post(
    client: "BaseClient", Bucket: str, Key: str, Fields: Mapping[str, Any] | None = None,
    Conditions: Sequence[Any] | None = None, ExpiresIn: int = 3600, *, now: datetime | None = None,
) -> dict[str, Any]:
    """``{"url": ..., "fields": {...}}`` for an HTML form upload to S3 (POST policy, SigV4).

    ``Key`` may end in ``${filename}`` (the uploaded file's name); the policy then only
    requires the key to start with the rest. ``Fields`` are sent as they are: add a
    matching entry to ``Conditions`` for each, as S3 checks every field against them.
    ``Conditions`` is not modified (botocore appends to the caller's list).
    """
    ctx: ClientContext = client._context
    fields: dict[str, Any] = dict(Fields or {})
    conditions: list[Any] = list(Conditions or [])
    # CreateBucket's request is the bucket's own URL: what a POST upload is sent to.
    op = ctx.service_model.operation_model("CreateBucket")
    params = {"Bucket": Bucket}
    request, endpoint = _prepare(client, op, params, ctx)
    signing = _signing(client, endpoint, params)
    credentials = client._get_credentials()
    moment = _utc(now or ctx.clock())

    conditions.append({"bucket": Bucket})
    if Key.endswith("${filename}"):
        conditions.append(["starts-with", "$key", Key[: -len("${filename}")]])
    else:
        conditions.append({"key": Key})
    fields["key"] = Key

    amz_date = moment.strftime(_AMZ_DATE)
    scope = f"{amz_date[:8]}/{signing.region}/{signing.name}/aws4_request"
    credential = f"{credentials.access_key}/{scope}"
    auth_fields = {"x-amz-algorithm": ALGORITHM, "x-amz-credential": credential, "x-amz-date": amz_date}
    if credentials.token is not None:
        auth_fields["x-amz-security-token"] = credentials.token
    for name, value in auth_fields.items():
        fields[name] = value
        conditions.append({name: value})
    policy = {
        "expiration": (moment + timedelta(seconds=ExpiresIn)).strftime(_ISO8601),
        "conditions": conditions,
    }
    # json.dumps defaults (", "/": " separators) as botocore: the signature covers these bytes.
    fields["policy"] = base64.b64encode(json.dumps(policy).encode("utf-8")).decode("utf-8")
    key = DEFAULT_KEY_CACHE.get(credentials.secret_key, amz_date[:8], signing.region, signing.name)
    fields["x-amz-signature"] = hmac.new(key, fields["policy"].encode("utf-8"), hashlib.sha256).hexdigest()
    return {"url": request.url, "fields": fields}


# ---------------------------------------------------------------------------------
# The request to sign


def _prepare(
    client: "BaseClient", op: OperationModel, params: Mapping[str, Any], ctx: ClientContext,
) -> tuple[HttpRequest, ResolvedEndpoint]:
    if _is_s3(ctx) and _use_global_endpoint(client, op, params):
        ctx = _with_builtins(ctx, {"AWS::Region": "aws-global", "AWS::S3::UseGlobalEndpoint": True})
    request, endpoint = prepare_request(ctx, op, params)
    dropped = ctx.customizations.presign_drops_headers.get(op.name, ())  # e.g. Polly's Content-Type
    return request.without_headers(*_CALL_ONLY_HEADERS, *dropped), endpoint


def _is_unsigned(op: OperationModel) -> bool:
    """Operations modelled without auth (``authtype: none`` or noAuth first in ``auth``)."""
    auth = op.auth
    return op.auth_type == "none" or (auth is not None and auth[:1] == ("smithy.api#noAuth",))


def _is_s3(ctx: ClientContext) -> bool:
    return ctx.signing_name in S3_SIGNING_NAMES


def _endpoint_inputs(ctx: ClientContext) -> EndpointInputs | None:
    # The context holds the bound ``EndpointInputs.resolve``; presigning needs to re-run
    # it with other built-ins.
    inputs = getattr(ctx.resolve_endpoint, "__self__", None)
    return inputs if isinstance(inputs, EndpointInputs) else None


def _client_param(ctx: ClientContext, built_in: str) -> Any:
    inputs = _endpoint_inputs(ctx)
    if inputs is None:
        return None
    for name, param in inputs.ruleset.parameters.items():
        if param.built_in == built_in:
            return inputs.client_params.get(name)
    return None


def _with_builtins(ctx: ClientContext, overrides: Mapping[str, Any]) -> ClientContext:
    inputs = _endpoint_inputs(ctx)
    if inputs is None:
        return ctx
    values = dict(inputs.client_params)
    for name, param in inputs.ruleset.parameters.items():
        if param.built_in is not None and param.built_in in overrides:
            values[name] = overrides[param.built_in]
    return replace(ctx, resolve_endpoint=replace(inputs, client_params=values).resolve)


def _is_arn(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("arn:") and value.count(":") >= 5


def _s3_settings(client: "BaseClient") -> dict[str, Any]:
    """The client's S3 settings: the profile's ``s3`` section overlaid by ``Config(s3=...)``
    (botocore keeps the merge in ``meta.config.s3``; squall's client keeps its Session)."""
    merged: dict[str, Any] = {}
    rebuild = getattr(client, "_rebuild", None)
    session = rebuild[0] if rebuild else None
    settings = getattr(session, "_settings", None)
    if settings is not None:
        try:
            merged.update(settings.s3_config() or {})
        except Exception:  # a malformed profile section is reported when the client is made
            pass
    merged.update(getattr(client.meta.config, "s3", None) or {})
    return merged


def _use_global_endpoint(client: "BaseClient", op: OperationModel, params: Mapping[str, Any]) -> bool:
    """botocore presigns S3 against ``s3.amazonaws.com`` (signed for the client's region)
    where the bucket can be a virtual host: such URLs work before DNS for a new
    bucket's regional name has propagated."""
    if client.meta.partition != "aws":
        return False
    s3 = _s3_settings(client)
    if s3.get("use_dualstack_endpoint"):
        return False
    if s3.get("us_east_1_regional_endpoint") == "regional" and client.meta.region_name == "us-east-1":
        return False
    if s3.get("addressing_style") == "virtual":
        return False
    bucket = params.get("Bucket")  # None (ListBuckets) still goes to the global endpoint
    if bucket is not None and (
        _is_arn(bucket) or not _VALID_HOST_LABEL.match(bucket) or bucket.endswith("--x-s3")
    ):
        return False  # the ARN's own endpoint, path style required, or an S3 Express bucket
    path_style = op.name == "GetBucketLocation" or bool(_client_param(client._context, "AWS::S3::ForcePathStyle"))
    return not path_style


# ---------------------------------------------------------------------------------
# Signing


@dataclass(frozen=True, slots=True)
class _Signing:
    name: str  # signing name (credential scope service)
    region: str
    s3: bool  # sign the S3 way: UNSIGNED-PAYLOAD, path as sent
    unsigned_payload: bool = False
    region_set: str | None = None  # set: sign with SigV4a for these regions
    needed_by: str | None = None  # what asked for SigV4a (named if cryptography is missing)


def _signing(client: "BaseClient", endpoint: ResolvedEndpoint, params: Mapping[str, Any]) -> _Signing:
    ctx: ClientContext = client._context
    name = ctx.signing_name
    region: str | None = None
    for scheme in endpoint.properties.get("authSchemes", ()):
        if scheme.get("name") in ("sigv4", "sigv4-s3express"):
            name = scheme.get("signingName", name)
            # A presigned URL keeps the client's region unless the bucket is an ARN,
            # whose own region the endpoint rules chose.
            if _is_arn(params.get("Bucket")):
                region = scheme.get("signingRegion")
            break
    if region is None:
        region = _client_signing_region(client)
    return _Signing(name, region, name in S3_SIGNING_NAMES)


def _client_signing_region(client: "BaseClient") -> str:
    """botocore's client-level signing region: the catalogue endpoint's credential scope
    (IAM's ``aws-global`` signs for us-east-1), or the region itself; with a custom
    endpoint URL, always the region."""
    region = client.meta.region_name
    if region is None:
        raise NoRegionError()
    if _client_param(client._context, "SDK::Endpoint") is not None:
        return region
    try:
        data = _loader(client).load_data("endpoints")
    except Exception:  # no catalogue: the region is the best answer
        return region
    prefix = client._context.service_model.endpoint_prefix
    for partition in data.get("partitions", ()):
        if partition.get("partition") != client.meta.partition:
            continue
        service = partition.get("services", {}).get(prefix, {})
        entry = service.get("endpoints", {}).get(region)
        if entry is None:
            break
        scope = {**service.get("defaults", {}).get("credentialScope", {}), **entry.get("credentialScope", {})}
        return str(scope.get("region", region))
    return region


def _loader(client: "BaseClient") -> Any:
    loader = getattr(client, "_loader", None)
    if loader is None:
        rebuild = getattr(client, "_rebuild", None)
        loader = getattr(rebuild[0], "_loader", None) if rebuild else None
    if loader is None:
        from ..models import Loader

        loader = Loader.from_data_path()
    return loader


def _move_body_to_query(request: HttpRequest) -> HttpRequest:
    """botocore sends the parameters of a form or JSON-object body as query parameters;
    a list repeats its name once per element, other values are ``str()``-ed."""
    body = request.body
    if not isinstance(body, (bytes, bytearray, memoryview)) or not body:
        return request
    text = bytes(body).decode("utf-8", "replace")
    content_type = (request.header("Content-Type") or "").lower()
    pairs: list[tuple[str, str]]
    if content_type.startswith(_FORM_CONTENT_TYPE):
        pairs = parse_qsl(text, keep_blank_values=True)
    else:
        try:
            loaded = json.loads(text)
        except ValueError:
            return request  # not parameters (e.g. an XML document): left as the body
        if not isinstance(loaded, dict):
            return request
        pairs = []
        for name, value in loaded.items():
            for item in value if isinstance(value, list) else [value]:
                pairs.append((str(name), item if isinstance(item, str) else str(item)))
    parts = urlsplit(request.url)
    moved = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    query = "&".join(q for q in (parts.query, moved) if q)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return request.replace(url=url, body=b"")


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _presign(request: HttpRequest, credentials: Any, signing: _Signing, now: datetime, expires: int) -> HttpRequest:
    request = _move_body_to_query(request)
    if signing.region_set is not None:
        from ..auth import presign_v4a_query

        return presign_v4a_query(
            request, access_key=credentials.access_key, secret_key=credentials.secret_key,
            token=credentials.token, region_set=signing.region_set, service=signing.name,
            timestamp=_utc(now), expires=expires, double_uri_encode=not signing.s3,
            normalize_path=not signing.s3, unsigned_payload=signing.s3 or signing.unsigned_payload,
            needed_by=signing.needed_by,
        )
    return presign_v4_query(
        request,
        access_key=credentials.access_key,
        secret_key=credentials.secret_key,
        token=credentials.token,
        region=signing.region,
        service=signing.name,
        timestamp=_utc(now),
        expires=expires,
        double_uri_encode=not signing.s3,
        normalize_path=not signing.s3,
        unsigned_payload=signing.s3 or signing.unsigned_payload,
        key_cache=DEFAULT_KEY_CACHE,
    )
