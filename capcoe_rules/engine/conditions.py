"""A checked condition as durable_rules tests: a disjunction of conjunctions, exact by construction.

durable_rules matches a production when every test of its ``$and`` holds. It has no
``not``, its ``$or`` fires once per true branch, its arithmetic is not ours (integer
division, SIGFPE on a zero divisor) and it caps what one ruleset may hold. So a condition
is turned here into its disjunctive normal form over simple *tests*, each comparing one
fact key with a constant code or another key:

- negation is pushed down to the comparisons (De Morgan; ``<`` becomes ``>=``...), which is
  exact because every value has a total order or is only compared for equality, and null
  is a code of its own (:mod:`capcoe_rules.engine.fact_values`);
- each conjunction becomes its own production; the engine counts outcomes per rule, never
  per firing, so two true branches are one finding;
- a computed side (``a - b``, ``2 * x``) is computed in Python before the fact is
  asserted, with the reference's own arithmetic, and compared as a fact key (a *term*);
- a comparison involving a division is computed whole in Python (an *atom*), because
  its divisor may be zero on a case where a guard (``b != 0 and a / b > 1``) makes its value
  irrelevant: the reference never computes it there, and a boolean function does not
  depend on an argument that short-circuit evaluation skips, so any value gives the same
  decision;
- where the normal form would grow beyond :data:`MAX_BRANCHES` branches or
  :data:`MAX_TESTS` tests per branch, the largest sub-conditions are computed whole in
  Python as atoms too, so no condition, however large, exceeds what durable_rules holds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from capcoe_rules.engine.fact_values import FALSE, TRUE, constant_code
from capcoe_rules.engine.interpreter import compare
from capcoe_rules.language.expressions import (
    COMPLEMENT,
    MIRROR,
    Arithmetic,
    Compare,
    Const,
    ListOf,
    Logic,
    Member,
    Node,
    Not,
    Ref,
    walk,
)
from capcoe_rules.language.types import BOOL, Type

MAX_BRANCHES = 32
"""Conjunctions one condition may compile to before sub-conditions become atoms."""
MAX_TESTS = 16
"""Tests one conjunction may hold before the rest become one atom."""
MAX_LIST_TESTS = 16
"""Items of a list literal compared one by one; a longer list is tested in one atom."""

SlotKind = Literal["field", "term", "atom"]


@dataclass(frozen=True, slots=True)
class Slot:
    """A key of the fact: a field read from the data, a computed term, or a computed atom.

    ``node`` is a :class:`Ref` for a field, the arithmetic for a term, the whole boolean
    sub-condition (as written, before negation) for an atom.
    """

    kind: SlotKind
    node: Node

    @property
    def type(self) -> Type:
        return BOOL if self.kind == "atom" else self.node.type


TestOp = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in"]


@dataclass(frozen=True, slots=True)
class Test:
    """``slot op operand``; for ``in``/``not in`` the slot is a list and the operand the item."""

    slot: Slot
    op: TestOp
    operand: str | Slot
    """A constant's code, or another slot of the same fact."""

    def slots(self) -> tuple[Slot, ...]:
        return (self.slot, self.operand) if isinstance(self.operand, Slot) else (self.slot,)


Branch = tuple[Test, ...]
Normal = list[Branch]
"""A disjunction of conjunctions: ``[]`` is false, ``[()]`` is true."""

ALWAYS: Normal = [()]
NEVER: Normal = []


def normal_form(node: Node, negate: bool = False) -> Normal:
    """``node`` (or its negation) as conjunctions of tests, within the size limits above."""
    match node:
        case Const(value=bool(value)):
            return ALWAYS if value != negate else NEVER
        case Ref():
            return [(Test(Slot("field", node), "==", FALSE if negate else TRUE),)]
        case Not(operand=operand):
            return normal_form(operand, not negate)
        case Logic(op=op, operands=operands):
            parts = [(operand, normal_form(operand, negate)) for operand in operands]
            if (op == "and") != negate:
                return _conjunction(parts, negate)
            return _disjunction(parts, negate)
        case Compare():
            return _comparison(node, negate)
        case Member():
            return _membership(node, negate)
    raise TypeError(f"{type(node).__name__} cannot be a condition")


def atom(node: Node, negate: bool) -> Normal:
    """``node`` computed whole in Python, tested for true (or false when negated)."""
    return [(Test(Slot("atom", node), "==", FALSE if negate else TRUE),)]


