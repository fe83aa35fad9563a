"""Laws of outcome-linked payments, checked with hypothesis on generated claims."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capcoe_rules import CaseError, Engine, ReferenceEvaluator
from capcoe_rules.models.payment_decision import PaymentDecision
from capcoe_rules.testing.strategies.invalid import InvalidCase
from capcoe_rules.testing.strategies.payments import inconsistent_claims, payment_claims
from conftest import RULES

ENGINE = Engine.from_path(RULES)
REFERENCE = ReferenceEvaluator(ENGINE.ruleset)
LAWS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANK = {"respinto": 0, "presentato": 1, "verificato": 2}


def decide(claim: dict[str, Any]) -> PaymentDecision:
    decision = ENGINE.evaluate(claim)
    assert isinstance(decision, PaymentDecision)
    return decision


@LAWS
@given(payment_claims())
def test_total_payable_never_exceeds_the_grant_minus_what_was_paid(claim: dict[str, Any]) -> None:
    totals = decide(claim).totals
    assert totals.payable <= totals.grant_total - totals.paid_before
    assert totals.payable >= 0 and totals.withheld >= 0 and totals.recovered >= 0


@LAWS
@given(payment_claims())
def test_milestones_add_up_to_the_totals_exactly(claim: dict[str, Any]) -> None:
    decision = decide(claim)
    for field in ("payable", "withheld", "recovered"):
        assert sum(getattr(m, field) for m in decision.milestones) == getattr(decision.totals, field)
    for milestone in decision.milestones:
        assert milestone.payable.as_tuple().exponent == -2  # exact cents
        amount = milestone.already_paid + milestone.payable + milestone.withheld
        assert amount == Decimal(
            next(m["amount"] for m in claim["grant"]["milestones"] if m["id"] == milestone.milestone_id)
        )


@LAWS
@given(payment_claims())
def test_nothing_pays_before_verification(claim: dict[str, Any]) -> None:
    decision = decide(claim)
    status = {line["milestone_id"]: line["verification"] for line in claim["lines"]}
    for milestone in decision.milestones:
        if status.get(milestone.milestone_id) != "verificato":
            assert milestone.payable == 0, milestone.milestone_id


@LAWS
@given(payment_claims(), st.data())
def test_more_achievement_never_pays_less(claim: dict[str, Any], data: st.DataObject) -> None:
    assume(claim["lines"])
    index = data.draw(st.integers(0, len(claim["lines"]) - 1))
    line = claim["lines"][index]
    milestone = next(m for m in claim["grant"]["milestones"] if m["id"] == line["milestone_id"])
    towards_target = 1 if Decimal(milestone["target"]) > Decimal(milestone["baseline"]) else -1
    step = Decimal(data.draw(st.integers(1, 300))) / 10 * towards_target
    better = copy.deepcopy(claim)
    better["lines"][index]["achieved_value"] = str(max(Decimal(line["achieved_value"]) + step, Decimal(0)))
    before, after = decide(claim), decide(better)
    assert after.totals.payable >= before.totals.payable
    assert after.totals.net >= before.totals.net


@LAWS
@given(payment_claims(), st.data())
def test_a_better_verification_status_never_pays_less(claim: dict[str, Any], data: st.DataObject) -> None:
    assume(claim["lines"])
    index = data.draw(st.integers(0, len(claim["lines"]) - 1))
    status = claim["lines"][index]["verification"]
    better_status = data.draw(st.sampled_from([s for s, r in RANK.items() if r >= RANK[status]]))
    better = copy.deepcopy(claim)
    better["lines"][index]["verification"] = better_status
    assert decide(better).totals.payable >= decide(claim).totals.payable


@LAWS
@given(payment_claims(near_grace=True), st.data())
def test_achieving_earlier_never_pays_less(claim: dict[str, Any], data: st.DataObject) -> None:
    assume(claim["lines"])
    index = data.draw(st.integers(0, len(claim["lines"]) - 1))
    earlier = copy.deepcopy(claim)
    day = dt.date.fromisoformat(claim["lines"][index]["date_achieved"])
    earlier["lines"][index]["date_achieved"] = (day - dt.timedelta(days=data.draw(st.integers(1, 30)))).isoformat()
    before, after = decide(claim), decide(earlier)
    assert after.totals.payable >= before.totals.payable
    assert after.totals.net >= before.totals.net


@LAWS
@given(payment_claims(near_band_edges=True))
def test_deciding_twice_gives_the_same_bytes_and_the_reference_agrees(claim: dict[str, Any]) -> None:
    first = ENGINE.evaluate(claim).to_json()
    assert ENGINE.evaluate(claim).to_json() == first
    assert REFERENCE.evaluate(claim).to_json() == first
    # Decisions are built without validation: they must validate back to the same bytes.
    assert PaymentDecision.model_validate_json(first).to_json() == first


@settings(max_examples=100, deadline=None)
@given(inconsistent_claims())
def test_claims_that_make_no_sense_are_refused_naming_the_place(invalid: InvalidCase) -> None:
    with pytest.raises(CaseError) as caught:
        ENGINE.evaluate(invalid.case)
    assert invalid.named_by(caught.value), (invalid.description, str(caught.value))
