"""Assemble a client from resolved inputs: the one place the layers are wired together."""
from __future__ import annotations

import os
import time
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..customizations import for_service
from ..endpoints import load_partitions, load_ruleset
from ..http import HttpRequest
from ..models import Loader, ServiceModel
from ..exceptions import DataNotFoundError
from ..retries import RetrySettings, build_retry_policy
from ._base import BaseClient, ClientMeta, client_class_for
from ._auth_schemes import DEFAULT_AUTH_SETTINGS, AuthSettings
from ._bodies import DEFAULT_PAYLOAD_SETTINGS, PayloadSettings
from ._context import ClientContext
from .hooks import EventEmitter, client_class_with_events, make_interceptors
from ._endpoint_params import EndpointInputs
from ._exceptions import exceptions_for

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["ClientInputs", "build_client"]

# Signing, validation, the clock and S3's extras are imported on a client's first call
# (or for S3 only), not when any client is made: hashlib/OpenSSL, datetime and the
# validators cost ~12 ms to import, a large part of what a first client cost.


_now_utc: Callable[[], datetime] | None = None  # datetime.now(timezone.utc), bound on first use


def _utcnow() -> datetime:
    now = _now_utc
    if now is None:
        now = _bind_clock()
    return now()


def _bind_clock() -> Callable[[], datetime]:
    global _now_utc
    from datetime import datetime, timezone
    from functools import partial

    _now_utc = partial(datetime.now, timezone.utc)
    return _now_utc


def _lambda_trace_header() -> str | None:
    """Inside Lambda, the invocation's trace id goes on every request, so AWS can spot a
    function that calls itself in a loop (read per call: it changes per invocation).
    Only clients made inside Lambda (``AWS_LAMBDA_FUNCTION_NAME`` set) read it."""
    trace_id = os.environ.get("_X_AMZN_TRACE_ID")
    if not trace_id:
        return None
    from urllib.parse import quote

    return quote(trace_id, safe="-=;:+&[]{}\"',")


def _validate(shape: Any, params: Mapping[str, Any]) -> None:
    from .validate import validate

    validate(shape, params)


