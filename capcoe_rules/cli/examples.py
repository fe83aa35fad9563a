"""``capcoe-rules test``: run the YAML example cases, optionally with rule coverage."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capcoe_rules.cli.common import (
    Format,
    LanguageOption,
    RulesOption,
    command,
    err,
    fail,
    load_engine,
    out,
)
from capcoe_rules.cli.localized import language, percent, say

if TYPE_CHECKING:
    from capcoe_rules.engine import Engine
    from capcoe_rules.testing.runner import CaseResult


@command("test")
def test_examples(
    paths: Annotated[list[Path] | None, typer.Argument(show_default=False)] = None,
    rules: RulesOption = Path("rules"),
    show_coverage: Annotated[bool, typer.Option("--coverage")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    output_format: Annotated[Format, typer.Option("--format")] = Format.text,
    junit: Annotated[Path | None, typer.Option("--junit", show_default=False)] = None,
    lang: LanguageOption = "it",
) -> None:
    """Run the example cases (case: and expect:) and compare their decisions.

    Its help, in Italian and English: ``catalogue.HELP["test"]``.
    """
    from capcoe_rules.atomic import write_atomically  # start-up: see cli.common
    from capcoe_rules.testing.reports import junit_xml, results_json
    from capcoe_rules.testing.runner import coverage, discover

    engine = load_engine(rules)
    try:
        found = discover(paths or [Path("fixtures")])
    except FileNotFoundError as error:
        fail(say("no_such_path", path=error.filename), 2)
    results, durations = _run(engine, found, lang)
    failed = sum(not result.passed for result in results)
    rule_coverage = coverage(engine.ruleset, results) if show_coverage else None
    if junit is not None:
        write_atomically(junit, junit_xml(results, engine.ruleset, durations))
    summary = say("test_summary", passed=len(results) - failed, failed=failed)
    if output_format is Format.json:
        print(results_json(results, engine.ruleset, durations, rule_coverage))
        err.print(summary, markup=False, highlight=False)
    else:
        for result in results:
            if not result.passed or verbose:
                _print_result(result)
        if show_coverage:
            _print_coverage(engine, results)
        print(summary)  # the plain closing line CI systems read
    if failed or not results:
        raise typer.Exit(1)


def _run(
    engine: Engine, paths: list[Path], language: str
) -> tuple[list[CaseResult], dict[Path, float]]:
    from capcoe_rules.testing.runner import run_example

    results: list[CaseResult] = []
    durations: dict[Path, float] = {}
    for path in paths:
        started = time.perf_counter()
        results.append(run_example(engine, path, language))
        durations[path] = time.perf_counter() - started
    return results, durations


def _print_result(result: CaseResult) -> None:
    from rich.text import Text

    if result.passed:
        out.print(Text.assemble((say("test_pass"), "green"), f" {result.path}"), highlight=False)
        return
    out.print(Text.assemble((say("test_fail"), "red"), f" {result.path}"), highlight=False)
    if result.description:
        out.print(f"     {result.description.strip()}", highlight=False, markup=False)
    if result.error:
        for line in result.error.splitlines():  # a line per problem: file:line:col: ...
            out.print(f"     {line}", highlight=False, markup=False, soft_wrap=True)
    for difference in result.differences:
        said = say(
            "test_difference",
            path=difference.path,
            expected=repr(difference.expected),
            actual=repr(difference.actual),
        )
        out.print(f"     {said}", highlight=False, markup=False)


def _print_coverage(engine: Engine, results: list[CaseResult]) -> None:
    from rich.table import Table

    from capcoe_rules.testing.runner import coverage, coverage_ratio

    rules = coverage(engine.ruleset, results)
    table = Table(title=say("coverage_title"), title_justify="left")
    for column in ("rule", "kind", "held", "failed", "not_applicable", "missing"):
        table.add_column(say(f"coverage_{column}"))
    for rule in rules:
        missing = []
        if rule.held == 0:
            missing.append(say("never_held" if rule.kind == "requirement" else "never_computed"))
        if rule.failed == 0 and rule.kind == "requirement":
            missing.append(say("never_failed"))
        style = "" if rule.complete else "red"
        table.add_row(
            rule.rule_id,
            say(f"kind_{rule.kind}"),
            str(rule.held),
            str(rule.failed),
            "-" if rule.kind == "derivation" else str(rule.not_applicable),
            ", ".join(missing),
            style=style,
        )
    out.print(table)
    incomplete = [rule.rule_id for rule in rules if not rule.complete]
    line = say("coverage_line", ratio=percent(coverage_ratio(rules)))
    if incomplete:
        line += say("coverage_incomplete", ids=", ".join(incomplete))
    out.print(line, highlight=False)
    _print_branches(engine, results)


def _print_branches(engine: Engine, results: list[CaseResult]) -> None:
    """Each branch no example took, as file:line:col, so an editor can jump to it."""
    from capcoe_rules.testing.runner import branches

    found = branches(engine.ruleset, results)
    for branch in found.missed:
        missed = say("not_exercised", branch=branch.text(language()))
        out.print(missed, highlight=False, markup=False, soft_wrap=True)
    seen = len(found.branches) - len(found.missed)
    total = len(found.branches)
    said = say("branches_line", seen=seen, total=total, ratio=percent(found.ratio))
    out.print(said, highlight=False, markup=False)
