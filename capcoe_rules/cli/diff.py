"""``capcoe-rules diff``: the decisions a rule-set change alters, before it is committed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from capcoe_rules.batch.diffing import CaseChange, DiffReport, RuleChange, diff_population
from capcoe_rules.batch.reading import read_records
from capcoe_rules.cli.common import AsOfOption, RulesOption, app, fail, out
from capcoe_rules.engine import Engine
from capcoe_rules.language import CheckedRuleSet, RuleSetError


@app.command()
def diff(
    population: Annotated[
        Path, typer.Argument(help="Cases as JSON Lines (e.g. fixtures/population/national.jsonl).")
    ],
    base: Annotated[
        Path, typer.Option("--base", help="Directory of the rule set before the change.")
    ],
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the whole report as JSON.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=0, help="Changed cases listed in the table (0: all); --json has all."
        ),
    ] = 100,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes (1: this one).")
    ] = 1,
) -> None:
    """Decide a population with two rule sets; list the cases whose decision changes.

    For each changed case: old and new outcome and the rules responsible (those whose
    finding changed, with the values they read that changed). Then a summary by
    transition and by rule. Exit status 0 whether or not decisions change (it is a
    report); 1 a rule set has problems; 2 unreadable population.
    """
    old_engine = _engine(base)
    new_engine = _engine(rules)
    day = as_of.date() if as_of is not None else None
    try:
        with population.open("rb") as handle:
            report = diff_population(
                old_engine, new_engine, read_records(handle), as_of=day, workers=workers
            )
    except OSError as error:
        fail(str(error), 2)
    if json_output:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_report(report, base, rules, limit)


def _engine(directory: Path) -> Engine:
    try:
        return Engine.from_path(directory)
    except RuleSetError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        fail(f"the rule set in {directory} has problems: run 'capcoe-rules check {directory}'", 1)


def _print_report(report: DiffReport, base: Path, rules: Path, limit: int) -> None:
    out.print(
        f"base  {base}: {_identity(report.base)}\nrules {rules}: {_identity(report.rules)}",
        highlight=False,
    )
    _print_ruleset_changes(report)
    shown = report.changes if limit == 0 else report.changes[:limit]
    if shown:
        table = Table(title="Decisioni che cambiano / Decisions that change", title_justify="left")
        for column in ("line", "case", "outcome", "rules responsible", "fields changed"):
            table.add_column(column, overflow="fold")
        for change in shown:
            table.add_row(
                str(change.line),
                change.case_id or "-",
                f"{change.old_outcome} → {change.new_outcome}",
                _responsible(change),
                ", ".join(change.fields) or "-",
            )
        out.print(table)
        if len(shown) < len(report.changes):
            out.print(
                f"... and {len(report.changes) - len(shown)} more (--limit 0 or --json for all)",
                highlight=False,
            )
    _print_summary(report)


def _identity(ruleset: CheckedRuleSet) -> str:
    return f"{ruleset.name} {ruleset.version} ({ruleset.content_hash[:19]})"


def _print_ruleset_changes(report: DiffReport) -> None:
    changes = report.changes_in_rules
    if changes.empty:
        out.print("the two rule sets define the same rules, parameters and tables")
        return
    parts = [
        ("rules changed", changes.rules_changed),
        ("rules added", changes.rules_added),
        ("rules removed", changes.rules_removed),
        ("parameters changed", changes.parameters_changed),
        ("tables changed", changes.tables_changed),
        ("table rows changed", changes.table_rows_changed),
    ]
    for label, names in parts:
        if names:
            out.print(f"{label}: {', '.join(names)}", highlight=False, markup=False)
    if changes.period_changed:
        out.print("the period in force changed", highlight=False)


def _responsible(change: CaseChange) -> str:
    if change.old_error or change.new_error:
        return change.new_error or change.old_error or ""
    return "\n".join(_rule_line(rule) for rule in change.rules) or "-"


def _rule_line(rule: RuleChange) -> str:
    what = f"{rule.old} → {rule.new}" if rule.old != rule.new else "value changed"
    causes = list(rule.reads_changed)
    if rule.definition_changed:
        causes.insert(0, "rule edited")
    return f"{rule.label} {what}" + (f" ({', '.join(causes)})" if causes else "")


def _print_summary(report: DiffReport) -> None:
    table = Table(title="Riepilogo / Summary", title_justify="left")
    table.add_column("transition")
    table.add_column("cases", justify="right")
    transitions = report.transitions()
    for index, ((old, new), count) in enumerate(transitions, start=1):
        label = f"{old} → {new}" if old != new else f"{old} (same outcome, other changes)"
        table.add_row(label, str(count), end_section=index == len(transitions))
    table.add_row("changed", str(len(report.changes)), style="bold")
    table.add_row("unchanged", str(report.unchanged))
    if report.invalid:
        table.add_row("invalid in both rule sets", str(len(report.invalid)), style="red")
    table.add_row("cases", str(report.cases), style="bold")
    out.print(table)
    by_rule = report.by_rule()
    if by_rule:
        out.print(
            "rules responsible: " + ", ".join(f"{rule} ({count})" for rule, count in by_rule),
            highlight=False,
        )
