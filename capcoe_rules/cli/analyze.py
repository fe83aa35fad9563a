"""``capcoe-rules analyze``: what a rule set can and cannot do, before any case arrives."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capcoe_rules.cli.common import (
    AsOfOption,
    LanguageOption,
    RulesOption,
    command,
    err,
    fail,
    os_failure,
    out,
)
from capcoe_rules.cli.localized import fixed, grouped, language, say

if TYPE_CHECKING:
    from capcoe_rules.analysis import DateMode, Report
    from capcoe_rules.language import CheckedRuleSet

FORMATS = ("text", "json")


@command("analyze")
def analyze(
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    all_dates: Annotated[bool, typer.Option("--all-dates")] = False,
    output_format: Annotated[str, typer.Option("--format")] = "text",
    base: Annotated[Path | None, typer.Option("--base")] = None,
    witnesses: Annotated[Path | None, typer.Option("--witnesses")] = None,
    lang: LanguageOption = "it",
    strict: Annotated[bool, typer.Option("--strict")] = False,
) -> None:
    """Prove with an SMT solver what the rule set can and cannot do.

    Its help, in Italian and English: ``catalogue.HELP["analyze"]``.
    """
    if output_format not in FORMATS:
        fail(say("format_choices", choices=", ".join(FORMATS)), 2)
    if as_of is not None and all_dates:
        fail(say("as_of_and_all_dates"), 2)
    try:
        from capcoe_rules.analysis import DateMode, SolverMissingError, analyse
    except ImportError:  # the 'analysis' extra is not installed
        fail(say("analysis_needs_extra"), 2)
    dates = (
        DateMode("fixed", as_of.date())
        if as_of is not None
        else DateMode("all")
        if all_dates
        else DateMode()
    )
    ruleset = _ruleset(rules)
    old = _ruleset(base) if base is not None else None
    if as_of is not None:
        _in_force(ruleset, as_of.date(), rules)
    try:
        report = analyse(
            ruleset, str(rules), dates, base=old, base_origin=str(base) if base else "base"
        )
    except SolverMissingError:
        fail(say("analysis_needs_extra"), 2)
    if witnesses is not None:
        _write_witnesses(report, witnesses)
    if output_format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print(report, dates, lang, witnesses)
    if strict and report.problems:
        raise typer.Exit(1)


def _ruleset(directory: Path) -> CheckedRuleSet:
    from capcoe_rules.language import RuleSetError, load_ruleset

    try:
        return load_ruleset(directory)
    except RuleSetError as error:
        for problem in error.problems:
            print(problem.text(language()), file=sys.stderr)
        fail(say("rule_set_has_problems", path=directory), 1)
    except FileNotFoundError as error:
        fail(os_failure(error), 1)


def _in_force(ruleset: CheckedRuleSet, day: dt.date, rules: Path) -> None:
    if not ruleset.in_force_from <= day <= ruleset.in_force_to:
        period = {"start": ruleset.in_force_from, "end": ruleset.in_force_to}
        fail(say("not_in_force", day=day.isoformat(), path=rules, **period), 2)


def _witness_name(index: int, kind: str, rules: tuple[str, ...]) -> str:
    label = "-".join(rules) or kind
    return f"{index:03d}-{kind}-{re.sub(r'[^A-Za-z0-9-]+', '-', label)[:80]}.yaml"


def _write_witnesses(report: Report, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for index, finding in enumerate(report.findings, start=1):
        if finding.witness is not None:
            name = _witness_name(index, finding.kind, finding.rules)
            (directory / name).write_text(finding.witness.yaml(), encoding="utf-8")


def _print(report: Report, dates: DateMode, lang: str, witnesses: Path | None) -> None:
    from rich.table import Table

    from capcoe_rules.analysis.report import KIND_TITLES

    english = lang == "en"
    out.print(say("analyze_rules_line", ruleset=report.ruleset), highlight=False)
    if report.base:
        out.print(say("analyze_base_line", ruleset=report.base), highlight=False)
    shown = {"case": say("analyze_case_date"), "all": say("analyze_all_dates")}
    day = shown.get(dates.kind) or report.dates  # a fixed day: the date itself
    out.print(say("analyze_dates_line", dates=day), highlight=False)
    if report.findings:
        table = Table(title=say("analyze_findings"), title_justify="left", show_lines=True)
        table.add_column("#", overflow="fold")
        for column in ("kind", "where", "finding", "witness"):
            table.add_column(say(f"analyze_{column}"), overflow="fold")
        for index, finding in enumerate(report.findings, start=1):
            kind = KIND_TITLES[finding.kind][1 if english else 0]
            marker = "" if finding.problem else f" {say('analyze_info')}"
            witness = "-"
            if finding.witness is not None:
                confirmed = finding.witness.confirmed
                state = say("analyze_confirmed" if confirmed else "analyze_not_confirmed")
                witness = f"{state}: {finding.witness.observed}"
                if witnesses is not None:
                    witness += f"\n{witnesses / _witness_name(index, finding.kind, finding.rules)}"
            table.add_row(
                str(index),
                kind + marker,
                "\n".join(str(place) for place in finding.places) or "-",
                finding.message.text(lang),
                witness,
            )
        out.print(table)
    if report.not_analysed:
        out.print(say("analyze_not_analysed"))
        for item in report.not_analysed:
            where = ", ".join(str(place) for place in item.places)
            out.print(
                f"  - {item.message.text(lang)}" + (f" ({where})" if where else ""),
                highlight=False,
                markup=False,
            )
    problems = len(report.problems)
    summary = say(
        "analyze_summary",
        problems=problems,
        others=len(report.findings) - problems,
        not_analysed=len(report.not_analysed),
        queries=grouped(sum(report.checked.values())),
        seconds=fixed(report.seconds, 1),
    )
    err.print(summary, highlight=False)
