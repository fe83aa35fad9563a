"""The allocation declaration in the rule files, as the checker sees it: every mistake a
policy officer can make in it is refused with the file, line and column to look at."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RULES, dump_rule_file

from capcoe_rules.language import check_ruleset, load_ruleset
from capcoe_rules.language.problems import Problem

RIPARTO = "assunzioni/riparto.yaml"


def edited(tmp_path: Path, change: Callable[[dict[str, Any]], None], file: str = RIPARTO) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / file
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(dump_rule_file(document), "utf-8")
    return rules


def line_of(rules: Path, needle: str, file: str = RIPARTO) -> int:
    """The first line of ``file`` holding ``needle`` (1-based)."""
    lines = (rules / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_the_bundled_declaration_is_checked_and_complete() -> None:
    allocation = load_ruleset(RULES).allocation
    assert allocation is not None
    assert list(allocation.methods) == ["decreto_2024", "proporzionale", "priorita"]
    decree = allocation.methods["decreto_2024"]
    assert decree.key is not None and decree.key.table.name == "erdf_regional_key"
    assert [criterion.name for criterion, _ in decree.share or ()] == [
        "need",
        "population",
        "spending",
    ]
    assert allocation.methods["priorita"].share is None  # serve, in rank order


def test_the_bundled_declaration_labels_pools_and_groups_from_its_tables() -> None:
    """What a round's report shows for a body type and a region: their names in the
    rule set's tables, as of the round's day; a value the table lacks is shown as it is."""
    allocation = load_ruleset(RULES).allocation
    assert allocation is not None
    day = dt.date(2024, 1, 1)
    groups, pools = allocation.group_labels, allocation.pool_labels
    assert groups is not None and pools is not None
    assert groups.label("15", day) == "Campania"
    assert groups.label("19", day) == "Sicilia"
    assert pools.label("comune", day) == "Comune"
    assert pools.label("nessuno", day) == "nessuno"


def steps(document: dict[str, Any], method: str = "decreto_2024") -> list[dict[str, Any]]:
    steps_: list[dict[str, Any]] = document["allocation"]["methods"][method]["steps"]
    return steps_


def test_an_unknown_criterion_in_a_step(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        steps(document)[2]["weights"]["popolazione"] = steps(document)[2]["weights"].pop(
            "population"
        )

    rules = edited(tmp_path, change)
    problem = only(check_ruleset(rules))
    assert problem.code == "E041" and "unknown criterion 'popolazione'" in problem.message
    assert problem.position.line == line_of(rules, "popolazione:")
    assert problem.file.endswith(RIPARTO)


def test_steps_out_of_order(tmp_path: Path) -> None:
    rules = edited(tmp_path, lambda d: steps(d).reverse())
    problem = only(check_ruleset(rules))
    assert problem.code == "E040"
    assert "profiles, share, key, quotas are not in the order" in problem.message


def test_a_missing_step(tmp_path: Path) -> None:
    rules = edited(tmp_path, lambda d: steps(d, "priorita").pop())
    problem = only(check_ruleset(rules))
    assert problem.code == "E040" and "method 'priorita'" in problem.message


def test_an_unknown_step(tmp_path: Path) -> None:
    rules = edited(tmp_path, lambda d: steps(d)[1].update(step="sorteggio"))
    problem = only(check_ruleset(rules))
    assert problem.code == "E003" and "sorteggio" in problem.message


@pytest.mark.parametrize("posts", [1150, 1130], ids=["more", "fewer"])
def test_caps_that_do_not_add_up_from_a_date(tmp_path: Path, posts: int) -> None:
    """From 2026 the technical profile gets 10 posts more (or fewer), nothing else changes."""

    def change(document: dict[str, Any]) -> None:
        values = document["parameters"]["hiring_cap_profilo_tecnico"]["values"]
        values[0]["to"] = dt.date(2025, 12, 31)
        values.append({"from": dt.date(2026, 1, 1), "value": posts})

    rules = edited(tmp_path, change, "assunzioni/contingenti.yaml")
    problem = only(check_ruleset(rules))
    assert problem.code == "E042"
    assert f"on 2026-01-01 the profile caps add up to {posts + 989}" in problem.message
    assert "to 2129" in problem.message
    assert problem.position.line == line_of(rules, "  profiles:")


@pytest.mark.parametrize(
    ("wrong_from", "wrong_to"),
    [(dt.date(2021, 1, 1), dt.date(2021, 1, 1)), (dt.date(2029, 12, 31), None)],
    ids=["first-day", "last-day"],
)
def test_caps_that_do_not_add_up_on_the_first_or_last_day_in_force(
    tmp_path: Path, wrong_from: dt.date, wrong_to: dt.date | None
) -> None:
    """The rule set is in force 2021-01-01..2029-12-31: a wrong cap for only its first day,
    or only its last, is checked on that day like any other."""

    def change(document: dict[str, Any]) -> None:
        right = 1140
        wrong = {"from": wrong_from, "value": right + 10}
        if wrong_to is None:
            before = {"from": dt.date(2021, 1, 1), "to": wrong_from - dt.timedelta(days=1)}
            values = [{**before, "value": right}, wrong]
        else:
            after = {"from": wrong_to + dt.timedelta(days=1), "value": right}
            values = [{**wrong, "to": wrong_to}, after]
        document["parameters"]["hiring_cap_profilo_tecnico"]["values"] = values

    problem = only(check_ruleset(edited(tmp_path, change, "assunzioni/contingenti.yaml")))
    assert problem.code == "E042"
    assert f"on {wrong_from} the profile caps add up to 2139" in problem.message


def test_caps_are_not_checked_after_the_last_day_in_force(tmp_path: Path) -> None:
    """A value that starts after the rule set's period (2029-12-31) is never in force."""

    def change(document: dict[str, Any]) -> None:
        document["parameters"]["hiring_cap_profilo_tecnico"]["values"] = [
            {"from": dt.date(2021, 1, 1), "to": dt.date(2029, 12, 31), "value": 1140},
            {"from": dt.date(2030, 1, 1), "value": 1150},
        ]

    assert check_ruleset(edited(tmp_path, change, "assunzioni/contingenti.yaml")) == []


