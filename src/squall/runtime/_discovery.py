"""Endpoint discovery, as botocore's EndpointDiscoveryManager: operations marked
``endpointdiscovery`` go to the address the service's discovery operation (e.g.
Timestream's ``DescribeEndpoints``) returns, cached for its ``CachePeriodInMinutes``.

Pure bookkeeping plus a generator the call flow runs: the discovery call itself goes
through the same flow, and time comes from the client's clock. Differences from
botocore: a stale entry is refreshed in the call that finds it (botocore refreshes in a
thread), and an endpoint the service rejects (421 / ``InvalidEndpointException``) is
forgotten and the call retried once at a fresh one.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Generator, Mapping

from ..exceptions import ConnectionError, EndpointDiscoveryRefreshFailed, EndpointDiscoveryRequired, HTTPClientError

if TYPE_CHECKING:
    from ..models import OperationModel, ServiceModel
    from ._context import ClientContext
    from ._effects import Effect

__all__ = ["ClientDiscovery", "DiscoveredEndpoints", "BLOCKED", "discovery_for", "discovered_url"]

_RETRY_FAILED_AFTER = 60.0  # seconds before a failed discovery is tried again

# The service discovers endpoints but the client may not: operations that require it fail.
BLOCKED = "blocked"


def discovery_for(model: "ServiceModel", setting: Any) -> "ClientDiscovery | None":
    """The client's discovery state, decided on the first call of an operation that
    discovers. ``setting``: True, False or "auto" ("auto" discovers when some operation
    requires it); None (an ``endpoint_url`` argument): no discovery, nothing blocked."""
    return None if setting is None else ClientDiscovery(model, setting)


class ClientDiscovery:
    """What a client knows of discovery; ``resolve()`` is worked out on first need, so
    making a client costs nothing for it."""

    def __init__(self, model: "ServiceModel", setting: Any) -> None:
        self._model = model
        self._setting = setting
        self._resolved: Any = None
        self._lock = threading.Lock()

    def resolve(self) -> "DiscoveredEndpoints | str | None":
        """None (the service has no discovery), ``BLOCKED``, or the endpoint cache."""
        if self._resolved is None:
            with self._lock:
                if self._resolved is None:
                    self._resolved = (self._decide(),)
        return self._resolved[0]  # type: ignore[no-any-return]

    def needed(self, op: "OperationModel") -> bool:
        """Whether a call of ``op`` (which has the ``endpointdiscovery`` trait) discovers or
        is refused: cheap, so optional discovery that is off costs calls nothing."""
        state = self.resolve()
        if state is None:
            return False
        if isinstance(state, DiscoveredEndpoints) and state.always:
            return True
        return bool((op.raw.get("endpointdiscovery") or {}).get("required"))

    def _decide(self) -> "DiscoveredEndpoints | str | None":
        model, setting = self._model, self._setting
        if _discovery_operation(model) is None:
            return None
        if setting == "auto":
            setting = any((op.get("endpointdiscovery") or {}).get("required")
                          for op in model.raw.get("operations", {}).values())
            if setting:  # discover for the operations that require it only
                return DiscoveredEndpoints(model, always=False)
        return DiscoveredEndpoints(model, always=True) if setting is True else BLOCKED


def _discovery_operation(model: "ServiceModel") -> str | None:
    for name, operation in model.raw.get("operations", {}).items():
        if operation.get("endpointoperation"):
            return name  # type: ignore[no-any-return]
    return None


class DiscoveredEndpoints:
    """(operation, identifiers) -> endpoints with their expiry; shared by a client's threads."""

    def __init__(self, model: "ServiceModel", *, always: bool) -> None:
        self.operation = _discovery_operation(model) or ""
        shape = model.operation_model(self.operation).input_shape
        self._input_keys = frozenset(shape.members) if shape is not None else frozenset()
        self.always = always
        self._endpoints: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self._failed: dict[tuple[Any, ...], float] = {}
        self._lock = threading.Lock()

    def request_params(self, operation: str, identifiers: Mapping[str, Any]) -> dict[str, Any]:
        """The discovery call's parameters: Operation and Identifiers only with identifiers,
        and only those its input models."""
        params: dict[str, Any] = {"Operation": operation, "Identifiers": dict(identifiers)} if identifiers else {}
        return {k: v for k, v in params.items() if k in self._input_keys}

    def key(self, operation: str, identifiers: Mapping[str, Any]) -> tuple[Any, ...]:
        params = self.request_params(operation, identifiers)
        return tuple(tuple(sorted(v.items())) if isinstance(v, dict) else v for _, v in sorted(params.items()))

    def current(self, key: tuple[Any, ...], now: float) -> str | None:
        live = [e for e in self._endpoints.get(key, ()) if now < e["Expiration"]]
        return live[0]["Address"] if live else None

    def stale(self, key: tuple[Any, ...]) -> str | None:
        found = self._endpoints.get(key)
        return found[0]["Address"] if found else None

    def recently_failed(self, key: tuple[Any, ...], now: float) -> bool:
        until = self._failed.get(key)
        if until is None:
            return False
        if now < until:
            return True
        with self._lock:
            self._failed.pop(key, None)
        return False

    def store(self, key: tuple[Any, ...], response: Mapping[str, Any], now: float) -> str | None:
        endpoints = [{**e, "Expiration": now + e.get("CachePeriodInMinutes", 0) * 60}
                     for e in response.get("Endpoints", ())]
        with self._lock:
            self._endpoints[key] = endpoints
            self._failed.pop(key, None)
        return endpoints[0]["Address"] if endpoints else None

    def failed(self, key: tuple[Any, ...], now: float) -> None:
        with self._lock:
            self._failed[key] = now + _RETRY_FAILED_AFTER

    def forget(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            self._endpoints.pop(key, None)


def identifiers(op: "OperationModel", params: Mapping[str, Any]) -> dict[str, Any]:
    """The members marked ``endpointdiscoveryid`` (nested structures included)."""
    found: dict[str, Any] = {}

    def gather(shape: Any, values: Mapping[str, Any]) -> None:
        for name, member in shape.members.items():
            if member.metadata.get("endpointdiscoveryid"):
                found[name] = values[name]
            elif member.type_name == "structure" and name in values:
                gather(member, values[name])

    if op.input_shape is not None:
        gather(op.input_shape, params)
    return found


def discovered_url(ctx: "ClientContext", op: "OperationModel", params: Mapping[str, Any], state: Any,
                   *, refresh: bool = False) -> Generator["Effect", Any, tuple[str | None, Any]]:
    """(the URL to send to, or None for the rules' endpoint; the cache key). ``refresh``:
    the last address was rejected: forget it first."""
    from ._flow import call_flow

    disco = ctx.endpoint_discovery.resolve()
    required = bool((op.raw.get("endpointdiscovery") or {}).get("required"))
    if disco is BLOCKED or disco is None:
        if required and disco is BLOCKED:
            raise EndpointDiscoveryRequired()
        return None, None
    if not disco.always and not required:
        return None, None
    ids = identifiers(op, params)
    key = disco.key(op.name, ids)
    if refresh:
        disco.forget(key)

    def refreshed() -> Generator["Effect", Any, str | None]:
        try:
            answer = yield from call_flow(ctx, disco.operation, disco.request_params(op.name, ids), state)
        except (ConnectionError, HTTPClientError):
            disco.failed(key, ctx.clock().timestamp())
            return None
        stored: str | None = disco.store(key, answer, ctx.clock().timestamp())
        return stored

    address = disco.current(key, ctx.clock().timestamp())
    recently_failed = disco.recently_failed(key, ctx.clock().timestamp())
    if address is None and not recently_failed:
        address = yield from refreshed()
    if address is None:
        address = disco.stale(key)
    if address is None and required:
        if recently_failed:
            address = yield from refreshed()
        if address is None:
            raise EndpointDiscoveryRefreshFailed()
    if address is None:
        return None, key
    return (address if address.startswith("http") else f"https://{address}"), key
