"""How values of each type are represented inside the engine, and back.

Inside the engine every value is JSON-friendly and orders correctly with plain
comparisons, because durable_rules compares them itself:

- money: integer cents;
- number: ``int``, or ``Decimal`` when it has a fraction;
- date: ISO ``YYYY-MM-DD`` text (orders lexicographically);
- datetime: UTC ISO text of fixed width, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``;
- text, bool: themselves; lists: tuples of their items.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from capcoe_rules.errors import Text, ValueProblemError
from capcoe_rules.language.mistakes import comma_number, italian_date, known_names
from capcoe_rules.language.numbers import MAX_EXPONENT, normalise
from capcoe_rules.language.types import Type
from capcoe_rules.models.inputs import EARLIEST, LATEST
from capcoe_rules.models.money import from_cents, to_cents

EngineValue = Any


normalise_number = normalise


MAX_TEXT = 100_000
"""Longest text a parameter or table cell may hold."""
MAX_ITEMS = 10_000
"""Most items a list parameter may hold."""


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _problem(value, f"{value!r} is not a number", f"{value!r} non è un numero")
    try:
        # repr of a YAML float is its shortest exact spelling: 0.49 stays 0.49.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise _problem(value, f"{value!r} is not a number", f"{value!r} non è un numero") from None
    if not number.is_finite():
        raise ValueProblemError(
            Text(f"{value!r} is not a finite number", f"{value!r} non è un numero finito")
        )
    if number and abs(number.adjusted()) > MAX_EXPONENT:
        raise ValueProblemError(
            Text(
                f"{value!r} is out of range (at most {MAX_EXPONENT} digits)",
                f"{value!r} è fuori scala (al massimo {MAX_EXPONENT} cifre)",
            )
        )
    return number


def encode_datetime(value: dt.datetime) -> str:
    """UTC ISO text of fixed width (``0001-01-01T00:00:00.000000Z``), which orders as text."""
    if value.tzinfo is None:
        raise ValueProblemError(
            Text(
                f"{value.isoformat()} has no time zone",
                f"{value.isoformat()} non ha il fuso orario",
            ),
            Text("add it, e.g. +01:00", "aggiungilo, per esempio +01:00"),
        )
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueProblemError(
            Text(
                f"{value.isoformat()} is outside the calendar in UTC",
                f"{value.isoformat()} è fuori dal calendario in UTC",
            )
        ) from None
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _within_calendar(day: dt.date, value: Any) -> Any:
    """Dates in rule files, as in cases, lie in 1900-2200: moved between time zones or
    shown in Rome time, a date near year 1 or 9999 would overflow."""
    if not EARLIEST <= day <= LATEST:
        raise ValueProblemError(
            Text(
                f"{value} is outside {EARLIEST.year}-{LATEST.year}",
                f"{value} è fuori dagli anni {EARLIEST.year}-{LATEST.year}",
            )
        )
    return value


def encode(value: Any, type_: Type) -> EngineValue:
    """A value from a model or a rule file, in its engine form. Raises ``ValueError``."""
    if value is None:
        if type_.nullable or type_.base == "null":
            return None
        raise ValueProblemError(Text("a value is required", "serve un valore"))
    match type_.base:
        case "money":
            return to_cents(to_decimal(value))
        case "number":
            return normalise_number(to_decimal(value))
        case "text":
            if not isinstance(value, str):
                raise ValueProblemError(Text(f"{value!r} is not text", f"{value!r} non è un testo"))
            if len(value) > MAX_TEXT:
                raise ValueProblemError(
                    Text(
                        f"a text of {len(value):,} characters (at most {MAX_TEXT:,})",
                        f"un testo di {len(value):,} caratteri (al massimo {MAX_TEXT:,})",
                    )
                )
            if type_.values is not None and value not in type_.values:
                raise ValueProblemError(
                    Text(
                        f"{value!r} is not one of the values allowed",
                        f"{value!r} non è tra i valori ammessi",
                    )
                    + known_names(str(value), type_.values)
                )
            return value
        case "bool":
            if not isinstance(value, bool):
                raise ValueProblemError(
                    Text(f"{value!r} is not true or false", f"{value!r} non è true o false")
                )
            return value
        case "date":
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
                raise ValueProblemError(
                    Text(
                        f"{value!r} is not a date (year-month-day)",
                        f"{value!r} non è una data (anno-mese-giorno)",
                    ),
                    italian_date(value),
                )
            try:
                day = dt.date.fromisoformat(value) if isinstance(value, str) else value
            except ValueError:
                raise ValueProblemError(
                    Text(
                        f"{value!r} is not a date (year-month-day)",
                        f"{value!r} non è una data (anno-mese-giorno)",
                    ),
                    italian_date(value),
                ) from None
            return _within_calendar(day, day).isoformat()
        case "datetime":
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            if not isinstance(value, dt.datetime):
                raise ValueError(f"{value!r} is not a date and time")
            return encode_datetime(_within_calendar(value.date(), value))
        case "list":
            if not isinstance(value, list | tuple):
                raise ValueError(f"{value!r} is not a list")
            if len(value) > MAX_ITEMS:
                raise ValueError(f"a list of {len(value):,} items (at most {MAX_ITEMS:,})")
            assert type_.item is not None
            return tuple(encode(item, type_.item) for item in value)
    raise ValueError(f"cannot encode a value of type {type_}")


def decode(value: EngineValue, type_: Type) -> Any:
    """An engine value in the form a decision shows: euros as ``Decimal``, dates as dates."""
    if value is None:
        return None
    match type_.base:
        case "money":
            return from_cents(value)
        case "date":
            return dt.date.fromisoformat(value)
        case "datetime":
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        case "list":
            assert type_.item is not None
            return [decode(item, type_.item) for item in value]
    return value


def _problem(value: object, english: str, italian: str) -> ValueProblemError:
    return ValueProblemError(Text(english, italian), comma_number(value))
