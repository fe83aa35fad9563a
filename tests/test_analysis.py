"""capcoe-rules analyze: each kind of problem planted in a copy of the bundled rules is
found, at its place, with a witness case that the engine, deciding it, shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RULES
from typer.testing import CliRunner

from capcoe_rules import CaseError, Engine, PaymentDecision, load_ruleset
from capcoe_rules.analysis import DateMode, Finding, Report, analyse
from capcoe_rules.cli import app


def rule(identifier: str, **fields: str) -> str:
    lines = [
        f"  - id: {identifier}",
        "    title: {it: Regola di prova, en: Test rule}",
        "    basis: Prova",
        "    provenance: assumption",
    ]
    lines += [f"    {key}: {json.dumps(value)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def copy_rules(tmp_path: Path, name: str = "rules") -> Path:
    target = tmp_path / name
    shutil.copytree(RULES, target)
    return target


def plant(rules: Path, relative: str, text: str) -> Path:
    path = rules / relative
    path.write_text(text, encoding="utf-8")
    return path


def edit(rules: Path, relative: str, old: str, new: str) -> None:
    path = rules / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def place_of(path: Path, rule_id: str, key: str, shown: str) -> str:
    """file:line:col of a rule's ``key`` value in a planted file, as the report shows it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {rule_id}")
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.strip().startswith(f"{key}:"):
            column = line.index(f"{key}:") + len(key) + 3
            return f"{shown}:{number + 1}:{column}"
    raise AssertionError(f"{rule_id} has no {key}")


def report_of(rules: Path, **options: Any) -> Report:
    return analyse(load_ruleset(rules), str(rules), **options)


def found(report: Report, kind: str, *rules: str) -> Finding:
    matches = [f for f in report.findings if f.kind == kind and set(rules) <= set(f.rules)]
    assert matches, f"no {kind} finding for {rules}: {[(f.kind, f.rules) for f in report.findings]}"
    return matches[0]


def decided(rules: Path, finding: Finding) -> Any:
    """The witness of ``finding`` written as a case file, read back and decided."""
    assert finding.witness is not None
    document = yaml.safe_load(finding.witness.yaml())
    as_of = document.get("as_of")
    return Engine.from_path(rules).evaluate(document["case"], as_of=as_of)


def status(decision: Any, rule_id: str, milestone: str | None = None) -> str:
    findings = decision.milestone(milestone).findings if milestone else decision.findings
    return next(f.status for f in findings if f.rule_id == rule_id)


# -- the bundled rule set ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Report:
    return analyse(load_ruleset(RULES), "rules")


def test_bundled_rule_set_has_only_the_explained_findings(bundled: Report) -> None:
    problems = sorted((f.kind, f.rules) for f in bundled.problems)
    sindaco = ("AMM-AREA-ENTE", "AMM-FIRMATARIO-SINDACO")
    assert problems == [("closed", sindaco)] * 3 + [("lookup_gap", ())]
    assert bundled.not_analysed == []
    assert all(f.witness is not None and f.witness.confirmed for f in bundled.findings)


def line_of(path: Path, start: str) -> int:
    """The 1-based number of the line of ``path`` that starts with ``start`` (and only one)."""
    lines = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if line.startswith(start)]
    assert len(lines) == 1, lines
    return lines[0]


def test_bundled_band_gap_is_an_achievement_beyond_the_outer_bounds(bundled: Report) -> None:
    gap = found(bundled, "lookup_gap")
    assert [str(p) for p in gap.places] == [
        f"rules/ruleset.yaml:{line_of(RULES / 'ruleset.yaml', '  band:')}:3",
        "rules/pagamenti/parametri.yaml:"
        f"{line_of(RULES / 'pagamenti' / 'parametri.yaml', '  partial_achievement_bands:')}:3",
    ]
    with pytest.raises(CaseError, match="partial_achievement_bands"):
        decided(RULES, gap)


