"""The checker reports each kind of mistake with its code, file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from capcoe_rules import RuleSetError, check_ruleset, load_ruleset
from capcoe_rules.language.problems import Position, Problem
from conftest import RULES, write_ruleset

RULE_HEAD = """\
case: application
rules:
  - id: R-ONE
    title: {it: Prova}
    basis: Art. 1
    provenance: source
"""
# A rule's condition is on line 7; its value starts at column 14 after "    require: ".


def problems_for(tmp_path: Path, text: str, extra: dict[str, str] | None = None) -> list[Problem]:
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": text, **(extra or {})})
    return check_ruleset(directory)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def assert_problem(problem: Problem, code: str, file: str, line: int, column: int) -> None:
    assert (problem.code, Path(problem.file).name, problem.position) == (
        code, file, Position(line, column),
    ), str(problem)


def test_bundled_rules_are_clean() -> None:
    assert check_ruleset(RULES) == []


def test_yaml_syntax_error(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, "case: application\nrules:\n  - id: [R-ONE\n"))
    assert_problem(problem, "E001", "r.yaml", 4, 1)
    assert problem.message == "a list in [ ] is not closed"
    assert problem.message_it == "una lista tra [ ] non è chiusa"
    assert problem.hint is not None and "']'" in problem.hint.en


def test_unknown_key_points_at_the_key(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    requrie: application.area == 'assunzioni'\n"))
    assert_problem(problem, "E002", "r.yaml", 7, 5)
    assert "unknown key 'requrie'" in problem.message and "require" in problem.message


def test_missing_required_key(tmp_path: Path) -> None:
    text = RULE_HEAD.replace("    basis: Art. 1\n", "") + "    require: application.amount_requested > 0\n"
    problem = only(problems_for(tmp_path, text))
    assert_problem(problem, "E003", "r.yaml", 3, 5)
    assert "basis" in problem.message


def test_duplicate_rule_id_across_files(tmp_path: Path) -> None:
    rule = RULE_HEAD + "    require: application.amount_requested > 0\n"
    problem = only(problems_for(tmp_path, rule, {"s.yaml": rule}))
    assert_problem(problem, "E004", "s.yaml", 3, 9)
    assert "R-ONE" in problem.message and "r.yaml" in problem.message


def test_unknown_field(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: application.applicant.sindaco == 'x'\n"))
    assert_problem(problem, "E012", "r.yaml", 7, 14)
    assert "unknown field 'sindaco'" in problem.message and "body_type" in problem.message


def test_unknown_parameter(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: application.amount_requested <= params.tetto\n"))
    assert_problem(problem, "E013", "r.yaml", 7, 46)
    assert "unknown parameter 'tetto'" in problem.message


def test_text_compared_with_number(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: application.area > 3\n"))
    assert_problem(problem, "E014", "r.yaml", 7, 14)
    assert "text" in problem.message and "number" in problem.message


def test_date_compared_with_number_in_a_quoted_expression(tmp_path: Path) -> None:
    text = RULE_HEAD + '    require: "application.hires.total > 0 and application.submitted_at >= 2023"\n'
    problem = only(problems_for(tmp_path, text))
    # The quote shifts the expression by one column: the second comparison starts at 47.
    assert_problem(problem, "E014", "r.yaml", 7, 47)
    assert "datetime" in problem.message and "number" in problem.message


def test_unknown_value_of_a_closed_field(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: application.area == 'asunzioni'\n"))
    assert_problem(problem, "E016", "r.yaml", 7, 34)
    assert "assunzioni" in problem.message


def test_expression_syntax_error(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: application.amount_requested >\n"))
    assert_problem(problem, "E010", "r.yaml", 7, 14)


def test_expression_in_a_block_scalar_is_placed_on_its_own_line(tmp_path: Path) -> None:
    text = RULE_HEAD + "    require: >-\n      application.hires.total > 0\n      and params.nope\n"
    problem = only(problems_for(tmp_path, text))
    assert problem.code == "E013"


@pytest.mark.parametrize("indicator", ["|", "|-", ">", ">-"])
def test_a_problem_on_a_later_line_of_a_block_expression_is_placed_there(
    tmp_path: Path, indicator: str
) -> None:
    expression = "      (application.hires.total > 0\n      and params.nope)\n"
    text = RULE_HEAD + f"    require: {indicator}\n{expression}"
    # Line 9 of the file, after six spaces of indentation and "and ".
    assert_problem(only(problems_for(tmp_path, text)), "E013", "r.yaml", 9, 11)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("'application.area == ''assunzioni'' and params.nope > 0'", "params"),
        ('"application.area == \\"assunzioni\\" and params.nope > 0"', "params"),
        ('"application.area == \\"\\x61ssunzioni\\" and params.nope > 0"', "params"),
        ('"application.area == \\"\\u0061ssunzioni\\" and params.nope > 0"', "params"),
        ('"application.area == \\"\\U00000061ssunzioni\\" and params.nope > 0"', "params"),
        ('"application.area == \\"assunzioni\\" and \\\n      params.nope > 0"', "params"),
        ('"application.area == \\"assunzioni\\" and \\\n      \\x70arams.nope > 0"', "\\x70arams"),
        ('"(application.area == \\"assunzioni\\"\n\n      and params.nope > 0)"', "params"),
    ],
    ids=["doubled-quote", "escaped-quote", "x", "u", "U", "line-break", "letter", "blank-line"],
)
def test_a_problem_after_an_escape_is_placed_where_its_word_is_written(
    tmp_path: Path, value: str, written: str
) -> None:
    """An escape writes one character of the expression with several of the file (\\" or
    '' for a quote, \\x61 for 'a'), an escaped line break with none: the place of a problem
    after one is still that of its word in the file."""
    text = RULE_HEAD + f"    require: {value}\n"
    lines = text.splitlines()
    line = next(number for number, content in enumerate(lines, start=1) if written in content)
    column = lines[line - 1].index(written) + 1
    assert_problem(only(problems_for(tmp_path, text)), "E013", "r.yaml", line, column)


@pytest.mark.parametrize(
    ("expression", "column", "word"),
    [
        ("application.__class__", 15, "__class__"),
        ("().__class__", 15, "__class__"),
        ("open('/etc/passwd') == 'x'", 15, "open()"),
        ("(lambda: True)()", 16, "lambda"),
        ("[x for x in [1]] == [1]", 15, "comprehension"),
        ("import os", 15, "import"),
        ("application.hires['tecnico'] > 0", 15, "indexing"),
    ],
)
def test_forbidden_constructs(tmp_path: Path, expression: str, column: int, word: str) -> None:
    # Quoted, as policy staff must quote an expression holding ':' or '[' in YAML.
    problem = only(problems_for(tmp_path, RULE_HEAD + f'    require: "{expression}"\n'))
    assert problem.code == "E011", str(problem)
    assert (problem.position.line, problem.position.column) == (7, column)
    assert word in problem.message


def test_nothing_of_a_hostile_rule_file_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = RULE_HEAD + f"    require: __import__('os').system('touch {marker}') == 0\n"
    problem = only(problems_for(tmp_path, text))
    assert_problem(problem, "E011", "r.yaml", 7, 14)
    assert "__import__" in problem.message
    with pytest.raises(RuleSetError):
        load_ruleset(tmp_path / "rs")
    assert not marker.exists()


PARAMETER = """\
parameters:
  tetto:
    title: {it: Tetto}
    basis: Art. 2
    provenance: assumption
    type: money
    values:
