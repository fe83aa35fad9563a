"""Values of the expression language as solver terms, and back.

Every value a rule reads is a :class:`Scalar` (a z3 term, with a condition that it is null
when its type is nullable) or a :class:`ListValue` (the lists a rule can build are always
made of constants: a parameter, a table cell, a literal; which one a case sees depends on
the date or the row, so a list is a set of guarded alternatives).

The encoding mirrors the engine's own values (capcoe_rules/language/values.py): numbers
are exact rationals (the engine's decimals, with 34 significant digits, agree with them on
every value a case or a rule file can hold); money is cents; dates are day ordinals;
date-times are microseconds since 1970-01-01 UTC; texts are integers, one per distinct
text (texts have no order in the language, only equality).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import z3

from capcoe_rules.language.types import Type

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROS_PER_DAY = 86_400_000_000
Term = Any
"""A z3 expression (z3 has no type annotations)."""


@dataclass(frozen=True)
class Scalar:
    term: Term
    null: Term | None = None
    """A z3 condition, true when the value is null; None for a value that is never null."""

    def is_null(self) -> Term:
        return z3.BoolVal(False) if self.null is None else self.null


NULL = Scalar(z3.IntVal(0), z3.BoolVal(True))
"""The constant ``None``."""


@dataclass(frozen=True)
class ListValue:
    alternatives: tuple[tuple[Term, tuple[Term, ...]], ...]
    """(condition, items): the list is ``items`` where ``condition`` holds; exactly one
    condition holds on every case that reaches it."""

    def contains(self, item: Term) -> Term:
        return z3.Or(
            [
                z3.And(condition, z3.Or([item == element for element in items]))
                for condition, items in self.alternatives
                if items
            ]
        )


Value = Scalar | ListValue


@dataclass
class Texts:
    """One integer per distinct text; any other integer is some other text."""

    ids: dict[str, int] = field(default_factory=dict)
    others: dict[int, str] = field(default_factory=dict)

    def id(self, text: str) -> int:
        if text not in self.ids:
            self.ids[text] = len(self.ids) + 1
        return self.ids[text]

    def text(self, number: int) -> str | None:
        for text, known in self.ids.items():
            if known == number:
                return text
        return None

    def other(self, number: int) -> str:
        """A text no rule names, for an integer that stands for none of the known texts."""
        if number not in self.others:
            candidate = f"testo-{len(self.others) + 1}"
            while candidate in self.ids:
                candidate += "-x"
            self.others[number] = candidate
        return self.others[number]


def sort_of(type_: Type) -> Any:
    if type_.base in ("number", "money"):
        return z3.RealSort()
    if type_.base == "bool":
        return z3.BoolSort()
    return z3.IntSort()


def constant(value: Any, type_: Type, texts: Texts) -> Term:
    """An engine value (capcoe_rules/language/values.py) as a z3 constant."""
    match type_.base:
        case "number" | "money":
            return z3.RealVal(_fraction(value))
        case "bool":
            return z3.BoolVal(bool(value))
        case "text":
            return z3.IntVal(texts.id(str(value)))
        case "date":
            return z3.IntVal(dt.date.fromisoformat(str(value)).toordinal())
        case "datetime":
            return z3.IntVal(datetime_micros(str(value)))
    raise TypeError(f"no constant of type {type_}")


def _fraction(value: Any) -> str:
    fraction = Fraction(Decimal(value)) if not isinstance(value, int) else Fraction(value)
    return f"{fraction.numerator}/{fraction.denominator}"


def datetime_micros(value: str | dt.datetime) -> int:
    """Microseconds since 1970 UTC of an engine date-time text or an aware datetime."""
    moment = (
        dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    )
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def micros_datetime(micros: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=micros)


def model_value(model: Any, term: Term) -> Any:
    """The Python value of ``term`` in a z3 model: bool, int or Fraction."""
    found = model.eval(term, model_completion=True)
    if z3.is_true(found):
        return True
    if z3.is_false(found):
        return False
    if z3.is_int_value(found):
        return found.as_long()
    if z3.is_rational_value(found):
        return Fraction(found.numerator_as_long(), found.denominator_as_long())
    if z3.is_algebraic_value(found):  # an irrational root: no decimal writes it
        return None
    raise TypeError(f"unexpected model value {found}")


def as_decimal(value: Fraction | int) -> Decimal | None:
    """A rational as an exact decimal, or None when it has no finite decimal form."""
    fraction = Fraction(value)
    denominator = fraction.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return None
    places = 0
    scaled = fraction
    while scaled.denominator != 1:
        scaled *= 10
        places += 1
    return Decimal(scaled.numerator).scaleb(-places)


def if_chain(cases: list[tuple[Term, Term]], default: Term) -> Term:
    """``If(c1, v1, If(c2, v2, ... default))``."""
    term = default
    for condition, value in reversed(cases):
        term = z3.If(condition, value, term)
    return term


def round_half_up(cents: Term) -> Term:
    """A derived money value rounded to the cent as the engine does (ROUND_HALF_UP: ties
    away from zero), on a Real number of cents."""
    up = z3.ToReal(z3.ToInt(cents + z3.RealVal("1/2")))
    down = -z3.ToReal(z3.ToInt(-cents + z3.RealVal("1/2")))
    return z3.If(cents >= 0, up, down)
