"""Decide a payment claim: each milestone by the milestone rules, then the claim as a whole.

The rules say what each milestone earns, whether a final target was missed and what share
of intermediate payments to recover, under the names the rule files declare in
``payment:`` (:class:`~capcoe_rules.language.ruleset.PaymentNames`); a claim of the
programme towards the Commission is also judged by the rules on its budget commitment
(``case: programme``: the n+3 decommitment). This module only adds up, in exact cents, and
applies the gates: a milestone with a blocking rule not met pays nothing; a claim with a
blocking rule not met (claim or programme) pays nothing at all; and, whatever the rules
compute, a milestone pays at most its amount less what was paid on it, and never less than
nothing (CPR Art. 95: the amount is fixed in advance). Where the rules' ``payable`` falls
outside those bounds the milestone pays the bound and lists the rule that computed it
among its warnings: the decision stays lawful and says which rule to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from capcoe_rules.case_messages import case_problem
from capcoe_rules.engine.evaluation import Decider, Matcher
from capcoe_rules.errors import CaseError
from capcoe_rules.language.ruleset import PaymentNames
from capcoe_rules.models.decision import Decision
from capcoe_rules.models.money import round_euros
from capcoe_rules.models.payment import PaymentClaim
from capcoe_rules.models.payment_decision import (
    MilestoneDecision,
    MilestoneStatus,
    PaymentDecision,
    PaymentTotals,
)
from capcoe_rules.models.payment_review import ClaimReview, MilestoneReview, ProgrammeReview

ZERO = Decimal("0.00")
Deciders = Mapping[str, tuple[Decider, Matcher]]


class PaymentDecider:
    """Decides payment claims with the deciders of ``milestone``, ``claim`` and
    ``programme`` cases of one rule set."""

    def __init__(self, deciders: Deciders) -> None:
        self._milestones = deciders["milestone"]
        self._claims = deciders["claim"]
        self._programme = deciders["programme"]
        self._names = self._claims[0].ruleset.payment
        self._payable_rule = next(
            (
                rule.id
                for rule in self._milestones[0].case_rules.rules
                if self._names is not None and rule.derive == self._names.payable
            ),
            "",
        )

    def decide(self, claim: PaymentClaim, as_of: dt.date) -> PaymentDecision:
        names = self._names
        if names is None:
            raise CaseError([case_problem("case_type", "payment_undeclared")])
        reviews = [MilestoneReview.of(claim, m.id) for m in claim.grant.milestones]
        decider, matcher = self._milestones
        reviewed = [(review, decider.decide(matcher, review, as_of)) for review in reviews]
        payable = {review.id: _payable(decision, names) for review, decision in reviewed}
        beyond = {
            review.id
            for review in reviews
            if not ZERO <= payable[review.id] <= review.amount - review.already_paid
        }
        for review in reviews:
            payable[review.id] = min(
                max(payable[review.id], ZERO), review.amount - review.already_paid
            )
        whole = {
            "id": claim.id,
            "claim_date": claim.claim_date,
            "grant_id": claim.grant.id,
            "grant_total": claim.grant.total_amount,
            "programme_level": claim.grant.programme_level,
            "paid_before": claim.paid_before,
            "payable_now": sum(payable.values(), ZERO),
            "intermediate_paid": sum(
                (r.already_paid + payable[r.id] for r in reviews if r.kind == "intermedio"), ZERO
            ),
            "final_target_missed": any(d.derived[names.final_missed] for _, d in reviewed),
        }
        claim_decider, claim_matcher = self._claims
        overall = claim_decider.decide(claim_matcher, ClaimReview(**whole), as_of)
        parts = [overall]
        if claim.grant.programme_level:
            assert claim.grant.commitment_year is not None  # PaymentClaim.problems ensures it
            programme = ProgrammeReview(**whole, commitment_year=claim.grant.commitment_year)
            programme_decider, programme_matcher = self._programme
            parts.append(programme_decider.decide(programme_matcher, programme, as_of))
        reasons = [rule_id for part in parts for rule_id in part.reasons]
        if reasons:  # the claim as a whole fails: nothing is paid on it
            payable = dict.fromkeys(payable, ZERO)
        share = Decimal(overall.derived[names.recovery_share])
        capped_by = self._payable_rule if beyond else ""
        milestones = [
            _milestone(
                self._milestones[0].models.milestone,
                review,
                decision,
                payable[review.id],
                share,
                capped_by if review.id in beyond else "",
            )
            for review, decision in reviewed
        ]
        totals = _totals(claim, milestones)
        return self._milestones[0].models.payment.trusted(
            case_type="payment_claim",
            case_id=claim.id,
            outcome="refused" if reasons else "payable" if totals.payable else "nothing_payable",
            as_of=as_of,
            ruleset=overall.ruleset,
            reasons=reasons,
            warnings=[rule_id for part in parts for rule_id in part.warnings],
            totals=totals,
            milestones=milestones,
            derived={name: value for part in parts for name, value in part.derived.items()},
            findings=[finding for part in parts for finding in part.findings],
        )


def _payable(decision: Decision, names: PaymentNames) -> Decimal:
    """What a milestone pays now: its declared payable value, unless a blocking rule failed."""
    return ZERO if decision.reasons else Decimal(decision.derived[names.payable])


def _milestone(
    model: type[MilestoneDecision],
    review: MilestoneReview,
    decision: Decision,
    payable: Decimal,
    recovery_share: Decimal,
    capped_by: str,
) -> MilestoneDecision:
    """``capped_by``: the rule whose payable value the bounds replaced, if any."""
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
        warnings=[*decision.warnings, capped_by] if capped_by else decision.warnings,
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
