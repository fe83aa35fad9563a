"""What each construct of the language computes, stated with expected values.

The differential tests prove that the engine and the reference agree; these say what both
must answer, so that a change to what they share (numbers, closures and interpreter alike)
cannot go unnoticed. Each rule set is a real rule file, decided by both evaluators.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import make_application, write_ruleset

from capcoe_rules import Engine, ReferenceEvaluator

# Napoli, 6 technical and 3 economic posts, a need of 20, a gap of 30%, EUR 900,000.00.
CASE = make_application()


def decide(tmp_path: Path, rules: list[dict[str, str]], parameters: str = "") -> dict[str, Any]:
    lines = ["case: application", parameters.rstrip("\n") if parameters else "", "rules:"]
    for index, fields in enumerate(rules):
        lines += [
            f"  - id: R-{index}",
            "    title: {it: Prova}",
            "    basis: Prova",
            "    provenance: assumption",
        ]
        lines += [f"    {key}: {json.dumps(value)}" for key, value in fields.items()]
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": "\n".join(lines) + "\n"})
    engine = Engine.from_path(directory)
    decision = engine.evaluate(CASE)
    assert decision.to_json() == ReferenceEvaluator(engine.ruleset).evaluate(CASE).to_json()
    return {
        **{finding.rule_id: finding.status for finding in decision.findings if finding.kind == "requirement"},
        **decision.derived,
    }


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("abs(application.hires.tecnico - 10)", 4),
        ("abs(application.hires.tecnico - 2)", 4),
        ("-application.hires.tecnico", -6),
        ("application.hires.tecnico * 3", 18),
        ("application.hires.tecnico + 3", 9),
        ("application.hires.tecnico - 3 * 2", 0),
        ("application.hires.tecnico / 4", Decimal("1.5")),
        ("application.hires.tecnico / 3", 2),
        ("min(application.hires.tecnico, application.hires.economico_statistico)", 3),
        ("max(application.hires.tecnico, application.hires.economico_statistico, 5)", 6),
        ("1 if application.hires.tecnico > 5 else 2", 1),
        ("1 if application.hires.tecnico > 6 else 2", 2),
        ("application.needs_analysis.capacity_gap / 100 * application.hires.total", Decimal("2.7")),
    ],
)
def test_numbers(tmp_path: Path, formula: str, value: object) -> None:
    found = decide(tmp_path, [{"derive": "x", "value": formula}])
    assert found["x"] == value and type(found["x"]) is type(value)


def test_money_is_rounded_once_to_the_cent_half_up(tmp_path: Path) -> None:
    found = decide(
        tmp_path,
        [
            {"derive": "third", "value": "application.amount_requested / 7"},
            {"derive": "half_cent", "value": "application.amount_requested / 180000000"},
        ],
    )
    assert found["third"] == Decimal("128571.43")
    assert found["half_cent"] == Decimal("0.01")


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ("1 < 2", "met"),
        ("2 < 1", "not_met"),
        ("2 <= 2", "met"),
        ("not true", "not_met"),
        ("not false", "met"),
        ("true and false", "not_met"),
        ("false or true", "met"),
        ("application.hires.tecnico in []", "not_met"),
        ("application.hires.tecnico not in []", "met"),
        ("application.hires.tecnico in [5, 6]", "met"),
        ("application.hires.tecnico not in [5, 6]", "not_met"),
        ("application.area in ['formazione', 'assunzioni']", "met"),
        ("application.area not in ['formazione']", "met"),
        ("application.applicant.region_code in params.codes", "met"),
        ("application.applicant.region_code not in params.codes", "not_met"),
        ("application.applicant.name not in params.codes", "met"),
        ("application.hires.tecnico < application.hires.economico_statistico", "not_met"),
        ("application.hires.tecnico > application.hires.economico_statistico", "met"),
        ("application.hires.tecnico - application.hires.economico_statistico == 3", "met"),
        ("-application.hires.tecnico < -5", "met"),
        ("application.hires.tecnico * 2 == application.hires.tecnico + 6", "met"),
        ("application.submitter.delegation_reference == None", "met"),
        ("application.submitter.delegation_reference != None", "not_met"),
        ("application.submitter.delegation_reference != 'x'", "met"),
        ("application.amount_requested == 900000", "met"),
        ("application.amount_requested < 900000.01", "met"),
        ("application.amount_requested * 0.5 == 450000", "met"),
        ("3 <= application.hires.tecnico <= 6", "met"),
        ("3 <= application.hires.tecnico < 6", "not_met"),
        ("application.submitted_at < datetime('2023-12-04T09:15:00.000001+00:00')", "met"),
        ("application.submitted_at < datetime('2023-12-04T09:15:00+00:00')", "not_met"),
    ],
)
def test_conditions(tmp_path: Path, condition: str, status: str) -> None:
    codes = (
        "parameters:\n  codes:\n    title: {it: Codici}\n    basis: Prova\n"
        "    provenance: assumption\n    type: list[text]\n"
        "    values:\n      - {from: 2021-01-01, value: ['15', '19']}\n"
    )
    assert decide(tmp_path, [{"require": condition}], codes)["R-0"] == status


def test_a_when_that_fails_makes_a_rule_not_applicable(tmp_path: Path) -> None:
    found = decide(
        tmp_path,
        [
            {"when": "application.area == 'formazione'", "require": "false"},
            {"when": "application.area == 'assunzioni'", "require": "false"},
            {"when": "application.area == 'assunzioni'", "require": "true"},
        ],
    )
    assert [found["R-0"], found["R-1"], found["R-2"]] == ["not_applicable", "not_met", "met"]
