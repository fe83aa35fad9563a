"""``batch --workers N`` against ``--workers 1``: whole processes, on an input large enough
for processes to pay for themselves (80,000 cases by default).

Each contender is the command a user runs (``python -m capcoe_rules batch``), start-up,
rule loading, worker start and writing included, interleaved round by round
(:mod:`.interleaved`). The figure is the ratio of wall times: what ``--workers N`` buys on
this machine's free cores, so the load average stands next to it. The two outputs must be
the same bytes, or the figure is a bug, not a speed.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from capcoe_rules.batch.interleaved import Interleaved, interleave_commands


@dataclass(frozen=True)
class WorkersComparison:
    """Whole ``batch`` processes with 1 and with ``workers`` processes."""

    workers: int
    cases: int
    timed: Interleaved

    @property
    def speedup(self) -> float:
        """How many times faster ``--workers N`` finished than ``--workers 1`` (wall)."""
        return self.timed.ratio("serial", "parallel", "wall")


def compare_workers(
    rules: Path,
    texts: Sequence[str],
    directory: Path,
    *,
    workers: int,
    cases: int,
    rounds: int,
) -> WorkersComparison:
    """Time ``batch`` of ``cases`` records (``texts`` over and over) with 1 and ``workers``
    processes, ``rounds`` times each, interleaved."""
    source = directory / "workers-input.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for text in itertools.islice(itertools.cycle(texts), cases):
            handle.write(text + "\n")
    outputs = {name: directory / f"workers-{name}.jsonl" for name in ("serial", "parallel")}
    command = [sys.executable, "-m", "capcoe_rules", "batch", str(source), "--rules", str(rules)]
    timed = interleave_commands(
        {
            "serial": [*command, "-o", str(outputs["serial"]), "--workers", "1"],
            "parallel": [*command, "-o", str(outputs["parallel"]), "--workers", str(workers)],
        },
        rounds,
    )
    if outputs["serial"].read_bytes() != outputs["parallel"].read_bytes():
        raise RuntimeError(f"--workers {workers} wrote other decisions than --workers 1: a bug")
    return WorkersComparison(workers, cases, timed)
