"""Every way a case can be refused has its reason in Italian, not only in English."""

from __future__ import annotations

from typing import Any

from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capcoe_rules import CaseError, Engine
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.errors import FieldProblem
from capcoe_rules.testing.strategies import inconsistent_claims, invalid_applications
from capcoe_rules.translations import bilingual, italian


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken=st.one_of(invalid_applications(), inconsistent_claims()))
def test_every_refusal_of_a_generated_case_is_in_italian(engine: Engine, broken: Any) -> None:
    try:
        engine.evaluate(getattr(broken, "case", broken))
    except CaseError as error:
        for problem in error.problems:
            assert italian(problem) is not None, (problem.code, problem.message)


def test_every_refused_fixture_is_in_italian(engine: Engine) -> None:
    refused = 0
    for path in sorted(FIXTURES.rglob("*.yaml")):
        example = read_case_file(path)
        try:
            engine.evaluate(example.case, as_of=example.as_of)
        except CaseError as error:
            refused += 1
            for problem in error.problems:
                assert italian(problem) is not None, (path, problem.message)
    assert refused >= 10


def test_pydantic_context_and_the_projects_wording_are_carried_over() -> None:
    assert (
        italian(
            FieldProblem(
                "x", "Input should be less than or equal to 100", "less_than_equal", {"le": 100}
            )
        )
        == "deve essere minore o uguale a 100"
    )
    literal = FieldProblem(
        "area", "Input should be 'a' or 'b'", "literal_error", {"expected": "'a' or 'b'"}
    )
    assert italian(literal) == "deve essere uno tra 'a' o 'b'"
    territory = FieldProblem(
        "applicant", "'999999' is not an ISTAT comune (6 digits), province (3) or region (2) code"
    )
    assert (
        italian(territory)
        == "'999999' non è un codice ISTAT di comune (6 cifre), provincia (3) o regione (2)"
    )


def test_an_unknown_reason_keeps_its_english_behind_an_italian_lead_in() -> None:
    problem = FieldProblem("x", "something new went wrong")
    assert italian(problem) is None
    assert bilingual(problem) == {
        "path": "x",
        "it": "non valido: something new went wrong",
        "en": "something new went wrong",
    }
