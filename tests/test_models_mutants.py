"""The models' promises on their edges: frozen, exact money, labels in two languages."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, RULES, make_application
from pydantic import BaseModel, ValidationError

from capcoe_rules import CaseError, Engine
from capcoe_rules.models.application import Application
from capcoe_rules.models.labels import Text
from capcoe_rules.models.money import Money, from_cents, round_cents, round_euros, to_cents


def test_cases_decisions_and_labels_cannot_be_changed(engine: Engine) -> None:
    application = Application.model_validate(make_application())
    decision = engine.evaluate(application)
    label = Text(it="a")
    for model, field in ((application, "area"), (decision, "outcome"), (label, "it")):
        with pytest.raises(ValidationError, match="frozen"):
            setattr(model, field, "x")


def test_a_decision_built_by_the_engine_is_a_complete_model(engine: Engine) -> None:
    decision = engine.evaluate(make_application())
    assert decision.model_fields_set == set(type(decision).model_fields)
    assert decision.model_dump(exclude_unset=True) == decision.model_dump()
    finding = decision.findings[0]
    assert finding.model_fields_set == set(type(finding).model_fields)
    assert type(decision).model_validate(decision.model_dump()) == decision


def test_a_label_falls_back_to_italian() -> None:
    assert Text(it="a").pick("en") == "a"
    assert Text(it="a", en="b").pick("en") == "b"
    assert Text(it="a", en="b").pick("it") == "a"


class Priced(BaseModel):
    amount: Money


@pytest.mark.parametrize(
    ("written", "accepted"),
    [
        ("9999999999999.99", True),  # 15 digits
        ("10000000000000.00", False),  # 16
        ("0.01", True),
        ("0.001", False),
    ],
)
def test_money_has_at_most_fifteen_digits_and_two_decimals(written: str, accepted: bool) -> None:
    if accepted:
        assert Priced(amount=written).amount == Decimal(written)  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError):
            Priced(amount=written)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["-0.01", "-1"])
def test_a_negative_amount_requested_is_refused_naming_the_field(
    engine: Engine, amount: str
) -> None:
    with pytest.raises(CaseError) as refused:
        engine.evaluate(make_application(amount_requested=amount))
    assert [problem.path for problem in refused.value.problems] == ["amount_requested"]
    assert engine.evaluate(make_application(amount_requested="0")).case_type == "application"


@pytest.mark.parametrize(
    ("cents", "rounded"),
    [(Decimal("0.5"), 1), (Decimal("1.49"), 1), (Decimal("-0.5"), -1), (Decimal("2.5"), 3), (7, 7)],
)
def test_cents_are_rounded_half_up(cents: Decimal, rounded: int) -> None:
    assert round_cents(cents) == rounded


def test_euros_and_cents_convert_exactly() -> None:
    assert to_cents(Decimal("1.23")) == 123 and to_cents(Decimal("100")) == 10000
    with pytest.raises(ValueError, match="more than two decimals"):
        to_cents(Decimal("1.234"))
    assert str(from_cents(123)) == "1.23" and str(from_cents(100)) == "1.00"
    assert round_euros(Decimal("40000.005")) == Decimal("40000.01")
    assert round_euros(Decimal("-0.005")) == Decimal("-0.01")


# -- payment claims: each field's edge, accepted on one side and refused on the other ----

CATANIA = FIXTURES / "payments" / "comune-catania-finale-respinto-recupero-meta-intermedi.yaml"


def catania(**changes: object) -> dict[str, Any]:
    """The Catania claim with dotted-path changes (``grant.milestones.0.amount``)."""
    claim = yaml.safe_load(CATANIA.read_text("utf-8"))["case"]
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target: Any = claim
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return copy.deepcopy(claim)


@pytest.mark.parametrize(
    ("changes", "refused_at"),
    [
        ({}, None),
        ({"id": ""}, "id"),
        ({"id": "x"}, None),
        ({"grant__milestones__0__id": ""}, "grant.milestones.0.id"),
        ({"grant__milestones__0__indicator": ""}, "grant.milestones.0.indicator"),
        ({"grant__milestones__0__unit": ""}, "grant.milestones.0.unit"),
        ({"grant__milestones__0__unit": "u"}, None),
        ({"grant__milestones__0__target": "0"}, "grant.milestones.0"),  # equals the baseline
        ({"grant__beneficiary": ""}, "grant.beneficiary"),
        ({"grant__id": ""}, "grant.id"),
        ({"grant__total_amount": "0"}, "grant.total_amount"),
        ({"grant__milestones": []}, "grant.milestones"),
        ({"grant__commitment_year": 2020}, "grant.commitment_year"),
        ({"grant__commitment_year": 2021}, None),
        ({"grant__commitment_year": 2027}, None),
        ({"grant__commitment_year": 2028}, "grant.commitment_year"),
        ({"grant__milestones__1__id": "T1-PROC-2025"}, "grant.milestones.1.id"),  # repeated
        ({"grant__total_amount": "300000.01"}, "grant.milestones"),  # milestones do not add up
        ({"lines__0__milestone_id": ""}, "lines.0.milestone_id"),
        ({"lines__0__milestone_id": "T9"}, "lines.0.milestone_id"),
        ({"lines__0__achieved_value": "-1"}, "lines.0.achieved_value"),
        ({"lines__0__achieved_value": "0"}, None),
        ({"lines__0__date_achieved": "2027-02-16"}, "lines.0.date_achieved"),  # after the claim
        ({"lines__0__date_achieved": "2027-02-15"}, None),
        ({"payments_made__0__milestone_id": ""}, "payments_made.0.milestone_id"),
        ({"payments_made__0__milestone_id": "T9"}, "payments_made.0.milestone_id"),
        ({"payments_made__0__amount": "0"}, "payments_made.0.amount"),
        ({"payments_made__0__amount": "80000.02"}, "payments_made"),  # above the milestone
        ({"payments_made__0__amount": "80000.01"}, None),
    ],
)
def test_a_claim_is_refused_exactly_past_each_edge(
    engine: Engine, changes: dict[str, object], refused_at: str | None
) -> None:
    claim = catania(**changes)
    if refused_at is None:
        assert engine.evaluate(claim).case_type == "payment_claim"
        return
    with pytest.raises(CaseError) as refused:
        engine.evaluate(claim)
    assert refused_at in [problem.path for problem in refused.value.problems], str(refused.value)


def test_a_second_line_for_a_milestone_names_the_first() -> None:
    claim = catania()
    claim["lines"].append(dict(claim["lines"][0]))
    with pytest.raises(CaseError, match=r"a second line for milestone 'TF-PROC-2026' \(the first"):
        Engine.from_path(RULES).evaluate(claim)


def test_a_programme_claim_needs_its_commitment_year(engine: Engine) -> None:
    claim = catania(grant__programme_level=True)
    with pytest.raises(CaseError) as refused:
        engine.evaluate(claim)
    assert [problem.path for problem in refused.value.problems] == ["grant.commitment_year"]
    claim["grant"]["milestones"][2]["kind"] = "intermedio"  # and a final milestone
    claim["grant"]["commitment_year"] = 2024
    with pytest.raises(CaseError, match="at least one final milestone"):
        engine.evaluate(claim)


def test_a_milestone_may_be_named_by_one_character_but_not_by_none(engine: Engine) -> None:
    example = yaml.safe_load(
        (FIXTURES / "payments" / "comune-agrigento-traguardo-intermedio-respinto.yaml").read_text(
            "utf-8"
        )
    )
    case = copy.deepcopy(example["case"])
    case["grant"]["milestones"][0]["id"] = "A"
    case["lines"][0]["milestone_id"] = "A"
    decision = engine.evaluate(case)
    assert decision.outcome == example["expect"]["outcome"]
    assert [m.milestone_id for m in decision.milestones][0] == "A"
    case["grant"]["milestones"][0]["id"] = ""
    with pytest.raises(CaseError, match="grant.milestones.0.id"):
        engine.evaluate(case)


IN_FORCE = dt.date(2024, 1, 1)


def test_a_case_date_may_lie_anywhere_in_1900_2200(engine: Engine) -> None:
    """The README's range for dates in a case: its first and last days are valid."""
    for when in ("1900-01-01T09:00:00+01:00", "2200-12-31T09:00:00+01:00"):
        # Decided as of a day the rule set is in force: submitted outside the call's window.
        decision = engine.evaluate(make_application(submitted_at=when), as_of=IN_FORCE)
        assert decision.outcome == "not_eligible"
    for when in ("1899-12-31T09:00:00+01:00", "2201-01-01T09:00:00+01:00"):
        with pytest.raises(CaseError, match="1900-2200"):
            engine.evaluate(make_application(submitted_at=when), as_of=IN_FORCE)


def test_a_rounds_input_cannot_be_changed_once_read() -> None:
    from capcoe_rules.models.round_input import AllocationRound  # noqa: PLC0415

    asked = AllocationRound.model_validate({"applications": [make_application()]})
    with pytest.raises(ValidationError, match="frozen"):
        asked.method = "priorita"
