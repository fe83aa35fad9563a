"""Witness cases decided by the engine: the analysis claims only what the engine does.

Each finding says what its witness must show (an :class:`Expectation`); the witness is
decided by :meth:`capcoe_rules.Engine.evaluate` and the expectation checked on the
decision: a finding whose witness the engine does not confirm is not reported as found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from capcoe_rules.analysis.spaces import WitnessCase
from capcoe_rules.engine import Engine
from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import CaseError, EvaluationError
from capcoe_rules.models.decision import Decision, Finding
from capcoe_rules.models.explanation import Place
from capcoe_rules.models.payment_decision import PaymentDecision

Outcome = tuple[bool, str]
"""Whether the decision shows the finding, and what the engine decided in a few words."""


@dataclass(frozen=True)
class Expectation:
    check: Callable[[AnyDecision, WitnessCase], Outcome]
    refused_as_input: str | None = None
    """The text a :class:`CaseError` must hold when the witness must be refused as input."""


def decide(engine: Engine, witness: WitnessCase) -> AnyDecision | CaseError | str:
    try:
        return engine.evaluate(witness.case, as_of=witness.as_of)
    except CaseError as error:
        return error
    except (EvaluationError, ArithmeticError, ValueError) as error:
        return f"the engine failed: {type(error).__name__}: {error}"


def confirm(engine: Engine, witness: WitnessCase, expectation: Expectation) -> Outcome:
    decision = decide(engine, witness)
    if isinstance(decision, str):
        return False, decision
    if isinstance(decision, CaseError):
        wanted = expectation.refused_as_input
        shown = f"refused as input: {decision}"
        return (wanted is not None and wanted in str(decision)), shown
    if expectation.refused_as_input is not None:
        return False, f"decided ({_outcome(decision)}), not refused as input"
    return expectation.check(decision, witness)


def _outcome(decision: AnyDecision) -> str:
    return str(decision.outcome)


def findings_of(decision: AnyDecision, witness: WitnessCase) -> list[Finding]:
    """The findings made where the witness points: a milestone, or the case itself."""
    return decision.explanation().at(Place(witness.milestone_id))


def reasons_of(decision: AnyDecision, witness: WitnessCase) -> list[str]:
    if isinstance(decision, PaymentDecision) and witness.milestone_id is not None:
        return list(decision.milestone(witness.milestone_id).reasons)
    return list(decision.reasons)


def statuses(rules: dict[str, set[str]], any_of: bool = False) -> Expectation:
    """Each rule's finding has one of its statuses (``any_of``: at least one rule's does)."""

    def check(decision: AnyDecision, witness: WitnessCase) -> Outcome:
        found = {f.rule_id: f.status for f in findings_of(decision, witness)}
        # What the engine decided, in its own codes (the same in every language).
        shown = ", ".join(f"{rule}: {found.get(rule, '-')}" for rule in rules)
        results = [found.get(rule) in wanted for rule, wanted in rules.items()]
        return (any(results) if any_of else all(results)), shown

    return Expectation(check)


def refused_by(rules: tuple[str, ...]) -> Expectation:
    """The case (or its milestone) is refused, by one of ``rules`` at least."""

    def check(decision: AnyDecision, witness: WitnessCase) -> Outcome:
        reasons = reasons_of(decision, witness)
        shown = f"{_outcome(decision)} [{', '.join(reasons) or '-'}]"
        return bool(set(reasons) & set(rules)), shown

    return Expectation(check)


def refused_as_input(table: str) -> Expectation:
    return Expectation(lambda decision, witness: (False, ""), refused_as_input=f"table {table!r}")


def lookup_row(lookup: str, key_column: str, row: str) -> Expectation:
    """The engine joins ``row`` (the first of the rows that hold the key)."""

    def check(decision: AnyDecision, witness: WitnessCase) -> Outcome:
        if not isinstance(decision, Decision):
            return True, f"decided ({_outcome(decision)})"
        joined = decision.lookups.get(lookup, {}).get(key_column)
        return joined == row, f"{lookup}: row {joined}"

    return Expectation(check)


def capped(payable_rule: str) -> Expectation:
    """The engine bounded the milestone's payable value, naming the rule that computed it."""

    def check(decision: AnyDecision, witness: WitnessCase) -> Outcome:
        if not isinstance(decision, PaymentDecision) or witness.milestone_id is None:
            return False, "not a milestone of a payment claim"
        milestone = decision.milestone(witness.milestone_id)
        value = milestone.derived.get(_derived_name(milestone.findings, payable_rule))
        shown = f"{payable_rule} computed {value}, paid {milestone.payable}; warnings: " + (
            ", ".join(milestone.warnings) or "-"
        )
        return payable_rule in milestone.warnings, shown

    return Expectation(check)


def _derived_name(findings: list[Finding], rule_id: str) -> str:
    return next((f.derives or "" for f in findings if f.rule_id == rule_id), "")


def share_outside(name: str, low: Decimal, high: Decimal) -> Expectation:
    def check(decision: AnyDecision, witness: WitnessCase) -> Outcome:
        value = decision.derived.get(name)
        inside = value is not None and low <= Decimal(str(value)) <= high
        return not inside, f"{name} = {value}"

    return Expectation(check)


def outcomes(
    old: Engine, new: Engine, witness: WitnessCase, summarise: Callable[[AnyDecision], str]
) -> tuple[str, str]:
    """What each rule set decides on the witness, summarised."""

    def shown(engine: Engine) -> str:
        decision = decide(engine, witness)
        if isinstance(decision, CaseError):
            return "refused as input"
        if isinstance(decision, str):
            return decision
        return summarise(decision)

    return shown(old), shown(new)


def as_of_text(day: dt.date | None) -> str:
    return "" if day is None else f" as of {day.isoformat()}"


__all__ = [
    "Expectation",
    "capped",
    "confirm",
    "decide",
    "lookup_row",
    "outcomes",
    "refused_as_input",
    "refused_by",
    "share_outside",
    "statuses",
]