def test_bundled_mayor_cannot_ask_for_areas_of_regions_and_ministries(bundled: Report) -> None:
    closed = [f for f in bundled.problems if f.kind == "closed"]
    areas = {f.message.en.split("application.area = ")[1].split(" ")[0] for f in closed}
    assert areas == {"governance_coesione", "processi_gestione", "segreteria_tecnica_priga"}
    for finding in closed:
        decision = decided(RULES, finding)
        assert decision.outcome == "not_eligible"
        assert set(decision.reasons) & {"AMM-AREA-ENTE", "AMM-FIRMATARIO-SINDACO"}


# -- requirements -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Report]:
    rules = copy_rules(tmp_path_factory.mktemp("planted"))
    path = plant(
        rules,
        "finanziamento/prova.yaml",
        "case: application\nrules:\n"
        + rule("PROVA-MORTA", require="application.amount_requested >= 0")
        + rule(
            "PROVA-MAI",
            when="application.hires.total < 0",
            require="application.amount_requested > 0",
        )
        + rule(
            "PROVA-IMPOSSIBILE",
            when='application.area == "partenariato"',
            require="application.needs_analysis.capacity_gap > 100",
        )
        + rule(
            "PROVA-MINIMO",
            when='application.area == "formazione"',
            require="application.amount_requested > 400000",
        )
        + rule(
            "PROVA-MASSIMO",
            when='application.area == "formazione"',
            require="application.amount_requested < 300000",
        ),
    )
    return rules, path, report_of(rules)


def test_dead_check_found_at_its_require(planted: tuple[Path, Path, Report]) -> None:
    rules, path, report = planted
    finding = found(report, "dead_check", "PROVA-MORTA")
    shown = f"{rules}/finanziamento/prova.yaml"
    assert [str(p) for p in finding.places] == [place_of(path, "PROVA-MORTA", "require", shown)]
    assert status(decided(rules, finding), "PROVA-MORTA") == "met"


def test_rule_that_never_applies_found_at_its_when(planted: tuple[Path, Path, Report]) -> None:
    rules, path, report = planted
    finding = found(report, "never_applies", "PROVA-MAI")
    shown = f"{rules}/finanziamento/prova.yaml"
    assert [str(p) for p in finding.places] == [place_of(path, "PROVA-MAI", "when", shown)]
    assert status(decided(rules, finding), "PROVA-MAI") == "not_applicable"


def test_requirement_never_met(planted: tuple[Path, Path, Report]) -> None:
    rules, path, report = planted
    finding = found(report, "never_met", "PROVA-IMPOSSIBILE")
    shown = f"{rules}/finanziamento/prova.yaml"
    assert str(finding.places[0]) == place_of(path, "PROVA-IMPOSSIBILE", "require", shown)
    decision = decided(rules, finding)
    assert status(decision, "PROVA-IMPOSSIBILE") == "not_met"
    assert decision.reasons == ["PROVA-IMPOSSIBILE"]  # every other rule lets it through


def test_two_requirements_no_case_meets_together(planted: tuple[Path, Path, Report]) -> None:
    rules, path, report = planted
    finding = found(report, "conflict", "PROVA-MINIMO", "PROVA-MASSIMO")
    shown = f"{rules}/finanziamento/prova.yaml"
    assert [str(p) for p in finding.places] == [
        place_of(path, "PROVA-MINIMO", "require", shown),
        place_of(path, "PROVA-MASSIMO", "require", shown),
    ]
    decision = decided(rules, finding)
    assert "not_met" in {status(decision, "PROVA-MINIMO"), status(decision, "PROVA-MASSIMO")}
    closed = found(report, "closed", "PROVA-MINIMO", "PROVA-MASSIMO")
    assert closed.problem and "application.area = formazione" in closed.message.en
    refused = decided(rules, closed)
    assert refused.outcome == "not_eligible"
    assert set(refused.reasons) <= {"PROVA-MINIMO", "PROVA-MASSIMO"}


def test_messages_in_italian_and_english(planted: tuple[Path, Path, Report]) -> None:
    finding = found(planted[2], "dead_check", "PROVA-MORTA")
    assert "non può fallire" in finding.message.it
    assert "can fail on no valid case" in finding.message.en


