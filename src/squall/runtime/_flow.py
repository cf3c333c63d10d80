"""One API call as a generator of effects (sans-IO): prepare, sign, send, retry, parse.

Nothing here sleeps, opens sockets or reads files; the driver performs ``Send``,
``Sleep`` and ``GetCredentials`` and feeds the results back in.
"""
from __future__ import annotations

import uuid
from typing import Any, Generator, Mapping

from ..exceptions import UnseekableStreamError
from ..http import HttpRequest, HttpResponse, join_url
from ..models import OperationModel
from ..retries import Attempt, RetryState, skew_correction
from ..retries.call import CallRetries
from ._context import ClientContext, ResolvedEndpoint
from ._effects import Effect, GetCredentials, Send, Sleep

__all__ = ["call_flow", "prepare_request"]

def _fill_idempotency_tokens(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    members = op.idempotent_members
    if not members or all(m in params for m in members):
        return params
    filled = dict(params)
    for member in members:
        if member not in filled:
            filled[member] = str(uuid.uuid4())
    return filled


def prepare_request(ctx: ClientContext, op: OperationModel, api_params: Mapping[str, Any]) -> tuple[HttpRequest, ResolvedEndpoint]:
    """Customize, validate, resolve the endpoint and serialize: everything up to signing."""
    quirks = ctx.customizations
    params = api_params
    if quirks.before_parameter_build is not None:
        params = quirks.before_parameter_build(op, params)
    if ctx.validate is not None and op.input_shape is not None:
        ctx.validate(op.input_shape, params)
    params = _fill_idempotency_tokens(op, params)
    endpoint = ctx.resolve_endpoint(op, params)
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


def _signing_properties(ctx: ClientContext, endpoint: ResolvedEndpoint) -> dict[str, Any]:
    """Signing name/region: the endpoint's sigv4 auth scheme wins over the model."""
    props: dict[str, Any] = {"signing_name": ctx.signing_name, "region": ctx.region_name}
    for scheme in endpoint.properties.get("authSchemes", ()):
        if scheme.get("name") == "sigv4":
            props["signing_name"] = scheme.get("signingName", props["signing_name"])
            props["region"] = scheme.get("signingRegion", props["region"])
            if scheme.get("disableDoubleEncoding"):
                props["disable_double_encoding"] = True
            break
    return props


def call_flow(
    ctx: ClientContext, operation_name: str, api_params: Mapping[str, Any], retry_state: Any = None,
) -> Generator[Effect, Any, dict[str, Any]]:
    """``retry_state``: the client's RetryState; by default the one its retry policy holds."""
    op = ctx.service_model.operation_model(operation_name)
    request, endpoint = prepare_request(ctx, op, api_params)
    signing = _signing_properties(ctx, endpoint)
    quirks = ctx.customizations
    unsigned = ctx.unsigned or op.name in quirks.unsigned_operations
    stream_output = op.has_streaming_output or op.has_event_stream_output
    policy = ctx.retry_policy
    state = retry_state if isinstance(retry_state, RetryState) else policy.state
    call = CallRetries(policy, state, request.body)
    while True:
        attempt = call.next_attempt()
        # Adaptive mode: the client-side rate limiter may ask us to wait for a token.
        while (wait := policy.before_send(ctx.clock().timestamp(), state)) > 0:
            yield Sleep(wait)
        credentials = None if unsigned else (yield GetCredentials())
        to_send = request
        if credentials is not None:
            to_send = ctx.sign(request, credentials, signing, ctx.clock() + state.clock_offset.value)
        to_send = to_send.with_headers(call.headers())
        failure: Exception | None = None
        try:
            received: HttpResponse = yield Send(to_send, stream=stream_output)
        except Exception as exc:  # the policy decides: retry, or raise it as it is
            failure = exc
        if failure is not None:
            decision = call.decide(Attempt(number=attempt, operation=op, exception=failure), ctx.clock().timestamp())
            if not decision.retry:
                raise failure
            yield Sleep(decision.delay)
            _rewind_or_raise(call, request.body, failure)
            continue
        response = received if quirks.before_parse is None else quirks.before_parse(op, received)
        status = response.status_code
        if status < 300:
            parsed = ctx.parse(op, response)
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
        decision = call.decide(outcome, ctx.clock().timestamp(), date)
        if decision.error is not None:
            raise decision.error
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
        if error_class is None:
            call.succeeded()
            return parsed
        raise error_class(parsed, operation_name)


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
