"""What deciding a case needs of each rule, prepared once per rule set.

A :class:`RulePlan` holds a rule's finding model, its title, the readings it shows and its
message templates split into literal text and readings. Both ways of writing a decision use
the same plans: as objects (:class:`~capcoe_rules.engine.evaluation.Decider`) and as JSON
text directly (:mod:`capcoe_rules.engine.decision_json`), so they can only agree.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from capcoe_rules.engine.closures import Compiled, compile_expression, getter
from capcoe_rules.engine.interpreter import evaluate
from capcoe_rules.language.expressions import Ref
from capcoe_rules.language.ruleset import Rule
from capcoe_rules.language.types import Type
from capcoe_rules.language.values import decode
from capcoe_rules.models.decision import FindingStatus
from capcoe_rules.models.inputs import ROME
from capcoe_rules.models.labels import Text

if TYPE_CHECKING:
    from capcoe_rules.language.documents import Label

Shower = Callable[[Any], Any]
Template = tuple[tuple[str, Compiled | None], ...]


def shower(type_: Type) -> Shower | None:
    """How a decision shows a value of ``type_`` (euros, dates, times in Rome); None when
    the engine value is shown as it is."""
    if type_.base in ("text", "bool", "number", "null"):
        return None
    if type_.base == "list":
        assert type_.item is not None
        item = shower(type_.item)
        return list if item is None else lambda value: [item(element) for element in value]
    if type_.base == "datetime":
        return lambda value: None if value is None else decode(value, type_).astimezone(ROME)
    return lambda value: decode(value, type_)


def reader(path: tuple[str, ...], type_: Type) -> Compiled:
    """A function giving the shown value at ``path`` of engine data."""
    get, show = getter(path), shower(type_)
    return get if show is None else lambda data: show(get(data))


@dataclass(frozen=True)
class Reading:
    name: str
    path: tuple[str, ...]
    value: Compiled

    @classmethod
    def of(cls, ref: Ref) -> Reading:
        return cls(ref.dotted, ref.path, reader(ref.path, ref.type))


def _template(text: str, shows: dict[str, Reading]) -> Template:
    """A message template split once into literal text and the readings it shows."""
    return tuple(
        (literal, shows[name].value if name else None)
        for literal, name, _, _ in string.Formatter().parse(text)
    )


@dataclass(frozen=True)
class RulePlan:
    """What a finding of one rule needs, prepared once per rule set."""

    rule: Rule
    title: Text
    severity: Literal["blocking", "warning"] | None
    reads: tuple[Reading, ...]
    message_it: Template | None
    message_en: Template | None
    compute: Compiled | None
    """For a derivation: its formula, compiled to closures or interpreted."""
    message_refs: tuple[Ref, ...] = ()
    """What its messages show, each once: what a message is a function of."""

    @property
    def usual_status(self) -> FindingStatus:
        """Its status unless the matcher reports an exception."""
        return "met" if self.rule.derive is None else "computed"

    @classmethod
    def of(cls, rule: Rule, compiled: bool) -> RulePlan:
        doc = rule.doc
        shows = {ref.dotted: Reading.of(ref) for ref in rule.shows}
        message = doc.message
        formula = rule.value
        compute: Compiled | None = None
        if formula is not None:
            compute = compile_expression(formula) if compiled else partial(evaluate, formula)
        return cls(
            rule=rule,
            title=Text(it=doc.title.it, en=doc.title.en),
            severity=doc.severity if rule.kind == "requirement" else None,
            reads=tuple(Reading.of(ref) for ref in rule.reads),
            message_it=None if message is None else _template(message.it, shows),
            message_en=None
            if message is None or message.en is None
            else _template(message.en, shows),
            compute=compute,
            message_refs=_message_refs(message, {ref.dotted: ref for ref in rule.shows}),
        )


def _message_refs(message: Label | None, shows: dict[str, Ref]) -> tuple[Ref, ...]:
    if message is None:
        return ()
    names = {
        name: None
        for text in (message.it, message.en)
        if text is not None
        for _, name, _, _ in string.Formatter().parse(text)
        if name
    }
    return tuple(shows[name] for name in names)


def render(template: Template, data: dict[str, Any]) -> str:
    """A message with the values of ``data`` in it."""
    parts = []
    for literal, value in template:
        parts.append(literal)
        if value is not None:
            parts.append(_as_text(value(data)))
    return "".join(parts)


def _as_text(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value) or "-"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None:
        return "-"
    return str(value)
