"""squall._dataclass makes the same classes as the standard ``dataclass(frozen=True, slots=True)``.

Each class shape is declared twice, once per decorator, and every behaviour is compared.
"""
from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any, ClassVar, Mapping

import pytest

from squall import _dataclass


def _declare(decorate: Any, field: Any, prefix: str) -> dict[str, type]:
    @decorate(frozen=True, slots=True)
    class Plain:
        """A positional value."""

        name: str
        size: int = 0
        tags: Mapping[str, str] = field(default_factory=dict)
        note: Any = field(default=None, repr=False, compare=False)
        KIND: ClassVar[str] = "plain"

        @property
        def label(self) -> str:
            return f"{self.name}:{self.size}"

        @classmethod
        def build(cls, name: str) -> Any:
            return cls(name, 1)

    @decorate(frozen=True, slots=True, kw_only=True)
    class Keyword:
        url: str
        headers: Mapping[str, str] = field(default_factory=dict)
        body: bytes = b""

        def with_body(self, body: bytes) -> Any:
            return dataclasses.replace(self, body=body)

    @decorate(frozen=True, slots=True, repr=False)
    class OwnRepr:
        value: int

        def __repr__(self) -> str:
            return f"<{self.value}>"

    @decorate(frozen=True, slots=True, eq=False)
    class Identity:
        value: int

    @decorate(frozen=True, slots=True)
    class Child(Plain):
        extra: int = 5

    @decorate(frozen=True, slots=True)
    class Empty:
        pass

    made = {"Plain": Plain, "Keyword": Keyword, "OwnRepr": OwnRepr, "Identity": Identity, "Child": Child,
            "Empty": Empty}
    for name, cls in made.items():  # importable by name, so instances pickle
        cls.__qualname__ = cls.__name__ = f"{prefix}{name}"
        globals()[cls.__name__] = cls
    return made


STDLIB = _declare(dataclasses.dataclass, dataclasses.field, "Std")
OURS = _declare(_dataclass.dataclass, _dataclass.field, "Ours")

CASES = [
    ("Plain", ("a",), {}),
    ("Plain", ("a", 3), {"tags": {"k": "v"}, "note": "n"}),
    ("Keyword", (), {"url": "https://x", "body": b"b"}),
    ("OwnRepr", (7,), {}),
    ("Child", ("c", 2), {"extra": 9}),
    ("Empty", (), {}),
]


def _both(kind: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    return STDLIB[kind](*args, **kwargs), OURS[kind](*args, **kwargs)


@pytest.mark.parametrize(("kind", "args", "kwargs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_values_behave_as_the_standard_library_makes_them(kind: str, args: Any, kwargs: Any) -> None:
    theirs, ours = _both(kind, args, kwargs)
    assert repr(ours) == repr(theirs).replace("Std", "Ours")
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert dataclasses.is_dataclass(ours)
    assert ours == OURS[kind](*args, **kwargs)
    try:
        expected: Any = hash(theirs) == hash(STDLIB[kind](*args, **kwargs))
    except TypeError as exc:  # a dict-valued field: unhashable in both
        expected = type(exc)
    try:
        got: Any = hash(ours) == hash(OURS[kind](*args, **kwargs))
    except TypeError as exc:
        got = type(exc)
    assert got == expected
    assert ours != theirs  # another class
    assert type(ours).__match_args__ == type(theirs).__match_args__
    assert not hasattr(ours, "__dict__")
    for clone in (pickle.loads(pickle.dumps(ours)), copy.copy(ours), copy.deepcopy(ours)):
        assert clone == ours and type(clone) is type(ours)
    for name in type(theirs).__dataclass_fields__:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ours, name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(ours, name)


def test_defaults_factories_and_replace() -> None:
    first, second = OURS["Plain"]("a"), OURS["Plain"]("a")
    assert first.tags == {} and first.tags is not second.tags  # a new dict each
    assert first.KIND == "plain" and first.label == "a:0" and OURS["Plain"].build("z").size == 1
    changed = dataclasses.replace(first, size=4)
    assert (changed.name, changed.size) == ("a", 4)
    assert OURS["Plain"]("a", note=1) == OURS["Plain"]("a", note=2)  # compare=False
    keyword = OURS["Keyword"](url="u").with_body(b"x")
    assert keyword.body == b"x" and keyword.url == "u"
    assert OURS["Child"]("c").extra == 5 and OURS["Child"]("c").size == 0


def test_signatures_match() -> None:
    import inspect

    for kind in STDLIB:
        ours = inspect.signature(OURS[kind])
        theirs = inspect.signature(STDLIB[kind])
        assert [(p.name, p.kind) for p in ours.parameters.values()] == \
            [(p.name, p.kind) for p in theirs.parameters.values()]
    with pytest.raises(TypeError):
        OURS["Keyword"]("positional")
    with pytest.raises(TypeError):
        OURS["Plain"]()


def test_eq_false_keeps_identity_and_own_methods_stay() -> None:
    a, b = OURS["Identity"](1), OURS["Identity"](1)
    assert a != b and a == a and hash(a) == object.__hash__(a)
    assert repr(OURS["OwnRepr"](3)) == "<3>"


def test_only_frozen_slotted_classes() -> None:
    with pytest.raises(TypeError):
        _dataclass.dataclass(frozen=True)


def test_field_order_errors_as_the_standard_library() -> None:
    with pytest.raises(TypeError):
        @_dataclass.dataclass(frozen=True, slots=True)
        class Bad:
            a: int = 0
            b: int


def test_replace_is_the_standard_librarys() -> None:
    ours = OURS["Keyword"](url="u", headers={"a": "b"})
    for changed in (_dataclass.replace(ours, body=b"x"), dataclasses.replace(ours, body=b"x")):
        assert (changed.url, changed.headers, changed.body) == ("u", {"a": "b"}, b"x")
        assert type(changed) is type(ours)
    with pytest.raises(TypeError):
        _dataclass.replace(ours, nope=1)
    theirs = STDLIB["Keyword"](url="u")
    assert _dataclass.replace(theirs, url="v") == STDLIB["Keyword"](url="v")  # falls back to the stdlib's
    assert dataclasses.fields(OURS["Plain"])[3].compare is False  # the stdlib's view, made on request
    assert dataclasses.is_dataclass(OURS["Plain"]) and OURS["Plain"].__dataclass_fields__["tags"].default_factory is dict


def test_stdlib_field_declarations_are_accepted() -> None:
    @_dataclass.dataclass(frozen=True, slots=True)
    class Mixed:
        tags: Any = dataclasses.field(default_factory=list, compare=False)

    assert Mixed().tags == [] and Mixed([1]) == Mixed([2])


def test_no_dataclasses_import_from_import_to_first_client(tmp_path) -> None:
    """Importing dataclasses brings inspect, ast and dis (~4 ms): none of it on the path."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src"
    code = (f"import sys; sys.path.insert(0, {str(src)!r}); import squall; "
            "c = squall.session.Session(region_name='us-east-1').client('sqs'); "
            "print(json.dumps(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules)))")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_CONFIG_FILE": str(tmp_path / "c"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "cr"), "AWS_EC2_METADATA_DISABLED": "true"}
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
