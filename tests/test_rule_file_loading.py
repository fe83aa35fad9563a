"""Rule files that cannot be read are problems with a place, never a traceback or a hang.

Whatever a rule file holds (bytes that are not UTF-8, a NUL, a date that does not exist,
an alias bomb, a Python tag, 100,000 levels of nesting, 50 MB), ``load_ruleset`` raises
only ``RuleSetError`` and ``capcoe-rules check`` lists the problem as FILE:LINE:COL: CODE.
Where a regression could hang or crash the process, the test runs it in a subprocess with
a timeout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, MANIFEST, RULES, write_ruleset
from typer.testing import CliRunner
from yaml.constructor import SafeConstructor

from capcoe_rules import Engine, RuleSetError, check_ruleset, load_ruleset
from capcoe_rules.cli import app
from capcoe_rules.language.problems import CODES, Position, Problem
from capcoe_rules.language.stages import context as checker_context
from capcoe_rules.language.yaml_source import read_yaml

# The limits as the README states them ("Rule files": at most 1 MiB each and 8 MiB for a
# rule set, nested at most 64 levels deep), not as the code spells them: a test that took
# the code's constants would move its boundary with them.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64

runner = CliRunner()
PARAMETER = """\
parameters:
  soglia:
    title: {it: Soglia}
    basis: Art. 1
    provenance: assumption
    type: date
    values:
      - {from: 2021-01-01, value: DAY}
"""
# The value of the parameter's only dated value is on line 8, column 35.


def rule_set(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A small rule set: the test manifest plus ``files`` (text, or bytes as they are)."""
    directory = write_ruleset(tmp_path / "rs", {})
    for name, content in files.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return directory


def problems_of(directory: Path) -> list[Problem]:
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(directory)
    assert refused.value.problems, "a RuleSetError names its problems"
    assert all(problem.code in CODES for problem in refused.value.problems)
    return refused.value.problems


def the_problem(directory: Path, code: str) -> Problem:
    found = [problem for problem in problems_of(directory) if problem.code == code]
    assert len(found) == 1, "\n".join(map(str, problems_of(directory)))
    return found[0]


