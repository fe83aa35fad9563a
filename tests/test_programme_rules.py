"""Programme rules that change from a date or follow a formula, through the public API.

The bundled rule set pays nothing unless a target is met; a rule file can switch the
proportional band on from a date, and decisions before that date do not change. The n+3
decommitment deadline is a rule (min(Y + 3, 2029)), the same for every commitment year.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, RULES

from capcoe_rules import Engine
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.models.payment_decision import PaymentDecision

SWITCH_ON = dt.date(2026, 6, 1)


def decide(engine: Engine, case: dict[str, Any], as_of: dt.date | None = None) -> PaymentDecision:
    decision = engine.evaluate(case, as_of=as_of)
    assert isinstance(decision, PaymentDecision)
    return decision


@pytest.fixture(scope="module")
def partial_from_june_2026(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled rules with the proportional band switched on from 2026-06-01, the way
    rules/pagamenti/parametri.yaml says to do it: close the old value, add the new one."""
    rules = tmp_path_factory.mktemp("partial") / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "pagamenti" / "parametri.yaml"
    text = path.read_text("utf-8")
    old = "      - {from: 2021-01-01, value: false}\n"
    assert text.count(old) == 1
    new = (
        "      - {from: 2021-01-01, to: 2026-05-31, value: false}\n"
        "      - {from: 2026-06-01, value: true}\n"
    )
    path.write_text(text.replace(old, new), "utf-8")
    return Engine.from_path(rules)


@pytest.mark.parametrize(
    ("fixture", "milestone", "proportional"),
    [
        # exactly 0.8 of the way: 120,000.00 x 0.8
        (
            "regione-calabria-spesa-certificata-conseguimento-0-8-esatto.yaml",
            "T1-SPESA-2025",
            "96000.00",
        ),
        # 0.844444 of the way down: 60,000.00 x 0.844444 = 50,666.64
        (
            "comune-napoli-tempi-pagamento-indicatore-in-calo-parziale-nessun-pagamento.yaml",
            "T1-TMP-2025",
            "50666.64",
        ),
    ],
)
def test_a_rule_file_switches_the_proportional_band_on_from_a_date(
    engine: Engine, partial_from_june_2026: Engine, fixture: str, milestone: str, proportional: str
) -> None:
    case = read_case_file(FIXTURES / "payments" / fixture).case
    before = decide(partial_from_june_2026, case, SWITCH_ON - dt.timedelta(days=1))
    after = decide(partial_from_june_2026, case, SWITCH_ON)
    # Before the date nothing changes (but the rule set's hash): no payment unless the
    # target is met.
    bundled = decide(engine, case, SWITCH_ON - dt.timedelta(days=1))
    assert before.model_dump(exclude={"ruleset"}) == bundled.model_dump(exclude={"ruleset"})
    assert before.milestone(milestone).payable == 0
    assert before.milestone(milestone).reasons == ["PAG-SOGLIA"]
    # From the date the band pays the achievement itself.
    assert after.milestone(milestone).payable == Decimal(proportional)
    assert after.milestone(milestone).reasons == []
    # The bundled rules never switch it on.
    assert decide(engine, case, SWITCH_ON).milestone(milestone).payable == 0


def programme_claim(commitment_year: int, claim_date: dt.date) -> dict[str, Any]:
    return {
        "case_type": "payment_claim",
        "id": f"N3-{commitment_year}-{claim_date.isoformat()}",
        "claim_date": claim_date.isoformat(),
        "grant": {
            "id": f"PN-{commitment_year}",
            "beneficiary": "PN CapCoe verso la Commissione europea",
            "total_amount": "1000000.00",
            "programme_level": True,
            "commitment_year": commitment_year,
            "milestones": [
                {
                    "id": "TF",
                    "kind": "finale",
                    "indicator": "Piattaforma AppCoe in esercizio",
                    "unit": "servizi",
                    "baseline": 0,
                    "target": 10,
                    "due_date": "2024-06-30",
                    "amount": "1000000.00",
                }
            ],
        },
        "lines": [
            {
                "milestone_id": "TF",
                "achieved_value": 10,
                "date_achieved": "2024-06-30",
                "verification": "verificato",
            }
        ],
    }


@pytest.mark.parametrize("year", range(2021, 2028))
def test_the_n_plus_3_deadline_is_the_31_december_of_y_plus_3_and_2029_at_the_latest(
    engine: Engine, year: int
) -> None:
    deadline = min(year + 3, 2029)
    last_day = dt.date(deadline, 12, 31)
    in_time = decide(engine, programme_claim(year, last_day))
    assert in_time.derived["decommitment_year"] == deadline
    assert in_time.outcome == "payable" and in_time.totals.payable == Decimal("1000000.00")
    assert in_time.warnings == []  # everything is covered: nothing at risk
    if deadline < 2029:  # 2030 is outside the rule set's period
        late = decide(engine, programme_claim(year, last_day + dt.timedelta(days=1)))
        assert late.outcome == "refused" and late.reasons == ["PAG-DISIMPEGNATO"]
        assert late.totals.payable == 0


def test_only_programme_claims_are_judged_by_the_decommitment_rules(engine: Engine) -> None:
    programme_rules = {rule.id for rule in engine.ruleset.cases["programme"].rules}
    assert {"PAG-DISIMPEGNATO", "PAG-RISCHIO-DISIMPEGNO"} <= programme_rules
    claim = programme_claim(2024, dt.date(2025, 3, 31))
    judged = {finding.rule_id for finding in decide(engine, claim).findings}
    assert programme_rules <= judged
    claim["grant"]["programme_level"] = False
    del claim["grant"]["commitment_year"]
    assert not programme_rules & {finding.rule_id for finding in decide(engine, claim).findings}


HIRING_CALL_PHASES = [
    # (first day, phase): the sourced days of the call, and 2024-04-01 (assumed) for the
    # recognised-needs lists of spring 2024.
    ("2023-11-21", "avviso_pubblicato"),  # decree 607 of the Agency
    ("2023-11-30", "finestra_domande"),  # window 30.11.2023 12:00 - 30.1.2024 12:00
    ("2024-01-31", "istruttoria"),
    ("2024-04-01", "fabbisogni_riconosciuti"),
    ("2024-06-27", "criteri_approvati"),  # Conferenza unificata
    ("2024-07-23", "posti_assegnati"),  # DPCM
    ("2024-10-08", "concorso"),  # 8.10 - 7.11.2024
    ("2024-11-08", "dopo_il_concorso"),
]


@pytest.mark.parametrize(("first_day", "phase"), HIRING_CALL_PHASES)
def test_a_decision_shows_the_hiring_call_phase_of_its_date(
    engine: Engine, application: Any, first_day: str, phase: str
) -> None:
    day = dt.date.fromisoformat(first_day)
    before = engine.evaluate(application(), as_of=day - dt.timedelta(days=1))
    on = engine.evaluate(application(), as_of=day)
    assert on.derived["hiring_call_phase"] == phase
    assert before.derived["hiring_call_phase"] != phase
    assigned = day >= dt.date(2024, 7, 23)
    assert on.finding("ASS-POSTI-NON-ANCORA-ASSEGNATI").status == (
        "not_met" if assigned else "met"
    )