def _conjunction(parts: list[tuple[Node, Normal]], negate: bool) -> Normal:
    if any(form == NEVER for _, form in parts):
        return NEVER
    parts = [(node, form) for node, form in parts if form != ALWAYS]
    forms = [form for _, form in parts]

    def too_big() -> bool:
        return (
            _product_size(forms) > MAX_BRANCHES or sum(_longest(form) for form in forms) > MAX_TESTS
        )

    while too_big() and (splittable := [i for i, f in enumerate(forms) if not _one_test(f)]):
        # Compute the sub-condition with the largest normal form in Python instead.
        index = max(splittable, key=lambda i: (len(forms[i]), _longest(forms[i])))
        forms[index] = atom(parts[index][0], negate)
    if too_big():  # many single tests: the ones beyond the limit make one atom
        keep = MAX_TESTS - 1
        forms = [*forms[:keep], _group_atom([node for node, _ in parts[keep:]], negate, True)]
    branches: Normal = [
        tuple(dict.fromkeys(itertools.chain.from_iterable(combination)))
        for combination in itertools.product(*forms)
    ]
    return list(dict.fromkeys(branches))


def _disjunction(parts: list[tuple[Node, Normal]], negate: bool) -> Normal:
    if any(form == ALWAYS for _, form in parts):
        return ALWAYS
    parts = [(node, form) for node, form in parts if form != NEVER]
    forms = [form for _, form in parts]
    while sum(len(form) for form in forms) > MAX_BRANCHES and (
        splittable := [i for i, form in enumerate(forms) if len(form) > 1]
    ):
        index = max(splittable, key=lambda i: len(forms[i]))
        forms[index] = atom(parts[index][0], negate)
    if len(forms) > MAX_BRANCHES:  # many single branches: the ones beyond make one atom
        keep = MAX_BRANCHES - 1
        forms = [*forms[:keep], _group_atom([node for node, _ in parts[keep:]], negate, False)]
    return list(dict.fromkeys(itertools.chain.from_iterable(forms)))


def _one_test(form: Normal) -> bool:
    """A form an atom cannot make smaller."""
    return len(form) == 1 and len(form[0]) == 1


def _group_atom(nodes: list[Node], negate: bool, conjunction: bool) -> Normal:
    """Several operands of one logical operator computed together as one atom.

    Under ``negate`` the normal form of a conjunction came from a disjunction as written
    (De Morgan) and the other way round: the atom holds the operator as written.
    """
    if len(nodes) == 1:
        return atom(nodes[0], negate)
    written: Literal["and", "or"] = "and" if conjunction != negate else "or"
    return atom(Logic(BOOL, nodes[0].at, written, tuple(nodes)), negate)


def _product_size(forms: list[Normal]) -> int:
    size = 1
    for form in forms:
        size *= max(len(form), 1)
        if size > MAX_BRANCHES:
            return size
    return size


def _longest(form: Normal) -> int:
    return max((len(branch) for branch in form), default=0)


def _divides(node: Node) -> bool:
    return any(isinstance(item, Arithmetic) and item.op == "/" for item in walk(node))


def _operand(node: Node) -> str | Slot:
    """A side of a comparison: a constant's code, a field, or a term computed in Python."""
    if isinstance(node, Const):
        return constant_code(node.value, node.type)
    if isinstance(node, Ref):
        return Slot("field", node)
    return Slot("term", node)


def _comparison(node: Compare, negate: bool) -> Normal:
    if _divides(node):
        return atom(node, negate)
    op = COMPLEMENT[node.op] if negate else node.op
    left, right = node.left, node.right
    if isinstance(left, Const) and isinstance(right, Const):
        return ALWAYS if compare(op, left.value, right.value) else NEVER
    if isinstance(left, Const):
        op, left, right = MIRROR[op], right, left
    slot = _operand(left)
    assert isinstance(slot, Slot)
    return [(Test(slot, op, _operand(right)),)]


def _membership(node: Member, negate: bool) -> Normal:
    if _divides(node):
        return atom(node, negate)
    excluded = node.negated != negate
    item, container = node.item, node.container
    if isinstance(container, ListOf):
        if isinstance(item, Const):
            found = any(compare("==", item.value, element) for element in _values(container))
            return ALWAYS if found != excluded else NEVER
        if len(container.items) > MAX_LIST_TESTS:
            return atom(node, negate)
        slot = _operand(item)
        assert isinstance(slot, Slot)
        codes = [_operand(element) for element in container.items]
        if excluded:
            return [tuple(dict.fromkeys(Test(slot, "!=", code) for code in codes))]
        return list(dict.fromkeys((Test(slot, "==", code),) for code in codes))
    assert isinstance(container, Ref)
    return [(Test(Slot("field", container), "not in" if excluded else "in", _operand(item)),)]


def _values(container: ListOf) -> list[object]:
    return [element.value for element in container.items if isinstance(element, Const)]
