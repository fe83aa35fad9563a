"""Deciding records, serially or in worker processes, always in input order.

Work goes out in chunks (a few hundred records) so that the cost of crossing a process
boundary is paid per chunk, not per case. Each worker receives the evaluator once, at
start-up: an :class:`~capcoe_rules.engine.Engine` pickles as its checked rule set and is
compiled again in the worker, so every worker decides with the very same rule set as the
parent. Results come back chunk by chunk in submission order (for a batch, each chunk as
the text of its decisions and errors), with a bounded number of chunks in flight, so
memory does not grow with the input and the output of ``--workers 4`` is byte for byte
that of ``--workers 1``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import pickle
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import NamedTuple, Protocol, TypeVar

from pydantic import BaseModel

from capcoe_rules.batch.ranges import LineRange, SharedSource
from capcoe_rules.batch.reading import Record, parse_record
from capcoe_rules.batch.summary import tally_key
from capcoe_rules.batch.worker import install_state, run_task
from capcoe_rules.case_messages import case_problem
from capcoe_rules.errors import CaseError, EvaluationError, RecordError

CHUNK_SIZE = 256
"""Records per chunk: large enough to amortise pickling, small enough to keep order cheap."""
IN_FLIGHT_PER_WORKER = 3
"""Chunks queued per worker: keeps every worker busy while bounding memory."""

State = TypeVar("State")
Item = TypeVar("Item")
Result = TypeVar("Result")


class DecisionLike(Protocol):
    """What a batch needs of a decision: its JSON (``outcome``/``lookups`` are optional)."""

    def to_json(self, indent: int | None = None) -> str: ...


class DecisionText(Protocol):
    """A decision written as JSON text (``outcome``/``lookups`` are optional)."""

    @property
    def json(self) -> str: ...


class Evaluator(Protocol):
    """An :class:`~capcoe_rules.engine.Engine` or a ``ReferenceEvaluator``."""

    def evaluate_json(
        self, case: BaseModel, as_of: dt.date | None = None, *, compact: bool = False
    ) -> DecisionText: ...


class Work(NamedTuple):
    """What every record of a batch is decided with (sent once to each worker)."""

    evaluator: Evaluator
    as_of: dt.date | None = None
    explain: bool = False
    """Write full decisions, every rule explained, instead of compact ones."""


class Decided(NamedTuple):
    """A record decided: its line, the decision's JSON and its summary key."""

    line: int
    json: str
    outcome: str
    category: str


Outcome = Decided | RecordError


def decide_record(
    evaluator: Evaluator, record: Record, as_of: dt.date | None, explain: bool = False
) -> Outcome:
    """Decide one record; a malformed case or one the rules cannot judge becomes an error.

    ``EvaluationError`` (a formula that fails on this case, such as a division by zero)
    is the case's problem, not the batch's: it is reported and the batch goes on. Any
    other exception is a bug and stops the batch, leaving no output behind. The decision
    is the compact one unless ``explain`` (:mod:`capcoe_rules.models.compact`).
    """
    case = parse_record(record)
    if isinstance(case, RecordError):
        return case
    try:
        decision = evaluator.evaluate_json(case, as_of=as_of, compact=not explain)
    except CaseError as error:
        return RecordError(record.line, _case_id(case), tuple(error.problems))
    except EvaluationError as error:
        failed = case_problem("", "evaluation_failed", error=error.text)
        return RecordError(record.line, _case_id(case), (failed,))
    outcome, category = tally_key(decision)
    return Decided(record.line, decision.json, outcome, category)


def decide_chunk(work: Work, records: Sequence[Record]) -> list[Outcome]:
    """Decide a chunk of records, one outcome each."""
    evaluator, as_of, explain = work
    return [decide_record(evaluator, record, as_of, explain) for record in records]


