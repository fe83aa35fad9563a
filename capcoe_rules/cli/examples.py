"""``capcoe-rules test``: run the YAML example cases, optionally with rule coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from capcoe_rules.cli.common import RulesOption, app, fail, load_engine, out
from capcoe_rules.engine import Engine
from capcoe_rules.testing.runner import CaseResult, coverage, coverage_ratio, run_examples


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
        bool, typer.Option("--coverage", help="Show which rules never held or never failed.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passing cases too.")
    ] = False,
) -> None:
    """Run example cases (YAML with case: and expect:) and compare their decisions."""
    engine = load_engine(rules)
    try:
        results = run_examples(engine, paths or [Path("fixtures")])
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
    for column in ("rule", "kind", "held", "failed", "missing"):
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
