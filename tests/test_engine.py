"""The durable_rules engine: decisions, determinism, isolation, threads, processes, memory."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import threading

import durable_rules_engine

from capcoe_rules import CaseError, Engine, ReferenceEvaluator
from conftest import RULES, make_application, write_ruleset


def varied_cases(count: int) -> list[dict[str, Any]]:
    """Deterministic, varied applications: different regions, areas, amounts and times."""
    codes = ["063049", "013021", "082053", "072006", "001272", "066049", "092009", "021008"]
    areas = ["assunzioni", "formazione", "processi_gestione", "partenariato"]
    cases = []
    for index in range(count):
        cases.append(
            make_application(
                id=f"C-{index:05d}",
                applicant__istat_code=codes[index % len(codes)],
                area=areas[index % len(areas)],
                amount_requested=str(Decimal(1000 + index * 37) + Decimal("0.25")),
                submitted_at=f"2024-01-{1 + index % 30:02d}T{index % 24:02d}:00:00+01:00",
                hires__tecnico=index % 40,
            )
        )
    return cases


def test_eligible_case_cites_every_rule_that_applied(engine: Engine, application: Any) -> None:
    decision = engine.evaluate(application())
    assert decision.outcome == "eligible"
    assert decision.reasons == []
    assert decision.lookups["region"]["name"] == "Campania"
    assert decision.lookups["region"]["mezzogiorno"] is True
    assert decision.finding("ASS-FINESTRA").status == "met"
    assert decision.finding("ASS-FINESTRA").basis.startswith("Avviso CapCoe")
    assert decision.finding("AMM-FIRMATARIO-DELEGA").status == "not_applicable"
    assert decision.derived["eu_share"] == Decimal("441000.00")
    assert decision.derived["national_share"] == Decimal("459000.00")
    assert decision.ruleset.name == "capcoe" and decision.ruleset.content_hash.startswith("sha256:")


def test_ineligible_case_says_why_with_the_values_read(engine: Engine, application: Any) -> None:
    decision = engine.evaluate(application(applicant__istat_code="066049"))  # L'Aquila, Abruzzo
    assert decision.outcome == "not_eligible"
    assert "ASS-REGIONI" in decision.reasons
    finding = decision.finding("ASS-REGIONI")
    assert finding.values["application.applicant.region_code"] == "13"
    assert finding.message is not None and "Abruzzo" in finding.message.it


def test_json_output_is_deterministic(engine: Engine, application: Any) -> None:
    first = engine.evaluate(application()).to_json()
    assert all(engine.evaluate(application()).to_json() == first for _ in range(5))
    other = Engine.from_path(RULES)
    assert other.evaluate(application()).to_json() == first


def test_decision_as_of_the_case_date_unless_given(engine: Engine, application: Any) -> None:
    assert engine.evaluate(application()).as_of == dt.date(2023, 12, 4)
    assert engine.evaluate(application(), as_of=dt.date(2024, 2, 1)).as_of == dt.date(2024, 2, 1)


def test_date_outside_the_rule_set_is_a_case_error(engine: Engine, application: Any) -> None:
    with pytest.raises(CaseError, match="outside the period"):
        engine.evaluate(application(), as_of=dt.date(2031, 1, 1))


def test_bad_case_is_refused_with_the_field_path(engine: Engine, application: Any) -> None:
    with pytest.raises(CaseError) as caught:
        engine.evaluate(application(applicant__istat_code="999999", amount_requested="-5"))
    paths = {problem.path for problem in caught.value.problems}
    assert paths == {"applicant.istat_code", "amount_requested"}
    assert "999999" in str(caught.value)


def test_engine_matches_the_reference_evaluator(engine: Engine) -> None:
    reference = ReferenceEvaluator(engine.ruleset)
    for case in varied_cases(200):
        assert engine.evaluate(case).to_json() == reference.evaluate(case).to_json()


def test_no_fact_is_left_in_the_session(engine: Engine) -> None:
    for case in varied_cases(50):
        engine.evaluate(case)
    assert engine.facts_left() == 0


def test_two_rule_set_versions_side_by_side(tmp_path: Path, application: Any) -> None:
    changed = tmp_path / "rules"
    shutil.copytree(RULES, changed)
    parameters = changed / "programma" / "parametri.yaml"
    parameters.write_text(
        parameters.read_text("utf-8").replace("value: 2024-01-30T12:00:00+01:00", "value: 2024-03-29T12:00:00+01:00"),
        "utf-8",
    )
    old, new = Engine.from_path(RULES), Engine.from_path(changed)
    late = application(submitted_at="2024-02-15T09:00:00+01:00")
    for _ in range(3):  # interleaved: neither engine disturbs the other
        assert old.evaluate(late).outcome == "not_eligible"
        assert new.evaluate(late).outcome == "eligible"
    assert old.ruleset.content_hash != new.ruleset.content_hash


def test_pickled_engine_rebuilds_the_same_rule_set(engine: Engine, application: Any) -> None:
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.ruleset.content_hash == engine.ruleset.content_hash
    assert clone.evaluate(application()).to_json() == engine.evaluate(application()).to_json()


def test_threads_give_the_serial_decisions(engine: Engine) -> None:
    cases = varied_cases(1000)
    serial = [engine.evaluate(case).to_json() for case in cases]

    def run_all(_: int) -> list[str]:
        return [engine.evaluate(case).to_json() for case in cases]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run_all, range(8)))
    assert all(result == serial for result in results)


def _evaluate_in_worker(engine: Engine, cases: list[dict[str, Any]]) -> list[str]:
    return [engine.evaluate(case).to_json() for case in cases]


def test_worker_processes_give_the_serial_decisions(engine: Engine) -> None:
    cases = varied_cases(1000)
    serial = [engine.evaluate(case).to_json() for case in cases]
    chunks = [cases[start : start + 250] for start in range(0, len(cases), 250)]
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_evaluate_in_worker, [engine] * len(chunks), chunks))
    assert [item for chunk in results for item in chunk] == serial


def test_memory_stays_flat(engine: Engine) -> None:
    cases = varied_cases(200)
    for case in cases:  # warm caches and allocator pools first
        engine.evaluate(case)
    before = _resident_bytes()
    for _ in range(15):
        for case in cases:
            engine.evaluate(case)
    growth = _resident_bytes() - before
    assert growth < 5_000_000, f"resident memory grew by {growth / 1e6:.1f} MB over 3,000 cases"


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096


def test_engine_uses_the_pinned_durable_rules_c_api() -> None:
    # The engine drives durable_rules' C module directly: fail loudly if an upgrade moves it.
    for name in (
        "create_ruleset", "delete_ruleset", "assert_fact", "retract_fact",
        "start_action_for_state", "complete_and_start_action", "get_facts",
    ):
        assert callable(getattr(durable_rules_engine, name)), name


def test_engine_starts_no_threads(application: Any) -> None:
    before = threading.active_count()
    Engine.from_path(RULES).evaluate(application())
    assert threading.active_count() == before


def test_case_that_fires_no_production_is_decided(tmp_path: Path, application: Any) -> None:
    # durable_rules answers "not handled" when nothing matches: a clean case, not an error,
    # and the session must stay usable (no delete_state, which would crash the process).
    rules = write_ruleset(tmp_path / "rs", {"r.yaml": """\
        case: application
        rules:
          - {id: R-1, title: {it: x}, basis: y, provenance: source, require: application.hires.total >= 0}
        """})
    engine = Engine.from_path(rules)
    for _ in range(3):
        decision = engine.evaluate(application())
        assert decision.outcome == "eligible" and decision.finding("R-1").status == "met"
    assert engine.evaluate(application(hires={})).outcome == "eligible"
    assert engine.facts_left() == 0


def test_decisions_validate_back_to_themselves(engine: Engine) -> None:
    # Decisions are built without validation for speed: prove they are valid models, of
    # their rule set's typed model and of the generic one.
    from capcoe_rules.models.decision import Decision

    for case in varied_cases(40):
        decision = engine.evaluate(case)
        assert type(decision).model_validate(decision.model_dump()) == decision
        assert Decision.model_validate_json(decision.to_json()).to_json() == decision.to_json()
