"""Rule edits a new policy officer would make, each in a copy of the bundled rules.

Every one either is refused by ``check`` with a code and a position, or is decided by the
durable_rules engine exactly as by the reference, on every fixture. Each runs in a process
of its own (tests/probe_rules.py) with a timeout, so that a crash or a hang of durable_rules'
C code fails the test instead of the suite.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from conftest import RULES, make_application

from capcoe_rules import Engine, ReferenceEvaluator

PROBE = Path(__file__).resolve().parent / "probe_rules.py"
APPLICATION_FIXTURES = 50
"""At least this many fixtures are decided (not refused) by a rule set that adds a rule."""


def rule(identifier: str, **fields: str) -> str:
    """One requirement in YAML, with its citation."""
    lines = [
        f"  - id: {identifier}",
        "    title: {it: Regola di prova, en: Test rule}",
        "    basis: Prova",
        "    provenance: assumption",
    ]
    lines += [f"    {key}: {json.dumps(value)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def probe(tmp_path: Path, files: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    """A copy of rules/ plus ``files``, checked and decided in a subprocess."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    for name, text in files.items():
        (rules / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(PROBE), str(rules)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"the probe died ({done.returncode}): {done.stderr[-2000:]}"
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def assert_decided_as_reference(report: dict[str, Any]) -> None:
    assert "refused" not in report, report["refused"][:3]
    assert report["errors"] == []
    assert report["disagreements"] == []
    assert report["decided"] >= APPLICATION_FIXTURES


def assert_refused(report: dict[str, Any], code: str, line: int, column: int) -> None:
    assert "refused" in report, "the checker accepted it"
    found = [(p["code"], p["line"], p["column"]) for p in report["refused"]]
    assert (code, line, column) in found, found


def position_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column where ``needle`` starts in ``text``."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def application_rules(*rules: str, parameters: str = "") -> str:
    return "case: application\n" + parameters + "rules:\n" + "".join(rules)


# -- and / or / not ------------------------------------------------------------------------


def test_an_and_whose_two_sides_fail_is_one_finding(tmp_path: Path) -> None:
    both = "application.hires.total <= 5 and application.needs_analysis.declared_need_posts <= 5"
    report = probe(tmp_path, {"prova.yaml": application_rules(rule("PROVA-E", require=both))})
    assert_decided_as_reference(report)


def test_an_and_in_when_whose_two_sides_fail(tmp_path: Path) -> None:
    both = "application.hires.total <= 5 and application.needs_analysis.declared_need_posts <= 5"
    text = application_rules(rule("PROVA-QUANDO", when=both, require="application.hires.total > 0"))
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))


def test_both_and_rules_decide_napoli_as_the_reference(tmp_path: Path) -> None:
    both = "application.hires.total <= 5 and application.needs_analysis.declared_need_posts <= 5"
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "prova.yaml").write_text(
        application_rules(
            rule("PROVA-E", require=both),
            rule("PROVA-QUANDO", when=both, require="application.hires.total > 0"),
            rule("PROVA-NON", require=f"not ({both}) or application.hires.tecnico == 6"),
        ),
        encoding="utf-8",
    )
    engine = Engine.from_path(rules)
    decision = engine.evaluate(make_application())  # 9 posts, a need of 20: both sides fail
    assert decision.finding("PROVA-E").status == "not_met"
    assert decision.finding("PROVA-QUANDO").status == "not_applicable"
    assert decision.finding("PROVA-NON").status == "met"
    reference = ReferenceEvaluator(engine.ruleset).evaluate(make_application())
    assert decision.to_json() == reference.to_json()


# -- arithmetic ----------------------------------------------------------------------------


def test_a_division_by_a_field_that_can_be_zero_is_refused_with_its_place(tmp_path: Path) -> None:
    require = "application.hires.tecnico / application.hires.culturale > 1"
    text = application_rules(rule("PROVA-DIV", require=require))
    report = probe(tmp_path, {"prova.yaml": text})
    assert_refused(report, "E024", *position_of(text, "application.hires.culturale"))


