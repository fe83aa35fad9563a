"""What payment rules read: one milestone of a claim, then the claim as a whole.

The engine builds these from a :class:`~capcoe_rules.models.payment.PaymentClaim`; rule
files read them as ``milestone.*`` (``case: milestone``), ``claim.*`` (``case: claim``)
and, for a claim of the programme itself towards the Commission, ``programme.*``
(``case: programme``: the n+3 decommitment of its budget commitment).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from pydantic import Field, computed_field

from capcoe_rules.models.application import CaseModel
from capcoe_rules.models.money import Money
from capcoe_rules.models.payment import MilestoneKind, PaymentClaim

ReviewStatus = Literal["non_presentato", "presentato", "verificato", "respinto"]
ACHIEVEMENT_PLACES = Decimal("0.000001")


class MilestoneReview(CaseModel):
    """One milestone of a grant, with its report line (if any) and what was paid on it."""

    claim_id: str
    claim_date: dt.date
    id: str
    kind: MilestoneKind
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal
    due_date: dt.date
    amount: Money
    reported: bool
    verification: ReviewStatus
    achieved_value: Decimal = Field(description="0 when the milestone was not reported.")
    date_achieved: dt.date | None
    already_paid: Money
    programme_level: bool = Field(
        description="The grant is the programme's own, towards the Commission."
    )
    grant_total: Money

    @computed_field  # type: ignore[prop-decorator]
    @property
    def achievement(self) -> Decimal:
        """Share of the way from baseline to target (1 = target reached), 0 if unreported.

        Truncated to six decimals, never rounded up, so no rounding lifts a value into a
        higher payment band. Works for indicators that must fall as well as rise.
        """
        if not self.reported:
            return Decimal(0)
        # Fits the default context (28 digits): a claim's values are Measures (models/inputs.py)
        # and its target differs from its baseline (payment.Milestone).
        share = (self.achieved_value - self.baseline) / (self.target - self.baseline)
        return share.quantize(ACHIEVEMENT_PLACES, rounding=ROUND_DOWN)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def days_late(self) -> int:
        """Days between the due date and the achievement (0 if on time or unreported)."""
        if self.date_achieved is None:
            return 0
        return max((self.date_achieved - self.due_date).days, 0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def days_past_due(self) -> int:
        """Days between the due date and the claim date (0 before the due date)."""
        return max((self.claim_date - self.due_date).days, 0)

    @classmethod
    def of(cls, claim: PaymentClaim, milestone_id: str) -> MilestoneReview:
        milestone = claim.grant.milestone(milestone_id)
        line = claim.line_for(milestone_id)
        return cls(
            claim_id=claim.id,
            claim_date=claim.claim_date,
            id=milestone.id,
            kind=milestone.kind,
            indicator=milestone.indicator,
            unit=milestone.unit,
            baseline=milestone.baseline,
            target=milestone.target,
            due_date=milestone.due_date,
            amount=milestone.amount,
            reported=line is not None,
            verification="non_presentato" if line is None else line.verification,
            achieved_value=Decimal(0) if line is None else line.achieved_value,
            date_achieved=None if line is None else line.date_achieved,
            already_paid=claim.paid_for(milestone_id),
            programme_level=claim.grant.programme_level,
            grant_total=claim.grant.total_amount,
        )

    def default_as_of(self) -> dt.date:
        return self.claim_date


class ClaimReview(CaseModel):
    """The claim as a whole, once each milestone has been reviewed."""

    id: str
    claim_date: dt.date
    grant_id: str
    grant_total: Money
    programme_level: bool
    paid_before: Money
    payable_now: Money = Field(description="Sum of what the milestones make payable now.")
    intermediate_paid: Money = Field(
        description="Paid before plus payable now on intermediate milestones."
    )
    final_target_missed: bool

    @computed_field  # type: ignore[prop-decorator]
    @property
    def uncovered_after_claim(self) -> Money:
        """What of the grant no payment claim covers yet, after this one."""
        return self.grant_total - self.paid_before - self.payable_now

    def default_as_of(self) -> dt.date:
        return self.claim_date


class ProgrammeReview(ClaimReview):
    """A claim of the programme towards the Commission, with the year of the budget
    commitment it draws on (its n+3 decommitment is judged by ``case: programme``)."""

    commitment_year: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def claim_year(self) -> int:
        """The calendar year of the claim date."""
        return self.claim_date.year
