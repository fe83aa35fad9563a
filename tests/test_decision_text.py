"""Decisions written straight to JSON, and compact decisions that regenerate the full ones.

``Engine.evaluate_json`` writes a decision's JSON without building it: it must give, byte
for byte, ``evaluate(case).to_json()`` (the decision's bytes are the project's contract).
The compact decision must be ``CompactDecision.of`` the full one, read back to the same
bytes, and ``Engine.expand`` must give the full decision back from it and its case.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic_core
import pytest
from conftest import FIXTURES, RULES, make_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.cli import app
from capcoe_rules.engine.decision_json import value_json
from capcoe_rules.errors import CaseError, DecisionMismatchError, EvaluationError
from capcoe_rules.language import load_ruleset, load_sources
from capcoe_rules.models.compact import CompactDecision
from capcoe_rules.models.decision import Decision
from capcoe_rules.population import national_population
from capcoe_rules.population.national_round import national_round_applications
from capcoe_rules.schemas import json_schema
from capcoe_rules.testing.runner import discover
from capcoe_rules.testing.strategies import (
    GeneratedRuleSet,
    RuleSetFacts,
    applications,
    boundary_applications,
    boundary_cases,
    rulesets,
)
from capcoe_rules.testing.strategies.rulesets import numbers_of

FACTS = RuleSetFacts.from_ruleset(load_ruleset(RULES))
CASES = st.one_of(applications(facts=FACTS), boundary_applications(facts=FACTS))
runner = CliRunner()
PAYMENT_FIXTURE = "comune-catania-finale-respinto-recupero-meta-intermedi.yaml"


def examples() -> list[tuple[Any, dt.date | None]]:
    found = []
    for path in discover([FIXTURES]):
        try:
            example = read_case_file(path)
        except CaseError:
            continue
        found.append((example.case, example.as_of))
    return found


def decisions(engine: Engine, case: Any, as_of: dt.date | None) -> tuple[str, str] | None:
    """The decision's JSON both ways, or None for a case the engine refuses."""
    try:
        built = engine.evaluate(case, as_of=as_of).to_json()
    except (CaseError, EvaluationError):
        return None
    return built, engine.evaluate_json(case, as_of=as_of).json


def assert_compact_regenerates(engine: Engine, case: Any, as_of: dt.date | None) -> None:
    try:
        full = engine.evaluate(case, as_of=as_of)
    except (CaseError, EvaluationError):
        return
    if not isinstance(full, Decision):
        return
    compact = engine.evaluate_json(case, as_of=as_of, compact=True).json
    assert compact == CompactDecision.of(full).to_json()
    assert CompactDecision.model_validate_json(compact).to_json() == compact
    assert engine.expand(compact, case).to_json() == full.to_json()


def test_every_fixture_is_written_as_the_decision_writes_itself(engine: Engine) -> None:
    cases = examples()
    assert len(cases) > 90
    compared = [decisions(engine, case, as_of) for case, as_of in cases]
    pairs = [pair for pair in compared if pair is not None]
    assert len(pairs) > 90  # payment claims included: they take the object path
    for built, written in pairs:
        assert written == built


def test_the_national_population_and_round_are_written_byte_for_byte(engine: Engine) -> None:
    population = list(national_population())[::3]
    applicants = list(national_round_applications())[::7]
    for case in [*population, *applicants]:
        pair = decisions(engine, case, None)
        assert pair is not None
        assert pair[1] == pair[0], case["id"]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=CASES, as_of=st.one_of(st.none(), st.dates(FACTS.in_force_from, FACTS.in_force_to)))
def test_generated_cases_are_written_byte_for_byte(
    engine: Engine, case: dict[str, Any], as_of: dt.date | None
) -> None:
    pair = decisions(engine, case, as_of)
    if pair is not None:
        assert pair[1] == pair[0]
    assert_compact_regenerates(engine, case, as_of)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(generated=rulesets(), data=st.data())
