"""One API call as a generator of effects (sans-IO): prepare, sign, send, retry, parse.

Nothing here sleeps, opens sockets or reads files; the driver performs ``Send``,
``Sleep`` and ``GetCredentials`` and feeds the results back in.
"""
from __future__ import annotations

import uuid
from typing import Any, Generator, Mapping

from ..exceptions import (
    ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError,
)
from ..http import HttpRequest, HttpResponse, join_url
from ..models import OperationModel
from ..retries import RetryQuota
from ._context import ClientContext, ResolvedEndpoint
from ._effects import Effect, GetCredentials, Send, Sleep

__all__ = ["call_flow", "prepare_request"]

_RETRYABLE_TRANSPORT_ERRORS = (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError, ConnectTimeoutError)


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


def _rewind(body: Any) -> bool:
    """Make a body re-sendable; False if it is a consumed one-shot stream."""
    if isinstance(body, (bytes, bytearray, str)):
        return True
    seek = getattr(body, "seek", None)
    if seek is not None:
        try:
            seek(0)
            return True
        except (OSError, ValueError):
            return False
    return False


def call_flow(
    ctx: ClientContext, operation_name: str, api_params: Mapping[str, Any], quota: RetryQuota | None,
) -> Generator[Effect, Any, dict[str, Any]]:
    op = ctx.service_model.operation_model(operation_name)
    request, endpoint = prepare_request(ctx, op, api_params)
    signing = _signing_properties(ctx, endpoint)
    quirks = ctx.customizations
    unsigned = ctx.unsigned or op.name in quirks.unsigned_operations
    attempt = 0
    while True:
        attempt += 1
        credentials = None if unsigned else (yield GetCredentials())
        to_send = request
        if credentials is not None:
            to_send = ctx.sign(request, credentials, signing, ctx.clock())
        try:
            received: HttpResponse = yield Send(to_send, stream=op.has_streaming_output)
        except _RETRYABLE_TRANSPORT_ERRORS as exc:
            decision = ctx.retry_policy.decide(
                attempt=attempt, status=None, error_code=None, connection_error=True,
                timeout=isinstance(exc, ReadTimeoutError), quota=quota,
            )
            if decision.delay is None or not _rewind(request.body):
                raise
            yield Sleep(decision.delay)
            continue
        response = received if quirks.before_parse is None else quirks.before_parse(op, received)
        if response.status_code < 300:
            parsed = ctx.parse(op, response)
            if quirks.after_parse is not None:
                parsed = quirks.after_parse(op, api_params, received, parsed)
            if quota is not None and attempt == 1:
                quota.release(1)
            parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = attempt - 1
            return parsed
        error = ctx.parse_error(op, response)
        code = error.get("Error", {}).get("Code")
        class_code = quirks.error_class_code(error) if quirks.error_class_code else code
        error_class = ctx.exceptions.from_code(class_code)
        modeled = _modeled_retryable(ctx, code)
        decision = ctx.retry_policy.decide(
            attempt=attempt, status=response.status_code, error_code=code, modeled=modeled, quota=quota,
        )
        if decision.delay is not None and _rewind(request.body):
            yield Sleep(decision.delay)
            continue
        metadata = error.setdefault("ResponseMetadata", {})
        metadata["RetryAttempts"] = attempt - 1
        if decision.reason.startswith("max attempts") and attempt > 1:
            metadata["MaxAttemptsReached"] = True
        raise error_class(error, operation_name)


def _modeled_retryable(ctx: ClientContext, code: str | None) -> Mapping[str, Any] | None:
    """The error shape's ``retryable`` trait (e.g. ``{"throttling": true}``), if modelled."""
    if code is None:
        return None
    for shape in ctx.service_model.error_shapes:
        if shape.error_code == code:
            retryable = shape.metadata.get("retryable")
            return retryable if isinstance(retryable, dict) else None
    return None
