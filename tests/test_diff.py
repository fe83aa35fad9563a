"""``capcoe-rules diff``: exactly the decisions a rule change alters, with the rule responsible."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.batch.diffing import ruleset_changes
from capcoe_rules.cli import app
from capcoe_rules.population import national_population
from conftest import RULES

runner = CliRunner()
OLD_CLOSE = "2024-01-30T12:00:00+01:00"
NEW_CLOSE = "2024-01-15T12:00:00+01:00"


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    """400 applications spread over the country (every 19th comune)."""
    return list(national_population())[::19][:400]


@pytest.fixture(scope="module")
def population(cases: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("population") / "population.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    return path


def edited_rules(directory: Path, file: str, old: str, new: str) -> Path:
    """A copy of the bundled rule set with one text replaced, once, in one file."""
    rules = directory / "rules"
    shutil.copytree(RULES, rules)
    path = rules / file
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return rules


@pytest.fixture(scope="module")
def earlier_close(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hiring window closes 15 days earlier."""
    return edited_rules(
        tmp_path_factory.mktemp("earlier"),
        "programma/parametri.yaml",
        f"value: {OLD_CLOSE}",
        f"value: {NEW_CLOSE}",
    )


def expected_changes(cases: list[dict[str, Any]]) -> set[str]:
    """Hiring applications submitted after the new closing time and by the old one."""
    old_close = dt.datetime.fromisoformat(OLD_CLOSE)
    new_close = dt.datetime.fromisoformat(NEW_CLOSE)
    return {
        case["id"]
        for case in cases
        if case["area"] == "assunzioni"
        and new_close < dt.datetime.fromisoformat(case["submitted_at"]) <= old_close
    }


