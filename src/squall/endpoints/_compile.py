"""Compile a rule set's JSON into nested closures, once.

Evaluation state is one flat list per call (the *scope*): parameters first, then one
slot per assigned variable name, then the Partitions object. Variable binding is
resolved here, lexically: a rule sees its ancestors' and its own earlier assignments,
exactly what copying the scope per rule would give, without copying anything at run
time. A reference to a name that is not bound where it appears compiles to None.

A compiled rule maps a scope to an Endpoint, a RuleError, or None (no match, so the
next rule is tried; like botocore, a tree whose children all miss falls through too).
"""
from __future__ import annotations

import re
from .._dataclass import dataclass  # the stdlib's, cheaper to define
from operator import itemgetter
from typing import Any, Callable, Mapping, Sequence

from ..exceptions import EndpointResolutionError
from . import _stdlib as lib
from ._values import Endpoint, FrozenDict, FrozenList, freeze

__all__ = ["RuleError", "CompiledRules", "compile_rules"]

Scope = list[Any]
Expr = Callable[[Scope], Any]
Test = Callable[[Scope], bool]
Rule = Callable[[Scope], "Endpoint | RuleError | None"]


@dataclass(frozen=True, slots=True)
class RuleError:
    """An error rule matched; ``message`` is its text (memoisable, unlike an exception)."""

    message: str


@dataclass(frozen=True, slots=True)
class CompiledRules:
    evaluate: Rule
    size: int  # scope length
    partitions_slot: int


def _const(value: Any) -> Expr:
    return lambda s: value


def _fail(message: str) -> Expr:
    def fail(s: Scope) -> Any:
        raise EndpointResolutionError(msg=message)

    return fail


def _truthy(value: Any) -> bool:
    # Conditions fail on None and False only: "" or 0 still count as a match.
    return value is not None and value is not False


# Functions whose result is always a bool, so a condition can use them unwrapped.
_BOOLEAN_FNS = frozenset(
    {"isSet", "not", "booleanEquals", "stringEquals", "isValidHostLabel",
     "aws.isVirtualHostableS3Bucket"}
)

# Plain (eagerly evaluated) functions: name -> (implementation, arity).
_SIMPLE_FNS: dict[str, tuple[Callable[..., Any], int]] = {
    "isSet": (lib.is_set, 1),
    "not": (lib.not_, 1),
    "booleanEquals": (lib.boolean_equals, 2),
    "stringEquals": (lib.string_equals, 2),
    "substring": (lib.substring, 4),
    "uriEncode": (lib.uri_encode, 1),
    "parseURL": (lib.parse_url, 1),
    "isValidHostLabel": (lib.is_valid_host_label, 2),
    "aws.parseArn": (lib.parse_arn, 1),
    "aws.isVirtualHostableS3Bucket": (lib.is_virtual_hostable_s3_bucket, 2),
    "split": (lib.split, 3),
}

