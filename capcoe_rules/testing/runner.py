"""Run YAML example cases against a rule set, and measure which rules they exercise.

This is what ``capcoe-rules test`` and the pytest plugin share: policy staff check their
rule changes by running the examples, without writing Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from capcoe_rules.casefiles import CaseFile, read_case_data, read_case_file
from capcoe_rules.engine import Engine
from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import CaseError, EvaluationError
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.testing.branches import BranchCoverage, branch_coverage
from capcoe_rules.testing.expectations import Difference, compare

CASE_SUFFIXES = (".yaml", ".yml", ".json")
EXAMPLE_MARKS = frozenset({"case", "expect"})
"""The keys that make a file an example (see :func:`is_example`)."""


@dataclass(frozen=True)
class CaseResult:
    path: Path
    description: str | None
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None
    decision: AnyDecision | None = None
    example: CaseFile | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.differences


def is_example(path: Path) -> bool:
    """A file meant as an example case: a mapping with ``case`` or ``expect``.

    Either key is enough, so that an example with a misspelt or missing key (``expected:``,
    no ``expect:``, ``cases:``) is run, and fails saying why, instead of being passed
    over in silence.
    """
    if path.suffix not in CASE_SUFFIXES:
        return False
    try:
        data = read_case_data(path)
    except CaseError:
        return path.suffix != ".json"  # a broken example must show up as a failure
    return isinstance(data, dict) and bool(EXAMPLE_MARKS & set(data))


def discover(paths: Iterable[Path]) -> list[Path]:
    """Example files under ``paths`` (files or directories), sorted, without repeats."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and is_example(p))
        elif path.is_file():
            found.add(path)
        else:
            raise FileNotFoundError(f"{path} does not exist")
    return sorted(found)


def run_example(engine: Engine, path: Path) -> CaseResult:
    try:
        example: CaseFile = read_case_file(path)
    except CaseError as error:
        return CaseResult(path, None, error=f"cannot read the example: {error}")
    if example.expect is None:
        return CaseResult(path, example.description, error="the example has no 'expect:'")
    try:
        decision = engine.evaluate(example.case, as_of=example.as_of)
    except CaseError as error:
        if example.expect.get("error"):
            return _expected_error(path, example, str(error))
        return CaseResult(path, example.description, error=f"case refused: {error}")
    except EvaluationError as error:
        return CaseResult(path, example.description, error=f"evaluation failed: {error}")
    if example.expect.get("error"):
        difference = Difference("error", example.expect["error"], "no error: " + decision.outcome)
        return CaseResult(path, example.description, [difference], decision=decision)
    return CaseResult(
        path,
        example.description,
        compare(decision, example.expect),
        decision=decision,
        example=example,
    )


def _expected_error(path: Path, example: CaseFile, message: str) -> CaseResult:
    """An example may expect the case to be refused: ``expect: {error: "text in message"}``."""
    assert example.expect is not None
    wanted = str(example.expect["error"])
    differences = [] if wanted in message else [Difference("error", wanted, message)]
    return CaseResult(path, example.description, differences)


def run_examples(engine: Engine, paths: Sequence[Path]) -> list[CaseResult]:
    return [run_example(engine, path) for path in discover(paths)]


@dataclass(frozen=True)
class RuleCoverage:
    rule_id: str
    kind: str
    held: int
    failed: int
    not_applicable: int = 0

    @property
    def complete(self) -> bool:
        """A requirement must be seen met and not met; a derivation computed."""
        return self.held > 0 and (self.failed > 0 or self.kind == "derivation")


def coverage(ruleset: CheckedRuleSet, results: Sequence[CaseResult]) -> list[RuleCoverage]:
    """For every rule of the rule set, how many examples saw it hold and fail."""
    seen: dict[str, dict[str, int]] = {"held": {}, "failed": {}, "not_applicable": {}}
    outcome = {"met": "held", "computed": "held", "not_met": "failed"}
    for result in results:
        if result.decision is None or not result.passed:
            continue  # a failing example shows nothing about the rules it meant to exercise
        for step in result.decision.explanation():
            finding = step.finding
            counts = seen[outcome.get(finding.status, finding.status)]
            counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
    return [
        RuleCoverage(
            rule.id,
            rule.kind,
            seen["held"].get(rule.id, 0),
            seen["failed"].get(rule.id, 0),
            seen["not_applicable"].get(rule.id, 0),
        )
        for case_rules in ruleset.cases.values()
        for rule in case_rules.rules
    ]


def branches(ruleset: CheckedRuleSet, results: Sequence[CaseResult]) -> BranchCoverage:
    """What the passing examples made each rule do, branch by branch
    (:mod:`capcoe_rules.testing.branches`)."""
    cases = [
        (result.example.case, result.example.as_of)
        for result in results
        if result.passed and result.example is not None and result.decision is not None
    ]
    return branch_coverage(ruleset, cases)


def coverage_ratio(rules: Sequence[RuleCoverage]) -> float:
    """Share of the outcomes to see (met and not met; computed) that examples saw."""
    wanted = sum(1 if rule.kind == "derivation" else 2 for rule in rules)
    seen = sum((rule.held > 0) + (rule.failed > 0 and rule.kind != "derivation") for rule in rules)
    return seen / wanted if wanted else 1.0
