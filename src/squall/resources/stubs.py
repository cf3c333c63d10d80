"""Type stubs (``.pyi``) for resource classes, so IDEs and type checkers see what
``dir()`` shows: identifiers, attributes (typed from the shapes), actions (with their
keyword parameters), sub-resources, references, collections and waiters.

``python -m squall.resources.stubs OUTDIR [service ...]`` writes ``OUTDIR/<service>.pyi``
for each service with a resource model (all by default). Resource classes are made at
run time, so the stubs describe them under stable names (``Bucket``, ``BucketObjectsCollection``);
``Session.resource`` overloads on ``Literal`` service names can then return
``<service>.ServiceResource`` (the approach of mypy-boto3 stubs).
"""
from __future__ import annotations

import keyword
import os
import sys
from typing import Any, Iterable

from ..models import Shape, xform_name
from ._factory import ServiceContext
from .model import Action, Collection, ResourceModel, build_resource_model

__all__ = ["service_stub", "write_stubs"]

_SCALARS = {"string": "str", "integer": "int", "long": "int", "boolean": "bool", "timestamp": "datetime.datetime",
            "blob": "bytes", "float": "float", "double": "float"}


# DynamoDB resources take and return plain Python values and Key/Attr conditions.
_CONVERTED_SHAPES = frozenset({"AttributeValue", "ConditionExpression", "KeyExpression"})


def _py_type(shape: Shape, converted: bool, depth: int = 0) -> str:
    if converted and shape.name in _CONVERTED_SHAPES:
        return "Any"
    kind = shape.type_name
    if kind in _SCALARS:
        return _SCALARS[kind]
    if depth > 2:
        return "Any"
    if kind == "list":
        return f"list[{_py_type(shape.member, converted, depth + 1)}]"
    if kind == "map":
        return f"dict[str, {_py_type(shape.value, converted, depth + 1)}]"
    return "dict[str, Any]"


def _class_name(name: str, service_name: str) -> str:
    return "ServiceResource" if name == service_name else name


def _collection_class(owner: str, collection: Collection) -> str:
    camel = "".join(part[:1].upper() + part[1:] for part in collection.name.split("_"))
    return f"{owner}{camel}Collection"


