"""The sync driver: runs a call flow, performing its effects with blocking I/O."""
from __future__ import annotations

import time
from .._dataclass import replace  # the stdlib's, without importing it
from typing import Any, Callable, Generator

from ._effects import GetAuthToken, GetCredentials, Send, Sleep

__all__ = ["run_sync"]


def _read_error_body(response: Any) -> Any:
    """An error answer to a streaming call: read its (small) body so the flow can parse it."""
    try:
        body = response.stream.read()
    finally:
        response.stream.close()
    return replace(response, body=body, stream=None)


def run_sync(
    flow: Generator[Any, Any, Any],
    *,
    send: Callable[..., Any],
    get_credentials: Callable[[], Any],
    sleep: Callable[[float], None] = time.sleep,
    get_auth_token: Callable[[str, str], Any] | None = None,
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
                if effect.stream and result.status_code >= 300 and result.stream is not None:
                    result = _read_error_body(result)
            elif isinstance(effect, GetCredentials):
                result = get_credentials()
            elif isinstance(effect, Sleep):
                sleep(effect.seconds)
            elif isinstance(effect, GetAuthToken):
                if get_auth_token is None:
                    from ..exceptions import NoAuthTokenError

                    raise NoAuthTokenError(needed_by=effect.needed_by)
                result = get_auth_token(effect.signing_name, effect.needed_by)
            else:  # pragma: no cover - a flow bug
                raise TypeError(f"unknown effect {effect!r}")
        except Exception as exc:  # handed to the flow, which decides (retry or raise)
            error = exc
