"""``capcoe-rules bench``: this machine's speed and memory, next to the project's targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capcoe_rules.cli.common import RulesOption, command, err, fail, out
from capcoe_rules.cli.localized import language, say

if TYPE_CHECKING:
    from rich.text import Text

    from capcoe_rules.batch.bench import BenchReport, Figure


@command("bench")
def bench(
    rules: RulesOption = Path("rules"),
    cases: Annotated[
        int | None,
        typer.Option(
            "--cases", min=1, help="Cases of the national population to use (default: all)."
        ),
    ] = None,
    memory_cases: Annotated[
        int, typer.Option("--memory-cases", min=1, help="Evaluations for the memory growth.")
    ] = 100_000,
    load_runs: Annotated[
        int, typer.Option("--load-runs", min=1, help="Rule-set loads to take the median of.")
    ] = 7,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            help="Also time batch --workers N against --workers 1 and against N independent "
            "batches of 1/N of the cases (the machine's ceiling), whole processes.",
        ),
    ] = 1,
    service: Annotated[
        bool,
        typer.Option(
            "--service/--no-service",
            help="Also time the HTTP service next to in-process evaluation.",
        ),
    ] = True,
    clients: Annotated[
        int, typer.Option("--clients", min=1, help="Concurrent HTTP clients of the service.")
    ] = 4,
    service_requests: Annotated[
        int,
        typer.Option("--service-requests", min=1, help="Requests timed (and as many in process)."),
    ] = 2000,
    batch_rounds: Annotated[
        int,
        typer.Option("--batch-rounds", min=1, help="Interleaved rounds of the batch contenders."),
    ] = 5,
    startup_rounds: Annotated[
        int,
        typer.Option(
            "--startup-rounds", min=0, help="Interleaved rounds of whole processes (0: none)."
        ),
    ] = 5,
    large_rules: Annotated[
        int,
        typer.Option(
            "--large-rules", min=0, help="Also build a rule set of N rules and time it (0: no)."
        ),
    ] = 1000,
    allocation_scale: Annotated[
        int,
        typer.Option(
            "--allocation-scale",
            min=0,
            help="Also time the allocation round N (2 or more) times larger (0: no).",
        ),
    ] = 10,
    allocation_rounds: Annotated[
        int,
        typer.Option(
            "--allocation-rounds", min=1, help="Interleaved rounds of the allocation contenders."
        ),
    ] = 1,
    workers_cases: Annotated[
        int,
        typer.Option(
            "--workers-cases", min=1, help="Cases of the --workers comparison (whole processes)."
        ),
    ] = 80_000,
    workers_rounds: Annotated[
        int,
        typer.Option("--workers-rounds", min=1, help="Interleaved rounds of that comparison."),
    ] = 3,
    json_output: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Measure load time, latency, batch throughput, the reference ratio and memory.

    Always exits 0 when the measurement ran: targets missed are reported, not failures,
    because timings depend on the machine and on its load.
    """
    from capcoe_rules.batch.bench import run_bench  # start-up: see cli.common
    from capcoe_rules.language import RuleSetError

    if allocation_scale == 1:
        fail(say("allocation_scale_one"), 2)
    try:
        report = run_bench(
            rules,
            cases=cases,
            memory_cases=memory_cases,
            load_runs=load_runs,
            workers=workers,
            service=service,
            clients=clients,
            service_requests=service_requests,
            batch_rounds=batch_rounds,
            startup_rounds=startup_rounds,
            large_rules=large_rules,
            allocation_scale=allocation_scale,
            allocation_rounds=allocation_rounds,
            workers_cases=workers_cases,
            workers_rounds=workers_rounds,
            step=None if json_output else _step,
        )
    except RuleSetError as error:
        for problem in error.problems:
            err.print(problem.text(language()), markup=False, highlight=False)
        fail(say("rule_set_has_problems", path=rules), 1)
    if json_output:
        print(json.dumps(report.to_dict(), indent=2))
        return
    _print_report(report)


def _step(message: str) -> None:
    err.print(f"bench: {message}...", markup=False, highlight=False)


def _print_report(report: BenchReport) -> None:
    from rich.table import Table

    machine = report.machine
    table = Table(
        title=(
            f"capcoe-rules bench: {report.cases:,} cases; Python {machine['python']}, "
            f"{machine['processor']} ({machine['cpus']} CPUs)"
        ),
        title_justify="left",
    )
    for column in ("measure", "value", "target", "met", "note"):
        table.add_column(
            column,
            justify="right" if column in ("value", "target") else "left",
            overflow="fold",
        )
    for figure in report.figures:
        table.add_row(
            figure.label,
            _amount(figure.value, figure.unit),
            _target(figure),
            _met(figure),
            figure.note,
        )
    out.print(table)
    missed = [figure.key for figure in report.figures if figure.met is False]
    out.print(
        f"targets missed: {', '.join(missed)}" if missed else "every target met", highlight=False
    )


def _amount(value: float, unit: str) -> str:
    if unit == "cases/s":
        return f"{value:,.0f} {unit}"
    if unit == "bytes":
        return f"{value:,.0f} {unit}"
    if unit == "x":
        return f"{value:.2f}{unit}"
    if unit == "ms":
        return f"{value:.3f} {unit}"
    if not unit:
        return f"{value:.2f}"
    return f"{value:.3f} {unit}" if unit == "s" else f"{value:.1f} {unit}"


def _target(figure: Figure) -> str:
    if figure.target is None:
        return ""
    sign = "≤" if figure.better == "lower" else "≥"
    return f"{sign} {_amount(figure.target, figure.unit)}"


def _met(figure: Figure) -> Text:
    from rich.text import Text

    if figure.met is None:
        return Text("")
    return Text("yes", style="green") if figure.met else Text("no", style="red")
