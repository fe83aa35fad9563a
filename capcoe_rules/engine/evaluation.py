"""The evaluation of one case, whatever decides which requirements hold.

First the derived values are computed, in dependency order; then a :class:`Matcher` says
which requirements do not apply or are not met: the durable_rules engine in production,
the plain-Python reference in tests and benchmarks. Everything else (data, derived values,
findings, the decision) is shared by :class:`Decider`, so the two can only differ in
matching, which is what the differential tests compare.

What the evaluation found is a :class:`Judgement`; the decision is then either built as
objects (:meth:`Decider.decide`) or written straight to JSON text
(:meth:`Decider.decide_json`, the same bytes as ``decide(...).to_json()``, at a fraction
of the cost: a batch needs the text, not the objects).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from capcoe_rules.engine.case_data import CaseData
from capcoe_rules.engine.compiler import Exception_
from capcoe_rules.engine.decision_json import DecisionText, DecisionWriter
from capcoe_rules.engine.decision_models import DecisionModels, GenericModels, decision_models
from capcoe_rules.engine.plans import RulePlan, reader, render
from capcoe_rules.errors import EvaluationError
from capcoe_rules.errors import Text as Said
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.models.decision import Decision, Finding, FindingStatus, RuleSetRef
from capcoe_rules.models.labels import Text
from capcoe_rules.models.money import round_cents


class Matcher(Protocol):
    def exceptions(self, data: dict[str, Any]) -> Sequence[tuple[Rule, Exception_]]:
        """The requirements that do not apply to, or are not met by, the case in ``data``."""


@dataclass(frozen=True)
class Judgement:
    """What evaluating one case found, before any decision is written."""

    case_id: str
    as_of: dt.date
    data: dict[str, Any]
    """The engine data, derived values included."""
    statuses: tuple[FindingStatus, ...]
    """One per rule, in the order of the decider's plans."""


class Decider:
    """Decides cases of one kind against one rule set, given a :class:`Matcher`."""

    def __init__(
        self, ruleset: CheckedRuleSet, case_rules: CaseRules, compiled: bool, typed: bool = True
    ) -> None:
        """``compiled``: compute derived values with closures (the engine) rather than by
        interpreting their syntax trees (the reference). ``typed``: build decisions from
        the rule set's typed models (:mod:`.decision_models`), else from the generic ones."""
        self.ruleset = ruleset
        self._typed = typed
        self.case_rules = case_rules
        self._case_data = CaseData(ruleset, case_rules)
        self._ruleset_ref = RuleSetRef.of(ruleset)
        self.plans = tuple(RulePlan.of(rule, compiled) for rule in case_rules.rules)
        by_id = {plan.rule.id: plan for plan in self.plans}
        self._plan_index = {plan.rule.id: index for index, plan in enumerate(self.plans)}
        self._usual_statuses: tuple[FindingStatus, ...] = tuple(
            plan.usual_status for plan in self.plans
        )
        self._derivations = tuple(by_id[rule.id] for rule in case_rules.derivations)
        self.derived_shown = {
            name: reader(("derived", name), type_)
            for name, type_ in case_rules.derived_types.items()
        }
        self.lookup_shown = {
            lookup.name: {
                column: reader((lookup.name, column), t)
                for column, t in lookup.table.columns.items()
            }
            for lookup in case_rules.lookups
        }
        self._writer = DecisionWriter(self)

    @property
    def ruleset_ref(self) -> RuleSetRef:
        return self._ruleset_ref

    @functools.cached_property
    def models(self) -> DecisionModels | GenericModels:
        """The rule set's typed decision models, built the first time a decision object is
        (a pydantic model per rule: about 1.4 ms each, which ``decide_json`` never needs);
        the generic ones if this decider is not ``typed``."""
        return decision_models(self.ruleset) if self._typed else GenericModels(self.ruleset)

    @functools.cached_property
    def _decision(self) -> type[Decision]:
        return self.models.decisions[self.case_rules.case_type]

    def judge(self, matcher: Matcher, case: BaseModel, as_of: dt.date) -> Judgement:
        """Compute the derived values of ``case`` and the status of every rule."""
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
        statuses: list[FindingStatus] = list(self._usual_statuses)
        index = self._plan_index
        for rule_id, status in outcomes.items():
            statuses[index[rule_id]] = status
        return Judgement(str(getattr(case, "id", "")), as_of, data, tuple(statuses))

    def decide(self, matcher: Matcher, case: BaseModel, as_of: dt.date) -> Decision:
        return self.build(self.judge(matcher, case, as_of))

    def decide_json(
        self, matcher: Matcher, case: BaseModel, as_of: dt.date, compact: bool = False
    ) -> DecisionText:
        """The decision's JSON, byte for byte ``decide(...).to_json()``, without building it
        (with ``compact``: the compact decision's)."""
        return self._writer.write(self.judge(matcher, case, as_of), compact)

    def build(self, judgement: Judgement) -> Decision:
        """The decision object of a judgement."""
        data = judgement.data
        findings = [
            self._finding(plan, status, data)
            for plan, status in zip(self.plans, judgement.statuses, strict=True)
        ]
        not_met = [finding for finding in findings if finding.status == "not_met"]
        reasons = [finding.rule_id for finding in not_met if finding.severity == "blocking"]
        return self._decision.trusted(
            case_type=self.case_rules.case_type,
            case_id=judgement.case_id,
            outcome="not_eligible" if reasons else "eligible",
            as_of=judgement.as_of,
            ruleset=self._ruleset_ref,
            reasons=reasons,
            warnings=[finding.rule_id for finding in not_met if finding.severity == "warning"],
            lookups={
                name: {column: show(data) for column, show in columns.items()}
                for name, columns in self.lookup_shown.items()
            },
            derived={
                plan.rule.derive: self.derived_shown[plan.rule.derive](data)
                for plan in self.plans
                if plan.rule.derive is not None
            },
            findings=findings,
        )

    def _finding(self, plan: RulePlan, status: FindingStatus, data: dict[str, Any]) -> Finding:
        rule = plan.rule
        # In the order of Finding's fields: pydantic serialises a model's __dict__ in order.
        return self.models.findings[rule.id].from_trusted(
            {
                "rule_id": rule.id,
                "kind": rule.kind,
                "status": status,
                "severity": plan.severity,
                "title": plan.title,
                "basis": rule.doc.basis,
                "provenance": rule.doc.provenance,
                "message": message(plan, status, data),
                "values": {reading.name: reading.value(data) for reading in plan.reads},
                "derives": rule.derive,
                "value": None if rule.derive is None else self.derived_shown[rule.derive](data),
            }
        )


def message(plan: RulePlan, status: FindingStatus, data: dict[str, Any]) -> Text | None:
    """The finding's message: only a rule not met has one, if its file writes one."""
    if status != "not_met" or plan.message_it is None:
        return None
    return Text(
        it=render(plan.message_it, data),
        en=None if plan.message_en is None else render(plan.message_en, data),
    )


def _derive(plan: RulePlan, data: dict[str, Any]) -> Any:
    rule = plan.rule
    assert plan.compute is not None and rule.value is not None
    try:
        value = plan.compute(data)
    except EvaluationError as error:
        where = Said(f"rule {rule.id} ({rule.file}): ", f"regola {rule.id} ({rule.file}): ")
        raise EvaluationError(where + error.text) from None
    return round_cents(value) if rule.value.type.base == "money" else value
