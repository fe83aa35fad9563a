"""Running YAML example cases: the comparison, `capcoe-rules test` and the pytest plugin."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES, make_application
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.cli import app
from capcoe_rules.testing.expectations import compare
from capcoe_rules.testing.runner import run_example

pytest_plugins = ["pytester"]
BUNDLED = FIXTURES / "applications" / "napoli-assunzioni.yaml"
WRONG = """\
description: Napoli again, with a wrong expectation
case: {case}
expect:
  outcome: not_eligible
  reasons: [ASS-FINESTRA]
  derived: {{priority_score: "1"}}
  findings: {{ASS-REGIONI: not_met}}
"""


def write_wrong_example(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "wrong.yaml"
    path.write_text(WRONG.format(case=make_application()), "utf-8")
    return path


def test_compare_names_every_difference_by_path(engine: Engine) -> None:
    decision = engine.evaluate(make_application())
    differences = compare(
        decision,
        {
            "outcome": "not_eligible",
            "reasons": ["ASS-FINESTRA"],
            "derived": {"eu_share": "441000", "nope": 1},
            "findings": {
                "ASS-REGIONI": "not_met",
                "AMM-AREA-ENTE": {"values": {"area.body_types": []}},
            },
        },
    )
    assert sorted(d.path for d in differences) == [
        "derived.nope",
        "findings.AMM-AREA-ENTE.values.area.body_types",
        "findings.ASS-REGIONI",
        "outcome",
        "reasons",
    ]


def test_compare_is_partial_and_compares_numbers_by_value(engine: Engine) -> None:
    decision = engine.evaluate(make_application())
    assert compare(decision, {}) == []
    assert compare(decision, {"derived": {"eu_share": 441000, "national_share": "459000.0"}}) == []
    # Lists of rule ids compare as sets: order is not the policy officer's concern.
    refused = engine.evaluate(make_application(applicant__istat_code="066049"))
    assert compare(refused, {"reasons": list(reversed(refused.reasons))}) == []


def test_an_example_expecting_a_refusal(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "refused.yaml"
    case = make_application(applicant__istat_code="999999")
    path.write_text(f"case: {case}\nexpect: {{error: is not an ISTAT comune}}\n", "utf-8")
    assert run_example(engine, path).passed
    path.write_text(f"case: {make_application()}\nexpect: {{error: anything}}\n", "utf-8")
    assert not run_example(engine, path).passed


def test_test_command_reports_failures_and_exits_1(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    write_wrong_example(examples)
    shutil.copy(BUNDLED, examples / "right.yaml")
    result = CliRunner().invoke(app, ["--lang", "en", "test", str(examples), "--rules", str(RULES)])
    assert result.exit_code == 1
    assert f"FAIL {examples / 'wrong.yaml'}" in result.output
    assert "outcome: expected 'not_eligible', got 'eligible'" in result.output
    assert "derived.priority_score: expected '1'" in result.output
    assert result.output.strip().endswith("1 passed, 1 failed")
    italian = CliRunner().invoke(app, ["test", str(examples), "--rules", str(RULES)])
    assert italian.exit_code == 1
    assert f"FALLITO {examples / 'wrong.yaml'}" in italian.output
    assert "outcome: atteso 'not_eligible', ottenuto 'eligible'" in italian.output
    assert italian.output.strip().endswith("1 superati, 1 falliti")


def test_test_command_with_coverage_names_rules_never_exercised(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    shutil.copy(BUNDLED, examples / "right.yaml")
    arguments = ["test", str(examples), "--rules", str(RULES), "--coverage"]
    result = CliRunner().invoke(app, ["--lang", "en", *arguments])
    assert result.exit_code == 0
    assert "Rule coverage" in result.output and "never failed" in result.output
    assert "ASS-FINESTRA" in result.output
    assert "coverage: 37.8% of rule outcomes; incomplete: ASS-REGIONI" in result.output
    assert "\nbranches: " in result.output and " exercised (" in result.output
    assert result.output.strip().endswith("1 passed, 0 failed")
    italian = CliRunner().invoke(app, arguments)
    assert italian.exit_code == 0
    assert "Copertura delle regole" in italian.output and "mai non soddisfatta" in italian.output
    assert "copertura: 37,8% degli esiti delle regole; incomplete: ASS-REGIONI" in italian.output
    assert "\nrami: " in italian.output and " esercitati (" in italian.output
    assert "non esercitato: " in italian.output and "not exercised" not in italian.output
    assert italian.output.strip().endswith("1 superati, 0 falliti")


def test_bundled_examples_pass_with_full_coverage() -> None:
    result = CliRunner().invoke(app, ["test", str(FIXTURES), "--rules", str(RULES), "--coverage"])
    assert result.exit_code == 0, result.output[-2000:]
    assert "copertura: 100,0% degli esiti delle regole" in result.output


def test_pytest_plugin_collects_examples_and_shows_differences(pytester: pytest.Pytester) -> None:
    write_wrong_example(pytester.path / "fixtures")
    shutil.copy(BUNDLED, pytester.path / "fixtures" / "right.yaml")
    (pytester.path / "fixtures" / "not-an-example.yaml").write_text("just: data\n", "utf-8")
    result = pytester.runpytest("fixtures", f"--capcoe-rules={RULES}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*outcome: expected 'not_eligible', got 'eligible'*"])


def test_pytest_plugin_leaves_yaml_outside_fixtures_alone(pytester: pytest.Pytester) -> None:
    write_wrong_example(pytester.path / "data")
    pytester.makepyfile(test_nothing=textwrap.dedent("def test_ok():\n    assert True\n"))
    result = pytester.runpytest(f"--capcoe-rules={RULES}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_case_file_read_twice_is_the_same_example() -> None:
    """A case file is a value: read again it compares equal (the positions of its fields,
    a lookup into the file just read, are not part of what it holds)."""
    from capcoe_rules.casefiles import read_case_file  # noqa: PLC0415

    path = FIXTURES / "applications" / "napoli-assunzioni.yaml"
    first, again = read_case_file(path), read_case_file(path)
    assert first == again
    assert first.position_of is not again.position_of
    other = read_case_file(FIXTURES / "applications" / "abruzzo-pescara-comune-assunzioni.yaml")
    assert first != other


def test_test_command_shows_the_rule_coverage_only_when_asked() -> None:
    example = str(FIXTURES / "applications" / "napoli-assunzioni.yaml")
    plain = CliRunner().invoke(app, ["--lang", "en", "test", example, "--rules", str(RULES)])
    assert plain.exit_code == 0, plain.output
    assert "1 passed, 0 failed" in plain.output
    assert "Rule coverage" not in plain.output and "ASS-REGIONI" not in plain.output
    asked = CliRunner().invoke(
        app, ["--lang", "en", "test", example, "--rules", str(RULES), "--coverage"]
    )
    assert "Rule coverage" in asked.output and "ASS-REGIONI" in asked.output
