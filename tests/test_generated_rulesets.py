"""The durable_rules engine decides rule sets nobody wrote yet exactly as the reference.

Generated rule sets use the whole expression language over the real case models
(capcoe_rules.testing.strategies.rulesets); each is decided on generated applications,
half of them steered onto the rule set's own numbers, by both evaluators, and the whole
decisions are compared as JSON bytes. CI runs GENERATED_RULESETS x CASES_PER_RULESET;
``capcoe-rules selftest --generated 5000 --cases 200`` runs the long version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capcoe_rules.batch.workloads import enlarged_sources
from capcoe_rules.engine import conditions
from capcoe_rules.language import load_sources
from capcoe_rules.language.sources import read_sources
from capcoe_rules.testing.differential import Differential
from capcoe_rules.testing.selftest import check_ruleset_cases
from capcoe_rules.testing.strategies import GeneratedRuleSet, boundary_cases, rulesets

GENERATED_RULESETS = int(os.environ.get("CAPCOE_GENERATED_RULESETS", "200"))
CASES_PER_RULESET = int(os.environ.get("CAPCOE_CASES_PER_RULESET", "50"))
PROBE = Path(__file__).resolve().parent / "probe_rules.py"
AS_OF = st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)))


@settings(
    max_examples=GENERATED_RULESETS,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(generated=rulesets())
def test_generated_rulesets_are_decided_as_the_reference(generated: GeneratedRuleSet) -> None:
    ruleset = load_sources(generated.sources)  # every generated rule set passes the checker
    report = check_ruleset_cases(ruleset, CASES_PER_RULESET)
    assert report.cases == CASES_PER_RULESET
    assert report.disagreement is None, str(report.disagreement)


CONSTRUCTS = (
    " / ", " not in ", " in [", " in params.", "== None", "abs(", "min(", " if ", " or ",
    "not ", "severity: warning", "e-", "datetime(", "date(", "true", "derive:", "when:",
)
"""Text that shows a construct the compiler treats specially: divisions become atoms,
lists tests or atoms, computed sides terms; exponents must be read exactly..."""


def test_every_construct_is_generated() -> None:
    seen: set[str] = set()

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(generated=rulesets())
    def collect(generated: GeneratedRuleSet) -> None:
        text = "\n".join(generated.sources.values())
        seen.update(construct for construct in CONSTRUCTS if construct in text)

    collect()
    assert seen == set(CONSTRUCTS)


def test_the_differential_catches_a_wrong_complement(monkeypatch: pytest.MonkeyPatch) -> None:
    """Break the compiler as a careless edit would: `not (a < b)` compiled as `a > b`.
    The generated rule sets must find it (this is the test of the test)."""
    monkeypatch.setitem(conditions.COMPLEMENT, "<", ">")
    found: list[str] = []

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(generated=rulesets(), data=st.data())
    def hunt(generated: GeneratedRuleSet, data: st.DataObject) -> None:
        if found:
            return
        differential = Differential(load_sources(generated.sources))
        for _ in range(20):
            case = data.draw(boundary_cases(generated.numbers))
            disagreement = differential.compare(case, data.draw(AS_OF))
            if disagreement is not None:
                found.append(str(disagreement))
                return

    hunt()
    assert found, "a wrong complement went unnoticed by the differential test"


def test_a_thousand_rules_build_and_decide_as_the_reference(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    for path, text in enlarged_sources(read_sources(RULES).texts, 1000).items():
        (rules / path).parent.mkdir(parents=True, exist_ok=True)
        (rules / path).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(PROBE), str(rules)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["errors"] == [] and report["disagreements"] == []
    assert report["rulesets"]["application"] > 1  # split to stay inside durable_rules' limits


def test_selftest_counts_the_generated_rule_sets_and_cases_it_compared() -> None:
    """What ``capcoe-rules selftest --generated N`` reports: N rule sets, their cases."""
    from capcoe_rules.testing.selftest import check_generated_rulesets  # noqa: PLC0415

    report = check_generated_rulesets(3, 2, seed=7)
    assert report.passed and report.disagreement is None
    assert (report.rulesets, report.cases) == (3, 6)
