"""The example cases under ``fixtures/``: each decides as it expects, and together they
exercise every rule of the bundled rule set both ways (requirements met and not met,
derivations computed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from capcoe_rules import Engine
from capcoe_rules.testing.runner import (
    CaseResult,
    coverage,
    coverage_ratio,
    discover,
    run_example,
)

EXAMPLES = discover([FIXTURES])


@pytest.fixture(scope="session")
def results(engine: Engine) -> dict[Path, CaseResult]:
    """Every example, run once against the session's engine (``Engine.from_path(RULES)``,
    see conftest.py)."""
    return {path: run_example(engine, path) for path in EXAMPLES}


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 45, f"only {len(EXAMPLES)} examples under {FIXTURES}"


@pytest.mark.parametrize(
    "path", EXAMPLES, ids=[str(path.relative_to(FIXTURES)) for path in EXAMPLES]
)
def test_example(path: Path, results: dict[Path, CaseResult]) -> None:
    result = results[path]
    if not result.passed:
        problems = [result.error] if result.error else [str(d) for d in result.differences]
        pytest.fail(
            f"{path.relative_to(FIXTURES.parent)}: {result.description or ''}\n  "
            + "\n  ".join(problems),
            pytrace=False,
        )


def test_examples_cover_every_rule(engine: Engine, results: dict[Path, CaseResult]) -> None:
    rules = coverage(engine.ruleset, list(results.values()))
    incomplete = [
        f"{rule.rule_id} ({rule.kind}: held {rule.held}, failed {rule.failed})"
        for rule in rules
        if not rule.complete
    ]
    ratio = coverage_ratio(rules)
    if ratio < 1.0:
        pytest.fail(
            f"coverage {ratio:.1%}; rules not exercised both ways: " + ", ".join(incomplete),
            pytrace=False,
        )
