"""A plain-Python evaluator of checked expressions over a case's engine data.

It computes derived values for the durable_rules engine, and it is the reference
semantics that the compiled durable_rules conditions are tested against.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from capcoe_rules.errors import EvaluationError, Text
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
from capcoe_rules.language.numbers import (
    OPERATIONS,
    NotComputableError,
    absolute,
    negate,
    normalise,
)

Data = Mapping[str, Any]


def read(data: Data, path: tuple[str, ...]) -> Any:
    value: Any = data
    for part in path:
        value = value[part]
    return value


def evaluate(node: Node, data: Data) -> Any:
    match node:
        case Const(value=value):
            return value
        case Ref(path=path):
            return read(data, path)
        case ListOf(items=items):
            return tuple(evaluate(item, data) for item in items)
        case Not(operand=operand):
            return not evaluate(operand, data)
        case Negate(operand=operand):
            return negate(evaluate(operand, data))
        case Logic(op="and", operands=operands):
            return all(evaluate(operand, data) for operand in operands)
        case Logic(op="or", operands=operands):
            return any(evaluate(operand, data) for operand in operands)
        case Compare(op=op, left=left, right=right):
            return compare(op, evaluate(left, data), evaluate(right, data))
        case Member(item=item, container=container, negated=negated):
            return (evaluate(item, data) in evaluate(container, data)) != negated
        case Arithmetic(op=op, left=left, right=right):
            return arithmetic(op, evaluate(left, data), evaluate(right, data))
        case Call(function=function, args=args):
            values = [evaluate(arg, data) for arg in args]
            if function == "abs":
                return absolute(values[0])
            return normalise(min(values) if function == "min" else max(values))
        case Choice(test=test, then=then, otherwise=otherwise):
            return evaluate(then if evaluate(test, data) else otherwise, data)
    raise TypeError(f"cannot evaluate {type(node).__name__}")


def compare(op: str, left: Any, right: Any) -> bool:
    match op:
        case "==":
            return bool(left == right)
        case "!=":
            return bool(left != right)
        case "<":
            return bool(left < right)
        case "<=":
            return bool(left <= right)
        case ">":
            return bool(left > right)
        case ">=":
            return bool(left >= right)
    raise ValueError(op)


def arithmetic(op: str, left: int | Decimal, right: int | Decimal) -> int | Decimal:
    """``left op right`` with the one meaning of numbers (:mod:`capcoe_rules.language.numbers`)."""
    try:
        return OPERATIONS[op](left, right)
    except NotComputableError:
        raise EvaluationError(
            Text(
                f"'{op}' cannot be computed: the result has no decimal value "
                "(a division by zero, or beyond 10^999999)",
                f"'{op}' non si può calcolare: il risultato non ha un valore decimale "
                "(una divisione per zero, o oltre 10^999999)",
            )
        ) from None
