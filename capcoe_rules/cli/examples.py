"""``capcoe-rules test``: run the YAML example cases, optionally with rule coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from capcoe_rules.cli.common import RulesOption, app, fail, out
from capcoe_rules.engine import Engine
from capcoe_rules.language import RuleSetError
from capcoe_rules.testing.runner import (
    CaseResult,
    branches,
    coverage,
    coverage_ratio,
    run_examples,
)


@app.command("test")
def test_examples(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Example files or directories (default: fixtures).", show_default=False
        ),
    ] = None,
    rules: RulesOption = Path("rules"),
    show_coverage: Annotated[
        bool,
        typer.Option(
            "--coverage",
            help="Show which rules never held, failed or did not apply, and every branch "
            "('if'/'else', min/max argument, and/or operand, band row) no example took.",
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passing cases too.")
    ] = False,
) -> None:
    """Run example cases (YAML with case: and expect:) and compare their decisions."""
    try:
        engine = Engine.from_path(rules)
        results = run_examples(engine, paths or [Path("fixtures")])
    except RuleSetError as error:
        for problem in error.problems:
            print(problem)
        fail(f"the rule set in {rules} has problems", 1)
    except FileNotFoundError as error:
        fail(str(error), 2)
    for result in results:
        if not result.passed or verbose:
            _print_result(result)
    failed = sum(not result.passed for result in results)
    if show_coverage:
        _print_coverage(engine, results)
    # The plain closing line CI systems read.
    print(f"{len(results) - failed} passed, {failed} failed")
    if failed or not results:
        raise typer.Exit(1)


def _print_result(result: CaseResult) -> None:
    if result.passed:
        out.print(f"[green]PASS[/green] {result.path}", highlight=False)
        return
    out.print(f"[red]FAIL[/red] {result.path}", highlight=False)
    if result.description:
        out.print(f"     {result.description.strip()}", highlight=False, markup=False)
    if result.error:
        out.print(f"     {result.error}", highlight=False, markup=False)
    for difference in result.differences:
        out.print(
            f"     {difference.path}: expected {difference.expected!r}, got {difference.actual!r}",
            highlight=False,
            markup=False,
        )


def _print_coverage(engine: Engine, results: list[CaseResult]) -> None:
    rules = coverage(engine.ruleset, results)
    table = Table(title="Copertura delle regole / Rule coverage", title_justify="left")
    for column in ("rule", "kind", "held", "failed", "n/a", "missing"):
        table.add_column(column)
    for rule in rules:
        missing = []
        if rule.held == 0:
            missing.append("never held" if rule.kind == "requirement" else "never computed")
        if rule.failed == 0 and rule.kind == "requirement":
            missing.append("never failed")
        style = "" if rule.complete else "red"
        table.add_row(
            rule.rule_id,
            rule.kind,
            str(rule.held),
            str(rule.failed),
            "-" if rule.kind == "derivation" else str(rule.not_applicable),
            ", ".join(missing),
            style=style,
        )
    out.print(table)
    incomplete = [rule.rule_id for rule in rules if not rule.complete]
    out.print(
        f"coverage: {coverage_ratio(rules):.1%} of rule outcomes"
        + (f"; incomplete: {', '.join(incomplete)}" if incomplete else ""),
        highlight=False,
    )
    _print_branches(engine, results)


def _print_branches(engine: Engine, results: list[CaseResult]) -> None:
    """Each branch no example took, as file:line:col, so an editor can jump to it."""
    found = branches(engine.ruleset, results)
    for branch in found.missed:
        out.print(f"not exercised: {branch}", highlight=False, markup=False, soft_wrap=True)
    seen = len(found.branches) - len(found.missed)
    out.print(
        f"branches: {seen} of {len(found.branches)} exercised ({found.ratio:.1%}): "
        "requirements not applicable, 'if'/'else', min/max arguments, and/or operands, "
        "band rows",
        highlight=False,
    )
