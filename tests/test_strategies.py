"""The testing kit's hypothesis strategies (``capcoe_rules.testing.strategies``).

Valid applications are accepted by the model and decided by the engine without error, go
where they are steered, and together reach every rule both ways; every kind of invalid
application is refused with a ``CaseError`` that names the broken field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from capcoe_rules import Application, CaseError, Decision, Engine, ReferenceEvaluator
from capcoe_rules.language import load_ruleset
from capcoe_rules.territory import resolve
from capcoe_rules.testing.strategies import (
    AREAS,
    BODY_TYPES,
    BUNDLED,
    InvalidCase,
    RuleSetFacts,
    applications,
    boundary_applications,
    broken_dates,
    inconsistent_applicants,
    invalid_applications,
    istat_codes,
    negative_amounts,
    out_of_period_dates,
    out_of_range_values,
    region_codes,
    unknown_codes,
    unknown_fields,
    wrong_types,
)

ROME = ZoneInfo("Europe/Rome")
FACTS = RuleSetFacts.from_ruleset(load_ruleset(RULES))
CATEGORIES = sorted(FACTS.categories)

VALID_EXAMPLES = 2000
"""Generated valid applications decided by the main test; the steering and boundary
tests below decide about 1,500 more."""
STEERED_EXAMPLES = 40
BOUNDARY_EXAMPLES = 150
INVALID_EXAMPLES = 150

SLOW_IS_FINE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decide(engine: Engine, case: Any) -> Decision:
    decision = engine.evaluate(case)
    assert isinstance(decision, Decision)
    return decision


def instant(case: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(case["submitted_at"]).replace("Z", "+00:00"))


def posts(case: dict[str, Any]) -> int:
    return sum(case.get("hires", {}).values())


def test_bundled_facts_are_those_of_the_bundled_rule_set() -> None:
    # BUNDLED is read from the bundled rule files, not kept by hand.
    assert FACTS == BUNDLED
    assert BUNDLED.region_categories["19"] == "meno_sviluppata"
    assert BUNDLED.hiring_window_edges[0] == dt.datetime.fromisoformat("2023-11-30T12:00:00+01:00")


def test_generated_applications_are_decided_and_reach_every_rule_outcome(
    engine: Engine,
) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    rules = list(engine.ruleset.cases["application"].rules)

    @settings(SLOW_IS_FINE, max_examples=VALID_EXAMPLES, derandomize=True, database=None)
    @given(applications(facts=FACTS))
    def decided_without_error(case: dict[str, Any]) -> None:
        assert json.loads(json.dumps(case)) == case  # JSON-ready, as a portal sends it
        model = Application.model_validate(case)
        decision = decide(engine, case)
        assert decision.case_id == case["id"] == model.id
        assert decision.as_of == instant(case).astimezone(ROME).date()
        assert [finding.rule_id for finding in decision.findings] == [rule.id for rule in rules]
        assert (decision.outcome == "eligible") == (decision.reasons == [])
        for finding in decision.findings:
            seen[finding.rule_id].add(finding.status)

    decided_without_error()
    missing = {
        rule.id: sorted(wanted - seen[rule.id])
        for rule in rules
        for wanted in [{"computed"} if rule.kind == "derivation" else {"met", "not_met"}]
        if not wanted <= seen[rule.id]
    }
    assert not missing, f"rule outcomes no generated application reached: {missing}"


@pytest.mark.parametrize("category", CATEGORIES)
@settings(SLOW_IS_FINE, max_examples=STEERED_EXAMPLES)
@given(data=st.data())
def test_region_category_steers_the_region(engine: Engine, category: str, data: Any) -> None:
    case = data.draw(applications(region_category=category, facts=FACTS))
    decision = decide(engine, case)
    assert decision.lookups["region"]["category"] == category
    code = case["applicant"].get("istat_code")
    assert (code is None) == (category == "nazionale")


@pytest.mark.parametrize("body_type", BODY_TYPES)
@settings(SLOW_IS_FINE, max_examples=STEERED_EXAMPLES)
@given(data=st.data())
def test_body_type_steers_the_applicant(engine: Engine, body_type: str, data: Any) -> None:
    case = data.draw(applications(body_type=body_type, facts=FACTS))
    assert case["applicant"]["body_type"] == body_type
    decision = decide(engine, case)
    assert decision.lookups["body"]["body_type"] == body_type
    code = case["applicant"].get("istat_code")
    assert (code is None) == (body_type == "amministrazione_centrale")
    if code is not None:
        assert resolve(code).region_code == decision.lookups["region"]["code"]


@pytest.mark.parametrize("area", AREAS)
@settings(SLOW_IS_FINE, max_examples=STEERED_EXAMPLES)
@given(data=st.data())
def test_area_steers_the_request(engine: Engine, area: str, data: Any) -> None:
    case = data.draw(applications(area=area, facts=FACTS))
    assert case["area"] == area
    assert decide(engine, case).lookups["area"]["area"] == area


@settings(SLOW_IS_FINE, max_examples=BOUNDARY_EXAMPLES)
@given(applications(near_window_boundary=True, facts=FACTS))
def test_near_window_boundary_lands_within_seconds_of_an_edge(
    engine: Engine, case: dict[str, Any]
) -> None:
    distance = min(abs(instant(case) - edge) for edge in FACTS.hiring_window_edges)
    assert distance <= dt.timedelta(seconds=5)
    assert case["area"] == "assunzioni"
    assert decide(engine, case).finding("ASS-FINESTRA").status in ("met", "not_met")


@settings(SLOW_IS_FINE, max_examples=BOUNDARY_EXAMPLES)
@given(applications(near_parameter_change=True, facts=FACTS))
def test_near_parameter_change_lands_around_midnight_in_rome(
    engine: Engine, case: dict[str, Any]
) -> None:
    midnights = [
        dt.datetime.combine(day, dt.time(), tzinfo=ROME) for day in FACTS.parameter_changes
    ]
    assert min(abs(instant(case) - midnight) for midnight in midnights) <= dt.timedelta(seconds=5)
    decide(engine, case)


@settings(SLOW_IS_FINE, max_examples=BOUNDARY_EXAMPLES)
@given(applications(near_hiring_cap=True, facts=FACTS))
def test_near_hiring_cap_asks_for_the_cap_give_or_take_one(
    engine: Engine, case: dict[str, Any]
) -> None:
    cap = FACTS.hires_per_application[case["applicant"]["body_type"]]
    assert abs(posts(case) - cap) <= 1
    assert abs(case["needs_analysis"]["declared_need_posts"] - posts(case)) <= 1
    assert decide(engine, case).finding("ASS-TETTO-DOMANDA").status in ("met", "not_met")


@settings(SLOW_IS_FINE, max_examples=BOUNDARY_EXAMPLES)
@given(applications(near_amount_maximum=True, facts=FACTS))
def test_near_amount_maximum_is_within_three_cents(engine: Engine, case: dict[str, Any]) -> None:
    maximum = FACTS.area_maxima[case["area"]]
    assert abs(Decimal(str(case["amount_requested"])) - maximum) <= Decimal("0.03")
    # A service (maximum 0, no grant) is judged by the rule that it asks for no money.
    rule = "FIN-IMPORTO-MASSIMO" if maximum else "FIN-SERVIZIO-NESSUN-IMPORTO"
    assert decide(engine, case).finding(rule).status in ("met", "not_met")


@settings(SLOW_IS_FINE, max_examples=BOUNDARY_EXAMPLES)
@given(boundary_applications(facts=FACTS))
def test_boundary_applications_are_decided(engine: Engine, case: dict[str, Any]) -> None:
    decide(engine, case)


@pytest.mark.parametrize("category", [c for c in CATEGORIES if c != "nazionale"])
@settings(max_examples=100)
@given(data=st.data())
def test_istat_codes_resolve_into_their_category(category: str, data: Any) -> None:
    code = data.draw(istat_codes(category, facts=FACTS))
    assert FACTS.region_categories[resolve(code).region_code] == category
    region = data.draw(region_codes(category, facts=FACTS))
    assert FACTS.region_categories[region] == category


@pytest.mark.parametrize(
    "steer",
    [
        {"region_category": "nazionale", "body_type": "comune"},
        {"region_category": "meno_sviluppata", "body_type": "amministrazione_centrale"},
        {"region_category": "sviluppatissima"},
        {"body_type": "ministero"},
        {"area": "turismo"},
    ],
)
def test_contradictory_or_unknown_steering_is_refused_at_once(steer: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        applications(facts=FACTS, **steer)


def test_a_boundary_the_rule_set_lacks_is_refused() -> None:
    bare = RuleSetFacts(
        in_force_from=FACTS.in_force_from,
        in_force_to=FACTS.in_force_to,
        region_categories=FACTS.region_categories,
    )
    with pytest.raises(InvalidArgument, match="hiring window"):
        applications(near_window_boundary=True, facts=bare)


# Invalid applications ------------------------------------------------------------------

INVALID: dict[str, Callable[..., st.SearchStrategy[InvalidCase]]] = {
    "wrong_types": wrong_types,
    "unknown_codes": unknown_codes,
    "unknown_fields": unknown_fields,
    "negative_amounts": negative_amounts,
    "out_of_range_values": out_of_range_values,
    "broken_dates": broken_dates,
    "out_of_period_dates": out_of_period_dates,
    "inconsistent_applicants": inconsistent_applicants,
    "invalid_applications": invalid_applications,
}


@pytest.fixture(scope="module")
def reference(engine: Engine) -> ReferenceEvaluator:
    return ReferenceEvaluator(engine.ruleset)


@pytest.mark.parametrize("kind", INVALID)
@settings(SLOW_IS_FINE, max_examples=INVALID_EXAMPLES)
@given(data=st.data())
def test_invalid_applications_are_refused_naming_the_field(
    engine: Engine, reference: ReferenceEvaluator, kind: str, data: Any
) -> None:
    invalid = data.draw(INVALID[kind](facts=FACTS))
    with pytest.raises(CaseError) as refused:
        engine.evaluate(invalid.case)
    error = refused.value
    assert invalid.named_by(error), f"{invalid.description}; refused with: {error}"
    assert all(problem.message.strip() for problem in error.problems)
    with pytest.raises(CaseError) as also_refused:
        reference.evaluate(invalid.case)
    assert also_refused.value.problems == error.problems


@settings(SLOW_IS_FINE, max_examples=INVALID_EXAMPLES)
@given(unknown_codes(facts=FACTS))
def test_an_unknown_istat_code_is_quoted_in_the_refusal(engine: Engine, invalid: Any) -> None:
    with pytest.raises(CaseError) as refused:
        engine.evaluate(invalid.case)
    if invalid.field == "applicant.istat_code":
        code = invalid.case["applicant"]["istat_code"]
        for problem in refused.value.problems:
            if problem.path == "applicant":  # the check that resolves the code
                assert repr(code) in problem.message


@pytest.mark.parametrize("submitted_at", ["9999-12-31T23:30:00+00:00", "0001-01-01T00:30:00+14:00"])
def test_a_submission_at_the_end_of_the_calendar_is_refused(
    engine: Engine, submitted_at: str
) -> None:
    case = {
        "id": "CAL-1",
        "applicant": {"name": "Comune di Napoli", "body_type": "comune", "istat_code": "063049"},
        "submitter": {"role": "sindaco", "name": "Sindaco"},
        "submitted_at": submitted_at,
        "area": "formazione",
        "amount_requested": "1000.00",
        "needs_analysis": {"present": True},
    }
    with pytest.raises(CaseError):
        engine.evaluate(case)
