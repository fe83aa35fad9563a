"""The one meaning of numbers in rule files, shared by the checker, the engine and the reference.

Numbers are decimals, never binary floats:

- ``+``, ``-``, ``*``, unary ``-``, ``abs()`` are computed in :data:`CONTEXT`: 34
  significant digits (IEEE 754 decimal128), rounding half to even. Every value a case or a
  rule file can hold has far fewer digits, so in practice they are exact.
- ``/`` is decimal division in the same context: ``3 / 6`` is ``0.5``, ``1 / 3`` is
  ``0.3333333333333333333333333333333333``. A divisor that can be zero is refused by the
  checker unless the expression guards it (``a / b if b != 0 else 0``), so no decision ever
  divides by zero.
- A result that is a whole number is an integer (``4 / 2`` is ``2``).
- NaN and infinities do not exist: the checker refuses them in rule files, the case
  models refuse them in cases.
- Money is integer cents inside the engine; a derived money value is rounded once, to the
  cent, half up (:func:`capcoe_rules.models.money.round_cents`).

The context is explicit: an embedding application that changes Python's global decimal
context (``decimal.getcontext().prec = 5``) changes nothing here.
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

Number = int | Decimal

MAX_EXPONENT = 30
"""Numbers in rule files lie within 10^-30 and 10^30: far beyond any amount or rate, and
far enough from the context's limits that no formula of a checked rule set overflows in
practice (one that did would raise ``NotComputableError`` in the engine and the
reference alike)."""

PRECISION = 34
CONTEXT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


class NotComputableError(ArithmeticError):
    """An operation with no decimal result (a division by zero, an overflow)."""


def normalise(value: Number) -> Number:
    """A whole decimal as ``int`` (so ``2.0`` and ``2`` are one value), else the decimal.

    Only up to 34 digits: a larger whole number stays a decimal of 34 significant digits,
    as the context computes it, rather than an integer of a million digits."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value() and value.adjusted() < PRECISION:
        return int(value)
    return value


EXACT_INTEGERS = 10**PRECISION
"""Integers below this in magnitude have at most 34 digits: integer arithmetic on them
gives what :data:`CONTEXT` would, without building decimals (the common case)."""


def add(left: Number, right: Number) -> Number:
    if (
        type(left) is int
        and type(right) is int
        and -EXACT_INTEGERS < (sum_ := left + right) < EXACT_INTEGERS
    ):
        return sum_
    return _apply(CONTEXT.add, left, right)


def subtract(left: Number, right: Number) -> Number:
    if (
        type(left) is int
        and type(right) is int
        and -EXACT_INTEGERS < (difference := left - right) < EXACT_INTEGERS
    ):
        return difference
    return _apply(CONTEXT.subtract, left, right)


def multiply(left: Number, right: Number) -> Number:
    if (
        type(left) is int
        and type(right) is int
        and -EXACT_INTEGERS < (product := left * right) < EXACT_INTEGERS
    ):
        return product
    return _apply(CONTEXT.multiply, left, right)


def divide(left: Number, right: Number) -> Number:
    return _apply(CONTEXT.divide, left, right)


def negate(value: Number) -> Number:
    if type(value) is int and -EXACT_INTEGERS < value < EXACT_INTEGERS:
        return -value
    return normalise(CONTEXT.minus(value))


def absolute(value: Number) -> Number:
    if type(value) is int and -EXACT_INTEGERS < value < EXACT_INTEGERS:
        return abs(value)
    return normalise(CONTEXT.abs(value))


def _apply(operation: object, left: Number, right: Number) -> Number:
    assert callable(operation)
    try:
        return normalise(operation(Decimal(left), Decimal(right)))
    except (DivisionByZero, InvalidOperation, Overflow, ZeroDivisionError):
        raise NotComputableError(
            "the result has no decimal value (a division by zero, or beyond 10^999999)"
        ) from None


OPERATIONS = {"+": add, "-": subtract, "*": multiply, "/": divide}