_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class _Compiler:
    def __init__(self, parameter_names: Sequence[str]) -> None:
        self.slots: dict[str, int] = {name: i for i, name in enumerate(parameter_names)}

    def slot(self, name: str) -> int:
        index = self.slots.get(name)
        if index is None:
            index = self.slots[name] = len(self.slots)
        return index

    # -- expressions ------------------------------------------------------------

    def expr(self, node: Any, bound: frozenset[str]) -> Expr:
        if isinstance(node, str):
            return self.template(node, bound)
        if isinstance(node, dict):
            if "fn" in node:
                return self.call(node, bound)
            if "ref" in node:
                return self.ref(node["ref"], bound)
            return _const(freeze(node))
        if isinstance(node, list):
            items = [self.expr(item, bound) for item in node]
            return lambda s: FrozenList([item(s) for item in items])
        return _const(node)

    def ref(self, name: str, bound: frozenset[str]) -> Expr:
        if name not in bound:
            return _const(None)
        return itemgetter(self.slots[name])

    def bound_slot(self, node: Any, bound: frozenset[str]) -> int | None:
        """The scope index when ``node`` is a reference to a bound name."""
        if isinstance(node, dict) and "ref" in node and node["ref"] in bound:
            return self.slots[node["ref"]]
        return None

    def getter(self, name: str, path: str, bound: frozenset[str]) -> Expr:
        """``{name#path}`` and ``getAttr(ref, "path")``."""
        base = self.ref(name, bound)
        return _path_getter(base, lib.parse_path(path)) if path else base

    def template(self, text: str, bound: frozenset[str]) -> Expr:
        """``"https://{Region}.{PartitionResult#dnsSuffix}"`` -> str.format over getters."""
        if "{" not in text and "}" not in text:
            return _const(text)
        pieces: list[str] = []
        getters: list[Expr] = []
        pos = 0
        for match in _TEMPLATE_TOKEN.finditer(text):
            pieces.append(text[pos:match.start()].replace("{", "{{").replace("}", "}}"))
            token = match.group(0)
            if token in ("{{", "}}", "{", "}"):  # escapes; a lone brace stays literal
                pieces.append(token[0] * 2)
            else:
                name, _, path = match.group(1).partition("#")
                pieces.append("{}")
                getters.append(self.getter(name, path, bound))
            pos = match.end()
        pieces.append(text[pos:].replace("{", "{{").replace("}", "}}"))
        fmt = "".join(pieces)
        if not getters:
            return _const(fmt.format())
        if len(getters) == 1:
            (only,) = getters
            return lambda s: fmt.format(only(s))
        return lambda s: fmt.format(*[g(s) for g in getters])

    def call(self, node: Mapping[str, Any], bound: frozenset[str]) -> Expr:
        name = node["fn"]
        argv = node.get("argv", [])
        special = getattr(self, "fn_" + name.replace(".", "_"), None)
        if special is not None:
            result: Expr | None = special(argv, bound)
            if result is not None:
                return result
        if name not in _SIMPLE_FNS:
            # Unknown functions fail only if reached, so one new function in a rarely
            # taken branch does not take down the whole service.
            return _fail(f"Unknown function {name!r} in the endpoint rule set")
        fn, arity = _SIMPLE_FNS[name]
        if len(argv) != arity:
            raise EndpointResolutionError(
                msg=f"{name} takes {arity} arguments, got {len(argv)}: {argv!r}"
            )
        args = [self.expr(arg, bound) for arg in argv]
        if arity == 1:
            (a,) = args
            return lambda s: fn(a(s))
        if arity == 2:
            a, b = args
            return lambda s: fn(a(s), b(s))
        return lambda s: fn(*[arg(s) for arg in args])

    # Specialisations of the hottest shapes; returning None falls back to the generic call.

    def fn_isSet(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        if len(argv) == 1:
            index = self.bound_slot(argv[0], bound)
            if index is not None:
                return lambda s: s[index] is not None
            value = self.expr(argv[0], bound)
            return lambda s: value(s) is not None
        return None

    def fn_booleanEquals(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        if len(argv) != 2:
            return None
        left, right = argv
        if isinstance(left, bool) and not isinstance(right, bool):
            left, right = right, left
        if not isinstance(right, bool):
            return None
        expected = right
        index = self.bound_slot(left, bound)
        if index is not None:  # the common booleanEquals({"ref": "UseFIPS"}, true)

            def ref_equals(s: Scope) -> bool:
                got = s[index]
                if got.__class__ is bool:
                    return got is expected
                return lib.boolean_equals(got, expected)  # raises the type error

            return ref_equals
        value = self.expr(left, bound)

        def boolean_equals(s: Scope) -> bool:
            got = value(s)
            if got.__class__ is bool:
                return got is expected
            return lib.boolean_equals(got, expected)

        return boolean_equals

    def fn_stringEquals(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        if len(argv) != 2:
            return None
        left, right = argv
        if _is_literal(left) and not _is_literal(right):
            left, right = right, left
        if not _is_literal(right):
            return None
        value = self.expr(left, bound)
        expected = right

        def string_equals(s: Scope) -> bool:
            got = value(s)
            if got.__class__ is str:
                return bool(got == expected)
            return lib.string_equals(got, expected)

        return string_equals

    def fn_getAttr(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        if len(argv) != 2:
            raise EndpointResolutionError(msg=f"getAttr takes 2 arguments, got {argv!r}")
        target, path = argv
        if not isinstance(path, str):
            path_expr = self.expr(path, bound)
            value = self.expr(target, bound)
            return lambda s: lib.get_path(value(s), lib.parse_path(path_expr(s)))
        return _path_getter(self.expr(target, bound), lib.parse_path(path))

    def fn_aws_partition(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        if len(argv) != 1:
            raise EndpointResolutionError(msg=f"aws.partition takes 1 argument, got {argv!r}")
        region = self.expr(argv[0], bound)
        return lambda s: s[-1].lookup(region(s))  # the Partitions object is the last slot

    def fn_coalesce(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        args = [self.expr(arg, bound) for arg in argv]

        def coalesce(s: Scope) -> Any:
            value = None
            for arg in args:  # lazily: later arguments only if earlier ones are unset
                value = arg(s)
                if value is not None:
                    return value
            return value

        return coalesce

    def fn_ite(self, argv: list[Any], bound: frozenset[str]) -> Expr | None:
        if len(argv) != 3:
            raise EndpointResolutionError(msg=f"ite takes 3 arguments, got {argv!r}")
        cond, if_true, if_false = (self.expr(arg, bound) for arg in argv)

        def ite(s: Scope) -> Any:
            flag = cond(s)
            if flag is True:
                return if_true(s)
            if flag is False:
                return if_false(s)
            raise EndpointResolutionError(
                msg=f"ite: the condition must be a boolean, not {type(flag).__name__}."
            )

        return ite

    # -- conditions and rules ---------------------------------------------------

    def condition(self, node: Mapping[str, Any], bound: frozenset[str]) -> tuple[Test, frozenset[str]]:
        value = self.expr(node, bound)
        assign = node.get("assign")
        if assign is None:
            if node.get("fn") in _BOOLEAN_FNS:
                return value, bound
            return lambda s: _truthy(value(s)), bound
        if assign in bound:
            # botocore refuses to shadow a variable; so do we, when the rule is reached.
            return _fail(
                f"Assignment {assign} already exists in scoped variables and cannot be "
                "overwritten"
            ), bound
        index = self.slot(assign)

        def assign_test(s: Scope) -> bool:
            result = s[index] = value(s)
            return result is not None and result is not False

        return assign_test, bound | {assign}

    def rule(self, node: Mapping[str, Any], bound: frozenset[str]) -> Rule:
        tests: list[Test] = []
        for condition in node.get("conditions", ()):
            test, bound = self.condition(condition, bound)
            tests.append(test)
        kind = node.get("type")
        if kind == "endpoint":
            body = self.endpoint(node["endpoint"], bound)
        elif kind == "error":
            message = self.expr(node["error"], bound)
            body = lambda s: RuleError(message(s))  # noqa: E731
        elif kind == "tree":
            body = _compiled_on_first_use(lambda: self.rules(node["rules"], bound))
        else:
            raise EndpointResolutionError(
                msg=f"Unknown rule type: {kind}. A rule must be of type tree, endpoint or error."
            )
        return _guard(tests, body)

    def rules(self, nodes: Sequence[Mapping[str, Any]], bound: frozenset[str]) -> Rule:
        children = tuple(self.rule(node, bound) for node in nodes)

        def first_match(s: Scope) -> Endpoint | RuleError | None:
            for child in children:
                result = child(s)
                if result is not None:
                    return result
            return None

        return first_match

    def endpoint(self, node: Mapping[str, Any], bound: frozenset[str]) -> Rule:
        url = self.expr(node["url"], bound)
        properties = self.properties(node.get("properties") or {}, bound)
        header_exprs = [
            (name, [self.expr(value, bound) for value in values])
            for name, values in (node.get("headers") or {}).items()
        ]
        if not header_exprs:
            empty = FrozenDict()
            return lambda s: Endpoint(url=url(s), properties=properties(s), headers=empty)

        def build(s: Scope) -> Endpoint:
            headers = FrozenDict(
                {name: FrozenList([v(s) for v in values]) for name, values in header_exprs}
            )
            return Endpoint(url=url(s), properties=properties(s), headers=headers)

        return build

    def properties(self, node: Any, bound: frozenset[str]) -> Expr:
        """Properties are literal JSON whose strings may be templates (as in botocore)."""
        if not _has_template(node):
            return _const(freeze(node))
        if isinstance(node, dict):
            items = [(key, self.properties(value, bound)) for key, value in node.items()]
            return lambda s: FrozenDict({key: value(s) for key, value in items})
        if isinstance(node, list):
            elements = [self.properties(value, bound) for value in node]
            return lambda s: FrozenList([value(s) for value in elements])
        return self.template(node, bound)


def _is_literal(node: Any) -> bool:
    return isinstance(node, str) and "{" not in node and "}" not in node


def _has_template(node: Any) -> bool:
    if isinstance(node, str):
        return "{" in node or "}" in node
    if isinstance(node, dict):
        return any(_has_template(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_template(v) for v in node)
    return False


def _path_getter(base: Expr, steps: tuple[tuple[int, Any], ...]) -> Expr:
    if len(steps) == 1 and steps[0][0] == lib.KEY:
        key = steps[0][1]

        def get_key(s: Scope) -> Any:
            value = base(s)
            try:
                return value.get(key)
            except AttributeError:  # not a mapping (None, a string, a list)
                return None

        return get_key
    return lambda s: lib.get_path(base(s), steps)


def _compiled_on_first_use(compile_body: Callable[[], Rule]) -> Rule:
    """A sub-tree compiled when a resolution first reaches it: a client compiles only the
    branches its calls take (S3's rule set is ~10 ms to compile whole, most of it for
    cases one client never meets). Slots are allocated up front (``_allocate_slots``), so
    a scope made before a branch compiled is still large enough."""
    compiled: Rule | None = None

    def run(s: Scope) -> Endpoint | RuleError | None:
        nonlocal compiled
        if compiled is None:
            compiled = compile_body()  # two threads may both compile: same closures, no harm
        return compiled(s)

    return run


def _allocate_slots(compiler: _Compiler, rules: Sequence[Mapping[str, Any]]) -> None:
    """Give every assigned name its scope slot now, and refuse unknown rule types, as a
    whole compile would (a lazily compiled branch only adds closures)."""
    pending = list(rules)
    while pending:
        node = pending.pop()
        for condition in node.get("conditions", ()):
            assign = condition.get("assign")
            if assign is not None:
                compiler.slot(assign)
        kind = node.get("type")
        if kind == "tree":
            pending.extend(node["rules"])
        elif kind not in ("endpoint", "error"):
            raise EndpointResolutionError(
                msg=f"Unknown rule type: {kind}. A rule must be of type tree, endpoint or error."
            )


def _guard(tests: list[Test], body: Rule) -> Rule:
    """``body`` if every test passes (tests run in order: later ones may read assignments)."""
    if not tests:
        return body
    if len(tests) == 1:
        (t0,) = tests
        return lambda s: body(s) if t0(s) else None
    if len(tests) == 2:
        t0, t1 = tests
        return lambda s: body(s) if t0(s) and t1(s) else None
    if len(tests) == 3:
        t0, t1, t2 = tests
        return lambda s: body(s) if t0(s) and t1(s) and t2(s) else None
    all_tests = tuple(tests)

    def guarded(s: Scope) -> Endpoint | RuleError | None:
        for test in all_tests:
            if not test(s):
                return None
        return body(s)

    return guarded


def compile_rules(parameter_names: Sequence[str], rules: Sequence[Mapping[str, Any]]) -> CompiledRules:
    """Compile ``rules``; the scope is ``[*parameters, *assigned, partitions]``."""
    compiler = _Compiler(parameter_names)
    _allocate_slots(compiler, rules)
    evaluate = compiler.rules(rules, frozenset(parameter_names))
    size = len(compiler.slots) + 1
    return CompiledRules(evaluate=evaluate, size=size, partitions_slot=size - 1)
