"""``capcoe-rules diff`` as support for a decision: the most serious changes first,
filters, the money that moves, rules counted where they changed, dated changes no case
reaches, and the HTML report."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from capcoe_rules import CaseError, Engine
from capcoe_rules.batch.diff_html import BAR_AREA
from capcoe_rules.batch.diffing import CHANGE_KINDS
from capcoe_rules.cli import app
from capcoe_rules.population import national_population
from capcoe_rules.territory import resolve
from conftest import FIXTURES, RULES

runner = CliRunner(env={"CAPCOE_LANG": "en"})  # the assertions read the English messages
MONEY = ("financeable_amount", "eu_share", "national_share")
FUTURE_PAR = """      - {from: 2023-11-30, to: 2027-12-31, value: ["14", "15", "16", "17", "18", "19", "20"]}
      - {from: 2028-01-01, value: ["13", "14", "15", "16", "17", "18", "19", "20"]}"""
NEW_RULE = """\
# A new requirement, for the test: a capacity gap above 75 points is refused.
case: application
rules:
  - id: PROVA-DIVARIO
    title:
      it: Divario di capacità non oltre 75 punti
      en: Capacity gap at most 75 points
    basis: prova
    provenance: assumption
    require: application.needs_analysis.capacity_gap <= 75
"""


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    """400 applications spread over the country (every 19th comune)."""
    return list(national_population())[::19][:400]


@pytest.fixture(scope="module")
def population(cases: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("population") / "population.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    return path


def edit(rules: Path, file: str, old: str, new: str) -> None:
    path = rules / file
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The window closes 15 days earlier, the EU rate drops to 45%, and from 2028 Abruzzo
    gets a regional action plan (a date no case of the population reaches)."""
    rules = tmp_path_factory.mktemp("changed") / "rules"
    shutil.copytree(RULES, rules)
    parameters = "programma/parametri.yaml"
    edit(rules, parameters, "value: 2024-01-30T12:00:00+01:00", "value: 2024-01-15T12:00:00+01:00")
    edit(
        rules, parameters, "- {from: 2021-01-01, value: 0.49}", "- {from: 2021-01-01, value: 0.45}"
    )
    edit(
        rules,
        parameters,
        '      - {from: 2023-11-30, value: ["14", "15", "16", "17", "18", "19", "20"]}',
        FUTURE_PAR,
    )
    return rules


