"""Dated tables: a row changed from a date leaves the decisions before it as they were,
and decides those after it; the checker refuses rows that overlap or leave a gap.

The changes are made in a copy of the bundled rule set, as a policy officer would make
them: the row in force until a day gets ``to:``, its successor ``from:``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, RULES, make_application, write_ruleset, dump_rule_file
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.batch.diffing import ruleset_changes
from capcoe_rules.cli import app
from capcoe_rules.language import check_ruleset
from capcoe_rules.models.payment_decision import PaymentDecision

CHANGE = dt.date(2027, 1, 1)
BEFORE, AFTER = dt.date(2026, 6, 30), dt.date(2027, 6, 30)


def edit_table(rules: Path, file: str, table: str, edit: Any) -> None:
    path = rules / file
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["tables"][table]["rows"] = edit(document["tables"][table]["rows"])
    path.write_text(dump_rule_file(document), "utf-8")


def until_the_change(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "to": CHANGE - dt.timedelta(days=1)} for row in rows]


# Bands from 2027: nothing paid below 90% of the way to the target (whatever the bundled
# rule set's bands are before that).
NEW_BANDS = [
    {"band": "sotto_soglia", "lower": -1e12, "upper": 0.9, "proportional": False, "rate": 0},
    {"band": "parziale", "lower": 0.9, "upper": 1, "proportional": True, "rate": 0},
    {"band": "raggiunto", "lower": 1, "upper": 1e12, "proportional": False, "rate": 1},
]


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled rules with new bands and Abruzzo a less developed region from 2027."""
    rules = tmp_path_factory.mktemp("dated") / "rules"
    shutil.copytree(RULES, rules)
    edit_table(
        rules,
        "pagamenti/parametri.yaml",
        "partial_achievement_bands",
        lambda rows: until_the_change(rows) + [{**row, "from": CHANGE} for row in NEW_BANDS],
    )

    def abruzzo(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        edited = []
        for row in rows:
            if row["code"] == "13":
                edited.append({**row, "to": CHANGE - dt.timedelta(days=1)})
                edited.append({**row, "category": "meno_sviluppata", "from": CHANGE})
            else:
                edited.append(row)
        return edited

    edit_table(rules, "territorio/regioni.yaml", "regions", abruzzo)
    assert check_ruleset(rules) == []
    return Engine.from_path(rules)


def without_ruleset(decision: Any) -> dict[str, Any]:
    data: dict[str, Any] = decision.model_dump(mode="json")
    data.pop("ruleset")
    return data


def napoli_claim(claim_date: dt.date) -> dict[str, Any]:
    """A claim whose intermediate milestone reached 84.4% of the way (52 days for 45)."""
    path = FIXTURES / "payments" / "comune-napoli-tempi-pagamento-indicatore-in-calo-parziale-nessun-pagamento.yaml"
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["case"]
    return {**case, "claim_date": claim_date}


def test_a_band_changed_from_a_date_leaves_earlier_decisions_as_they_were(
    engine: Engine, changed: Engine
) -> None:
    claim = napoli_claim(BEFORE)
    assert without_ruleset(changed.evaluate(claim)) == without_ruleset(engine.evaluate(claim))


def test_after_the_date_a_claim_follows_the_new_band(engine: Engine, changed: Engine) -> None:
    claim = napoli_claim(AFTER)
    new = changed.evaluate(claim)
    assert isinstance(new, PaymentDecision)
    milestone = new.milestone("T1-TMP-2025")
    # 0.844 is below the new threshold 0.9: nothing earned.
    assert (milestone.status, milestone.payable, milestone.withheld) == ("withheld", 0, 60000)
    assert new.totals.payable == 0
    assert without_ruleset(engine.evaluate(claim)) != without_ruleset(new)


def test_the_new_row_holds_from_its_first_day(engine: Engine, changed: Engine) -> None:
    last_old, first_new = CHANGE - dt.timedelta(days=1), CHANGE
    before = changed.evaluate(napoli_claim(last_old))
    assert without_ruleset(before) == without_ruleset(engine.evaluate(napoli_claim(last_old)))
    after = changed.evaluate(napoli_claim(first_new))
    assert isinstance(after, PaymentDecision) and after.totals.payable == 0


def pescara_training() -> dict[str, Any]:
    return make_application(
        id="PE-FORMAZIONE",
        applicant__name="Comune di Pescara",
        applicant__istat_code="068028",
        area="formazione",
        hires={},
        amount_requested="120000.00",
    )


def test_a_region_category_changed_from_a_date(engine: Engine, changed: Engine) -> None:
    case = pescara_training()
    before = changed.evaluate(case, as_of=BEFORE)
    assert without_ruleset(before) == without_ruleset(engine.evaluate(case, as_of=BEFORE))
    assert before.lookups["region"]["category"] == "in_transizione"
    after = changed.evaluate(case, as_of=AFTER)
    assert after.lookups["region"]["category"] == "meno_sviluppata"
    # The category row read through the region follows: the less developed ceiling.
    assert (
        after.lookups["category"]["max_eu_rate"]
        == engine.evaluate(
            make_application(area="formazione", hires={}, amount_requested="120000.00"),
            as_of=AFTER,
        ).lookups["category"]["max_eu_rate"]
    )
    assert engine.evaluate(case, as_of=AFTER).lookups["region"]["category"] == "in_transizione"


def test_an_areas_maximum_changed_from_a_date(engine: Engine, tmp_path: Path) -> None:
    """Training may ask for at most 100,000 euros from 2027: a request of 120,000 is
    eligible before, refused after."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)

    def lower(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        edited = []
        for row in rows:
            if row["area"] == "formazione":
                edited.append({**row, "to": CHANGE - dt.timedelta(days=1)})
                edited.append({**row, "max_amount": 100000, "from": CHANGE})
            else:
                edited.append(row)
        return edited

    edit_table(rules, "programma/aree_intervento.yaml", "intervention_areas", lower)
    changed = Engine.from_path(rules)
    case = make_application(area="formazione", hires={}, amount_requested="120000.00")
    before = changed.evaluate(case, as_of=BEFORE)
    assert without_ruleset(before) == without_ruleset(engine.evaluate(case, as_of=BEFORE))
    after = changed.evaluate(case, as_of=AFTER)
    assert after.lookups["area"]["max_amount"] == 100000
    assert before.outcome == "eligible" and after.outcome == "not_eligible"


def test_diff_names_the_dated_rows(changed: Engine, tmp_path: Path) -> None:
    base = Engine.from_path(RULES).ruleset
    changes = ruleset_changes(base, changed.ruleset)
    assert set(changes.tables_changed) == {"partial_achievement_bands", "regions"}
    assert "+regions[13] 2027-01-01.." in changes.table_rows_changed
    assert "+partial_achievement_bands[parziale] 2027-01-01.." in changes.table_rows_changed
    assert "-regions[13] 2021-01-01.." in changes.table_rows_changed
    assert "+regions[13] 2021-01-01..2026-12-31" in changes.table_rows_changed


GENEROUS_BANDS = [
    {"band": "sotto_soglia", "lower": -1e12, "upper": 0.8, "proportional": False, "rate": 0},
    {"band": "quasi", "lower": 0.8, "upper": 1, "proportional": False, "rate": 0.5},
    {"band": "raggiunto", "lower": 1, "upper": 1e12, "proportional": False, "rate": 1},
]
"""From 2027, half the amount from 80% of the way to the target."""


def test_the_diff_command_shows_a_dated_table_change(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    edit_table(
        rules,
        "pagamenti/parametri.yaml",
        "partial_achievement_bands",
        lambda rows: until_the_change(rows) + [{**row, "from": CHANGE} for row in GENEROUS_BANDS],
    )
    population = tmp_path / "claims.jsonl"
    population.write_text(
        "".join(json.dumps(napoli_claim(day), default=str) + "\n" for day in (BEFORE, AFTER)),
        encoding="utf-8",
    )
    arguments = ["diff", "--base", str(RULES), "--rules", str(rules), str(population)]
    result = CliRunner().invoke(app, ["--lang", "en", *arguments])
    assert result.exit_code == 0, result.output
    assert "table rows changed:" in result.output
    assert "+partial_achievement_bands[quasi] 2027-01-01.." in result.output
    # Only the claim after the change moves: 84.4% of the way now pays half.
    assert "nothing_payable → payable │     1" in result.output
    assert "unchanged                 │     1" in result.output


# -- the checker ---------------------------------------------------------------------------

TABLE = """\
tables:
  sizes:
    title: {it: Misure}
    basis: prova
    provenance: assumption
    key: name
    columns: {name: text, size: number}
    rows:
"""


def problems(tmp_path: Path, rows: str) -> list[Any]:
    return check_ruleset(write_ruleset(tmp_path / "rs", {"t.yaml": TABLE + rows}))


def test_dated_rows_that_follow_each_other_are_accepted(tmp_path: Path) -> None:
    assert (
        problems(
            tmp_path,
            "      - {name: a, size: 1, to: 2023-12-31}\n"
            "      - {name: a, size: 2, from: 2024-01-01}\n"
            "      - {name: b, size: 3, from: 2025-01-01}\n"  # a row added from a date
            "      - {name: c, size: 4, to: 2022-06-30}\n",  # a row withdrawn
        )
        == []
    )


@pytest.mark.parametrize(
    ("rows", "code", "line", "words"),
    [
        (
            "      - {name: a, size: 1, to: 2024-01-31}\n"
            "      - {name: a, size: 2, from: 2024-01-31}\n",
            "E020",
            10,
            "overlaps the one in force from 2021-01-01 until 2024-01-31",
        ),
        (
            "      - {name: a, size: 1}\n      - {name: a, size: 2, from: 2024-02-01}\n",
            "E020",
            10,
            "until further notice",
        ),
        (
            "      - {name: a, size: 1, to: 2023-12-31}\n"
            "      - {name: a, size: 2, from: 2024-01-02}\n",
            "E021",
            10,
            "no version from 2024-01-01 to 2024-01-01",
        ),
        ("      - {name: a, size: 1, from: 2024-02-01, to: 2024-01-31}\n", "E020", 9, "before"),
        ("      - {name: a, size: 1, from: soon}\n", "E022", 9, "must be a date"),
        ("      - {name: a, size: 1}\n      - {name: a, size: 2}\n", "E018", 10, "two rows"),
    ],
    ids=["overlap", "open-ended-overlap", "gap", "to-before-from", "not-a-date", "twice"],
)
def test_rows_that_overlap_or_leave_a_gap_are_refused_with_their_place(
    tmp_path: Path, rows: str, code: str, line: int, words: str
) -> None:
    (problem,) = problems(tmp_path, rows)
    assert (problem.code, problem.position.line) == (code, line), str(problem)
    assert words in problem.message


def test_from_and_to_are_not_column_names(tmp_path: Path) -> None:
    text = TABLE.replace("{name: text, size: number}", "{name: text, from: date}")
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": text + "      - {name: a}\n"})
    (problem,) = check_ruleset(directory)
    assert problem.code == "E022" and "'from' is not a column name" in problem.message


BAND_MANIFEST = """\
name: mini
version: "1"
title: {it: Regole di prova}
in_force: {from: 2021-01-01, to: 2029-12-31}
lookups:
  band: {table: bands, key: milestone.achievement, match: band}
"""
BANDS = """\
tables:
  bands:
    title: {it: Fasce}
    basis: prova
    provenance: assumption
    key: band
    columns: {band: text, lower: number, upper: number, rate: number}
    rows:
"""


def test_bands_in_force_together_must_not_overlap_on_any_date(tmp_path: Path) -> None:
    ok = (
        "      - {band: a, lower: 0, upper: 0.8, rate: 0, to: 2025-12-31}\n"
        "      - {band: a, lower: 0, upper: 0.9, rate: 0, from: 2026-01-01}\n"
        "      - {band: b, lower: 0.8, upper: 2, rate: 1, to: 2025-12-31}\n"
        "      - {band: b, lower: 0.9, upper: 2, rate: 1, from: 2026-01-01}\n"
    )
    directory = write_ruleset(tmp_path / "ok", {"t.yaml": BANDS + ok}, manifest=BAND_MANIFEST)
    assert check_ruleset(directory) == []
    late = ok.replace(
        "lower: 0.9, upper: 2, rate: 1, from: 2026-01-01",
        "lower: 0.9, upper: 2, rate: 1, from: 2027-01-01",
    ).replace("upper: 2, rate: 1, to: 2025-12-31", "upper: 2, rate: 1, to: 2026-12-31")
    directory = write_ruleset(tmp_path / "bad", {"t.yaml": BANDS + late}, manifest=BAND_MANIFEST)
    (problem,) = check_ruleset(directory)
    assert problem.code == "E020"
    assert "bands 'a' and 'b' overlap from 2026-01-01" in problem.message
