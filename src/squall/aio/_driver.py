"""The asyncio driver: runs the same call flows as the sync driver (runtime._sync),
performing their effects without blocking the event loop.

Sends go through the asyncio transport; sleeps are ``asyncio.sleep``. Credentials and
bearer tokens come from the Session's blocking providers (files, processes, IMDS, STS),
so a lookup that may do I/O -- the first resolution, or a refresh that is due -- runs in
a worker thread; a lookup that cannot block (credentials already resolved and fresh)
is answered in place, saving the thread hop on every call.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Generator, TypeVar

from .._dataclass import replace
from ..runtime._effects import GetAuthToken, GetCredentials, Send, Sleep
from ..runtime._sync import auth_token

__all__ = ["run_async", "run_flow_async"]

T = TypeVar("T")


async def _read_error_body(response: Any) -> Any:
    """An error answer to a streaming call: read its (small) body so the flow can parse it."""
    try:
        body = await response.stream.read()
    finally:
        response.stream.close()
    return replace(response, body=body, stream=None)


async def run_flow_async(flow: Generator[Any, Any, T], perform: Callable[[Any], Awaitable[Any]]) -> T:
    """runtime._sync.run_flow with an awaited ``perform``."""
    result: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = flow.throw(error) if error is not None else flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        result, error = None, None
        try:
            result = await perform(effect)
        except StopIteration:
            raise  # thrown into the flow it would turn into RuntimeError (PEP 479)
        except Exception as exc:  # handed to the flow
            error = exc


async def run_async(
    flow: Generator[Any, Any, Any],
    *,
    send: Callable[..., Awaitable[Any]],
    get_credentials: Callable[[], Any],
    credentials_now: Callable[[], Any] | None = None,
    get_auth_token: Callable[[str, str], Any] | None = None,
    sleep: Callable[[float], Awaitable[Any]] | None = None,
) -> Any:
    """Run a call flow on the event loop. ``credentials_now`` answers without blocking,
    or returns None when ``get_credentials`` (run in a worker thread) must be asked."""

    async def perform(effect: Any) -> Any:
        if isinstance(effect, Send):
            result = await send(effect.request, stream=effect.stream)
            if effect.stream and result.status_code >= 300 and result.stream is not None:
                result = await _read_error_body(result)
            return result
        if isinstance(effect, GetCredentials):
            ready = credentials_now() if credentials_now is not None else None
            return ready if ready is not None else await asyncio.to_thread(get_credentials)
        if isinstance(effect, Sleep):
            await (sleep or asyncio.sleep)(effect.seconds)
            return None
        if isinstance(effect, GetAuthToken):
            return await asyncio.to_thread(auth_token, get_auth_token, effect)
        raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover - a flow bug

    return await run_flow_async(flow, perform)
