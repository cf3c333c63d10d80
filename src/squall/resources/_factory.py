"""Resource classes, made from the resource model once per process and shared by every
Session (boto3 rebuilds them per Session, and its sub-resource classes per call).

``ServiceContext`` holds one service's models (``resources-1`` and the client's service
model) and builds each resource class on first use, under a lock; afterwards reading a
class is a dict lookup. Classes hold no client: an instance carries its own in ``meta``.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping

from ..exceptions import ResourceLoadException
from ..models import ServiceModel
from . import _docs
from ._customize import customize
from .action import ResourceHandler, ServiceAction, WaiterAction
from .base import ResourceMeta, ServiceResource
from .collection import collection_classes
from .model import Action, Attribute, Collection, Identifier, ResourceModel, Waiter, build_resource_model
from .params import build_identifiers

__all__ = ["ServiceContext", "classes_for", "classes_for_client"]


class ServiceContext:
    """One service's resource models and the classes built from them (lazily)."""

    __slots__ = ("service_name", "api_version", "service_model", "resources_json", "_classes", "_lock")

    def __init__(self, service_name: str, api_version: str, service_model: ServiceModel,
                 resources_json: Mapping[str, Any]) -> None:
        self.service_name = service_name
        self.api_version = api_version
        self.service_model = service_model
        self.resources_json = resources_json
        self._classes: dict[str, type[ServiceResource]] = {}
        self._lock = threading.RLock()

    @property
    def resource_defs(self) -> Mapping[str, Any]:
        return self.resources_json.get("resources", {})  # type: ignore[no-any-return]

    def service_resource_class(self) -> type[ServiceResource]:
        return self.resource_class(self.service_name)

    def resource_class(self, name: str) -> type[ServiceResource]:
        """The class of resource ``name`` (the service's name: the service resource)."""
        found = self._classes.get(name)
        if found is not None:
            return found
        with self._lock:  # re-entrant: building a class may look up others
            found = self._classes.get(name)
            if found is None:
                found = self._classes[name] = _build_class(self, name)
            return found

    def class_key(self, cls: type) -> str:
        for name, known in self._classes.items():
            if known is cls:
                return name
        raise KeyError(cls)

    def definition(self, name: str) -> Mapping[str, Any]:
        if name == self.service_name:
            return self.resources_json.get("service", {})  # type: ignore[no-any-return]
        return self.resource_defs.get(name, {})  # type: ignore[no-any-return]


_contexts: dict[tuple[int, str, str], tuple[Mapping[str, Any], ServiceModel, ServiceContext]] = {}
_contexts_lock = threading.Lock()


def classes_for(
    service_name: str, api_version: str, service_model: ServiceModel, resources_json: Mapping[str, Any],
) -> ServiceContext:
    """The process-wide context for this service's resource model (the loader parses each
    file once per process, so its identity is the key; the entry keeps it alive).

    The service model is matched by service, version and metadata rather than identity:
    the first one seen builds the classes. (A model with ``sdk-extras`` is currently
    re-merged into a new object on every load; identity would rebuild classes each time.)
    """
    key = (id(resources_json), service_name, service_model.api_version)
    found = _contexts.get(key)
    if found is None or found[0] is not resources_json or not _same_model(found[1], service_model):
        with _contexts_lock:
            found = _contexts.get(key)
            if found is None or found[0] is not resources_json or not _same_model(found[1], service_model):
                context = ServiceContext(service_name, api_version, service_model, resources_json)
                found = _contexts[key] = (resources_json, service_model, context)
    return found[2]


def _same_model(known: ServiceModel, other: ServiceModel) -> bool:
    return known is other or known.metadata == other.metadata


def classes_for_client(client: Any, service_name: str, api_version: str) -> ServiceContext:
    from ..models import Loader

    loader = getattr(client, "_loader", None) or Loader.from_data_path()
    resources_json = loader.load_service_model(service_name, "resources-1", api_version)
    return classes_for(service_name, api_version, client.meta.service_model, resources_json)


# -- class building ---------------------------------------------------------------------


def _build_class(context: ServiceContext, name: str) -> type[ServiceResource]:
    service_name = context.service_name
    is_service = name == service_name
    definition = context.definition(name)
    shape_name = definition.get("shape")
    shape = context.service_model.shape_for(shape_name) if shape_name else None
    model = build_resource_model(name, definition, context.resource_defs, shape)
    identifiers = [i.name for i in model.identifiers]
    meta = ResourceMeta(service_name, identifiers=identifiers, resource_model=model)
    attrs: dict[str, Any] = {
        "meta": meta, "_squall_context": context, "__module__": "squall.resources.factory",
        "__doc__": _docs.class_doc(service_name, model, is_service),
    }
    for identifier in model.identifiers:
        attrs[identifier.name] = _identifier_property(name, identifier)
    if model.load is not None:
        attrs["load"] = attrs["reload"] = _load_method(context, model.load)
    for action in model.actions:
        attrs[action.name] = _action_method(context, action)
    alias = {i.member_name: i for i in model.identifiers if i.member_name}
    for attribute in model.attributes:
        if attribute.name in alias:
            attrs[attribute.name] = _identifier_alias(alias[attribute.name], attribute)
        else:
            attrs[attribute.name] = _attribute_property(attribute)
    for collection in model.collections:
        attrs[collection.name] = _collection_property(context, name, collection)
    for reference in model.references:
        attrs[reference.name] = _reference_property(context, reference)
    for subresource in model.subresources:
        attrs[subresource.name] = _subresource_method(context, subresource)
    available = sorted(s.name for s in model.subresources)

    def get_available_subresources(self: Any) -> list[str]:
        """The names of the sub-resources of this resource."""
        return list(available)

    attrs["get_available_subresources"] = get_available_subresources
    for waiter in model.waiters:
        attrs[waiter.name] = _waiter_method(context, waiter)

    bases: list[type] = [ServiceResource]
    class_name = f"{service_name}.{'ServiceResource' if is_service else name}"
    customize(service_name, "ServiceResource" if is_service else name, attrs, bases)
    return type(class_name, tuple(bases), attrs)


