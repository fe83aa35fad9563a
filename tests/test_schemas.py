"""JSON Schemas: what the engine accepts and writes validates against them, and little else."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, RULES, make_application
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.allocation import allocate_round
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.cli import app
from capcoe_rules.errors import CaseError
from capcoe_rules.schemas import SCHEMAS, file_name, json_schema


@pytest.fixture(scope="module")
def validators(engine: Engine) -> dict[str, Draft202012Validator]:
    found = {}
    for name in SCHEMAS:
        schema = json_schema(name, engine.decision_models)
        Draft202012Validator.check_schema(schema)
        found[name] = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return found


def as_json(data: Any) -> Any:
    """YAML as a YAML language server sees it: dates are text."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


def test_every_fixture_case_and_its_decision_validate(
    engine: Engine, validators: dict[str, Draft202012Validator]
) -> None:
    checked = 0
    for path in sorted(FIXTURES.rglob("*.yaml")):
        example = read_case_file(path)
        try:
            decision = engine.evaluate(example.case, as_of=example.as_of)
        except CaseError:
            continue
        case_schema, decision_schema = (
            ("payment_claim", "payment_decision")
            if decision.case_type == "payment_claim"
            else ("application", "decision")
        )
        assert errors(validators[case_schema], as_json(example.case)) == [], path
        assert errors(validators[decision_schema], json.loads(decision.to_json())) == [], path
        checked += 1
    assert checked > 70


def test_decision_schemas_type_derived_and_finding_values(
    engine: Engine, validators: dict[str, Draft202012Validator]
) -> None:
    decision = json.loads(engine.evaluate(make_application()).to_json())
    wrong_amount = json.loads(json.dumps(decision))
    wrong_amount["derived"]["eu_share"] = 441000  # money is written as text: "441000.00"
    assert errors(validators["decision"], wrong_amount)
    wrong_value = json.loads(json.dumps(decision))
    finding = next(f for f in wrong_value["findings"] if f["rule_id"] == "ASS-FINESTRA")
    finding["values"]["application.submitted_at"] = True
    assert errors(validators["decision"], wrong_value)
    unknown = json.loads(json.dumps(decision))
    unknown["derived"]["invented"] = 1
    assert errors(validators["decision"], unknown)


def test_a_case_with_a_misspelt_or_missing_field_is_refused(
    validators: dict[str, Draft202012Validator],
) -> None:
    case = make_application()
    assert errors(validators["application"], case) == []
    misspelt = {**case, "amount_requestd": case["amount_requested"]}
    del misspelt["amount_requested"]
    assert len(errors(validators["application"], misspelt)) == 2
    assert errors(validators["application"], {**case, "area": "assunzione"})


def test_every_bundled_rule_file_validates(validators: dict[str, Draft202012Validator]) -> None:
    files = sorted(RULES.rglob("*.yaml"))
    assert len(files) > 5
    for path in files:
        document = as_json(yaml.safe_load(path.read_text("utf-8")))
        name = "ruleset" if path.name == "ruleset.yaml" else "rule_file"
        assert errors(validators[name], document) == [], path


RULE = {
    "id": "R-1",
    "title": {"it": "Una regola"},
    "basis": "prova",
    "provenance": "assumption",
    "require": "application.hires.tecnico > 0",
}


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({"case": "application", "rules": [{**RULE, "requires": "x"}]}, "unknown key"),
        ({"case": "application", "rules": [{**RULE, "provenance": "fonte"}]}, "closed values"),
        ({"case": "application", "rules": [{**RULE, "id": "r-1"}]}, "rule id pattern"),
        ({"rules": [RULE]}, "rules without 'case'"),
        ({"case": "application", "rules": [{**RULE, "derive": "x", "value": "1"}]}, "two kinds"),
        (
            {"case": "application", "rules": [{k: v for k, v in RULE.items() if k != "require"}]},
            "no kind",
        ),
        (
            {
                "case": "application",
                "rules": [{**{k: v for k, v in RULE.items() if k != "require"}, "derive": "x"}],
            },
            "derivation without value",
        ),
        (
            {"parameters": {"cap": {**RULE, "type": "soldi", "values": []}}},
            "parameter type and values",
        ),
    ],
)
def test_the_rule_file_schema_refuses_what_the_checker_refuses(
    validators: dict[str, Draft202012Validator], document: dict[str, Any], why: str
) -> None:
    assert errors(validators["rule_file"], document), why


def test_an_allocation_round_and_its_result_validate(
    engine: Engine, validators: dict[str, Draft202012Validator]
) -> None:
    applications = [
        make_application(id="A-1"),
        make_application(id="A-2", applicant__istat_code="065116", hires={"tecnico": 2}),
    ]
    round_input = {"applications": applications, "as_of": "2024-01-30"}
    assert errors(validators["allocation_round"], round_input) == []
    assert errors(validators["allocation_round"], {**round_input, "as_of": "30/01/2024"})
    result = allocate_round(engine, applications, as_of=dt.date(2024, 1, 30))
    assert errors(validators["allocation_result"], json.loads(result.to_json())) == []


def test_the_schema_command_prints_one_and_writes_all(engine: Engine, tmp_path: Path) -> None:
    runner = CliRunner(env={"CAPCOE_LANG": "en"})  # the assertions read English messages
    listed = runner.invoke(app, ["schema"])
    assert listed.exit_code == 0 and all(name in listed.stdout for name in SCHEMAS)
    printed = runner.invoke(app, ["schema", "decision", "--rules", str(RULES)])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == json_schema("decision", engine.decision_models)
    written = runner.invoke(app, ["schema", "--out", str(tmp_path), "--rules", str(RULES)])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(map(file_name, SCHEMAS))
    unknown = runner.invoke(app, ["schema", "decisions"])
    assert unknown.exit_code == 2 and "no schema named decisions" in unknown.output
