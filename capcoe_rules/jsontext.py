"""JSON text from outside (a case, a line of a batch): decoded the same way everywhere.

``evaluate``, ``batch``, ``allocate`` and :func:`~capcoe_rules.engine.parse_case` all read
JSON through :func:`load_json`, so that one text is accepted or refused alike by every
command: UTF-8 only (a byte order mark at the start is ignored, as RFC 8259 allows), at
most :data:`MAX_JSON_BYTES`, and whatever the text holds (nesting 100,000 deep, a number
of 5,000 digits) the answer is a :class:`~capcoe_rules.errors.CaseError`, never another
exception.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from capcoe_rules.case_messages import case_problem, count
from capcoe_rules.errors import CaseError, Position, Text

MAX_JSON_BYTES = 1 << 20
"""Largest JSON text of one case (1 MiB): a hundred times a large payment claim."""
BOM = "\ufeff"
JSON_MISTAKES = {
    "Expecting ',' delimiter": Text("a comma is missing", "manca una virgola"),
    "Expecting ':' delimiter": Text("a colon is missing", "mancano i due punti"),
    "Expecting value": Text("a value is missing", "manca un valore"),
    "Expecting property name enclosed in double quotes": Text(
        "a field name goes in double quotes", "il nome di un campo va tra virgolette doppie"
    ),
    "Unterminated string starting at": Text(
        "a text in quotes is not closed", "un testo tra virgolette non è chiuso"
    ),
    "Extra data": Text("more text after the end", "altro testo dopo la fine"),
    "Invalid control character at": Text(
        "a line break or tab inside a text", "un a capo o una tabulazione dentro un testo"
    ),
    "Invalid \\escape": Text("a \\ that starts nothing", "una \\ che non introduce nulla"),
}
"""What the standard decoder's reasons mean, in plain words."""
_INT_DIGITS = 4000
"""Below Python's limit on converting text to int (4,300 digits)."""


def load_json(text: str | bytes) -> Any:
    """The value of a JSON text; anything that is not valid JSON raises :class:`CaseError`."""
    if len(text) > MAX_JSON_BYTES:
        unit = Text("bytes", "byte") if isinstance(text, bytes) else Text("characters", "caratteri")
        raise CaseError(
            [
                case_problem(
                    "",
                    "case_too_large",
                    size=count(len(text)),
                    unit=unit,
                    limit=count(MAX_JSON_BYTES),
                )
            ]
        )
    if isinstance(text, bytes):
        text = decode_utf8(text)
    text = text.removeprefix(BOM)
    try:
        return json.loads(text)
    except RecursionError:
        raise CaseError([case_problem("", "json_too_deep")]) from None
    except json.JSONDecodeError as error:
        problem = case_problem(
            "",
            "json_syntax",
            what=JSON_MISTAKES.get(error.msg, Text(error.msg, error.msg)),
            line=str(error.lineno),
            column=str(error.colno),
        )
        raise CaseError([replace(problem, position=Position(error.lineno, error.colno))]) from None
    except ValueError:
        # A number too long for Python's int: read long ones as Decimal, so that the
        # field that holds one says what is wrong (more than 15 digits, not a whole number).
        return json.loads(text, parse_int=_int_or_decimal)


def decode_utf8(data: bytes) -> str:
    """UTF-8 text, or a :class:`CaseError` naming the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise CaseError([case_problem("", "utf16_text")]) from None
        raise CaseError(
            [
                case_problem(
                    "", "not_utf8", byte=f"0x{data[error.start]:02X}", offset=str(error.start)
                )
            ]
        ) from None


def _int_or_decimal(digits: str) -> int | Decimal:
    return int(digits) if len(digits) <= _INT_DIGITS else Decimal(digits)
