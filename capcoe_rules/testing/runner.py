"""Run YAML example cases against a rule set, and measure which rules they exercise.

This is what ``capcoe-rules test`` and the pytest plugin share: policy staff check their
rule changes by running the examples, without writing Python.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from capcoe_rules.casefiles import CaseFile, problem_lines, read_case_data, read_case_file
from capcoe_rules.engine import Engine
from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import CaseError, EvaluationError, FieldProblem, Text
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
    failure: Text | None = None
    """Why the example could not be read or decided, in both languages."""
    decision: AnyDecision | None = None
    example: CaseFile | None = None
    problems: tuple[FieldProblem, ...] = ()
    """What is wrong with the example's file or case, each with its position in the file."""
    language: str = "en"

    @property
    def passed(self) -> bool:
        return self.failure is None and not self.differences

    @property
    def error(self) -> str | None:
        """:attr:`failure` in the language of the run: ``file:line:col: path: message;
        fix: hint`` for each problem of the case, a line each."""
        return None if self.failure is None else self.failure.pick(self.language)


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
            raise FileNotFoundError(errno.ENOENT, "no such file or directory", str(path))
    return sorted(found)


def run_example(engine: Engine, path: Path, language: str = "en") -> CaseResult:
    """Decide the example in ``path`` and compare the decision with its ``expect:``;
    messages in ``language`` (``it`` or ``en``)."""
    try:
        example: CaseFile = read_case_file(path)
    except CaseError as error:
        lead = Text("cannot read the example:", "impossibile leggere l'esempio:")
        return _refused(path, None, lead, error, language)
    if example.expect is None:
        failure = Text("the example has no 'expect:'", "l'esempio non ha 'expect:'")
        return CaseResult(path, example.description, failure=failure, language=language)
    try:
        decision = engine.evaluate(example.case, as_of=example.as_of)
    except CaseError as error:
        located = example.locate(error)
        if example.expect.get("error"):
            return _expected_error(path, example, located, language)
        lead = Text("case refused:", "caso respinto:")
        return _refused(path, example.description, lead, located, language)
    except EvaluationError as error:
        failure = Text(
            f"evaluation failed: {error.text.en}", f"valutazione non riuscita: {error.text.it}"
        )
        return CaseResult(path, example.description, failure=failure, language=language)
    if example.expect.get("error"):
        difference = Difference("error", example.expect["error"], "no error: " + decision.outcome)
        return CaseResult(
            path, example.description, [difference], decision=decision, language=language
        )
    return CaseResult(
        path,
        example.description,
        compare(decision, example.expect),
        decision=decision,
        example=example,
        language=language,
    )


def _refused(
    path: Path, description: str | None, lead: Text, error: CaseError, language: str
) -> CaseResult:
    failure = Text(
        "\n".join([lead.en, *problem_lines(path, error, "en")]),
        "\n".join([lead.it, *problem_lines(path, error, "it")]),
    )
    return CaseResult(
        path, description, failure=failure, problems=tuple(error.problems), language=language
    )


def _expected_error(path: Path, example: CaseFile, error: CaseError, language: str) -> CaseResult:
    """An example may expect the case to be refused: ``expect: {error: "text in message"}``,
    the text in English or in Italian (``path: message``)."""
    assert example.expect is not None
    wanted = str(example.expect["error"])
    english = "; ".join(problem.text("en") for problem in error.problems)
    italian = "; ".join(problem.text("it") for problem in error.problems)
    found = wanted in english or wanted in italian
    shown = english if language == "en" else italian
    differences = [] if found else [Difference("error", wanted, shown)]
    return CaseResult(
        path, example.description, differences, problems=tuple(error.problems), language=language
    )


def run_examples(engine: Engine, paths: Sequence[Path], language: str = "en") -> list[CaseResult]:
    return [run_example(engine, path, language) for path in discover(paths)]


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