def _named(func: Callable[..., Any], name: str, doc: str) -> Callable[..., Any]:
    func.__name__ = name
    func.__qualname__ = name
    func.__doc__ = doc
    return func


def _identifier_property(resource_name: str, identifier: Identifier) -> property:
    key = "_" + identifier.name

    def get_identifier(self: Any) -> Any:
        return self.__dict__.get(key)

    return property(_named(get_identifier, identifier.name, _docs.identifier_doc(resource_name, identifier)))


def _identifier_alias(identifier: Identifier, attribute: Attribute) -> property:
    key = "_" + identifier.name

    def get_identifier(self: Any) -> Any:
        return self.__dict__.get(key)

    return property(_named(get_identifier, attribute.name, _docs.attribute_doc(attribute)))


def _attribute_property(attribute: Attribute) -> property:
    member = attribute.member_name

    def property_loader(self: Any) -> Any:
        data = self.meta.data
        if data is None:
            if not hasattr(self, "load"):
                raise ResourceLoadException(f"{type(self).__name__} has no load method")
            self.load()
            data = self.meta.data
        return data.get(member)

    return property(_named(property_loader, attribute.name, _docs.attribute_doc(attribute)))


def _load_method(context: ServiceContext, model: Action) -> Callable[..., Any]:
    action = ServiceAction(model, context)

    def load(self: Any, *args: Any, **kwargs: Any) -> None:
        self.meta.data = action(self, *args, **kwargs)

    return _named(load, "load", _docs.load_doc(context.service_model, model))


def _action_method(context: ServiceContext, model: Action) -> Callable[..., Any]:
    action = ServiceAction(model, context)

    def do_action(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = action(self, *args, **kwargs)
        if hasattr(self, "load"):
            self.meta.data = None  # the action may have changed what load() would return
        return response

    return _named(do_action, model.name, _docs.action_doc(context.service_model, model))


def _waiter_method(context: ServiceContext, model: Waiter) -> Callable[..., Any]:
    waiter = WaiterAction(model)

    def do_waiter(self: Any, *args: Any, **kwargs: Any) -> None:
        waiter(self, *args, **kwargs)

    return _named(do_waiter, model.name, _docs.waiter_doc(context.service_model, model))


def _collection_property(context: ServiceContext, owner: str, model: Collection) -> property:
    # The manager class and response handler are made when the collection is first used.
    made: list[tuple[type, ResourceHandler]] = []
    lock = threading.Lock()

    def parts() -> tuple[type, ResourceHandler]:
        if not made:
            with lock:
                if not made:
                    docs = {"__doc__": _docs.collection_doc(context.service_name, model)}
                    for batch in model.batch_actions:
                        docs[batch.name] = _docs.batch_action_doc(context.service_model, batch)
                    manager = collection_classes(model, owner, context, docs)
                    handler = ResourceHandler(model.resource.path, model.resource, context, model.request.operation)
                    made.append((manager, handler))
        return made[0]

    def get_collection(self: Any) -> Any:
        manager, handler = parts()
        return manager(model, self, handler)

    return property(_named(get_collection, model.name, _docs.collection_doc(context.service_name, model)))


def _reference_property(context: ServiceContext, model: Action) -> property:
    assert model.resource is not None
    handler = ResourceHandler(model.resource.path, model.resource, context)
    needs_data = model.resource.needs_data

    def get_reference(self: Any) -> Any:
        if needs_data and self.meta.data is None and hasattr(self, "load"):
            self.load()
        return handler(self, {}, self.meta.data)

    return property(_named(get_reference, model.name, _docs.reference_doc(context.service_name, model)))


def _subresource_method(context: ServiceContext, model: Action) -> Callable[..., Any]:
    assert model.resource is not None
    resource = model.resource
    type_name = resource.type

    def create_resource(self: Any, *args: Any, **kwargs: Any) -> Any:
        cls = context.resource_class(type_name)
        positional = [value for _, value in build_identifiers(resource.identifiers, self)]
        kwargs.setdefault("client", self.meta.client)
        return cls(*positional, *args, **kwargs)

    return _named(create_resource, type_name, _docs.subresource_doc(context.service_name, model))
