"""A round decides each application through the compact JSON: what it reads is the decision's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from capcoe_rules import Engine
from capcoe_rules.allocation.round import decide, shown_value
from capcoe_rules.engine import parse_case
from capcoe_rules.language.types import Type
from capcoe_rules.models.application import Application
from capcoe_rules.models.inputs import ROME
from capcoe_rules.population import national_round_applications


def _applications() -> list[Application]:
    """Every 9th application of the national round (comuni and simulated bodies)."""
    found = [parse_case(case) for case in list(national_round_applications())[::9]]
    return [case for case in found if isinstance(case, Application)]


def _same(left: Any, right: Any) -> bool:
    """Equal, of the same type, written alike (a decimal's exponent, a time's zone)."""
    return left == right and type(left) is type(right) and repr(left) == repr(right)


def test_the_verdict_is_what_the_decision_says(engine: Engine) -> None:
    applications = _applications()
    outcomes = set()
    for case in applications:
        decision = engine.evaluate(case)
        verdict = decide(engine, case)

        assert verdict.outcome == decision.outcome
        assert verdict.reasons == decision.reasons
        assert verdict.lookups == decision.lookups
        assert verdict.derived.keys() == decision.derived.keys()
        for name, value in decision.derived.items():
            assert _same(verdict.derived[name], value), (case.id, name)
        outcomes.add(decision.outcome)
    assert outcomes == {"eligible", "not_eligible"}


@pytest.mark.parametrize(
    ("text", "type_", "expected"),
    [
        (None, Type("number", nullable=True), None),
        (7, Type("number"), 7),
        ("12.50", Type("number"), Decimal("12.50")),
        ("1E+3", Type("money"), Decimal("1E+3")),
        ("2024-07-23", Type("date"), dt.date(2024, 7, 23)),
        (
            "2024-07-23T10:15:00+02:00",
            Type("datetime"),
            dt.datetime(2024, 7, 23, 10, 15, tzinfo=ROME),
        ),
        (["0.5", None], Type("list", Type("number", nullable=True)), [Decimal("0.5"), None]),
        ("12.50", Type("text"), "12.50"),
        (True, Type("bool"), True),
    ],
)
def test_a_value_is_read_back_from_json_as_the_decision_holds_it(
    text: Any, type_: Type, expected: Any
) -> None:
    assert _same(shown_value(text, type_), expected)
