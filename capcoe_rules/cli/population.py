"""``capcoe-rules population``: write the national test population as JSON Lines."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import app, err

DEFAULT_OUT = Path("fixtures/population/national.jsonl")


@app.command()
def population(
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Where to write.")] = DEFAULT_OUT,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of the deterministic draws (default: the project's, which gives "
            "fixtures/population/national.jsonl).",
            show_default=False,
        ),
    ] = None,
    national_round: Annotated[
        bool,
        typer.Option(
            "--round",
            help="Write the national allocation round's input instead: the population plus "
            "simulated Regioni, Province, Città metropolitane and Unioni di comuni, every "
            "body with a simulated resident population and spending capacity.",
        ),
    ] = False,
) -> None:
    """Generate one application per ISTAT comune (7,896), deterministically."""
    from capcoe_rules.population import (  # start-up: see cli.common
        DEFAULT_SEED,
        write_national_round,
        write_population,
    )

    seed = DEFAULT_SEED if seed is None else seed
    started = time.perf_counter()
    if national_round:
        count = write_national_round(out_path, seed)
        what = "applications (simulated national round)"
    else:
        count = write_population(out_path, seed)
        what = "applications"
    elapsed = time.perf_counter() - started
    err.print(f"wrote {count} {what} to {out_path} in {elapsed:.2f} s", markup=False)
