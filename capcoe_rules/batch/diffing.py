"""Which decisions change between two versions of a rule set, and which rules cause it.

Policy staff change a date or a threshold and must see, before they commit, every case
whose decision moves, the most serious first. Each case of a population is decided by
both engines and the two decisions are compared as objects:

- the decision proper is every field except ``ruleset`` (which always differs) and the
  findings (the explanation, at every place): outcome, reasons, warnings, derived values,
  lookups, and for payment claims the totals and each milestone's amounts;
- the rules responsible are read from the two explanations: those whose finding changed
  status (met, not met, not applicable) or whose derived value changed, each with the
  values it read that changed (``params.hiring_window_closes: 2024-01-30... ->
  2024-01-15...``) and whether its own definition changed between the rule sets. A rule
  only one rule set has is responsible where it is not met or computes a value: a new
  requirement every case meets changes no decision.

A change is an ``outcome`` change, else a change of ``reasons``, else of ``amounts``
(money the decision derives or pays), else ``other``: the report lists them in that order,
by input line within each kind, and can be narrowed to transitions, rules and regions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel

from capcoe_rules.batch.interrupts import deferred_interrupts
from capcoe_rules.batch.reading import Record, parse_record
from capcoe_rules.batch.ruleset_changes import DatedChange, RuleSetChanges, ruleset_changes
from capcoe_rules.batch.running import CHUNK_SIZE, chunked, ordered_map
from capcoe_rules.errors import CaseError, EvaluationError, FieldProblem, RecordError
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.models.application import NATIONAL
from capcoe_rules.models.decision import Decision, Finding, RuleSetRef
from capcoe_rules.models.explanation import Explanation
from capcoe_rules.models.payment_decision import (
    MilestoneDecision,
    PaymentDecision,
    PaymentTotals,
)
from capcoe_rules.territory import comuni, resolve

__all__ = [
    "CHANGE_KINDS",
    "CaseChange",
    "DatedChange",
    "DiffReport",
    "MoneyTotal",
    "Region",
    "RuleChange",
    "RuleSetChanges",
    "Selection",
    "diff_population",
    "known_regions",
    "ruleset_changes",
]

ERROR = "error"
"""The outcome shown for a side that refused the case (e.g. a lookup row removed)."""
NOT_PRESENT = "absent"
"""The status shown for a rule that one of the two rule sets does not have."""
CHANGE_KINDS = ("outcome", "reasons", "amounts", "other")
"""What a change alters, the most serious first: the order of a diff's listing."""
NATIONAL_NAME = "Amministrazioni centrali"
"""The region name shown for central administrations (region code ``IT``)."""
CLAIM_MONEY = ("payable", "recovered", "net")
"""The totals of a payment decision that move money with the claim."""
_DECIMAL_TOTALS = frozenset(
    name for name, info in PaymentTotals.model_fields.items() if info.annotation is Decimal
)
_DECIMAL_MILESTONE = frozenset(
    name for name, info in MilestoneDecision.model_fields.items() if info.annotation is Decimal
)

AnyDecision = Decision | PaymentDecision
K = TypeVar("K", str, tuple[str, str])


class RuleSetEngine(Protocol):
    """An engine over a checked rule set (``Engine`` and ``ReferenceEvaluator`` are)."""

    ruleset: CheckedRuleSet

    def evaluate(self, case: BaseModel, as_of: dt.date | None = None) -> AnyDecision: ...


class Region(NamedTuple):
    """The applicant's region: ISTAT code (``IT`` for central administrations) and name."""

    code: str
    name: str

    def matches(self, wanted: str) -> bool:
        """Whether ``wanted`` is this region's code or name (in any letter case)."""
        return wanted == self.code or wanted.casefold() == self.name.casefold()


def known_regions() -> list[Region]:
    """Every region a case can belong to, by code."""
    codes = sorted({comune.region_code for comune in comuni()})
    return [*(Region(code, resolve(code).name) for code in codes), Region(NATIONAL, NATIONAL_NAME)]


def _region_of(case: BaseModel) -> Region | None:
    code = getattr(getattr(case, "applicant", None), "region_code", None)
    if not isinstance(code, str):
        return None  # a payment claim names no region
    return Region(code, NATIONAL_NAME if code == NATIONAL else resolve(code).name)


