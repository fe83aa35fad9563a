"""The mutation harness, on a toy project small enough to run in the default test run.

Three mutants of one small module: one its tests catch, one equivalent (listed as such in
the config, so it is kept out of the score), one that makes the code hang (the per-test
timeout kills it). The whole run is a subprocess with a timeout of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import RULES

from capcoe_rules.testing.mutation.config import load_config
from capcoe_rules.testing.mutation.python_mutants import code_mutants
from capcoe_rules.testing.mutation.rule_mutants import rule_mutants
from capcoe_rules.testing.mutation.run import mutants_of

TOY = """\
def largest(values: list[int]) -> int:
    best = values[0]
    for value in values[1:]:
        if value > best:
            best = value
    return best


def countdown(steps: int) -> int:
    while steps > 0:
        steps -= 1
    return steps
"""
TOY_TESTS = """\
from toy.limits import countdown, largest


def test_largest() -> None:
    assert largest([3, 1, 2]) == 3
    assert largest([1, 5, 5]) == 5


def test_countdown() -> None:
    assert countdown(3) == 0
"""
EQUIVALENT = "toy/limits.py | if value > best: | > -> >=: value > best -> value >= best"
CONFIG = f"""\
[tool.capcoe-rules.mutation]
report = "out/mutation"
copied = ["toy", "tests", "pyproject.toml"]
packages = ["toy"]
min_timeout = 3

[tool.capcoe-rules.mutation.tests]
"toy/" = ["tests/test_toy.py"]

[tool.capcoe-rules.mutation.equivalent]
"{EQUIVALENT}" = "equal values leave the same largest value"
"""


def toy_project(root: Path) -> Path:
    (root / "toy").mkdir(parents=True)
    (root / "toy" / "__init__.py").write_text("", "utf-8")
    (root / "toy" / "limits.py").write_text(TOY, "utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_toy.py").write_text(TOY_TESTS, "utf-8")
    (root / "pyproject.toml").write_text(CONFIG, "utf-8")
    return root


def test_the_harness_kills_a_bad_mutant_keeps_an_equivalent_one_and_times_out_a_hang(
    tmp_path: Path,
) -> None:
    root = toy_project(tmp_path / "project")
    wanted = ["> -> >=: value > best", "> -> <: value > best", "statement deleted: steps -= 1"]
    selection = [argument for text in wanted for argument in ("--only", text)]
    done = subprocess.run(
        [sys.executable, "-m", "capcoe_rules.testing.mutation", "toy/limits.py", *selection],
        cwd=root,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = [
        json.loads(line)
        for line in (root / "out" / "mutation" / "results.jsonl").read_text("utf-8").splitlines()
    ]
    status = [(result["description"], result["status"]) for result in results]
    by_edit = {next(text for text in wanted if text in result["id"]): result for result in results}
    assert len(results) == 3, status
    assert by_edit["> -> >=: value > best"]["status"] == "survived"  # the tests cannot see it
    assert by_edit["> -> <: value > best"]["status"] == "killed"
    assert by_edit["statement deleted: steps -= 1"]["status"] == "timeout"
    report = (root / "out" / "mutation" / "report.md").read_text("utf-8")
    assert "| toy/limits.py | 3 | 2 | 0 | 1 | 0 | 100.0% |" in report  # but the config can
    assert "value > best -> value >= best: equal values leave the same largest value" in report
    assert "| (top level) | 3 | 2 | 0 | 1 | 0 | 100.0% |" in report.split("## By part")[1]
    assert "code mutants killed: 2 of 2 (100.0%)" in done.stdout
    # The project's own file was never left mutated.
    assert (root / "toy" / "limits.py").read_text("utf-8") == TOY


CAPS = """\
_BASE = 1
LIMIT = _BASE + 2


def doubled(value: int) -> int:
    return value * 2


def capped(value: int) -> int:
    return min(value, LIMIT)
"""
CAPS_TESTS = """\
def test_doubled() -> None:
    from toy.caps import doubled  # the first test to import the module: coverage credits
                                  # its module-level lines to this test only

    assert doubled(2) == 4


def test_capped() -> None:
    from toy.caps import capped

    assert capped(10) == 3
"""


def test_a_module_level_line_is_tried_on_the_tests_that_use_it_not_only_the_first_importer(
    tmp_path: Path,
) -> None:
    root = toy_project(tmp_path / "project")
    (root / "toy" / "caps.py").write_text(CAPS, "utf-8")
    (root / "tests" / "test_caps.py").write_text(CAPS_TESTS, "utf-8")
    config = CONFIG.replace('"toy/" = ["tests/test_toy.py"]', '"toy/" = ["tests/test_caps.py"]')
    (root / "pyproject.toml").write_text(config, "utf-8")
    # LIMIT's constant is read by capped(); _BASE by no function, only by LIMIT's line.
    wanted = ["toy/caps.py:1:9: 1 -> 2", "toy/caps.py:2:17: 2 -> 3"]
    selection = [argument for text in wanted for argument in ("--only", text)]
    done = subprocess.run(
        [sys.executable, "-m", "capcoe_rules.testing.mutation", "toy/caps.py", *selection],
        cwd=root,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = [
        json.loads(line)
        for line in (root / "out" / "mutation" / "results.jsonl").read_text("utf-8").splitlines()
    ]
    assert sorted((r["id"], r["status"], r["killed_by"]) for r in results) == [
        (wanted[0], "killed", "tests/test_caps.py::test_capped"),
        (wanted[1], "killed", "tests/test_caps.py::test_capped"),
    ]


def test_each_operator_gives_mutants_that_still_parse() -> None:
    source = TOY.encode("utf-8")
    mutants = code_mutants("toy/limits.py", source)
    operators = {mutant.operator for mutant in mutants}
    assert {"compare", "constant", "delete", "return"} <= operators
    for mutant in mutants:
        compile(mutant.apply(source), "toy.py", "exec")
        assert mutant.apply(source) != source


def test_rule_values_are_mutated_where_policy_staff_could_slip(tmp_path: Path) -> None:
    text = (RULES / "assunzioni" / "riparto.yaml").read_text("utf-8")
    edits = {mutant.description for mutant in rule_mutants("rules/x.yaml", text)}
    assert "623 -> 622" in edits  # Sicily's ceiling, the mutant issue 19 found alive
    comparisons = {
        m.description.split(" in ")[0]
        for path in RULES.rglob("*.yaml")
        for m in rule_mutants("rules/" + path.name, path.read_text("utf-8"))
        if m.operator == "rule operator"
    }
    assert {"<= -> <", "== -> !="} <= comparisons
    config = load_config(Path(__file__).resolve().parent.parent)
    assert config.tests_for("capcoe_rules/engine/compiler.py")
    assert "tests/test_generated_rulesets.py" in config.tests_for("capcoe_rules/engine/compiler.py")
    assert all(m.path.startswith("rules/") for m in mutants_of(config, ["rules/territorio"]))
