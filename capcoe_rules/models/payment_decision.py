"""The decision on a payment claim: per milestone and in total, in exact cents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from capcoe_rules.models.decision import DecisionModel, Finding, RuleSetRef
from capcoe_rules.models.explanation import CASE, Explanation, Place, Step

MilestoneStatus = Literal["payable", "withheld", "paid"]
PaymentOutcome = Literal["payable", "nothing_payable", "refused"]


class MilestoneDecision(DecisionModel):
    """One milestone: what is payable now, what stays withheld, what is recovered, and why."""

    milestone_id: str
    kind: str
    status: MilestoneStatus
    payable: Decimal
    """Paid with this claim."""
    withheld: Decimal
    """Of the milestone's amount, what is neither paid before nor payable now."""
    recovered: Decimal
    """To recover from earlier payments (final target missed)."""
    already_paid: Decimal
    reasons: list[str]
    """Ids of the blocking rules not met for this milestone: why nothing is payable."""
    warnings: list[str]
    derived: dict[str, Any]
    findings: list[Finding]


class PaymentTotals(DecisionModel):
    grant_total: Decimal
    paid_before: Decimal
    payable: Decimal
    withheld: Decimal
    recovered: Decimal
    net: Decimal
    """payable - recovered: what moves with this claim (negative: to be returned)."""


class PaymentDecision(DecisionModel):
    """The decision on one payment claim. ``to_json()`` gives the same bytes for the same input."""

    case_type: Literal["payment_claim"]
    case_id: str
    outcome: PaymentOutcome
    as_of: dt.date
    ruleset: RuleSetRef
    reasons: list[str]
    """Ids of the claim-level blocking rules not met: when any, nothing is paid."""
    warnings: list[str]
    totals: PaymentTotals
    milestones: list[MilestoneDecision]
    derived: dict[str, Any]
    findings: list[Finding]
    """The claim-level findings; each milestone carries its own."""

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for m in self.milestones for f in m.findings)]

    def explanation(self) -> Explanation:
        """The findings as a structure: the claim's own, then each milestone's."""
        return Explanation(
            (
                *(Step(CASE, finding) for finding in self.findings),
                *(
                    Step(Place(milestone.milestone_id), finding)
                    for milestone in self.milestones
                    for finding in milestone.findings
                ),
            )
        )

    def milestone(self, milestone_id: str) -> MilestoneDecision:
        return next(m for m in self.milestones if m.milestone_id == milestone_id)
