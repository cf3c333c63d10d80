"""Docstrings of resource classes, written when ``help()`` first reads them.

Building every docstring when a class is made would resolve hundreds of input shapes
(EC2) that most programs never look at, so each is a ``LazyDoc``: a ``str`` whose text
is produced on first use (the approach boto3 takes, for the same reason).
"""
from __future__ import annotations

import re
from typing import Any, Callable, SupportsIndex

from ..models import ServiceModel, Shape, xform_name
from .model import Action, Attribute, Collection, Identifier, ResourceModel, Waiter

__all__ = [
    "LazyDoc", "identifier_doc", "attribute_doc", "action_doc", "load_doc", "waiter_doc",
    "collection_doc", "subresource_doc", "reference_doc", "batch_action_doc", "class_doc",
]

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class LazyDoc(str):
    """A docstring computed on first use; behaves as the full text everywhere pydoc looks."""

    def __new__(cls, build: Callable[[], str]) -> "LazyDoc":
        obj = super().__new__(cls, "")
        obj._build = build
        obj._text = None
        return obj

    _build: Callable[[], str]
    _text: str | None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._build()
        return self._text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return repr(self.text)

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __eq__(self, other: object) -> bool:
        return self.text == (other.text if isinstance(other, LazyDoc) else other)

    def __hash__(self) -> int:
        return hash(self.text)

    def __contains__(self, item: object) -> bool:
        return item in self.text  # type: ignore[operator]

    def __getitem__(self, key: Any) -> str:
        return self.text[key]

    def __add__(self, other: str) -> str:
        return self.text + other

    def __iter__(self) -> Any:
        return iter(self.text)

    def expandtabs(self, tabsize: SupportsIndex = 8) -> str:  # inspect.cleandoc starts here
        return self.text.expandtabs(tabsize)

    def split(self, *args: Any, **kwargs: Any) -> list[str]:
        return self.text.split(*args, **kwargs)

    def splitlines(self, keepends: bool = False) -> list[str]:
        return self.text.splitlines(keepends)

    def strip(self, chars: str | None = None) -> str:
        return self.text.strip(chars)

    def lstrip(self, chars: str | None = None) -> str:
        return self.text.lstrip(chars)

    def rstrip(self, chars: str | None = None) -> str:
        return self.text.rstrip(chars)

    def startswith(self, *args: Any) -> bool:
        return self.text.startswith(*args)

    def replace(self, *args: Any) -> str:
        return self.text.replace(*args)

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        return self.text.encode(*args, **kwargs)

    def __reduce__(self) -> Any:
        return str, (self.text,)


def _plain(documentation: str, limit: int = 400) -> str:
    text = _SPACE.sub(" ", _TAGS.sub("", documentation)).strip()
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


def _type_name(shape: Shape) -> str:
    return {"structure": "dict", "map": "dict", "list": "list", "string": "string",
            "integer": "integer", "long": "integer", "boolean": "boolean", "timestamp": "datetime",
            "blob": "bytes", "float": "float", "double": "float"}.get(shape.type_name, shape.type_name)


def _client_method(service_model: ServiceModel, operation: str) -> str:
    client_name = (service_model.service_id or service_model.service_name).replace(" ", "")
    return f"{client_name}.Client.{xform_name(operation)}()"


def _params_text(service_model: ServiceModel, operation: str, filled: set[str]) -> str:
    shape = service_model.operation_model(operation).input_shape
    if shape is None:
        return "It takes no parameters."
    required = set(shape.required_members)
    lines = []
    for name, member in shape.members.items():
        if name in filled:
            continue
        flag = " **[REQUIRED]**" if name in required else ""
        lines.append(f"  {name} ({_type_name(member)}){flag}: {_plain(member.documentation, 160)}")
    if not lines:
        return "Every parameter is filled in from the resource."
    return "Parameters:\n" + "\n".join(lines)


def _filled(params: Any) -> set[str]:
    return {p.target.split(".")[0].split("[")[0] for p in params if p.source != "input"}


def class_doc(service_name: str, model: ResourceModel, is_service: bool) -> str:
    if is_service:
        return f"A resource representing {service_name}: ``squall.resource('{service_name}')``."
    ids = ", ".join(i.name for i in model.identifiers)
    return f"A resource representing an {service_name} {model.name}: ``{service_name}.{model.name}({ids})``."


def identifier_doc(resource_name: str, identifier: Identifier) -> str:
    return f"(string) The {resource_name}'s {identifier.name} identifier. This must be set."


def attribute_doc(attribute: Attribute) -> LazyDoc:
    def build() -> str:
        return f"({_type_name(attribute.shape)}) {_plain(attribute.shape.documentation)}".rstrip()

    return LazyDoc(build)


def _action_text(service_model: ServiceModel, action: Action, resource_type: str | None) -> str:
    assert action.request is not None
    op = action.request.operation
    filled = _filled(action.request.params)
    head = f"Calls {_client_method(service_model, op)} ({op})"
    if filled:
        head += ", filling in " + ", ".join(sorted(filled)) + " from the resource"
    if resource_type is not None:
        returns = f"Returns: {resource_type} resource(s)."
    elif action.path:
        returns = f"Returns: the response's {action.path}."
    else:
        returns = "Returns: the response (dict)."
    return f"{head}.\n\n{_params_text(service_model, op, filled)}\n\n{returns}"


def action_doc(service_model: ServiceModel, action: Action) -> LazyDoc:
    return LazyDoc(lambda: _action_text(service_model, action, action.resource.type if action.resource else None))


def load_doc(service_model: ServiceModel, action: Action) -> LazyDoc:
    def build() -> str:
        assert action.request is not None
        return (f"Calls {_client_method(service_model, action.request.operation)} to update the "
                "attributes of the resource (``meta.data``). ``reload()`` is the same.")

    return LazyDoc(build)


def batch_action_doc(service_model: ServiceModel, action: Action) -> LazyDoc:
    return LazyDoc(lambda: "A batch action: one call per page of the collection.\n\n"
                   + _action_text(service_model, action, action.resource.type if action.resource else None))


def waiter_doc(service_model: ServiceModel, waiter: Waiter) -> LazyDoc:
    def build() -> str:
        filled = ", ".join(sorted(_filled(waiter.params)))
        return (f"Waits until the client waiter {waiter.waiter_name} succeeds, polling it "
                f"(``client.get_waiter('{xform_name(waiter.waiter_name)}')``) with {filled or 'no parameters'} "
                "from the resource. Raises WaiterError on failure. Returns None.")

    return LazyDoc(build)


def collection_doc(service_name: str, collection: Collection) -> str:
    return (f"A collection of {service_name}.{collection.resource.type} resources "
            f"(operation {collection.request.operation}): use all(), filter(**kwargs), limit(n), "
            "page_size(n) or pages().")


def subresource_doc(service_name: str, action: Action) -> str:
    assert action.resource is not None
    given = [xform_name(p.target) for p in action.resource.identifiers if p.source == "input"]
    return f"Creates a {service_name}.{action.resource.type} resource: {action.name}({', '.join(given)})."


def reference_doc(service_name: str, action: Action) -> str:
    assert action.resource is not None
    return f"(:py:class:`{service_name}.{action.resource.type}`) The related {action.resource.type} if set, else None."
