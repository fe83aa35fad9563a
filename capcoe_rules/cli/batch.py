"""``capcoe-rules batch``: decide many cases from JSON Lines, atomically, with a summary."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capcoe_rules.cli.catalogue import MESSAGES
from capcoe_rules.cli.common import (
    AsOfOption,
    RulesOption,
    command,
    err,
    fail,
    load_engine,
    os_failure,
    out,
    stderr_console,
)
from capcoe_rules.cli.localized import fixed, grouped, language, say

if TYPE_CHECKING:
    from capcoe_rules.batch.summary import Summary
    from capcoe_rules.engine import Engine


@command("batch")
def batch(
    source: Annotated[Path, typer.Argument()],
    out_path: Annotated[Path, typer.Option("--out", "-o")],
    errors_path: Annotated[Path | None, typer.Option("--errors", show_default=False)] = None,
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1)] = 1,
    explain: Annotated[bool, typer.Option("--explain")] = False,
) -> None:
    """Decide every case of a JSON Lines file; write decisions in input order.

    Its help, in Italian and English: ``catalogue.HELP["batch"]``.
    """
    from concurrent.futures.process import BrokenProcessPool

    from capcoe_rules.batch.pipeline import errors_path_for, run_batch
    from capcoe_rules.errors import DestinationError

    errors_path = errors_path if errors_path is not None else errors_path_for(out_path)
    _refuse_overwriting(source, out_path, errors_path)
    engine = load_engine(rules)
    day = as_of.date() if as_of is not None else None
    started = time.perf_counter()
    try:
        if err.is_terminal:
            summary = _with_progress(engine, source, out_path, errors_path, day, workers, explain)
        else:
            summary = run_batch(
                engine, source, out_path, errors_path, as_of=day, workers=workers, explain=explain
            )
    except OSError as error:
        fail(os_failure(error), 2)
    except DestinationError as error:
        fail(error.messages()[language()], 2)
    except BrokenProcessPool:
        fail(say("worker_died"), 1)
    seconds = time.perf_counter() - started
    _print_summary(summary)
    handled = summary.decided + summary.errors
    done = say(
        "batch_done",
        decided=grouped(summary.decided),
        out=out_path,
        errors=grouped(summary.errors),
        errors_path=errors_path,
        handled=grouped(handled),
        seconds=fixed(seconds),
        rate=grouped(round(handled / max(seconds, 1e-9))),
    )
    err.print(done, markup=False, highlight=False)
    if summary.errors:
        raise typer.Exit(1)


def _refuse_overwriting(source: Path, out_path: Path, errors_path: Path) -> None:
    """What ``run_batch`` refuses too, said in the user's language before anything is read."""
    from capcoe_rules.atomic import same_file

    if same_file(out_path, errors_path):
        fail(say("errors_is_out", path=errors_path), 2)
    for option, path in (("--out", out_path), ("--errors", errors_path)):
        if same_file(path, source):
            fail(say("output_is_input", option=option, path=path), 2)
        if path.is_dir():
            fail(say("output_is_directory", option=option, path=path), 2)


def _with_progress(
    engine: Engine,
    source: Path,
    out_path: Path,
    errors_path: Path,
    day: dt.date | None,
    workers: int,
    explain: bool,
) -> Summary:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from capcoe_rules.batch.pipeline import run_batch
    from capcoe_rules.batch.reading import count_records

    with source.open("rb") as handle:
        total = count_records(handle)
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr_console(), transient=True) as progress:
        task = progress.add_task(say("deciding", name=source.name), total=total)
        return run_batch(
            engine,
            source,
            out_path,
            errors_path,
            as_of=day,
            workers=workers,
            progress=lambda count: progress.advance(task, count),
            explain=explain,
        )


def _print_summary(summary: Summary) -> None:
    """Decisions by region category (rows) and outcome (columns), with totals."""
    from rich.table import Table

    outcomes = summary.outcomes
    table = Table(title=say("batch_title"), title_justify="left")
    table.add_column(say("region_category"))
    for outcome in outcomes:
        key = f"outcome_{outcome}"
        table.add_column(say(key) if key in MESSAGES else outcome, justify="right")
    table.add_column(say("total"), justify="right", style="bold")
    categories = summary.categories
    for index, category in enumerate(categories, start=1):
        row = [summary.counts[(outcome, category)] for outcome in outcomes]
        table.add_row(
            category,
            *(str(count) for count in row),
            str(sum(row)),
            end_section=index == len(categories),
        )
    totals = summary.by_outcome()
    every = [str(totals[outcome]) for outcome in outcomes]
    table.add_row(say("total"), *every, str(summary.decided), style="bold")
    if summary.errors:
        bad = [say("bad_records"), *("" for _ in outcomes), str(summary.errors)]
        table.add_row(*bad, style="red")
    out.print(table)
