"""The client object users hold: one method per operation, built once per service model."""
from __future__ import annotations

import threading
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from functools import cache
from typing import Any, Callable, Mapping

from ..models import Loader, ServiceModel, xform_name
from ._context import ClientContext
from ._exceptions import ClientExceptions

__all__ = ["BaseClient", "ClientMeta", "client_class_for"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientMeta:
    """``client.meta``: botocore's attribute names."""

    service_model: ServiceModel
    region_name: str | None
    endpoint_url: str
    config: Any
    partition: str
    events: Any
    interceptors: Any = None  # squall.runtime.hooks.Interceptors: add your own Interceptor
    method_to_api_mapping: Mapping[str, str]
    endpoint_source: str = ""  # where endpoint_url came from (argument, env var, file line, rules)
    # (session, service_name, client() arguments): what explain() works from, on request
    explain_inputs: tuple[Any, ...] | None = None

    def explain(self) -> dict[str, tuple[Any, str]]:
        """Every effective client setting as ``name -> (value, source)``, secrets redacted."""
        from ..config.client_explain import explain_client

        return explain_client(self)


class BaseClient:
    """Shared by every thread that holds it: the context is immutable, the transport
    pool and retry quota are thread-safe, and credentials refresh single-flight."""

    _PY_TO_OP_NAME: Mapping[str, str] = {}

    def __init__(
        self, *, context: ClientContext, meta: ClientMeta, transport: Any,
        get_credentials: Callable[[], Any], rebuild: tuple[Any, ...] | None = None,
        loader: Loader | None = None, get_auth_token: Callable[[str, str], Any] | None = None,
    ) -> None:
        self._context = context
        self.meta = meta
        self._transport = transport
        self._get_credentials = get_credentials
        self._get_auth_token = get_auth_token  # (signing name, needed by) -> bearer token
        self._rebuild = rebuild
        self._closed = False
        self._loader = loader  # paginators-1 / waiters-2 come from the Session's search path

    @property
    def exceptions(self) -> ClientExceptions:
        return self._context.exceptions

    _stubber: Any = None  # a squall.stub.Stubber while one is active on this client

    def _make_api_call(self, operation_name: str, api_params: Mapping[str, Any]) -> dict[str, Any]:
        if self._stubber is not None:
            return self._stubber._respond(operation_name, api_params)  # type: ignore[no-any-return]
        call_flow, run_sync = _call_machinery()
        flow = call_flow(self._context, operation_name, api_params)
        return run_sync(flow, send=self._transport.send, get_credentials=self._get_credentials,
                        get_auth_token=self._get_auth_token)

    @staticmethod
    def _s3_transfer_methods() -> Mapping[str, Callable[..., Any]]:
        """S3's managed transfers, as boto3 adds them to its S3 client."""
        from ..s3.inject import CLIENT_METHODS

        return CLIENT_METHODS

    def can_paginate(self, operation_name: str) -> bool:
        from .paginate import can_paginate

        return can_paginate(self, operation_name)

    def get_paginator(self, operation_name: str) -> Any:
        from .paginate import get_paginator

        return get_paginator(self, operation_name)

    @property
    def waiter_names(self) -> list[str]:
        from .waiter import waiter_names

        return waiter_names(self)

    def get_waiter(self, waiter_name: str) -> Any:
        from .waiter import get_waiter

        return get_waiter(self, waiter_name)

    def generate_presigned_url(
        self, ClientMethod: str, Params: Mapping[str, Any] | None = None, ExpiresIn: int = 3600,
        HttpMethod: str | None = None,
    ) -> str:
        """A URL that performs ``ClientMethod(**Params)`` without credentials, for ``ExpiresIn`` seconds."""
        from .presign import generate_presigned_url

        return generate_presigned_url(self, ClientMethod, Params, ExpiresIn, HttpMethod)

    def close(self) -> None:
        """Close the connection pool; the client may not be used afterwards."""
        self._closed = True
        self._transport.close()

    def __enter__(self) -> "BaseClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __reduce__(self) -> Any:
        # A client pickles as its Session plus its own arguments and is rebuilt (with
        # fresh connections and re-resolved credentials) on the other side.
        if self._rebuild is None:
            raise TypeError("this client was not created from a Session and cannot be pickled")
        return _rebuild_client, self._rebuild

    def __repr__(self) -> str:
        return f"<squall.runtime.{type(self).__name__} region={self.meta.region_name!r} endpoint={self.meta.endpoint_url!r}>"


@cache
def _call_machinery() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The call flow and its sync driver, imported on the first call of any client
    rather than when the first client is made."""
    from ._flow import call_flow
    from ._sync import run_sync

    return call_flow, run_sync


def _rebuild_client(session: Any, service_name: str, kwargs: Mapping[str, Any]) -> BaseClient:
    return session.client(service_name, **kwargs)


_classes: dict[tuple[int, type], tuple[ServiceModel, type[BaseClient]]] = {}
_classes_lock = threading.Lock()


def _operation_method(operation_name: str, py_name: str, doc: str) -> Callable[..., Any]:
    def api_call(self: BaseClient, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args:
            raise TypeError(f"{py_name}() only accepts keyword arguments.")
        return self._make_api_call(operation_name, kwargs)

    api_call.__name__ = py_name
    api_call.__qualname__ = py_name
    api_call.__doc__ = doc
    return api_call


def _generate_presigned_post(
    self: BaseClient, Bucket: str, Key: str, Fields: Mapping[str, Any] | None = None,
    Conditions: Any = None, ExpiresIn: int = 3600, **kwargs: Any,
) -> dict[str, Any]:
    """``{"url": ..., "fields": {...}}`` for an HTML form upload to S3 (POST policy, SigV4)."""
    from .presign import generate_presigned_post  # signing and presign load on use, not per client

    return generate_presigned_post(self, Bucket, Key, Fields, Conditions, ExpiresIn, **kwargs)


def _async_operation_method(operation_name: str, py_name: str, doc: str) -> Callable[..., Any]:
    async def api_call(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args:
            raise TypeError(f"{py_name}() only accepts keyword arguments.")
        return await self._make_api_call(operation_name, kwargs)  # type: ignore[no-any-return]

    api_call.__name__ = py_name
    api_call.__qualname__ = py_name
    api_call.__doc__ = doc
    return api_call


def client_class_for(service_model: ServiceModel, base: type[BaseClient] | None = None) -> type[BaseClient]:
    """The client class for a model, created once per process and shared by all Sessions.
    ``base``: BaseClient (the default) or the asyncio client's base, whose operation
    methods are coroutines."""
    base = base or BaseClient
    is_async = getattr(base, "_IS_ASYNC", False)
    key = (id(service_model), base)
    found = _classes.get(key)
    if found is not None and found[0] is service_model:
        return found[1]
    with _classes_lock:
        found = _classes.get(key)
        if found is not None and found[0] is service_model:
            return found[1]
        attrs: dict[str, Any] = {"__module__": "squall.runtime"}
        mapping: dict[str, str] = {}
        for op_name in service_model.operation_names:
            py_name = xform_name(op_name)
            mapping[py_name] = op_name
            attrs[py_name] = (_async_operation_method if is_async else _operation_method)(
                op_name, py_name, f"Calls the {service_model.service_id} {op_name} operation."
            )
        attrs["_PY_TO_OP_NAME"] = mapping
        _apply_surface_quirks(service_model, attrs)
        if service_model.service_name == "s3":  # as botocore: the POST form upload is S3's alone
            attrs["generate_presigned_post"] = _generate_presigned_post
            attrs.update(base._s3_transfer_methods())  # upload_file, download_file, copy, ... as boto3
        class_name = (service_model.service_id or service_model.service_name).replace(" ", "")
        cls = type(class_name, (base,), attrs)
        _classes[key] = (service_model, cls)
        return cls


def _apply_surface_quirks(service_model: ServiceModel, attrs: dict[str, Any]) -> None:
    """Methods a service's customizations add, remove or answer under an old name
    (``_PY_TO_OP_NAME`` keeps every operation, as botocore's mapping does)."""
    from ..customizations import for_service

    quirks = for_service(service_model.service_name)
    for name in quirks.removed_methods:
        attrs.pop(name, None)
    attrs.update(quirks.client_methods)
    if quirks.method_aliases:
        attrs["__getattr__"] = _alias_lookup(quirks.method_aliases)


def _alias_lookup(aliases: Mapping[str, str]) -> Callable[[Any, str], Any]:
    def __getattr__(self: Any, name: str) -> Any:
        actual = aliases.get(name)
        if actual is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return getattr(self, actual)

    return __getattr__
