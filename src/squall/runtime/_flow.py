"""One API call as a generator of effects (sans-IO): prepare, sign, send, retry, parse.

Nothing here sleeps, opens sockets or reads files; the driver performs ``Send``,
``Sleep`` and ``GetCredentials`` and feeds the results back in.
"""
from __future__ import annotations

from typing import Any, Generator, Mapping

from ..auth import STREAMING_UNSIGNED_PAYLOAD_TRAILER
from ..customizations import s3_redirect
from ..exceptions import ClientError, UnseekableStreamError
from ..http import HttpRequest, HttpResponse, join_url
from ..models import OperationModel
from ..retries import Attempt, RetryState, skew_correction
from ..retries.call import CallRetries
from . import _checksums
from ._auth_schemes import signing_properties
from ._bodies import is_one_shot, read_all, stream_params
from ._compression import maybe_compress
from ._context import ClientContext, ResolvedEndpoint
from ._endpoint_params import call_account_id
from ._discovery import discovered_url
from ._effects import Effect, GetAuthToken, GetCredentials, Send, Sleep
from .hooks import ENDPOINT_OVERRIDE, CallInfo, Short, chose_unsigned

__all__ = ["call_flow", "prepare_request", "S3_SIGNING_NAMES"]

# Signing names that get S3's SigV4 rules (botocore's S3SigV4Auth).
S3_SIGNING_NAMES = frozenset({"s3", "s3-outposts", "s3-object-lambda", "s3express"})

