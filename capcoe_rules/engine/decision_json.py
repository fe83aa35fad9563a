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
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pydantic_core

from capcoe_rules.engine.closures import Compiled, getter
from capcoe_rules.engine.plans import RulePlan, render
from capcoe_rules.language.types import Type
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


_HELD_AS_SHOWN = frozenset(("money", "text", "bool", "date", "datetime", "null"))
"""Engine types whose equal values are shown alike: each holds one Python type (int
cents, str, bool), or None where nullable. A number is not one of them
(``Decimal("1.5") == Decimal("1.50")``, shown apart), nor a list."""


def exact_reader(path: tuple[str, ...], type_: Type) -> Compiled:
    """Reads the engine value at ``path`` as a key equal exactly for values shown alike."""
    read = getter(path)
    if type_.base in _HELD_AS_SHOWN:
        return read
    return lambda data: _exact_key(read(data))


def _exact_key(value: Any) -> tuple[type, str]:
    return (type(value), repr(value))


Kept = TypeVar("Kept")


class Memo(Generic[Kept]):
    """What a pure function gave for a key, for at most :data:`_CACHE_ENTRIES` keys (all
    forgotten at once when full: cheaper than an LRU, and the keys that matter come back)."""

    def __init__(self) -> None:
        self._kept: dict[Any, Kept] = {}
        self.get = self._kept.get

    def put(self, key: Any, value: Kept) -> Kept:
        if len(self._kept) >= _CACHE_ENTRIES:
            self._kept.clear()
        self._kept[key] = value
        return value


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
        self.id_json = _pydantic(rule.id)
        self._messages: Memo[str] = Memo()
        self._message_keys = tuple(exact_reader(ref.path, ref.type) for ref in plan.message_refs)

    def message(self, data: dict[str, Any]) -> str:
        """The message's JSON, rendered once per combination of the values it shows (a
        few thousand among the national population's 41,000 rules not met)."""
        if self.plan.message_it is None:
            return "null"
        key = tuple([read(data) for read in self._message_keys])
        text = self._messages.get(key)
        if text is None:
            text = self._messages.put(key, self._render(data))
        return text

    def _render(self, data: dict[str, Any]) -> str:
        plan = self.plan
        assert plan.message_it is not None
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
        derived_types = decider.case_rules.derived_types
        self._compact_derived = tuple(
            _ShownDerived(name, derived_shown[name], derived_types[name])
            for name in self._derived_names
        )
        self._lookup_keys = tuple(_key(lookup.name) for lookup in self._lookups)
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
        reasons_json: list[str] = []
        warnings_json: list[str] = []
        not_met: list[_FindingWriter] = []
        for writer, status in zip(self._findings, statuses, strict=True):
            if status == "not_met":
                not_met.append(writer)
                if writer.blocking:
                    reasons.append(writer.rule_id)
                    reasons_json.append(writer.id_json)
                else:
                    warnings.append(writer.rule_id)
                    warnings_json.append(writer.id_json)
        outcome = "not_eligible" if reasons else "eligible"
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
            ',"reasons":[',
            ",".join(reasons_json),
            '],"warnings":[',
            ",".join(warnings_json),
            "]",
        ]
        lookups: dict[str, Mapping[str, Any]] = {}
        rows = []
        for lookup, key in zip(self._lookups, self._lookup_keys, strict=True):
            shown, text = lookup.shown(data)
            lookups[lookup.name] = shown
            if not compact:  # a compact decision does not write its lookups
                rows.append(key + text)
        derived: dict[str, Any] = {}
        if compact:
            self._write_compact_rest(parts, data, derived, not_met)
        else:
            self._write_full_rest(parts, data, rows, statuses)
        return DecisionText("".join(parts), outcome, lookups, reasons, derived)

    def _write_compact_rest(
        self,
        parts: list[str],
        data: dict[str, Any],
        derived: dict[str, Any],
        not_met: list[_FindingWriter],
    ) -> None:
        """Derived values (each also kept in ``derived``), then the findings not met."""
        parts.append(',"derived":')
        if not self._derived:
            parts.append("{")
        for (key, _, _), shown in zip(self._derived, self._compact_derived, strict=True):
            parts.append(key)
            derived[shown.name], text = shown.of(data)
            parts.append(text)
        parts.append('},"findings":[')
        separator = ""
        for writer in not_met:
            parts.append(separator)
            separator = ","
            writer.write_compact(parts, data)
        parts.append("]}")

    def _write_full_rest(
        self,
        parts: list[str],
        data: dict[str, Any],
        rows: list[str],
        statuses: tuple[FindingStatus, ...],
    ) -> None:
        """Lookups, derived values and every finding, each value written once."""
        texts = self._slots.texts(data)
        parts.append(',"lookups":{' + ",".join(rows) + "}")
        parts.append(',"derived":')
        if not self._derived:
            parts.append("{")
        for key, _, index in self._derived:
            parts.append(key)
            parts.append(texts[index])  # showing each value again costs a fifth
        parts.append('},"findings":[')
        separator = ""
        for writer, status in zip(self._findings, statuses, strict=True):
            parts.append(separator)
            separator = ","
            writer.write(parts, status, data, texts)
        parts.append("]}")


class _ShownDerived:
    """A derived value as a compact decision shows it, and its JSON, kept per engine value
    (the national population's 7,896 cases take about a thousand distinct amounts, and a
    handful of each other value). A list is shown afresh each time: a decision's list is
    its own to change."""

    def __init__(self, name: str, show: Compiled, type_: Type) -> None:
        self.name = name
        self._show = show
        self._key = exact_reader(("derived", name), type_)
        self._kept: Memo[tuple[Any, str]] | None = None if type_.base == "list" else Memo()

    def of(self, data: dict[str, Any]) -> tuple[Any, str]:
        kept = self._kept
        if kept is None:
            value = self._show(data)
            return value, value_json(value)
        key = self._key(data)
        found = kept.get(key)
        if found is None:
            value = self._show(data)
            found = kept.put(key, (value, value_json(value)))
        return found
