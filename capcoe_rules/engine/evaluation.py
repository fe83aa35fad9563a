"""The evaluation of one case, whatever decides which requirements hold.

First the derived values are computed, in dependency order; then a :class:`Matcher` says
which requirements do not apply or are not met: the durable_rules engine in production,
the plain-Python reference in tests and benchmarks. Everything else (data, derived values,
findings, the decision) is shared by :class:`Decider`, so the two can only differ in
matching, which is what the differential tests compare.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from capcoe_rules.engine.case_data import build_data
from capcoe_rules.engine.compiler import Exception_
from capcoe_rules.engine.interpreter import evaluate, read
from capcoe_rules.errors import EvaluationError
from capcoe_rules.language.expressions import Ref
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.language.types import Type
from capcoe_rules.language.values import decode
from capcoe_rules.models.decision import Decision, Finding, FindingStatus, RuleSetRef
from capcoe_rules.models.labels import Text
from capcoe_rules.models.money import round_cents

ROME = ZoneInfo("Europe/Rome")
Shower = Callable[[Any], Any]


class Matcher(Protocol):
    def exceptions(self, data: dict[str, Any]) -> Sequence[tuple[Rule, Exception_]]:
        """The requirements that do not apply to, or are not met by, the case in ``data``."""


def shower(type_: Type) -> Shower:
    """How a decision shows a value of ``type_``: euros, dates, times in Rome."""
    if type_.base in ("text", "bool", "number", "null"):
        return _identity
    if type_.base == "datetime":
        return lambda value: None if value is None else decode(value, type_).astimezone(ROME)
    return lambda value: decode(value, type_)


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class _Reading:
    name: str
    path: tuple[str, ...]
    show: Shower

    @classmethod
    def of(cls, ref: Ref) -> _Reading:
        return cls(ref.dotted, ref.path, shower(ref.type))

    def value(self, data: dict[str, Any]) -> Any:
        return self.show(read(data, self.path))


@dataclass(frozen=True)
class _RulePlan:
    """What a finding of one rule needs, prepared once per rule set."""

    rule: Rule
    title: Text
    severity: Literal["blocking", "warning"] | None
    reads: tuple[_Reading, ...]
    shows: dict[str, _Reading]

    @classmethod
    def of(cls, rule: Rule) -> _RulePlan:
        doc = rule.doc
        return cls(
            rule=rule,
            title=Text(it=doc.title.it, en=doc.title.en),
            severity=doc.severity if rule.kind == "requirement" else None,
            reads=tuple(_Reading.of(ref) for ref in rule.reads),
            shows={ref.dotted: _Reading.of(ref) for ref in rule.shows},
        )


class Decider:
    """Decides cases of one kind against one rule set, given a :class:`Matcher`."""

    def __init__(self, ruleset: CheckedRuleSet, case_rules: CaseRules) -> None:
        self.ruleset = ruleset
        self.case_rules = case_rules
        self._ruleset_ref = RuleSetRef(
            name=ruleset.name, version=ruleset.version, content_hash=ruleset.content_hash
        )
        self._plans = tuple(_RulePlan.of(rule) for rule in case_rules.rules)
        self._derived_shown = {
            name: shower(type_) for name, type_ in case_rules.derived_types.items()
        }
        self._lookup_shown = {
            lookup.name: {column: shower(t) for column, t in lookup.table.columns.items()}
            for lookup in case_rules.lookups
        }

    def decide(self, matcher: Matcher, case: BaseModel, as_of: dt.date) -> Decision:
        data = build_data(self.ruleset, self.case_rules, case, as_of)
        for rule in self.case_rules.derivations:
            assert rule.derive is not None
            data["derived"][rule.derive] = _derive(rule, data)
        outcomes: dict[str, FindingStatus] = {}
        for rule, outcome in matcher.exceptions(data):
            if rule.id in outcomes:
                raise EvaluationError(f"rule {rule.id} found {outcomes[rule.id]} and {outcome}")
            outcomes[rule.id] = outcome
        findings = [self._finding(plan, outcomes, data) for plan in self._plans]
        not_met = [finding for finding in findings if finding.status == "not_met"]
        reasons = [finding.rule_id for finding in not_met if finding.severity == "blocking"]
        return Decision.trusted(
            case_type=self.case_rules.case_type,
            case_id=str(getattr(case, "id", "")),
            outcome="not_eligible" if reasons else "eligible",
            as_of=as_of,
            ruleset=self._ruleset_ref,
            reasons=reasons,
            warnings=[finding.rule_id for finding in not_met if finding.severity == "warning"],
            lookups={
                name: {column: show(data[name][column]) for column, show in columns.items()}
                for name, columns in self._lookup_shown.items()
            },
            derived={
                name: self._derived_shown[name](data["derived"][name])
                for name in (plan.rule.derive for plan in self._plans)
                if name is not None
            },
            findings=findings,
        )

    def _finding(
        self, plan: _RulePlan, outcomes: dict[str, FindingStatus], data: dict[str, Any]
    ) -> Finding:
        rule = plan.rule
        status = outcomes.get(rule.id, "met" if rule.derive is None else "computed")
        message = rule.doc.message
        return Finding.trusted(
            rule_id=rule.id,
            kind=rule.kind,
            status=status,
            severity=plan.severity,
            title=plan.title,
            basis=rule.doc.basis,
            provenance=rule.doc.provenance,
            message=(
                Text(
                    it=_render(message.it, plan, data),
                    en=None if message.en is None else _render(message.en, plan, data),
                )
                if message is not None and status == "not_met"
                else None
            ),
            values={reading.name: reading.value(data) for reading in plan.reads},
            derives=rule.derive,
            value=(
                None
                if rule.derive is None
                else self._derived_shown[rule.derive](data["derived"][rule.derive])
            ),
        )


def _derive(rule: Rule, data: dict[str, Any]) -> Any:
    assert rule.value is not None
    try:
        value = evaluate(rule.value, data)
    except EvaluationError as error:
        raise EvaluationError(f"rule {rule.id} ({rule.file}): {error}") from None
    return round_cents(value) if rule.value.type.base == "money" else value


def _render(template: str, plan: _RulePlan, data: dict[str, Any]) -> str:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name:
            parts.append(_as_text(plan.shows[name].value(data)))
    return "".join(parts)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value) or "-"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None:
        return "-"
    return str(value)
