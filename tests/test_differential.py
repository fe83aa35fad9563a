"""Differential test: the durable_rules engine decides as the plain-Python reference does.

``ReferenceEvaluator`` is the specification: it evaluates each checked rule directly,
while ``Engine`` compiles every rule into durable_rules productions (negation pushed down
into complemented comparisons, arithmetic rewritten against a zero field...). Both share
everything else, so any difference between their decisions is a compilation or matching
bug. The cases come from the testing kit's strategies, half of them steered onto the rule
set's boundaries (window edges to the microsecond, caps give or take one post, maxima give
or take a cent), where a wrong complement shows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capcoe_rules import Engine, ReferenceEvaluator
from capcoe_rules.errors import CaseError, EvaluationError
from capcoe_rules.language import load_ruleset
from capcoe_rules.testing.strategies import RuleSetFacts, applications, boundary_applications

FACTS = RuleSetFacts.from_ruleset(load_ruleset(RULES))

DIFFERENTIAL_EXAMPLES = 2000
"""Sized for CI (about 10 s): enough to find a complement or a membership test compiled
wrong, which shows on the boundaries the strategy steers to."""

CASES = st.one_of(applications(facts=FACTS), boundary_applications(facts=FACTS))
AS_OF = st.one_of(
    st.none(),
    st.none(),
    st.dates(FACTS.in_force_from, FACTS.in_force_to),
    st.sampled_from(FACTS.parameter_changes).flatmap(
        lambda day: st.sampled_from([day - dt.timedelta(days=1), day])
    ),
)


@pytest.fixture(scope="module")
def reference(engine: Engine) -> ReferenceEvaluator:
    return ReferenceEvaluator(engine.ruleset)


def outcome(evaluator: Engine | ReferenceEvaluator, case: Any, as_of: dt.date | None) -> Any:
    """The decision as plain JSON data, or the refusal or error raised instead."""
    try:
        return json.loads(evaluator.evaluate(case, as_of=as_of).to_json())
    except (CaseError, EvaluationError) as error:
        return {"raised": type(error).__name__, "message": str(error)}


def disagreements(engine_said: Any, reference_said: Any) -> list[str]:
    """Where the two decisions differ, rule by rule, in a form a reader can act on."""
    if "raised" in engine_said or "raised" in reference_said:
        return [
            f"engine: {engine_said.get('raised', 'decided')} {engine_said.get('message', '')}"
            f" / reference: {reference_said.get('raised', 'decided')} "
            f"{reference_said.get('message', '')}"
        ]
    found = [
        f"{key}: engine {engine_said[key]!r}, reference {reference_said[key]!r}"
        for key in engine_said
        if key != "findings" and engine_said[key] != reference_said.get(key)
    ]
    reference_findings = {item["rule_id"]: item for item in reference_said["findings"]}
    for finding in engine_said["findings"]:
        expected = reference_findings.get(finding["rule_id"])
        if finding != expected:
            status = None if expected is None else expected["status"]
            found.append(
                f"{finding['rule_id']}: engine {finding['status']}, reference {status} "
                f"(values read: {finding['values']})"
            )
    return found


@settings(
    max_examples=DIFFERENTIAL_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=CASES, as_of=AS_OF)
def test_engine_decides_as_the_reference(
    engine: Engine, reference: ReferenceEvaluator, case: dict[str, Any], as_of: dt.date | None
) -> None:
    engine_said = outcome(engine, case, as_of)
    reference_said = outcome(reference, case, as_of)
    differences = disagreements(engine_said, reference_said)
    assert not differences, "engine and reference disagree:\n  " + "\n  ".join(differences)
    assert engine_said == reference_said  # byte for byte: nothing the list above missed
