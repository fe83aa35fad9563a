"""Payment claims on grants paid on results (financing not linked to costs, CPR Art. 95).

A grant is split into milestones, each with an indicator, a target, a due date and an
amount; a claim reports what was achieved and whether it was verified. Input that does not
make sense (a line for an unknown milestone, two lines for one milestone, a negative
achieved value, milestones that do not add up to the grant) is refused here, naming the
line, so that nothing is ever paid on a claim that does not make sense.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, Strict, computed_field, model_validator

from capcoe_rules.case_messages import case_problem, refusal
from capcoe_rules.errors import FieldProblem
from capcoe_rules.models.application import CaseModel
from capcoe_rules.models.inputs import MAX_ITEMS, Day, Flag, Measure, Text
from capcoe_rules.models.money import Money

NO_MONEY = Decimal("0.00")
MilestoneKind = Literal["intermedio", "finale"]
Verification = Literal["presentato", "verificato", "respinto"]
"""The verification flow of a report line: submitted -> verified, or rejected."""


class Milestone(CaseModel):
    id: Text = Field(min_length=1)
    kind: MilestoneKind
    indicator: Text = Field(min_length=1)
    unit: Text = Field(min_length=1)
    baseline: Measure
    target: Measure
    due_date: Day
    amount: Money = Field(ge=0)

    @model_validator(mode="after")
    def _target_differs_from_baseline(self) -> Milestone:
        if self.target == self.baseline:
            raise refusal("target_equals_baseline", milestone=repr(self.id))
        return self


class Grant(CaseModel):
    """Money granted against milestones; their amounts add up to the grant exactly."""

    id: Text = Field(min_length=1)
    beneficiary: Text = Field(min_length=1)
    total_amount: Money = Field(gt=0)
    milestones: list[Milestone] = Field(min_length=1, max_length=MAX_ITEMS)
    programme_level: Flag = Field(
        default=False,
        description="A claim of the programme towards the Commission (n+3 decommitment applies).",
    )
    commitment_year: Annotated[int, Strict()] | None = Field(default=None, ge=2021, le=2027)

    def problems(self, at: str = "grant") -> list[FieldProblem]:
        """What makes this grant inconsistent, each at its field path."""
        found = []
        ids = Counter(milestone.id for milestone in self.milestones)
        for index, milestone in enumerate(self.milestones):
            if ids[milestone.id] > 1:
                found.append(
                    case_problem(
                        f"{at}.milestones.{index}.id",
                        "milestone_id_repeated",
                        milestone=repr(milestone.id),
                    )
                )
        total = sum((milestone.amount for milestone in self.milestones), Decimal(0))
        if total != self.total_amount:
            found.append(
                case_problem(
                    f"{at}.milestones",
                    "milestones_total_mismatch",
                    total=f"{total:.2f}",
                    grant_total=f"{self.total_amount:.2f}",
                )
            )
        if not any(milestone.kind == "finale" for milestone in self.milestones):
            found.append(case_problem(f"{at}.milestones", "no_final_milestone"))
        if self.programme_level and self.commitment_year is None:
            found.append(case_problem(f"{at}.commitment_year", "commitment_year_required"))
        return found

    def milestone(self, milestone_id: str) -> Milestone:
        return next(m for m in self.milestones if m.id == milestone_id)


class ReportLine(CaseModel):
    milestone_id: Text = Field(min_length=1)
    achieved_value: Measure = Field(ge=0)
    date_achieved: Day
    verification: Verification
    evidence: list[Text] = Field(default_factory=list, max_length=MAX_ITEMS)


class PriorPayment(CaseModel):
    milestone_id: Text = Field(min_length=1)
    amount: Money = Field(gt=0)
    date: Day


class PaymentClaim(CaseModel):
    """A beneficiary's (or the programme's) report on a grant's milestones."""

    case_type: Literal["payment_claim"] = "payment_claim"
    id: Text = Field(min_length=1)
    grant: Grant
    claim_date: Day
    lines: list[ReportLine] = Field(default_factory=list, max_length=MAX_ITEMS)
    payments_made: list[PriorPayment] = Field(default_factory=list, max_length=MAX_ITEMS)

    def problems(self) -> list[FieldProblem]:
        """What makes this claim not make sense, each at its field path.

        Checked before anything is evaluated: such a claim is refused whole.
        """
        found = self.grant.problems()
        milestones = [milestone.id for milestone in self.grant.milestones]
        first_line: dict[str, int] = {}
        for index, line in enumerate(self.lines):
            where = f"lines.{index}"
            if line.milestone_id not in milestones:
                found.append(
                    case_problem(
                        f"{where}.milestone_id",
                        "line_for_unknown_milestone",
                        line.milestone_id,
                        milestones,
                        milestone=repr(line.milestone_id),
                        grant=repr(self.grant.id),
                    )
                )
            elif line.milestone_id in first_line:
                found.append(
                    case_problem(
                        f"{where}.milestone_id",
                        "second_line_for_milestone",
                        milestone=repr(line.milestone_id),
                        first=f"lines.{first_line[line.milestone_id]}",
                    )
                )
            else:
                first_line[line.milestone_id] = index
            if line.date_achieved > self.claim_date:
                found.append(
                    case_problem(
                        f"{where}.date_achieved",
                        "achieved_after_claim",
                        date=line.date_achieved.isoformat(),
                        claim_date=self.claim_date.isoformat(),
                    )
                )
        for index, payment in enumerate(self.payments_made):
            if payment.milestone_id not in milestones:
                found.append(
                    case_problem(
                        f"payments_made.{index}.milestone_id",
                        "payment_for_unknown_milestone",
                        payment.milestone_id,
                        milestones,
                        milestone=repr(payment.milestone_id),
                    )
                )
        for milestone in self.grant.milestones:
            paid = self.paid_for(milestone.id)
            if paid > milestone.amount:
                found.append(
                    case_problem(
                        "payments_made",
                        "paid_beyond_amount",
                        paid=f"{paid:.2f}",
                        milestone=repr(milestone.id),
                        amount=f"{milestone.amount:.2f}",
                    )
                )
        return found

    def line_for(self, milestone_id: str) -> ReportLine | None:
        return next((line for line in self.lines if line.milestone_id == milestone_id), None)

    def paid_for(self, milestone_id: str) -> Decimal:
        return sum(
            (p.amount for p in self.payments_made if p.milestone_id == milestone_id), NO_MONEY
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def paid_before(self) -> Money:
        return sum((payment.amount for payment in self.payments_made), NO_MONEY)

    def default_as_of(self) -> dt.date:
        return self.claim_date
