"""asyncio clients over the same sans-IO core as the blocking ones.

``squall.aio.Session`` takes the blocking Session's arguments; its ``client()`` is
awaited or used with ``async with``; operation methods, paginators and waiters are
coroutines / async iterators. Needs the ``aio`` extra (aiohttp).
"""
from __future__ import annotations

from .client import AioBaseClient
from .session import ClientCreator, Session

__all__ = ["Session", "ClientCreator", "AioBaseClient", "get_session"]


def get_session(**kwargs: object) -> Session:
    """aiobotocore's entry point, for code moving over: ``squall.aio.Session(**kwargs)``."""
    return Session(**kwargs)  # type: ignore[arg-type]
