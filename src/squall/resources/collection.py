"""Collections: ``bucket.objects.all()``, ``.filter(...)``, ``.limit(n)``, ``.page_size(n)``,
``.pages()`` and batch actions such as ``bucket.objects.filter(Prefix='x/').delete()``.

A collection is lazy: nothing is called until it is iterated, and each iteration calls
the service again. Chaining returns a new collection and never changes the one it was
called on. Paginated operations go through the client's paginator (``limit`` becomes
``MaxItems``, ``page_size`` ``PageSize``); others are called once.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Iterator, Mapping

from ..models import xform_name
from .action import BatchAction, ResourceHandler
from .model import Collection
from .params import create_request_parameters
from .._logging import Redacted

__all__ = ["ResourceCollection", "CollectionManager", "merge_dicts", "collection_classes"]

log = logging.getLogger(__name__)


def merge_dicts(into: dict[str, Any], extra: Mapping[str, Any], append_lists: bool = False) -> None:
    """botocore's ``merge_dicts``: nested dicts merge, lists extend when ``append_lists``."""
    for key, value in extra.items():
        if isinstance(value, dict):
            if key in into:
                merge_dicts(into[key], value)
            else:
                into[key] = value
        elif isinstance(value, list) and append_lists and isinstance(into.get(key), list):
            into[key].extend(value)
        else:
            into[key] = value


class ResourceCollection:
    """An iterable of resources, with the parameters chained onto it so far."""

    _model: Collection
    _parent: Any
    _handler: ResourceHandler
    _params: dict[str, Any]

    def __init__(self, model: Collection, parent: Any, handler: ResourceHandler, **kwargs: Any) -> None:
        self._model = model
        self._parent = parent
        self._py_operation_name = xform_name(model.request.operation)
        self._handler = handler
        self._params = copy.deepcopy(kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._parent}, {self._parent.meta.service_name}.{self._model.resource.type})"

    def __iter__(self) -> Iterator[Any]:
        limit = self._params.get("limit")
        count = 0
        for page in self.pages():
            for item in page:
                yield item
                count += 1
                if limit is not None and count >= limit:
                    return

    def _clone(self, **kwargs: Any) -> "ResourceCollection":
        params = copy.deepcopy(self._params)
        merge_dicts(params, kwargs, append_lists=True)
        return type(self)(self._model, self._parent, self._handler, **params)

    def pages(self) -> Iterator[list[Any]]:
        """Lists of resources, one per page the service returns (one page for operations
        that do not paginate); ``limit`` stops after that many resources in total."""
        client = self._parent.meta.client
        cleaned = dict(self._params)
        limit = cleaned.pop("limit", None)
        page_size = cleaned.pop("page_size", None)
        params = create_request_parameters(self._parent, self._model.request)
        merge_dicts(params, cleaned, append_lists=True)
        name = self._py_operation_name
        pages: Any
        if client.can_paginate(name):
            log.debug("Calling paginated %s:%s with %r", self._parent.meta.service_name, name,
                      Redacted.call(client, name, params))
            pages = client.get_paginator(name).paginate(
                PaginationConfig={"MaxItems": limit, "PageSize": page_size}, **params)
        else:
            log.debug("Calling %s:%s with %r", self._parent.meta.service_name, name, Redacted.call(client, name, params))
            pages = [getattr(client, name)(**params)]
        count = 0
        for page in pages:
            items = []
            for item in self._handler(self._parent, params, page):
                items.append(item)
                count += 1
                if limit is not None and count >= limit:
                    break
            yield items
            if limit is not None and count >= limit:
                break

    def all(self) -> "ResourceCollection":
        """Every resource of the collection (a new, lazy collection)."""
        return self._clone()

    def filter(self, **kwargs: Any) -> "ResourceCollection":
        """Resources matching ``kwargs``, passed to the operation (a new, lazy collection)."""
        return self._clone(**kwargs)

    def limit(self, count: int) -> "ResourceCollection":
        """At most ``count`` resources (a new, lazy collection)."""
        return self._clone(limit=count)

    def page_size(self, count: int) -> "ResourceCollection":
        """Fetch ``count`` resources per call (a new, lazy collection)."""
        return self._clone(page_size=count)


class CollectionManager:
    """``resource.<collection>``: not iterable itself; ``all()``, ``filter()``, ``limit()``,
    ``page_size()`` and ``pages()`` start a collection."""

    _collection_cls: type[ResourceCollection] = ResourceCollection

    def __init__(self, model: Collection, parent: Any, handler: ResourceHandler) -> None:
        self._model = model
        self._parent = parent
        self._handler = handler

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._parent}, {self._parent.meta.service_name}.{self._model.resource.type})"

    def iterator(self, **kwargs: Any) -> ResourceCollection:
        return self._collection_cls(self._model, self._parent, self._handler, **kwargs)

    def all(self) -> ResourceCollection:
        """Every resource of the collection (a lazy collection)."""
        return self.iterator()

    def filter(self, **kwargs: Any) -> ResourceCollection:
        """Resources matching ``kwargs``, passed to the operation (a lazy collection)."""
        return self.iterator(**kwargs)

    def limit(self, count: int) -> ResourceCollection:
        """At most ``count`` resources (a lazy collection)."""
        return self.iterator(limit=count)

    def page_size(self, count: int) -> ResourceCollection:
        """Fetch ``count`` resources per call (a lazy collection)."""
        return self.iterator(page_size=count)

    def pages(self) -> Iterator[list[Any]]:
        """Lists of resources, one per page."""
        return self.iterator().pages()


def _batch_method(action: BatchAction, doc: str) -> Any:
    def batch_action(self: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self, CollectionManager):
            self = self.iterator()
        return action(self, *args, **kwargs)

    batch_action.__name__ = action.model.name
    batch_action.__qualname__ = action.model.name
    batch_action.__doc__ = doc
    return batch_action


def collection_classes(
    model: Collection, owner_name: str, context: Any, docs: Mapping[str, str],
) -> type[CollectionManager]:
    """The manager class for one collection of one resource class (named as boto3's,
    e.g. ``s3.Bucket.objectsCollectionManager``); batch actions on both classes."""
    service = context.service_name
    if owner_name == service:
        name = f"{service}.{model.name}Collection"
    else:
        name = f"{service}.{owner_name}.{model.name}Collection"
    attrs: dict[str, Any] = {"__module__": "squall.resources.factory", "__doc__": docs.get("__doc__")}
    for batch in model.batch_actions:
        attrs[batch.name] = _batch_method(BatchAction(batch, context), docs.get(batch.name, ""))
    collection_cls = type(name, (ResourceCollection,), attrs)
    manager_attrs = dict(attrs)
    manager_attrs["_collection_cls"] = collection_cls
    return type(name + "Manager", (CollectionManager,), manager_attrs)
