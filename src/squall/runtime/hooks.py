"""Extension points of a call: typed interceptors, and boto3's ``meta.events`` on top.

``Interceptor`` is the native API: subclass it and override the stages you need, then
``client.meta.interceptors.add(obj)``. Each stage may return a replacement value (or
None to keep what it was given):

- ``before_serialization(call, params)``      -> params
- ``after_serialization(call, request)``      -> request, or a ``Short`` answer
- ``before_signing(call, request)``           -> request
- ``after_signing(call, request)``            -> request
- ``before_sending(call, request)``           -> request, or an ``HttpResponse`` (short-circuit)
- ``before_parsing(call, response)``         -> response (each attempt's answer)
- ``after_attempt(call, attempt, request, response, parsed, error, decision)``
                                              -> a RetryDecision replacing squall's, or None
- ``after_receiving(call, response, parsed)`` -> parsed
- ``on_error(call, error)``                   -> None

A client's interceptors are false (``bool()``) while nothing would run (no interceptor
of the user's and no botocore event handler), so the call flow skips every stage.

``EventEmitter`` speaks botocore's event API (``register``, ``register_first``,
``register_last``, ``unregister``; ``event.service-id.Operation`` names with ``*``
wildcards) and is itself installed as one interceptor per client.
"""
from __future__ import annotations

import threading
from .._dataclass import dataclass, field  # the stdlib's, cheaper to define
from typing import Any, Callable, Iterable

from ..http import HttpRequest, HttpResponse

__all__ = ["Interceptor", "CallInfo", "Short", "Interceptors", "EventEmitter", "EventRequest",
           "chose_unsigned", "client_class_with_events"]


@dataclass(frozen=True, slots=True)
class CallInfo:
    """Which call a stage belongs to; ``context`` is a per-call dict handlers may share."""

    service_id: str
    operation_name: str
    operation_model: Any
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Short:
    """A stage's answer instead of sending: the HTTP response and the parsed result."""

    http_response: HttpResponse
    parsed: dict[str, Any]


