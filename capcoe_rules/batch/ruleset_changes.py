"""What differs between two versions of a rule set's definitions, and from which day.

A diff lists the rules, parameters and tables the two rule sets define differently; for a
dated change (a parameter's value or a table row from a date) it also finds the first day
on which the two rule sets disagree, so that a report can say when a population of cases
decided before that day cannot show the change at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from capcoe_rules.language.ruleset import CheckedRuleSet, Parameter, Table
from capcoe_rules.language.values import EngineValue


@dataclass(frozen=True)
class DatedChange:
    """A parameter or table row whose value differs between the rule sets from ``first_day``."""

    kind: Literal["parameter", "table row"]
    name: str
    """The parameter's name, or ``table[key]`` for a row."""
    first_day: dt.date
    """The first day on which the two rule sets give it different values."""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "from": self.first_day.isoformat()}


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
    dated: tuple[DatedChange, ...] = ()
    """Each changed parameter and table row with the first day its values differ."""

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

    def listed(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each kind of change that has names, with its label, in the order reports show."""
        kinds = [
            ("rules changed", self.rules_changed),
            ("rules added", self.rules_added),
            ("rules removed", self.rules_removed),
            ("parameters changed", self.parameters_changed),
            ("tables changed", self.tables_changed),
            ("table rows changed", self.table_rows_changed),
        ]
        return [(label, names) for label, names in kinds if names]

    @property
    def redefined_rules(self) -> frozenset[str]:
        return frozenset((*self.rules_added, *self.rules_removed, *self.rules_changed))

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
    parameters_changed = _changed_names(
        {name: (p.type, p.values) for name, p in old.parameters.items()},
        {name: (p.type, p.values) for name, p in new.parameters.items()},
    )
    tables_changed = _changed_names(
        {name: (t.key, t.columns, t.versions) for name, t in old.tables.items()},
        {name: (t.key, t.columns, t.versions) for name, t in new.tables.items()},
    )
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
        parameters_changed=parameters_changed,
        tables_changed=tables_changed,
        table_rows_changed=_changed_rows(old, new),
        period_changed=(old.in_force_from, old.in_force_to) != (new.in_force_from, new.in_force_to),
        dated=(
            *_dated_parameters(old, new, parameters_changed),
            *_dated_rows(old, new, tables_changed),
        ),
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


def _dated_parameters(
    old: CheckedRuleSet, new: CheckedRuleSet, names: Iterable[str]
) -> Iterable[DatedChange]:
    for name in names:
        before, after = old.parameters.get(name), new.parameters.get(name)
        days = {*_parameter_days(before), *_parameter_days(after)}
        first = _first_difference(days, _value_of(before), _value_of(after))
        if first is not None:
            yield DatedChange("parameter", name, first)


def _parameter_days(parameter: Parameter | None) -> set[dt.date]:
    if parameter is None:
        return set()
    return {dated.from_ for dated in parameter.values} | {
        dated.to + dt.timedelta(days=1)
        for dated in parameter.values
        if dated.to is not None and dated.to < dt.date.max
    }


def _value_of(parameter: Parameter | None) -> Callable[[dt.date], EngineValue | None]:
    def value(day: dt.date) -> EngineValue | None:
        if parameter is None:
            return None
        return next((d.value for d in parameter.values if d.holds_on(day)), None)

    return value


def _dated_rows(
    old: CheckedRuleSet, new: CheckedRuleSet, names: Iterable[str]
) -> Iterable[DatedChange]:
    for name in names:
        before, after = old.tables.get(name), new.tables.get(name)
        days = {*_table_days(before), *_table_days(after)}
        keys = sorted(_keys(before) | _keys(after))
        for key in keys:
            first = _first_difference(days, _row_of(before, key), _row_of(after, key))
            if first is not None:
                yield DatedChange("table row", f"{name}[{key}]", first)


def _table_days(table: Table | None) -> tuple[dt.date, ...]:
    return () if table is None else table.change_days


def _keys(table: Table | None) -> set[str]:
    return set() if table is None else {row.key for row in table.versions}


def _row_of(table: Table | None, key: str) -> Callable[[dt.date], object]:
    def row(day: dt.date) -> object:
        return None if table is None else table.rows_on(day).get(key)

    return row


def _first_difference(
    days: Iterable[dt.date], old: Callable[[dt.date], object], new: Callable[[dt.date], object]
) -> dt.date | None:
    """The first day on which ``old`` and ``new`` differ: they can only start to differ on
    a day on which one of them changes (or on the earliest day)."""
    for day in sorted({dt.date.min, *days}):
        if old(day) != new(day):
            return day
    return None
