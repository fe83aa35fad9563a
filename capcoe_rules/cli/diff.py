"""``capcoe-rules diff``: the decisions a rule-set change alters, before it is committed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from capcoe_rules.cli.catalogue import MESSAGES
from capcoe_rules.cli.common import (
    AsOfOption,
    RulesOption,
    command,
    fail,
    note,
    os_failure,
    os_reason_said,
    out,
)
from capcoe_rules.cli.localized import decimal, grouped, language, say

if TYPE_CHECKING:
    from capcoe_rules.batch.diffing import CaseChange, DiffReport, RuleChange
    from capcoe_rules.engine import Engine
    from capcoe_rules.language import CheckedRuleSet


def outcomes() -> tuple[str, ...]:
    """Every outcome a transition can name."""
    from capcoe_rules.batch.diffing import ERROR
    from capcoe_rules.models.decision import Outcome
    from capcoe_rules.models.payment_decision import PaymentOutcome

    return (*get_args(Outcome), *get_args(PaymentOutcome), ERROR)


@command("diff")
def diff(
    population: Annotated[Path, typer.Argument()],
    base: Annotated[Path, typer.Option("--base")],
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option("--limit", min=0)] = 100,
    transition: Annotated[list[str] | None, typer.Option("--transition", metavar="OLD:NEW")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", metavar="ID")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", metavar="CODE-OR-NAME")] = None,
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1)] = 1,
) -> None:
    """The decisions of a population that a rule-set change alters.

    Its help, in Italian and English: ``catalogue.HELP["diff"]``.
    """
    from capcoe_rules.batch.diff_html import write_html  # start-up: see cli.common
    from capcoe_rules.batch.diffing import Selection, diff_population
    from capcoe_rules.batch.reading import read_records

    old_engine = _engine(base)
    new_engine = _engine(rules)
    selection = Selection(
        transitions=tuple(_transition(text) for text in transition or ()),
        rules=tuple(_known_rule(text, old_engine, new_engine) for text in rule or ()),
        regions=tuple(_known_region(text) for text in region or ()),
    )
    day = as_of.date() if as_of is not None else None
    try:
        with population.open("rb") as handle:
            report = diff_population(
                old_engine, new_engine, read_records(handle), as_of=day, workers=workers
            )
    except OSError as error:
        fail(os_failure(error), 2)
    report = report.select(selection)
    if html is not None:
        try:
            write_html(report, html, limit=limit)
        except OSError as error:
            fail(say("cannot_write", path=html, reason=os_reason_said(error)), 2)
    if json_output:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, base, rules, limit)
    if html is not None:
        note(say("html_written", path=html))


def _engine(directory: Path) -> Engine:
    from capcoe_rules.engine import Engine
    from capcoe_rules.language import RuleSetError

    try:
        return Engine.from_path(directory)
    except RuleSetError as error:
        for problem in error.problems:
            print(problem.text(language()), file=sys.stderr)
        fail(say("rule_set_has_problems", path=directory), 1)


def _transition(text: str) -> tuple[str, str]:
    from capcoe_rules.batch.diffing import ANY

    known = outcomes()
    old, colon, new = text.partition(":")
    for outcome in (old, new):
        if not colon or outcome not in (*known, ANY):
            fail(say("bad_transition", text=text, outcomes=", ".join(known)), 2)
    return (old, new)


def _known_rule(rule_id: str, *engines: Engine) -> str:
    known = {
        rule.id
        for engine in engines
        for case_rules in engine.ruleset.cases.values()
        for rule in case_rules.rules
    }
    if rule_id not in known:
        fail(say("unknown_rule", rule=rule_id), 2)
    return rule_id


def _known_region(text: str) -> str:
    from capcoe_rules.batch.diffing import known_regions

    regions = known_regions()
    if not any(region.matches(text) for region in regions):
        names = ", ".join(f"{region.code} {region.name}" for region in regions)
        fail(say("unknown_region", text=text, names=names), 2)
    return text


def _print_report(report: DiffReport, base: Path, rules: Path, limit: int) -> None:
    from rich.table import Table

    out.print(say("diff_base_line", path=base, identity=_identity(report.base)), highlight=False)
    out.print(say("diff_rules_line", path=rules, identity=_identity(report.rules)), highlight=False)
    _print_ruleset_changes(report)
    selected = report.selected()
    shown = selected if limit == 0 else selected[:limit]
    if shown:
        table = Table(title=say("diff_changes_title"), title_justify="left")
        for column in ("line", "case", "region", "change", "outcome"):
            table.add_column(say(f"diff_{column}"), overflow="fold")
        # A rule's line names its cause: it is the column that must stay whole.
        table.add_column(say("diff_responsible"), no_wrap=True)
        table.add_column(say("diff_fields"), overflow="fold")
        for change in shown:
            table.add_row(
                str(change.line),
                change.case_id or "-",
                "-" if change.region is None else change.region.name,
                say(f"diff_change_{change.kind}"),
                f"{change.old_outcome} → {change.new_outcome}",
                _responsible(change),
                ", ".join(change.fields) or "-",
            )
        out.print(table)
        if len(shown) < len(selected):
            more = say("diff_more", count=grouped(len(selected) - len(shown)))
            out.print(more, highlight=False, markup=False)
    _print_summary(report, len(selected))
    _print_money(report)


def _identity(ruleset: CheckedRuleSet) -> str:
    return f"{ruleset.name} {ruleset.version} ({ruleset.content_hash[:19]})"


_CHANGE_LISTS = (
    "rules_changed",
    "rules_added",
    "rules_removed",
    "parameters_changed",
    "tables_changed",
    "table_rows_changed",
)
"""The names :class:`RuleSetChanges` lists, in the order reports show them."""


def _print_ruleset_changes(report: DiffReport) -> None:
    changes = report.changes_in_rules
    if changes.empty:
        out.print(say("diff_same_rules"), highlight=False)
        return
    for kind in _CHANGE_LISTS:
        names: tuple[str, ...] = getattr(changes, kind)
        if names:
            out.print(f"{say('diff_' + kind)}: {', '.join(names)}", highlight=False, markup=False)
    if changes.period_changed:
        out.print(say("diff_period_changed"), highlight=False)
    latest = say("diff_no_case") if report.latest_as_of is None else report.latest_as_of.isoformat()
    for dated in report.not_yet_shown():
        kind_key = f"diff_kind_{dated.kind.replace(' ', '_')}"
        note_line = say(
            "diff_not_yet_shown",
            kind=say(kind_key) if kind_key in MESSAGES else dated.kind,
            name=dated.name,
            day=dated.first_day.isoformat(),
            latest=latest,
        )
        out.print(note_line, highlight=False, markup=False)


def _responsible(change: CaseChange) -> str:
    if change.old_error or change.new_error:
        return change.new_error or change.old_error or ""
    return "\n".join(_described(rule) for rule in change.rules) or "-"


def _described(rule: RuleChange) -> str:
    """``ASS-FINESTRA met → not_met (params.hiring_window_closes)``, in the user's language
    (:meth:`RuleChange.describe` says it in English)."""
    what = f"{rule.old} → {rule.new}" if rule.old != rule.new else say("diff_value_changed")
    causes = list(rule.reads_changed)
    if rule.definition_changed:
        causes.insert(0, say("diff_rule_edited"))
    return f"{rule.label} {what}" + (f" ({', '.join(causes)})" if causes else "")


def _print_summary(report: DiffReport, selected: int) -> None:
    from rich.table import Table

    table = Table(title=say("diff_summary_title"), title_justify="left")
    table.add_column(say("diff_transition"))
    table.add_column(say("diff_cases"), justify="right")
    transitions = report.transitions()
    for index, ((old, new), count) in enumerate(transitions, start=1):
        label = f"{old} → {new}" if old != new else say("diff_same_outcome", outcome=old)
        table.add_row(label, grouped(count), end_section=index == len(transitions))
    if not report.selection.empty:
        table.add_row(say("diff_selected"), grouped(selected), style="bold")
    table.add_row(say("diff_changed"), grouped(len(report.changes)), style="bold")
    table.add_row(say("diff_unchanged"), grouped(report.unchanged))
    if report.invalid:
        table.add_row(say("diff_invalid"), grouped(len(report.invalid)), style="red")
    table.add_row(say("diff_cases"), grouped(report.cases), style="bold")
    out.print(table)
    by_rule = report.by_rule()
    if by_rule:
        counted = ", ".join(f"{rule} ({grouped(count)})" for rule, count in by_rule)
        out.print(say("diff_by_rule", rules=counted), highlight=False, markup=False)


def _print_money(report: DiffReport) -> None:
    from rich.table import Table

    totals = report.money()
    if not totals:
        return
    # Summed over the changed cases shown: the unchanged ones add the same on both sides.
    table = Table(title=say("diff_money_title"), title_justify="left")
    table.add_column(say("diff_amount"))
    for column in ("base", "rules", "difference"):
        table.add_column(say(f"diff_{column}"), justify="right")
    for total in totals:
        difference = decimal(total.difference, "+,.2f")
        table.add_row(
            total.name, decimal(total.old, ",.2f"), decimal(total.new, ",.2f"), difference
        )
    out.print(table)
