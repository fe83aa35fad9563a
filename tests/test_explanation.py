"""A decision's explanation as a structure: each finding with its place, in the decision's order."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, RULES, make_application
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.cli import app
from capcoe_rules.models import CASE, Place, PaymentDecision

PAYMENT = FIXTURES / "payments" / "comune-agrigento-traguardo-intermedio-respinto.yaml"


def _payment_decision(engine: Engine) -> PaymentDecision:
    example = read_case_file(PAYMENT)
    decision = engine.evaluate(example.case, as_of=example.as_of)
    assert isinstance(decision, PaymentDecision)
    return decision


def _json_places(decision_json: str) -> list[tuple[str | None, str]]:
    """(milestone id or None, rule id) of every finding, read from the JSON as written."""
    data = json.loads(decision_json)
    found = [
        (milestone["milestone_id"], finding["rule_id"])
        for milestone in data.get("milestones", [])
        for finding in milestone["findings"]
    ]
    return found + [(None, finding["rule_id"]) for finding in data["findings"]]


def test_an_applications_findings_are_all_on_the_case(engine: Engine) -> None:
    decision = engine.evaluate(make_application())
    explanation = decision.explanation()
    assert [step.place for step in explanation] == [CASE] * len(decision.findings)
    assert explanation.findings() == decision.findings == explanation.at(CASE)
    assert str(CASE) == "case" and CASE.path == ""


def test_a_payment_explanation_follows_the_decision_json(engine: Engine) -> None:
    decision = _payment_decision(engine)
    explanation = decision.explanation()
    places = [(step.place.milestone_id, step.finding.rule_id) for step in explanation]
    assert places == _json_places(decision.to_json())
    assert len(decision.milestones) >= 2 and len(explanation) == len(places)
    for milestone in decision.milestones:
        place = Place(milestone.milestone_id)
        assert explanation.at(place) == milestone.findings
        assert place.path == f"milestones[{milestone.milestone_id}]"
    assert explanation.at(CASE) == decision.findings


def test_for_rule_gives_each_place_a_milestone_rule_judged(engine: Engine) -> None:
    decision = _payment_decision(engine)
    rule_id = decision.milestones[0].findings[0].rule_id
    steps = decision.explanation().for_rule(rule_id)
    assert [step.place.milestone_id for step in steps] == [
        m.milestone_id for m in decision.milestones if any(f.rule_id == rule_id for f in m.findings)
    ]
    assert all(step.finding.rule_id == rule_id for step in steps)
    assert decision.explanation().for_rule("NO-SUCH-RULE") == []


def test_explain_shows_each_milestones_findings_under_its_heading(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["explain", str(PAYMENT), "--rules", str(RULES)])
    assert result.exit_code == 0, result.output
    decision = _payment_decision(Engine.from_path(RULES))
    first, second = decision.milestones[0], decision.milestones[1]
    text = result.output
    start = text.index(f"Traguardo {first.milestone_id} ({first.kind})")
    end = text.index(f"Traguardo {second.milestone_id} ({second.kind})")
    for finding in first.findings:
        assert finding.rule_id in text[start:end]