def test_a_limit_at_the_largest_amount_a_case_can_hold_never_fails(tmp_path: Path) -> None:
    """Money has 15 digits, two of them decimals: no valid case asks for more than
    9,999,999,999,999.99, so a requirement at that amount can fail on no case."""
    rules = copy_rules(tmp_path)
    plant(
        rules,
        "finanziamento/prova.yaml",
        "case: application\nrules:\n"
        + rule("PROVA-TETTO", require="application.amount_requested <= 9999999999999.99")
        + rule("PROVA-SOTTO", require="application.amount_requested <= 9999999999999.98"),
    )
    report = report_of(rules, cases=("application",))
    assert found(report, "dead_check", "PROVA-TETTO")
    assert all("PROVA-SOTTO" not in f.rules for f in report.findings if f.kind == "dead_check")


# -- lookups ----------------------------------------------------------------------------


def test_exact_lookup_gap_and_band_gap(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules,
        "programma/aree_intervento.yaml",
        "      - body_type: camera_di_commercio\n"
        "        label: Camera di commercio\n"
        "        max_hires_per_application: 0\n",
        "",
    )
    edit(
        rules,
        "pagamenti/parametri.yaml",
        "{band: parziale, lower: 0.8,",
        "{band: parziale, lower: 0.9,",
    )
    report = report_of(rules, cases=("application", "milestone"))
    gaps = {f.message.en.split(":")[0]: f for f in report.findings if f.kind == "lookup_gap"}
    assert set(gaps) == {"lookup body", "lookup band"}
    body = gaps["lookup body"]
    lines = (rules / "programma/aree_intervento.yaml").read_text(encoding="utf-8").splitlines()
    table_line = lines.index("  body_types:") + 1
    assert str(body.places[1]) == f"{rules}/programma/aree_intervento.yaml:{table_line}:3"
    assert body.witness is not None
    assert body.witness.case["applicant"]["body_type"] == "camera_di_commercio"
    with pytest.raises(CaseError, match="body_types"):
        decided(rules, body)
    with pytest.raises(CaseError, match="partial_achievement_bands"):
        decided(rules, gaps["lookup band"])


def test_band_overlap_found_once_rows_can_overlap(tmp_path: Path) -> None:
    """The checker refuses overlapping bands (E020); rows valid on a date may overlap once
    tables are dated, so the analysis looks for overlaps all the same: here in a checked
    rule set whose band rows are made to overlap after checking."""
    ruleset = load_ruleset(RULES)
    table = ruleset.tables["partial_achievement_bands"]
    versions = tuple(
        dataclasses.replace(row, values={**row.values, "upper": Decimal("1.5")})
        if row.key == "parziale"
        else row
        for row in table.versions
    )
    table = dataclasses.replace(table, versions=versions)
    cases = dict(ruleset.cases)
    milestone = cases["milestone"]
    lookups = tuple(
        dataclasses.replace(lookup, table=table) if lookup.name == "band" else lookup
        for lookup in milestone.lookups
    )
    cases["milestone"] = dataclasses.replace(milestone, lookups=lookups)
    overlapping = dataclasses.replace(ruleset, cases=cases)
    report = analyse(overlapping, "rules", cases=("milestone",))
    overlap = found(report, "lookup_overlap")
    assert "parziale and raggiunto" in overlap.message.en
    assert overlap.witness is not None and overlap.witness.confirmed
    decision = Engine(overlapping).evaluate(overlap.witness.case)
    assert isinstance(decision, PaymentDecision)


# -- payment values ---------------------------------------------------------------------


def test_payable_above_the_milestone_amount(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules,
        "pagamenti/traguardi.yaml",
        "value: max(derived.earned_amount - milestone.already_paid, 0)",
        "value: derived.earned_amount",
    )
    report = report_of(rules, cases=("milestone",))
    finding = found(report, "out_of_range", "PAG-IMPORTO-PAGABILE")
    assert "above the milestone's amount" in finding.message.en
    assert str(finding.places[0]).startswith(f"{rules}/pagamenti/traguardi.yaml:")
    assert finding.witness is not None
    decision = decided(rules, finding)
    milestone = decision.milestone(finding.witness.milestone_id)
    assert "PAG-IMPORTO-PAGABILE" in milestone.warnings  # the engine bounded it
    assert Decimal(str(milestone.derived["payable"])) > milestone.payable


