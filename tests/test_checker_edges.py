"""The checker on the edges a careless change to it would move: dates that touch, bands
that are empty, conditions that are not conditions, keys that may be null."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_ruleset
from test_checker import BAND_MANIFEST, PARAMETER, RULE_HEAD, band_table, only, problems_for

from capcoe_rules import check_ruleset


def test_a_value_for_a_single_day_is_accepted(tmp_path: Path) -> None:
    text = PARAMETER + (
        "      - {from: 2021-01-01, to: 2023-12-31, value: 10}\n"
        "      - {from: 2024-01-01, to: 2024-01-01, value: 20}\n"
        "      - {from: 2024-01-02, value: 30}\n"
    )
    assert problems_for(tmp_path, text) == []


def test_two_values_from_the_same_day_are_refused(tmp_path: Path) -> None:
    text = PARAMETER + (
        "      - {from: 2021-01-01, to: 2023-12-31, value: 10}\n"
        "      - {from: 2021-01-01, value: 20}\n"
    )
    problem = only(problems_for(tmp_path, text))
    assert problem.code == "E020" and "out of order" in problem.message


def test_values_touching_on_one_day_overlap(tmp_path: Path) -> None:
    text = PARAMETER + (
        "      - {from: 2021-01-01, to: 2024-01-01, value: 10}\n"
        "      - {from: 2024-01-01, value: 20}\n"
    )
    problem = only(problems_for(tmp_path, text))
    assert problem.code == "E020" and "overlaps" in problem.message


def test_a_gap_before_the_first_value_is_refused(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, PARAMETER + "      - {from: 2021-01-02, value: 10}\n"))
    assert problem.code == "E021" and "2021-01-01 to 2021-01-01" in problem.message


def test_an_open_ended_far_future_is_fine(tmp_path: Path) -> None:
    text = PARAMETER + "      - {from: 2021-01-01, to: 9999-12-31, value: 10}\n"
    assert problems_for(tmp_path, text) == []


def test_a_band_table_with_no_valid_band_is_refused(tmp_path: Path) -> None:
    rows = "      - {band: a, lower: x, upper: 1, rate: 0}\n"
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": band_table(rows)}, manifest=BAND_MANIFEST)
    codes = sorted(problem.code for problem in check_ruleset(directory))
    assert codes == ["E022", "E022"]  # the bad cell, then the table left with no band


def test_an_empty_band_is_refused(tmp_path: Path) -> None:
    rows = "      - {band: a, lower: 1, upper: 1, rate: 0}\n"
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": band_table(rows)}, manifest=BAND_MANIFEST)
    problem = only(check_ruleset(directory))
    assert problem.code == "E022" and "not below" in problem.message


@pytest.mark.parametrize("key", ["when", "require"])
def test_a_condition_must_be_true_or_false(tmp_path: Path, key: str) -> None:
    text = RULE_HEAD + f"    {key}: application.hires.total + 1\n"
    if key == "when":
        text += "    require: application.hires.total > 0\n"
    problem = only(problems_for(tmp_path, text))
    assert problem.code == "E014" and "condition" in problem.message


def test_a_lookup_key_that_may_be_null_is_refused(tmp_path: Path) -> None:
    manifest = (
        "name: mini\nversion: '1'\ntitle: {it: Prova}\n"
        "in_force: {from: 2021-01-01, to: 2029-12-31}\n"
        "lookups:\n  place: {table: places, key: application.applicant.istat_code}\n"
    )
    table = (
        "tables:\n  places:\n    title: {it: Luoghi}\n    basis: x\n    provenance: assumption\n"
        "    key: code\n    columns: {code: text}\n    rows:\n      - {code: '063049'}\n"
    )
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": table}, manifest=manifest)
    problem = only(check_ruleset(directory))
    assert problem.code == "E014" and "key" in problem.message


def test_a_message_shows_only_fields_that_exist(tmp_path: Path) -> None:
    text = RULE_HEAD + (
        "    require: application.hires.total > 0\n"
        "    message: {it: 'Posti {application.hires.totale}'}\n"
    )
    problem = only(problems_for(tmp_path, text))
    assert problem.code == "E012" and "totale" in problem.message
