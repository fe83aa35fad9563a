"""Compile a checked rule set's requirements into durable_rules rulesets (its JSON format).

A requirement ``R`` compiles to the productions that record its exceptions:

- ``R|not_met``: ``when`` holds and ``require`` does not;
- ``R|not_applicable``: ``when`` does not hold (only for rules with a ``when``).

A requirement that applies and for which neither fires is met. Firing only on exceptions
keeps the number of actions per case small: each firing costs a round trip through
durable_rules' action machinery, and most rules hold for most cases.

Each production's condition becomes conjunctions of tests
(:mod:`capcoe_rules.engine.conditions`), each conjunction a durable_rules rule named
``R|outcome|n``; the conjunctions are grouped into as many rulesets as durable_rules'
limits require (:mod:`capcoe_rules.engine.partition`). For each ruleset, a case becomes ONE
flat fact: ``{"t": "case", "k0": ..., "k1": ...}``, one key per field, computed term or
atom its tests read, every value a string code (:mod:`capcoe_rules.engine.fact_values`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from capcoe_rules.engine.closures import Compiled, compile_expression, getter
from capcoe_rules.engine.conditions import Branch, Normal, Slot, Test, normal_form
from capcoe_rules.engine.fact_values import FALSE, TRUE, Code, coder, number_code
from capcoe_rules.engine.partition import Group, canonical_order, partition
from capcoe_rules.errors import EvaluationError
from capcoe_rules.language.expressions import Logic, Node, Not, Ref
from capcoe_rules.language.ruleset import CaseRules, Rule

Json = Any
Exception_ = Literal["not_met", "not_applicable"]
CASE_TAG = {"t": "case"}
OPERATOR = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}

Reader = Callable[[Any], Code]
"""Gives the code a fact key holds, from a case's engine data."""


@dataclass(frozen=True)
class CompiledRuleset:
    """One durable_rules ruleset: its definition, what each production means, its fact."""

    definition: dict[str, Json]
    productions: dict[str, tuple[Rule, Exception_]]
    readers: tuple[tuple[str, Reader], ...]

    def fact(self, data: Any) -> dict[str, Any]:
        """The fact this ruleset matches, for a case's engine data."""
        fact: dict[str, Any] = {key: read(data) for key, read in self.readers}
        fact["t"] = "case"
        return fact


@dataclass(frozen=True)
class CompiledRequirements:
    rulesets: tuple[CompiledRuleset, ...]


def compile_requirements(case_rules: CaseRules) -> CompiledRequirements:
    labelled: list[tuple[tuple[Rule, Exception_], Branch]] = []
    for rule in case_rules.rules:
        for outcome, form in _exceptions(rule):
            labelled.extend(((rule, outcome), branch) for branch in form)
    order = canonical_order(branch for _, branch in labelled)
    ordered = [(label, tuple(sorted(branch, key=order.__getitem__))) for label, branch in labelled]
    # The parameters of a day and a lookup row are shared by every case that reads them:
    # their codes are computed once per object, not once per case.
    stable = frozenset(("params", *(lookup.name for lookup in case_rules.lookups)))
    return CompiledRequirements(tuple(_ruleset(group, stable) for group in partition(ordered)))


def _exceptions(rule: Rule) -> list[tuple[Exception_, Normal]]:
    if rule.require is None:
        return []
    if rule.when is None:
        return [("not_met", normal_form(rule.require, negate=True))]
    not_met = normal_form(_and(rule.when, rule.require))
    return [("not_met", not_met), ("not_applicable", normal_form(rule.when, negate=True))]


def _and(when: Node, require: Node) -> Node:
    """``when and not require``, as one condition to normalise."""
    return Logic(when.type, when.at, "and", (when, Not(require.type, require.at, require)))


def _ruleset(group: Group[tuple[Rule, Exception_]], stable: frozenset[str]) -> CompiledRuleset:
    keys = {slot: f"k{index}" for index, slot in enumerate(group.slots)}
    definition: dict[str, Json] = {}
    productions: dict[str, tuple[Rule, Exception_]] = {}
    counters: dict[str, int] = {}
    for (rule, outcome), branch in group.branches:
        base = f"{rule.id}|{outcome}"
        counters[base] = counters.get(base, 0) + 1
        name = f"{base}|{counters[base]}"
        tests = [_test_json(test, keys) for test in branch]
        definition[name] = {"all": [{"m": {"$and": [CASE_TAG, *tests]}}]}
        productions[name] = (rule, outcome)
    readers = tuple((keys[slot], _reader(slot, stable)) for slot in group.slots)
    return CompiledRuleset(definition, productions, readers)


def _test_json(test: Test, keys: dict[Slot, str]) -> Json:
    key = keys[test.slot]
    operand: Json = {"$m": keys[test.operand]} if isinstance(test.operand, Slot) else test.operand
    match test.op:
        case "==":
            return {key: operand}
        case "in":
            return {"$iany": {key: {"$i": operand}}}
        case "not in":
            return {"$iall": {key: {"$neq": {"$i": operand}}}}
    return {OPERATOR[test.op]: {key: operand}}


def _reader(slot: Slot, stable: frozenset[str]) -> Reader:
    match slot.kind:
        case "field":
            assert isinstance(slot.node, Ref)
            path = slot.node.path
            read, code = getter(path), coder(slot.type)
            reader: Reader = lambda data: code(read(data))  # noqa: E731
            return _per_holder(path[0], reader) if path[0] in stable else reader
        case "term":
            return _term_reader(compile_expression(slot.node))
    return _atom_reader(compile_expression(slot.node))


_HOLDERS = 4096
"""Bound of each cache of codes per object of engine data."""


def _per_holder(root: str, read: Reader) -> Reader:
    """``read``, computed once per object at ``root`` of engine data (kept, so that its id
    cannot be reused by another object)."""
    codes: dict[int, tuple[object, Code]] = {}

    def cached(data: Any) -> Code:
        holder = data[root]
        found = codes.get(id(holder))
        if found is not None and found[0] is holder:
            return found[1]
        if len(codes) >= _HOLDERS:
            codes.clear()
        code = read(data)
        codes[id(holder)] = (holder, code)
        return code

    return cached


class UncomputableFactError(Exception):
    """A term or atom of the fact has no value for this case (a guarded division by zero,
    a number beyond the decimal context): the case is matched by the reference instead,
    which computes only what short-circuit evaluation reaches, as the specification says."""


def _term_reader(compute: Compiled) -> Reader:
    def read(data: Any) -> str:
        try:
            return number_code(compute(data))
        except EvaluationError:
            raise UncomputableFactError from None

    return read


def _atom_reader(compute: Compiled) -> Reader:
    def read(data: Any) -> str:
        try:
            return TRUE if compute(data) else FALSE
        except EvaluationError:
            raise UncomputableFactError from None

    return read
