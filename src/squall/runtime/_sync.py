"""The sync driver: runs a call flow, performing its effects with blocking I/O."""
from __future__ import annotations

import time
from typing import Any, Callable, Generator

from ._effects import GetCredentials, Send, Sleep

__all__ = ["run_sync"]


def run_sync(
    flow: Generator[Any, Any, Any],
    *,
    send: Callable[..., Any],
    get_credentials: Callable[[], Any],
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    result: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = flow.throw(error) if error is not None else flow.send(result)
        except StopIteration as stop:
            return stop.value
        result, error = None, None
        try:
            if isinstance(effect, Send):
                result = send(effect.request, stream=effect.stream)
            elif isinstance(effect, GetCredentials):
                result = get_credentials()
            elif isinstance(effect, Sleep):
                sleep(effect.seconds)
            else:  # pragma: no cover - a flow bug
                raise TypeError(f"unknown effect {effect!r}")
        except Exception as exc:  # handed to the flow, which decides (retry or raise)
            error = exc
