"""`capcoe-rules test --coverage` sees inside rules: outcomes, branches, operands, band rows.

The two planted edits of issue 19 leave every rule outcome covered (100%), and must still
be named with their position: an unreachable `else` added to PRI-MEZZOGIORNO, and an
escape `or application.amount_requested > 19000000` added to AMM-ANALISI-FABBISOGNI.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES, write_ruleset
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.cli import app
from capcoe_rules.testing.runner import branches, coverage, run_examples

PRIORITY = "priorita/punteggio.yaml"
NEEDS = "ammissibilita/ente_e_territorio.yaml"


def copied_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    return rules


def edit(rules: Path, file: str, old: str, new: str) -> tuple[int, int]:
    """Replace ``old`` (once) in a rule file; return the line and column where ``new`` starts."""
    path = rules / file
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    start = text.index(old)
    path.write_text(text.replace(old, new), "utf-8")
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def run_coverage(rules: Path) -> str:
    arguments = ["--lang", "en", "test", str(FIXTURES), "--rules", str(rules), "--coverage"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output[-3000:]
    assert "coverage: 100.0% of rule outcomes" in result.output  # outcomes cannot see these
    return result.output


def missed(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("not exercised: ")]


def test_an_unreachable_else_branch_is_named_with_its_position(tmp_path: Path) -> None:
    rules = copied_rules(tmp_path)
    old = "params.priority_points_mezzogiorno if region.mezzogiorno else 0"
    line, column = edit(rules, PRIORITY, old, old + " if not region.mezzogiorno else 100")
    output = run_coverage(rules)
    else_column = column + len(old + " if not region.mezzogiorno else ")
    wanted = (
        f"not exercised: {rules}/{PRIORITY}:{line}:{else_column}: PRI-MEZZOGIORNO: "
        "'else' branch `100` never taken"
    )
    assert wanted in missed(output), "\n".join(missed(output))


def test_an_escape_operand_no_example_reaches_is_named_with_its_position(tmp_path: Path) -> None:
    rules = copied_rules(tmp_path)
    old = "require: application.needs_analysis.present"
    line, column = edit(rules, NEEDS, old, old + " or application.amount_requested > 19000000")
    output = run_coverage(rules)
    escape_column = column + len(old + " or ")
    wanted = (
        f"not exercised: {rules}/{NEEDS}:{line}:{escape_column}: AMM-ANALISI-FABBISOGNI: "
        "'or' operand `application.amount_requested > 19000000` never made it true"
    )
    assert wanted in missed(output), "\n".join(missed(output))


def test_the_bundled_rules_list_each_branch_left_unexercised_and_nothing_else(
    engine: Engine,
) -> None:
    results = run_examples(engine, [FIXTURES])
    found = branches(engine.ruleset, results)
    assert found.branches and all(branch.seen >= 0 for branch in found.branches)
    # Each missed branch names a real place: a rule file line holding the rule's text.
    for branch in found.missed:
        path = Path(branch.file)
        lines = (path if path.is_absolute() else RULES.parent / path).read_text("utf-8")
        assert 1 <= branch.position.line <= len(lines.splitlines()), branch
    # Without examples, every branch is missed; with them, strictly fewer.
    nothing = branches(engine.ruleset, [])
    assert len(nothing.missed) == len(nothing.branches) > len(found.missed)


MINI_RULES = {
    "bands.yaml": """\
        tables:
          achievement_bands:
            key: band
            columns: {band: text, lower: number, upper: number, rate: number}
            rows:
              - {band: low, lower: 0, upper: 0.5, rate: 0}
              - {band: mid, lower: 0.5, upper: 1, rate: 0.5}
              - {band: full, lower: 1, upper: 1000, rate: 1}
        """,
    "rules.yaml": """\
        case: application
        rules:
          - id: R-SCELTA
            title: {it: Scelta}
            basis: prova
            provenance: assumption
            derive: chosen
            value: 1 if application.hires.tecnico > 2 else 2
          - id: R-MINIMO
            title: {it: Minimo}
            basis: prova
            provenance: assumption
            derive: smallest
            value: min(application.hires.tecnico, application.hires.giuridico_amministrativo, 5)
          - id: R-QUANDO
            title: {it: Quando}
            basis: prova
            provenance: assumption
            when: application.area == "assunzioni"
            require: >-
              application.hires.tecnico >= 1
              and application.hires.giuridico_amministrativo >= 1
        """,
}


def write_example(directory: Path, name: str, hires: dict[str, int], area: str) -> None:
    case = {
        "case_type": "application",
        "id": name,
        "applicant": {"name": "Comune di Napoli", "body_type": "comune", "istat_code": "063049"},
        "submitter": {"role": "sindaco", "name": "Sindaco"},
        "submitted_at": "2023-12-04T10:15:00+01:00",
        "area": area,
        "hires": hires,
        "amount_requested": "1000.00",
        "needs_analysis": {"present": True, "declared_need_posts": 1, "capacity_gap": 1},
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.yaml").write_text(f"case: {case}\nexpect: {{case_id: {name}}}\n", "utf-8")


@pytest.mark.parametrize(
    ("examples", "expected_missing"),
    [
        (
            [("a", {"tecnico": 3, "giuridico_amministrativo": 1}, "assunzioni")],
            {
                "'else' branch `2` never taken",
                "min() argument `application.hires.tecnico` never won",
                "min() argument `5` never won",
                "'and' operand `application.hires.tecnico >= 1` never made it false",
                "'and' operand `application.hires.giuridico_amministrativo >= 1` "
                "never made it false",
                "never not applicable (its 'when' never failed)",
            },
        ),
        (
            [
                ("a", {"tecnico": 3, "giuridico_amministrativo": 1}, "assunzioni"),
                ("b", {"tecnico": 0, "giuridico_amministrativo": 9}, "formazione"),
                ("c", {"tecnico": 0, "giuridico_amministrativo": 9}, "assunzioni"),
                ("d", {"tecnico": 6, "giuridico_amministrativo": 7}, "assunzioni"),
                ("e", {"tecnico": 6, "giuridico_amministrativo": 0}, "assunzioni"),
            ],
            set(),
        ),
    ],
)
def test_every_kind_of_branch_is_counted(
    tmp_path: Path, examples: list[tuple[str, dict[str, int], str]], expected_missing: set[str]
) -> None:
    rules = write_ruleset(tmp_path / "rules", {"rules.yaml": MINI_RULES["rules.yaml"]})
    for name, hires, area in examples:
        write_example(tmp_path / "examples", name, hires, area)
    engine = Engine.from_path(rules)
    results = run_examples(engine, [tmp_path / "examples"])
    assert all(result.passed for result in results), [r.error for r in results]
    found = branches(engine.ruleset, results)
    assert {branch.what for branch in found.missed} == expected_missing
    assert len(found.branches) == 9  # 2 branches, 3 arguments, 3 operand outcomes, 1 n/a
    outcomes = {rule.rule_id: rule for rule in coverage(engine.ruleset, results)}
    assert outcomes["R-QUANDO"].not_applicable == (1 if len(examples) > 1 else 0)


def test_each_band_row_is_hit_or_named(tmp_path: Path) -> None:
    """The bundled payment bands: every row the fixtures reach is counted, and a row no
    claim falls in is named with its place in the table."""
    engine = Engine.from_path(RULES)
    results = run_examples(engine, [FIXTURES])
    rows = [b for b in branches(engine.ruleset, results).branches if "band row" in b.what]
    assert len(rows) == 3 and all(row.seen for row in rows)  # the fixtures reach each band
    rules = copied_rules(tmp_path)
    reached = "{band: raggiunto, lower: 1, upper: 1000000000000, proportional: false, rate: 1}"
    line, column = edit(
        rules,
        "pagamenti/parametri.yaml",
        reached,
        reached.replace("1000000000000", "1000000")
        + "\n      - {band: oltre, lower: 1000000, upper: 1000000000000, proportional: false,"
        " rate: 1}",
    )
    engine = Engine.from_path(rules)
    found = branches(engine.ruleset, run_examples(engine, [FIXTURES]))
    missed_rows = [str(branch) for branch in found.missed if "band row" in branch.what]
    assert missed_rows == [
        f"{rules}/pagamenti/parametri.yaml:{line + 1}:{column}: band (milestone): "
        "band row 'oltre' of table 'partial_achievement_bands' never hit"
    ]
