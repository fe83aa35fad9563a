"""Money: ``Decimal`` euros in models, integer cents inside the engine.

Rounding happens in exactly one place, :func:`round_cents`: half up to the cent
(``ROUND_HALF_UP``), the usual rule of Italian public accounting.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field

from capcoe_rules.language.numbers import EXACT_INTEGERS
from capcoe_rules.models.inputs import decimal_input


class MoneyTag:
    """Marks a ``Decimal`` field as an amount of euros (see :data:`Money`)."""


Money = Annotated[
    Decimal,
    # The digit limits come before the BeforeValidator so that pydantic-core checks them
    # with the decimal (after it, pydantic checks them in Python: 9 us of a case's 160);
    # pydantic then leaves them out of the JSON Schema, hence the extra.
    Field(max_digits=15, decimal_places=2),
    BeforeValidator(decimal_input),
    MoneyTag(),
    Field(json_schema_extra={"max_digits": 15, "decimal_places": 2}),
]
"""An amount in euros with at most two decimals. A negative amount of too many digits is
refused for its digits first (pydantic-core's order), where ``ge=0`` applies."""

CENT = Decimal("0.01")


def round_cents(cents: Decimal | int) -> int:
    """Round an exact amount of cents to a whole cent, half up."""
    if type(cents) is int and -EXACT_INTEGERS < cents < EXACT_INTEGERS:
        # Already whole, and few enough digits for the decimal context to quantize
        # exactly: what quantize gives, without building a Decimal.
        return cents
    return int(Decimal(cents).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_cents(euros: Decimal) -> int:
    """Euros (at most two decimals, as :data:`Money` guarantees) to integer cents."""
    cents = euros * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{euros} has more than two decimals")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def round_euros(euros: Decimal) -> Decimal:
    """Round an exact amount of euros to the cent by the same rule as :func:`round_cents`."""
    return from_cents(round_cents(euros * 100))
