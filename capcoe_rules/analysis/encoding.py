"""One kind of case of one rule set, over a space of cases: what every rule computes.

Parameters are read as of the space's date (a constant on a fixed day, else a choice by
the date among their dated values); lookups are finite tables, a row chosen as the engine
chooses it (the row whose key equals the key, or the first band that holds the value);
derived values are translated in stratum order, money rounded to the cent as the engine
rounds it; a requirement is its ``when`` and its ``require``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import z3

from capcoe_rules.analysis.spaces import Space
from capcoe_rules.analysis.symbolic import (
    ListValue,
    Scalar,
    Term,
    Value,
    constant,
    if_chain,
    round_half_up,
)
from capcoe_rules.analysis.translate import NotTranslatableError, condition, translate
from capcoe_rules.language.expressions import Ref
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Lookup, Rule, Table
from capcoe_rules.language.types import Type


@dataclass(frozen=True)
class TableRow:
    """A table row with the days it holds (every day, until tables are dated)."""

    key: str
    values: dict[str, Any]
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def table_rows(table: Table) -> list[TableRow]:
    """The rows of ``table`` in the engine's order, each with the days it is in force."""
    return [TableRow(row.key, dict(row.values), row.from_, row.to) for row in table.versions]


@dataclass
class LookupEncoding:
    lookup: Lookup
    rows: list[TableRow]
    row: Term
    """The index of the row the engine joins."""
    matches: list[Term]
    """For each row: the case's key selects it (and the row holds on the date)."""
    resolvable: Term
    """Some row is joined: else the engine refuses the case (no row in the table)."""


@dataclass
class Untranslated:
    rule: Rule
    reason: str