class DecidedChunk(NamedTuple):
    """A chunk of records decided, as a batch writes it: the bytes of each output file and
    the summary's counts. A worker sends one of these per chunk, not an object per record,
    and bytes, not text (pickle would encode the text to send it, the parent decode it and
    encode it again to write it): the parent only writes. A line each, not the chunk
    joined: 256 full decisions are 5.6 MB, and a fresh buffer that large costs the kernel
    a page fault per 4 KB written into it."""

    decisions: list[bytes]
    """The decisions' JSON Lines in UTF-8, in input order, each line ended."""
    errors: list[bytes]
    """The bad records' JSON Lines (:meth:`RecordError.to_json`), in input order."""
    counts: Counter[tuple[str, str]]
    """Decisions by (outcome, region category), as :class:`Summary` counts them."""
    error_count: int
    records: int


def decide_chunk_lines(work: Work, records: Sequence[Record]) -> DecidedChunk:
    """Decide a chunk of records into the lines of a batch's two outputs."""
    decisions: list[str] = []
    errors: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    for outcome in decide_chunk(work, records):
        if isinstance(outcome, RecordError):
            errors.append(outcome.to_json())
        else:
            decisions.append(outcome.json)
            counts[(outcome.outcome, outcome.category)] += 1
    return DecidedChunk(_lines(decisions), _lines(errors), counts, len(errors), len(records))


class RangeWork(NamedTuple):
    """What a worker needs to read its own chunks of a batch's input and decide them."""

    work: Work
    source: SharedSource


def decide_range_lines(state: RangeWork, lines: LineRange) -> DecidedChunk:
    """Read a range of the input in this process, then decide it as
    :func:`decide_chunk_lines` does (see :mod:`capcoe_rules.batch.ranges`)."""
    return decide_chunk_lines(state.work, state.source.read(lines))


def _lines(texts: list[str]) -> list[bytes]:
    return [(text + "\n").encode() for text in texts]


def decide_records(
    evaluator: Evaluator,
    records: Iterable[Record],
    *,
    as_of: dt.date | None = None,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
    explain: bool = False,
) -> Iterator[Outcome]:
    """Decide every record, yielding outcomes in input order: compact decisions, or with
    ``explain`` full ones.

    With ``workers`` > 1 the evaluator must pickle (an ``Engine`` does).
    """
    work = Work(evaluator, as_of, explain)
    for outcomes in ordered_map(decide_chunk, work, chunked(records, chunk_size), workers):
        yield from outcomes


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread: a worker process spawned meanwhile starts with it
    blocked (the signal mask survives fork and exec), so that no Ctrl-C can kill it
    before it ignores SIGINT. A Ctrl-C to this process still arrives: the kernel gives it
    to another thread, or delivers it when unblocked."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ordered_map(
    task: Callable[[State, Item], Result],
    state: State,
    items: Iterable[Item],
    workers: int,
) -> Iterator[Result]:
    """``task(state, item)`` for each item, in order; in ``workers`` processes if above 1.

    ``task`` must be a module-level function and ``state`` picklable: the state is sent
    once to each worker, the items one by one. Processes are started with ``spawn`` so
    that a worker never inherits the parent's threads or locks (rich's refresh thread,
    the engine's lock) half-way through an operation, as ``fork`` can.
    """
    if workers <= 1:
        for item in items:
            yield task(state, item)
        return
    context = multiprocessing.get_context("spawn")
    # Creating the pool starts multiprocessing's resource tracker, which unblocks SIGINT
    # once it runs: it must run before _sigint_blocked.
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=install_state,
        initargs=(pickle.dumps(state, pickle.HIGHEST_PROTOCOL),),
    )
    pending: deque[Future[Result]] = deque()
    try:
        for item in items:
            with _sigint_blocked():  # workers are spawned in submit, as work arrives
                pending.append(pool.submit(run_task, task, item))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _case_id(case: BaseModel) -> str | None:
    case_id = getattr(case, "id", None)
    return None if case_id is None else str(case_id)
