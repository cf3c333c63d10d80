"""S3's managed transfers on the asyncio client: ``await s3.upload_file(...)`` and friends.

The transfer manager (squall.s3) reads and writes files and sends its parts one at a time
through a blocking client; here it runs in a worker thread, through a blocking twin of the
asyncio client (same Session and arguments, made on first use), so the event loop never
waits on the disk or the network. Progress callbacks are called from that thread.
"""
from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Mapping

__all__ = ["async_transfer_methods"]


def _in_a_thread(name: str, blocking: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(blocking)
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        twin = await asyncio.to_thread(self._blocking_twin)
        return await asyncio.to_thread(blocking, twin, *args, **kwargs)

    method.__doc__ = f"{blocking.__doc__ or name}\n\nAwaitable: runs in a worker thread (callbacks are called there)."
    return method


@functools.cache
def async_transfer_methods() -> Mapping[str, Callable[..., Any]]:
    from ..s3.inject import CLIENT_METHODS

    return {name: _in_a_thread(name, blocking) for name, blocking in CLIENT_METHODS.items()}
