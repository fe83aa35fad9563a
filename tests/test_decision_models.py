"""Decisions typed by their rule set: read back from JSON they are equal, their JSON as before."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, RULES, make_application, write_ruleset
from hypothesis import given, settings
from pydantic import ValidationError
from pydantic_core import SchemaSerializer

from capcoe_rules import Engine, ReferenceEvaluator
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.engine.decision_models import models_for
from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import CaseError
from capcoe_rules.models.decision import Decision, Finding
from capcoe_rules.testing.strategies import applications, payment_claims


def fixture_decisions(engine: Engine) -> list[tuple[Path, AnyDecision]]:
    decided = []
    for path in sorted(FIXTURES.rglob("*.yaml")):
        example = read_case_file(path)
        try:
            decided.append((path, engine.evaluate(example.case, as_of=example.as_of)))
        except CaseError:
            continue  # the examples of refused cases
    return decided


def test_every_fixture_decision_reads_back_equal(engine: Engine) -> None:
    decided = fixture_decisions(engine)
    assert len(decided) > 70
    kinds = set()
    for path, decision in decided:
        back = type(decision).model_validate_json(decision.to_json())
        assert back == decision, path
        assert back.to_json() == decision.to_json(), path
        assert engine.read_decision(decision.to_json()) == decision, path
        kinds.add(decision.case_type)
    assert kinds == {"application", "payment_claim"}


def test_typed_fields_write_the_same_bytes_as_the_generic_model(engine: Engine) -> None:
    # A typed decision writes through the generic model's serializer (for speed): the
    # serializer of its own typed schema must give the very same bytes.
    for path, decision in fixture_decisions(engine):
        typed = SchemaSerializer(type(decision).__pydantic_core_schema__)
        assert typed.to_json(decision).decode() == decision.to_json(), path


def test_values_come_back_with_their_rule_set_types(engine: Engine) -> None:
    decision = engine.evaluate(make_application())
    assert isinstance(decision, Decision)
    back = type(decision).model_validate_json(decision.to_json())
    assert isinstance(back.derived["eu_share"], Decimal)
    assert isinstance(back.derived["priority_score"], int | Decimal)
    assert isinstance(back.finding("ASS-FINESTRA").values["application.submitted_at"], dt.datetime)
    assert isinstance(back.lookups["region"]["mezzogiorno"], bool)
    generic = Decision.model_validate_json(decision.to_json())
    assert generic.derived["eu_share"] == "441000.00"  # what a generic model gives: text


def test_a_decision_of_another_rule_set_is_refused(tmp_path: Path, engine: Engine) -> None:
    other = Engine.from_path(
        write_ruleset(
            tmp_path / "rules",
            {
                "r.yaml": """\
                case: application
                rules:
                  - id: R-1
                    title: {it: Una regola}
                    basis: prova
                    provenance: assumption
                    derive: doubled
                    value: application.hires.tecnico * 2
                """
            },
        )
    )
    decision = other.evaluate(make_application())
    with pytest.raises(ValidationError):
        engine.read_decision(decision.to_json())
    assert other.read_decision(decision.to_json()) == decision


def test_engine_and_reference_decide_with_the_same_models(engine: Engine) -> None:
    reference = ReferenceEvaluator.from_path(RULES)
    case = make_application()
    assert type(reference.evaluate(case)) is type(engine.evaluate(case))
    assert reference.evaluate(case) == engine.evaluate(case)


def test_typed_decisions_pickle(engine: Engine) -> None:
    for _, decision in fixture_decisions(engine)[::10]:
        assert pickle.loads(pickle.dumps(decision)) == decision


@settings(max_examples=60, deadline=None)
@given(case=applications())
def test_generated_applications_read_back_equal(engine: Engine, case: dict[str, Any]) -> None:
    decision = engine.evaluate(case)
    assert type(decision).model_validate_json(decision.to_json()) == decision


@settings(max_examples=40, deadline=None)
@given(claim=payment_claims())
def test_generated_claims_read_back_equal(engine: Engine, claim: dict[str, Any]) -> None:
    decision = engine.evaluate(claim)
    assert type(decision).model_validate_json(decision.to_json()) == decision


def test_typed_models_are_built_only_when_a_decision_object_is(tmp_path: Path) -> None:
    # A pydantic model per rule costs about a millisecond each: a batch, which writes
    # decisions as JSON text, never pays for them; the first decision object does.
    rules = write_ruleset(
        tmp_path / "rs",
        {
            "r.yaml": """\
        case: application
        rules:
          - {id: R-LAZY, title: {it: x}, basis: y, provenance: source,
             require: application.hires.total >= 0}
        """
        },
    )
    engine = Engine.from_path(rules)
    content_hash = engine.ruleset.content_hash
    text = engine.evaluate_json(make_application()).json
    assert models_for(content_hash) is None
    decision = engine.evaluate(make_application())
    models = models_for(content_hash)
    assert models is not None and type(decision) is models.application
    assert decision.to_json() == text


def test_untyped_decisions_are_the_typed_ones_built_from_the_generic_models(
    engine: Engine,
) -> None:
    # What evaluate and explain show: the same JSON, findings and explanation, from the
    # generic models (no model per rule is built for them).
    untyped = Engine(engine.ruleset, typed_decisions=False)
    typed_decisions = fixture_decisions(engine)
    untyped_decisions = fixture_decisions(untyped)
    assert [path for path, _ in untyped_decisions] == [path for path, _ in typed_decisions]
    for (path, typed), (_, plain) in zip(typed_decisions, untyped_decisions, strict=True):
        assert type(plain).__name__ in ("Decision", "PaymentDecision"), path
        assert {type(finding) for finding in plain.findings} == {Finding}, path
        assert plain.to_json() == typed.to_json(), path
        assert plain.model_dump() == typed.model_dump(), path
        assert _shown(plain) == _shown(typed), path
    assert pickle.loads(pickle.dumps(untyped))._typed_decisions is False


def _shown(decision: AnyDecision) -> list[tuple[Any, dict[str, Any]]]:
    return [(step.place, step.finding.model_dump()) for step in decision.explanation().steps]


def test_an_untyped_engine_builds_no_typed_model(tmp_path: Path) -> None:
    rules = write_ruleset(
        tmp_path / "rs",
        {
            "r.yaml": """\
        case: application
        rules:
          - {id: R-PLAIN, title: {it: x}, basis: y, provenance: source,
             require: application.hires.total >= 0}
        """
        },
    )
    engine = Engine.from_path(rules, typed_decisions=False)
    decision = engine.evaluate(make_application())
    assert type(decision) is Decision
    assert models_for(engine.ruleset.content_hash) is None
    assert engine.read_decision(decision.to_json()) == Engine.from_path(rules).evaluate(
        make_application()
    )  # reading back still types it
def test_a_compact_decision_expands_to_the_full_one_and_refuses_another_case(
    engine: Engine,
) -> None:
    case = make_application()
    compact = engine.evaluate_json(case, compact=True).json
    full = engine.expand(compact, case)
    assert full.to_json() == engine.evaluate(case).to_json()
    from capcoe_rules.errors import DecisionMismatchError  # noqa: PLC0415

    with pytest.raises(DecisionMismatchError, match="does not give this decision"):
        engine.expand(compact, make_application(amount_requested="1.00"))