def _sign(request: HttpRequest, credentials: Any, props: Mapping[str, Any], now: datetime) -> HttpRequest:
    """SigV4; for S3 signing names, botocore's S3SigV4Auth: the path as sent (no
    normalising, no second encoding), ``X-Amz-Content-SHA256`` always, and the payload
    hash the flow chose (``props["payload"]``: signed, unsigned or trailer). S3 Express
    session credentials send their token as ``x-amz-s3session-token``."""
    from ..auth import STREAMING_UNSIGNED_PAYLOAD_TRAILER, sign_v4  # its key cache is process-wide

    if props.get("scheme") == "bearer":  # ``credentials`` is a FrozenAuthToken (runtime._auth_schemes)
        from ..auth import sign_bearer

        return sign_bearer(request, token=credentials.token)
    s3 = bool(props.get("s3"))
    token = credentials.token
    if props.get("s3express"):
        from ..customizations.s3_express import SESSION_TOKEN_HEADER

        request = request.without_headers("X-Amz-Security-Token")
        if request.header(SESSION_TOKEN_HEADER) is None and token:
            request = request.with_headers({SESSION_TOKEN_HEADER: token})
        token = None
    mode = props.get("payload", "signed")
    plain_path = not s3 and not props.get("disable_double_encoding", False)
    if props.get("scheme") == "sigv4a":  # the endpoint or model asked for it (runtime._auth_schemes)
        from ..auth import sign_v4a

        return sign_v4a(
            request, access_key=credentials.access_key, secret_key=credentials.secret_key,
            token=token, region_set=props["region_set"], service=props["signing_name"],
            timestamp=now, double_uri_encode=plain_path, normalize_path=plain_path,
            payload_signing=mode != "unsigned",
            payload_hash=STREAMING_UNSIGNED_PAYLOAD_TRAILER if mode == "trailer" else None,
            content_sha256_header=s3, needed_by=props.get("needed_by"),
        )
    return sign_v4(
        request,
        access_key=credentials.access_key,
        secret_key=credentials.secret_key,
        token=token,
        region=props["region"] or "us-east-1",
        service=props["signing_name"],
        timestamp=now,
        double_uri_encode=plain_path,
        normalize_path=plain_path,
        payload_signing=mode != "unsigned",
        payload_hash=STREAMING_UNSIGNED_PAYLOAD_TRAILER if mode == "trailer" else None,
        content_sha256_header=s3,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientInputs:
    """Everything the Session resolved for one client (values with their precedence applied)."""

    service_name: str
    service_model: ServiceModel
    loader: Loader
    region_name: str | None
    endpoint_url: str | None
    endpoint_source: str
    builtins: Mapping[str, Any]
    client_context_params: Mapping[str, Any]
    config: Any
    partition: str
    retry_mode: str
    max_attempts: int | None  # total attempts; None: the mode's (legacy: the service's) default
    parameter_validation: bool
    inject_host_prefix: bool
    user_agent: str
    unsigned: bool
    # the rules' AWS::Auth::AccountId comes from each call's credentials (see EndpointInputs)
    account_id_from_credentials: bool = False
    events: Any = None
    new_retries: bool = False  # AWS_NEW_RETRIES_2026
    payload: PayloadSettings = DEFAULT_PAYLOAD_SETTINGS  # checksums, compression, S3 payload signing
    auth: AuthSettings = DEFAULT_AUTH_SETTINGS  # auth_scheme_preference, sigv4a_signing_region_set
    endpoint_discovery: Any = "auto"  # endpoint_discovery_enabled: True, False, "auto"; None: off


def _retry_policy(inputs: ClientInputs) -> Any:
    """The client's retry rules and the state its threads share (quota, rate limiter)."""
    model = inputs.service_model
    retry_data = None
    if inputs.retry_mode == "legacy":
        try:
            retry_data = inputs.loader.load_data("_retry")
        except DataNotFoundError:
            retry_data = None
    settings = RetrySettings(mode=inputs.retry_mode,  # type: ignore[arg-type]
                             total_max_attempts=inputs.max_attempts, new_retries=inputs.new_retries)
    return build_retry_policy(
        settings=settings, service_id=model.service_id, endpoint_prefix=model.endpoint_prefix,
        retry_data=retry_data, read_timeout=getattr(inputs.config, "read_timeout", 60),
        now=time.time(),  # what _utcnow().timestamp() gives, without importing datetime
    )


def _protocol_codec(protocol: str) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """serialize, parse and parse_error for the client's context: the protocols package
    (and its serializer or parser) loads on the first call, not when a client is made."""
    found: list[Any] = []

    def codec() -> Any:
        if not found:
            from ..protocols import parser_for, serializer_for

            found.extend((serializer_for, parser_for))
        return found

    def serialize(op: Any, params: Any) -> Any:
        return codec()[0](protocol)(op, params)

    def parse(op: Any, response: Any) -> Any:
        return codec()[1](protocol).parse(op, response)

    def parse_error(op: Any, response: Any) -> Any:
        return codec()[1](protocol).parse_error(op.service_model, response)

    return serialize, parse, parse_error


def _discovery(inputs: ClientInputs) -> Any:
    from ._discovery import discovery_for  # small; decides nothing until a call needs it

    return discovery_for(inputs.service_model, inputs.endpoint_discovery)


def _s3_state(kind: str) -> Any:
    if kind == "regions":
        from ..customizations.s3_redirect import BucketRegionCache

        return BucketRegionCache()
    from ..customizations.s3_express import ExpressSessionCache

    return ExpressSessionCache()


def build_client(
    inputs: ClientInputs, *, transport: Any, get_credentials: Callable[[], Any],
    rebuild: tuple[Any, ...] | None, get_auth_token: Callable[[str, str], Any] | None = None,
    base: type[BaseClient] | None = None,
) -> BaseClient:
    """The client for ``inputs``; ``base`` picks the flavour (BaseClient, or squall.aio's)."""
    model = inputs.service_model
    ruleset = load_ruleset(inputs.service_name, loader=inputs.loader)
    endpoints = EndpointInputs.build(
        ruleset, load_partitions(inputs.loader), inputs.builtins, inputs.client_context_params,
        for_service(inputs.service_name).endpoint_params,
        account_id_from_credentials=inputs.account_id_from_credentials,
    )
    protocol = model.resolved_protocol
    validate = _validate if inputs.parameter_validation else None
    # Looked up on first use: making a client never fails for want of a protocol.
    serialize, parse, parse_error = _protocol_codec(protocol)
    # Each client gets its own copy of the Session's handlers (as boto3's clients do).
    emitter = inputs.events.copy() if isinstance(inputs.events, EventEmitter) else EventEmitter()
    interceptors = make_interceptors(emitter, model.service_id or inputs.service_name, endpoints=endpoints)
    context = ClientContext(
        interceptors=interceptors,
        service_model=model,
        region_name=inputs.region_name,
        exceptions=exceptions_for(model),
        resolve_endpoint=endpoints.resolve,
        serialize=serialize,
        parse=parse,
        parse_error=parse_error,
        validate=validate,
        retry_policy=_retry_policy(inputs),
        user_agent=inputs.user_agent,
        inject_host_prefix=inputs.inject_host_prefix,
        signing_name=model.signing_name,
        unsigned=inputs.unsigned,
        clock=_utcnow,
        trace_header=_lambda_trace_header if "AWS_LAMBDA_FUNCTION_NAME" in os.environ else None,
        sign=_sign,
        customizations=for_service(inputs.service_name),
        payload=inputs.payload,
        # Per-client S3 state, as botocore keeps it per client: redirect regions, Express sessions.
        s3_regions=_s3_state("regions") if inputs.service_name == "s3" else None,
        s3_express=_s3_state("express") if inputs.service_name == "s3" else None,
        endpoint_discovery=_discovery(inputs),
        auth=inputs.auth,
    )
    display_url = inputs.endpoint_url
    if display_url is None:
        try:
            display_url = endpoints.resolve_default()
        except Exception:  # the endpoint may depend on per-call parameters
            display_url = ""
    meta = ClientMeta(
        service_model=model,
        region_name=inputs.region_name,
        endpoint_url=display_url,
        config=inputs.config,
        partition=inputs.partition,
        events=emitter,
        interceptors=interceptors,
        method_to_api_mapping=client_class_for(model)._PY_TO_OP_NAME,
        endpoint_source=inputs.endpoint_source,
        explain_inputs=rebuild,
    )
    cls = client_class_for(model, base)
    if inputs.events:  # creating-client-class handlers get this Session's own subclass
        cls = client_class_with_events(inputs.events, cls, model.service_id or inputs.service_name)
    return cls(context=context, meta=meta, transport=transport, get_credentials=get_credentials, rebuild=rebuild,
               loader=inputs.loader, get_auth_token=get_auth_token)
