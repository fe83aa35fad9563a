"""A decision written straight to JSON text from a judgement, without building it.

``Decision.to_json()`` of a decision with 36 findings costs two thirds of an evaluation:
36 finding objects, then pydantic walking them and writing the same titles, citations and
keys again for every case. Here everything that does not change from case to case is
written once per rule set, as JSON fragments: each finding's opening up to its message for
each status it can have, its ``values`` keys, its closing; a lookup row's JSON once per
row. Per case only the values are written, each once however many findings show it, by
:func:`value_json`, which writes exactly
what pydantic writes for a value of a decision (and hands pydantic whatever it is not sure
of). The tests compare the two writers byte for byte on every fixture, the national
population and generated cases.

The compact shape (:class:`~capcoe_rules.models.compact.CompactDecision`) is written from
the same judgement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

import pydantic_core

from capcoe_rules.engine.closures import Compiled
from capcoe_rules.engine.plans import RulePlan, render
from capcoe_rules.models.decision import FindingStatus

if TYPE_CHECKING:
    from capcoe_rules.engine.evaluation import Decider, Judgement

STATUSES: tuple[FindingStatus, ...] = ("met", "not_met", "not_applicable", "computed")
_LARGEST_PLAIN_INT = 10**18
_CACHE_ENTRIES = 4096
"""Bound of every cache of JSON per object of engine data (rows, parameters of a day)."""


def value_json(value: Any) -> str:
    """The JSON pydantic writes for ``value`` in a field typed ``Any``."""
    kind = type(value)
    if kind is str:
        # Pure ASCII is escaped alike by both (the same escapes, lowercase \u00XX); other
        # text may hold lone surrogates, which only pydantic refuses as it should.
        return encode_basestring(value) if value.isascii() else _pydantic(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is int and -_LARGEST_PLAIN_INT < value < _LARGEST_PLAIN_INT:
        return str(value)
    if kind is Decimal:
        return f'"{value}"'
    if kind is dt.date:
        return f'"{value.isoformat()}"'
    if kind is list:
        return "[" + ",".join([value_json(item) for item in value]) + "]"
    # datetime above all: pydantic writes a UTC offset as Z, isoformat as +00:00.
    return _pydantic(value)


def _pydantic(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


def _key(name: str) -> str:
    return _pydantic(name) + ":"


@dataclass(frozen=True)
class DecisionText:
    """A decision as JSON text, with what a batch summary and an allocation round read of
    it: the outcome, the shown lookup rows, the blocking rules not met and, for a compact
    decision, the shown derived values it was written from (as the decision holds them;
    a full decision leaves them out, its hot path writes them from their JSON texts)."""

    json: str
    outcome: str
    lookups: Mapping[str, Mapping[str, Any]]
    reasons: Sequence[str] = ()
    derived: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self, indent: int | None = None) -> str:
        if indent is None:
            return self.json
        return pydantic_core.to_json(pydantic_core.from_json(self.json), indent=indent).decode()


class _FindingWriter:
    """The JSON of one rule's findings: its fixed fragments, written once."""

    def __init__(
        self, plan: RulePlan, slots: _Slots, derived_shown: Mapping[str, Compiled]
    ) -> None:
        rule = plan.rule
        self.plan = plan
        self.rule_id = rule.id
        self.severity = plan.severity
        self.blocking = plan.severity == "blocking"
        opening = (
            '{"rule_id":' + _pydantic(rule.id) + ',"kind":' + _pydantic(rule.kind) + ',"status":'
        )
        middle = (
            ',"severity":'
            + _pydantic(plan.severity)
            + ',"title":'
            + plan.title.model_dump_json()
            + ',"basis":'
            + _pydantic(rule.doc.basis)
            + ',"provenance":'
            + _pydantic(rule.doc.provenance)
            + ',"message":'
        )
        self.heads = {status: opening + _pydantic(status) + middle for status in STATUSES}
        self.reads = tuple(
            (
                ("{" if index == 0 else ",") + _key(reading.name),
                slots.index(reading.path, reading.value),
            )
            for index, reading in enumerate(plan.reads)
        )
        self.values_open = ',"values":' + ("" if plan.reads else "{")
        self.tail = '},"derives":' + _pydantic(rule.derive) + ',"value":'
        self.value: int | None = (
            None
            if rule.derive is None
            else slots.index(("derived", rule.derive), derived_shown[rule.derive])
        )
        self.compact_head = '{"rule_id":' + _pydantic(rule.id) + ',"message":'

    def message(self, data: dict[str, Any]) -> str:
        plan = self.plan
        if plan.message_it is None:
            return "null"
        english = "null" if plan.message_en is None else value_json(render(plan.message_en, data))
        return '{"it":' + value_json(render(plan.message_it, data)) + ',"en":' + english + "}"

    def write(
        self, parts: list[str], status: FindingStatus, data: dict[str, Any], texts: list[str]
    ) -> None:
        """Append the finding's JSON; ``texts``: the JSON of every value, by slot."""
        parts.append(self.heads[status])
        parts.append(self.message(data) if status == "not_met" else "null")
        parts.append(self.values_open)
        for key, index in self.reads:
            parts.append(key)
            parts.append(texts[index])
        parts.append(self.tail)
        parts.append("null}" if self.value is None else texts[self.value] + "}")

    def write_compact(self, parts: list[str], data: dict[str, Any]) -> None:
        parts.append(self.compact_head)
        parts.append(self.message(data))
        parts.append("}")