@dataclass
class Encoding:
    ruleset: CheckedRuleSet
    case_rules: CaseRules
    space: Space
    tag: str
    """Distinguishes the variables of two rule sets over the same space."""
    lookups: dict[str, LookupEncoding] = field(default_factory=dict)
    definitions: list[Term] = field(default_factory=list)
    """What ties the rule set's own variables (rows, untranslated values) to the case."""
    untranslated: list[Untranslated] = field(default_factory=list)
    _derived: dict[str, Value] = field(default_factory=dict)
    _params: dict[str, Value] = field(default_factory=dict)
    _applies: dict[str, Term] = field(default_factory=dict)
    _holds: dict[str, Term] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for lookup in self.case_rules.lookups:
            self.lookups[lookup.name] = self._lookup(lookup)
        for rule in self.case_rules.derivations:
            self._derive(rule)
        for rule in self.requirements:
            self._requirement(rule)

    # -- what rules read --------------------------------------------------------------------

    def resolve(self, ref: Ref) -> Value:
        root, rest = ref.path[0], ref.path[1:]
        if root == self.case_rules.case_type:
            return self.space.read(rest)
        if root == "params":
            return self._param(rest[0])
        if root == "derived":
            return self._derived[rest[0]]
        if root in self.lookups:
            return self._column(self.lookups[root], rest[0])
        raise NotTranslatableError(f"unknown name {ref.dotted}")

    def _param(self, name: str) -> Value:
        if name not in self._params:
            parameter = self.ruleset.parameters[name]
            type_ = parameter.type
            if self.space.dates.kind == "fixed":
                assert self.space.dates.day is not None
                values = [(z3.BoolVal(True), parameter.value_on(self.space.dates.day))]
            else:
                as_of = self.space.as_of
                values = [
                    (
                        z3.And(
                            as_of >= dated.from_.toordinal(),
                            *([as_of <= dated.to.toordinal()] if dated.to is not None else []),
                        ),
                        dated.value,
                    )
                    for dated in parameter.values
                ]
            self._params[name] = self._choice_of(values, type_)
        return self._params[name]

    def _choice_of(self, values: list[tuple[Term, Any]], type_: Type) -> Value:
        """A value that is ``v`` where its condition holds (conditions exclusive)."""
        texts = self.space.texts
        if type_.base == "list":
            assert type_.item is not None
            item = type_.item
            return ListValue(
                tuple(
                    (condition_, tuple(constant(v, item, texts) for v in value))
                    for condition_, value in values
                )
            )
        terms = [(c, constant(value, type_, texts)) for c, value in values]
        return Scalar(if_chain(terms[:-1], terms[-1][1]))

    # -- lookups ----------------------------------------------------------------------------

    def _lookup(self, lookup: Lookup) -> LookupEncoding:
        rows = table_rows(lookup.table)
        key = self.resolve(lookup.key)
        assert isinstance(key, Scalar)
        texts = self.space.texts
        in_force = [self._holds_on_date(row) for row in rows]
        if lookup.doc.match == "exact":
            matches = [
                z3.And(key.term == texts.id(row.key), holds)
                for row, holds in zip(rows, in_force, strict=True)
            ]
        else:
            numbers = [
                z3.And(
                    key.term >= constant(row.values["lower"], Type("number"), texts),
                    key.term < constant(row.values["upper"], Type("number"), texts),
                    holds,
                )
                for row, holds in zip(rows, in_force, strict=True)
            ]
            # The engine takes the first band that holds the value.
            matches = [
                z3.And(inside, *[z3.Not(earlier) for earlier in numbers[:index]])
                for index, inside in enumerate(numbers)
            ]
        row = z3.Int(self.space.name(self.tag, "lookup", lookup.name))
        resolvable = z3.Or(matches) if matches else z3.BoolVal(False)
        self.definitions += [
            *(z3.Implies(row == index, match) for index, match in enumerate(matches)),
            # Without a row the engine refuses the case: the index then means nothing.
            z3.Implies(resolvable, z3.And(row >= 0, row < len(rows))),
        ]
        return LookupEncoding(lookup, rows, row, matches, resolvable)

    def _holds_on_date(self, row: TableRow) -> Term:
        as_of = self.space.as_of
        parts = []
        if row.valid_from is not None:
            parts.append(as_of >= row.valid_from.toordinal())
        if row.valid_to is not None:
            parts.append(as_of <= row.valid_to.toordinal())
        return z3.And(parts) if parts else z3.BoolVal(True)

    def _column(self, lookup: LookupEncoding, column: str) -> Value:
        type_ = lookup.lookup.table.columns[column]
        values = [
            (lookup.row == index, row.values[column]) for index, row in enumerate(lookup.rows)
        ]
        return self._choice_of(values, type_)

    # -- rules ------------------------------------------------------------------------------

    @property
    def requirements(self) -> list[Rule]:
        return [rule for rule in self.case_rules.rules if rule.require is not None]

    @property
    def blocking(self) -> list[Rule]:
        return [rule for rule in self.requirements if rule.doc.severity == "blocking"]

    def _derive(self, rule: Rule) -> None:
        assert rule.derive is not None and rule.value is not None
        try:
            value = translate(rule.value, self.resolve, self.space.texts)
            if isinstance(value, Scalar) and rule.value.type.base == "money":
                value = Scalar(round_half_up(value.term), value.null)
        except NotTranslatableError as error:
            self.untranslated.append(Untranslated(rule, str(error)))
            value = self._free(rule)
        self._derived[rule.derive] = value

    def _free(self, rule: Rule) -> Value:
        """A value the analysis does not model: any value of its type."""
        assert rule.value is not None and rule.derive is not None
        type_ = rule.value.type
        if type_.base == "list":
            raise_ = f"{rule.id}: a list the analysis does not model"
            raise NotTranslatableError(raise_)
        name = self.space.name(self.tag, "free", rule.derive)
        if type_.base == "bool":
            return Scalar(z3.Bool(name))
        if type_.base in ("number", "money"):
            return Scalar(z3.Real(name))
        return Scalar(z3.Int(name))

    def _requirement(self, rule: Rule) -> None:
        assert rule.require is not None
        texts = self.space.texts
        try:
            applies = (
                z3.BoolVal(True) if rule.when is None else condition(rule.when, self.resolve, texts)
            )
            holds = condition(rule.require, self.resolve, texts)
        except NotTranslatableError as error:
            self.untranslated.append(Untranslated(rule, str(error)))
            applies = z3.Bool(self.space.name(self.tag, "free", rule.id, "applies"))
            holds = z3.Bool(self.space.name(self.tag, "free", rule.id, "holds"))
        self._applies[rule.id], self._holds[rule.id] = applies, holds

    def analysed(self, rule: Rule) -> bool:
        return all(item.rule.id != rule.id for item in self.untranslated)

    def applies(self, rule: Rule) -> Term:
        return self._applies[rule.id]

    def holds(self, rule: Rule) -> Term:
        return self._holds[rule.id]

    def fails(self, rule: Rule) -> Term:
        return z3.And(self.applies(rule), z3.Not(self.holds(rule)))

    def passes(self, rule: Rule) -> Term:
        """Met or not applicable: the rule does not refuse the case."""
        return z3.Or(z3.Not(self.applies(rule)), self.holds(rule))

    def eligible(self) -> Term:
        return z3.And([self.passes(rule) for rule in self.blocking] or [z3.BoolVal(True)])

    def derived(self, name: str) -> Value:
        return self._derived[name]

    def decided(self) -> Term:
        """The engine decides the case: every lookup finds its row."""
        return z3.And([lookup.resolvable for lookup in self.lookups.values()] or [True])

    def base(self) -> list[Term]:
        """What holds on every case this rule set decides, bar the lookups' rows."""
        return [*self.definitions]