"""


def test_parameter_values_out_of_order(tmp_path: Path) -> None:
    text = PARAMETER + "      - {from: 2024-01-01, value: 10}\n      - {from: 2021-01-01, value: 20}\n"
    problems = problems_for(tmp_path, text)
    assert_problem(problems[0], "E020", "r.yaml", 9, 16)
    assert "out of order" in problems[0].message


def test_parameter_values_overlapping(tmp_path: Path) -> None:
    text = PARAMETER + (
        "      - {from: 2021-01-01, to: 2024-06-30, value: 10}\n"
        "      - {from: 2024-06-01, value: 20}\n"
    )
    problem = only(problems_for(tmp_path, text))
    assert_problem(problem, "E020", "r.yaml", 9, 16)
    assert "overlaps" in problem.message


def test_parameter_without_value_while_in_force(tmp_path: Path) -> None:
    text = PARAMETER + (
        "      - {from: 2021-01-01, to: 2023-12-31, value: 10}\n"
        "      - {from: 2024-03-01, value: 20}\n"
    )
    problem = only(problems_for(tmp_path, text))
    assert_problem(problem, "E021", "r.yaml", 9, 9)
    assert "2024-01-01 to 2024-02-29" in problem.message


def test_parameter_ending_before_the_rule_set(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, PARAMETER + "      - {from: 2021-01-01, to: 2027-12-31, value: 10}\n"))
    assert_problem(problem, "E021", "r.yaml", 8, 9)
    assert "2028-01-01 to 2029-12-31" in problem.message


def test_parameter_value_of_the_wrong_type(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, PARAMETER + "      - {from: 2021-01-01, value: molto}\n"))
    assert_problem(problem, "E022", "r.yaml", 8, 35)


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = RULE_HEAD + "    require: application.nope > 0\n" + (
        "  - id: R-TWO\n    title: {it: Due}\n    basis: Art. 3\n    provenance: source\n"
        "    require: params.nope\n"
    )
    codes = sorted(problem.code for problem in problems_for(tmp_path, text))
    assert codes == ["E012", "E013"]


def test_cycle_between_derived_values(tmp_path: Path) -> None:
    text = """\
    case: application
    rules:
      - {id: D-A, title: {it: A}, basis: x, provenance: assumption, derive: a, value: derived.b + 1}
      - {id: D-B, title: {it: B}, basis: x, provenance: assumption, derive: b, value: derived.a + 1}
    """
    codes = {problem.code for problem in problems_for(tmp_path, text)}
    assert codes == {"E017"}


def test_missing_manifest(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    problem = only(check_ruleset(tmp_path / "empty"))
    assert_problem(problem, "E030", "ruleset.yaml", 1, 1)


def test_problem_prints_as_file_line_column_code_message(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: application.area > 3\n"))
    assert str(problem).endswith("r.yaml:7:14: E014 type mismatch: cannot compare text with number")


BAND_MANIFEST = """\
name: mini
version: "1"
title: {it: Regole di prova}
in_force: {from: 2021-01-01, to: 2029-12-31}
lookups:
  band: {table: bands, key: milestone.achievement, match: band}
