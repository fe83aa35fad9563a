"""``batch --workers N`` against ``--workers 1``: whole processes, on an input large enough
for processes to pay for themselves (80,000 cases by default).

Each contender is the command a user runs (``python -m capcoe_rules batch``), start-up,
rule loading, worker start and writing included, interleaved round by round
(:mod:`.interleaved`). The figure is the ratio of wall times: what ``--workers N`` buys on
this machine's free cores, so the load average stands next to it. The two outputs must be
the same bytes, or the figure is a bug, not a speed.

A third contender says what the machine can give at all: N independent ``--workers 1``
batches, each on its Nth of the input, started together. Nothing is shared or sent
between them, so their ratio to one batch (the *ceiling*) is what N cores give this
workload at that moment, with the cache, memory and other tenants they share; on a
shared virtual machine it can be well under N. ``--workers N`` is judged against N; the
ceiling says how much of the gap is the machine's.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from capcoe_rules.batch.interleaved import Interleaved, interleave_process_groups


@dataclass(frozen=True)
class WorkersComparison:
    """Whole ``batch`` processes: one with 1 worker, one with ``workers``, and ``workers``
    independent ones on a part of the input each."""

    workers: int
    cases: int
    timed: Interleaved

    @property
    def speedup(self) -> float:
        """How many times faster ``--workers N`` finished than ``--workers 1`` (wall)."""
        return self.timed.ratio("serial", "parallel", "wall")

    @property
    def ceiling(self) -> float:
        """How many times faster N independent batches of 1/N of the cases finished (wall)."""
        return self.timed.ratio("serial", "independent", "wall")


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
    processes, and ``workers`` independent batches of a part each, ``rounds`` times each,
    interleaved."""
    source = _written(directory / "workers-input.jsonl", texts, 0, cases)
    share = -(-cases // workers)  # the last part may be shorter
    parts = [
        _written(directory / f"workers-part-{index}.jsonl", texts, start, min(start + share, cases))
        for index, start in enumerate(range(0, cases, share))
    ]
    outputs = {name: directory / f"workers-{name}.jsonl" for name in ("serial", "parallel")}
    part_outputs = [part.with_name(f"{part.stem}-decisions.jsonl") for part in parts]

    def batch(source: Path, out: Path, *options: str) -> list[str]:
        command = [sys.executable, "-m", "capcoe_rules", "batch", str(source), "-o", str(out)]
        return [*command, "--rules", str(rules), *options]

    timed = interleave_process_groups(
        {
            "serial": [batch(source, outputs["serial"])],
            "parallel": [batch(source, outputs["parallel"], "--workers", str(workers))],
            "independent": [batch(*pair) for pair in zip(parts, part_outputs, strict=True)],
        },
        rounds,
    )
    decided = outputs["serial"].read_bytes()
    if outputs["parallel"].read_bytes() != decided:
        raise RuntimeError(f"--workers {workers} wrote other decisions than --workers 1: a bug")
    if b"".join(out.read_bytes() for out in part_outputs) != decided:
        raise RuntimeError("the parts of the input, decided apart, differ from the whole: a bug")
    return WorkersComparison(workers, cases, timed)


def _written(path: Path, texts: Sequence[str], start: int, stop: int) -> Path:
    """Cases ``start`` to ``stop`` of ``texts`` repeated over and over, one per line."""
    cycled = itertools.islice(itertools.cycle(texts), start, stop)
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(text + "\n" for text in cycled)
    return path
