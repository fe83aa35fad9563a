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

from capcoe_rules.language.numbers import normalise
from capcoe_rules.language.types import Type
from capcoe_rules.models.money import from_cents, to_cents

EngineValue = Any


normalise_number = normalise


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{value!r} is not a number")
    try:
        # repr of a YAML float is its shortest exact spelling: 0.49 stays 0.49.
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def encode_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} has no time zone: write e.g. +01:00")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode(value: Any, type_: Type) -> EngineValue:
    """A value from a model or a rule file, in its engine form. Raises ``ValueError``."""
    if value is None:
        if type_.nullable or type_.base == "null":
            return None
        raise ValueError("a value is required")
    match type_.base:
        case "money":
            return to_cents(to_decimal(value))
        case "number":
            return normalise_number(to_decimal(value))
        case "text":
            if not isinstance(value, str):
                raise ValueError(f"{value!r} is not text")
            if type_.values is not None and value not in type_.values:
                raise ValueError(f"{value!r} is not one of {sorted(type_.values)}")
            return value
        case "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{value!r} is not true or false")
            return value
        case "date":
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
                raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
            return (dt.date.fromisoformat(value) if isinstance(value, str) else value).isoformat()
        case "datetime":
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            if not isinstance(value, dt.datetime):
                raise ValueError(f"{value!r} is not a date and time")
            return encode_datetime(value)
        case "list":
            if not isinstance(value, list | tuple):
                raise ValueError(f"{value!r} is not a list")
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