def _fill_idempotency_tokens(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    members = op.idempotent_members
    if not members or all(m in params for m in members):
        return params
    from .._ids import uuid4_text  # not the uuid module: it imports platform (~2.5 ms)

    filled = dict(params)
    for member in members:
        if member not in filled:
            filled[member] = uuid4_text()
    return filled


def prepare_request(ctx: ClientContext, op: OperationModel, api_params: Mapping[str, Any],
                    account_id: str | None = None) -> tuple[HttpRequest, ResolvedEndpoint]:
    """Customize, validate, resolve the endpoint and serialize: everything up to signing.
    ``account_id``: the caller's, for rules that take one (see ``call_account_id``)."""
    quirks = ctx.customizations
    params = api_params
    if quirks.before_parameter_build is not None:
        params = quirks.before_parameter_build(op, params)
    if ctx.validate is not None and op.input_shape is not None:
        ctx.validate(op.input_shape, params)
    params = _fill_idempotency_tokens(op, params)
    if account_id is not None:
        endpoint = ctx.resolve_endpoint(op, params, account_id)  # type: ignore[call-arg]  # EndpointInputs.resolve
    else:
        endpoint = _resolve_endpoint(ctx, op, params)
    serialized = ctx.serialize(op, params)
    if quirks.after_serialize is not None:
        serialized = quirks.after_serialize(op, params, serialized)
    url = endpoint.url
    if serialized.host_prefix and ctx.inject_host_prefix:
        scheme, _, rest = url.partition("://")
        url = f"{scheme}://{serialized.host_prefix}{rest}"
    headers = dict(serialized.headers)
    for name, values in endpoint.headers.items():
        headers[name] = ",".join(values)
    headers["User-Agent"] = ctx.user_agent
    request = HttpRequest(
        method=serialized.method, url=join_url(url, serialized), headers=headers, body=serialized.body,
    )
    return request, endpoint


def _resolve_endpoint(ctx: ClientContext, op: OperationModel, params: Mapping[str, Any],
                      region: str | None = None) -> ResolvedEndpoint:
    """The endpoint; for an S3 bucket known to live elsewhere, in the bucket's region."""
    if region is None and ctx.s3_regions is not None:
        region = ctx.s3_regions.get(params.get("Bucket"))
    if region is None:
        return ctx.resolve_endpoint(op, params)
    inputs = getattr(ctx.resolve_endpoint, "__self__", None)  # the client's EndpointInputs
    if inputs is None:
        return ctx.resolve_endpoint(op, params)
    values = dict(inputs.client_params)
    for name, param in inputs.ruleset.parameters.items():
        if param.built_in == "AWS::Region":
            values[name] = region
    return inputs.__class__(inputs.ruleset, inputs.partitions, values, inputs.adjust).resolve(op, params)  # type: ignore[no-any-return]


def _signing_properties(ctx: ClientContext, endpoint: ResolvedEndpoint,
                        op: OperationModel | None = None) -> dict[str, Any]:
    """Signing name, region and scheme: the endpoint's auth scheme (sigv4, sigv4a, S3 Express)
    wins over the model (see ``_auth_schemes``)."""
    props = signing_properties(ctx, endpoint, op)
    props["s3"] = props["signing_name"] in S3_SIGNING_NAMES
    return props


def _payload_mode(ctx: ClientContext, op: OperationModel, request: HttpRequest,
                  plan: _checksums.RequestChecksum | None, s3: bool) -> str:
    """How the signature covers the body: "trailer" (STREAMING-UNSIGNED-PAYLOAD-TRAILER),
    "unsigned" (UNSIGNED-PAYLOAD) or "signed" (its SHA-256), as botocore's SigV4Auth
    and S3SigV4Auth decide."""
    if plan is not None and plan.location == "trailer":
        return "trailer"
    raw = op.raw
    op_signs = not (raw.get("unsignedPayload") or raw.get("authtype") == "v4-unsigned-body")
    if not s3:
        return "signed" if op_signs else "unsigned"
    explicit = ctx.payload.s3_payload_signing
    if explicit is not None:  # the s3 config's payload_signing_enabled wins
        return "signed" if explicit else "unsigned"
    # Unsigned only over TLS with a checksum header, for streaming input (or by model).
    checksum_header = plan.header if plan is not None else "Content-MD5"
    if not request.url.lower().startswith("https:") or request.header(checksum_header) is None:
        return "signed"
    if op.has_streaming_input:
        return "unsigned"
    return "signed" if op_signs else "unsigned"


def _prepare_payload(ctx: ClientContext, op: OperationModel, params: Mapping[str, Any],
                     request: HttpRequest, signing: dict[str, Any], presign: bool = False) -> HttpRequest:
    """Compression, the flexible checksum and the payload-signing choice (botocore's order:
    the checksum is chosen, the body compressed, then the checksum applied)."""
    settings = ctx.payload
    plan = _checksums.plan_request_checksum(
        op, params, request, calculation=settings.request_checksum_calculation, presign=presign,
    )
    request = maybe_compress(op, request, disabled=settings.disable_request_compression,
                             min_size=settings.request_min_compression_size_bytes)
    if plan is not None:
        if plan.location == "header" and is_one_shot(request.body):
            request = request.replace(body=read_all(request.body))  # the header needs the content first
        request = _checksums.apply_request_checksum(request, plan)
    mode = _payload_mode(ctx, op, request, plan, signing["s3"])
    if mode == "signed" and not isinstance(request.body, bytes) and is_one_shot(request.body):
        request = request.replace(body=read_all(request.body))  # hashed, then sent (and re-sendable)
    signing["payload"] = mode
    return request


def call_flow(
    ctx: ClientContext, operation_name: str, api_params: Mapping[str, Any], retry_state: Any = None,
    *, redirects: bool = True,
) -> Generator[Effect, Any, dict[str, Any]]:
    """``retry_state``: the client's RetryState; by default the one its retry policy holds.
    ``redirects``: follow an S3 region redirect (off for the HeadBucket that finds the region)."""
    op = ctx.service_model.operation_model(operation_name)
    hooks = ctx.interceptors or None  # false while no interceptor or event handler would run
    info = CallInfo(ctx.service_model.service_id, operation_name, op, {}) if hooks else None
    if hooks:
        api_params = hooks.before_serialization(info, dict(api_params))
        if (override := info.context.get(ENDPOINT_OVERRIDE)) is not None:  # before-endpoint-resolution
            from dataclasses import replace

            ctx = replace(ctx, resolve_endpoint=override)
    params = stream_params(op, api_params)  # an iterable Body becomes a one-shot reader
    params = _checksums.with_validation_mode(op, params, ctx.payload.response_checksum_validation)
    quirks = ctx.customizations
    if quirks.cross_region_presign is not None:  # EC2/RDS copies carry a URL signed elsewhere
        params = yield from _cross_region_params(ctx, op, params)
    account_id = yield from call_account_id(ctx)
    request, endpoint = prepare_request(ctx, op, params, account_id)
    signing = _signing_properties(ctx, endpoint, op)
    request = _prepare_payload(ctx, op, params, request, signing)
    if quirks.before_sign is not None:
        request = quirks.before_sign(op, params, request)
    if ctx.trace_header is not None and (trace := ctx.trace_header()) and request.header("X-Amzn-Trace-Id") is None:
        request = request.with_headers({"X-Amzn-Trace-Id": trace})
    if op.raw.get("endpointoperation"):  # DescribeEndpoints names the API version it speaks
        request = request.with_headers({"x-amz-api-version": ctx.service_model.api_version})
    discovery_key = None  # set while the call goes to a discovered endpoint (runtime._discovery)
    if ctx.endpoint_discovery is not None and op.raw.get("endpointdiscovery") is not None \
            and ctx.endpoint_discovery.needed(op):
        url, discovery_key = yield from discovered_url(ctx, op, params, retry_state)
        request = request if url is None else request.replace(url=url)
    if hooks:
        prepared = hooks.after_serialization(info, request)
        if isinstance(prepared, Short):  # a handler answered instead of the service
            return _short_answer(ctx, op, operation_name, prepared, hooks, info)
        request = prepared
    validate_with = _checksums.response_algorithms(op, params)
    unsigned = ctx.unsigned or op.name in quirks.unsigned_operations or _modelled_unsigned(op)
    if unsigned and signing["s3"] and signing["payload"] == "trailer":  # S3 wants it even unsigned
        request = request.with_headers({"X-Amz-Content-SHA256": STREAMING_UNSIGNED_PAYLOAD_TRAILER})
    stream_output = op.has_streaming_output or op.has_event_stream_output
    policy = ctx.retry_policy
    state = retry_state if isinstance(retry_state, RetryState) else policy.state
    call = CallRetries(policy, state, request.body)
    redirected = not redirects or ctx.s3_regions is None
    # Only adaptive mode's rate limiter reads the clock around a send; without one,
    # the policy ignores the time, so the two reads per attempt are skipped.
    rate_limited = state.limiter is not None
    while True:
        attempt = call.next_attempt()
        # Adaptive mode: the client-side rate limiter may ask us to wait for a token.
        while rate_limited and (wait := policy.before_send(ctx.clock().timestamp(), state)) > 0:
            yield Sleep(wait)
        to_send = request
        if hooks:  # choose-signer and before-sign come before credentials, as in botocore
            info.context["signing"] = signing
            to_send = hooks.before_signing(info, request)
        skip_signing = unsigned or (hooks is not None and chose_unsigned(info))
        if skip_signing:
            credentials = None
        elif signing.get("scheme") == "bearer":  # a token, not keys (runtime._auth_schemes)
            credentials = yield GetAuthToken(signing["signing_name"], signing["needed_by"])
        else:
            credentials = yield GetCredentials()
        if credentials is not None and signing.get("s3express"):
            credentials = yield from _express_credentials(ctx, params.get("Bucket"), credentials, state)
        if credentials is not None:
            to_send = ctx.sign(to_send, credentials, signing, ctx.clock() + state.clock_offset.value)
        to_send = to_send.with_headers(call.headers())
        if hooks:
            to_send = hooks.after_signing(info, to_send)
        failure: Exception | None = None
        try:  # a before-send handler's error counts as a failed send, as in botocore
            answer = hooks.before_sending(info, to_send) if hooks else to_send
            if isinstance(answer, HttpResponse):  # a handler answered; nothing is sent
                received = answer
            else:
                received = yield Send(answer, stream=stream_output)
        except Exception as exc:  # the policy decides: retry, or raise it as it is
            failure = exc
        if failure is not None:
            decision = call.decide(Attempt(number=attempt, operation=op, exception=failure),
                                   ctx.clock().timestamp() if rate_limited else 0.0)
            if hooks:  # response-received, needs-retry
                decision = hooks.after_attempt(info, attempt, to_send, None, None, failure, decision)
            if not decision.retry:
                if hooks:
                    hooks.on_error(info, failure)
                raise failure
            yield Sleep(decision.delay)
            _rewind_or_raise(call, request.body, failure)
            continue
        checked = None
        if validate_with and received.status_code < 300:  # a mismatch raises, with no data
            received, checked = _checksums.validate_response(received, validate_with)
        response = received if quirks.before_parse is None else quirks.before_parse(op, received)
        if hooks:
            response = hooks.before_parsing(info, response)
        status = response.status_code
        if status < 300:
            parsed = ctx.parse(op, response)
            if checked is not None:  # as botocore: which checksum the answer was checked with
                parsed.setdefault("ResponseMetadata", {})["ChecksumAlgorithm"] = checked
            if quirks.after_parse is not None:
                parsed = quirks.after_parse(op, api_params, received, parsed)
            code = None
        else:
            parsed = ctx.parse_error(op, response)
            code = parsed.get("Error", {}).get("Code")
        date = received.headers.get("date")
        skewed = False
        if status >= 300:
            offset = skew_correction(code, date, ctx.clock(), state.clock_offset.value)
            if offset is not None:  # sign with the server's time from now on
                state.clock_offset.set(offset)
                skewed = True
        outcome = Attempt(number=attempt, operation=op, status=status, headers=received.headers,
                          body=received.body, error_code=code, clock_skew_corrected=skewed)
        decision = call.decide(outcome, ctx.clock().timestamp() if rate_limited else 0.0, date)
        if hooks:  # response-received, needs-retry
            decision = hooks.after_attempt(info, attempt, to_send, received, parsed, None, decision)
        if decision.error is not None:
            raise decision.error
        if discovery_key is not None and (status == 421 or code == "InvalidEndpointException"):
            # The discovered endpoint is gone: forget it and try once more at a fresh one.
            url, discovery_key = yield from discovered_url(ctx, op, params, retry_state, refresh=True)
            request = request if url is None else request.replace(url=url)
            discovery_key = None
            _close_stream(received)
            _rewind_or_raise(call, request.body, None)
            continue
        if status >= 300 and not decision.retry and not redirected:
            moved = yield from _redirect(ctx, op, params, received, parsed, state)
            if moved is not None:  # the bucket is in another region: once more, there
                redirected = True
                request = request.replace(url=s3_redirect.splice_url(request.url, moved.url))
                signing = {**_signing_properties(ctx, moved, op), "payload": signing["payload"]}
                _close_stream(received)
                _rewind_or_raise(call, request.body, None)
                continue
        error_class = None
        if status >= 300:
            class_code = quirks.error_class_code(parsed) if quirks.error_class_code else code
            error_class = ctx.exceptions.from_code(class_code)
        if decision.retry:
            _close_stream(received)
            yield Sleep(decision.delay)
            _rewind_or_raise(call, request.body, error_class(parsed, operation_name) if error_class else None)
            continue
        if decision.delay > 0:  # a long poll out of retry quota still backs off
            yield Sleep(decision.delay)
        metadata = parsed.setdefault("ResponseMetadata", {})
        metadata.update(decision.metadata)
        metadata["RetryAttempts"] = attempt - 1
        if hooks:
            parsed = hooks.after_receiving(info, received, parsed)
        if error_class is None:
            call.succeeded()
            return parsed
        raise error_class(parsed, operation_name)


def _modelled_unsigned(op: OperationModel) -> bool:
    """Operations modelled without auth (``authtype: none``, or noAuth as the first of
    ``auth``) go unsigned, as botocore's operation-specific signer decides."""
    raw = op.raw
    if raw.get("authtype") == "none":
        return True
    auth = raw.get("auth")
    return bool(auth) and auth[0] == "smithy.api#noAuth"


def _cross_region_params(ctx: ClientContext, op: OperationModel,
                         params: Mapping[str, Any]) -> Generator[Effect, Any, Mapping[str, Any]]:
    """The parameters to send, with the presigned URL of the source region if one is due."""
    params = _fill_idempotency_tokens(op, params)  # the URL and the call carry the same token
    plan = ctx.customizations.cross_region_presign(op, params, ctx.region_name)  # type: ignore[misc]
    if plan is None:
        return params
    if plan.url_member is None or ctx.unsigned:
        return plan.send_params  # type: ignore[no-any-return]
    credentials = yield GetCredentials()
    if credentials is None:
        return plan.send_params  # type: ignore[no-any-return]
    from ._cross_region import presigned_url

    url = presigned_url(ctx, op, plan, credentials, ctx.clock())
    return {**plan.send_params, plan.url_member: url, **plan.send_after}


def _short_answer(ctx: ClientContext, op: OperationModel, operation_name: str, answer: Short,
                  hooks: Any, info: CallInfo) -> dict[str, Any]:
    """A ``before-call`` handler's (http response, parsed) stands in for the service's."""
    parsed = hooks.after_receiving(info, answer.http_response, answer.parsed)
    if answer.http_response.status_code >= 300:
        code = parsed.get("Error", {}).get("Code")
        quirks = ctx.customizations
        class_code = quirks.error_class_code(parsed) if quirks.error_class_code else code
        raise ctx.exceptions.from_code(class_code)(parsed, operation_name)
    return parsed


def _express_credentials(ctx: ClientContext, bucket: Any, base: Any, state: Any) -> Generator[Effect, Any, Any]:
    """S3 Express session credentials for the bucket: cached, else from CreateSession
    (called with the client's own credentials, through this same flow)."""
    cache = ctx.s3_express
    if cache is None or not isinstance(bucket, str):
        return base
    found, renew = cache.lookup(bucket, base.access_key, ctx.clock())
    if not renew:
        return found
    try:
        parsed = yield from call_flow(ctx, "CreateSession", {"Bucket": bucket}, state)
    except Exception:
        if found is not None:  # renewal is advisory until shortly before expiry
            return found
        raise
    return cache.store(bucket, base.access_key, parsed["Credentials"])


def _redirect(ctx: ClientContext, op: OperationModel, params: Mapping[str, Any], response: HttpResponse,
              parsed: Mapping[str, Any], state: Any) -> Generator[Effect, Any, ResolvedEndpoint | None]:
    """The endpoint in the bucket's own region if this error is a region redirect."""
    bucket = params.get("Bucket")
    if not isinstance(bucket, str) or s3_redirect.is_arn(bucket):
        return None  # access points say where they are; nothing to learn
    if not s3_redirect.needs_redirect(op.name, response.status_code, response.headers, parsed):
        return None
    region = s3_redirect.region_from_response(response.headers, parsed)
    if region is None:  # last resort, as botocore: ask HeadBucket
        try:
            found = yield from call_flow(ctx, "HeadBucket", {"Bucket": bucket}, state, redirects=False)
            headers = found.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        except ClientError as exc:
            headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        region = headers.get("x-amz-bucket-region")
    region = s3_redirect.check_region(region)
    if region is None:
        return None
    ctx.s3_regions.set(bucket, region)
    return _resolve_endpoint(ctx, op, params, region)


def _rewind_or_raise(call: CallRetries, body: Any, cause: BaseException | None) -> None:
    try:
        call.rewind(body)
    except UnseekableStreamError as exc:
        raise exc from cause


def _close_stream(response: HttpResponse) -> None:
    """A response we retry past is dropped; give its connection back."""
    close = getattr(response.stream, "close", None)
    if callable(close):
        close()