def diff_json(population: Path, rules: Path, *options: str) -> dict[str, Any]:
    result = runner.invoke(
        app,
        ["diff", "--base", str(RULES), "--rules", str(rules), str(population), "--json", *options],
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture(scope="module")
def report(population: Path, changed: Path) -> dict[str, Any]:
    return diff_json(population, changed)


@pytest.fixture(scope="module")
def decisions(cases: list[dict[str, Any]], changed: Path) -> dict[str, tuple[Any, Any]]:
    """Each case's decision by the bundled and by the changed rule set."""
    old, new = Engine.from_path(RULES), Engine.from_path(changed)
    return {case["id"]: (old.evaluate(case), new.evaluate(case)) for case in cases}


def test_outcome_changes_come_first_then_reasons_then_amounts(
    report: dict[str, Any], decisions: dict[str, tuple[Any, Any]]
) -> None:
    listed = [(CHANGE_KINDS.index(c["change"]), c["line"]) for c in report["changes"]]
    assert listed == sorted(listed)
    kinds = [c["change"] for c in report["changes"]]
    assert {"outcome", "reasons", "amounts"} <= set(kinds)
    outcome_changed = {
        case_id for case_id, (old, new) in decisions.items() if old.outcome != new.outcome
    }
    assert {c["id"] for c in report["changes"] if c["change"] == "outcome"} == outcome_changed
    assert kinds[: len(outcome_changed)] == ["outcome"] * len(outcome_changed)
    for change in report["changes"]:
        old, new = decisions[change["id"]]
        if change["change"] == "reasons":
            assert old.outcome == new.outcome and old.reasons != new.reasons
        if change["change"] == "amounts":
            assert old.reasons == new.reasons
            assert any(old.derived[name] != new.derived[name] for name in MONEY)


def test_the_table_lists_an_outcome_change_before_any_other(
    population: Path, changed: Path, report: dict[str, Any]
) -> None:
    result = runner.invoke(
        app,
        ["diff", "--base", str(RULES), "--rules", str(changed), str(population), "--limit", "0"],
    )
    assert result.exit_code == 0, result.output
    first_outcome = next(c["id"] for c in report["changes"] if c["change"] == "outcome")
    first_other = next(c["id"] for c in report["changes"] if c["change"] != "outcome")
    assert result.stdout.index(first_outcome) < result.stdout.index(first_other)
    assert report["changes"][0]["id"] == first_outcome


def test_a_transition_filter_keeps_only_that_transition(
    population: Path, changed: Path, report: dict[str, Any], decisions: dict[str, tuple[Any, Any]]
) -> None:
    refused = diff_json(population, changed, "--transition", "eligible:not_eligible")
    expected = {
        case_id
        for case_id, (old, new) in decisions.items()
        if (old.outcome, new.outcome) == ("eligible", "not_eligible")
    }
    assert expected
    assert {c["id"] for c in refused["changes"]} == expected
    assert refused["selected"] == len(expected)
    assert refused["changed"] == report["changed"] > len(expected)
    assert refused["transitions"] == [
        {"from": "eligible", "to": "not_eligible", "cases": len(expected)}
    ]
    assert refused["filters"]["transitions"] == ["eligible:not_eligible"]
    # A refused application finances nothing: all it was granted goes.
    for total in refused["money"]:
        assert Decimal(total["rules"]) == 0
        assert Decimal(total["difference"]) == -Decimal(total["base"]) < 0
    either = diff_json(
        population, changed, "--transition", "eligible:*", "--transition", "*:not_eligible"
    )
    assert {c["id"] for c in either["changes"]} == {
        c["id"] for c in report["changes"] if c["from"] == "eligible" or c["to"] == "not_eligible"
    }


def test_rule_and_region_filters(
    population: Path, changed: Path, report: dict[str, Any], cases: list[dict[str, Any]]
) -> None:
    window = diff_json(population, changed, "--rule", "ASS-FINESTRA")
    assert window["changes"]
    assert all(
        "ASS-FINESTRA" in {rule["rule_id"] for rule in c["rules"]} for c in window["changes"]
    )
    assert window["selected"] == report["by_rule"]["ASS-FINESTRA"]

    region_of = {case["id"]: resolve(case["applicant"]["istat_code"]).region_code for case in cases}
    in_campania = {c["id"] for c in report["changes"] if region_of[c["id"]] == "15"}
    assert in_campania
    by_name = diff_json(population, changed, "--region", "campania")
    by_code = diff_json(population, changed, "--region", "15")
    assert {c["id"] for c in by_name["changes"]} == in_campania
    assert by_code["changes"] == by_name["changes"]
    assert by_name["by_region"] == {"Campania": len(in_campania)}

    both = diff_json(population, changed, "--region", "15", "--transition", "eligible:not_eligible")
    assert {c["id"] for c in both["changes"]} == {
        c["id"] for c in by_name["changes"] if (c["from"], c["to"]) == ("eligible", "not_eligible")
    }

    result = runner.invoke(
        app,
        [
            "diff",
            "--base",
            str(RULES),
            "--rules",
            str(changed),
            str(population),
            "--region",
            "15",
            "--limit",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    outside = next(c["id"] for c in report["changes"] if region_of[c["id"]] != "15")
    assert outside not in result.stdout
    assert all(case_id in result.stdout for case_id in in_campania)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--transition", "eligible-not_eligible", "write OLD:NEW"),
        ("--transition", "elegible:not_eligible", "write OLD:NEW"),
        ("--rule", "ASS-NESSUNA", "neither rule set has a rule"),
        ("--region", "Atlantide", "not a region code or name"),
    ],
)
def test_a_bad_filter_exits_2_saying_why(
    population: Path, changed: Path, option: str, value: str, message: str
) -> None:
    result = runner.invoke(
        app, ["diff", "--base", str(RULES), "--rules", str(changed), str(population), option, value]
    )
    assert result.exit_code == 2
    assert message in result.output


def test_money_totals_are_what_eligible_decisions_grant(
    report: dict[str, Any], decisions: dict[str, tuple[Any, Any]]
) -> None:
    def granted(decision: Any, name: str) -> Decimal:
        return Decimal(decision.derived[name]) if decision.outcome == "eligible" else Decimal(0)

    totals = {total["name"]: total for total in report["money"]}
    assert set(totals) == {f"derived.{name}" for name in MONEY}
    for name in MONEY:
        old = sum(granted(o, name) for o, _ in decisions.values())
        new = sum(granted(n, name) for _, n in decisions.values())
        total = totals[f"derived.{name}"]
        assert Decimal(total["difference"]) == new - old != 0
        assert Decimal(total["rules"]) - Decimal(total["base"]) == new - old
    changed_ids = {c["id"] for c in report["changes"]}
    base = sum(granted(decisions[i][0], "financeable_amount") for i in changed_ids)
    assert Decimal(totals["derived.financeable_amount"]["base"]) == base


def test_by_rule_counts_the_cases_where_the_rule_changed(
    report: dict[str, Any], decisions: dict[str, tuple[Any, Any]]
) -> None:
    def changed_cases(rule_id: str) -> int:
        return sum(
            old.finding(rule_id).model_dump(include={"status", "value"})
            != new.finding(rule_id).model_dump(include={"status", "value"})
            for old, new in decisions.values()
        )

    assert report["by_rule"] == {
        rule_id: changed_cases(rule_id)
        for rule_id in ("ASS-FINESTRA", "FIN-TASSO-UE", "FIN-QUOTA-UE", "FIN-QUOTA-NAZIONALE")
    }


def test_a_new_rule_counts_only_where_it_is_not_met(
    population: Path, changed: Path, cases: list[dict[str, Any]], tmp_path: Path
) -> None:
    rules = shutil.copytree(changed, tmp_path / "rules")
    (rules / "ammissibilita" / "prova.yaml").write_text(NEW_RULE, encoding="utf-8")
    report = diff_json(population, rules)
    over_75 = {
        case["id"]
        for case in cases
        if (case.get("needs_analysis") or {}).get("capacity_gap", 0) > 75
    }
    assert over_75
    assert report["ruleset_changes"]["rules_added"] == ["PROVA-DIVARIO"]
    assert report["by_rule"]["PROVA-DIVARIO"] == len(over_75)
    for change in report["changes"]:
        new_rule = [r for r in change["rules"] if r["rule_id"] == "PROVA-DIVARIO"]
        if change["id"] in over_75:
            assert [(r["from"], r["to"]) for r in new_rule] == [("absent", "not_met")]
        else:
            assert new_rule == []  # met everywhere else: it changed nothing there


def test_a_change_from_a_date_no_case_reaches_is_noted(
    population: Path, changed: Path, report: dict[str, Any], cases: list[dict[str, Any]]
) -> None:
    latest = max(case["submitted_at"][:10] for case in cases)
    assert report["latest_as_of"] == latest
    dated = {change["name"]: change for change in report["dated_changes"]}
    assert dated["par_approved_regions"] == {
        "kind": "parameter",
        "name": "par_approved_regions",
        "from": "2028-01-01",
        "note": "no decision can show this change yet",
    }
    assert dated["hiring_window_closes"]["note"] is None
    assert dated["hiring_window_closes"]["from"] == "2021-01-01"

    result = runner.invoke(
        app, ["diff", "--base", str(RULES), "--rules", str(changed), str(population)]
    )
    assert (
        "note: parameter par_approved_regions changes from 2028-01-01, after every case's "
        f"as-of day (latest {latest}): no decision can show this change yet"
    ) in result.stdout
    assert "hiring_window_closes changes from" not in result.stdout

    later = diff_json(population, changed, "--as-of", "2028-01-01")
    assert {c["name"]: c["note"] for c in later["dated_changes"]}["par_approved_regions"] is None


def test_a_future_table_row_is_noted_with_its_table_and_key(
    population: Path, tmp_path: Path
) -> None:
    rules = shutil.copytree(RULES, tmp_path / "rules")
    edit(
        rules,
        "territorio/regioni.yaml",
        '      - code: "13"\n        name: Abruzzo\n        nuts2: [ITF1]\n'
        "        category: in_transizione\n        mezzogiorno: true\n",
        '      - code: "13"\n        name: Abruzzo\n        nuts2: [ITF1]\n'
        "        category: in_transizione\n        mezzogiorno: true\n        to: 2027-12-31\n"
        '      - code: "13"\n        name: Abruzzo\n        nuts2: [ITF1]\n'
        "        category: meno_sviluppata\n        mezzogiorno: true\n        from: 2028-01-01\n",
    )
    report = diff_json(population, rules)
    assert report["changed"] == 0
    assert report["dated_changes"] == [
        {
            "kind": "table row",
            "name": "regions[13]",
            "from": "2028-01-01",
            "note": "no decision can show this change yet",
        }
    ]


# -- the HTML report ---------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MEASURE = """<script>
window.addEventListener("load", () => {
  const bars = [...document.querySelectorAll("svg.chart rect.bar")].map((bar) => {
    const box = bar.getBoundingClientRect();
    return {chart: bar.closest("svg").id, label: bar.dataset.label, width: box.width,
            height: box.height};
  });
  document.body.setAttribute("data-measured", JSON.stringify(bars));
});
</script>"""
"""Added to a copy of the report: the browser's own layout of every bar, read back from
the DOM it dumps."""


def browser() -> str:
    found = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if found is None:
        pytest.skip("no headless browser: install chromium (apt-get install chromium)")
    return found


def headless(binary: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1200,2400",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture(scope="module")
def html_report(population: Path, changed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "diff.html"
    result = runner.invoke(
        app,
        [
            "diff",
            "--base",
            str(RULES),
            "--rules",
            str(changed),
            str(population),
            "--html",
            str(path),
            "--limit",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"HTML report written to {path}" in result.stderr
    return path


def test_the_html_report_holds_summary_transitions_rules_and_money(
    html_report: Path, report: dict[str, Any]
) -> None:
    page = html_report.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for heading in (
        "Summary",
        "Transitions",
        "By rule",
        "Money that moves",
        "Changes by region",
        "Changes by rule",
    ):
        assert heading in page
    assert "no decision can show this change yet" in page
    assert f"{report['changed']:,}" in page
    for total in report["money"]:
        assert f"{Decimal(total['difference']):,.2f}" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page and "<link" not in page  # self-contained, nothing fetched
    assert f"... and {report['changed'] - 5} more" in page


def test_the_html_charts_are_drawn_in_a_real_browser(
    html_report: Path, report: dict[str, Any], tmp_path: Path
) -> None:
    binary = browser()
    screenshot = tmp_path / "diff.png"
    headless(binary, f"--screenshot={screenshot}", html_report.as_uri())
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000

    measured_page = tmp_path / "measured.html"
    measured_page.write_text(
        html_report.read_text("utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    dom = headless(binary, "--virtual-time-budget=5000", "--dump-dom", measured_page.as_uri())
    found = re.search(r'data-measured="([^"]*)"', dom.stdout)
    assert found is not None, dom.stdout[:2000]
    bars = json.loads(html.unescape(found.group(1)))
    by_chart: dict[str, dict[str, float]] = {}
    for bar in bars:
        by_chart.setdefault(bar["chart"], {})[bar["label"]] = bar["width"]
        assert bar["width"] > 0 and bar["height"] > 0
    assert set(by_chart["by-rule"]) == set(report["by_rule"])
    assert set(by_chart["by-region"]) == set(report["by_region"])
    # Bars are drawn to scale: the most frequent is the widest, at the full bar width.
    for chart, counts in (("by-rule", report["by_rule"]), ("by-region", report["by_region"])):
        widths = by_chart[chart]
        top = max(counts, key=counts.__getitem__)
        assert widths[top] == pytest.approx(BAR_AREA, abs=1)
        for label, count in counts.items():
            assert widths[label] == pytest.approx(max(1, BAR_AREA * count / counts[top]), abs=1)


def test_an_html_report_that_cannot_be_written_exits_2(
    population: Path, changed: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "diff.html"
    result = runner.invoke(
        app,
        [
            "diff",
            "--base",
            str(RULES),
            "--rules",
            str(changed),
            str(population),
            "--html",
            str(target),
        ],
    )
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert not target.parent.exists()


def test_payment_claims_move_their_totals_and_sort_milestone_changes(tmp_path: Path) -> None:
    rules = shutil.copytree(RULES, tmp_path / "rules")
    edit(  # below 80% of the way to the target, half the milestone is paid
        rules,
        "pagamenti/parametri.yaml",
        "upper: 0.8, proportional: false, rate: 0}",
        "upper: 0.8, proportional: false, rate: 0.5}",
    )
    claims = [
        yaml.safe_load(path.read_text("utf-8"))["case"]
        for path in sorted((FIXTURES / "payments").glob("*.yaml"))
    ]
    population = tmp_path / "claims.jsonl"
    population.write_text(
        "".join(json.dumps(claim, default=str) + "\n" for claim in claims), encoding="utf-8"
    )
    report = diff_json(population, rules)

    listed = [(CHANGE_KINDS.index(c["change"]), c["line"]) for c in report["changes"]]
    assert listed == sorted(listed)
    assert {c["change"] for c in report["changes"]} >= {"outcome", "amounts"}
    assert any(
        field.startswith("milestones[") and field.endswith(".payable")
        for c in report["changes"]
        for field in c["fields"]
    )
    old_engine, new_engine = Engine.from_path(RULES), Engine.from_path(rules)
    moved = {"payable": Decimal(0), "recovered": Decimal(0), "net": Decimal(0)}
    for claim in claims:
        try:
            old, new = old_engine.evaluate(claim), new_engine.evaluate(claim)
        except CaseError:
            continue  # a fixture of a claim refused as input, by both rule sets alike
        for name in moved:
            moved[name] += getattr(new.totals, name) - getattr(old.totals, name)
    assert moved["payable"] > 0
    assert {t["name"]: Decimal(t["difference"]) for t in report["money"]} == {
        f"totals.{name}": difference for name, difference in moved.items()
    }
