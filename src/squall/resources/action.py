"""What resource methods do: call the client with parameters built from the resource,
then turn the answer into data or resources.

``ServiceAction`` backs actions (``bucket.delete()``), ``BatchAction`` the batch actions
of collections (one call per page), ``WaiterAction`` the ``wait_until_*`` methods.
``ResourceHandler`` builds resources from an answer (one, a list, or an empty value when
the answer names none); ``RawHandler`` returns the answer, or the part of it at ``path``.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Mapping

from .._logging import Redacted
from ..models import xform_name
from .model import Action, ResponseResource, Waiter
from .params import build_empty_response, build_identifiers, create_request_parameters, search

if TYPE_CHECKING:
    from ._factory import ServiceContext

__all__ = ["RawHandler", "ResourceHandler", "ServiceAction", "BatchAction", "WaiterAction"]

log = logging.getLogger(__name__)


class RawHandler:
    __slots__ = ("search_path",)

    def __init__(self, search_path: str | None) -> None:
        self.search_path = search_path

    def __call__(self, parent: Any, params: Mapping[str, Any], response: Any) -> Any:
        if self.search_path and self.search_path != "$":
            return search(self.search_path, response)
        return response


class ResourceHandler:
    """Resources named by an answer (``resource_model``), created with the parent's client."""

    __slots__ = ("search_path", "resource_model", "context", "operation_name")

    def __init__(
        self, search_path: str | None, resource_model: ResponseResource, context: "ServiceContext",
        operation_name: str | None = None,
    ) -> None:
        self.search_path = search_path
        self.resource_model = resource_model
        self.context = context
        self.operation_name = operation_name

    def __call__(self, parent: Any, params: Mapping[str, Any], response: Any) -> Any:
        cls = self.context.resource_class(self.resource_model.type)
        found = search(self.search_path, response) if self.search_path else None
        identifiers = build_identifiers(self.resource_model.identifiers, parent, params, response)
        client = parent.meta.client
        plural = [value for _, value in identifiers if isinstance(value, list)]
        if plural:
            # One resource per element of the (first) plural identifier; scalar
            # identifiers repeat, plural ones advance together.
            new = cls._squall_new
            keys = ["_" + name for name, _ in identifiers]
            values = [value for _, value in identifiers]
            is_list = [isinstance(v, list) for v in values]
            items = found if found else None
            result = []
            for i in range(len(plural[0])):
                fields = {k: (v[i] if many else v) for k, v, many in zip(keys, values, is_list)}
                data = items[i] if items is not None else None
                if None in fields.values():  # let the constructor raise boto3's error
                    item = cls(client=client, **{k[1:]: v for k, v in fields.items()})
                    item.meta.data = data
                    result.append(item)
                    continue
                result.append(new(client, fields, data))
            return result
        if all(value is not None for _, value in identifiers):
            return cls._squall_new(client, {"_" + name: value for name, value in identifiers}, found)
        if self.operation_name is not None:
            return build_empty_response(self.search_path, self.operation_name, self.context.service_model)
        return None


class ServiceAction:
    """``resource.<action>(**kwargs)``: the model's params, then the caller's, then the call."""

    __slots__ = ("model", "py_operation", "handler")

    def __init__(self, model: Action, context: "ServiceContext") -> None:
        assert model.request is not None
        self.model = model
        self.py_operation = xform_name(model.request.operation)
        if model.resource is not None:
            self.handler: Any = ResourceHandler(model.resource.path, model.resource, context, model.request.operation)
        else:
            self.handler = RawHandler(model.path)

    def __call__(self, parent: Any, *args: Any, **kwargs: Any) -> Any:
        assert self.model.request is not None
        params = create_request_parameters(parent, self.model.request)
        params.update(kwargs)
        client = parent.meta.client
        log.debug("Calling %s:%s with %r", parent.meta.service_name, self.py_operation,
                  Redacted.call(client, self.py_operation, params))
        response = getattr(client, self.py_operation)(*args, **params)
        log.debug("Response: %r", Redacted.call(client, self.py_operation, response, output=True))
        return self.handler(parent, params, response)


class BatchAction(ServiceAction):
    """A collection's batch action: one call per page of the collection, each with the
    parameters of every resource on the page; returns the list of answers."""

    __slots__ = ()

    def __call__(self, parent: Any, *args: Any, **kwargs: Any) -> Any:
        assert self.model.request is not None
        responses = []
        for page in parent.pages():
            params: dict[str, Any] = {}
            client = None
            for index, resource in enumerate(page):
                if client is None:
                    client = resource.meta.client
                create_request_parameters(resource, self.model.request, params=params, index=index)
            if not params or client is None:
                break
            params.update(kwargs)
            log.debug("Calling %s:%s with %r", client.meta.service_model.service_name, self.py_operation,
                      Redacted.call(client, self.py_operation, params))
            response = getattr(client, self.py_operation)(*args, **params)
            log.debug("Response: %r", Redacted.call(client, self.py_operation, response, output=True))
            responses.append(self.handler(parent, params, response))
        return responses


class WaiterAction:
    """``resource.wait_until_<state>(**kwargs)``: the client waiter with the resource's params."""

    __slots__ = ("model", "client_waiter_name")

    def __init__(self, model: Waiter) -> None:
        self.model = model
        self.client_waiter_name = xform_name(model.waiter_name)

    def __call__(self, parent: Any, *args: Any, **kwargs: Any) -> None:
        params = create_request_parameters(parent, self.model.params)
        params.update(kwargs)
        log.debug("Calling %s:%s with %r", parent.meta.service_name, self.model.name, Redacted(params))
        parent.meta.client.get_waiter(self.client_waiter_name).wait(**params)
