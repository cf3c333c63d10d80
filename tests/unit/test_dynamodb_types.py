"""squall.dynamodb.types and .conditions against boto3's: the same typed values, the
same expressions and placeholders, the same errors."""
from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import boto3.dynamodb.conditions as b_cond
import boto3.dynamodb.types as b_types
import boto3.exceptions
import pytest

import squall.dynamodb.conditions as s_cond
import squall.dynamodb.types as s_types
from squall import exceptions

VALUES: list[Any] = [
    None, True, False, 0, -7, 2**70, Decimal("1.5"), Decimal("-0.000001"), Decimal("1E+30"), "", "text", "ünï",
    b"", b"\x00\xff", bytearray(b"ba"), {1, 2}, {Decimal("2.5")}, {"a", "b"}, {b"x", b"y"}, set(), [], (),
    [1, "a", None, [True]], ("t", 1), {"m": {"n": [1, {"deep": b"z"}]}, "e": {}},
    {"set": {"q"}, "num": 3, "list": [Decimal("0.1")]},
]


def s_binary(value: Any) -> Any:
    return s_types.Binary(value) if isinstance(value, (bytes, bytearray)) else value


def _stable_id(value: object) -> str:
    """Sets print in hash order, which differs between xdist workers: sort them."""
    if isinstance(value, (set, frozenset)):
        return f"{type(value).__name__}{sorted(repr(v) for v in value)}"[:30]
    return repr(value)[:30]


@pytest.mark.parametrize("value", VALUES, ids=[_stable_id(v) for v in VALUES])
def test_serialize_matches_boto3(value: Any) -> None:
    ours = s_types.TypeSerializer().serialize(value)
    theirs = b_types.TypeSerializer().serialize(value)
    if isinstance(value, set) and len(value) > 1:  # set order is the iteration order of each side
        key = next(iter(theirs))
        assert sorted(ours[key]) == sorted(theirs[key]) and list(ours) == list(theirs)
    else:
        assert ours == theirs


@pytest.mark.parametrize("value", VALUES, ids=[_stable_id(v) for v in VALUES])
def test_round_trip_matches_boto3(value: Any) -> None:
    wire = b_types.TypeSerializer().serialize(value)
    ours = s_types.TypeDeserializer().deserialize(wire)
    theirs = b_types.TypeDeserializer().deserialize(wire)
    assert repr(type(ours)) .replace("squall.dynamodb", "boto3.dynamodb") == repr(type(theirs))
    assert ours == theirs or str(ours) == str(theirs)


def test_random_nested_values_match_boto3() -> None:
    rng = random.Random(7)

    def make(depth: int) -> Any:
        kind = rng.choice(["n", "s", "b", "bool", "null", "l", "m", "ss", "ns"] if depth < 4 else ["n", "s", "b"])
        if kind == "n":
            return Decimal(rng.randint(-10**6, 10**6)) / Decimal(10 ** rng.randint(0, 5))
        if kind == "s":
            return "".join(rng.choice("abcé✓") for _ in range(rng.randint(0, 5)))
        if kind == "b":
            return bytes(rng.randrange(256) for _ in range(rng.randint(0, 4)))
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "null":
            return None
        if kind == "l":
            return [make(depth + 1) for _ in range(rng.randint(0, 4))]
        if kind == "ss":
            return {f"s{rng.randint(0, 9)}" for _ in range(rng.randint(1, 4))}
        if kind == "ns":
            return {rng.randint(0, 99) for _ in range(rng.randint(1, 4))}
        return {f"k{i}": make(depth + 1) for i in range(rng.randint(0, 4))}

    for _ in range(200):
        value = make(0)
        wire = b_types.TypeSerializer().serialize(value)
        assert s_types.TypeSerializer().serialize(value) == wire
        assert s_types.TypeDeserializer().deserialize(wire) == b_types.TypeDeserializer().deserialize(wire)


@pytest.mark.parametrize("value", [1.5, Decimal("Infinity"), Decimal("NaN"), 1j, Decimal("1.00000000000000000000000000000000000000001"), {1.5}, {"a", 1}])
def test_serialize_errors_match_boto3(value: Any) -> None:
    with pytest.raises(Exception) as theirs:
        b_types.TypeSerializer().serialize(value)
    with pytest.raises(type(theirs.value)) as ours:
        s_types.TypeSerializer().serialize(value)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("wire", [{}, {"X": 1}])
def test_deserialize_errors_match_boto3(wire: dict[str, Any]) -> None:
    with pytest.raises(TypeError) as theirs:
        b_types.TypeDeserializer().deserialize(wire)
    with pytest.raises(TypeError) as ours:
        s_types.TypeDeserializer().deserialize(wire)
    assert str(ours.value) == str(theirs.value)


