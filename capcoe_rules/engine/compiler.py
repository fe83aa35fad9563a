"""Compile a checked rule set into durable_rules rulesets (its JSON format, no DSL).

Each case is asserted as ONE flat fact, ``{"t": "case", "_zero": 0, <case>, <lookups>,
params: {...}, derived: {...}}``, so every condition is a single-fact condition (no joins).
Every rule becomes productions whose action names say what happened:

- a requirement ``R`` becomes ``R|met`` (when ∧ require) and ``R|not_met`` (when ∧ ¬require);
  neither firing means the rule did not apply;
- a derivation ``D`` becomes ``D|computed``, firing once.

durable_rules has no ``not``: negation is pushed down to the comparisons (De Morgan, and
each comparison replaced by its complement). Its left-hand sides must be fields, so a
comparison of two computed sides ``L op R`` is rewritten as ``_zero op' (L - R)``.
Rules are grouped by stratum: a rule that reads a derived value runs in a ruleset after the
one that computes it, with the value in the fact.
"""

from __future__ import annotations

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

Json = Any
Outcome = Literal["met", "not_met", "computed"]
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


@dataclass(frozen=True)
class Production:
    rule: Rule
    outcome: Outcome

    @property
    def action(self) -> str:
        return f"{self.rule.id}|{self.outcome}"


@dataclass(frozen=True)
class CompiledStratum:
    definition: dict[str, Json]
    """durable_rules ruleset definition: production name -> {"all": [...], "run": name}."""
    productions: dict[str, Production]


def compile_case_rules(case_rules: CaseRules) -> tuple[CompiledStratum, ...]:
    strata = []
    for stratum in range(case_rules.strata):
        productions: dict[str, Production] = {}
        definition: dict[str, Json] = {}
        for rule in case_rules.rules:
            if rule.stratum != stratum:
                continue
            for production, condition in _productions(rule):
                productions[production.action] = production
                definition[production.action] = {
                    "all": [{"m": {"$and": [CASE_TAG, condition]}}],
                    "run": production.action,
                }
        strata.append(CompiledStratum(definition, productions))
    return tuple(strata)


def _productions(rule: Rule) -> list[tuple[Production, Json]]:
    if rule.kind == "derivation":
        return [(Production(rule, "computed"), TRUE)]
    assert rule.require is not None
    applies = [] if rule.when is None else [condition(rule.when)]
    return [
        (Production(rule, "met"), _all([*applies, condition(rule.require)])),
        (Production(rule, "not_met"), _all([*applies, condition(rule.require, negate=True)])),
    ]


def _all(conditions: list[Json]) -> Json:
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


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
            return _json_value(value)
        case Ref(path=path):
            return {"$m": _field(path)}
        case Arithmetic(op=op, left=left, right=right):
            return {ARITHMETIC[op]: {"$l": _term(left), "$r": _term(right)}}
        case Negate(operand=operand):
            return {"$sub": {"$l": 0, "$r": _term(operand)}}
    raise TypeError(f"{type(node).__name__} cannot be compiled into a condition")


def _field(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _json_value(value: Any) -> Json:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value


def json_fact(data: Any) -> Json:
    """Engine data as JSON-ready values (durable_rules compares numbers as doubles)."""
    if isinstance(data, dict):
        return {key: json_fact(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [json_fact(item) for item in data]
    return _json_value(data)
