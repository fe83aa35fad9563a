"""Compile a checked rule set's requirements into one durable_rules ruleset (its JSON format).

Each case is asserted as ONE flat fact holding only what the requirements read:
``{"t": "case", "_zero": 0, <case fields>, <lookup rows>, params: {...}, derived: {...}}``.
Every condition is then a single-fact condition (no joins), and derived values, computed
before the fact is asserted, are plain fields of it.

A requirement ``R`` compiles to the productions that record the exceptions:

- ``R|not_met``: ``when`` holds and ``require`` does not;
- ``R|not_applicable``: ``when`` does not hold (only for rules with a ``when``).

A requirement that applies and for which neither fires is met. Firing only on exceptions
keeps the number of actions per case small: each firing costs a round trip through
durable_rules' action machinery, and most rules hold for most cases.

durable_rules has no ``not``: negation is pushed down to the comparisons (De Morgan, and
each comparison replaced by its complement). Its left-hand sides must be fields, so a
comparison of two computed sides ``L op R`` is rewritten as ``_zero op' (L - R)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from capcoe_rules.engine.interpreter import compare
from capcoe_rules.language.expressions import (
    Arithmetic,
    Compare,
    ComparisonOp,
    Const,
    ListOf,
    Logic,
    Member,
    Negate,
    Node,
    Not,
    Ref,
)
from capcoe_rules.language.ruleset import CaseRules, Rule
from capcoe_rules.language.types import Type

Json = Any
Exception_ = Literal["not_met", "not_applicable"]
CASE_TAG = {"t": "case"}
TRUE: Json = {"_zero": 0}
FALSE: Json = {"_zero": 1}

COMPLEMENT: dict[ComparisonOp, ComparisonOp] = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
}
MIRROR: dict[ComparisonOp, ComparisonOp] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    ">": "<",
    "<=": ">=",
    ">=": "<=",
}
OPERATOR = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
ARITHMETIC = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}

Converter = Callable[[Any], Json]
Projection = dict[str, "Projection | Converter"]
"""The paths a fact must carry: a tree whose leaves turn an engine value into JSON."""


@dataclass(frozen=True)
class Production:
    rule: Rule
    outcome: Exception_

    @property
    def action(self) -> str:
        return f"{self.rule.id}|{self.outcome}"


@dataclass(frozen=True)
class CompiledRequirements:
    definition: dict[str, Json]
    """durable_rules ruleset definition: production name -> {"all": [...]}."""
    productions: dict[str, Production]
    projection: Projection


def compile_requirements(case_rules: CaseRules) -> CompiledRequirements:
    productions: dict[str, Production] = {}
    definition: dict[str, Json] = {}
    projection: Projection = {}
    for rule in case_rules.rules:
        if rule.require is None:
            continue
        for ref in rule.reads:
            _add_path(projection, ref.path, _converter(ref.type))
        for production, condition_json in _productions(rule):
            productions[production.action] = production
            definition[production.action] = {"all": [{"m": {"$and": [CASE_TAG, condition_json]}}]}
    return CompiledRequirements(definition, productions, projection)


def _add_path(projection: Projection, path: tuple[str, ...], leaf: Converter) -> None:
    node = projection
    for part in path[:-1]:
        child = node.setdefault(part, {})
        assert isinstance(child, dict), path  # rules read typed leaves, never whole groups
        node = child
    node[path[-1]] = leaf


def _converter(type_: Type) -> Converter:
    """How a value of ``type_`` enters a fact: most as they are (money is integer cents,
    dates are ISO text), decimals as doubles, lists ended by :data:`LIST_END`."""
    if type_.base == "number":
        return json_value
    if type_.base == "list":
        assert type_.item is not None
        item = _converter(type_.item)
        return lambda value: [*map(item, value), LIST_END]
    return _as_is


def _as_is(value: Any) -> Json:
    return value


LIST_END = "\u0000capcoe:end"
"""Appended to every list in a fact. durable_rules 2.0.28's ``$iall`` never matches an
empty array, so ``x not in []`` would never hold; with this element, which equals no real
value, every list is non-empty and ``$iany``/``$iall`` keep their meaning."""


def project(data: dict[str, Any], projection: Projection) -> dict[str, Any]:
    """The JSON-ready fact: only the projected paths of ``data``."""
    return {
        key: project(data[key], inner) if isinstance(inner, dict) else inner(data[key])
        for key, inner in projection.items()
    }


def _productions(rule: Rule) -> list[tuple[Production, Json]]:
    assert rule.require is not None
    if rule.when is None:
        return [(Production(rule, "not_met"), condition(rule.require, negate=True))]
    return [
        (
            Production(rule, "not_met"),
            {"$and": [condition(rule.when), condition(rule.require, negate=True)]},
        ),
        (Production(rule, "not_applicable"), condition(rule.when, negate=True)),
    ]


def condition(node: Node, negate: bool = False) -> Json:
    """A boolean expression as a durable_rules condition on the case fact."""
    match node:
        case Const(value=bool(value)):
            return TRUE if value != negate else FALSE
        case Ref(path=path):
            return {_field(path): not negate}
        case Not(operand=operand):
            return condition(operand, not negate)
        case Logic(op=op, operands=operands):
            parts = [condition(operand, negate) for operand in operands]
            conjunction = (op == "and") != negate
            return {"$and" if conjunction else "$or": parts}
        case Compare(op=op, left=left, right=right):
            return _comparison(COMPLEMENT[op] if negate else op, left, right)
        case Member(item=item, container=container, negated=negated):
            return _membership(item, container, negated != negate)
    raise TypeError(f"{type(node).__name__} cannot be a condition")


def _comparison(op: ComparisonOp, left: Node, right: Node) -> Json:
    if isinstance(left, Const) and isinstance(right, Const):
        return TRUE if compare(op, left.value, right.value) else FALSE
    if not isinstance(left, Ref) and isinstance(right, Ref):
        op, left, right = MIRROR[op], right, left
    if isinstance(left, Ref):
        return _test(op, _field(left.path), _term(right))
    # Neither side is a field: compare their difference with the fact's constant zero.
    difference = {"$sub": {"$l": _term(left), "$r": _term(right)}}
    return _test(MIRROR[op], "_zero", difference)


def _test(op: ComparisonOp, field: str, term: Json) -> Json:
    if op == "==":
        return {field: term}
    return {OPERATOR[op]: {field: term}}


def _membership(item: Node, container: Node, negated: bool) -> Json:
    if isinstance(container, ListOf):
        op: ComparisonOp = "!=" if negated else "=="
        tests = [_comparison(op, item, element) for element in container.items]
        if not tests:
            return TRUE if negated else FALSE
        return {"$and" if negated else "$or": tests}
    assert isinstance(container, Ref)
    if negated:
        return {"$iall": {_field(container.path): {"$neq": {"$i": _term(item)}}}}
    return {"$iany": {_field(container.path): {"$i": _term(item)}}}


def _term(node: Node) -> Json:
    match node:
        case Const(value=value):
            return json_value(value)
        case Ref(path=path):
            return {"$m": _field(path)}
        case Arithmetic(op=op, left=left, right=right):
            return {ARITHMETIC[op]: {"$l": _term(left), "$r": _term(right)}}
        case Negate(operand=operand):
            return {"$sub": {"$l": 0, "$r": _term(operand)}}
    raise TypeError(f"{type(node).__name__} cannot be compiled into a condition")


def _field(path: tuple[str, ...]) -> str:
    return ".".join(path)


def json_value(value: Any) -> Json:
    """A scalar engine value as JSON: durable_rules compares numbers as doubles.

    Lists reach facts through :func:`_converter` and never appear as constants (a list
    literal in a condition compiles to comparisons)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