class RuleChange(NamedTuple):
    """One rule whose finding differs between the two decisions of a case."""

    rule_id: str
    where: str
    """Where the finding sits: ``""`` for the decision itself, ``milestones[M1]`` inside."""
    old: str
    new: str
    value_changed: bool
    """For a derivation: the value it computes changed."""
    reads_changed: dict[str, tuple[Any, Any]]
    """The values the rule read that differ: name -> (old, new), as the decisions show them."""
    definition_changed: bool

    @property
    def label(self) -> str:
        return f"{self.where}:{self.rule_id}" if self.where else self.rule_id

    def describe(self) -> str:
        """One line: ``ASS-FINESTRA met → not_met (params.hiring_window_closes)``."""
        what = f"{self.old} → {self.new}" if self.old != self.new else "value changed"
        causes = list(self.reads_changed)
        if self.definition_changed:
            causes.insert(0, "rule edited")
        return f"{self.label} {what}" + (f" ({', '.join(causes)})" if causes else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "where": self.where,
            "from": self.old,
            "to": self.new,
            "value_changed": self.value_changed,
            "reads_changed": {
                name: {"from": old, "to": new} for name, (old, new) in self.reads_changed.items()
            },
            "definition_changed": self.definition_changed,
        }


Money = dict[str, Decimal]
"""Money a decision grants or pays, by name (``derived.financeable_amount``, ``totals.net``)."""


class CaseChange(NamedTuple):
    """A case whose decision differs: the outcomes, the fields that moved, the causes."""

    line: int
    case_id: str | None
    old_outcome: str
    new_outcome: str
    kind: str
    """One of :data:`CHANGE_KINDS`."""
    fields: tuple[str, ...]
    rules: tuple[RuleChange, ...]
    region: Region | None = None
    as_of: dt.date | None = None
    old_money: Money = {}  # noqa: RUF012 (a NamedTuple's default, never mutated)
    new_money: Money = {}  # noqa: RUF012
    old_error: str | None = None
    new_error: str | None = None

    @property
    def transition(self) -> tuple[str, str]:
        return (self.old_outcome, self.new_outcome)

    @property
    def order(self) -> tuple[int, int]:
        """The listing order: the most serious kind first, then by input line."""
        return (CHANGE_KINDS.index(self.kind), self.line)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "id": self.case_id,
            "change": self.kind,
            "from": self.old_outcome,
            "to": self.new_outcome,
            "region": None if self.region is None else self.region._asdict(),
            "fields": list(self.fields),
            "rules": [rule.to_dict() for rule in self.rules],
            "money": {
                name: {
                    "from": str(self.old_money.get(name, Decimal(0))),
                    "to": str(self.new_money.get(name, Decimal(0))),
                }
                for name in _names(self.old_money, self.new_money)
            },
            "errors": {"base": self.old_error, "rules": self.new_error},
        }


def _names(*moneys: Mapping[str, Decimal]) -> list[str]:
    return list(dict.fromkeys(name for money in moneys for name in money))


class Unchanged(NamedTuple):
    line: int
    as_of: dt.date | None = None


Compared = CaseChange | Unchanged | RecordError

ANY = "*"
"""In a transition filter, any outcome."""


@dataclass(frozen=True)
class Selection:
    """Which changes a report shows: every filter given must hold, any of its values."""

    transitions: tuple[tuple[str, str], ...] = ()
    """(old, new) outcomes; ``*`` for any."""
    rules: tuple[str, ...] = ()
    """Rule ids: the change must have one of them among its rules responsible."""
    regions: tuple[str, ...] = ()
    """Region codes or names of the applicant."""

    def selects(self, change: CaseChange) -> bool:
        return (
            (not self.transitions or any(_passes(t, change.transition) for t in self.transitions))
            and (not self.rules or any(rule.rule_id in self.rules for rule in change.rules))
            and (
                not self.regions
                or (
                    change.region is not None
                    and any(change.region.matches(region) for region in self.regions)
                )
            )
        )

    @property
    def empty(self) -> bool:
        return not (self.transitions or self.rules or self.regions)

    def to_dict(self) -> dict[str, list[str]]:
        return {
            "transitions": [f"{old}:{new}" for old, new in self.transitions],
            "rules": list(self.rules),
            "regions": list(self.regions),
        }


def _passes(wanted: tuple[str, str], transition: tuple[str, str]) -> bool:
    return all(w in (ANY, actual) for w, actual in zip(wanted, transition, strict=True))


class MoneyTotal(NamedTuple):
    """One amount summed over the changed cases shown, with each rule set."""

    name: str
    old: Decimal
    new: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new - self.old

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "base": str(self.old),
            "rules": str(self.new),
            "difference": str(self.difference),
        }