def test_generated_rule_sets_are_written_byte_for_byte(
    generated: GeneratedRuleSet, data: st.DataObject
) -> None:
    """Rule sets over the whole expression language: every type of value a finding reads."""
    engine = Engine(load_sources(generated.sources))
    numbers = numbers_of(engine.ruleset)
    for _ in range(5):
        case = data.draw(boundary_cases(numbers))
        pair = decisions(engine, case, None)
        if pair is not None:
            assert pair[1] == pair[0]
        assert_compact_regenerates(engine, case, None)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(places=2, min_value=-(10**12), max_value=10**12),
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=127)),
    st.dates(),
    st.datetimes(timezones=st.timezones()),
    st.datetimes(),
)


@settings(max_examples=2000, deadline=None, database=None)
@given(value=st.one_of(SCALARS, st.lists(SCALARS, max_size=4)))
def test_a_value_is_written_as_pydantic_writes_it(value: Any) -> None:
    try:
        expected = pydantic_core.to_json(value).decode()
    except pydantic_core.PydanticSerializationError:
        with pytest.raises(pydantic_core.PydanticSerializationError):
            value_json(value)
        return
    assert value_json(value) == expected


def test_compact_decisions_are_small_and_regenerate_the_full_ones(engine: Engine) -> None:
    population = list(national_population())
    sizes = [len(engine.evaluate_json(case, compact=True).json.encode()) for case in population]
    assert sum(sizes) / len(sizes) <= 1500
    for case in population[::40]:
        assert_compact_regenerates(engine, case, None)
    for case, as_of in examples():
        assert_compact_regenerates(engine, case, as_of)


def test_expand_refuses_a_compact_decision_its_case_does_not_give(engine: Engine) -> None:
    case = make_application()
    compact = CompactDecision.model_validate_json(engine.evaluate_json(case, compact=True).json)
    other = make_application(id="T-0002")
    with pytest.raises(DecisionMismatchError, match="T-0002"):
        engine.expand(compact, other)
    changed = make_application(hires={"tecnico": 29})
    with pytest.raises(DecisionMismatchError, match="does not give this decision"):
        engine.expand(compact, changed)
    edited = compact.model_copy(update={"outcome": "not_eligible"})
    with pytest.raises(DecisionMismatchError, match="does not give this decision"):
        engine.expand(edited, case)
    foreign = compact.model_copy(
        update={"ruleset": compact.ruleset.model_copy(update={"content_hash": "sha256:0"})}
    )
    with pytest.raises(DecisionMismatchError, match="taken with rule set sha256:0,"):
        engine.expand(foreign, case)


def test_batch_writes_compact_decisions_unless_explain_and_expand_restores_them(
    tmp_path: Path, engine: Engine
) -> None:
    claim = read_case_file(FIXTURES / "payments" / PAYMENT_FIXTURE).case
    cases = [*list(national_population())[::500], claim]  # a claim: no compact shape
    lines = [json.dumps(case, default=lambda value: value.isoformat()) for case in cases]
    lines.insert(3, "{not json")  # a bad record: no decision, and expand keeps in step
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in lines), "utf-8")
    compact, full, expanded = (tmp_path / f"{name}.jsonl" for name in ("c", "f", "e"))
    rules = ["--rules", str(RULES)]

    assert runner.invoke(app, ["batch", str(source), "-o", str(compact), *rules]).exit_code == 1
    explained = runner.invoke(app, ["batch", str(source), "-o", str(full), "--explain", *rules])
    assert explained.exit_code == 1
    result = runner.invoke(
        app, ["expand", str(compact), "--cases", str(source), "-o", str(expanded), *rules]
    )

    assert result.exit_code == 0, result.output
    applications = [engine.evaluate(case) for case in cases[:-1]]
    assert compact.read_text("utf-8").splitlines() == [
        *(CompactDecision.of(decision).to_json() for decision in applications),  # type: ignore[arg-type]
        engine.evaluate(claim).to_json(),
    ]
    assert full.read_text("utf-8").splitlines() == [engine.evaluate(c).to_json() for c in cases]
    assert expanded.read_bytes() == full.read_bytes()