def test_quotas_that_do_not_add_up_to_the_total(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        document["parameters"]["hiring_cap_total"]["values"][0]["value"] = 2300

    rules = edited(tmp_path, change, "assunzioni/contingenti.yaml")
    problem = only(check_ruleset(rules))
    assert problem.code == "E042" and "quotas add up to 2200" in problem.message


def test_an_unknown_key_table_or_column(tmp_path: Path) -> None:
    rules = edited(tmp_path, lambda d: steps(d)[1].update(table="chiave"))
    problem = only(check_ruleset(rules))
    assert problem.code == "E023" and "unknown key table 'chiave'" in problem.message
    assert problem.position.line == line_of(rules, "table: chiave")
    rules = edited(tmp_path / "2", lambda d: steps(d)[1].update(column="name"))
    problem = only(check_ruleset(rules))
    assert problem.code == "E022" and "no number column 'name'" in problem.message


def test_a_negative_key_value(tmp_path: Path) -> None:
    rules = edited(
        tmp_path,
        lambda d: d["tables"]["erdf_regional_key"]["rows"][0].update(erdf_eur_million=-1),
    )
    problem = only(check_ruleset(rules))
    assert problem.code == "E022" and "row '14': a key is never below 0" in problem.message


def test_an_unknown_field_and_an_unknown_body_type(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        document["allocation"]["profiles"]["tecnico"]["request"] = "application.hires.tecnici"
        document["allocation"]["pools"]["quotas"]["regioni"]["admits"] = ["regioni"]

    rules = edited(tmp_path, change)
    codes = sorted(problem.code for problem in check_ruleset(rules))
    assert codes == ["E012", "E016"]


def test_a_method_parameter_naming_an_undeclared_method(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        values = document["parameters"]["hiring_allocation_method"]["values"]
        values[0]["to"] = dt.date(2025, 12, 31)
        values.append({"from": dt.date(2026, 1, 1), "value": "sorteggio"})

    rules = edited(tmp_path, change)
    problem = only(check_ruleset(rules))
    assert problem.code == "E041"
    assert "names method 'sorteggio' from 2026-01-01" in problem.message
    assert problem.position.line == line_of(rules, "  method: hiring_allocation_method")


def test_weights_that_are_all_zero_on_some_day(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        for name in ("hiring_weight_need", "hiring_weight_population", "hiring_weight_spending"):
            document["parameters"][name]["values"] = [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 12, 31), "value": 1},
                {"from": dt.date(2025, 1, 1), "value": 0},
            ]

    problem = only(check_ruleset(edited(tmp_path, change)))
    assert problem.code == "E022" and "every weight is 0 on 2025-01-01" in problem.message


def test_an_unknown_order_criterion_and_a_weight_of_the_wrong_type(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        document["allocation"]["order"] = "punteggio"
        steps(document)[2]["weights"]["need"] = "hiring_allocation_method"

    codes = sorted(problem.code for problem in check_ruleset(edited(tmp_path, change)))
    assert codes == ["E014", "E041"]


def test_one_allocation_per_rule_set_and_a_file_must_name_its_case(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    text = (rules / RIPARTO).read_text(encoding="utf-8")
    start = text.index("\nallocation:") + 1
    ends = [m.start() for m in re.finditer(r"^[a-z]", text, re.M) if m.start() > start]
    allocation = text[start : ends[0] if ends else len(text)]
    (rules / "assunzioni" / "altro.yaml").write_text(
        "case: application\n" + allocation + "\n", encoding="utf-8"
    )
    (rules / "assunzioni" / "senza.yaml").write_text(allocation + "\n", encoding="utf-8")
    problems = check_ruleset(rules)
    assert sorted(problem.code for problem in problems) == ["E003", "E018"]
    twice = next(problem for problem in problems if problem.code == "E018")
    assert "declares one allocation round" in twice.message


def test_a_round_is_of_applications(tmp_path: Path) -> None:
    rules = edited(tmp_path, lambda d: d.update(case="claim"))
    problems = check_ruleset(rules)
    assert any(
        problem.code == "E014" and "not 'case: claim'" in problem.message for problem in problems
    ), problems


@pytest.mark.parametrize("several", ["refuse", "keep_latest"])
def test_one_request_per_body_names_its_rule(tmp_path: Path, several: str) -> None:
    rules = edited(
        tmp_path, lambda d: d["allocation"]["one_request_per_body"].update(several=several)
    )
    allocation = load_ruleset(rules).allocation
    assert allocation is not None and allocation.several == several
    assert [ref.dotted for ref in allocation.identity] == [
        "application.applicant.body_type",
        "application.applicant.istat_code",
    ]
