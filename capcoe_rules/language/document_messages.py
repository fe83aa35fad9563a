"""What is wrong with a key or value of a rule document, in words a policy officer reads:
the problems pydantic finds in ``ruleset.yaml`` and rule files, without its wording (no
patterns, no type names), each with how to fix it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from capcoe_rules.case_messages import describe
from capcoe_rules.errors import Text, ValueProblemError
from capcoe_rules.language.mistakes import (
    QUOTE_HINT,
    comma_number,
    did_you_mean,
    italian_date,
    known_names,
)

EXPRESSION_KEYS = {"when", "require", "value", "key"}
DATE_TYPES = {"date_type", "date_parsing", "date_from_datetime_parsing", "datetime_parsing"}


def where(loc: Sequence[str | int]) -> str:
    """``rules.0.id`` as a policy officer finds it: the key, and the rule (1-based)."""
    keys = [str(part) for part in loc if isinstance(part, str)]
    return keys[-1] if keys else "document"


def unknown_key(key: str, allowed: Sequence[str]) -> tuple[Text, Text | None]:
    near = known_names(key, allowed) if did_you_mean(key, allowed) else Text("", "")
    if allowed:  # the keys of a rule or a table are few: all of them, to pick from
        listed = ", ".join(allowed)
        near += Text(f" (allowed: {listed})", f" (ammesse: {listed})")
    message = Text(f"unknown key {key!r}", f"chiave {key!r} sconosciuta") + near
    if key.isdigit():  # {value: 0,70}: YAML reads the comma as the end of the value
        return message, Text(
            f"a comma in a number ends the value: write it with a point (0.{key})",
            f"una virgola in un numero chiude il valore: scrivilo con il punto (0.{key})",
        )
    return message, None


def missing_key(key: str) -> tuple[Text, Text | None]:
    return (
        Text(f"missing key {key!r}", f"manca la chiave {key!r}"),
        Text(f"add '{key}: ...'", f"aggiungi '{key}: ...'"),
    )


def invalid_value(item: Any) -> tuple[Text, Text | None]:
    """The message and hint for one pydantic error on a value of a rule document."""
    loc = tuple(item["loc"])
    key = where(loc)
    kind, value = item["type"], item.get("input")
    context = {k: str(v) for k, v in (item.get("ctx") or {}).items() if k != "error"}
    shown = _shown(value)
    if kind == "string_type" and key in EXPRESSION_KEYS and isinstance(value, list | dict):
        opens = "[" if isinstance(value, list) else "{"
        return (
            Text(
                f"'{key}' starts with '{opens}', so YAML reads it as a list, not an expression",
                f"'{key}' inizia con '{opens}', quindi YAML lo legge come una lista, non come "
                "un'espressione",
            ),
            QUOTE_HINT,
        )
    if kind == "string_pattern_mismatch" and key == "id":
        suggestion = re.sub(r"[^A-Z0-9]+", "-", str(value).upper()).strip("-") or "ABC-1"
        return (
            Text(
                f"rule id {shown} must be capital letters and digits, in parts joined by '-'",
                f"l'id di regola {shown} deve avere lettere maiuscole e cifre, in parti unite "
                "da '-'",
            ),
            Text(f"write it as {suggestion}", f"scrivilo come {suggestion}"),
        )
    if kind in DATE_TYPES:
        hint = italian_date(value) or Text(
            "write the date as year-month-day, e.g. 2024-01-30",
            "scrivi la data come anno-mese-giorno, per esempio 2024-01-30",
        )
        return (
            Text(f"'{key}': {shown} is not a date", f"'{key}': {shown} non è una data"),
            hint,
        )
    if kind in ("float_parsing", "decimal_parsing", "int_parsing", "float_type"):
        return (
            Text(f"'{key}': {shown} is not a number", f"'{key}': {shown} non è un numero"),
            comma_number(value),
        )
    if kind in ("literal_error", "enum"):
        expected = re.findall(r"'([^']*)'", context.get("expected", ""))
        return (
            Text(f"'{key}': {shown} is not allowed", f"'{key}': {shown} non è ammesso")
            + known_names(str(value), expected),
            None,
        )
    italian = describe(key, kind, item.get("ctx"), value).message_it or "valore non valido"
    english = str(item["msg"]).removeprefix("Value error, ").removeprefix("Input ")
    error = (item.get("ctx") or {}).get("error")
    if isinstance(error, ValueProblemError):
        return error.text, error.hint
    return Text(f"'{key}': {english}", f"'{key}': {italian}"), None


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:60] + "..."
