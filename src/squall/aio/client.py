"""The asyncio client: the same client class layout as the blocking one (one method per
operation, ``meta``, ``exceptions``, paginators, waiters, presigning), with coroutine
operation methods run by the asyncio driver over the aiohttp transport."""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping

from ..runtime._base import BaseClient

__all__ = ["AioBaseClient"]


class AioBaseClient(BaseClient):
    """Shared by every task on the event loop that made its connections; ``close()`` it
    (or use ``async with``) when done."""

    _IS_ASYNC = True
    # () -> frozen credentials when they can be had without blocking, else None
    _credentials_now: Callable[[], Any] | None = None
    # the retry back-off's sleep (None: asyncio.sleep); tests record it instead
    _async_sleep: Callable[[float], Any] | None = None

    async def _make_api_call(self, operation_name: str, api_params: Mapping[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        if self._stubber is not None:
            return self._stubber._respond(operation_name, api_params)  # type: ignore[no-any-return]
        from ..runtime._flow import call_flow
        from ._driver import run_async

        model = self.meta.service_model
        if model.resolved_protocol not in ("rest-json", "rest-xml") and \
                model.operation_model(operation_name).has_event_stream_output:
            # The RPC protocols read the stream's initial-response while parsing, which
            # cannot be awaited there; the REST ones (S3 Select, Bedrock, Lambda) can stream.
            from ..exceptions import AsyncUnsupportedError

            raise AsyncUnsupportedError(what=f"{operation_name} (an event stream over the {model.resolved_protocol} "
                                             "protocol)", instead="use the blocking client for it")
        flow = call_flow(self._context, operation_name, api_params)
        return await run_async(  # type: ignore[no-any-return]
            flow, send=self._transport.send, get_credentials=self._get_credentials,
            credentials_now=self._credentials_now, get_auth_token=self._get_auth_token,
            sleep=self._async_sleep,
        )

    @staticmethod
    def _s3_transfer_methods() -> Mapping[str, Callable[..., Any]]:
        from ._transfers import async_transfer_methods

        return async_transfer_methods()

    _twin_lock = threading.Lock()
    _twin: BaseClient | None = None

    def _blocking_twin(self) -> BaseClient:
        """A blocking client with this one's Session and arguments (for the transfers)."""
        with self._twin_lock:
            if self._twin is None:
                if self._rebuild is None:
                    from ..exceptions import AsyncUnsupportedError

                    raise AsyncUnsupportedError(what="managed transfers on a client not made by a Session",
                                                instead="make the client with squall.aio.Session().client()")
                from ..runtime._factory import create_client

                session, service_name, kwargs = self._rebuild
                self._twin = create_client(session, service_name, **kwargs)
            return self._twin

    def get_paginator(self, operation_name: str) -> Any:
        """An async paginator: ``async for page in paginator.paginate(...)``."""
        from ..runtime.paginate import get_paginator
        from .paginate import AioPaginator

        return get_paginator(self, operation_name, base=AioPaginator)

    def get_waiter(self, waiter_name: str) -> Any:
        """An async waiter: ``await waiter.wait(...)``."""
        from ..runtime.waiter import get_waiter
        from .waiter import AioWaiter

        return get_waiter(self, waiter_name, base=AioWaiter)

    async def close(self) -> None:  # type: ignore[override]
        """Close the connection pool; the client may not be used afterwards."""
        self._closed = True
        await self._transport.close()
        if self._twin is not None:
            self._twin.close()

    async def __aenter__(self) -> "AioBaseClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __enter__(self) -> "BaseClient":
        raise TypeError("an asyncio client is used with 'async with', not 'with'")

    def __reduce__(self) -> Any:
        raise TypeError("an asyncio client cannot be pickled: pickle its Session and make a client there")
