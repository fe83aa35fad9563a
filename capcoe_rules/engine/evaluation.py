"""The evaluation of one case, stratum by stratum, whatever decides which rules fire.

A :class:`Matcher` says which productions fire on the data of one stratum: the
durable_rules engine in production, the plain-Python reference in tests and benchmarks.
Everything else (data, derived values, findings, the decision) is shared, so the two can
only differ in matching, which is what the differential tests compare.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from capcoe_rules.engine.case_data import build_data
from capcoe_rules.engine.compiler import Outcome
from capcoe_rules.engine.interpreter import evaluate, read
from capcoe_rules.errors import EvaluationError
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.language.types import Type
from capcoe_rules.language.values import decode
from capcoe_rules.models.decision import Decision, Finding, RuleSetRef
from capcoe_rules.models.labels import Text
from capcoe_rules.models.money import round_cents

ROME = ZoneInfo("Europe/Rome")


class Matcher(Protocol):
    def fire(self, stratum: int, data: dict[str, Any]) -> Sequence[tuple[Rule, Outcome]]:
        """The rules of ``stratum`` that fire on ``data``, with what each found."""


def decide(
    ruleset: CheckedRuleSet,
    case_rules: CaseRules,
    matcher: Matcher,
    case: BaseModel,
    as_of: dt.date,
) -> Decision:
    data = build_data(ruleset, case_rules, case, as_of)
    outcomes: dict[str, Outcome] = {}
    for stratum in range(case_rules.strata):
        fired = matcher.fire(stratum, data)
        for rule, outcome in fired:
            if rule.id in outcomes:
                raise EvaluationError(
                    f"rule {rule.id} fired twice ({outcomes[rule.id]}, {outcome})"
                )
            outcomes[rule.id] = outcome
        for rule in case_rules.rules:
            if rule.stratum == stratum and rule.derive is not None:
                data["derived"][rule.derive] = _derive(rule, data, outcomes)
    findings = [_finding(rule, outcomes.get(rule.id), data) for rule in case_rules.rules]
    reasons = [f.rule_id for f in findings if f.status == "not_met" and f.severity == "blocking"]
    return Decision(
        case_type=case_rules.case_type,
        case_id=str(getattr(case, "id", "")),
        outcome="not_eligible" if reasons else "eligible",
        as_of=as_of,
        ruleset=RuleSetRef(
            name=ruleset.name, version=ruleset.version, content_hash=ruleset.content_hash
        ),
        reasons=reasons,
        warnings=[f.rule_id for f in findings if f.status == "not_met" and f.severity == "warning"],
        lookups={
            lookup.name: {
                column: _shown(value, lookup.table.columns[column])
                for column, value in data[lookup.name].items()
            }
            for lookup in case_rules.lookups
        },
        derived={
            rule.derive: _shown(data["derived"][rule.derive], case_rules.derived_types[rule.derive])
            for rule in case_rules.rules
            if rule.derive is not None
        },
        findings=findings,
    )


def _derive(rule: Rule, data: dict[str, Any], outcomes: dict[str, Outcome]) -> Any:
    if outcomes.get(rule.id) != "computed":
        raise EvaluationError(f"derivation {rule.id} did not fire")
    assert rule.value is not None
    try:
        value = evaluate(rule.value, data)
    except EvaluationError as error:
        raise EvaluationError(f"rule {rule.id} ({rule.file}): {error}") from None
    return round_cents(value) if rule.value.type.base == "money" else value


def _finding(rule: Rule, outcome: Outcome | None, data: dict[str, Any]) -> Finding:
    if outcome is None and rule.when is None:
        raise EvaluationError(f"rule {rule.id} always applies but neither held nor failed")
    values = {ref.dotted: _shown(read(data, ref.path), ref.type) for ref in rule.reads}
    doc = rule.doc
    message = None
    if doc.message is not None and outcome == "not_met":
        message = Text(
            it=_render(doc.message.it, rule, data),
            en=None if doc.message.en is None else _render(doc.message.en, rule, data),
        )
    return Finding(
        rule_id=rule.id,
        kind=rule.kind,
        status=outcome or "not_applicable",
        severity=doc.severity if rule.kind == "requirement" else None,
        title=Text(it=doc.title.it, en=doc.title.en),
        basis=doc.basis,
        provenance=doc.provenance,
        message=message,
        values=values,
        derives=rule.derive,
        value=None if rule.derive is None else _derived_value(rule, data),
    )


def _derived_value(rule: Rule, data: dict[str, Any]) -> Any:
    assert rule.derive is not None and rule.value is not None
    return _shown(data["derived"][rule.derive], rule.value.type)


def _shown(value: Any, type_: Type) -> Any:
    """A value as a decision shows it: euros, dates, and times in Rome."""
    shown = decode(value, type_)
    if isinstance(shown, dt.datetime):
        return shown.astimezone(ROME)
    return shown


def _render(template: str, rule: Rule, data: dict[str, Any]) -> str:
    shown = {ref.dotted: ref for ref in rule.shows}
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name:
            ref = shown[name]
            parts.append(_as_text(_shown(read(data, ref.path), ref.type)))
    return "".join(parts)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value) or "-"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None:
        return "-"
    return str(value)