"""


def band_table(rows: str) -> str:
    return (
        "tables:\n  bands:\n    title: {it: Fasce}\n    basis: x\n    provenance: assumption\n"
        "    key: band\n    columns: {band: text, lower: number, upper: number, rate: number}\n"
        "    rows:\n" + rows
    )


def test_overlapping_bands_are_refused_at_the_later_band(tmp_path: Path) -> None:
    rows = "      - {band: a, lower: 0, upper: 0.9, rate: 0}\n      - {band: b, lower: 0.8, upper: 2, rate: 1}\n"
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": band_table(rows)}, manifest=BAND_MANIFEST)
    problem = only(check_ruleset(directory))
    assert_problem(problem, "E020", "t.yaml", 10, 9)
    assert "overlap" in problem.message


def test_band_lookup_needs_a_number_key(tmp_path: Path) -> None:
    manifest = BAND_MANIFEST.replace("milestone.achievement", "milestone.kind")
    rows = "      - {band: a, lower: 0, upper: 1, rate: 0}\n"
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": band_table(rows)}, manifest=manifest)
    problem = only(check_ruleset(directory))
    assert_problem(problem, "E014", "ruleset.yaml", 6, 29)


def test_lists_cannot_be_compared_with_each_other(tmp_path: Path) -> None:
    text = RULE_HEAD + '    require: "params.a == params.a"\n' + (
        "parameters:\n  a: {title: {it: A}, basis: x, provenance: assumption, type: 'list[text]',"
        " values: [{from: 2021-01-01, value: [x]}]}\n"
    )
    problem = only(problems_for(tmp_path, text))
    assert problem.code == "E014" and "'in'" in problem.message


def test_every_problem_code_is_documented_in_the_readme() -> None:
    from capcoe_rules.language.problems import CODES

    readme = (RULES.parent / "README.md").read_text("utf-8")
    documented = {line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| E0")}
    assert documented == set(CODES)


def test_problems_found_use_documented_codes(tmp_path: Path) -> None:
    from capcoe_rules.language.problems import CODES

    text = RULE_HEAD + "    require: application.nope > __x\n    bogus: 1\n"
    problems = problems_for(tmp_path, text) + problems_for(tmp_path / "b", "rules: [\n")
    assert problems and all(problem.code in CODES for problem in problems)
