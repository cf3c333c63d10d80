"""Small pure helpers shared by service customizations."""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping
from urllib.parse import unquote

from ..models import OperationModel

OpHook = Callable[[OperationModel, Any], Any]


def by_operation(table: Mapping[str, Callable[..., Any]]) -> Callable[..., Any]:
    """A hook that runs ``table[operation name]`` (if any) on the last argument."""
    def dispatch(op: OperationModel, *rest: Any) -> Any:
        hook = table.get(op.name)
        return hook(op, *rest) if hook is not None else rest[-1]

    return dispatch


def decode_quoted_json(value: Any) -> Any:
    """URL-decoded JSON text -> object; the value itself if it is not that."""
    try:
        return json.loads(unquote(value))
    except (ValueError, TypeError):
        return value
