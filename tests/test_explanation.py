"""A decision's explanation: every finding once, each at the place it sits in."""

from __future__ import annotations

from pathlib import Path

import yaml

from capcoe_rules import Engine
from capcoe_rules.models.explanation import Place
from capcoe_rules.models.payment_decision import PaymentDecision
from conftest import FIXTURES, make_application


def claim(name: str) -> dict[str, object]:
    case: dict[str, object] = yaml.safe_load(Path(FIXTURES / "payments" / name).read_text("utf-8"))[
        "case"
    ]
    return case


def test_an_application_is_explained_at_the_case_itself(engine: Engine) -> None:
    decision = engine.evaluate(make_application())
    explanation = decision.explanation()

    assert [step.finding for step in explanation] == decision.findings
    assert {step.place for step in explanation} == {Place()}
    assert Place().path == ""
    assert explanation.at(Place()) == decision.findings
    [step] = explanation.for_rule("ASS-FINESTRA")
    assert step.finding == decision.finding("ASS-FINESTRA")


def test_a_payment_claim_is_explained_claim_first_then_each_milestone(engine: Engine) -> None:
    decision = engine.evaluate(claim("comune-agrigento-traguardo-intermedio-respinto.yaml"))
    assert isinstance(decision, PaymentDecision)
    explanation = decision.explanation()

    assert [step.finding for step in explanation] == decision.all_findings()
    assert explanation.at(Place()) == decision.findings
    for milestone in decision.milestones:
        place = Place(milestone.milestone_id)
        assert place.path == f"milestones[{milestone.milestone_id}]"
        assert explanation.at(place) == milestone.findings
    milestone_rule = decision.milestones[0].findings[0].rule_id
    assert [step.place for step in explanation.for_rule(milestone_rule)] == [
        Place(m.milestone_id)
        for m in decision.milestones
        if m.findings and any(f.rule_id == milestone_rule for f in m.findings)
    ]
    assert len(explanation.for_rule(milestone_rule)) == len(decision.milestones) > 1
