"""``capcoe-rules allocate`` loses nothing and never shows a traceback; its CSV runs no formula.

The round itself is tested in test_allocation.py; here: what the command reads and writes.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capcoe_rules.cli import app
from capcoe_rules.csvcells import safe_cell
from conftest import RULES, make_application

runner = CliRunner(env={"CAPCOE_LANG": "en"})  # the assertions read the English messages


def applications_file(tmp_path: Path, lines: list[str]) -> Path:
    source = tmp_path / "round.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return source


def allocate(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["allocate", *arguments, "--rules", str(RULES)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "csv", "csv-is-out"])
def test_an_output_that_is_the_input_is_refused_before_anything_is_written(
    tmp_path: Path, how: str
) -> None:
    source = applications_file(tmp_path, [json.dumps(make_application())])
    out = tmp_path / "result.json"
    options = {
        "same": ["--out", str(source)],
        "csv": ["--out", str(out), "--csv", str(source)],
        "csv-is-out": ["--out", str(out), "--csv", str(out)],
    }.get(how)
    if how == "symlink":
        (tmp_path / "link.jsonl").symlink_to(source)
        options = ["--out", str(tmp_path / "link.jsonl")]
    if how == "hardlink":
        os.link(source, tmp_path / "hard.jsonl")
        options = ["--out", str(tmp_path / "hard.jsonl")]
    assert options is not None
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}

    code, output = allocate(str(source), *options)

    assert code == 2, output
    assert "is the input file" in output or "cannot be the --out file" in output
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == before


def test_a_name_holding_a_line_separator_is_one_application(tmp_path: Path) -> None:
    name = "Comune di\u2028Napoli\u2029(NA)\x85"
    line = json.dumps(make_application(id="U2028", applicant__name=name), ensure_ascii=False)
    other = make_application(
        id="PLAIN", applicant__istat_code="082053", applicant__name="Comune di Palermo"
    )  # another body: one body's two applications would both be refused
    source = applications_file(tmp_path, [line, json.dumps(other)])

    code, output = allocate(str(source), "--out", str(tmp_path / "r.json"))

    assert code == 0, output
    written = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert written["invalid"] == []
    assert {share["id"]: share["name"] for share in written["shares"]}["U2028"] == name


def test_a_deeply_nested_line_is_a_bad_line_with_its_number(tmp_path: Path) -> None:
    lines = [json.dumps(make_application()), "[" * 100_000 + "]" * 100_000, '{"id": "\\ud800"}']
    source = applications_file(tmp_path, lines)

    code, output = allocate(str(source), "--out", str(tmp_path / "r.json"))

    assert code == 1, output
    written = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [share["id"] for share in written["shares"]] == ["T-0001"]
    assert [entry["source"] for entry in written["invalid"]] == [f"{source}:2", f"{source}:3"]
    assert f"{source}:2: not valid JSON: nested too deeply" in output
    assert written["invalid"][0]["problems_it"] == ["non è JSON valido: annidato troppo in profondità"]


def test_bad_lines_are_said_in_italian_by_default(tmp_path: Path) -> None:
    lines = [json.dumps(make_application()), "[1, 2]", json.dumps({"case_type": "claim"})]
    source = applications_file(tmp_path, lines)

    out = tmp_path / "r.json"
    italian = CliRunner().invoke(
        app, ["allocate", str(source), "--out", str(out), "--rules", str(RULES)]
    )

    assert italian.exit_code == 1, italian.output
    assert f"{source}:2: un caso è un insieme di campi con i loro valori" in italian.stderr
    written = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert written["invalid"][0]["problems"] == ["a case is a mapping of fields to values"]


def test_an_unwritable_output_is_a_message_and_exit_2(tmp_path: Path) -> None:
    source = applications_file(tmp_path, [json.dumps(make_application())])
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n", "utf-8")

    code, output = allocate(str(source), "--out", str(blocker / "r.json"))

    assert code == 2 and "cannot write the result" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_output_directory_is_a_message_and_exit_2(tmp_path: Path) -> None:
    source = applications_file(tmp_path, [json.dumps(make_application())])
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, output = allocate(str(source), "--out", str(locked / "r.json"))
    finally:
        locked.chmod(0o700)
    assert code == 2 and "cannot write the result" in output


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path: Path, text: str) -> None:
    case = make_application(id=text, applicant__name=text)
    source = applications_file(tmp_path, [json.dumps(case)])
    report = tmp_path / "r.csv"

    code, output = allocate(str(source), "--out", str(tmp_path / "r.json"), "--csv", str(report))

    assert code == 0, output
    with report.open(encoding="utf-8", newline="") as handle:  # a CR inside a cell stays
        [row] = list(csv.DictReader(handle))
    assert (row["id"], row["name"]) == ("'" + text, "'" + text)
    assert row["allocated_total"].isdigit() and row["group"] == "15"  # Campania


def test_safe_cell_leaves_plain_text_and_numbers_alone() -> None:
    assert safe_cell("Comune di Napoli") == "Comune di Napoli"
    assert safe_cell(-3) == -3 and safe_cell(None) is None
    assert safe_cell("a=b") == "a=b" and safe_cell("") == ""
    assert safe_cell("-") == "'-"
