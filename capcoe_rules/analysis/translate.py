"""Checked expression trees (capcoe_rules/language/expressions.py) as solver terms.

The translation follows the reference interpreter (capcoe_rules/engine/interpreter.py)
node by node, on the values of :mod:`capcoe_rules.analysis.symbolic`. What it cannot
translate raises :class:`NotTranslatableError`: the caller reports the rule as not analysed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from capcoe_rules.analysis.symbolic import (
    NULL,
    ListValue,
    Scalar,
    Term,
    Texts,
    Value,
    constant,
    if_chain,
)
from capcoe_rules.language.expressions import (
    Arithmetic,
    Call,
    Choice,
    Compare,
    Const,
    ListOf,
    Logic,
    Member,
    Negate,
    Node,
    Not,
    Ref,
)

Resolve = Callable[[Ref], Value]


class NotTranslatableError(Exception):
    """A construct the analysis does not model; the message says which."""


def translate(node: Node, resolve: Resolve, texts: Texts) -> Value:
    return _Translator(resolve, texts).value(node)


def condition(node: Node, resolve: Resolve, texts: Texts) -> Term:
    """A condition (a bool expression) as a z3 boolean."""
    return _Translator(resolve, texts).boolean(node)


class _Translator:
    def __init__(self, resolve: Resolve, texts: Texts) -> None:
        self.resolve = resolve
        self.texts = texts

    def value(self, node: Node) -> Value:
        match node:
            case Const(value=None):
                return NULL
            case Const(value=value):
                return Scalar(constant(value, node.type, self.texts))
            case Ref():
                return self.resolve(node)
            case ListOf(items=items):
                return ListValue(((z3.BoolVal(True), tuple(self.scalar(i).term for i in items)),))
            case Not(operand=operand):
                return Scalar(z3.Not(self.boolean(operand)))
            case Negate(operand=operand):
                return Scalar(-self.number(operand))
            case Logic(op=op, operands=operands):
                parts = [self.boolean(operand) for operand in operands]
                return Scalar(z3.And(parts) if op == "and" else z3.Or(parts))
            case Compare():
                return Scalar(self._compare(node))
            case Member(item=item, container=container, negated=negated):
                found = self._member(item, container)
                return Scalar(z3.Not(found) if negated else found)
            case Arithmetic(op=op, left=left, right=right):
                return Scalar(_arithmetic(op, self.number(left), self.number(right)))
            case Call(function=function, args=args):
                return Scalar(_call(function, [self.number(arg) for arg in args]))
            case Choice(test=test, then=then, otherwise=otherwise):
                return self._choice(self.boolean(test), self.value(then), self.value(otherwise))
        raise NotTranslatableError(f"{type(node).__name__} is not modelled")

    def scalar(self, node: Node) -> Scalar:
        found = self.value(node)
        if not isinstance(found, Scalar):
            raise NotTranslatableError(f"a list where a single value was expected ({node.type})")
        return found

    def boolean(self, node: Node) -> Term:
        found = self.scalar(node)
        return found.term if found.null is None else z3.And(z3.Not(found.null), found.term)

    def number(self, node: Node) -> Term:
        found = self.scalar(node)
        if found.null is not None:
            raise NotTranslatableError("arithmetic on a value that may be null")
        term = found.term
        return z3.ToReal(term) if z3.is_int(term) else term

    def _compare(self, node: Compare) -> Term:
        left, right = self.scalar(node.left), self.scalar(node.right)
        if node.op in ("==", "!="):
            same = _equal(left, right)
            return same if node.op == "==" else z3.Not(same)
        a, b = left.term, right.term
        if z3.is_int(a) != z3.is_int(b):
            a, b = _real(a), _real(b)
        return ORDERS[node.op](a, b)

    def _member(self, item: Node, container: Node) -> Term:
        value = self.scalar(item)
        items = self.value(container)
        if not isinstance(items, ListValue):
            raise NotTranslatableError("'in' on a value that is not a list")
        term = value.term
        found = items.contains(term)
        return found if value.null is None else z3.And(z3.Not(value.null), found)

    def _choice(self, test: Term, then: Value, otherwise: Value) -> Value:
        if isinstance(then, ListValue) and isinstance(otherwise, ListValue):
            return ListValue(
                tuple((z3.And(test, c), items) for c, items in then.alternatives)
                + tuple((z3.And(z3.Not(test), c), items) for c, items in otherwise.alternatives)
            )
        if isinstance(then, Scalar) and isinstance(otherwise, Scalar):
            a, b = then.term, otherwise.term
            if z3.is_int(a) != z3.is_int(b):
                a, b = _real(a), _real(b)
            null = None
            if then.null is not None or otherwise.null is not None:
                null = z3.If(test, then.is_null(), otherwise.is_null())
            return Scalar(z3.If(test, a, b), null)
        raise NotTranslatableError("a choice between a list and a single value")


ORDERS: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _real(term: Term) -> Term:
    return z3.ToReal(term) if z3.is_int(term) else term


def _equal(left: Scalar, right: Scalar) -> Term:
    """``==`` as Python computes it on engine values: ``None == None``, ``None != x``."""
    if left is NULL:
        return right.is_null()
    if right is NULL:
        return left.is_null()
    a, b = left.term, right.term
    if z3.is_int(a) != z3.is_int(b):
        a, b = _real(a), _real(b)
    values = a == b
    if left.null is None and right.null is None:
        return values
    both_null = z3.And(left.is_null(), right.is_null())
    neither = z3.And(z3.Not(left.is_null()), z3.Not(right.is_null()), values)
    return z3.Or(both_null, neither)


def _arithmetic(op: str, left: Term, right: Term) -> Term:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return _times(left, right)
    # The checker proves every divisor non-zero where the division is evaluated (E024).
    return left / right


def _times(left: Term, right: Term) -> Term:
    """A product, with a choice between constants distributed over it (``amount * (1 if c
    else 0.9)``), so that what is linear in each branch stays linear for the solver."""
    for choice, other in ((right, left), (left, right)):
        if z3.is_app_of(choice, z3.Z3_OP_ITE):
            test, then, otherwise = choice.children()
            return z3.If(test, _times(other, then), _times(other, otherwise))
    return left * right


def _call(function: str, args: list[Term]) -> Term:
    if function == "abs":
        (value,) = args
        return z3.If(value >= 0, value, -value)
    result = args[0]
    for arg in args[1:]:  # Python keeps the first of equal values
        keep = result <= arg if function == "min" else result >= arg
        result = z3.If(keep, result, arg)
    return result


__all__ = ["NotTranslatableError", "condition", "if_chain", "translate"]
