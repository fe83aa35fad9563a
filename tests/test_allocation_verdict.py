"""A round decides each application through the compact JSON: what it reads is the decision's."""

from __future__ import annotations

from typing import Any

from capcoe_rules import Engine
from capcoe_rules.allocation.round import decide
from capcoe_rules.engine import parse_case
from capcoe_rules.models.application import Application
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
