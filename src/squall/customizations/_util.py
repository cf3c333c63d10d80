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


def parameter_alias(original: str, alias: str) -> Callable[[OperationModel, Mapping[str, Any]], Mapping[str, Any]]:
    """A before-parameter-build hook accepting ``alias`` for the member ``original`` (a
    Python keyword such as ``from``, or an old name) where the operation models it."""
    from ..exceptions import AliasConflictParameterError

    def rename(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
        if alias not in params:
            return params
        shape = op.input_shape
        if shape is None or original not in shape.members:
            return params
        if original in params:
            raise AliasConflictParameterError(original=original, alias=alias, operation=op.name)
        renamed = {k: v for k, v in params.items() if k != alias}
        renamed[original] = params[alias]
        return renamed

    return rename
