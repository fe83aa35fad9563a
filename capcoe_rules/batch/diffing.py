"""Which decisions change between two versions of a rule set, and which rules cause it.

Policy staff change a date or a threshold and must see, before they commit, every case
whose decision moves. Each case of a population is decided by both engines and the two
decisions are compared on their JSON form, so that any kind of decision (an
application's, a payment claim's) is compared the same way:

- the decision proper is every field except ``ruleset`` (which always differs) and the
  ``findings`` lists (the explanation, wherever they are nested): outcome, reasons,
  warnings, derived values, lookups, and for payment claims the milestones' amounts;
- the rules responsible are those whose finding changed status (met, not met, not
  applicable), or whose derived value changed, each with the values it read that
  changed (``params.hiring_window_closes: 2024-01-30... -> 2024-01-15...``) and whether
  its own definition changed between the rule sets.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel

from capcoe_rules.batch.interrupts import deferred_interrupts
from capcoe_rules.batch.reading import Record, parse_record
from capcoe_rules.batch.running import CHUNK_SIZE, DecisionLike, chunked, ordered_map
from capcoe_rules.errors import CaseError, EvaluationError, FieldProblem, RecordError
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.models.decision import RuleSetRef

ERROR = "error"
"""The outcome shown for a side that refused the case (e.g. a lookup row removed)."""
NOT_PRESENT = "absent"
"""The status shown for a rule that one of the two rule sets does not have."""
IGNORED_FIELDS = frozenset({"ruleset"})
EXPLANATION_KEY = "findings"


class RuleSetEngine(Protocol):
    """An engine over a checked rule set (``Engine`` and ``ReferenceEvaluator`` are)."""

    ruleset: CheckedRuleSet

    def evaluate(self, case: BaseModel, as_of: dt.date | None = None) -> DecisionLike: ...


@dataclass(frozen=True)
class RuleSetChanges:
    """What differs between two rule sets' definitions, by rule, parameter and table."""

    rules_added: tuple[str, ...] = ()
    rules_removed: tuple[str, ...] = ()
    rules_changed: tuple[str, ...] = ()
    parameters_changed: tuple[str, ...] = ()
    tables_changed: tuple[str, ...] = ()
    table_rows_changed: tuple[str, ...] = ()
    """Each row version found in only one of the two rule sets, as
    ``table[key] from..to`` (``+`` new, ``-`` gone), so that a dated change shows its date."""
    period_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.rules_added
            or self.rules_removed
            or self.rules_changed
            or self.parameters_changed
            or self.tables_changed
            or self.period_changed
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_added": list(self.rules_added),
            "rules_removed": list(self.rules_removed),
            "rules_changed": list(self.rules_changed),
            "parameters_changed": list(self.parameters_changed),
            "tables_changed": list(self.tables_changed),
            "table_rows_changed": list(self.table_rows_changed),
            "period_changed": self.period_changed,
        }


def ruleset_changes(old: CheckedRuleSet, new: CheckedRuleSet) -> RuleSetChanges:
    """Compare two rule sets' definitions (documents and values, not file layout)."""
    old_rules = _rules_by_id(old)
    new_rules = _rules_by_id(new)
    return RuleSetChanges(
        rules_added=tuple(sorted(new_rules.keys() - old_rules.keys())),
        rules_removed=tuple(sorted(old_rules.keys() - new_rules.keys())),
        rules_changed=tuple(
            sorted(
                rule_id
                for rule_id in old_rules.keys() & new_rules.keys()
                if old_rules[rule_id] != new_rules[rule_id]
            )
        ),
        parameters_changed=_changed_names(
            {name: (p.type, p.values) for name, p in old.parameters.items()},
            {name: (p.type, p.values) for name, p in new.parameters.items()},
        ),
        tables_changed=_changed_names(
            {name: (t.key, t.columns, t.versions) for name, t in old.tables.items()},
            {name: (t.key, t.columns, t.versions) for name, t in new.tables.items()},
        ),
        table_rows_changed=_changed_rows(old, new),
        period_changed=(old.in_force_from, old.in_force_to) != (new.in_force_from, new.in_force_to),
    )


def _rules_by_id(ruleset: CheckedRuleSet) -> dict[str, Any]:
    return {
        rule.id: (case_type, rule.doc)
        for case_type, case_rules in ruleset.cases.items()
        for rule in case_rules.rules
    }


