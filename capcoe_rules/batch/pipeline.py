"""A whole batch: JSON Lines in, decisions and errors out, both written atomically.

The same function serves ``capcoe-rules batch`` and the end-to-end figure of
``capcoe-rules bench``, so the benchmark measures the path users run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from capcoe_rules.atomic import atomic_bytes_writer, same_file
from capcoe_rules.batch.interrupts import deferred_interrupts
from capcoe_rules.batch.ranges import line_ranges, shared_source
from capcoe_rules.batch.reading import bounded_lines, read_records
from capcoe_rules.batch.running import (
    CHUNK_SIZE,
    DecidedChunk,
    Evaluator,
    RangeWork,
    Work,
    chunked,
    decide_chunk_lines,
    decide_range_lines,
    ordered_map,
)
from capcoe_rules.batch.summary import Summary
from capcoe_rules.errors import DestinationError

Progress = Callable[[int], None]
"""Told how many more records were handled (called once per chunk)."""


def errors_path_for(out: Path) -> Path:
    """The default error file: ``decisions.jsonl`` -> ``decisions.errors.jsonl``."""
    return out.with_suffix(".errors.jsonl")


def run_batch(
    evaluator: Evaluator,
    source: Path,
    out: Path,
    errors: Path | None = None,
    *,
    as_of: dt.date | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    explain: bool = False,
) -> Summary:
    """Decide every record of ``source`` into ``out``; bad records go to ``errors``.

    Decisions are written one JSON per line in input order (compact decisions; with
    ``explain``, full ones, every rule explained), errors as
    ``{"line", "id", "errors"}``. The error file is always written, empty when every
    record was decided, so that a stale one from an earlier run never lingers next to
    fresh decisions. :class:`DestinationError` (an output that is the input, also through
    a link, or a directory) and ``OSError`` on opening ``source`` are raised before any
    output is created; any exception later leaves both destinations as they were.
    """
    errors = errors if errors is not None else errors_path_for(out)
    check_destinations(source, out, errors)
    summary = Summary()
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(source.open("rb"))
        decisions_out = stack.enter_context(atomic_bytes_writer(out))
        errors_out = stack.enter_context(atomic_bytes_writer(errors))
        interrupted = stack.enter_context(deferred_interrupts())
        for chunk in _decided_chunks(handle, source, Work(evaluator, as_of, explain), workers):
            interrupted()
            decisions_out.writelines(chunk.decisions)
            errors_out.writelines(chunk.errors)
            summary.counts.update(chunk.counts)
            summary.errors += chunk.error_count
            if progress is not None:
                progress(chunk.records)
    return summary


def _decided_chunks(
    handle: BinaryIO, source: Path, work: Work, workers: int
) -> Iterator[DecidedChunk]:
    """The input decided chunk by chunk, in input order. Workers read their own chunks of
    a file they can open again (:mod:`capcoe_rules.batch.ranges`); else this process
    reads every record and sends it to them."""
    shared = shared_source(source, handle) if workers > 1 else None
    if shared is not None:
        ranges = line_ranges(handle, CHUNK_SIZE)
        return ordered_map(decide_range_lines, RangeWork(work, shared), ranges, workers)
    records = chunked(read_records(bounded_lines(handle)), CHUNK_SIZE)
    return ordered_map(decide_chunk_lines, work, records, workers)


def check_destinations(source: Path, out: Path, errors: Path) -> None:
    """Refuse outputs that would destroy the input or each other, before writing anything."""
    if same_file(out, errors):
        raise DestinationError(f"the error file {errors} cannot be the decisions file")
    for kind, path in (("decisions", out), ("error", errors)):
        if same_file(path, source):
            raise DestinationError(
                f"the {kind} file {path} is the input {source}: it would be replaced"
            )
        if path.is_dir():
            raise DestinationError(f"the {kind} file {path} is a directory")
