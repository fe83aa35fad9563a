"""The canonical style of rule files: which keys come first, what is written on one line.

The key order follows the document models (:mod:`capcoe_rules.language.documents`), so a
field added to a model takes its place without a change here; only a rule's keys have an
order of their own, which reads as a rule is thought: what it is (``id``, ``title``), why
(``basis``, ``provenance``, ``note``), what it does (``severity``, ``when``, ``require``,
or ``derive`` and ``value``), what it says (``message``). Keys no model knows stay where
they are, after the known ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from capcoe_rules.language.documents import (
    InForce,
    Label,
    LookupDoc,
    ManifestDoc,
    ParameterDoc,
    ParameterValueDoc,
    PaymentDoc,
    RuleDoc,
    RuleFileDoc,
    TableDoc,
)

WIDTH = 100
"""Longest line, where a line can be broken (a long word or a table row may go past it)."""
INDENT = "  "

RULE_KEYS = (
    "id",
    "title",
    "basis",
    "provenance",
    "note",
    "severity",
    "when",
    "require",
    "derive",
    "value",
    "message",
)

Spacing = Literal["none", "between", "around_long"]
"""Blank lines between entries: none; one between any two; one next to an entry that
takes more than one line (the top of a file: ``name:`` and ``version:`` stay together)."""
Flow = Literal["never", "fits", "items_fit"]
"""``fits``: written ``{...}`` or ``[...]`` on one line when the line fits the width;
``items_fit``: a list whose items are all written that way when every one fits, else none
(a table reads as a table: one style for all its rows)."""
ScalarKind = Literal["text", "expression"]


@dataclass(frozen=True)
class Shape:
    """What the formatter knows about a value at one place of a rule document."""

    order: tuple[str, ...] = ()
    fields: dict[str, Shape] = field(default_factory=dict)
    """The shape of the value of each known key."""
    each: Shape | None = None
    """The shape of every value of a mapping of names, or of every item of a list."""
    spacing: Spacing = "none"
    flow: Flow = "fits"
    scalar: ScalarKind = "text"

    def of(self, key: str) -> Shape:
        return self.fields.get(key) or self.each or ANY


ANY = Shape()
EXPRESSION = Shape(scalar="expression")


def keys_of(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's keys as written in YAML (``from``, not ``from_``), in the model's order."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


def _model(model: type[BaseModel], *, order: tuple[str, ...] = (), **fields: Shape) -> Shape:
    return Shape(order=order or keys_of(model), fields=fields, flow="never")


TITLE = Shape(order=keys_of(Label))
MESSAGE = Shape(order=keys_of(Label), flow="never")

PARAMETER = _model(
    ParameterDoc,
    title=TITLE,
    values=Shape(each=Shape(order=keys_of(ParameterValueDoc)), flow="items_fit"),
)
TABLE = _model(
    TableDoc,
    title=TITLE,
    columns=Shape(flow="never"),
    rows=Shape(each=Shape(), flow="items_fit"),
)
RULE = _model(
    RuleDoc,
    order=RULE_KEYS,
    title=TITLE,
    when=EXPRESSION,
    require=EXPRESSION,
    value=EXPRESSION,
    message=MESSAGE,
)
RULE_FILE = Shape(
    order=keys_of(RuleFileDoc),
    fields={
        "parameters": Shape(each=PARAMETER, spacing="between", flow="never"),
        "tables": Shape(each=TABLE, spacing="between", flow="never"),
        "rules": Shape(each=RULE, spacing="between", flow="never"),
        "payment": _model(PaymentDoc),
    },
    spacing="around_long",
    flow="never",
)
LOOKUP = _model(LookupDoc, title=TITLE, key=EXPRESSION)
MANIFEST = Shape(
    order=keys_of(ManifestDoc),
    fields={
        "title": TITLE,
        "in_force": _model(InForce),
        "lookups": Shape(each=LOOKUP, spacing="between", flow="never"),
    },
    spacing="around_long",
    flow="never",
)
