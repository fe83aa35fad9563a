"""Money: ``Decimal`` euros in models, integer cents inside the engine.

Rounding happens in exactly one place, :func:`round_cents`: half up to the cent
(``ROUND_HALF_UP``), the usual rule of Italian public accounting.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field

from capcoe_rules.models.inputs import decimal_input


class MoneyTag:
    """Marks a ``Decimal`` field as an amount of euros (see :data:`Money`)."""


Money = Annotated[
    Decimal, BeforeValidator(decimal_input), Field(max_digits=15, decimal_places=2), MoneyTag()
]
"""An amount in euros with at most two decimals."""

CENT = Decimal("0.01")


def round_cents(cents: Decimal | int) -> int:
    """Round an exact amount of cents to a whole cent, half up."""
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