def _safe(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _filled(params: Iterable[Any]) -> set[str]:
    return {p.target.split(".")[0].split("[")[0] for p in params if p.source != "input"}


def _param_type(shape: Shape, converted: bool) -> str:
    # A blob parameter may be bytes or a file-like object (a streaming body).
    return "Any" if shape.type_name == "blob" else _py_type(shape, converted)


def _converted(context: ServiceContext) -> bool:
    return context.service_name == "dynamodb"


def _keyword_params(context: ServiceContext, operation: str, filled: set[str]) -> str:
    shape = context.service_model.operation_model(operation).input_shape
    if shape is None:
        return ""
    required = set(shape.required_members)
    parts = []
    for name, member in shape.members.items():
        if name in filled or not name.isidentifier():
            continue
        default = "" if name in required else " = ..."
        parts.append(f"{name}: {_param_type(member, _converted(context))}{default}")
    parts.sort(key=lambda p: " = ..." in p)  # required first
    return ", *, " + ", ".join(parts) if parts else ""


def _returns(context: ServiceContext, action: Action) -> str:
    resource = action.resource
    if resource is None:
        return "dict[str, Any]"
    name = _class_name(resource.type, context.service_name)
    plural = any("[" in (p.path or "") for p in resource.identifiers if p.source == "response") or \
        bool(resource.path and "[]" in resource.path)
    return f"list[{name}]" if plural else name


def _resource_lines(context: ServiceContext, name: str, model: ResourceModel) -> list[str]:
    cls = _class_name(name, context.service_name)
    lines = [f"class {cls}(ServiceResourceBase):"]
    lines.append(f"    def __init__(self, {''.join(f'{i.name}: str, ' for i in model.identifiers)}*, client: Any = ...)"
                 " -> None: ...")
    for identifier in model.identifiers:
        lines.append(f"    @property\n    def {identifier.name}(self) -> str: ...")
    for attribute in model.attributes:
        kind = _py_type(attribute.shape, _converted(context))
        lines.append(f"    @property\n    def {_safe(attribute.name)}(self) -> {kind}: ...")
    if model.load is not None:
        lines.append("    def load(self) -> None: ...")
        lines.append("    def reload(self) -> None: ...")
    for action in model.actions:
        assert action.request is not None
        params = _keyword_params(context, action.request.operation, _filled(action.request.params))
        lines.append(f"    def {_safe(action.name)}(self{params}) -> {_returns(context, action)}: ...")
    for sub in model.subresources:
        assert sub.resource is not None
        given = [xform_name(p.target) for p in sub.resource.identifiers if p.source == "input"]
        args = "".join(f", {g}: str" for g in given)
        lines.append(f"    def {sub.name}(self{args}) -> {_class_name(sub.resource.type, context.service_name)}: ...")
    for reference in model.references:
        assert reference.resource is not None
        target = _class_name(reference.resource.type, context.service_name)
        kind = f"list[{target}]" if _returns(context, reference).startswith("list[") else f"{target} | None"
        lines.append(f"    @property\n    def {_safe(reference.name)}(self) -> {kind}: ...")
    for collection in model.collections:
        lines.append(f"    @property\n    def {collection.name}(self) -> {_collection_class(cls, collection)}Manager: ...")
    for waiter in model.waiters:  # the waiter operation's parameters, and WaiterConfig
        lines.append(f"    def {waiter.name}(self, **kwargs: Any) -> None: ...")
    lines.append("    def get_available_subresources(self) -> list[str]: ...")
    lines.extend(_customized_lines(context, name, model))
    return lines


def _customized_lines(context: ServiceContext, name: str, model: ResourceModel) -> list[str]:
    """Methods the customizations add (``upload_file``, ``batch_writer``, ...), from the
    class as built, with their real parameter names."""
    import inspect

    from .base import ServiceResource

    cls = context.resource_class(name)
    modelled = {"load", "reload", "get_available_subresources", *(i.name for i in model.identifiers),
                *(a.name for a in model.attributes), *(a.name for a in model.actions),
                *(s.name for s in model.subresources), *(r.name for r in model.references),
                *(c.name for c in model.collections), *(w.name for w in model.waiters)}
    lines = []
    seen: set[str] = set()
    for klass in cls.__mro__:
        if klass in (ServiceResource, object):
            continue
        for attr, value in vars(klass).items():
            if attr.startswith("_") or attr in modelled or attr in seen or not callable(value):
                continue
            seen.add(attr)
            params = []
            for param in list(inspect.signature(value).parameters.values())[1:]:
                default = "" if param.default is inspect.Parameter.empty else " = ..."
                stars: dict[Any, str] = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
                prefix = stars.get(param.kind, "")
                params.append(f"{prefix}{param.name}: Any{default}")
            lines.append(f"    def {attr}(self{''.join(', ' + p for p in params)}) -> Any: ...")
    if model.load is None and hasattr(cls, "load"):
        lines.append("    def load(self) -> None: ...")
    return lines


def _collection_lines(context: ServiceContext, owner: str, collection: Collection) -> list[str]:
    item = _class_name(collection.resource.type, context.service_name)
    name = _collection_class(owner, collection)
    filled = _filled(collection.request.params)
    params = _keyword_params(context, collection.request.operation, filled)
    out = []
    for cls, base in ((name, "ResourceCollection"), (name + "Manager", "CollectionManager")):
        out.append(f"class {cls}({base}):")
        out.append(f"    def all(self) -> {name}: ...")
        out.append(f"    def filter(self{params}) -> {name}: ...  # type: ignore[override]")
        out.append(f"    def limit(self, count: int) -> {name}: ...")
        out.append(f"    def page_size(self, count: int) -> {name}: ...")
        out.append(f"    def pages(self) -> Iterator[list[{item}]]: ...")
        if base == "ResourceCollection":
            out.append(f"    def __iter__(self) -> Iterator[{item}]: ...")
        for batch in collection.batch_actions:
            out.append(f"    def {batch.name}(self, **kwargs: Any) -> list[dict[str, Any]]: ...")
    return out


def service_stub(context: ServiceContext) -> str:
    """The ``.pyi`` text for one service's resource classes."""
    lines = [
        f'"""Resource classes of {context.service_name} (generated by squall.resources.stubs)."""',
        "import datetime",
        "from typing import Any, Iterator",
        "",
        "from squall.resources import CollectionManager, ResourceCollection",
        "from squall.resources import ServiceResource as ServiceResourceBase",
        "",
    ]
    names = [context.service_name, *context.resource_defs]
    for name in names:
        definition = context.definition(name)
        shape_name = definition.get("shape")
        shape = context.service_model.shape_for(shape_name) if shape_name else None
        model = build_resource_model(name, definition, context.resource_defs, shape)
        lines.extend(_resource_lines(context, name, model))
        lines.append("")
        for collection in model.collections:
            lines.extend(_collection_lines(context, _class_name(name, context.service_name), collection))
            lines.append("")
    return "\n".join(lines)


def write_stubs(out_dir: str, services: Iterable[str] | None = None, session: Any = None) -> list[str]:
    """Write ``<out_dir>/<service>.pyi`` for each service; returns the paths written."""
    from ..models import service_model_for
    from ..session import Session

    session = session or Session(region_name="us-east-1", aws_access_key_id="stub", aws_secret_access_key="stub")
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for service in services or session.get_available_resources():
        loader = session._loader
        api_version = loader.latest_version(service, "resources-1")
        resources_json = loader.load_service_model(service, "resources-1", api_version)
        model = service_model_for(loader, service, api_version)
        path = os.path.join(out_dir, f"{service}.pyi")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(service_stub(ServiceContext(service, api_version, model, resources_json)))
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m squall.resources.stubs OUTDIR [service ...]")
    for written_path in write_stubs(sys.argv[1], sys.argv[2:] or None):
        print(written_path)
