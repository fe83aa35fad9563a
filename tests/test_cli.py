"""The capcoe-rules command as users run it: outputs and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from capcoe_rules.cli import app
from conftest import FIXTURES, RULES, make_application, write_ruleset

runner = CliRunner()
BUNDLED = FIXTURES / "applications" / "napoli-assunzioni.yaml"


def test_check_clean_rule_set_exits_0() -> None:
    result = runner.invoke(app, ["--lang", "en", "check", str(RULES)])
    assert result.exit_code == 0
    assert "no problems" in result.output
    italian = runner.invoke(app, ["check", str(RULES)], env={"CAPCOE_LANG": None})
    assert italian.exit_code == 0
    assert "nessun problema" in italian.output


def test_check_prints_file_line_column_code_and_exits_1(tmp_path: Path) -> None:
    directory = write_ruleset(
        tmp_path / "rs",
        {
            "r.yaml": "case: application\nrules:\n  - {id: R-1, title: {it: x}, basis: y, provenance: source, require: params.x}\n",
        },
    )
    result = runner.invoke(app, ["check", "--lang", "en", str(directory)])
    assert result.exit_code == 1
    assert f"{directory}/r.yaml:3:" in result.output
    assert "E013 unknown parameter 'x'" in result.output


def test_check_missing_directory_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 2


def test_evaluate_prints_outcome_and_cited_findings() -> None:
    result = runner.invoke(app, ["evaluate", str(BUNDLED), "--rules", str(RULES)])
    assert result.exit_code == 0, result.output
    assert "Caso NA-2023-0001 (domanda): AMMISSIBILE\n" in result.output
    assert "ASS-FINESTRA" in result.output and "Avviso CapCoe" in result.output
    assert "priority_score" in result.output


def test_evaluate_json_is_the_decision(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_application(area="processi_gestione")), "utf-8")
    result = runner.invoke(app, ["evaluate", str(case), "--rules", str(RULES), "--json"])
    assert result.exit_code == 0
    decision = json.loads(result.output)
    assert decision["outcome"] == "not_eligible"
    assert "AMM-AREA-CATEGORIA" in decision["reasons"]


def test_explain_lists_every_rule_with_values_read() -> None:
    result = runner.invoke(app, ["explain", str(BUNDLED), "--rules", str(RULES), "--lang", "en"])
    assert result.exit_code == 0
    for rule_id in ("ASS-REGIONI", "AMM-FIRMATARIO-DELEGA", "PRI-PUNTEGGIO"):
        assert rule_id in result.output
    assert "not applicable" in result.output
    assert "application.applicant.region_code = 15" in result.output


def test_bad_case_gets_field_path_and_exit_2_without_traceback(tmp_path: Path) -> None:
    case = tmp_path / "bad.yaml"
    bad = make_application()
    bad["applicant"]["istat_code"] = "999999"
    del bad["submitter"]
    case.write_text(yaml.safe_dump(bad), "utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "capcoe_rules",
            "evaluate",
            str(case),
            "--rules",
            str(RULES),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "applicant.istat_code: '999999' is not an ISTAT comune" in completed.stderr
    assert "submitter: this field is required and missing" in completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout


def test_unreadable_case_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["evaluate", str(tmp_path / "missing.yaml"), "--rules", str(RULES), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_evaluate_with_a_broken_rule_set_exits_1(tmp_path: Path) -> None:
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": "rules: [\n"})
    result = runner.invoke(app, ["evaluate", str(BUNDLED), "--rules", str(directory)])
    assert result.exit_code == 1
    assert "E001" in result.output


def test_version() -> None:
    from capcoe_rules import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"capcoe-rules {__version__}" and __version__[0].isdigit()


def test_on_a_colour_terminal_eligible_is_green_and_not_eligible_red() -> None:
    from capcoe_rules.cli.common import stdout_console  # noqa: PLC0415

    verdicts = {}
    # The console is made once per process, and reads FORCE_COLOR then: made afresh here,
    # and again after, for the tests that follow.
    stdout_console.cache_clear()
    try:
        for name in ("napoli-assunzioni.yaml", "abruzzo-pescara-comune-assunzioni.yaml"):
            result = runner.invoke(
                app,
                ["evaluate", str(FIXTURES / "applications" / name), "--rules", str(RULES)],
                env={"FORCE_COLOR": "1"},
            )
            assert result.exit_code == 0, result.output
            verdicts[name] = result.output.splitlines()[0]
    finally:
        stdout_console.cache_clear()
    green, red = "\x1b[1;32m", "\x1b[1;31m"
    assert f"{green}AMMISSIBILE\x1b[0m" in verdicts["napoli-assunzioni.yaml"]
    assert f"{red}NON AMMISSIBILE\x1b[0m" in verdicts["abruzzo-pescara-comune-assunzioni.yaml"]
