"""The DynamoDB resource's automatic conversions, as boto3's DynamoDB customization.

A DynamoDB resource's client (``table.meta.client``) takes and returns plain Python
values: before a call, ``Key``/``Attr`` conditions in ``ConditionExpression``,
``FilterExpression`` and ``KeyConditionExpression`` become expression strings with
generated placeholders (merged into ``ExpressionAttributeNames``/``Values``), then every
``AttributeValue`` in the input is serialized with ``TypeSerializer``; after it, every
``AttributeValue`` in the output is deserialized. Shapes, not key names, say where
values are, so this holds for every operation, paginators and waiters included.

boto3 registers event handlers on that client; squall gives the client a subclass whose
``_make_api_call`` does the same (once per client class, shared). The caller's params are
never changed: the transformation builds new containers along the way.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping, MutableSequence
from typing import TYPE_CHECKING, Any, Callable

from ..models import Shape

if TYPE_CHECKING:
    from .conditions import ConditionExpressionBuilder
    from .types import TypeDeserializer, TypeSerializer

__all__ = [
    "ParameterTransformer", "TransformationInjector", "DynamoDBHighLevelResource",
    "register_high_level_interface", "make_high_level", "is_high_level",
]


class ParameterTransformer:
    """Apply ``transformation`` to every value whose shape is named ``target_shape``,
    returning the new structure (containers on the way are copied, not changed)."""

    def transform(self, params: Any, model: Shape, transformation: Callable[[Any], Any], target_shape: str) -> Any:
        return self._transform(model, params, transformation, target_shape)

    def _transform(self, model: Shape, value: Any, transformation: Callable[[Any], Any], target: str) -> Any:
        kind = model.type_name
        if kind == "structure":
            if not isinstance(value, Mapping):
                return value
            members = model.members
            out = {}
            for key, item in value.items():
                member = members.get(key)
                if member is None:
                    out[key] = item
                elif member.name == target:
                    out[key] = transformation(item)
                else:
                    out[key] = self._transform(member, item, transformation, target)
            return out
        if kind == "map":
            if not isinstance(value, Mapping):
                return value
            member = model.value
            if member.name == target:
                return {k: transformation(v) for k, v in value.items()}
            return {k: self._transform(member, v, transformation, target) for k, v in value.items()}
        if kind == "list":
            if not isinstance(value, MutableSequence):
                return value
            member = model.member
            if member.name == target:
                return [transformation(v) for v in value]
            return [self._transform(member, v, transformation, target) for v in value]
        return value


_helpers: tuple[Any, ...] | None = None


def _conditions_and_types() -> tuple[Any, ...]:
    """(ConditionBase, ConditionExpressionBuilder, TypeSerializer, TypeDeserializer), imported
    by the first call, not when a DynamoDB resource class is built (with decimal: ~2.5 ms)."""
    global _helpers
    if _helpers is None:
        from .conditions import ConditionBase, ConditionExpressionBuilder
        from .types import TypeDeserializer, TypeSerializer

        _helpers = (ConditionBase, ConditionExpressionBuilder, TypeSerializer, TypeDeserializer)
    return _helpers


class TransformationInjector:
    """The three conversions of one call: conditions and values in, values out."""

    def __init__(
        self, transformer: ParameterTransformer | None = None,
        condition_builder: ConditionExpressionBuilder | None = None,
        serializer: TypeSerializer | None = None, deserializer: TypeDeserializer | None = None,
    ) -> None:
        condition_base, builder_class, serializer_class, deserializer_class = _conditions_and_types()
        self._condition_base = condition_base
        self._transformer = transformer or ParameterTransformer()
        self._condition_builder = condition_builder or builder_class()
        self._serializer = serializer or serializer_class()
        self._deserializer = deserializer or deserializer_class()

    def inject_condition_expressions(self, params: Mapping[str, Any], model: Any) -> Any:
        shape = model.input_shape
        if shape is None:
            return params
        builder = self._condition_builder
        condition_base = self._condition_base
        builder.reset()
        names: dict[str, str] = {}
        values: dict[str, Any] = {}

        def condition(is_key: bool) -> Callable[[Any], Any]:
            def build(value: Any) -> Any:
                if isinstance(value, condition_base):
                    built = builder.build_expression(value, is_key_condition=is_key)
                    names.update(built.attribute_name_placeholders)
                    values.update(built.attribute_value_placeholders)
                    return built.condition_expression
                return value

            return build

        params = self._transformer.transform(params, shape, condition(False), "ConditionExpression")
        params = self._transformer.transform(params, shape, condition(True), "KeyExpression")
        params = dict(params)
        for key, generated in (("ExpressionAttributeNames", names), ("ExpressionAttributeValues", values)):
            if key in params:
                params[key] = {**params[key], **generated}
            elif generated:
                params[key] = generated
        return params

    def inject_attribute_value_input(self, params: Any, model: Any) -> Any:
        shape = model.input_shape
        if shape is None:
            return params
        return self._transformer.transform(params, shape, self._serializer.serialize, "AttributeValue")

    def inject_attribute_value_output(self, parsed: Any, model: Any) -> Any:
        shape = model.output_shape
        if shape is None:
            return parsed
        return self._transformer.transform(parsed, shape, self._deserializer.deserialize, "AttributeValue")


class _HighLevelClientMixin:
    """``_make_api_call`` with the conversions around it (the DynamoDB resource's client)."""

    _squall_high_level = True

    def _make_api_call(self, operation_name: str, api_params: Mapping[str, Any]) -> dict[str, Any]:
        # A new injector per call: its placeholder counter is per request, and threads
        # sharing the client must not share one. (The client pickles as a plain client;
        # the resource that owns it applies the conversions again.)
        injector = TransformationInjector()
        model = self.meta.service_model.operation_model(operation_name)  # type: ignore[attr-defined]
        stubber = getattr(self, "_stubber", None)
        if stubber is not None:
            _check_stubbed_params(stubber, operation_name, api_params)
        params = injector.inject_condition_expressions(api_params, model)
        params = injector.inject_attribute_value_input(params, model)
        parsed = super()._make_api_call(operation_name, params)  # type: ignore[misc]
        result: dict[str, Any] = injector.inject_attribute_value_output(parsed, model)
        return result


def _check_stubbed_params(stubber: Any, operation_name: str, api_params: Mapping[str, Any]) -> None:
    """As with boto3's Stubber on a resource's client: expected params are compared with
    what the caller passed (Python values), not with the converted request, which is
    still validated and answered by the stubber."""
    with stubber._lock:
        entry = stubber._next(operation_name)
        stubber._check_params(operation_name, entry["expected_params"], api_params)
        entry["expected_params"] = None  # checked; the stubber must not compare converted params


_high_level_classes: dict[type, type] = {}
_high_level_lock = threading.Lock()


def is_high_level(client: Any) -> bool:
    return bool(getattr(type(client), "_squall_high_level", False))


def make_high_level(client: Any) -> None:
    """Give ``client`` the conversions (boto3 registers the same on the resource's client)."""
    cls = type(client)
    if getattr(cls, "_squall_high_level", False):
        return
    found = _high_level_classes.get(cls)
    if found is None:
        with _high_level_lock:
            found = _high_level_classes.get(cls)
            if found is None:
                found = type(cls.__name__, (_HighLevelClientMixin, cls), {"__module__": cls.__module__})
                _high_level_classes[cls] = found
    client.__class__ = found


class DynamoDBHighLevelResource:
    """Base of every DynamoDB resource class: its client converts values both ways."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        make_high_level(self.meta.client)  # type: ignore[attr-defined]


def register_high_level_interface(attrs: dict[str, Any], bases: list[type]) -> None:
    bases.insert(0, DynamoDBHighLevelResource)
