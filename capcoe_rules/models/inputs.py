"""Input types that accept what an embedding application really sends, and nothing looser.

pydantic's lax mode would take ``"3"`` or ``true`` for a number of posts, ``"yes"`` for a
flag, ``"1_000"`` for an amount and a Unix timestamp for a date: a portal bug would then
become a decision. These types refuse all that with a message naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
)

from capcoe_rules.case_messages import refusal

ROME = ZoneInfo("Europe/Rome")
DECIMAL_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)

MAX_TEXT = 2000
"""Longest text in a case (a name, a reference, a link to evidence)."""
MAX_ITEMS = 1000
"""Most items in a list of a case (milestones, report lines, payments, evidence)."""
MAX_COUNT = 1_000_000
"""Largest whole number of things: the whole call has 2,200 posts."""
_SURROGATE = re.compile("[\ud800-\udfff]")

Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]
"""A whole number of things (posts, days): an integer, never text or true/false."""

MAX_INHABITANTS = 100_000_000
Inhabitants = Annotated[int, Strict(), Field(ge=0, le=MAX_INHABITANTS)]
"""A number of residents: an integer, at most a hundred million (Italy has 59 million)."""

Percent = Annotated[int, Strict(), Field(ge=0, le=100)]
"""A whole percentage, 0 to 100."""


def _valid_unicode(value: str) -> str:
    # A lone surrogate (JSON "\ud800") is no character: no UTF-8 file can hold it, so a
    # decision carrying it could never be written.
    found = None if value.isascii() else _SURROGATE.search(value)
    if found is not None:
        raise refusal(
            "invalid_unicode",
            position=str(found.start() + 1),
            escape=f"\\u{ord(found.group()):04x}",
        )
    return value


Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_valid_unicode)]
"""Text of a case: valid Unicode, at most :data:`MAX_TEXT` characters."""

Flag = Annotated[bool, Strict()]
"""True or false, never 1, 0 or "yes"."""


def decimal_input(value: Any) -> Any:
    """A number as a number or as plain decimal text (``"1000.50"``), nothing else."""
    if isinstance(value, bool):
        raise refusal("number_not_bool")
    if isinstance(value, str) and not DECIMAL_TEXT.match(value.strip()):
        raise refusal("number_text", value=repr(value))
    return value


MEASURE_LIMIT = Decimal(10) ** 13
MEASURE_PLACES = Decimal("0.000001")


def _within_measure(value: Decimal) -> Decimal:
    # So bounded, every share of the way from baseline to target fits the decimal
    # context's 28 digits: below 2 * 10^13 / 10^-6 = 2 * 10^19, 20 whole digits and 6
    # decimals (models/payment_review.py); a larger one raised InvalidOperation there.
    if abs(value) >= MEASURE_LIMIT:
        raise refusal("measure_too_large")
    if value != value.quantize(MEASURE_PLACES):
        raise refusal("measure_too_many_decimals", value=str(value))
    return value


Measure = Annotated[Decimal, BeforeValidator(decimal_input), AfterValidator(_within_measure)]
"""The value of an indicator (a baseline, a target, what was achieved): below 10^13 in
size, with at most six decimals."""


def _calendar_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise refusal("date_is_number")
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        raise refusal("date_digits", value=repr(value))
    return value


def _within_calendar(value: dt.datetime) -> dt.datetime:
    # Far dates overflow when moved to Rome or UTC time: refuse them as input errors.
    if not EARLIEST <= value.date() <= LATEST:
        raise _outside(value)
    return value


def _day_within_calendar(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise _outside(value)
    return value


def _outside(value: dt.date) -> ValueError:
    return refusal(
        "date_out_of_range",
        value=value.isoformat(),
        earliest=str(EARLIEST.year),
        latest=str(LATEST.year),
    )


Instant = Annotated[
    AwareDatetime, BeforeValidator(_calendar_text), AfterValidator(_within_calendar)
]
"""A date and time with its UTC offset, as ISO text or a datetime."""

Day = Annotated[dt.date, BeforeValidator(_calendar_text), AfterValidator(_day_within_calendar)]
"""A calendar date, as ISO text (``2024-12-31``) or a date."""