def test_diff_json_lists_exactly_the_cases_the_closing_date_affects(
    population: Path, earlier_close: Path, cases: list[dict[str, Any]]
) -> None:
    result = runner.invoke(
        app,
        ["diff", "--base", str(RULES), "--rules", str(earlier_close), str(population), "--json"],
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    changed = {change["id"] for change in report["changes"]}
    assert changed == expected_changes(cases)
    assert 10 < len(changed) < len(cases)
    assert report["cases"] == len(cases)
    assert report["changed"] == len(changed)
    assert report["unchanged"] == len(cases) - len(changed)
    assert report["ruleset_changes"]["parameters_changed"] == ["hiring_window_closes"]
    assert report["ruleset_changes"]["rules_changed"] == []
    assert report["by_rule"] == {"ASS-FINESTRA": len(changed)}
    for change in report["changes"]:
        assert change["fields"] == ["reasons"] or set(change["fields"]) >= {"outcome", "reasons"}
        [rule] = change["rules"]
        assert (rule["rule_id"], rule["from"], rule["to"]) == ("ASS-FINESTRA", "met", "not_met")
        assert rule["reads_changed"] == {
            "params.hiring_window_closes": {"from": OLD_CLOSE, "to": NEW_CLOSE}
        }
        assert rule["definition_changed"] is False


def test_diff_transitions_count_the_applications_that_become_ineligible(
    population: Path, earlier_close: Path, cases: list[dict[str, Any]], engine: Engine
) -> None:
    result = runner.invoke(
        app,
        ["diff", "--base", str(RULES), "--rules", str(earlier_close), str(population), "--json"],
    )
    report = json.loads(result.stdout)
    affected = expected_changes(cases)
    was_eligible = sum(
        engine.evaluate(case).outcome == "eligible" for case in cases if case["id"] in affected
    )
    transitions = {(t["from"], t["to"]): t["cases"] for t in report["transitions"]}
    assert was_eligible > 0
    assert transitions == {
        ("eligible", "not_eligible"): was_eligible,
        ("not_eligible", "not_eligible"): len(affected) - was_eligible,
    }


def test_diff_table_shows_case_outcomes_rule_and_summary(
    population: Path, earlier_close: Path, cases: list[dict[str, Any]]
) -> None:
    arguments = ["diff", "--base", str(RULES), "--rules", str(earlier_close), str(population)]
    result = runner.invoke(app, ["--lang", "en", *arguments, "--limit", "0"])

    assert result.exit_code == 0, result.output
    output = result.stdout
    affected = expected_changes(cases)
    for case_id in affected:
        assert case_id in output
    unaffected = next(case["id"] for case in cases if case["id"] not in affected)
    assert unaffected not in output
    assert "parameters changed: hiring_window_closes" in output
    assert "eligible → not_eligible" in output
    assert "ASS-FINESTRA met → not_met (params.hiring_window_closes)" in output
    assert f"rules responsible: ASS-FINESTRA ({len(affected)})" in output
    assert "unchanged" in output and "Decisions that change" in output
    assert "Summary" in output and "Money that moves" in output
    italian = runner.invoke(app, [*arguments, "--limit", "1"]).stdout
    assert "parametri modificati: hiring_window_closes" in italian
    assert f"regole responsabili: ASS-FINESTRA ({len(affected)})" in italian
    assert "Decisioni che cambiano" in italian and "Riepilogo" in italian
    assert "Denaro che si sposta" in italian and "invariati" in italian
    assert f"... e altri {len(affected) - 1} (--limit 0 o --json per tutti)" in italian
    for english in ("Decisions", "Summary", "unchanged", "rules responsible", "more"):
        assert english not in italian


def test_identical_rule_sets_change_nothing(population: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(RULES, tmp_path / "rules")
    result = runner.invoke(
        app, ["--lang", "en", "diff", "--base", str(RULES), "--rules", str(copy), str(population)]
    )
    assert result.exit_code == 0
    assert "the two rule sets define the same rules, parameters and tables" in result.stdout
    assert "Decisions that change" not in result.stdout
    assert "│ changed" in result.stdout


def test_a_shorter_period_turns_later_cases_into_errors(
    population: Path, tmp_path: Path, cases: list[dict[str, Any]]
) -> None:
    rules = edited_rules(tmp_path, "ruleset.yaml", "to: 2029-12-31", "to: 2023-12-31")
    result = runner.invoke(
        app, ["diff", "--base", str(RULES), "--rules", str(rules), str(population), "--json"]
    )
    report = json.loads(result.stdout)
    assert report["ruleset_changes"]["period_changed"] is True
    in_2024 = {case["id"] for case in cases if case["submitted_at"] >= "2024-01-01"}
    assert {change["id"] for change in report["changes"]} == in_2024
    for change in report["changes"]:
        assert change["to"] == "error"
        assert "outside the period" in change["errors"]["rules"]


def test_an_edited_title_is_a_rule_change_that_alters_no_decision(tmp_path: Path) -> None:
    rules = edited_rules(
        tmp_path,
        "ammissibilita/assunzioni.yaml",
        "it: Domanda presentata nella finestra dell'avviso",
        "it: Domanda presentata entro la finestra dell'avviso",
    )
    changes = ruleset_changes(Engine.from_path(RULES).ruleset, Engine.from_path(rules).ruleset)
    assert changes.rules_changed == ("ASS-FINESTRA",)
    assert not changes.parameters_changed and not changes.tables_changed


def test_invalid_records_are_counted_not_reported_as_changes(
    tmp_path: Path, earlier_close: Path
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text('{"id": "broken"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(
        app, ["diff", "--base", str(RULES), "--rules", str(earlier_close), str(source), "--json"]
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["changed"] == 0
    assert [(error["line"], error["id"]) for error in report["invalid_records"]] == [
        (1, "broken"),
        (2, None),
    ]


def test_missing_population_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["diff", "--base", str(RULES), "--rules", str(RULES), str(tmp_path / "none.jsonl")]
    )
    assert result.exit_code == 2
