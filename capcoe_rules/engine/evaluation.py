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
from functools import partial
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from capcoe_rules.engine.case_data import CaseData
from capcoe_rules.engine.closures import Compiled, compile_expression, getter
from capcoe_rules.engine.compiler import Exception_
from capcoe_rules.engine.decision_models import decision_models
from capcoe_rules.engine.interpreter import evaluate
from capcoe_rules.errors import EvaluationError
from capcoe_rules.language.expressions import Ref
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.language.types import Type
from capcoe_rules.language.values import decode
from capcoe_rules.models.decision import Decision, Finding, FindingStatus, RuleSetRef
from capcoe_rules.models.inputs import ROME
from capcoe_rules.models.labels import Text
from capcoe_rules.models.money import round_cents

Shower = Callable[[Any], Any]


class Matcher(Protocol):
    def exceptions(self, data: dict[str, Any]) -> Sequence[tuple[Rule, Exception_]]:
        """The requirements that do not apply to, or are not met by, the case in ``data``."""


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
class _Reading:
    name: str
    value: Compiled

    @classmethod
    def of(cls, ref: Ref) -> _Reading:
        return cls(ref.dotted, reader(ref.path, ref.type))


def _template(text: str, shows: dict[str, _Reading]) -> tuple[tuple[str, Compiled | None], ...]:
    """A message template split once into literal text and the readings it shows."""
    return tuple(
        (literal, shows[name].value if name else None)
        for literal, name, _, _ in string.Formatter().parse(text)
    )


@dataclass(frozen=True)
class _RulePlan:
    """What a finding of one rule needs, prepared once per rule set."""

    rule: Rule
    finding: type[Finding]
    """The rule's own finding model, typed by the rule set (see ``decision_models``)."""
    title: Text
    severity: Literal["blocking", "warning"] | None
    reads: tuple[_Reading, ...]
    message_it: tuple[tuple[str, Compiled | None], ...] | None
    message_en: tuple[tuple[str, Compiled | None], ...] | None
    compute: Compiled | None
    """For a derivation: its formula, compiled to closures or interpreted."""

    @property
    def usual_status(self) -> FindingStatus:
        """Its status unless the matcher reports an exception."""
        return "met" if self.rule.derive is None else "computed"

    @classmethod
    def of(cls, rule: Rule, finding: type[Finding], compiled: bool) -> _RulePlan:
        doc = rule.doc
        shows = {ref.dotted: _Reading.of(ref) for ref in rule.shows}
        message = doc.message
        formula = rule.value
        compute: Compiled | None = None
        if formula is not None:
            compute = compile_expression(formula) if compiled else partial(evaluate, formula)
        return cls(
            rule=rule,
            finding=finding,
            title=Text(it=doc.title.it, en=doc.title.en),
            severity=doc.severity if rule.kind == "requirement" else None,
            reads=tuple(_Reading.of(ref) for ref in rule.reads),
            message_it=None if message is None else _template(message.it, shows),
            message_en=None
            if message is None or message.en is None
            else _template(message.en, shows),
            compute=compute,
        )


class Decider:
    """Decides cases of one kind against one rule set, given a :class:`Matcher`."""

    def __init__(self, ruleset: CheckedRuleSet, case_rules: CaseRules, compiled: bool) -> None:
        """``compiled``: compute derived values with closures (the engine) rather than by
        interpreting their syntax trees (the reference)."""
        self.ruleset = ruleset
        self.case_rules = case_rules
        self._case_data = CaseData(ruleset, case_rules)
        self._ruleset_ref = RuleSetRef.of(ruleset)
        self.models = models = decision_models(ruleset)
        self._decision = models.decisions[case_rules.case_type]
        self._plans = tuple(
            _RulePlan.of(rule, models.findings[rule.id], compiled) for rule in case_rules.rules
        )
        by_id = {plan.rule.id: plan for plan in self._plans}
        self._derivations = tuple(by_id[rule.id] for rule in case_rules.derivations)
        self._derived_shown = {
            name: reader(("derived", name), type_)
            for name, type_ in case_rules.derived_types.items()
        }
        self._lookup_shown = {
            lookup.name: {
                column: reader((lookup.name, column), t)
                for column, t in lookup.table.columns.items()
            }
            for lookup in case_rules.lookups
        }

    def decide(self, matcher: Matcher, case: BaseModel, as_of: dt.date) -> Decision:
        data = self._case_data.build(case, as_of)
        derived = data["derived"]
        for plan in self._derivations:
            derived[plan.rule.derive] = _derive(plan, data)
        outcomes: dict[str, FindingStatus] = {}
        for rule, outcome in matcher.exceptions(data):
            # A negated `and` compiles to an `or` whose every true branch fires the same
            # production (DURABLE_RULES.md): count outcomes per rule, not per firing.
            if outcomes.setdefault(rule.id, outcome) != outcome:
                raise EvaluationError(f"rule {rule.id} found {outcomes[rule.id]} and {outcome}")
        findings = [self._finding(plan, outcomes, data) for plan in self._plans]
        not_met = [finding for finding in findings if finding.status == "not_met"]
        reasons = [finding.rule_id for finding in not_met if finding.severity == "blocking"]
        return self._decision.trusted(
            case_type=self.case_rules.case_type,
            case_id=str(getattr(case, "id", "")),
            outcome="not_eligible" if reasons else "eligible",
            as_of=as_of,
            ruleset=self._ruleset_ref,
            reasons=reasons,
            warnings=[finding.rule_id for finding in not_met if finding.severity == "warning"],
            lookups={
                name: {column: show(data) for column, show in columns.items()}
                for name, columns in self._lookup_shown.items()
            },
            derived={
                plan.rule.derive: self._derived_shown[plan.rule.derive](data)
                for plan in self._plans
                if plan.rule.derive is not None
            },
            findings=findings,
        )

    def _finding(
        self, plan: _RulePlan, outcomes: dict[str, FindingStatus], data: dict[str, Any]
    ) -> Finding:
        rule = plan.rule
        status = outcomes.get(rule.id, plan.usual_status)
        message = None
        if status == "not_met" and plan.message_it is not None:
            message = Text(
                it=_render(plan.message_it, data),
                en=None if plan.message_en is None else _render(plan.message_en, data),
            )
        # In the order of Finding's fields: pydantic serialises a model's __dict__ in order.
        return plan.finding.from_trusted(
            {
                "rule_id": rule.id,
                "kind": rule.kind,
                "status": status,
                "severity": plan.severity,
                "title": plan.title,
                "basis": rule.doc.basis,
                "provenance": rule.doc.provenance,
                "message": message,
                "values": {reading.name: reading.value(data) for reading in plan.reads},
                "derives": rule.derive,
                "value": None if rule.derive is None else self._derived_shown[rule.derive](data),
            }
        )


def _derive(plan: _RulePlan, data: dict[str, Any]) -> Any:
    rule = plan.rule
    assert plan.compute is not None and rule.value is not None
    try:
        value = plan.compute(data)
    except EvaluationError as error:
        raise EvaluationError(f"rule {rule.id} ({rule.file}): {error}") from None
    return round_cents(value) if rule.value.type.base == "money" else value


def _render(template: tuple[tuple[str, Compiled | None], ...], data: dict[str, Any]) -> str:
    parts = []
    for literal, value in template:
        parts.append(literal)
        if value is not None:
            parts.append(_as_text(value(data)))
    return "".join(parts)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value) or "-"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None:
        return "-"
    return str(value)
