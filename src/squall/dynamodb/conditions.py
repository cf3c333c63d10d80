"""Condition and key expressions built from Python: ``Key('pk').eq(1) & Attr('n').gt(2)``.

``Key``/``Attr`` name attributes; their methods make conditions, which combine with
``&``, ``|`` and ``~``. ``ConditionExpressionBuilder`` turns a condition into the
expression string with generated placeholders (``#n0``, ``:v0``, numbered in the order
they appear, and counting on across the expressions of one request) plus the
``ExpressionAttributeNames``/``Values`` maps, exactly as boto3 does, so requests are
byte-for-byte the same. Attribute paths (``a.b[1].c``) get one name placeholder per part.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..exceptions import DynamoDBNeedsConditionError, DynamoDBNeedsKeyConditionError, DynamoDBOperationNotSupportedError

__all__ = [
    "ConditionBase", "AttributeBase", "ConditionAttributeBase", "ComparisonCondition", "Equals",
    "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals", "In", "Between",
    "BeginsWith", "Contains", "Size", "AttributeType", "AttributeExists", "AttributeNotExists",
    "And", "Or", "Not", "Key", "Attr", "BuiltConditionExpression", "ConditionExpressionBuilder",
]

ATTR_NAME_REGEX = re.compile(r"[^.\[\]]+(?![^\[]*\])")


class ConditionBase:
    expression_format = ""
    expression_operator = ""
    has_grouped_values = False

    def __init__(self, *values: Any) -> None:
        self._values = values

    def __and__(self, other: Any) -> "And":
        if not isinstance(other, ConditionBase):
            raise DynamoDBOperationNotSupportedError("AND", other)
        return And(self, other)

    def __or__(self, other: Any) -> "Or":
        if not isinstance(other, ConditionBase):
            raise DynamoDBOperationNotSupportedError("OR", other)
        return Or(self, other)

    def __invert__(self) -> "Not":
        return Not(self)

    def get_expression(self) -> dict[str, Any]:
        return {"format": self.expression_format, "operator": self.expression_operator, "values": self._values}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and self._values == other._values

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # compared by value, like boto3's

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self._values))})"


class AttributeBase:
    """An attribute by name (a path such as ``a.b[0]`` is allowed)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __and__(self, value: Any) -> Any:
        raise DynamoDBOperationNotSupportedError("AND", self)

    def __or__(self, value: Any) -> Any:
        raise DynamoDBOperationNotSupportedError("OR", self)

    def __invert__(self) -> Any:
        raise DynamoDBOperationNotSupportedError("NOT", self)

    def eq(self, value: Any) -> "Equals":
        """Attribute equal to ``value``."""
        return Equals(self, value)

    def lt(self, value: Any) -> "LessThan":
        """Attribute less than ``value``."""
        return LessThan(self, value)

    def lte(self, value: Any) -> "LessThanEquals":
        """Attribute less than or equal to ``value``."""
        return LessThanEquals(self, value)

    def gt(self, value: Any) -> "GreaterThan":
        """Attribute greater than ``value``."""
        return GreaterThan(self, value)

    def gte(self, value: Any) -> "GreaterThanEquals":
        """Attribute greater than or equal to ``value``."""
        return GreaterThanEquals(self, value)

    def begins_with(self, value: Any) -> "BeginsWith":
        """Attribute starting with ``value``."""
        return BeginsWith(self, value)

    def between(self, low_value: Any, high_value: Any) -> "Between":
        """Attribute between ``low_value`` and ``high_value``, inclusive."""
        return Between(self, low_value, high_value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and self.name == other.name

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class ConditionAttributeBase(ConditionBase, AttributeBase):
    """A condition that is also an attribute (``Attr('x').size()`` can be compared)."""

    def __init__(self, *values: Any) -> None:
        ConditionBase.__init__(self, *values)
        AttributeBase.__init__(self, values[0].name)

    def __eq__(self, other: object) -> bool:
        return ConditionBase.__eq__(self, other) and AttributeBase.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None


class ComparisonCondition(ConditionBase):
    expression_format = "{0} {operator} {1}"


class Equals(ComparisonCondition):
    expression_operator = "="


class NotEquals(ComparisonCondition):
    expression_operator = "<>"


class LessThan(ComparisonCondition):
    expression_operator = "<"


class LessThanEquals(ComparisonCondition):
    expression_operator = "<="


class GreaterThan(ComparisonCondition):
    expression_operator = ">"


class GreaterThanEquals(ComparisonCondition):
    expression_operator = ">="


class In(ComparisonCondition):
    expression_operator = "IN"
    has_grouped_values = True


class Between(ConditionBase):
    expression_operator = "BETWEEN"
    expression_format = "{0} {operator} {1} AND {2}"


class _FunctionOfValue(ConditionBase):
    expression_format = "{operator}({0}, {1})"


class _FunctionOfAttribute(ConditionBase):
    expression_format = "{operator}({0})"


class _Connective(ConditionBase):
    expression_format = "({0} {operator} {1})"


class BeginsWith(_FunctionOfValue):
    expression_operator = "begins_with"


class Contains(_FunctionOfValue):
    expression_operator = "contains"


class AttributeType(_FunctionOfValue):
    expression_operator = "attribute_type"


class Size(ConditionAttributeBase):
    expression_operator = "size"
    expression_format = _FunctionOfAttribute.expression_format


class AttributeExists(_FunctionOfAttribute):
    expression_operator = "attribute_exists"


class AttributeNotExists(_FunctionOfAttribute):
    expression_operator = "attribute_not_exists"


class And(_Connective):
    expression_operator = "AND"


class Or(_Connective):
    expression_operator = "OR"


class Not(ConditionBase):
    expression_operator = "NOT"
    expression_format = "({operator} {0})"


class Key(AttributeBase):
    """A key attribute, for ``KeyConditionExpression``."""


class Attr(AttributeBase):
    """Any attribute, for ``ConditionExpression`` and ``FilterExpression``."""

    def ne(self, value: Any) -> NotEquals:
        """Attribute not equal to ``value``."""
        return NotEquals(self, value)

    def is_in(self, value: Any) -> In:
        """Attribute equal to one of ``value`` (a list)."""
        return In(self, value)

    def exists(self) -> AttributeExists:
        """The attribute exists."""
        return AttributeExists(self)

    def not_exists(self) -> AttributeNotExists:
        """The attribute does not exist."""
        return AttributeNotExists(self)

    def contains(self, value: Any) -> Contains:
        """A string attribute containing ``value``, or a set/list with ``value`` as a member."""
        return Contains(self, value)

    def size(self) -> Size:
        """The attribute's size (comparable: ``Attr('x').size().gt(3)``)."""
        return Size(self)

    def attribute_type(self, value: str) -> AttributeType:
        """The attribute is of DynamoDB type ``value`` (``'S'``, ``'N'``, ``'M'`` ...)."""
        return AttributeType(self, value)


class BuiltConditionExpression(NamedTuple):
    condition_expression: str
    attribute_name_placeholders: dict[str, str]
    attribute_value_placeholders: dict[str, Any]


class ConditionExpressionBuilder:
    """Builds expressions with placeholders numbered on from the last ``reset()``."""

    def __init__(self) -> None:
        self._name_count = 0
        self._value_count = 0
        self._name_placeholder = "n"
        self._value_placeholder = "v"

    def _get_name_placeholder(self) -> str:
        return f"#{self._name_placeholder}{self._name_count}"

    def _get_value_placeholder(self) -> str:
        return f":{self._value_placeholder}{self._value_count}"

    def reset(self) -> None:
        """Start numbering placeholders from 0 again."""
        self._name_count = 0
        self._value_count = 0

    def build_expression(self, condition: ConditionBase, is_key_condition: bool = False) -> BuiltConditionExpression:
        """The expression string and its placeholder maps; a key condition accepts only
        ``Key`` attributes."""
        if not isinstance(condition, ConditionBase):
            raise DynamoDBNeedsConditionError(condition)
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        expression = self._build_expression(condition, names, values, is_key_condition)
        return BuiltConditionExpression(expression, names, values)

    def _build_expression(
        self, condition: ConditionBase, names: dict[str, str], values: dict[str, Any], is_key_condition: bool,
    ) -> str:
        expression = condition.get_expression()
        replaced = [
            self._build_expression_component(v, names, values, condition.has_grouped_values, is_key_condition)
            for v in expression["values"]
        ]
        return str(expression["format"]).format(*replaced, operator=expression["operator"])

    def _build_expression_component(
        self, value: Any, names: dict[str, str], values: dict[str, Any], has_grouped_values: bool,
        is_key_condition: bool,
    ) -> str:
        if isinstance(value, ConditionBase):
            return self._build_expression(value, names, values, is_key_condition)
        if isinstance(value, AttributeBase):
            if is_key_condition and not isinstance(value, Key):
                raise DynamoDBNeedsKeyConditionError(
                    f"Attribute object {value.name} is of type {type(value)}. "
                    "KeyConditionExpression only supports Attribute objects of type Key"
                )
            return self._build_name_placeholder(value, names)
        return self._build_value_placeholder(value, values, has_grouped_values)

    def _build_name_placeholder(self, value: AttributeBase, names: dict[str, str]) -> str:
        parts = ATTR_NAME_REGEX.findall(value.name)
        placeholder_format = ATTR_NAME_REGEX.sub("%s", value.name)
        placeholders = []
        for part in parts:
            placeholder = self._get_name_placeholder()
            self._name_count += 1
            placeholders.append(placeholder)
            names[placeholder] = part
        return placeholder_format % tuple(placeholders)

    def _build_value_placeholder(self, value: Any, values: dict[str, Any], has_grouped_values: bool = False) -> str:
        if has_grouped_values:
            placeholders = []
            for v in value:
                placeholder = self._get_value_placeholder()
                self._value_count += 1
                placeholders.append(placeholder)
                values[placeholder] = v
            return f"({', '.join(placeholders)})"
        placeholder = self._get_value_placeholder()
        self._value_count += 1
        values[placeholder] = value
        return placeholder
