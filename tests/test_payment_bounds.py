"""Whatever the payment rules compute, a milestone pays between nothing and what is left of it.

A rule edit that makes ``payable`` too large (or negative) must not produce an unlawful
payment, nor stop the engine: the milestone pays the bound and names the rule to look at.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES

from capcoe_rules import Engine, PaymentDecision, ReferenceEvaluator
from capcoe_rules.casefiles import read_case_file

PAYABLE = "value: max(derived.earned_amount - milestone.already_paid, 0)"


def edited_rules(tmp_path: Path, formula: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    milestones = rules / "pagamenti" / "traguardi.yaml"
    text = milestones.read_text(encoding="utf-8")
    assert PAYABLE in text
    milestones.write_text(text.replace(PAYABLE, f"value: {formula}"), encoding="utf-8")
    return rules


@pytest.mark.parametrize(
    "formula", ["milestone.amount * 3 + 1", "-milestone.amount", "derived.earned_amount"]
)
def test_payable_beyond_its_bounds_is_capped_and_named(tmp_path: Path, formula: str) -> None:
    engine = Engine.from_path(edited_rules(tmp_path, formula))
    reference = ReferenceEvaluator(engine.ruleset)
    capped = 0
    for path in sorted((FIXTURES / "payments").glob("*.yaml")):
        example = read_case_file(path)
        try:
            decision = engine.evaluate(example.case, as_of=example.as_of)
        except Exception as error:  # noqa: BLE001 - refused claims are CaseErrors, fine
            assert type(error).__name__ == "CaseError", error
            continue
        assert decision.to_json() == reference.evaluate(example.case, as_of=example.as_of).to_json()
        assert isinstance(decision, PaymentDecision)
        totals = decision.totals
        assert Decimal(0) <= totals.payable
        assert totals.paid_before + totals.payable <= totals.grant_total
        for milestone in decision.milestones:
            # withheld = amount - already paid - payable: never negative means never beyond
            assert milestone.payable >= 0 and milestone.withheld >= 0, milestone
            if "PAG-IMPORTO-PAGABILE" in milestone.warnings:
                capped += 1
    assert capped > 0  # each edit leaves some milestone outside its bounds
