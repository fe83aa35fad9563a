"""What the engine decides for conditions the bundled rules never write, stated with expected
outcomes: the mutation run (README, "Development") found these constructs unguarded.

Every condition is one requirement of ONE small rule set, built once for the module and
decided by the engine and the reference evaluator alike, so each case costs a lookup.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_application, write_ruleset
from pydantic import BaseModel
from test_checker import PARAMETER, RULE_HEAD, assert_problem, only, problems_for

from capcoe_rules import CaseError, Engine, ReferenceEvaluator, check_ruleset

# Napoli, 6 technical and 3 economic posts, a need of 20, a gap of 30%, EUR 900,000.00.
CASE = make_application()

CONDITIONS: list[tuple[str, str]] = [
    # a constant item in a list of constants: found when any element equals it
    ("3 in [3, 4]", "met"),
    ("3 in [4, 3]", "met"),
    ("3 not in [3, 4]", "not_met"),
    ("5 in [3, 4]", "not_met"),
]


def _rule_file() -> str:
    lines = ["case: application", "rules:"]
    for index, (condition, _) in enumerate(CONDITIONS):
        lines += [
            f"  - id: R-{index}",
            "    title: {it: Prova}",
            "    basis: Prova",
            "    provenance: assumption",
            f"    require: {json.dumps(condition)}",
        ]
    return "\n".join(lines) + "\n"


def _statuses(decision: object) -> dict[str, str]:
    return {
        finding.rule_id: finding.status
        for finding in decision.findings  # type: ignore[attr-defined]
        if finding.kind == "requirement"
    }


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    directory = write_ruleset(tmp_path_factory.mktemp("core") / "rs", {"r.yaml": _rule_file()})
    return Engine.from_path(directory)


@pytest.fixture(scope="module")
def decided(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    """The statuses the engine and the reference evaluator give each rule."""
    reference = ReferenceEvaluator(engine.ruleset)
    return _statuses(engine.evaluate(CASE)), _statuses(reference.evaluate(CASE))


@pytest.mark.parametrize(
    ("index", "condition", "status"), [(i, *c) for i, c in enumerate(CONDITIONS)]
)
def test_condition(
    decided: tuple[dict[str, str], dict[str, str]], index: int, condition: str, status: str
) -> None:
    engine, reference = decided
    assert (engine[f"R-{index}"], reference[f"R-{index}"]) == (status, status), condition


def test_a_rule_set_without_derivations_or_lookups_is_written_byte_for_byte(
    engine: Engine,
) -> None:
    """The direct JSON writer's empty ``derived`` and ``lookups``, as pydantic writes them."""
    assert engine.evaluate_json(CASE).json == engine.evaluate(CASE).to_json()


class NotACase(BaseModel):
    case_type: str = "application"


def test_a_model_that_is_not_a_case_is_refused_as_a_case_error(engine: Engine) -> None:
    with pytest.raises(CaseError, match="NotACase is not a case"):
        engine.evaluate(NotACase())


def test_a_text_no_field_can_hold_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = RULE_HEAD + "    require: application.area == 'formazion'\n"
    problem = only(problems_for(tmp_path, text))
    assert_problem(problem, "E016", "r.yaml", 7, 34)
    assert "'formazion' is not a value of application.area" in problem.message


def test_a_derivation_that_does_not_parse_is_refused_where_it_is_written(
    tmp_path: Path,
) -> None:
    """A formula that does not parse depends on no other derivation: refused, no crash."""
    text = RULE_HEAD + "    derive: x\n    value: '1 +'\n"
    assert_problem(only(problems_for(tmp_path, text)), "E010", "r.yaml", 8, 13)


def test_a_misspelt_required_key_is_one_problem_the_unknown_key(tmp_path: Path) -> None:
    text = RULE_HEAD.replace("    title:", "    titel:") + "    require: 'true'\n"
    problem = only(problems_for(tmp_path, text))
    assert_problem(problem, "E002", "r.yaml", 4, 5)
    assert "did you mean 'title'?" in problem.message


def test_a_parameter_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    parameter = PARAMETER + "      - {from: 2021-01-01, value: 10}\n"
    directory = write_ruleset(tmp_path / "rs", {"a.yaml": parameter, "b.yaml": parameter})
    problem = only(check_ruleset(directory))
    assert_problem(problem, "E018", "b.yaml", 2, 3)
    assert "parameter 'tetto' is defined twice" in problem.message


def test_values_that_overlap_are_reported_before_any_gap_is_looked_for(tmp_path: Path) -> None:
    """Gaps are read from values in order that do not overlap: the overlap is the problem."""
    values = (
        "      - {from: 2021-01-01, to: 2022-12-31, value: 10}\n"
        "      - {from: 2022-06-01, to: 2023-12-31, value: 20}\n"
        "      - {from: 2025-01-01, value: 30}\n"
    )
    directory = write_ruleset(tmp_path / "rs", {"p.yaml": PARAMETER + values})
    problem = only(check_ruleset(directory))
    assert_problem(problem, "E020", "p.yaml", 9, 16)
    assert "overlaps the one in force until 2022-12-31" in problem.message


def test_an_unreadable_manifest_is_one_problem_not_also_a_missing_one(tmp_path: Path) -> None:
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": RULE_HEAD + "    require: 'true'\n"})
    (directory / "ruleset.yaml").write_bytes(b"name: mini\xff\n")
    problem = only(check_ruleset(directory))
    assert_problem(problem, "E006", "ruleset.yaml", 1, 11)
    assert "not UTF-8" in problem.message


def _table(columns: str, row: str) -> str:
    return (
        "tables:\n  places:\n    title: {it: Luoghi}\n    basis: x\n    provenance: assumption\n"
        f"    key: code\n    columns: {columns}\n    rows:\n      - {row}\n"
    )


def test_a_table_row_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    text = _table("{code: text}", "{code: a, from: 2024-01-01, to: 2023-12-31}")
    problem = only(check_ruleset(write_ruleset(tmp_path / "rs", {"t.yaml": text})))
    assert_problem(problem, "E020", "t.yaml", 9, 41)
    assert "'to' 2023-12-31 is before 'from' 2024-01-01" in problem.message


def test_a_table_column_named_to_is_refused(tmp_path: Path) -> None:
    text = _table("{code: text, to: number}", "{code: a}")
    problem = only(check_ruleset(write_ruleset(tmp_path / "rs", {"t.yaml": text})))
    assert_problem(problem, "E022", "t.yaml", 7, 27)
    assert "'to' is not a column name" in problem.message


def test_a_constant_is_found_in_a_list_when_any_element_equals_it(tmp_path: Path) -> None:
    """The same law as the shared rule set's first conditions, compiled within the test's
    own run (so that the mutation run tries this test first on the compiler's line)."""
    rules = {"r.yaml": RULE_HEAD + "    require: '3 in [4, 3] and 5 not in [3, 4]'\n"}
    engine = Engine.from_path(write_ruleset(tmp_path / "rs", rules))
    assert _statuses(engine.evaluate(CASE)) == {"R-ONE": "met"}
