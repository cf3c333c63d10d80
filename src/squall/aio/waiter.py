"""Async waiters: the blocking waiter's decisions (runtime.waiter's wait_flow and
acceptors), polling by awaiting the asyncio client's method and ``asyncio.sleep``."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from ..exceptions import ClientError
from ..runtime.paginate import Call
from ..runtime.waiter import Waiter, wait_flow
from ._driver import run_flow_async

__all__ = ["AioWaiter"]


class AioWaiter(Waiter):
    """``await client.get_waiter(name).wait(**params, WaiterConfig={...})``."""

    async_sleep: Callable[[float], Awaitable[Any]] = staticmethod(asyncio.sleep)

    async def wait(self, **kwargs: Any) -> None:  # type: ignore[override]
        await run_flow_async(wait_flow(self.name, self.config, kwargs), self._perform_async)

    async def _perform_async(self, effect: Any) -> Any:
        if isinstance(effect, Call):
            try:  # errors are answers too: acceptors match on their codes and status
                return await self._operation_method(**effect.params)
            except ClientError as err:
                return err.response
        await self.async_sleep(effect.seconds)
        return None
