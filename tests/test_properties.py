"""Laws the engine guarantees, checked with hypothesis through the public API only.

- Decisions are pure: the same case gives the same JSON bytes, twice, from a fresh engine,
  from a pickled one, whether it comes as a mapping, JSON text or a model, whatever time
  zone its timestamp is written in and however its amount is spelt.
- Decisions ignore what no rule reads: names, references, the case id (apart from
  ``decision.case_id``).
- Caps are monotone: asking for more posts, or for more money, never removes a reason for
  refusal, so it never turns an ineligible application eligible; declaring a larger need
  never adds one.
- A decision agrees with itself: outcome and reasons, warnings, the financing split.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from decimal import Decimal
from typing import Any

import pytest
from conftest import RULES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capcoe_rules import Application, Decision, Engine
from capcoe_rules.language import load_ruleset
from capcoe_rules.testing.strategies import (
    PROFILES,
    RuleSetFacts,
    applications,
    boundary_applications,
)

FACTS = RuleSetFacts.from_ruleset(load_ruleset(RULES))
CASES = st.one_of(applications(facts=FACTS), boundary_applications(facts=FACTS))
HIRING = st.one_of(
    applications(area="assunzioni", facts=FACTS),
    # Most hiring applications from the less developed regions are eligible or nearly.
    applications(area="assunzioni", region_category="meno_sviluppata", facts=FACTS),
    applications(near_hiring_cap=True, region_category="meno_sviluppata", facts=FACTS),
)
LAW = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

IGNORED_FIELDS = (
    ("applicant", "name"),
    ("submitter", "name"),
    ("needs_analysis", "reference"),
    ("id",),
)
"""Fields of an application that no rule reads nor shows (checked below, not assumed)."""


@pytest.fixture(scope="module")
def fresh_engine() -> Engine:
    return Engine.from_path(RULES)


@pytest.fixture(scope="module")
def pickled_engine(engine: Engine) -> Engine:
    clone = pickle.loads(pickle.dumps(engine))
    assert isinstance(clone, Engine)
    return clone


def decide(engine: Engine, case: Any) -> Decision:
    decision = engine.evaluate(case)
    assert isinstance(decision, Decision)
    return decision


def changed(case: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    other = copy.deepcopy(case)
    target = other
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return other


def statuses(decision: Decision) -> dict[str, str]:
    return {finding.rule_id: finding.status for finding in decision.findings}


# Purity ----------------------------------------------------------------------------------


@LAW
@given(case=CASES)
def test_same_case_same_bytes_from_any_engine_and_any_form(
    engine: Engine, fresh_engine: Engine, pickled_engine: Engine, case: dict[str, Any]
) -> None:
    first = decide(engine, case).to_json()
    assert decide(engine, case).to_json() == first
    assert decide(fresh_engine, case).to_json() == first
    assert decide(pickled_engine, case).to_json() == first
    assert decide(engine, json.dumps(case)).to_json() == first
    assert decide(engine, Application.model_validate(case)).to_json() == first


@LAW
@given(case=CASES, offset_minutes=st.integers(-(24 * 60 - 1), 24 * 60 - 1))
def test_the_time_zone_a_timestamp_is_written_in_changes_nothing(
    engine: Engine, case: dict[str, Any], offset_minutes: int
) -> None:
    moment = dt.datetime.fromisoformat(str(case["submitted_at"]).replace("Z", "+00:00"))
    elsewhere = moment.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))
    other = changed(case, ("submitted_at",), elsewhere.isoformat())
    assert decide(engine, other).to_json() == decide(engine, case).to_json()


@LAW
@given(case=CASES)
def test_the_spelling_of_an_amount_changes_nothing(engine: Engine, case: dict[str, Any]) -> None:
    euros = Decimal(str(case["amount_requested"]))
    spellings: list[Any] = [f"{euros:.2f}", float(euros), format(euros.normalize(), "f")]
    if euros == euros.to_integral_value():
        spellings += [int(euros), str(int(euros))]
    first = decide(engine, case).to_json()
    for spelling in spellings:
        other = changed(case, ("amount_requested",), spelling)
        assert decide(engine, other).to_json() == first, spelling


# What no rule reads ----------------------------------------------------------------------


def test_no_rule_reads_the_fields_the_next_law_changes(engine: Engine) -> None:
    used = {
        ref.path[1:]
        for rule in engine.ruleset.cases["application"].rules
        for ref in (*rule.reads, *rule.shows)
        if ref.path[0] == "application"
    }
    assert not used & set(IGNORED_FIELDS)


@LAW
@given(
    case=CASES,
    field=st.sampled_from(IGNORED_FIELDS),
    text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
)
def test_fields_no_rule_reads_change_nothing_but_the_case_id(
    engine: Engine, case: dict[str, Any], field: tuple[str, ...], text: str
) -> None:
    before = json.loads(decide(engine, case).to_json())
    after = json.loads(decide(engine, changed(case, field, text)).to_json())
    assert after.pop("case_id") == (text if field == ("id",) else case["id"])
    before.pop("case_id")
    assert after == before


@LAW
@given(case=CASES, reference=st.text(min_size=1, max_size=20))
def test_which_delegation_is_cited_does_not_matter_only_whether_one_is(
    engine: Engine, case: dict[str, Any], reference: str
) -> None:
    assume(case["submitter"].get("delegation_reference") is not None)
    before = decide(engine, case)
    after = decide(engine, changed(case, ("submitter", "delegation_reference"), reference))
    assert (after.outcome, after.reasons, after.warnings) == (
        before.outcome,
        before.reasons,
        before.warnings,
    )
    assert statuses(after) == statuses(before)


# Monotone caps ---------------------------------------------------------------------------


@LAW
@given(case=HIRING, profile=st.sampled_from(PROFILES), more=st.integers(1, 60))
def test_more_posts_never_remove_a_reason_for_refusal(
    engine: Engine, case: dict[str, Any], profile: str, more: int
) -> None:
    hires = case.get("hires", {})
    assume(sum(hires.values()) >= 1)  # from 0 posts, one more post meets ASS-POSTI-RICHIESTI
    bigger = changed(case, ("hires",), {**hires, profile: hires.get(profile, 0) + more})
    before, after = decide(engine, case), decide(engine, bigger)
    assert set(before.reasons) <= set(after.reasons)
    assert after.outcome == "not_eligible" or before.outcome == "eligible"


@LAW
@given(case=HIRING, more=st.integers(1, 100))
def test_a_larger_declared_need_never_adds_a_reason_for_refusal(
    engine: Engine, case: dict[str, Any], more: int
) -> None:
    need = case["needs_analysis"]["declared_need_posts"]
    larger = changed(case, ("needs_analysis", "declared_need_posts"), need + more)
    assert set(decide(engine, larger).reasons) <= set(decide(engine, case).reasons)


@LAW
@given(case=CASES, cents=st.integers(1, 10**10))
def test_asking_for_more_money_never_removes_a_reason_for_refusal(
    engine: Engine, case: dict[str, Any], cents: int
) -> None:
    euros = Decimal(str(case["amount_requested"]))
    assume(euros > 0)
    more = min(euros + Decimal(cents) / 100, Decimal("9999999999999.99"))
    before = decide(engine, case)
    after = decide(engine, changed(case, ("amount_requested",), f"{more:.2f}"))
    assert set(before.reasons) <= set(after.reasons)
    assert after.outcome == "not_eligible" or before.outcome == "eligible"


# Self-consistency ------------------------------------------------------------------------


@LAW
@given(case=CASES)
def test_a_decision_agrees_with_itself(engine: Engine, case: dict[str, Any]) -> None:
    decision = decide(engine, case)
    blocking = [
        f.rule_id for f in decision.findings if f.status == "not_met" and f.severity == "blocking"
    ]
    warned = [
        f.rule_id for f in decision.findings if f.status == "not_met" and f.severity == "warning"
    ]
    assert decision.reasons == blocking and decision.warnings == warned
    assert decision.outcome == ("not_eligible" if blocking else "eligible")
    for finding in decision.findings:
        assert (finding.message is not None) == (finding.status == "not_met"), finding.rule_id
    derived = decision.derived
    requested = Decimal(str(case["amount_requested"]))
    maximum = Decimal(str(decision.lookups["area"]["max_amount"]))
    assert derived["financeable_amount"] == min(requested, maximum)
    assert derived["eu_share"] + derived["national_share"] == derived["financeable_amount"]
    assert 0 <= derived["eu_share"] <= derived["financeable_amount"]