class _Slots:
    """Every value a full decision writes, each written once per case however many
    findings show it (``application.area`` is read by a dozen rules)."""

    def __init__(self, stable: frozenset[str]) -> None:
        """``stable``: the names of engine data whose every value is the same for all
        cases holding the same object there (the parameters of a day, a lookup row)."""
        self._stable = stable
        self._indices: dict[tuple[str, ...], int] = {}
        self._readers: list[tuple[Compiled, str, _Shown | None]] = []

    def index(self, path: tuple[str, ...], read: Compiled) -> int:
        """The slot of the value at ``path`` (of one type wherever a rule reads it)."""
        found = self._indices.get(path)
        if found is None:
            found = self._indices[path] = len(self._readers)
            root = path[0]
            self._readers.append((read, root, _Shown() if root in self._stable else None))
        return found

    def texts(self, data: dict[str, Any]) -> list[str]:
        """The JSON of every value, by slot."""
        return [
            value_json(read(data)) if shown is None else shown.json(data[root], read, data)
            for read, root, shown in self._readers
        ]


class _Shown:
    """The JSON of a value read from a stable part of engine data, per object there."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[object, str]] = {}

    def json(self, holder: object, read: Compiled, data: dict[str, Any]) -> str:
        found = self._texts.get(id(holder))
        if found is not None and found[0] is holder:
            return found[1]
        if len(self._texts) >= _CACHE_ENTRIES:
            self._texts.clear()
        # The holder is kept, so that its id cannot be reused by another object.
        text = value_json(read(data))
        self._texts[id(holder)] = (holder, text)
        return text


class _LookupWriter:
    """The shown row of one lookup and its JSON, kept per table row (rows are few and fixed)."""

    def __init__(self, name: str, columns: Mapping[str, Compiled]) -> None:
        self.name = name
        self._columns = columns
        self._rows: dict[int, tuple[object, dict[str, Any], str]] = {}

    def shown(self, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
        row = data[self.name]
        found = self._rows.get(id(row))
        if found is None or found[0] is not row:
            shown = {column: show(data) for column, show in self._columns.items()}
            text = "{" + ",".join(_key(c) + value_json(v) for c, v in shown.items()) + "}"
            if len(self._rows) >= _CACHE_ENTRIES:
                self._rows.clear()
            # The row itself is kept, so that its id cannot be reused by another object.
            found = self._rows[id(row)] = (row, shown, text)
        return found[1], found[2]


class DecisionWriter:
    """Writes the decisions of one :class:`~capcoe_rules.engine.evaluation.Decider`."""

    def __init__(self, decider: Decider) -> None:
        derived_shown = decider.derived_shown
        self._slots = slots = _Slots(frozenset(("params", *decider.lookup_shown)))
        self._findings = tuple(_FindingWriter(plan, slots, derived_shown) for plan in decider.plans)
        self._lookups = tuple(
            _LookupWriter(name, columns) for name, columns in decider.lookup_shown.items()
        )
        self._derived_names = tuple(
            plan.rule.derive for plan in decider.plans if plan.rule.derive is not None
        )
        self._derived: tuple[tuple[str, Compiled, int], ...] = tuple(
            (
                ("{" if index == 0 else ",") + _key(name),
                derived_shown[name],
                slots.index(("derived", name), derived_shown[name]),
            )
            for index, name in enumerate(self._derived_names)
        )
        self._case_type = '{"case_type":' + _pydantic(decider.case_rules.case_type)
        self._ruleset = ',"ruleset":' + decider.ruleset_ref.model_dump_json()
        self._compact_open = '{"shape":"compact","case_type":' + _pydantic(
            decider.case_rules.case_type
        )

    def write(self, judgement: Judgement, compact: bool = False) -> DecisionText:
        """The full decision's JSON (or, with ``compact``, the compact one's)."""
        data = judgement.data
        statuses = judgement.statuses
        reasons: list[str] = []
        warnings: list[str] = []
        for writer, status in zip(self._findings, statuses, strict=True):
            if status == "not_met":
                (reasons if writer.blocking else warnings).append(writer.rule_id)
        outcome = "not_eligible" if reasons else "eligible"
        lookups: dict[str, Mapping[str, Any]] = {}
        parts = [
            self._compact_open if compact else self._case_type,
            ',"case_id":',
            value_json(judgement.case_id),
            ',"outcome":"',
            outcome,
            '","as_of":"',
            judgement.as_of.isoformat(),
            '"',
            self._ruleset,
            ',"reasons":',
            value_json(reasons),
            ',"warnings":',
            value_json(warnings),
        ]
        rows = []
        for lookup in self._lookups:
            shown, text = lookup.shown(data)
            lookups[lookup.name] = shown
            rows.append(_key(lookup.name) + text)
        texts = [] if compact else self._slots.texts(data)
        if not compact:
            parts.append(',"lookups":{' + ",".join(rows) + "}")
        parts.append(',"derived":')
        if not self._derived:
            parts.append("{")
        derived: dict[str, Any] = {}
        for (key, show, index), name in zip(self._derived, self._derived_names, strict=True):
            parts.append(key)
            if compact:
                derived[name] = value = show(data)
                parts.append(value_json(value))
            else:  # written from the slots' texts: showing each value again costs a fifth
                parts.append(texts[index])
        parts.append('},"findings":[')
        separator = ""
        for writer, status in zip(self._findings, statuses, strict=True):
            if compact and status != "not_met":
                continue
            parts.append(separator)
            separator = ","
            if compact:
                writer.write_compact(parts, data)
            else:
                writer.write(parts, status, data, texts)
        parts.append("]}")
        return DecisionText("".join(parts), outcome, lookups, reasons, derived)
