"""The example runner for CI: files it cannot read as examples fail, JSON and JUnit reports,
and ``capcoe-rules check --format json``."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES, make_application
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.cli import app
from capcoe_rules.testing.runner import discover, run_example

pytest_plugins = ["pytester"]
BUNDLED = FIXTURES / "applications" / "napoli-assunzioni.yaml"
CASE = json.dumps(make_application())
BROKEN = {
    "misspelt-expect.yaml": (f"case: {CASE}\nexpected:\n  outcome: eligible\n", "expected"),
    "no-expect.yaml": (f"case: {CASE}\n", "no 'expect:'"),
    "misspelt-case.yaml": (f"cases: {CASE}\nexpect:\n  outcome: eligible\n", "needs 'case:'"),
}


def write_examples(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED, directory / "right.yaml")
    (directory / "bare-case.yaml").write_text(CASE, "utf-8")  # a case, not an example
    for name, (text, _) in BROKEN.items():
        (directory / name).write_text(text, "utf-8")
    return directory


def test_a_file_that_is_not_a_readable_example_fails_saying_why(
    tmp_path: Path, engine: Engine
) -> None:
    examples = write_examples(tmp_path / "fixtures")
    found = {path.name for path in discover([examples])}
    assert found == {"right.yaml", *BROKEN}  # the bare case is not an example
    for name, (_, why) in BROKEN.items():
        result = run_example(engine, examples / name)
        assert not result.passed and result.error is not None and why in result.error, name


def test_the_test_command_counts_them_as_failures(tmp_path: Path) -> None:
    examples = write_examples(tmp_path / "fixtures")
    result = CliRunner().invoke(app, ["test", str(examples), "--rules", str(RULES), "--lang", "en"])
    assert result.exit_code == 1
    assert result.stdout.strip().endswith("1 passed, 3 failed")
    assert "misspelt-expect.yaml:3:3: expected: unknown key" in result.stdout
    italian = CliRunner().invoke(app, ["test", str(examples), "--rules", str(RULES)])
    assert "misspelt-expect.yaml:3:3: expected: chiave sconosciuta" in italian.stdout
    assert "forse intendevi 'expect'?" in italian.stdout


def test_the_pytest_plugin_fails_them_too(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_examples(pytester.path / "fixtures")
    monkeypatch.setenv("CAPCOE_LANG", "en")
    result = pytester.runpytest("fixtures", f"--capcoe-rules={RULES}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(["*misspelt-expect.yaml*unknown key*"])


def test_test_format_json_gives_every_result_and_the_coverage(tmp_path: Path) -> None:
    examples = write_examples(tmp_path / "fixtures")
    result = CliRunner().invoke(
        app, ["test", str(examples), "--rules", str(RULES), "--format", "json", "--coverage"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"]) == (1, 3)
    by_name = {Path(entry["path"]).name: entry for entry in report["results"]}
    assert by_name["right.yaml"]["passed"] and by_name["right.yaml"]["outcome"] == "eligible"
    assert "unknown key" in by_name["misspelt-expect.yaml"]["error"]
    assert report["ruleset"]["version"] == Engine.from_path(RULES).ruleset.version
    # How long each example took (as junit's time): a number for every one.
    assert all(isinstance(entry["seconds"], float) for entry in report["results"])
    assert all(entry["seconds"] >= 0 for entry in report["results"])
    coverage = report["coverage"]
    assert 0 < coverage["ratio"] < 1 and "ASS-FINESTRA" in coverage["incomplete"]
    finestra = next(rule for rule in coverage["rules"] if rule["rule_id"] == "ASS-FINESTRA")
    assert finestra == {
        "rule_id": "ASS-FINESTRA",
        "kind": "requirement",
        "held": 1,
        "failed": 0,
        "not_applicable": 0,
        "complete": False,
    }
    assert "1 superati, 3 falliti" in result.stderr


def test_test_format_json_shows_each_difference(tmp_path: Path) -> None:
    examples = tmp_path / "fixtures"
    examples.mkdir()
    (examples / "wrong.yaml").write_text(
        f"case: {CASE}\nexpect:\n  outcome: not_eligible\n  derived: {{eu_share: 1}}\n", "utf-8"
    )
    result = CliRunner().invoke(
        app, ["test", str(examples), "--rules", str(RULES), "--format", "json"]
    )
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["differences"] == [
        {"path": "outcome", "expected": "not_eligible", "actual": "eligible"},
        {"path": "derived.eu_share", "expected": 1, "actual": "441000.00"},
    ]


def test_junit_names_each_example_with_failures_and_errors(tmp_path: Path) -> None:
    examples = write_examples(tmp_path / "fixtures")
    (examples / "wrong.yaml").write_text(
        f"case: {CASE}\nexpect: {{outcome: not_eligible}}\n", "utf-8"
    )
    report = tmp_path / "junit.xml"
    result = CliRunner().invoke(
        app, ["test", str(examples), "--rules", str(RULES), "--junit", str(report), "--lang", "en"]
    )
    assert result.exit_code == 1
    suites = ET.parse(report).getroot()
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("5", "1", "3")
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    assert set(cases) == {"right", "wrong", *(Path(name).stem for name in BROKEN)}
    assert list(cases["right"]) == []
    (failure,) = list(cases["wrong"])
    assert failure.tag == "failure"
    assert failure.get("message") == "outcome: expected 'not_eligible', got 'eligible'"
    (error,) = list(cases["misspelt-expect"])
    assert error.tag == "error" and "unknown key" in (error.get("message") or "")
    assert cases["right"].get("file") == (examples / "right.yaml").as_posix()
    assert float(cases["right"].get("time") or "-1") >= 0


def test_check_format_json(tmp_path: Path) -> None:
    clean = CliRunner().invoke(app, ["check", str(RULES), "--format", "json"])
    assert clean.exit_code == 0
    report = json.loads(clean.stdout)
    assert report["ok"] and report["problems"] == [] and report["ruleset"]["rules"] > 30
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    rule_file = broken / "finanziamento" / "importi.yaml"
    rule_file.write_text(rule_file.read_text("utf-8").replace("params.", "parametri.", 1), "utf-8")
    failed = CliRunner().invoke(app, ["check", str(broken), "--format", "json"])
    assert failed.exit_code == 1
    report = json.loads(failed.stdout)
    assert not report["ok"] and report["ruleset"] is None
    problem = report["problems"][0]
    assert all(p["code"] == "E012" for p in report["problems"])  # one unknown name, its echoes
    assert problem["file"] == f"{broken.as_posix()}/finanziamento/importi.yaml"
    assert problem["code"] == "E012" and problem["line"] > 0 and problem["column"] > 0
    assert problem["kind"] and problem["message"]
