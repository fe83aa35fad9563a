"""How engine values are written into durable_rules facts: every value a string.

durable_rules compares numbers as C doubles and 64-bit integers (``0.1`` is not exact,
integers of 2^63 and above are clamped, ``5e-05`` does not parse, an integer division by
zero kills the process), and compares ``null`` with anything as neither equal nor
different. So no number and no ``null`` ever reaches it. Every value is a string whose
byte order is the order of the value, and whose equality is the value's equality
(verified against Python on random strings: durable_rules compares ASCII strings
byte for byte):

- number and money: an order-preserving decimal code (:func:`number_code`), exact for
  every decimal, whatever its size;
- text: ``'`` followed by the text (texts are only ever compared for equality);
- bool: ``T`` or ``F``;
- date and datetime: their fixed-width ISO text, as the engine holds them;
- null: the empty string, which no other code is;
- list: its items' codes, ended by :data:`LIST_END`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from capcoe_rules.language.types import Type

Code = str | list[str]
Coder = Callable[[Any], Code]

NULL = ""
TRUE = "T"
FALSE = "F"
TEXT_MARK = "'"
LIST_END = "~end"
"""Appended to every list. durable_rules 2.0.28's ``$iall`` never matches an empty array,
so ``x not in []`` would never hold; with this element, which equals no code of a value,
every list is non-empty and ``$iany``/``$iall`` keep their meaning."""

_EXPONENT_OFFSET = 5_000_000
_EXPONENT_WIDTH = 7
_COMPLEMENT = str.maketrans("0123456789", "9876543210")


_INT_CODES: dict[int, str] = {}
"""The codes of integers already written: counts and amounts recur from case to case (of
the national population's 4 integer codes a case, 1 in 20 is new)."""
_INT_CODES_KEPT = 8192


def number_code(value: int | Decimal) -> str:
    """:func:`decimal_code`, kept per integer."""
    if type(value) is not int:
        return decimal_code(value)
    found = _INT_CODES.get(value)
    if found is None:
        if len(_INT_CODES) >= _INT_CODES_KEPT:
            _INT_CODES.clear()
        found = _INT_CODES[value] = decimal_code(value)
    return found


def decimal_code(value: int | Decimal) -> str:
    """An order-preserving code of a decimal: ``a < b`` exactly when ``code(a) < code(b)``.

    Zero is ``B``; a positive number is ``C``, its decimal exponent (offset, fixed width),
    then its significant digits without trailing zeros; a negative number is ``A``, then
    the same with exponent and digits complemented and ``~`` after the digits, so that a
    larger magnitude sorts first. ``2``, ``2.0`` and ``2.00`` have one code.
    """
    if type(value) is int:
        if value == 0:
            return "B"
        digits = str(abs(value))
        exponent = len(digits) - 1
        digits = digits.rstrip("0")
        negative = value < 0
    else:
        assert isinstance(value, Decimal) and value.is_finite(), value
        if not value:
            return "B"
        sign, digit_tuple, _ = value.as_tuple()
        digits = "".join(map(str, digit_tuple)).lstrip("0").rstrip("0")
        exponent = value.adjusted()
        negative = bool(sign)
    biased = exponent + _EXPONENT_OFFSET
    if not 0 <= biased < 10**_EXPONENT_WIDTH:
        raise ValueError(f"{value} is too large or too small for the engine")
    if not negative:
        return f"C{biased:0{_EXPONENT_WIDTH}d}{digits}"
    complement = 10**_EXPONENT_WIDTH - 1 - biased
    return f"A{complement:0{_EXPONENT_WIDTH}d}{digits.translate(_COMPLEMENT)}~"


def text_code(value: str) -> str:
    return TEXT_MARK + value


def bool_code(value: bool) -> str:
    return TRUE if value else FALSE


def _same(value: str) -> str:
    return value


def scalar_coder(type_: Type) -> Callable[[Any], str]:
    """The code of a non-null value of a scalar type."""
    match type_.base:
        case "number" | "money":
            return number_code
        case "text":
            return text_code
        case "bool":
            return bool_code
        case "date" | "datetime":
            return _same
        case "null":
            return lambda _: NULL
    raise TypeError(f"no scalar code for {type_}")


def coder(type_: Type) -> Coder:
    """The code of any engine value of ``type_``, null included where the type allows it."""
    if type_.base == "list":
        assert type_.item is not None
        item = scalar_coder(type_.item)
        return lambda values: [*map(item, values), LIST_END]
    scalar = scalar_coder(type_)
    if type_.nullable:
        return lambda value: NULL if value is None else scalar(value)
    return scalar


def constant_code(value: Any, type_: Type) -> str:
    """The code of a constant of a condition (never a list: lists compile to tests)."""
    if value is None:
        return NULL
    return scalar_coder(type_)(value)
