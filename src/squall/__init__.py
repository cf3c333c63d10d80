"""squall: a boto3-compatible AWS SDK. ``import squall as boto3`` keeps boto3 code working.

The default session is created on first use, once, even when many threads get there at
the same moment; it is the only module-level mutable state in squall.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from . import exceptions, session
from .config._unsigned import UNSIGNED
from .session import Session

__version__ = "0.1.0"
__all__ = [
    "Session", "DEFAULT_SESSION", "setup_default_session", "client", "resource",
    "set_stream_logger", "exceptions", "session", "UNSIGNED", "__version__",
]

DEFAULT_SESSION: Session | None = None
_default_lock = threading.Lock()

logging.getLogger("squall").addHandler(logging.NullHandler())


def setup_default_session(**kwargs: Any) -> Session:
    """Replace the default session with ``Session(**kwargs)``."""
    global DEFAULT_SESSION
    new = Session(**kwargs)
    with _default_lock:
        DEFAULT_SESSION = new
    return new


def _get_default_session() -> Session:
    global DEFAULT_SESSION
    current = DEFAULT_SESSION
    if current is not None:
        return current
    with _default_lock:
        if DEFAULT_SESSION is None:
            DEFAULT_SESSION = Session()
        return DEFAULT_SESSION


def client(*args: Any, **kwargs: Any) -> Any:
    """A client from the default session (see ``Session.client``)."""
    return _get_default_session().client(*args, **kwargs)


def resource(*args: Any, **kwargs: Any) -> Any:
    """A resource from the default session (see ``Session.resource``)."""
    return _get_default_session().resource(*args, **kwargs)


def set_stream_logger(name: str = "squall", level: int = logging.DEBUG, format_string: str | None = None) -> None:
    """Log ``name`` to stderr at ``level`` (boto3's helper)."""
    logger = logging.getLogger(name)
    logger.setLevel(level)
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(format_string or "%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    logger.addHandler(handler)