def test_recovery_share_above_one(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules, "pagamenti/parametri.yaml", "value: 0.5}", "value: 1.5}")
    report = report_of(rules, cases=("claim",))
    finding = found(report, "out_of_range", "PAG-QUOTA-RECUPERO")
    assert "above 1" in finding.message.en
    decision = decided(rules, finding)
    assert Decimal(str(decision.derived["recovery_share"])) == Decimal("1.5")


# -- dates ------------------------------------------------------------------------------


def test_as_of_a_day_before_the_regional_plans(tmp_path: Path) -> None:
    report = analyse(
        load_ruleset(RULES), "rules", DateMode("fixed", dt.date(2023, 6, 1)), cases=("application",)
    )
    finding = found(report, "never_met", "AMM-PAR-APPROVATO")
    assert finding.witness is not None and finding.witness.as_of == dt.date(2023, 6, 1)
    assert status(decided(RULES, finding), "AMM-PAR-APPROVATO") == "not_met"


def test_all_dates_witness_carries_its_date(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    plant(
        rules,
        "finanziamento/prova.yaml",
        "case: application\nrules:\n"
        + rule("PROVA-IMPOSSIBILE", require="application.needs_analysis.capacity_gap > 100"),
    )
    report = report_of(rules, dates=DateMode("all"), cases=("application",))
    finding = found(report, "never_met", "PROVA-IMPOSSIBILE")
    assert finding.witness is not None and finding.witness.as_of is not None
    assert status(decided(rules, finding), "PROVA-IMPOSSIBILE") == "not_met"


# -- two rule sets ----------------------------------------------------------------------


def test_base_kinds_of_case_whose_outcome_changes(tmp_path: Path) -> None:
    base = copy_rules(tmp_path, "base")
    rules = copy_rules(tmp_path, "rules")
    edit(
        base,
        "programma/aree_intervento.yaml",
        "body_type: comune\n        label: Comune\n        max_hires_per_application: 30",
        "body_type: comune\n        label: Comune\n        max_hires_per_application: 25",
    )
    plant(
        rules,
        "finanziamento/prova.yaml",
        "case: application\nrules:\n"
        + rule(
            "PROVA-NUOVA",
            when='application.area == "formazione"',
            require="application.amount_requested <= 100000",
        ),
    )
    report = analyse(
        load_ruleset(rules),
        str(rules),
        base=load_ruleset(base),
        base_origin=str(base),
        cases=("application",),
    )
    changes = {f.rules: f for f in report.findings if f.kind == "outcome_changes"}
    assert set(changes) == {("ASS-TETTO-DOMANDA",), ("PROVA-NUOVA",)}
    looser = changes[("ASS-TETTO-DOMANDA",)]
    assert "no longer refused by ASS-TETTO-DOMANDA" in looser.message.en
    assert str(looser.places[0]).startswith(f"{base}/ammissibilita/assunzioni.yaml:")
    before = decided(base, looser)
    after = decided(rules, looser)
    assert "ASS-TETTO-DOMANDA" in before.reasons and after.outcome == "eligible"
    stricter = changes[("PROVA-NUOVA",)]
    before, after = decided(base, stricter), decided(rules, stricter)
    assert before.outcome == "eligible" and after.reasons == ["PROVA-NUOVA"]


def test_base_compared_only_on_the_days_both_rule_sets_are_in_force(tmp_path: Path) -> None:
    """A base in force from June 2024 only: a case of 2023 is no change of outcome (the
    base decides nothing then), so the only change found is the new rule's."""
    base = copy_rules(tmp_path, "base")
    rules = copy_rules(tmp_path, "rules")
    edit(base, "ruleset.yaml", "from: 2021-01-01", "from: 2024-06-01")
    plant(
        rules,
        "finanziamento/prova.yaml",
        "case: application\nrules:\n"
        + rule(
            "PROVA-NUOVA",
            when='application.area == "formazione"',
            require="application.amount_requested <= 100000",
        ),
    )
    report = analyse(
        load_ruleset(rules),
        str(rules),
        base=load_ruleset(base),
        base_origin=str(base),
        cases=("application",),
    )
    changes = [f for f in report.findings if f.kind == "outcome_changes"]
    assert [f.rules for f in changes] == [("PROVA-NUOVA",)]
    witness = changes[0].witness
    assert witness is not None
    assert dt.datetime.fromisoformat(witness.case["submitted_at"]).date() >= dt.date(2024, 6, 1)


# -- what is not analysed ---------------------------------------------------------------


def test_untranslatable_rule_is_reported_not_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from capcoe_rules.analysis import encoding  # noqa: PLC0415
    from capcoe_rules.analysis.translate import NotTranslatableError  # noqa: PLC0415

    original = encoding.condition

    def refuse_one(node: Any, resolve: Any, texts: Any) -> Any:
        if "declared_need_posts" in repr(node):
            raise NotTranslatableError("a construct the analysis does not model")
        return original(node, resolve, texts)

    monkeypatch.setattr(encoding, "condition", refuse_one)
    report = analyse(load_ruleset(RULES), "rules", cases=("application",))
    missing = [item for item in report.not_analysed if "ASS-FABBISOGNO" in item.rules]
    assert missing and "not analysed" in missing[0].message.en
    assert str(missing[0].places[0]).startswith("rules/ammissibilita/assunzioni.yaml:")
    assert all("ASS-FABBISOGNO" not in f.rules for f in report.findings)


# -- the command ------------------------------------------------------------------------


def test_command_json_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyze", "--rules", str(RULES), "--format", "json", "--witnesses", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["problems"] == 4
    # The report names the rule set it analysed (and no base: none was given), so that two
    # reports can be told apart: its name, version and the start of its content hash.
    ruleset = load_ruleset(RULES)
    assert report["ruleset"] == f"capcoe 2026.11.0 ({ruleset.content_hash[:19]})"
    assert report["ruleset"].split(" (")[1].startswith("sha256:")
    assert report["base"] is None
    assert report["dates"] == "data del caso / case date"
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == len(report["findings"])
    evaluated = CliRunner().invoke(app, ["evaluate", str(files[0]), "--rules", str(RULES)])
    assert evaluated.exit_code == 0, evaluated.output


def test_command_options(tmp_path: Path) -> None:
    runner = CliRunner()
    both = runner.invoke(app, ["analyze", "--as-of", "2024-01-01", "--all-dates"])
    assert both.exit_code == 2
    outside = runner.invoke(app, ["analyze", "--rules", str(RULES), "--as-of", "2031-01-01"])
    assert outside.exit_code == 2
    strict = runner.invoke(app, ["analyze", "--rules", str(RULES), "--strict", "--lang", "en"])
    assert strict.exit_code == 1
    assert "4 problem(s)" in strict.output


def test_command_as_of_one_day_analyses_that_day_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyze", "--rules", str(RULES), "--as-of", "2023-06-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dates"] == "2023-06-01"
    # Before the regional plans are approved, as the library's report says (see above).
    assert any(
        f["kind"] == "never_met" and "AMM-PAR-APPROVATO" in f["rules"] for f in report["findings"]
    )


def test_the_library_says_how_to_install_the_solver() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["z3"] = None  # as if the 'analysis' extra were not installed
        try:
            import capcoe_rules.analysis
        except ImportError as error:
            print(type(error).__name__)
            print(error)
        else:
            print("imported")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    kind, *message = done.stdout.splitlines()
    assert kind == "SolverMissingError", done.stdout + done.stderr
    assert "the rule-set analysis needs the SMT solver z3" in "\n".join(message)
    assert "pip install 'capcoe-rules[analysis]'" in "\n".join(message)


def test_command_says_how_to_install_the_solver() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["z3"] = None  # as if the 'analysis' extra were not installed
        from typer.testing import CliRunner
        from capcoe_rules.cli import app
        result = CliRunner().invoke(app, ["analyze", "--rules", sys.argv[1]])
        print(result.exit_code)
        print(result.output)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(RULES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    code, *output = done.stdout.splitlines()
    assert code == "2"
    assert "pip install 'capcoe-rules[analysis]'" in "\n".join(output)