def test_binary() -> None:
    value = s_types.Binary(b"ab")
    assert value == b"ab" and value == s_types.Binary(b"ab") and value != b"x"
    assert bytes(value) == b"ab" and repr(value) == "Binary(b'ab')"
    assert hash(value) == hash(b"ab") and {value, s_types.Binary(b"ab")} == {value}
    with pytest.raises(TypeError, match="Value must be of the following types"):
        s_types.Binary("text")  # type: ignore[arg-type]


def test_subclass_hooks_work_as_in_boto3() -> None:
    class IntDeserializer(s_types.TypeDeserializer):
        def _deserialize_n(self, value: str) -> Any:
            return int(value)

    assert IntDeserializer().deserialize({"M": {"a": {"N": "3"}, "b": {"NS": ["1"]}}}) == {"a": 3, "b": {1}}


# -- conditions ------------------------------------------------------------------------------

def conditions(mod: Any) -> list[tuple[Any, bool]]:
    Key, Attr = mod.Key, mod.Attr
    return [
        (Key("pk").eq("a"), True),
        (Key("pk").eq("a") & Key("sk").between(1, 5), True),
        (Key("pk").eq(1) & Key("sk").begins_with("x#"), True),
        (Key("pk").eq(1) & Key("sk").lt(3) & Key("sk").gte(Decimal("0.5")), True),
        (Attr("a").eq(1), False),
        (Attr("a.b[2].c").ne("x") | Attr("d[0]").gt(2), False),
        (~Attr("n").exists() & Attr("m").not_exists(), False),
        (Attr("tags").contains("red") & Attr("name").size().lte(10), False),
        (Attr("status").is_in(["a", "b", "c"]), False),
        (Attr("t").attribute_type("S") | (Attr("x").lt(1) & ~Attr("y").begins_with("z")), False),
        (Attr("a").size().between(1, 3), False),
        (Attr("weird-name").eq(b"\x00") & Attr("#hash").eq(None), False),
    ]


@pytest.mark.parametrize("index", range(len(conditions(s_cond))))
def test_expressions_match_boto3(index: int) -> None:
    ours_builder, theirs_builder = s_cond.ConditionExpressionBuilder(), b_cond.ConditionExpressionBuilder()
    ours_cond, is_key = conditions(s_cond)[index]
    theirs_cond, _ = conditions(b_cond)[index]
    for _ in range(2):  # placeholders keep counting until reset
        ours = ours_builder.build_expression(ours_cond, is_key_condition=is_key)
        theirs = theirs_builder.build_expression(theirs_cond, is_key_condition=is_key)
        assert tuple(ours) == tuple(theirs)
    ours_builder.reset()
    theirs_builder.reset()
    assert tuple(ours_builder.build_expression(ours_cond, is_key)) == tuple(
        theirs_builder.build_expression(theirs_cond, is_key))


def test_condition_equality_as_boto3() -> None:
    assert s_cond.Key("a").eq(1) == s_cond.Key("a").eq(1)
    assert s_cond.Key("a").eq(1) != s_cond.Key("a").eq(2)
    assert s_cond.Attr("a") == s_cond.Attr("a") and s_cond.Attr("a") != s_cond.Key("a")
    assert (s_cond.Attr("a").eq(1) & s_cond.Attr("b").eq(2)) == (s_cond.Attr("a").eq(1) & s_cond.Attr("b").eq(2))


def test_condition_errors_match_boto3() -> None:
    cases = [
        (lambda m: m.Attr("a").eq(1) & "x", "DynamoDBOperationNotSupportedError"),
        (lambda m: m.Attr("a").eq(1) | 3, "DynamoDBOperationNotSupportedError"),
        (lambda m: m.Attr("a") & m.Attr("b").eq(1), "DynamoDBOperationNotSupportedError"),
        (lambda m: ~m.Attr("a"), "DynamoDBOperationNotSupportedError"),
        (lambda m: m.ConditionExpressionBuilder().build_expression("a = b"), "DynamoDBNeedsConditionError"),
        (lambda m: m.ConditionExpressionBuilder().build_expression(m.Attr("a").eq(1), is_key_condition=True),
         "DynamoDBNeedsKeyConditionError"),
    ]
    for make, name in cases:
        with pytest.raises(getattr(boto3.exceptions, name)) as theirs:
            make(b_cond)
        with pytest.raises(getattr(exceptions, name)) as ours:
            make(s_cond)
        assert str(ours.value).replace("squall.dynamodb", "boto3.dynamodb") == str(theirs.value) \
            or name == "DynamoDBOperationNotSupportedError"
        assert isinstance(ours.value, exceptions.Boto3Error)