def test_expand_says_how_many_full_decisions_it_wrote(tmp_path: Path) -> None:
    cases = [make_application(), make_application(id="T-0002")]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(case) + "\n" for case in cases), "utf-8")
    compact, out = tmp_path / "c.jsonl", tmp_path / "e.jsonl"
    rules = ["--rules", str(RULES)]
    assert runner.invoke(app, ["batch", str(source), "-o", str(compact), *rules]).exit_code == 0

    result = runner.invoke(
        app, ["--lang", "en", "expand", str(compact), "--cases", str(source), "-o", str(out), *rules]
    )

    assert result.exit_code == 0, result.output
    assert "2 full decisions into" in " ".join(result.output.split())
    assert len(out.read_text("utf-8").splitlines()) == 2


def test_expand_says_which_decision_does_not_match_its_case(tmp_path: Path) -> None:
    cases = [make_application(), make_application(id="T-0002")]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(case) + "\n" for case in cases), "utf-8")
    compact = tmp_path / "c.jsonl"
    rules = ["--rules", str(RULES)]
    assert runner.invoke(app, ["batch", str(source), "-o", str(compact), *rules]).exit_code == 0
    first, second = compact.read_text("utf-8").splitlines()
    edited = json.loads(second)
    edited["derived"]["eu_share"] = str(Decimal(edited["derived"]["eu_share"]) + 1)
    compact.write_text(first + "\n" + json.dumps(edited) + "\n", "utf-8")
    out = tmp_path / "e.jsonl"

    arguments = ["expand", str(compact), "--cases", str(source), "-o", str(out)]
    result = runner.invoke(app, ["--lang", "en", *arguments])

    assert result.exit_code == 1
    assert "line 2" in result.output and "T-0002" in result.output
    assert "nothing was written" in result.output
    italian = runner.invoke(app, arguments)
    assert f"{compact}: riga 2: case 'T-0002'" in italian.output  # the engine's own words
    assert "non è stato scritto nulla" in italian.output
    assert not out.exists()


def test_compact_decisions_validate_against_their_schema_and_read_back_typed(
    engine: Engine,
) -> None:
    schema = json_schema("compact_decision", engine.decision_models)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    typed = engine.decision_models.compact
    for case in list(national_population())[::200]:
        text = engine.evaluate_json(case, compact=True).json
        assert list(validator.iter_errors(json.loads(text))) == []
        read = typed.model_validate_json(text)
        assert isinstance(read.derived["eu_share"], Decimal)
        assert read.to_json() == text
    wrong = json.loads(engine.evaluate_json(make_application(), compact=True).json)
    wrong["derived"]["eu_share"] = 441000  # money is written as text
    assert list(validator.iter_errors(wrong))


def test_values_equal_as_numbers_but_written_apart_keep_their_own_text(tmp_path: Path) -> None:
    """The writer keeps each message and derived value per value shown: 0.5 and 0.50 are
    one number but two texts (2 x 0.25 is 0.50), so one case's text must never be
    another's."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "prova.yaml").write_text(
        "case: application\n"
        "rules:\n"
        "  - id: PROVA-QUOTA\n"
        "    title: {it: Quota di prova}\n"
        "    basis: prova\n"
        "    provenance: assumption\n"
        "    derive: quota_prova\n"
        "    value: 0.5 if application.hires.tecnico == 1 else application.hires.tecnico * 0.25\n"
        "  - id: PROVA-AVVISO\n"
        "    title: {it: Avviso sulla quota}\n"
        "    basis: prova\n"
        "    provenance: assumption\n"
        "    severity: warning\n"
        "    require: derived.quota_prova > 2\n"
        "    message:\n"
        "      it: 'quota {derived.quota_prova}'\n"
        "      en: 'share {derived.quota_prova}'\n",
        encoding="utf-8",
    )
    engine = Engine.from_path(rules)
    for posts, written in ((1, "0.5"), (2, "0.50"), (1, "0.5"), (2, "0.50")):
        case = make_application(hires__tecnico=posts)
        compact = json.loads(engine.evaluate_json(case, compact=True).json)
        [warning] = [f for f in compact["findings"] if f["rule_id"] == "PROVA-AVVISO"]
        assert warning["message"] == {"it": f"quota {written}", "en": f"share {written}"}
        assert compact["derived"]["quota_prova"] == written
        assert_compact_regenerates(engine, case, None)