def _changed_rows(old: CheckedRuleSet, new: CheckedRuleSet) -> tuple[str, ...]:
    def versions(ruleset: CheckedRuleSet) -> set[tuple[str, str, dt.date, dt.date | None, str]]:
        return {
            (name, row.key, row.from_, row.to, repr(sorted(row.values.items())))
            for name, table in ruleset.tables.items()
            for row in table.versions
        }

    before, after = versions(old), versions(new)
    changed = [("-", row) for row in before - after] + [("+", row) for row in after - before]
    return tuple(
        f"{sign}{name}[{key}] {start}..{'' if end is None else end}"
        for sign, (name, key, start, end, _) in sorted(
            changed, key=lambda item: (item[1][:2], str(item[1][2]), item[0])
        )
    )


def _changed_names(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name)))


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


class CaseChange(NamedTuple):
    """A case whose decision differs: the outcomes, the fields that moved, the causes."""

    line: int
    case_id: str | None
    old_outcome: str
    new_outcome: str
    fields: tuple[str, ...]
    rules: tuple[RuleChange, ...]
    old_error: str | None = None
    new_error: str | None = None

    @property
    def transition(self) -> tuple[str, str]:
        return (self.old_outcome, self.new_outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "id": self.case_id,
            "from": self.old_outcome,
            "to": self.new_outcome,
            "fields": list(self.fields),
            "rules": [rule.to_dict() for rule in self.rules],
            "errors": {"base": self.old_error, "rules": self.new_error},
        }


class Unchanged(NamedTuple):
    line: int


Compared = CaseChange | Unchanged | RecordError


@dataclass
class DiffReport:
    """The differences over a whole population, in input order, with their totals."""

    base: CheckedRuleSet
    rules: CheckedRuleSet
    changes_in_rules: RuleSetChanges
    changes: list[CaseChange] = field(default_factory=list)
    unchanged: int = 0
    invalid: list[RecordError] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return len(self.changes) + self.unchanged + len(self.invalid)

    def transitions(self) -> list[tuple[tuple[str, str], int]]:
        """``((old, new), cases)``, most frequent first, then by name."""
        counts = Counter(change.transition for change in self.changes)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def by_rule(self) -> list[tuple[str, int]]:
        """How many changed cases each rule is responsible for, most first."""
        counts = Counter(
            label for change in self.changes for label in {r.label for r in change.rules}
        )
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": _ruleset_ref(self.base),
            "rules": _ruleset_ref(self.rules),
            "ruleset_changes": self.changes_in_rules.to_dict(),
            "cases": self.cases,
            "changed": len(self.changes),
            "unchanged": self.unchanged,
            "invalid": len(self.invalid),
            "transitions": [
                {"from": old, "to": new, "cases": count} for (old, new), count in self.transitions()
            ],
            "by_rule": dict(self.by_rule()),
            "changes": [change.to_dict() for change in self.changes],
            "invalid_records": [json.loads(error.to_json()) for error in self.invalid],
        }


def _ruleset_ref(ruleset: CheckedRuleSet) -> dict[str, str]:
    return RuleSetRef.of(ruleset).model_dump()


DiffState = tuple[RuleSetEngine, RuleSetEngine, RuleSetChanges, dt.date | None]


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
    state: DiffState = (base, rules, changes, as_of)
    with deferred_interrupts() as interrupted:
        for compared in _compare_all(state, records, workers):
            interrupted()
            _record(report, compared)
    return report


def _record(report: DiffReport, compared: Compared) -> None:
    if isinstance(compared, CaseChange):
        report.changes.append(compared)
    elif isinstance(compared, RecordError):
        report.invalid.append(compared)
    else:
        report.unchanged += 1


def _compare_all(state: DiffState, records: Iterable[Record], workers: int) -> Iterator[Compared]:
    for chunk in ordered_map(compare_chunk, state, chunked(records, CHUNK_SIZE), workers):
        yield from chunk


def compare_chunk(state: DiffState, records: Sequence[Record]) -> list[Compared]:
    """Compare a chunk of records (the unit of work of a worker process)."""
    base, rules, changes, as_of = state
    return [compare_record(base, rules, changes, record, as_of) for record in records]