class Interceptor:
    """Base class with no-op stages."""

    def before_serialization(self, call: CallInfo, params: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def after_serialization(self, call: CallInfo, request: HttpRequest) -> HttpRequest | Short | None:
        return None

    def before_signing(self, call: CallInfo, request: HttpRequest) -> HttpRequest | None:
        return None

    def after_signing(self, call: CallInfo, request: HttpRequest) -> HttpRequest | None:
        return None

    def before_sending(self, call: CallInfo, request: HttpRequest) -> HttpRequest | HttpResponse | None:
        return None

    def before_parsing(self, call: CallInfo, response: HttpResponse) -> HttpResponse | None:
        return None

    def after_attempt(self, call: CallInfo, attempt: int, request: HttpRequest, response: HttpResponse | None,
                      parsed: dict[str, Any] | None, error: BaseException | None, decision: Any) -> Any:
        return None

    def after_receiving(self, call: CallInfo, response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any] | None:
        return None

    def on_error(self, call: CallInfo, error: BaseException) -> None:
        return None


class Interceptors:
    """A client's interceptors: add/remove at any time; calls see a consistent tuple."""

    def __init__(self, initial: Iterable[Interceptor] = ()) -> None:
        self._items: tuple[Interceptor, ...] = tuple(initial)
        self._lock = threading.Lock()

    def add(self, interceptor: Interceptor) -> None:
        with self._lock:
            self._items = self._items + (interceptor,)

    def remove(self, interceptor: Interceptor) -> None:
        with self._lock:
            self._items = tuple(i for i in self._items if i is not interceptor)

    def __iter__(self) -> Any:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        """Whether any stage would do something (checked once per call by the flow)."""
        items = self._items
        if len(items) == 1:
            only = items[0]
            return not isinstance(only, BotocoreEvents) or bool(only.emitter)
        return bool(items)

    # -- the stages, run over every interceptor in order -----------------------------
    def before_serialization(self, call: CallInfo, params: dict[str, Any]) -> dict[str, Any]:
        for item in self._items:
            params = item.before_serialization(call, params) or params
        return params

    def after_serialization(self, call: CallInfo, request: HttpRequest) -> HttpRequest | Short:
        for item in self._items:
            out = item.after_serialization(call, request)
            if isinstance(out, Short):
                return out
            request = out or request
        return request

    def before_signing(self, call: CallInfo, request: HttpRequest) -> HttpRequest:
        for item in self._items:
            request = item.before_signing(call, request) or request
        return request

    def after_signing(self, call: CallInfo, request: HttpRequest) -> HttpRequest:
        for item in self._items:
            request = item.after_signing(call, request) or request
        return request

    def before_sending(self, call: CallInfo, request: HttpRequest) -> HttpRequest | HttpResponse:
        for item in self._items:
            out = item.before_sending(call, request)
            if isinstance(out, HttpResponse):
                return out
            request = out or request
        return request

    def before_parsing(self, call: CallInfo, response: HttpResponse) -> HttpResponse:
        for item in self._items:
            response = item.before_parsing(call, response) or response
        return response

    def after_attempt(self, call: CallInfo, attempt: int, request: HttpRequest, response: HttpResponse | None,
                      parsed: dict[str, Any] | None, error: BaseException | None, decision: Any) -> Any:
        for item in self._items:
            decision = item.after_attempt(call, attempt, request, response, parsed, error, decision) or decision
        return decision

    def after_receiving(self, call: CallInfo, response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any]:
        for item in self._items:
            parsed = item.after_receiving(call, response, parsed) or parsed
        return parsed

    def on_error(self, call: CallInfo, error: BaseException) -> None:
        for item in self._items:
            item.on_error(call, error)


# -- botocore's event API ------------------------------------------------------------

_FIRST, _MIDDLE, _LAST = 0, 1, 2


class EventEmitter:
    """botocore's hierarchical emitter: a handler registered for ``a.b`` also hears
    ``a.b.c``; ``*`` matches one part; deeper registrations run first."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, ...], list[list[tuple[Any, Callable[..., Any]]]]] = {}
        self._unique: dict[Any, tuple[tuple[str, ...], Callable[..., Any], int]] = {}
        self._cache: dict[str, tuple[Callable[..., Any], ...]] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._handlers)

    def copy(self) -> "EventEmitter":
        """An independent emitter with the same handlers (each client gets one)."""
        new = EventEmitter()
        with self._lock:
            new._handlers = {k: [list(t) for t in tiers] for k, tiers in self._handlers.items()}
            new._unique = dict(self._unique)
        return new

    def register(self, event_name: str, handler: Callable[..., Any], unique_id: Any = None,
                 unique_id_uses_count: bool = False) -> None:
        self._register(event_name, handler, unique_id, unique_id_uses_count, _MIDDLE)

    def register_first(self, event_name: str, handler: Callable[..., Any], unique_id: Any = None,
                       unique_id_uses_count: bool = False) -> None:
        self._register(event_name, handler, unique_id, unique_id_uses_count, _FIRST)

    def register_last(self, event_name: str, handler: Callable[..., Any], unique_id: Any = None,
                      unique_id_uses_count: bool = False) -> None:
        self._register(event_name, handler, unique_id, unique_id_uses_count, _LAST)

    def _register(self, event_name: str, handler: Callable[..., Any], unique_id: Any,
                  uses_count: bool, tier: int) -> None:
        if not callable(handler):
            raise ValueError(f"Event handler {handler!r} must be callable.")
        key = tuple(event_name.split("."))
        with self._lock:
            if unique_id is not None:
                if unique_id in self._unique:
                    if uses_count:
                        self._unique[unique_id] = (*self._unique[unique_id][:2], self._unique[unique_id][2] + 1)
                    return
                self._unique[unique_id] = (key, handler, 1)
            tiers = self._handlers.setdefault(key, [[], [], []])
            tiers[tier].append((unique_id, handler))
            self._cache.clear()

    def unregister(self, event_name: str, handler: Callable[..., Any] | None = None, unique_id: Any = None,
                   unique_id_uses_count: bool = False) -> None:
        key = tuple(event_name.split("."))
        with self._lock:
            if unique_id is not None:
                found = self._unique.get(unique_id)
                if found is None:
                    return
                if unique_id_uses_count and found[2] > 1:
                    self._unique[unique_id] = (found[0], found[1], found[2] - 1)
                    return
                del self._unique[unique_id]
                handler = found[1]
            tiers = self._handlers.get(key)
            if tiers is None:
                return
            for tier in tiers:
                for entry in list(tier):
                    if entry[1] == handler and (unique_id is None or entry[0] == unique_id):
                        tier.remove(entry)
                        break
            if not any(tiers):
                del self._handlers[key]
            self._cache.clear()

    def _handlers_for(self, event_name: str) -> tuple[Callable[..., Any], ...]:
        found = self._cache.get(event_name)
        if found is not None:
            return found
        parts = event_name.split(".")
        with self._lock:
            # botocore's order: walk the registrations as a trie, depth first, the exact
            # part before "*"; each node's handlers go in front of what was found so far.
            order: list[tuple[str, ...]] = []
            stack: list[tuple[tuple[str, ...], int]] = [((), 0)]
            while stack:
                key, index = stack.pop()
                if key in self._handlers:
                    order.append(key)
                if index < len(parts):
                    for part in ("*", parts[index]):
                        child = key + (part,)
                        if any(k[: len(child)] == child for k in self._handlers):
                            stack.append((child, index + 1))
            handlers = tuple(h for key in reversed(order) for tier in self._handlers[key] for _, h in tier)
            self._cache[event_name] = handlers
        return handlers

    def has_handlers(self, event_name: str) -> bool:
        """Whether emitting ``event_name`` would call anything (a cached lookup)."""
        return bool(self._handlers_for(event_name))

    def emit(self, event_name: str, **kwargs: Any) -> list[tuple[Callable[..., Any], Any]]:
        kwargs["event_name"] = event_name
        return [(handler, handler(**kwargs)) for handler in self._handlers_for(event_name)]

    def emit_until_response(self, event_name: str, **kwargs: Any) -> tuple[Any, Any]:
        kwargs["event_name"] = event_name
        for handler in self._handlers_for(event_name):
            response = handler(**kwargs)
            if response is not None:
                return handler, response
        return None, None


class EventRequest:
    """The mutable request botocore hands its handlers (``headers`` may be edited)."""

    def __init__(self, request: HttpRequest, context: dict[str, Any]) -> None:
        self.method = request.method
        self.url = request.url
        self.headers: dict[str, str] = dict(request.headers)
        self.body = request.body
        self.data = request.body
        self.context = context

    def to_request(self, original: HttpRequest) -> HttpRequest:
        body = self.body if self.body is not original.body else (self.data if self.data is not original.body else original.body)
        return original.replace(method=self.method, url=self.url, headers=dict(self.headers), body=body)


class _EventResponse:
    """botocore's AWSResponse view of a response for ``after-call`` handlers."""

    def __init__(self, response: HttpResponse) -> None:
        self.status_code = response.status_code
        self.headers = dict(response.headers)
        self.content = response.body
        self.text = response.body.decode("utf-8", "replace") if response.body else ""
        self.raw = response.stream


def _as_response(obj: Any) -> HttpResponse:
    """A handler's answer (HttpResponse or an AWSResponse-like object) as an HttpResponse."""
    if isinstance(obj, HttpResponse):
        return obj
    headers = {str(k).lower(): str(v) for k, v in dict(getattr(obj, "headers", {}) or {}).items()}
    content = getattr(obj, "content", None)
    if content is None and getattr(obj, "raw", None) is not None:
        content = obj.raw.read()
    return HttpResponse(status_code=int(obj.status_code), headers=headers, body=content or b"")


# Keys squall keeps in a call's context dict (botocore's request context) for its own use.
ENDPOINT_OVERRIDE = "_squall_resolve_endpoint"  # a before-endpoint-resolution handler changed built-ins
SIGNATURE_VERSION = "_squall_signature_version"  # what a choose-signer handler chose
_CUSTOMIZED = "_squall_customized_response"  # before-parse's customized_response_dict


def signature_version_of(signing: dict[str, Any]) -> str:
    """botocore's name for how a call is signed (what choose-signer and before-sign see)."""
    scheme = signing.get("scheme")
    if scheme == "sigv4a":
        return "v4a"
    if scheme == "bearer":
        return "bearer"
    return "s3v4" if signing.get("s3") else "v4"


def _response_dict(response: HttpResponse, call: CallInfo) -> dict[str, Any]:
    body = response.body if response.stream is None else response.stream
    return {"headers": dict(response.headers), "status_code": response.status_code, "body": body,
            "context": {"operation_name": call.operation_name}}


class BotocoreEvents(Interceptor):
    """Runs boto3's events (``client.meta.events``) at the matching stages, with
    botocore's names, arguments and order. Each stage returns at once when no handler
    is registered at all; events with no handler of their own cost one cached lookup."""

    def __init__(self, emitter: EventEmitter, service_id: str, endpoints: Any = None) -> None:
        self.emitter = emitter
        self.service_id = service_id.replace(" ", "-").lower()
        self.endpoints = endpoints  # the client's EndpointInputs, for before-endpoint-resolution

    def _name(self, event: str, call: CallInfo) -> str:
        return f"{event}.{self.service_id}.{call.operation_name}"

    def before_serialization(self, call: CallInfo, params: dict[str, Any]) -> dict[str, Any] | None:
        if not self.emitter:
            return None
        model = call.operation_model
        _, replaced = self.emitter.emit_until_response(
            self._name("provide-client-params", call), params=params, model=model, context=call.context)
        if replaced is not None:
            params = replaced
        self.emitter.emit(self._name("before-parameter-build", call), params=params, model=model, context=call.context)
        self._before_endpoint_resolution(call, params)
        return params

    def _before_endpoint_resolution(self, call: CallInfo, params: dict[str, Any]) -> None:
        """Handlers edit the ``builtins`` dict in place; changed values re-resolve this call."""
        inputs = self.endpoints
        event = f"before-endpoint-resolution.{self.service_id}"
        if inputs is None or not self.emitter.has_handlers(event):
            return
        names = {name: p.built_in for name, p in inputs.ruleset.parameters.items() if p.built_in}
        original = {builtin: inputs.client_params.get(name) for name, builtin in names.items()}
        builtins = dict(original)
        self.emitter.emit(event, builtins=builtins, model=call.operation_model, params=params, context=call.context)
        if builtins == original:
            return
        from dataclasses import replace

        values = dict(inputs.client_params)
        for name, builtin in names.items():
            if builtins.get(builtin) != original[builtin]:
                if builtins.get(builtin) is None:
                    values.pop(name, None)
                else:
                    values[name] = builtins[builtin]
        call.context[ENDPOINT_OVERRIDE] = replace(inputs, client_params=values, _plans={}).resolve

    def after_serialization(self, call: CallInfo, request: HttpRequest) -> HttpRequest | Short | None:
        if not self.emitter:
            return None
        view = EventRequest(request, call.context)
        request_dict = {"url": view.url, "method": view.method, "headers": view.headers, "body": view.body,
                        "context": call.context}
        _, answer = self.emitter.emit_until_response(
            self._name("before-call", call), model=call.operation_model, params=request_dict,
            request_signer=None, context=call.context)
        if answer is not None:
            http, parsed = answer
            return Short(_as_response(http), parsed)
        view.headers = request_dict["headers"]
        view.url, view.body = request_dict["url"], request_dict["body"]
        return view.to_request(request)

    def before_signing(self, call: CallInfo, request: HttpRequest) -> HttpRequest | None:
        if not self.emitter:
            return None
        signing = call.context.get("signing") or {}
        signing_name, region = signing.get("signing_name"), signing.get("region")
        version: Any = signature_version_of(signing)
        # A presigned URL's signature versions end in -query, as botocore names them.
        suffix = "-query" if call.context.get("is_presign_request") else ""
        version += suffix
        _, chosen = self.emitter.emit_until_response(
            self._name("choose-signer", call), signing_name=signing_name, region_name=region,
            signature_version=version, context=call.context)
        if chosen is not None:  # e.g. UNSIGNED: the flow then neither resolves credentials nor signs
            if isinstance(chosen, str) and not chosen.endswith(suffix):
                chosen += suffix
            version = call.context[SIGNATURE_VERSION] = chosen
        view = EventRequest(request, call.context)
        self.emitter.emit(self._name("before-sign", call), request=view, signing_name=signing_name,
                          region_name=region, signature_version=version, request_signer=None,
                          operation_name=call.operation_name)
        return view.to_request(request)

    def after_signing(self, call: CallInfo, request: HttpRequest) -> HttpRequest | None:
        # botocore signs inside its own request-created handler, so users' handlers of
        # that event see the signed request.
        if not self.emitter:
            return None
        view = EventRequest(request, call.context)
        self.emitter.emit(self._name("request-created", call), request=view, operation_name=call.operation_name)
        return view.to_request(request)

    def before_sending(self, call: CallInfo, request: HttpRequest) -> HttpRequest | HttpResponse | None:
        if not self.emitter:
            return None
        view = EventRequest(request, call.context)
        _, answer = self.emitter.emit_until_response(self._name("before-send", call), request=view)
        if answer is not None:
            return _as_response(answer)
        return view.to_request(request)

    def before_parsing(self, call: CallInfo, response: HttpResponse) -> HttpResponse | None:
        event = self._name("before-parse", call)
        if not self.emitter or not self.emitter.has_handlers(event):
            return None
        response_dict = _response_dict(response, call)
        customized: dict[str, Any] = {}
        self.emitter.emit(event, operation_model=call.operation_model, response_dict=response_dict,
                          customized_response_dict=customized)
        if customized:  # merged into this attempt's parsed result, as botocore does
            call.context[_CUSTOMIZED] = customized
        body = response_dict["body"]
        if isinstance(body, (bytes, bytearray)) and body != response.body or \
                response_dict["status_code"] != response.status_code:
            from dataclasses import replace

            headers = {str(k).lower(): str(v) for k, v in response_dict["headers"].items()}
            return replace(response, status_code=int(response_dict["status_code"]), headers=headers,
                           body=bytes(body) if isinstance(body, (bytes, bytearray)) else response.body)
        return None

    def after_attempt(self, call: CallInfo, attempt: int, request: HttpRequest, response: HttpResponse | None,
                      parsed: dict[str, Any] | None, error: BaseException | None, decision: Any) -> Any:
        """response-received, then needs-retry: a handler's delay (seconds) retries the
        call after that wait, ``False`` stops retrying; None leaves squall's decision."""
        if not self.emitter:
            return None
        customized = call.context.pop(_CUSTOMIZED, None)
        if customized and parsed is not None:
            parsed.update(customized)
        received: dict[str, Any] = {"response_dict": None, "parsed_response": None, "context": call.context,
                                    "exception": error}
        if response is not None:
            received["parsed_response"] = parsed
            received["response_dict"] = _response_dict(response, call)
        self.emitter.emit(self._name("response-received", call), **received)
        event = self._name("needs-retry", call)
        if not self.emitter.has_handlers(event):
            return None
        request_dict = {"url": request.url, "method": request.method, "headers": dict(request.headers),
                        "body": request.body, "context": call.context}
        answer = None if response is None else (_EventResponse(response), parsed)
        _, delay = self.emitter.emit_until_response(
            event, response=answer, endpoint=None, operation=call.operation_model, attempts=attempt,
            caught_exception=error, request_dict=request_dict)
        if delay is None:
            return None
        from ..retries.decision import RetryDecision

        if delay is False:
            return RetryDecision(retry=False, reason="a needs-retry handler said no")
        return RetryDecision(retry=True, delay=float(delay), reason="a needs-retry handler asked for a retry")

    def after_receiving(self, call: CallInfo, response: HttpResponse, parsed: dict[str, Any]) -> dict[str, Any] | None:
        if not self.emitter:
            return None
        self.emitter.emit(self._name("after-call", call), http_response=_EventResponse(response), parsed=parsed,
                          model=call.operation_model, context=call.context)
        return parsed

    def on_error(self, call: CallInfo, error: BaseException) -> None:
        if self.emitter:
            self.emitter.emit(self._name("after-call-error", call), exception=error, context=call.context)


def chose_unsigned(call: CallInfo) -> bool:
    """Whether a choose-signer handler asked for no signature (squall's or botocore's UNSIGNED)."""
    chosen = call.context.get(SIGNATURE_VERSION)
    if chosen is None:
        return False
    from ..config import is_unsigned

    return bool(is_unsigned(chosen))


def client_class_with_events(emitter: Any, cls: type, service_id: str) -> type:
    """botocore's ``creating-client-class``: handlers may add methods to ``class_attributes``
    or mixins to ``base_classes``. The shared class stays as it is; when a handler changes
    something, this client gets its own subclass of it."""
    event = f"creating-client-class.{service_id.replace(' ', '-').lower()}"
    if not isinstance(emitter, EventEmitter) or not emitter.has_handlers(event):
        return cls
    base = cls.__mro__[1]  # BaseClient
    attributes = {k: v for k, v in vars(cls).items() if not k.startswith("__") or k == "__doc__"}
    original = dict(attributes)
    bases: list[type] = [base]
    emitter.emit(event, class_attributes=attributes, base_classes=bases)
    if bases == [base] and attributes == original:
        return cls
    changed = {k: v for k, v in attributes.items() if original.get(k, _MISSING) is not v}
    changed["__module__"] = cls.__module__
    for name in set(original) - set(attributes):  # a handler removed a method
        changed[name] = _removed(name)
    new_bases = tuple(cls if b is base else b for b in bases)
    if cls not in new_bases:
        new_bases = new_bases + (cls,)
    return type(cls.__name__, new_bases, changed)


_MISSING = object()


def _removed(name: str) -> Any:
    def missing(self: Any) -> Any:
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    return property(missing)


def make_interceptors(emitter: EventEmitter, service_id: str, extra: Iterable[Interceptor] = (),
                      endpoints: Any = None) -> Interceptors:
    return Interceptors((BotocoreEvents(emitter, service_id, endpoints), *extra))


