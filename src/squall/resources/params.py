"""Request parameters from a resource (identifiers, loaded data, constants), and the
resources an answer names (identifiers from the response, the request or the parent).

Paths are JMESPath expressions, compiled once per process. Targets use boto3's reverse
JMESPath subset (``Foo.Bar[0].Baz``, ``Ids[]``, ``Ids[*]``) to build nested params.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable, Mapping

from ..exceptions import ResourceLoadException
from ..models import ServiceModel, xform_name
from .model import Param, Request

__all__ = [
    "search", "get_data_member", "create_request_parameters", "build_param_structure",
    "build_identifiers", "build_empty_response",
]

_INDEX = re.compile(r"\[(.*)\]$")


@functools.lru_cache(maxsize=None)
def _compiled(expression: str) -> Callable[[Any], Any]:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", expression):
        # A bare name (most paths): a dict lookup, without the JMESPath interpreter.
        def lookup(data: Any) -> Any:
            return data.get(expression) if isinstance(data, dict) else None

        return lookup
    import jmespath  # type: ignore[import-untyped]

    return jmespath.compile(expression).search  # type: ignore[no-any-return]


def search(expression: str, data: Any) -> Any:
    return _compiled(expression)(data)


def get_data_member(parent: Any, path: str) -> Any:
    """``path`` in the parent's data, loading the parent first if it has no data yet."""
    if parent.meta.data is None:
        if hasattr(parent, "load"):
            parent.load()
        else:
            raise ResourceLoadException(f"{type(parent).__name__} has no load method!")
    return search(path, parent.meta.data)


def create_request_parameters(
    parent: Any, request: Request | Iterable[Param], params: dict[str, Any] | None = None,
    index: int | None = None,
) -> dict[str, Any]:
    """Parameters filled in from ``parent`` (``params`` is extended in place and returned,
    so batch actions build one request from many resources)."""
    if params is None:
        params = {}
    for param in (request.params if isinstance(request, Request) else request):
        source = param.source
        if source == "identifier":
            value = getattr(parent, xform_name(param.name or ""))
        elif source == "data":
            value = get_data_member(parent, param.path or "")
        elif source in ("string", "integer", "boolean"):
            value = param.value
        elif source == "input":
            continue
        else:
            raise NotImplementedError(f"Unsupported source type: {source}")
        build_param_structure(params, param.target, value, index)
    return params


def build_param_structure(params: dict[str, Any], target: str, value: Any, index: int | None = None) -> None:
    """Set ``value`` at ``target`` in ``params``, creating dicts and lists on the way:
    ``Foo.Bar[0]`` sets an index, ``Foo[]`` appends (or uses ``index``), ``Foo[*]``
    uses ``index``."""
    pos: Any = params
    parts = target.split(".")
    for i, part in enumerate(parts):
        match = _INDEX.search(part)
        if match:
            if match.group(1):
                if match.group(1) == "*":
                    part = part[:-3]
                else:
                    index = int(match.group(1))
                    part = part[: -len(f"{index}[]")]
            else:
                index = None
                part = part[:-2]
            if part not in pos or not isinstance(pos[part], list):
                pos[part] = []
            if index is None:
                index = len(pos[part])
            while len(pos[part]) <= index:
                pos[part].append({})
            if i == len(parts) - 1:
                pos[part][index] = value
            else:
                pos = pos[part][index]
        else:
            if part not in pos:
                pos[part] = {}
            if i == len(parts) - 1:
                pos[part] = value
            else:
                pos = pos[part]


def build_identifiers(
    identifiers: Iterable[Param], parent: Any, params: Mapping[str, Any] | None = None,
    raw_response: Any = None,
) -> list[tuple[str, Any]]:
    """``(python name, value)`` per identifier; a value is a list when the path is plural."""
    results = []
    for identifier in identifiers:
        source = identifier.source
        if source == "response":
            value = search(identifier.path or "", raw_response)
        elif source == "requestParameter":
            value = search(identifier.path or "", params)
        elif source == "identifier":
            value = getattr(parent, xform_name(identifier.name or ""))
        elif source == "data":
            value = get_data_member(parent, identifier.path or "")
        elif source == "input":
            continue
        else:
            raise NotImplementedError(f"Unsupported source type: {source}")
        results.append((xform_name(identifier.target), value))
    return results


def build_empty_response(search_path: str | None, operation_name: str, service_model: ServiceModel) -> Any:
    """What an action returns when the answer names no resource: an empty list, dict or
    None, by the type the path would have found."""
    shape = service_model.operation_model(operation_name).output_shape
    if shape is None:
        return None
    if search_path:
        for item in search_path.split("."):
            item = item.strip("[0123456789]$")
            if shape.type_name == "structure":
                shape = shape.members[item]
            elif shape.type_name == "list":
                shape = shape.member
            else:
                raise NotImplementedError(f"Search path hits shape type {shape.type_name} from {item}")
    if shape.type_name in ("structure", "map"):
        return {}
    if shape.type_name == "list":
        return []
    return None
