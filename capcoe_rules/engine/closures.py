"""Checked expressions turned into nested Python closures, once per rule set.

Same semantics as :mod:`capcoe_rules.engine.interpreter` (the reference), without walking
the syntax tree on every case: each node becomes a small function that calls its
children's. Nothing is ever passed to ``eval``. The durable_rules engine computes derived
values with these; the reference evaluator keeps the interpreter, so the differential
tests compare the two.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from capcoe_rules.engine.interpreter import Data, arithmetic, compare, read
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
from capcoe_rules.language.numbers import absolute, negate, normalise

Compiled = Callable[[Data], Any]


def getter(path: tuple[str, ...]) -> Compiled:
    """A function reading ``path`` from engine data (paths are 2 or 3 names deep)."""
    if len(path) == 2:
        first, second = path
        return lambda data: data[first][second]
    if len(path) == 3:
        first, second, third = path
        return lambda data: data[first][second][third]

    return lambda data: read(data, path)


def compile_expression(node: Node) -> Compiled:
    match node:
        case Const(value=value):
            return lambda _: value
        case Ref(path=path):
            return getter(path)
        case ListOf(items=items):
            values = tuple(compile_expression(item) for item in items)
            return lambda data: tuple(value(data) for value in values)
        case Not(operand=operand):
            inner = compile_expression(operand)
            return lambda data: not inner(data)
        case Negate(operand=operand):
            inner = compile_expression(operand)
            return lambda data: negate(inner(data))
        case Logic(op=op, operands=operands):
            parts = tuple(compile_expression(operand) for operand in operands)
            if op == "and":
                return lambda data: all(part(data) for part in parts)
            return lambda data: any(part(data) for part in parts)
        case Compare(op=op, left=left, right=right):
            lhs, rhs = compile_expression(left), compile_expression(right)
            return lambda data: compare(op, lhs(data), rhs(data))
        case Member(item=item, container=container, negated=negated):
            element, within = compile_expression(item), compile_expression(container)
            return lambda data: (element(data) in within(data)) != negated
        case Arithmetic(op=op, left=left, right=right):
            lhs, rhs = compile_expression(left), compile_expression(right)
            return lambda data: arithmetic(op, lhs(data), rhs(data))
        case Call(function=function, args=args):
            return _call(function, tuple(compile_expression(arg) for arg in args))
        case Choice(test=test, then=then, otherwise=otherwise):
            condition = compile_expression(test)
            yes, no = compile_expression(then), compile_expression(otherwise)
            return lambda data: yes(data) if condition(data) else no(data)
    raise TypeError(f"cannot compile {type(node).__name__}")


def _call(function: str, args: tuple[Compiled, ...]) -> Compiled:
    if function == "abs":
        (only,) = args
        return lambda data: absolute(only(data))
    pick = min if function == "min" else max

    def call(data: Data) -> int | Decimal:
        return normalise(pick(arg(data) for arg in args))

    return call
