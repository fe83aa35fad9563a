"""The capcoe-rules command as users run it: outputs and exit statuses."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from capcoe_rules.cli import ONE_CASE_COMMANDS, app, command_of
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


def test_rule_texts_in_square_brackets_are_shown_as_written(tmp_path: Path) -> None:
    # A policy officer's "[abrogato]" or "a[/b]" is text, not rich markup: it was dropped
    # (or crashed the command) before the consoles were made without markup.
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": """\
        case: application
        rules:
          - id: R-QUADRE
            title: {it: "Posti [tutti] a[/b]", en: "Posts [all] a[/b]"}
            basis: "art. 5 [abrogato]"
            provenance: source
            require: application.hires.total > 1000
            message: {it: "Posti [richiesti] {application.hires.total} [/x]"}
        """})
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_application()), "utf-8")
    for command in ("evaluate", "explain"):
        result = runner.invoke(app, [command, str(case), "--rules", str(directory)])
        assert result.exit_code == 0, result.output
        flat = " ".join(result.output.replace("│", " ").split())
        assert "Posti [tutti] a[/b]" in flat, (command, result.output)
        assert "art. 5 [abrogato]" in flat, (command, result.output)
        assert "Posti [richiesti]" in flat and "[/x]" in flat, (command, result.output)


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAPCOE_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "capcoe_rules", *args],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )  # fmt: skip


def test_one_case_commands_end_with_their_whole_output_and_exit_status(tmp_path: Path) -> None:
    # evaluate and explain end the process as soon as their output is flushed (no
    # interpreter teardown): nothing of the output or of the exit status may be lost.
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_application()), "utf-8")
    cache = tmp_path / "cache"
    for args in (
        ["evaluate", str(case), "--rules", str(RULES), "--json"],
        ["--lang", "en", "explain", str(case), "--rules", str(RULES)],
        ["evaluate", str(BUNDLED), "--rules", str(RULES)],
    ):
        process = _run(*args, cache=cache)
        in_process = runner.invoke(app, args)
        assert process.returncode == in_process.exit_code == 0, process.stderr
        assert process.stdout == in_process.stdout, args
    as_json = _run("evaluate", str(case), "--rules", str(RULES), "--json", cache=cache)
    decision = json.loads(as_json.stdout)
    assert decision["case_id"] == make_application()["id"]
    missing = _run("--lang", "en", "evaluate", str(tmp_path / "nowhere.json"), cache=cache)
    assert missing.returncode == 2
    assert "nowhere.json" in missing.stderr and missing.stdout == ""
    assert _run("evaluate", "--lang", "xx", str(case), cache=cache).returncode == 2


def test_only_the_one_case_commands_are_ended_early() -> None:
    assert ONE_CASE_COMMANDS == {"evaluate", "explain"}
    assert command_of(["--lang", "en", "evaluate", "x.json"]) == "evaluate"
    assert command_of(["--lang=it", "explain", "--lang", "en", "x.json"]) == "explain"
    assert command_of(["batch", "evaluate"]) == "batch"
    assert command_of(["--version"]) is None
    assert command_of([]) is None


def test_the_command_run_in_process_leaves_the_garbage_collector_on(tmp_path: Path) -> None:
    # Only the console script turns it off, for one case: an application embedding the
    # command (or these tests) keeps its own.
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_application()), "utf-8")
    assert runner.invoke(app, ["evaluate", str(case), "--rules", str(RULES)]).exit_code == 0
    assert gc.isenabled()


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
