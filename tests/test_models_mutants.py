"""The models' promises on their edges: frozen, exact money, labels in two languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import make_application
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