def compare_record(
    base: RuleSetEngine,
    rules: RuleSetEngine,
    changes: RuleSetChanges,
    record: Record,
    as_of: dt.date | None = None,
) -> Compared:
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
    old, old_error = _decide(base, case, as_of)
    new, new_error = _decide(rules, case, as_of)
    if old is None and new is None:
        assert new_error is not None
        return RecordError(record.line, case_id, tuple(new_error.problems))
    if old is None or new is None:
        return CaseChange(
            line=record.line,
            case_id=case_id,
            old_outcome=ERROR if old is None else _outcome(old),
            new_outcome=ERROR if new is None else _outcome(new),
            fields=(),
            rules=(),
            old_error=None if old_error is None else str(old_error),
            new_error=None if new_error is None else str(new_error),
        )
    fields = tuple(_changed_paths(_decision_proper(old), _decision_proper(new)))
    if not fields:
        return Unchanged(record.line)
    return CaseChange(
        line=record.line,
        case_id=case_id,
        old_outcome=_outcome(old),
        new_outcome=_outcome(new),
        fields=fields,
        rules=_rule_changes(old, new, changes),
    )


def _decide(
    engine: RuleSetEngine, case: BaseModel, as_of: dt.date | None
) -> tuple[dict[str, Any] | None, CaseError | None]:
    try:
        decision = engine.evaluate(case, as_of=as_of)
    except CaseError as error:
        return None, error
    except EvaluationError as error:
        return None, CaseError([FieldProblem("", str(error))])
    loaded: dict[str, Any] = json.loads(decision.to_json())
    return loaded, None


def _outcome(decision: Mapping[str, Any]) -> str:
    return str(decision.get("outcome", "-"))


def _decision_proper(value: Any, top: bool = True) -> Any:
    """The decision without its explanation: ``ruleset`` and every ``findings`` removed."""
    if isinstance(value, dict):
        return {
            key: _decision_proper(item, top=False)
            for key, item in value.items()
            if key != EXPLANATION_KEY and not (top and key in IGNORED_FIELDS)
        }
    if isinstance(value, list):
        return [_decision_proper(item, top=False) for item in value]
    return value


def _changed_paths(old: Any, new: Any, path: str = "") -> Iterator[str]:
    """Dotted paths where two JSON values differ, descending into objects (not lists)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old)]:
            yield from _changed_paths(
                old.get(key), new.get(key), f"{path}.{key}" if path else str(key)
            )
    elif old != new:
        yield path or "(decision)"


class _Seen(NamedTuple):
    status: str
    value: Any
    reads: dict[str, Any]


def _rule_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], changes: RuleSetChanges
) -> tuple[RuleChange, ...]:
    old_findings = dict(_findings(old))
    new_findings = dict(_findings(new))
    redefined = {*changes.rules_added, *changes.rules_removed, *changes.rules_changed}
    found = []
    for key in [*old_findings, *(key for key in new_findings if key not in old_findings)]:
        where, rule_id = key
        before = old_findings.get(key)
        after = new_findings.get(key)
        old_status = NOT_PRESENT if before is None else before.status
        new_status = NOT_PRESENT if after is None else after.status
        value_changed = before is not None and after is not None and before.value != after.value
        if old_status == new_status and not value_changed:
            continue
        old_reads = {} if before is None else before.reads
        new_reads = {} if after is None else after.reads
        found.append(
            RuleChange(
                rule_id=rule_id,
                where=where,
                old=old_status,
                new=new_status,
                value_changed=value_changed,
                reads_changed={
                    name: (old_reads.get(name), new_reads.get(name))
                    for name in [*old_reads, *(n for n in new_reads if n not in old_reads)]
                    if old_reads.get(name) != new_reads.get(name)
                },
                definition_changed=rule_id in redefined,
            )
        )
    return tuple(found)


def _findings(value: Any, where: str = "") -> Iterator[tuple[tuple[str, str], _Seen]]:
    """Every finding of a decision's JSON, keyed by (where it sits, rule id)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == EXPLANATION_KEY and isinstance(item, list):
                for finding in item:
                    if isinstance(finding, dict) and "rule_id" in finding:
                        yield (
                            (where, str(finding["rule_id"])),
                            _Seen(
                                str(finding.get("status")),
                                finding.get("value"),
                                dict(finding.get("values") or {}),
                            ),
                        )
            else:
                yield from _findings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _findings(item, f"{where}[{_label(item, index)}]")


def _label(item: Any, index: int) -> str:
    """A list element's own id (``milestone_id``...) when it has one, else its index."""
    if isinstance(item, dict):
        for key, value in item.items():
            if key.endswith("_id") and isinstance(value, str):
                return value
    return str(index)
