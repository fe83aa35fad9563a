"""``capcoe-rules population``: write the national test population as JSON Lines."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import command, err
from capcoe_rules.cli.localized import fixed, grouped, say

DEFAULT_OUT = Path("fixtures/population/national.jsonl")


@command("population")
def population(
    out_path: Annotated[Path, typer.Option("--out", "-o")] = DEFAULT_OUT,
    seed: Annotated[int | None, typer.Option(show_default=False)] = None,
    national_round: Annotated[bool, typer.Option("--round")] = False,
) -> None:
    """Generate one application per ISTAT comune (7,896), deterministically.

    Its help, in Italian and English: ``catalogue.HELP["population"]``.
    """
    from capcoe_rules.population import (  # start-up: see cli.common
        DEFAULT_SEED,
        write_national_round,
        write_population,
    )

    seed = DEFAULT_SEED if seed is None else seed
    started = time.perf_counter()
    if national_round:
        count = write_national_round(out_path, seed)
        written = "round_written"
    else:
        count = write_population(out_path, seed)
        written = "population_written"
    seconds = fixed(time.perf_counter() - started)
    said = say(written, count=grouped(count), path=out_path, seconds=seconds)
    err.print(said, markup=False, highlight=False)
