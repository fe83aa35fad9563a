"""Decide a payment claim: each milestone by the milestone rules, then the claim as a whole.

The rules say what each milestone earns (``payable``) and whether a final target was missed
(``final_missed``), and what share of intermediate payments to recover
(``recovery_share``); this module only adds up, in exact cents, and applies the gates:
a milestone with a blocking rule not met pays nothing; a claim with a blocking rule not met
pays nothing at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from capcoe_rules.engine.evaluation import Decider, Matcher
from capcoe_rules.errors import CaseError, EvaluationError
from capcoe_rules.models.decision import Decision
from capcoe_rules.models.money import round_euros
from capcoe_rules.models.payment import PaymentClaim
from capcoe_rules.models.payment_decision import (
    MilestoneDecision,
    MilestoneStatus,
    PaymentDecision,
    PaymentTotals,
)
from capcoe_rules.models.payment_review import (
    ClaimReview,
    MilestoneReview,
    decommitment_deadline,
)

ZERO = Decimal("0.00")


class PaymentDecider:
    def __init__(
        self,
        milestones: tuple[Decider, Matcher],
        claims: tuple[Decider, Matcher],
    ) -> None:
        self._milestones = milestones
        self._claims = claims
        models = milestones[0].models
        self._milestone_decision = models.milestone
        self._payment_decision = models.payment
        required = ((milestones[0], ("payable", "final_missed")), (claims[0], ("recovery_share",)))
        for decider, names in required:
            missing = [name for name in names if name not in decider.case_rules.derived_types]
            if missing:
                self._unusable = (
                    f"the rule set has no rules deriving {', '.join(missing)} for "
                    f"'case: {decider.case_rules.case_type}': it cannot decide payment claims"
                )
                return
        self._unusable = ""

    def decide(self, claim: PaymentClaim, as_of: dt.date) -> PaymentDecision:
        if self._unusable:
            raise CaseError.single("case_type", self._unusable)
        reviews = [MilestoneReview.of(claim, m.id) for m in claim.grant.milestones]
        decider, matcher = self._milestones
        reviewed = [(review, decider.decide(matcher, review, as_of)) for review in reviews]
        payable = {review.id: _payable(decision) for review, decision in reviewed}
        claim_review = ClaimReview(
            id=claim.id,
            claim_date=claim.claim_date,
            grant_id=claim.grant.id,
            grant_total=claim.grant.total_amount,
            programme_level=claim.grant.programme_level,
            paid_before=claim.paid_before,
            payable_now=sum(payable.values(), ZERO),
            intermediate_paid=sum(
                (r.already_paid + payable[r.id] for r in reviews if r.kind == "intermedio"), ZERO
            ),
            final_target_missed=any(d.derived["final_missed"] for _, d in reviewed),
            decommitment_deadline=(
                decommitment_deadline(claim.grant.commitment_year)
                if claim.grant.programme_level
                else None
            ),
        )
        claim_decider, claim_matcher = self._claims
        overall = claim_decider.decide(claim_matcher, claim_review, as_of)
        if overall.reasons:  # the claim as a whole fails: nothing is paid on it
            payable = dict.fromkeys(payable, ZERO)
        share = Decimal(overall.derived["recovery_share"])
        milestones = [
            _milestone(self._milestone_decision, review, decision, payable[review.id], share)
            for review, decision in reviewed
        ]
        totals = _totals(claim, milestones)
        if totals.paid_before + totals.payable > totals.grant_total:
            raise EvaluationError(
                f"claim {claim.id}: paid before {totals.paid_before} + payable "
                f"{totals.payable} exceed the grant {totals.grant_total}: the payment rules "
                "must pay each milestone at most its amount less what was paid on it"
            )
        return self._payment_decision.trusted(
            case_type="payment_claim",
            case_id=claim.id,
            outcome=(
                "refused" if overall.reasons else "payable" if totals.payable else "nothing_payable"
            ),
            as_of=as_of,
            ruleset=overall.ruleset,
            reasons=overall.reasons,
            warnings=overall.warnings,
            totals=totals,
            milestones=milestones,
            derived=overall.derived,
            findings=overall.findings,
        )


def _payable(decision: Decision) -> Decimal:
    """What a milestone pays now: its derived ``payable``, unless a blocking rule failed."""
    return ZERO if decision.reasons else Decimal(decision.derived["payable"])


def _milestone(
    model: type[MilestoneDecision],
    review: MilestoneReview,
    decision: Decision,
    payable: Decimal,
    recovery_share: Decimal,
) -> MilestoneDecision:
    recovered = (
        round_euros((review.already_paid + payable) * recovery_share)
        if review.kind == "intermedio"
        else ZERO
    )
    status: MilestoneStatus = (
        "payable" if payable else "paid" if review.already_paid == review.amount else "withheld"
    )
    return model.trusted(
        milestone_id=review.id,
        kind=review.kind,
        status=status,
        payable=payable,
        withheld=review.amount - review.already_paid - payable,
        recovered=recovered,
        already_paid=review.already_paid,
        reasons=decision.reasons,
        warnings=decision.warnings,
        derived=decision.derived,
        findings=decision.findings,
    )


def _totals(claim: PaymentClaim, milestones: list[MilestoneDecision]) -> PaymentTotals:
    def total(values: list[Decimal]) -> Decimal:
        return sum(values, ZERO)

    payable = total([m.payable for m in milestones])
    recovered = total([m.recovered for m in milestones])
    return PaymentTotals.trusted(
        grant_total=claim.grant.total_amount,
        paid_before=claim.paid_before,
        payable=payable,
        withheld=total([m.withheld for m in milestones]),
        recovered=recovered,
        net=payable - recovered,
    )
