"""The ``payment:`` declaration: the names a payment decision reads, declared and checked.

The engine reads what each milestone pays, whether a final target was missed and the
recovery share under the names one rule file declares; the checker refuses, with the
position, a declaration naming what no rule of the right case derives, a value of the
wrong type, a second declaration, payment rules with no declaration, and a programme
value that would hide a claim value of the same name.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES, write_ruleset

from capcoe_rules import CaseError, Engine, ReferenceEvaluator, check_ruleset
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.language.problems import Position, Problem
from capcoe_rules.models.payment_decision import PaymentDecision

MILESTONES = """\
case: milestone
rules:
  - id: M-PAGABILE
    title: {it: Pagabile}
    basis: Prova
    provenance: assumption
    derive: pagabile
    value: milestone.amount - milestone.already_paid
  - id: M-MANCATO
    title: {it: Mancato}
    basis: Prova
    provenance: assumption
    derive: mancato
    value: milestone.kind == "finale" and milestone.verification == "respinto"
"""
CLAIMS = """\
case: claim
rules:
  - id: C-QUOTA
    title: {it: Quota}
    basis: Prova
    provenance: assumption
    derive: quota
    value: 0.25 if claim.final_target_missed else 0
"""
DECLARATION = """\
payment:
  payable: pagabile
  final_missed: mancato
  recovery_share: quota
"""
# In DECLARATION, the value of `payable` is on line 2, that of `final_missed` on line 3,
# that of `recovery_share` on line 4, at columns 12, 17 and 19.

CLAIM = {
    "case_type": "payment_claim",
    "id": "P-1",
    "claim_date": "2026-03-31",
    "grant": {
        "id": "G-1",
        "beneficiary": "Comune di Bari",
        "total_amount": "1000.00",
        "milestones": [
            {
                "id": "M1",
                "kind": "intermedio",
                "indicator": "uffici",
                "unit": "uffici",
                "baseline": 0,
                "target": 10,
                "due_date": "2025-12-31",
                "amount": "400.00",
            },
            {
                "id": "MF",
                "kind": "finale",
                "indicator": "uffici",
                "unit": "uffici",
                "baseline": 0,
                "target": 20,
                "due_date": "2026-12-31",
                "amount": "600.00",
            },
        ],
    },
    "lines": [
        {
            "milestone_id": "MF",
            "achieved_value": 20,
            "date_achieved": "2026-03-01",
            "verification": "respinto",
        }
    ],
    "payments_made": [{"milestone_id": "M1", "amount": "400.00", "date": "2026-01-15"}],
}


def mini(tmp_path: Path, **files: str) -> Path:
    texts = {"m.yaml": MILESTONES, "c.yaml": CLAIMS, "esito.yaml": DECLARATION}
    texts.update(files)
    return write_ruleset(tmp_path / "rs", {name: text for name, text in texts.items() if text})


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def where(problem: Problem) -> tuple[str, str, Position]:
    return problem.code, Path(problem.file).name, problem.position


def test_the_engine_reads_the_declared_names_whatever_they_are(tmp_path: Path) -> None:
    engine = Engine.from_path(mini(tmp_path))
    decision = engine.evaluate(CLAIM)
    assert isinstance(decision, PaymentDecision)
    # M1 paid in full before; MF derives 600.00 "pagabile" under the declared name...
    assert decision.milestone("MF").payable == Decimal("600.00")
    # ... and, rejected, is "mancato": the declared share 0.25 of M1's 400.00 is recovered.
    assert decision.derived["quota"] == Decimal("0.25")
    assert decision.totals.recovered == Decimal("100.00")
    assert ReferenceEvaluator(engine.ruleset).evaluate(CLAIM).to_json() == decision.to_json()


def test_a_declared_name_no_rule_derives_is_refused_at_its_place(tmp_path: Path) -> None:
    declaration = DECLARATION.replace("payable: pagabile", "payable: pagato")
    problem = only(check_ruleset(mini(tmp_path, **{"esito.yaml": declaration})))
    assert where(problem) == ("E012", "esito.yaml", Position(2, 12))
    assert "'pagato'" in problem.message and "case: milestone" in problem.message
    assert "pagabile" in problem.message  # what is derived there, to pick the right one


def test_a_declared_value_of_the_wrong_type_is_refused_at_its_place(tmp_path: Path) -> None:
    # The recovery share must be a number: here it names the milestone's amount, money
    # derived by the milestone rules, which the claim rules do not derive at all...
    declaration = DECLARATION.replace("recovery_share: quota", "recovery_share: pagabile")
    problem = only(check_ruleset(mini(tmp_path, **{"esito.yaml": declaration})))
    assert where(problem) == ("E012", "esito.yaml", Position(4, 19))
    # ... while "final_missed" naming money, derived by the right case, is a type mismatch.
    declaration = DECLARATION.replace("final_missed: mancato", "final_missed: pagabile")
    problem = only(check_ruleset(mini(tmp_path / "again", **{"esito.yaml": declaration})))
    assert where(problem) == ("E014", "esito.yaml", Position(3, 17))
    assert "must be bool" in problem.message and "money" in problem.message


def test_a_second_declaration_is_refused(tmp_path: Path) -> None:
    problem = only(check_ruleset(mini(tmp_path, **{"zz.yaml": DECLARATION})))
    assert where(problem) == ("E050", "zz.yaml", Position(1, 1))
    assert "esito.yaml" in problem.message


def test_payment_rules_without_a_declaration_are_refused(tmp_path: Path) -> None:
    problem = only(check_ruleset(mini(tmp_path, **{"esito.yaml": ""})))
    assert where(problem) == ("E051", "c.yaml", Position(1, 7))
    assert "payment:" in problem.message


def test_a_programme_value_may_not_hide_a_claim_value(tmp_path: Path) -> None:
    programme = """\
