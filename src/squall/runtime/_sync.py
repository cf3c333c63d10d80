"""The sync driver: runs a call flow, performing its effects with blocking I/O."""
from __future__ import annotations

import time
from .._dataclass import replace  # the stdlib's, without importing it
from typing import Any, Callable, Generator, TypeVar

from ._effects import GetAuthToken, GetCredentials, Send, Sleep

__all__ = ["run_sync", "run_flow", "auth_token"]

T = TypeVar("T")


def _read_error_body(response: Any) -> Any:
    """An error answer to a streaming call: read its (small) body so the flow can parse it."""
    try:
        body = response.stream.read()
    finally:
        response.stream.close()
    return replace(response, body=body, stream=None)


def run_flow(flow: Generator[Any, Any, T], perform: Callable[[Any], Any]) -> T:
    """Drive ``flow`` to its result: each effect it yields is answered with
    ``perform(effect)``, or the exception that raised is thrown into the flow (which
    decides: retry, or let it propagate)."""
    result: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = flow.throw(error) if error is not None else flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        result, error = None, None
        try:
            result = perform(effect)
        except StopIteration:
            raise  # thrown into the flow it would turn into RuntimeError (PEP 479)
        except Exception as exc:  # handed to the flow
            error = exc


def run_sync(
    flow: Generator[Any, Any, Any],
    *,
    send: Callable[..., Any],
    get_credentials: Callable[[], Any],
    sleep: Callable[[float], None] = time.sleep,
    get_auth_token: Callable[[str, str], Any] | None = None,
) -> Any:
    """Run a call flow with blocking I/O."""

    def perform(effect: Any) -> Any:
        if isinstance(effect, Send):
            result = send(effect.request, stream=effect.stream)
            if effect.stream and result.status_code >= 300 and result.stream is not None:
                result = _read_error_body(result)
            return result
        if isinstance(effect, GetCredentials):
            return get_credentials()
        if isinstance(effect, Sleep):
            sleep(effect.seconds)
            return None
        if isinstance(effect, GetAuthToken):
            return auth_token(get_auth_token, effect)
        raise TypeError(f"unknown effect {effect!r}")  # pragma: no cover - a flow bug

    return run_flow(flow, perform)


def auth_token(get_auth_token: Callable[[str, str], Any] | None, effect: GetAuthToken) -> Any:
    """The bearer token a GetAuthToken effect asks for (NoAuthTokenError without a source)."""
    if get_auth_token is None:
        from ..exceptions import NoAuthTokenError

        raise NoAuthTokenError(needed_by=effect.needed_by)
    return get_auth_token(effect.signing_name, effect.needed_by)