def test_a_division_by_zero_is_refused(tmp_path: Path) -> None:
    text = application_rules(rule("PROVA-ZERO", require="application.hires.tecnico / 0 > 1"))
    report = probe(tmp_path, {"prova.yaml": text})
    assert_refused(report, "E024", *position_of(text, "0 > 1"))


def test_a_guarded_division_is_decided_as_the_reference(tmp_path: Path) -> None:
    guarded = (
        "application.hires.culturale == 0 or "
        "application.hires.tecnico / application.hires.culturale > 1"
    )
    formula = (
        "application.hires.tecnico / application.hires.culturale "
        "if application.hires.culturale != 0 else 0"
    )
    text = application_rules(
        rule("PROVA-GUARDIA", require=guarded),
        rule("PROVA-RAPPORTO", derive="ratio", value=formula),
    )
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))


def test_division_is_decimal_not_integer(tmp_path: Path) -> None:
    text = application_rules(rule("PROVA-META", require="3 / 6 >= 0.5 and 1 / 3 * 3 < 1.01"))
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))
    rules = tmp_path / "rules"
    decision = Engine.from_path(rules).evaluate(make_application())
    assert decision.finding("PROVA-META").status == "met"


def test_a_parameter_written_with_an_exponent_is_decided(tmp_path: Path) -> None:
    """The EU co-financing rate 0.49 rewritten 1e-7: JSON would write it 1e-07."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    rates = rules / "programma" / "parametri.yaml"
    text = rates.read_text(encoding="utf-8")
    assert "value: 0.49}" in text
    rates.write_text(text.replace("value: 0.49}", "value: 1e-7}"), encoding="utf-8")
    (rules / "prova.yaml").write_text(
        application_rules(
            rule("PROVA-TASSO", require="application.hires.total * params.eu_cofinancing_rate < 1")
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(PROBE), str(rules)], capture_output=True, text=True, timeout=120
    )
    assert_decided_as_reference(json.loads(done.stdout))
    decision = Engine.from_path(rules).evaluate(make_application())
    assert decision.finding("PROVA-TASSO").status == "met"
    assert decision.derived["eu_share"] == Decimal("0.09")  # 900,000.00 x 0.0000001


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e999", "'NaN'"])
def test_a_parameter_that_is_not_a_finite_number_is_refused(tmp_path: Path, value: str) -> None:
    parameters = textwrap.dedent(
        f"""\
        parameters:
          broken:
            title: {{it: Parametro rotto}}
            basis: Prova
            provenance: assumption
            type: number
            values:
              - {{from: 2021-01-01, value: {value}}}
        """
    )
    text = application_rules(
        rule("PROVA-NAN", require="application.hires.total <= params.broken"), parameters=parameters
    )
    report = probe(tmp_path, {"prova.yaml": text})
    assert_refused(report, "E022", *position_of(text, value + "}"))


def test_counts_beyond_two_to_the_63_compare_exactly(tmp_path: Path) -> None:
    require = (
        "application.hires.total * 10000000000000000000 != 90000000000000000001 "
        "and 9223372036854775808 < 9223372036854775809 * application.hires.total + 1"
    )
    text = application_rules(rule("PROVA-GRANDI", require=require))
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))


def test_a_global_decimal_context_changes_no_decision(engine: Engine) -> None:
    case = make_application(amount_requested="123456.78")
    expected = engine.evaluate(case).to_json()
    with localcontext() as context:
        context.prec = 3
        assert Decimal(1) / Decimal(3) == Decimal("0.333")
        assert engine.evaluate(case).to_json() == expected


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal", ['datetime("0001-01-01T00:00:00+05:00")', 'date("0001-01-01")', 'date("9999-12-31")']
)
def test_dates_outside_the_calendar_are_refused(tmp_path: Path, literal: str) -> None:
    text = application_rules(rule("PROVA-ANNO", require=f"application.submitted_at > {literal}"))
    if literal.startswith("date("):
        text = application_rules(rule("PROVA-ANNO", require=f'{literal} < date("2024-01-01")'))
    report = probe(tmp_path, {"prova.yaml": text})
    assert "refused" in report
    assert {problem["code"] for problem in report["refused"]} == {"E015"}


# -- the limits of durable_rules -------------------------------------------------------------


def numbered_parameters(count: int) -> str:
    lines = ["parameters:"]
    for index in range(count):
        lines += [
            f"  soglia_{index}:",
            f"    title: {{it: Soglia {index}}}",
            "    basis: Prova",
            "    provenance: assumption",
            "    type: number",
            "    values:",
            f"      - {{from: 2021-01-01, value: {index}}}",
        ]
    return "\n".join(lines) + "\n"


def test_three_hundred_parameters_read_by_requirements(tmp_path: Path) -> None:
    rules = [
        rule(f"PROVA-P{index}", require=f"application.hires.total != params.soglia_{index}")
        for index in range(300)
    ]
    text = application_rules(*rules, parameters=numbered_parameters(300))
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))


def test_three_hundred_rules_sharing_one_when(tmp_path: Path) -> None:
    rules = [
        rule(
            f"PROVA-W{index}",
            when='application.area == "assunzioni"',
            require=f"application.hires.total <= {index}",
        )
        for index in range(300)
    ]
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": application_rules(*rules)}))


def test_six_hundred_rules_comparing_one_field_with_distinct_constants(tmp_path: Path) -> None:
    rules = [
        rule(f"PROVA-K{index}", require=f"application.hires.total != {index}")
        for index in range(600)
    ]
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": application_rules(*rules)}))


def test_a_not_in_list_of_six_hundred_names(tmp_path: Path) -> None:
    names = ", ".join(f'"Comune {index}"' for index in range(600))
    text = application_rules(
        rule("PROVA-ELENCO", require=f"application.applicant.name not in [{names}, \"Comune di Napoli\"]")
    )
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))


def test_a_long_and_chain_and_deep_nesting(tmp_path: Path) -> None:
    chain = " and ".join(f"application.hires.total != {index}" for index in range(100, 160))
    nested = "application.hires.total > 0"
    for index in range(40):
        nested = f"({nested} or application.hires.tecnico == {index}) and not false"
    text = application_rules(rule("PROVA-CATENA", require=chain), rule("PROVA-NIDO", require=nested))
    assert_decided_as_reference(probe(tmp_path, {"prova.yaml": text}))


@pytest.mark.parametrize(
    ("characters", "code"), [(17_000_000, "E007"), (200_000, "E022")]
)
def test_a_huge_text_parameter_is_refused(tmp_path: Path, characters: int, code: str) -> None:
    """17 MB: the file is too large to read (durable_rules would fail at 16 MB, error 314);
    200,000 characters: a text value longer than any fact should carry."""
    parameters = textwrap.dedent(
        f"""\
        parameters:
          enorme:
            title: {{it: Testo enorme}}
            basis: Prova
            provenance: assumption
            type: text
            values:
              - {{from: 2021-01-01, value: "{'x' * characters}"}}
        """
    )
    text = application_rules(
        rule("PROVA-TESTO", require="application.applicant.name != params.enorme"),
        parameters=parameters,
    )
    report = probe(tmp_path, {"prova.yaml": text})
    where = (1, 1) if code == "E007" else position_of(text, '"xxx')
    assert_refused(report, code, *where)


@pytest.mark.parametrize(
    ("expression", "code"),
    [
        ("not " * 10_000 + "true", "E025"),
        ("-" * 100_000 + "1 < 2", "E025"),
        ("(" * 1000 + "1" + ")" * 1000 + " < 2", "E010"),
        (" + ".join(["application.hires.total"] * 200) + " > 0", "E025"),
    ],
)
def test_expressions_too_deep_or_too_long_are_refused(
    tmp_path: Path, expression: str, code: str
) -> None:
    report = probe(tmp_path, {"prova.yaml": application_rules(rule("PROVA-LUNGA", require=expression))})
    assert "refused" in report
    assert {problem["code"] for problem in report["refused"]} == {code}