NOT_YET_SHOWN = "no decision can show this change yet"


@dataclass
class DiffReport:
    """The differences over a whole population, most serious first, with their totals.

    ``changes`` holds every changed case; the listing, the totals by transition, rule,
    region and the money are those of the changes ``selection`` selects.
    """

    base: CheckedRuleSet
    rules: CheckedRuleSet
    changes_in_rules: RuleSetChanges
    changes: list[CaseChange] = field(default_factory=list)
    unchanged: int = 0
    invalid: list[RecordError] = field(default_factory=list)
    latest_as_of: dt.date | None = None
    """The latest day any case was decided as of: a change from a later day shows in none."""
    selection: Selection = field(default_factory=Selection)

    @property
    def cases(self) -> int:
        return len(self.changes) + self.unchanged + len(self.invalid)

    def select(self, selection: Selection) -> DiffReport:
        """The same report, showing only the changes ``selection`` selects."""
        return replace(self, selection=selection)

    def selected(self) -> list[CaseChange]:
        return [change for change in self.changes if self.selection.selects(change)]

    def transitions(self) -> list[tuple[tuple[str, str], int]]:
        """``((old, new), cases)``, most frequent first, then by name."""
        return _most_first(Counter(change.transition for change in self.selected()))

    def by_kind(self) -> list[tuple[str, int]]:
        """Changed cases by kind of change, in :data:`CHANGE_KINDS` order."""
        counts = Counter(change.kind for change in self.selected())
        return [(kind, counts[kind]) for kind in CHANGE_KINDS if counts[kind]]

    def by_rule(self) -> list[tuple[str, int]]:
        """For each rule, the changed cases where its status or computed value changed."""
        return _most_first(
            Counter(
                rule for change in self.selected() for rule in {r.rule_id for r in change.rules}
            )
        )

    def by_region(self) -> list[tuple[str, int]]:
        """Changed cases by the applicant's region (``-`` for cases without one)."""
        return _most_first(
            Counter("-" if c.region is None else c.region.name for c in self.selected())
        )

    def money(self) -> list[MoneyTotal]:
        """Each amount that moves, summed over the changed cases shown, old and new."""
        changes = self.selected()
        names = _names(*(c.old_money for c in changes), *(c.new_money for c in changes))
        return [
            MoneyTotal(
                name,
                sum((c.old_money.get(name, Decimal(0)) for c in changes), Decimal(0)),
                sum((c.new_money.get(name, Decimal(0)) for c in changes), Decimal(0)),
            )
            for name in names
        ]

    def not_yet_shown(self) -> list[DatedChange]:
        """The dated changes that start after every case's as-of day."""
        latest = self.latest_as_of
        return [
            change
            for change in self.changes_in_rules.dated
            if latest is None or change.first_day > latest
        ]

    def to_dict(self) -> dict[str, Any]:
        selected = self.selected()
        return {
            "base": _ruleset_ref(self.base),
            "rules": _ruleset_ref(self.rules),
            "ruleset_changes": self.changes_in_rules.to_dict(),
            "dated_changes": [
                {
                    **change.to_dict(),
                    "note": NOT_YET_SHOWN if change in self.not_yet_shown() else None,
                }
                for change in self.changes_in_rules.dated
            ],
            "latest_as_of": None if self.latest_as_of is None else self.latest_as_of.isoformat(),
            "cases": self.cases,
            "changed": len(self.changes),
            "unchanged": self.unchanged,
            "invalid": len(self.invalid),
            "filters": self.selection.to_dict(),
            "selected": len(selected),
            "by_kind": dict(self.by_kind()),
            "transitions": [
                {"from": old, "to": new, "cases": count} for (old, new), count in self.transitions()
            ],
            "by_rule": dict(self.by_rule()),
            "by_region": dict(self.by_region()),
            "money": [total.to_dict() for total in self.money()],
            "changes": [change.to_dict() for change in selected],
            "invalid_records": [json.loads(error.to_json()) for error in self.invalid],
        }


