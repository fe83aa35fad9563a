"""``capcoe-rules allocate``: hold an allocation round over applications in JSON Lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from capcoe_rules.cli.common import (
    RulesOption,
    command,
    err,
    fail,
    load_engine,
    os_failure,
    os_reason_said,
    out,
)
from capcoe_rules.cli.localized import decimal, fixed, grouped, language, say

if TYPE_CHECKING:
    from rich.table import Table

    from capcoe_rules.allocation import AllocationResult, CapUse, GroupUse, Invalid
    from capcoe_rules.engine import Engine


@command("allocate")
def allocate(
    applications: Annotated[Path, typer.Argument()],
    out_path: Annotated[Path, typer.Option("--out", "-o")],
    csv_path: Annotated[Path | None, typer.Option("--csv", show_default=False)] = None,
    rules: RulesOption = Path("rules"),
    as_of: Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])] = None,
    method: Annotated[str | None, typer.Option(show_default=False)] = None,
) -> None:
    """Share the call's posts among the eligible applications, within every cap.

    Its help, in Italian and English: ``catalogue.HELP["allocate"]``.
    """
    from capcoe_rules.allocation import (  # start-up: see cli.common
        RoundError,
        allocate_round,
        write_csv,
        write_json,
    )
    from capcoe_rules.errors import EvaluationError

    started = time.perf_counter()
    _refuse_overwriting(applications, out_path, csv_path)
    cases, sources, bad_lines = _read_lines(applications)
    engine = load_engine(rules)
    try:
        result = allocate_round(
            engine,
            cases,
            as_of=as_of.date() if as_of is not None else None,
            method=method,
            sources=sources,
            unreadable=bad_lines,
        )
    except RoundError as error:
        # The command's option, not the round's field, is what the user typed: no path.
        reason = dataclasses.replace(error.problem, path="").text(language())
        fail(say("round_impossible", reason=reason), 2)
    except EvaluationError as error:
        fail(say("rule_not_evaluated", path=rules, reason=error.text.pick(language())), 1)
    try:
        write_json(result, out_path)
        if csv_path is not None:
            write_csv(result, csv_path)
    except OSError as error:
        fail(say("cannot_write_result", reason=os_failure(error)), 2)
    elapsed = time.perf_counter() - started
    for entry in result.invalid:
        for message in entry.said(language()):
            err.print(f"{entry.source}: {message}", markup=False, highlight=False, soft_wrap=True)
    _print_summary(engine, result, elapsed)
    written = f"{out_path}" + (f" {say('and')} {csv_path}" if csv_path is not None else "")
    err.print(say("wrote", what=written), markup=False, highlight=False)
    if result.invalid:
        raise typer.Exit(1)


def _refuse_overwriting(source: Path, out_path: Path, csv_path: Path | None) -> None:
    from capcoe_rules.atomic import same_file

    outputs = [("--out", out_path)] + ([("--csv", csv_path)] if csv_path is not None else [])
    if csv_path is not None and same_file(out_path, csv_path):
        fail(say("csv_is_out"), 2)
    for option, path in outputs:
        if same_file(path, source):
            fail(say("output_is_input", option=option, path=path), 2)
        if path.is_dir():
            fail(say("output_is_directory", option=option, path=path), 2)


def _read_lines(path: Path) -> tuple[list[dict[str, Any]], list[str], list[Invalid]]:
    """The JSON objects of a JSON Lines file with their ``file:line`` sources; the lines
    that are not JSON objects come back as invalid entries.

    Lines end at ``\\n`` only: U+2028 and the other Unicode line breaks, valid inside a
    JSON string, are data.
    """
    from capcoe_rules.allocation import Invalid
    from capcoe_rules.case_messages import case_problem
    from capcoe_rules.errors import CaseError
    from capcoe_rules.jsontext import decode_utf8, load_json

    try:
        text = decode_utf8(path.read_bytes())
    except OSError as error:
        fail(say("cannot_read", path=path, reason=os_reason_said(error)), 2)
    except CaseError as error:
        fail(say("cannot_read", path=path, reason=error), 2)
    cases: list[dict[str, Any]] = []
    sources: list[str] = []
    invalid: list[Invalid] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            data = load_json(line)
        except CaseError as error:
            invalid.append(Invalid.of(source, error.problems))
            continue
        if not isinstance(data, dict):
            invalid.append(Invalid.of(source, [case_problem("", "not_a_mapping")]))
            continue
        cases.append(data)
        sources.append(source)
    return cases, sources, invalid


def _print_summary(engine: Engine, result: AllocationResult, elapsed: float) -> None:
    totals = result.totals
    ruleset = result.ruleset
    heading = say(
        "round_line",
        method=result.method,
        day=result.as_of.isoformat(),
        name=ruleset.name,
        version=ruleset.version,
        hash=ruleset.content_hash[:19],
    )
    out.print(heading, highlight=False)
    declaration = engine.ruleset.allocation
    assert declaration is not None  # the round was held
    groups = declaration.doc.groups.title
    for key, uses in (
        ("quotas_title", result.pools),
        ("profiles_title", result.profiles),
        ("bodies_title", result.bodies),
    ):
        out.print(_table(say(key), uses))
    method = declaration.methods[result.method]
    assumed = method.key is not None and method.key.table.doc.provenance == "assumption"
    title = (groups.en or groups.it) if language() == "en" else groups.it
    out.print(_groups_table(title, result.groups, assumed))
    shares = sum(1 for share in result.shares if share.allocated_total)
    said = say(
        "round_totals",
        allocated=grouped(totals.allocated),
        shares=grouped(shares),
        reserved=grouped(totals.reserved),
        sum=grouped(totals.allocated + totals.reserved),
        supply=grouped(totals.supply),
        demand=grouped(totals.demand),
        unmet=grouped(totals.unmet),
        unallocated=grouped(totals.unallocated),
    )
    out.print(said, highlight=False)
    counts = say(
        "round_counts",
        applications=grouped(totals.applications),
        eligible=grouped(totals.eligible),
        excluded=grouped(totals.excluded),
        invalid=grouped(totals.invalid),
        seconds=fixed(elapsed),
    )
    out.print(counts, highlight=False)


def _groups_table(title: str, uses: list[GroupUse], assumed: bool) -> Table:
    """Each group's posts next to its key share, and why they differ; ``assumed``: the
    key's values are marked as an assumption in the rule files."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    keyed = any(use.key_share is not None for use in uses)
    table.add_column("")
    if keyed:
        key = say("round_key") + (f" {say('assumption_mark')}" if assumed else "")
        table.add_column(Text(key), justify="right")
        table.add_column(say("round_key_share"), justify="right")
    table.add_column(say("round_demand"), justify="right")
    table.add_column(say("round_allocated"), justify="right")
    if keyed:
        table.add_column(say("round_why"))
    for use in uses:
        cells = [f"{use.label} ({use.group})"]
        if keyed:
            cells += [decimal(use.key_weight or 0), decimal(use.key_share or 0)]
        cells += [grouped(use.demand), grouped(use.allocated)]
        if keyed:
            cells.append(", ".join(say(f"why_{reason}") for reason in use.why))
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _table(title: str, uses: list[CapUse]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column(say("round_cap"), justify="right")
    for column in ("round_demand", "round_allocated", "round_unmet"):
        table.add_column(say(column), justify="right")
    table.add_column(say("round_full"))
    for use in uses:
        cap = "—" if use.cap is None else grouped(use.cap)
        if use.reserved:
            cap += f" {say('round_reserved')}"
        if use.provenance == "assumption":
            cap += f" {say('assumption_mark')}"
        cells = (
            use.label,
            cap,
            grouped(use.demand),
            grouped(use.allocated),
            grouped(use.unmet),
            say("yes") if use.full else "",
        )
        table.add_row(*(Text(cell) for cell in cells))  # Text: "[ipotesi]" is not markup
    return table
