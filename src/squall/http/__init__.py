"""HTTP values and transports. The only package in squall that performs network I/O.

The urllib3 transport is imported on first use, so the pure core (and asyncio users)
never pay for importing urllib3.
"""
from typing import TYPE_CHECKING, Any

from ._streaming import StreamingBody
from ._values import HttpRequest, HttpResponse, SerializedRequest, encode_query, join_url

if TYPE_CHECKING:
    from ._urllib3 import Urllib3ResponseStream, Urllib3Transport

__all__ = [
    "HttpRequest", "HttpResponse", "StreamingBody", "SerializedRequest", "encode_query", "join_url",
    "Urllib3Transport", "Urllib3ResponseStream",
]

_LAZY = {"Urllib3Transport", "Urllib3ResponseStream"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import _urllib3

        return getattr(_urllib3, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
