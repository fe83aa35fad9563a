"""``capcoe-rules selftest``: the durable_rules engine against the reference, on your rules.

Two questions a policy officer (or a CI job) can ask before trusting a rule set:

- *Does the engine decide my rule set exactly as the specification does?* Generated
  cases (applications and payment claims, half of them steered onto the rule set's own
  numbers) are decided by both evaluators and compared byte for byte.
- *Does it do so for rule sets nobody wrote yet?* Generated rule sets over the whole
  expression language, each with its own generated cases.

Hypothesis drives the generation and, on a disagreement, shrinks it to the smallest case
(and rule set) that shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from capcoe_rules.language import CheckedRuleSet, load_sources
from capcoe_rules.testing.differential import Differential, Disagreement
from capcoe_rules.testing.strategies.payments import payment_claims
from capcoe_rules.testing.strategies.rulesets import (
    GeneratedRuleSet,
    boundary_cases,
    numbers_of,
    rulesets,
)

Progress = Callable[[int], None]


@dataclass
class SelfTestReport:
    """How many rule sets and cases were compared, and the first disagreement, if any."""

    rulesets: int = 0
    cases: int = 0
    disagreement: Disagreement | None = None
    ruleset_sources: dict[str, str] = field(default_factory=dict)
    """The generated rule set the disagreement was found on (empty for the user's own)."""

    @property
    def passed(self) -> bool:
        return self.disagreement is None


class _DisagreementFoundError(AssertionError):
    def __init__(self, disagreement: Disagreement, sources: dict[str, str]) -> None:
        super().__init__(str(disagreement))
        self.disagreement = disagreement
        self.sources = sources


def _settings(examples: int, seed: int | None) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is not None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def _dates(ruleset: CheckedRuleSet) -> st.SearchStrategy[dt.date | None]:
    return st.one_of(st.none(), st.none(), st.dates(ruleset.in_force_from, ruleset.in_force_to))


def check_ruleset_cases(
    ruleset: CheckedRuleSet,
    cases: int,
    *,
    seed: int | None = None,
    progress: Progress | None = None,
) -> SelfTestReport:
    """Decide ``cases`` generated cases with both evaluators of ``ruleset``."""
    report = SelfTestReport(rulesets=1)
    differential = Differential(ruleset)
    numbers = numbers_of(ruleset)
    case_strategy = st.one_of(boundary_cases(numbers), payment_claims())

    @_settings(cases, seed)
    @given(case=case_strategy, as_of=_dates(ruleset))
    def compare(case: object, as_of: dt.date | None) -> None:
        report.cases += 1
        if progress is not None:
            progress(1)
        found = differential.compare(case, as_of)
        if found is not None:
            raise _DisagreementFoundError(found, {})

    _run(compare, report)
    return report


def check_generated_rulesets(
    count: int, cases: int, *, seed: int | None = None, progress: Progress | None = None
) -> SelfTestReport:
    """``count`` generated rule sets, each with ``cases`` generated cases."""
    report = SelfTestReport()

    @_settings(count, seed)
    @given(generated=rulesets())
    def compare(generated: GeneratedRuleSet) -> None:
        # Cases are drawn by a run of their own for each rule set: drawn inside this one,
        # a few dozen would exhaust the data hypothesis allows one example.
        own = check_ruleset_cases(load_sources(generated.sources), cases, seed=seed)
        report.rulesets += 1
        report.cases += own.cases
        if own.disagreement is not None:
            raise _DisagreementFoundError(own.disagreement, generated.sources)
        if progress is not None:
            progress(1)

    _run(compare, report)
    return report


def _run(test: Callable[[], None], report: SelfTestReport) -> None:
    try:
        test()
    except _DisagreementFoundError as found:  # hypothesis re-raises the shrunk example's error
        report.disagreement = found.disagreement
        report.ruleset_sources = found.sources
    except HypothesisException as error:  # e.g. cases that cannot be generated
        raise SelfTestError(str(error)) from None


class SelfTestError(Exception):
    """The self-test could not run (not a disagreement: nothing was compared): why cases
    could not be generated (hypothesis's words)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"cases could not be generated: {reason}")
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reason,))