def _most_first(counts: Counter[K]) -> list[tuple[K, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _ruleset_ref(ruleset: CheckedRuleSet) -> dict[str, str]:
    return RuleSetRef.of(ruleset).model_dump()


class DiffState(NamedTuple):
    """What every comparison needs (sent once to each worker process)."""

    base: RuleSetEngine
    rules: RuleSetEngine
    changes: RuleSetChanges
    as_of: dt.date | None
    money_names: frozenset[str]
    """The derived values of either rule set that are money."""


def diff_population(
    base: RuleSetEngine,
    rules: RuleSetEngine,
    records: Iterable[Record],
    *,
    as_of: dt.date | None = None,
    workers: int = 1,
) -> DiffReport:
    """Decide every record with both engines and report the cases whose decision changes."""
    changes = ruleset_changes(base.ruleset, rules.ruleset)
    report = DiffReport(base.ruleset, rules.ruleset, changes)
    state = DiffState(
        base, rules, changes, as_of, _money_names(base.ruleset) | _money_names(rules.ruleset)
    )
    with deferred_interrupts() as interrupted:
        for compared in _compare_all(state, records, workers):
            interrupted()
            _record(report, compared)
    report.changes.sort(key=lambda change: change.order)
    return report


def _money_names(ruleset: CheckedRuleSet) -> frozenset[str]:
    return frozenset(
        name
        for case_rules in ruleset.cases.values()
        for name, type_ in case_rules.derived_types.items()
        if type_.base == "money"
    )


def _record(report: DiffReport, compared: Compared) -> None:
    if isinstance(compared, RecordError):
        report.invalid.append(compared)
        return
    if isinstance(compared, CaseChange):
        report.changes.append(compared)
    else:
        report.unchanged += 1
    if compared.as_of is not None and (
        report.latest_as_of is None or compared.as_of > report.latest_as_of
    ):
        report.latest_as_of = compared.as_of


def _compare_all(state: DiffState, records: Iterable[Record], workers: int) -> Iterator[Compared]:
    for chunk in ordered_map(compare_chunk, state, chunked(records, CHUNK_SIZE), workers):
        yield from chunk


def compare_chunk(state: DiffState, records: Sequence[Record]) -> list[Compared]:
    """Compare a chunk of records (the unit of work of a worker process)."""
    return [compare_record(state, record) for record in records]


def compare_record(state: DiffState, record: Record) -> Compared:
    """Decide one record with both engines and say what changed, if anything.

    A record neither engine can decide is invalid, not a change; one that only one of
    them refuses (a lookup row removed, a period shortened) is a change to or from
    ``error``.
    """
    case = parse_record(record)
    if isinstance(case, RecordError):
        return case
    case_id = getattr(case, "id", None)
    case_id = None if case_id is None else str(case_id)
    old, old_error = _decide(state.base, case, state.as_of)
    new, new_error = _decide(state.rules, case, state.as_of)
    if old is None and new is None:
        assert new_error is not None
        return RecordError(record.line, case_id, tuple(new_error.problems))
    as_of = max(decision.as_of for decision in (old, new) if decision is not None)
    if old is None or new is None:
        return CaseChange(
            line=record.line,
            case_id=case_id,
            old_outcome=ERROR if old is None else old.outcome,
            new_outcome=ERROR if new is None else new.outcome,
            kind="outcome",
            fields=(),
            rules=(),
            region=_region_of(case),
            as_of=as_of,
            old_money=_money(old, state.money_names),
            new_money=_money(new, state.money_names),
            old_error=None if old_error is None else str(old_error),
            new_error=None if new_error is None else str(new_error),
        )
    fields = tuple(_changed_paths(_decision_proper(old), _decision_proper(new)))
    if not fields:
        return Unchanged(record.line, as_of)
    return CaseChange(
        line=record.line,
        case_id=case_id,
        old_outcome=old.outcome,
        new_outcome=new.outcome,
        kind=_kind(old.outcome, new.outcome, fields, state.money_names),
        fields=fields,
        rules=_rule_changes(old.explanation(), new.explanation(), state.changes.redefined_rules),
        region=_region_of(case),
        as_of=as_of,
        old_money=_money(old, state.money_names),
        new_money=_money(new, state.money_names),
    )


def _decide(
    engine: RuleSetEngine, case: BaseModel, as_of: dt.date | None
) -> tuple[AnyDecision | None, CaseError | None]:
    try:
        return engine.evaluate(case, as_of=as_of), None
    except CaseError as error:
        return None, error
    except EvaluationError as error:
        return None, CaseError([FieldProblem("", str(error))])


def _decision_proper(decision: AnyDecision) -> dict[str, Any]:
    """The decision without its explanation, as its JSON shows it: ``ruleset`` and the
    findings of every place left out."""
    exclude: dict[str, Any] = {"ruleset": True, "findings": True}
    if isinstance(decision, PaymentDecision):
        exclude["milestones"] = {"__all__": {"findings"}}
    proper: dict[str, Any] = decision.model_dump(mode="json", exclude=exclude)
    return proper


def _changed_paths(old: Any, new: Any, path: str = "") -> Iterator[str]:
    """Paths where two JSON values differ, descending into objects and into lists of
    objects with their own ids (``milestones[M1].payable``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old)]:
            yield from _changed_paths(
                old.get(key), new.get(key), f"{path}.{key}" if path else str(key)
            )
        return
    old_items, new_items = _by_id(old), _by_id(new)
    if old_items is not None and new_items is not None:
        for label in [*old_items, *(label for label in new_items if label not in old_items)]:
            yield from _changed_paths(
                old_items.get(label), new_items.get(label), f"{path}[{label}]"
            )
    elif old != new:
        yield path or "(decision)"


def _by_id(value: Any) -> dict[str, Any] | None:
    """A list of objects by their own id (``milestone_id``...), None if it is not one."""
    if not isinstance(value, list):
        return None
    items: dict[str, Any] = {}
    for item in value:
        label = _own_id(item)
        if label is None or label in items:
            return None
        items[label] = item
    return items


def _own_id(item: Any) -> str | None:
    if isinstance(item, dict):
        for key, value in item.items():
            if key.endswith("_id") and isinstance(value, str):
                return value
    return None


def _kind(old: str, new: str, fields: Sequence[str], money_names: frozenset[str]) -> str:
    if old != new:
        return "outcome"
    if any(path.rpartition(".")[2] == "reasons" for path in fields):
        return "reasons"
    if any(_is_money(path, money_names) for path in fields):
        return "amounts"
    return "other"


def _is_money(path: str, money_names: frozenset[str]) -> bool:
    parent, _, leaf = path.rpartition(".")
    if parent == "derived" or parent.endswith(".derived"):
        return leaf in money_names
    if parent == "totals":
        return leaf in _DECIMAL_TOTALS
    return parent.startswith("milestones[") and leaf in _DECIMAL_MILESTONE


def _money(decision: AnyDecision | None, money_names: frozenset[str]) -> Money:
    """The money a decision grants or pays: nothing for a case refused or in error."""
    if decision is None:
        return {}
    if isinstance(decision, PaymentDecision):
        return {f"totals.{name}": getattr(decision.totals, name) for name in CLAIM_MONEY}
    granted = decision.outcome == "eligible"
    return {
        f"derived.{name}": Decimal(str(value)) if granted else Decimal(0)
        for name, value in decision.derived.items()
        if name in money_names and value is not None
    }


class _Seen(NamedTuple):
    status: str
    value: Any
    reads: dict[str, Any]


def _seen(finding: Finding) -> _Seen:
    shown = finding.model_dump(mode="json", include={"status", "value", "values"})
    return _Seen(shown["status"], shown.get("value"), shown.get("values") or {})


def _rule_changes(
    old: Explanation, new: Explanation, redefined: frozenset[str]
) -> tuple[RuleChange, ...]:
    old_findings = {(step.place.path, step.finding.rule_id): step.finding for step in old}
    new_findings = {(step.place.path, step.finding.rule_id): step.finding for step in new}
    found = []
    for key in [*old_findings, *(key for key in new_findings if key not in old_findings)]:
        where, rule_id = key
        before = old_findings.get(key)
        after = new_findings.get(key)
        change = _rule_change(
            rule_id,
            where,
            None if before is None else _seen(before),
            None if after is None else _seen(after),
            rule_id in redefined,
        )
        if change is not None:
            found.append(change)
    return tuple(found)


def _rule_change(
    rule_id: str, where: str, before: _Seen | None, after: _Seen | None, redefined: bool
) -> RuleChange | None:
    """The rule's change, or None where it made none: same status and value, or a rule
    of one rule set only that is met or does not apply (it changes nothing)."""
    if before is None or after is None:
        present = after or before
        assert present is not None
        if present.status not in ("not_met", "computed"):
            return None
    elif before.status == after.status and before.value == after.value:
        return None
    old_reads = {} if before is None else before.reads
    new_reads = {} if after is None else after.reads
    return RuleChange(
        rule_id=rule_id,
        where=where,
        old=NOT_PRESENT if before is None else before.status,
        new=NOT_PRESENT if after is None else after.status,
        value_changed=before is not None and after is not None and before.value != after.value,
        reads_changed={
            name: (old_reads.get(name), new_reads.get(name))
            for name in [*old_reads, *(n for n in new_reads if n not in old_reads)]
            if old_reads.get(name) != new_reads.get(name)
        },
        definition_changed=redefined,
    )