def check_in_subprocess(directory: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``capcoe-rules check`` in its own process: a hang is a timeout, a crash is counted."""
    return subprocess.run(
        [sys.executable, "-m", "capcoe_rules", "check", "--lang", "en", str(directory)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# -- bytes and characters ---------------------------------------------------------------------


def test_a_nul_byte_is_a_syntax_problem_at_its_place(tmp_path: Path) -> None:
    directory = rule_set(tmp_path, {"r.yaml": "case: application\nrules: [\x00]\n"})
    problem = the_problem(directory, "E001")
    assert (Path(problem.file).name, problem.position) == ("r.yaml", Position(2, 9))
    assert "U+0000" in problem.message


def test_bytes_that_are_not_utf8_are_a_problem_at_their_place(tmp_path: Path) -> None:
    latin1 = "case: application\n# Città\nrules: []\n".encode("latin-1")
    problem = the_problem(rule_set(tmp_path, {"r.yaml": latin1}), "E006")
    assert (Path(problem.file).name, problem.position) == ("r.yaml", Position(2, 7))
    assert "0xE0" in problem.message and "UTF-8" in problem.message


def test_a_utf16_rule_file_is_named_as_such(tmp_path: Path) -> None:
    utf16 = "case: application\nrules: []\n".encode("utf-16")
    problem = the_problem(rule_set(tmp_path, {"r.yaml": utf16}), "E006")
    assert "UTF-16" in problem.message


def test_a_rule_file_that_cannot_be_opened_is_a_problem(tmp_path: Path) -> None:
    directory = rule_set(tmp_path, {})
    (directory / "folder.yaml").mkdir()  # named like a rule file, but a directory
    problem = the_problem(directory, "E006")
    assert Path(problem.file).name == "folder.yaml" and "cannot read" in problem.message


def test_an_unreadable_manifest_is_reported_once_not_also_as_missing(tmp_path: Path) -> None:
    directory = write_ruleset(tmp_path / "rs", {})
    (directory / "ruleset.yaml").write_bytes(MANIFEST.replace("prova", "pròva").encode("cp1252"))
    assert [problem.code for problem in problems_of(directory)] == ["E006"]


def test_a_lone_surrogate_in_a_text_given_to_load_sources_is_a_problem() -> None:
    with pytest.raises(RuleSetError) as refused:
        Engine.from_sources({"ruleset.yaml": MANIFEST + "note: '\ud800'\n"})
    assert [problem.code for problem in refused.value.problems] == ["E001"]
    assert "U+D800" in refused.value.problems[0].message


# -- values YAML cannot read --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2024-13-01", "month must be in 1..12"),
        ("2023-02-29", "day is out of range for month"),
        ("0000-01-01", "year 0 is out of range"),
    ],
)
def test_a_date_that_does_not_exist_is_a_problem_at_its_place(
    tmp_path: Path, day: str, reason: str
) -> None:
    directory = rule_set(tmp_path, {"p.yaml": PARAMETER.replace("DAY", day)})
    problem = the_problem(directory, "E003")
    assert (Path(problem.file).name, problem.position) == ("p.yaml", Position(8, 35))
    assert day in problem.message and reason in problem.message


def test_a_date_that_does_not_exist_ends_check_with_its_problem_not_a_traceback(
    tmp_path: Path,
) -> None:
    directory = rule_set(tmp_path, {"p.yaml": PARAMETER.replace("DAY", "2023-02-29")})
    result = runner.invoke(app, ["check", "--lang", "en", str(directory)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{directory}/p.yaml:8:35: E003 '2023-02-29' is not a date that exists" in result.output


def test_a_number_of_5000_digits_is_a_problem(tmp_path: Path) -> None:
    number = "9" * 5000
    problem = the_problem(rule_set(tmp_path, {"p.yaml": PARAMETER.replace("DAY", number)}), "E003")
    assert problem.position == Position(8, 35) and "5,000 characters" in problem.message


# -- YAML features a rule file does not need ----------------------------------------------------


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_is_refused_at_once_at_its_first_alias(tmp_path: Path) -> None:
    assert len(BILLION_LAUGHS) < 1000  # 9^9 "lol"s once expanded: gigabytes
    directory = rule_set(tmp_path, {"bomb.yaml": BILLION_LAUGHS})
    completed = check_in_subprocess(directory)
    assert completed.returncode == 1, completed.stderr
    assert f"{directory}/bomb.yaml:2:8: E008 the alias *a is not allowed" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_a_recursive_alias_is_refused_with_its_position(tmp_path: Path) -> None:
    directory = rule_set(tmp_path, {"r.yaml": "case: application\nrules: &a [*a]\n"})
    problem = the_problem(directory, "E008")
    assert problem.position == Position(2, 12) and "*a" in problem.message


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("!!python/name:os.system : 1\n", Position(2, 1), "!!python/name:os.system"),
        ("description: !!python/object/apply:os.system [echo]\n", Position(2, 14), "!!python/"),
        ("description: !custom x\n", Position(2, 14), "!custom"),
        ("description: !!binary aGVsbG8=\n", Position(2, 14), "!!binary"),
        ("description: !!set {a}\n", Position(2, 14), "!!set"),
        ("<<: {description: x}\n", Position(2, 1), "merge key"),
        ("? [a, b]\n: 1\n", Position(2, 3), "plain text"),
    ],
)
def test_tags_merge_keys_and_complex_keys_are_refused(
    tmp_path: Path, text: str, position: Position, words: str
) -> None:
    problem = the_problem(rule_set(tmp_path, {"r.yaml": "case: application\n" + text}), "E008")
    assert problem.position == position and words in problem.message


def test_no_python_object_is_ever_built_from_a_tag(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"case: application\ndescription: !!python/object/apply:os.system ['touch {marker}']\n"
    problems_of(rule_set(tmp_path, {"r.yaml": text}))
    assert not marker.exists()


# -- limits --------------------------------------------------------------------------------------


def test_nesting_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    deep = "description: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    problem = the_problem(rule_set(tmp_path, {"r.yaml": "case: application\n" + deep}), "E007")
    assert problem.position == Position(2, 14 + MAX_DEPTH - 1)
    assert f"more than {MAX_DEPTH} levels" in problem.message
    shallow = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    document, issues = read_yaml(f"description: {shallow}\n", "r.yaml")
    assert issues == [] and document is not None


def test_100000_levels_of_nesting_are_refused_without_a_crash(tmp_path: Path) -> None:
    deep = "description: " + "[" * 100_000 + "]" * 100_000 + "\n"
    directory = rule_set(tmp_path, {"r.yaml": "case: application\n" + deep})
    completed = check_in_subprocess(directory)
    assert completed.returncode == 1, completed.stderr
    assert f"{directory}/r.yaml:2:" in completed.stdout and "E007" in completed.stdout


@pytest.mark.parametrize("megabytes", [5, 50])
def test_a_huge_rule_file_is_refused_quickly(tmp_path: Path, megabytes: int) -> None:
    directory = rule_set(tmp_path, {})
    line = "# " + "x" * 97 + "\n"
    with (directory / "huge.yaml").open("w", encoding="utf-8") as handle:
        for _ in range(megabytes * 10_000):
            handle.write(line)
    completed = check_in_subprocess(directory, timeout=60)
    assert completed.returncode == 1, completed.stderr
    assert f"{directory}/huge.yaml:1:1: E007 too large" in completed.stdout
    assert f"{MAX_BYTES:,} bytes" in completed.stdout


def test_a_rule_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    block = textwrap.dedent(PARAMETER.replace("DAY", "2024-01-01")).split("\n", 1)[1]
    parameters = [block.replace("soglia", f"soglia_{n}") for n in range(MAX_BYTES // 200)]
    text = "parameters:\n" + "".join(parameters)
    assert MAX_BYTES // 2 < len(text.encode()) < MAX_BYTES
    ruleset = load_ruleset(rule_set(tmp_path, {"p.yaml": text}))
    assert len(ruleset.parameters) == len(parameters)


def test_a_rule_set_over_its_total_limit_is_refused(tmp_path: Path) -> None:
    filler = "# " + "x" * (MAX_BYTES - 100) + "\n"
    directory = rule_set(tmp_path, {f"f{n}.yaml": filler for n in range(9)})
    [problem] = problems_of(directory)
    assert (problem.code, Path(problem.file).name) == ("E007", "f8.yaml")
    assert "in all" in problem.message


# -- the directory, and check ---------------------------------------------------------------------


def test_a_missing_directory_is_a_rule_set_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for load in (load_ruleset, Engine.from_path):
        with pytest.raises(RuleSetError) as refused:
            load(missing)
        assert [problem.code for problem in refused.value.problems] == ["E031"]
    assert [problem.code for problem in check_ruleset(missing)] == ["E031"]
    result = runner.invoke(app, ["--lang", "en", "check", str(missing)])
    assert result.exit_code == 2 and "not a directory of rule files" in result.output


def test_check_reads_each_rule_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(RULES, directory)
    parsed: list[str] = []
    load_yaml = checker_context.load_yaml

    def counting(text: str, file: str) -> Any:
        parsed.append(file)
        return load_yaml(text, file)

    monkeypatch.setattr(checker_context, "load_yaml", counting)
    result = runner.invoke(app, ["check", "--lang", "en", str(directory)])
    assert result.exit_code == 0, result.output
    files = sorted(path.relative_to(tmp_path).as_posix() for path in directory.rglob("*.yaml"))
    assert sorted(parsed) == [f"{tmp_path.as_posix()}/{name}" for name in files]


# -- the fast parser places everything where PyYAML's own does ------------------------------------


def node_positions(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Position]:
    found = {path: Position(node.start_mark.line + 1, node.start_mark.column + 1)}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found.update(
                node_positions(value, (*path, str(SafeConstructor().construct_object(key))))
            )
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(node_positions(item, (*path, index)))
    return found


@pytest.mark.parametrize(
    "path",
    sorted(RULES.rglob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))[:20],
    ids=lambda path: path.name,
)
def test_positions_are_those_of_pyyamls_own_parser(path: Path) -> None:
    text = path.read_text("utf-8")
    document, issues = read_yaml(text, str(path))
    assert issues == [] and document is not None
    reference = yaml.compose(text, Loader=yaml.SafeLoader)
    assert document.source.values == node_positions(reference)
    assert json.dumps(document.data, default=str) == json.dumps(yaml.safe_load(text), default=str)


def test_a_checked_rule_set_and_its_description_cannot_be_edited_in_place() -> None:
    """What was checked is what is decided: a rule read from its file, or the description
    the service publishes of the rule set, is refused an edit after the check."""
    from pydantic import ValidationError  # noqa: PLC0415

    from capcoe_rules.language.description import describe  # noqa: PLC0415

    ruleset = load_ruleset(RULES)
    rule = ruleset.cases["application"].rules[0]
    with pytest.raises(ValidationError, match="frozen"):
        rule.doc.require = "true"
    with pytest.raises(ValidationError, match="frozen"):
        rule.doc.title.it = "altro"
    description = describe(ruleset)
    with pytest.raises(ValidationError, match="frozen"):
        description.version = "0"
    with pytest.raises(ValidationError, match="frozen"):
        description.in_force.from_ = description.in_force.to
