"""Each common mistake of a policy officer, made in a copy of the bundled rules, walked
through ``capcoe-rules check``: one problem, its code and place, its own message in Italian
and in English, and how to fix it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import RULES
from typer.testing import CliRunner

from capcoe_rules.cli import app

IMPORTI = "finanziamento/importi.yaml"
ASSUNZIONI = "ammissibilita/assunzioni.yaml"
FNLC = "programma/fnlc.yaml"
WHEN_GRANT = "when: area.grant\n    require: application.amount_requested > 0"
WHEN_HIRES = 'when: application.area == "assunzioni"\n    require: application.applicant'
SHARE = "- {from: 2021-01-01, value: 0.70}"

# name: (file, text, replaced by, code, line (from the text's first line: 0 is that line),
#        column, words of the English message,
#        words of the Italian message, words of the hint in English)
MISTAKES = {
    "= for ==": (
        IMPORTI,
        "amount_requested == 0",
        "amount_requested = 0",
        "E010",
        0,
        43,
        "'=' gives a value",
        "'=' assegna un valore",
        "'=='",
    ),
    "e": (
        ASSUNZIONI,
        WHEN_HIRES,
        WHEN_HIRES.replace('"assunzioni"', '"assunzioni" e true'),
        "E010",
        0,
        44,
        "'e' is not an operator",
        "'e' non è un operatore",
        "'and'",
    ),
    "o": (
        IMPORTI,
        WHEN_GRANT,
        WHEN_GRANT.replace("area.grant", "area.grant o true"),
        "E010",
        0,
        22,
        "'o' is not an operator",
        "'o' non è un operatore",
        "'or'",
    ),
    "oppure": (
        IMPORTI,
        WHEN_GRANT,
        WHEN_GRANT.replace("area.grant", "area.grant oppure true"),
        "E010",
        0,
        22,
        "'oppure' is not an operator",
        "'oppure' non è",
        "'or'",
    ),
    "non": (
        IMPORTI,
        "when: not area.grant",
        "when: non area.grant",
        "E010",
        0,
        11,
        "'non' is not an operator",
        "'non' non è un operatore",
        "'not'",
    ),
    "AND": (
        IMPORTI,
        WHEN_GRANT,
        WHEN_GRANT.replace("area.grant", "area.grant AND true"),
        "E010",
        0,
        22,
        "'AND' is not an operator",
        "'AND' non è",
        "'and'",
    ),
    "OR": (
        IMPORTI,
        WHEN_GRANT,
        WHEN_GRANT.replace("area.grant", "area.grant OR true"),
        "E010",
        0,
        22,
        "'OR' is not an operator",
        "'OR' non è",
        "'or'",
    ),
    "NOT": (
        IMPORTI,
        "when: not area.grant",
        "when: NOT area.grant",
        "E010",
        0,
        11,
        "'NOT' is not an operator",
        "'NOT' non è",
        "'not'",
    ),
    "date gg/mm/aaaa in a value": (
        FNLC,
        SHARE,
        "- {from: 01/01/2021, value: 0.70}",
        "E003",
        0,
        16,
        "'01/01/2021' is not a date",
        "non è una data",
        "2021-01-01",
    ),
    "date gg/mm/aaaa in an expression": (
        IMPORTI,
        "amount_requested > 0",
        "submitted_at > 01/01/2024",
        "E010",
        0,
        41,
        "01/01/2024 is not a date",
        "01/01/2024 non è una data",
        'date("...")',
    ),
    "decimal comma in a value": (
        FNLC,
        SHARE,
        "- {from: 2021-01-01, value: '0,70'}",
        "E022",
        0,
        35,
        "'0,70' is not a number",
        "'0,70' non è un numero",
        "0.70",
    ),
    "decimal comma in a flow mapping": (
        FNLC,
        SHARE,
        "- {from: 2021-01-01, value: 0,70}",
        "E002",
        0,
        37,
        "unknown key '70'",
        "chiave '70' sconosciuta",
        "0.70",
    ),
    "decimal comma in an expression": (
        IMPORTI,
        "amount_requested > 0",
        "amount_requested > 0,5",
        "E010",
        0,
        45,
        "0,5 is not a number",
        "0,5 non è un numero",
        "0.5",
    ),
    "tab": (
        IMPORTI,
        "    " + WHEN_GRANT,
        "    when: area.grant\n\trequire: true",
        "E001",
        1,
        1,
        "a tab character",
        "tabulazione",
        "spaces",
    ),
    "unquoted [": (
        ASSUNZIONI,
        WHEN_HIRES,
        WHEN_HIRES.replace(
            'application.area == "assunzioni"', '["assunzioni"] == application.area'
        ),
        "E001",
        0,
        26,
        "starts with '['",
        "inizia con '['",
        "double quotes",
    ),
    "unquoted [ read as a list": (
        ASSUNZIONI,
        WHEN_HIRES,
        WHEN_HIRES.replace('application.area == "assunzioni"', '["assunzioni", "formazione"]'),
        "E003",
        0,
        11,
        "starts with '['",
        "inizia con '['",
        "double quotes",
    ),
    "unquoted ': '": (
        IMPORTI,
        "amount_requested > 0",
        'area == "a: b"',
        "E001",
        0,
        36,
        "holds ': '",
        "contiene ': '",
        "double quotes",
    ),
    "old value without to:": (
        FNLC,
        SHARE,
        SHARE + "\n      - {from: 2024-01-01, value: 0.75}",
        "E020",
        1,
        16,
        "the checker assumes the old one ends on 2023-12-31",
        "si assume che il vecchio finisca il 2023-12-31",
        "to: 2023-12-31",
    ),
}


def broken_rules(tmp_path: Path, file: str, text: str, replacement: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / file
    original = path.read_text(encoding="utf-8")
    assert text in original, f"the bundled {file} changed: update this test"
    path.write_text(original.replace(text, replacement, 1), encoding="utf-8")
    return rules


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_common_mistake_has_its_own_message_in_both_languages(tmp_path: Path, name: str) -> None:
    file, text, replacement, code, line, column, english, italian, hint = MISTAKES[name]
    rules = broken_rules(tmp_path, file, text, replacement)
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(rules), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert len(report["problems"]) == 1, report["problems"]  # one mistake, one problem
    problem = report["problems"][0]
    original = (RULES / file).read_text(encoding="utf-8")
    line += original[: original.index(text)].count("\n") + 1
    assert (problem["file"], problem["line"], problem["column"], problem["code"]) == (
        f"{rules.as_posix()}/{file}",
        line,
        column,
        code,
    )
    assert english in problem["message"]
    assert italian in problem["message_it"]
    assert hint in problem["hint"] and problem["hint_it"]

    # The text report: Italian by default, English with --lang en or CAPCOE_LANG=en.
    where = f"{rules.as_posix()}/{file}:{line}:{column}: {code} "
    italian_run = runner.invoke(app, ["check", str(rules)], env={"CAPCOE_LANG": ""})
    assert where + problem["message_it"] + "; come correggere: " in italian_run.stdout
    english_run = runner.invoke(app, ["check", str(rules)], env={"CAPCOE_LANG": "en"})
    assert where + problem["message"] + "; fix: " + problem["hint"] in english_run.stdout


@pytest.mark.parametrize(
    ("text", "replacement", "code", "suggestion"),
    [
        (
            "params.service_centre_allocation",
            "params.service_centre_alocation",
            "E013",
            "'service_centre_allocation'",
        ),
        (  # many names are near: the three nearest, nearest first
            "params.service_centre_allocation",
            "params.hiring_cap_totl",
            "E013",
            "'hiring_cap_total' or 'hiring_cap_regioni' or 'hiring_cap_province'",
        ),
        (
            "application.amount_requested > 0",
            "application.amount_requestd > 0",
            "E012",
            "'amount_requested'",
        ),
        (
            "provenance: assumption\n    when: area.grant",
            "provenanse: assumption\n    when: area.grant",
            "E002",
            "'provenance'",
        ),
    ],
)
def test_a_misspelt_name_gets_the_nearest_names(
    tmp_path: Path, text: str, replacement: str, code: str, suggestion: str
) -> None:
    rules = broken_rules(tmp_path, IMPORTI, text, replacement)
    result = CliRunner().invoke(app, ["check", str(rules), "--format", "json"])
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["code"] == code
    assert f"did you mean {suggestion}?" in problem["message"]
    assert f"forse intendevi {suggestion.replace(' or ', ' o ')}?" in problem["message_it"]


def test_an_unknown_language_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(RULES), "--lang", "fr"])
    assert result.exit_code == 2
    shown = " ".join(result.output.replace("│", " ").split())
    assert "'fr' is not a language of capcoe-rules" in shown


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_bad_field_of_a_case_file_has_its_line_and_column(tmp_path: Path, suffix: str) -> None:
    case = tmp_path / f"case{suffix}"
    if suffix == ".json":
        case.write_text('{\n  "case_type": "application",\n  "area": 7\n}\n', encoding="utf-8")
        where = f"{case}:3:11: area: "
    else:
        case.write_text("case:\n  case_type: application\n  area: 7\n", encoding="utf-8")
        where = f"{case}:3:9: area: "
    result = CliRunner().invoke(app, ["evaluate", str(case), "--rules", str(RULES), "--lang", "en"])
    assert result.exit_code == 2
    assert where in result.stderr