case: programme
rules:
  - id: P-QUOTA
    title: {it: Quota}
    basis: Prova
    provenance: assumption
    derive: quota
    value: programme.claim_year
"""
    problem = only(check_ruleset(mini(tmp_path, **{"p.yaml": programme})))
    assert where(problem) == ("E018", "p.yaml", Position(7, 13))


def test_a_rule_set_without_payment_rules_needs_no_declaration_but_decides_no_claim(
    tmp_path: Path,
) -> None:
    directory = mini(tmp_path, **{"m.yaml": "", "c.yaml": "", "esito.yaml": ""})
    assert check_ruleset(directory) == []
    with pytest.raises(CaseError) as refused:
        Engine.from_path(directory).evaluate(CLAIM)
    assert "payment:" in str(refused.value)


def test_renaming_a_bundled_derived_value_needs_only_the_rule_files(tmp_path: Path) -> None:
    """A policy officer renames `payable` in the rules and in the declaration: the same
    decisions come out, with the new name; no Python knows the old one."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    for name, old, new in [
        ("pagamenti/traguardi.yaml", "derive: payable", "derive: importo_pagabile"),
        ("pagamenti/esito.yaml", "payable: payable", "payable: importo_pagabile"),
    ]:
        path = rules / name
        text = path.read_text("utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), "utf-8")
    bundled, renamed = Engine.from_path(RULES), Engine.from_path(rules)
    for path in sorted((FIXTURES / "payments").glob("*.yaml")):
        example = read_case_file(path)
        if example.expect and "error" in example.expect:
            continue
        before, after = bundled.evaluate(example.case), renamed.evaluate(example.case)
        assert isinstance(before, PaymentDecision) and isinstance(after, PaymentDecision)
        assert after.totals == before.totals, path.name
        for was, now in zip(before.milestones, after.milestones, strict=True):
            assert now.derived["importo_pagabile"] == was.derived["payable"], path.name
