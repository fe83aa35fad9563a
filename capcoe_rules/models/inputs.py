"""Input types that accept what an embedding application really sends, and nothing looser.

pydantic's lax mode would take ``"3"`` or ``true`` for a number of posts, ``"yes"`` for a
flag, ``"1_000"`` for an amount and a Unix timestamp for a date: a portal bug would then
become a decision. These types refuse all that with a message naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict

ROME = ZoneInfo("Europe/Rome")
DECIMAL_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)

Count = Annotated[int, Strict(), Field(ge=0)]
"""A whole number of things (posts, days): an integer, never text or true/false."""

Flag = Annotated[bool, Strict()]
"""True or false, never 1, 0 or "yes"."""


def decimal_input(value: Any) -> Any:
    """A number as a number or as plain decimal text (``"1000.50"``), nothing else."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, str) and not DECIMAL_TEXT.match(value.strip()):
        raise ValueError(f"{value!r} is not a plain decimal number such as 1000.50")
    return value


def _calendar_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("expected an ISO date, not a number (e.g. 2023-11-30T12:00:00+01:00)")
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        raise ValueError(f"{value!r} is not an ISO date")
    return value


def _within_calendar(value: dt.datetime) -> dt.datetime:
    # Far dates overflow when moved to Rome or UTC time: refuse them as input errors.
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}-{LATEST.year}")
    return value


def _day_within_calendar(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}-{LATEST.year}")
    return value


Instant = Annotated[
    AwareDatetime, BeforeValidator(_calendar_text), AfterValidator(_within_calendar)
]
"""A date and time with its UTC offset, as ISO text or a datetime."""

Day = Annotated[dt.date, BeforeValidator(_calendar_text), AfterValidator(_day_within_calendar)]
"""A calendar date, as ISO text (``2024-12-31``) or a date."""
