"""The performance figures of this machine, each next to the project's target.

Targets are reported, never asserted in tests: timings depend on the machine and on what
else runs on it, so a test that fails on a busy CI runner would teach people to ignore
it. ``capcoe-rules bench`` measures, on the bundled rule set and the national population
(generated in memory, 7,896 applications):

1. rule set load + check + compile time (median of several runs);
2. single-evaluation latency percentiles, on validated models and on JSON text;
3. the end-to-end batch on one core (JSON Lines in, validate, decide, JSON Lines out,
   through the same function as ``capcoe-rules batch``), with compact decisions, with
   full ones, with today's way to full ones kept as the baseline (decision objects, then
   ``to_json``) and through the plain-Python ``ReferenceEvaluator``: interleaved round by
   round (:mod:`.interleaved`), CPU and wall time, the ratios and the load average;
4. whole processes (an empty Python, ``--help``, ``evaluate`` of one case), interleaved,
   and the load + check + compile time of a rule set enlarged to 1,000 rules;
5. the HTTP service (``POST /v1/decisions``, N concurrent clients) next to in-process
   evaluation (:mod:`.service_bench`), when the ``serve`` extra is installed;
6. peak resident memory, and its growth over many evaluations;
7. the allocation round, national and N times larger, per method, interleaved
   (:mod:`.allocation_bench`).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from capcoe_rules.batch.allocation_bench import AllocationScaling, compare_allocation
from capcoe_rules.batch.interleaved import interleave, interleave_commands
from capcoe_rules.batch.pipeline import run_batch
from capcoe_rules.batch.running import Evaluator
from capcoe_rules.batch.service_bench import (
    ServiceComparison,
    compare_service,
    service_available,
)
from capcoe_rules.batch.workers_bench import WorkersComparison, compare_workers
from capcoe_rules.batch.workloads import enlarged_sources
from capcoe_rules.engine import Engine, ReferenceEvaluator, parse_case
from capcoe_rules.engine.decision_json import DecisionText
from capcoe_rules.language import load_ruleset
from capcoe_rules.language.sources import read_sources
from capcoe_rules.population import national_population, national_round_applications

NATIONAL_CASES = 7896
"""The national population, one application per comune: the unit of the batch target."""
TARGET_BATCH_SECONDS = 1.0
TARGET_P99_MS = 1.0
TARGET_LOAD_SECONDS = 0.5
TARGET_REFERENCE_RATIO = 5.0
TARGET_GROWTH_MB = 10.0
TARGET_COMPACT_SPEEDUP = 3.0
TARGET_FULL_SPEEDUP = 1.8
TARGET_COMPACT_BYTES = 1500.0
TARGET_HELP_RATIO = 4.0
TARGET_EVALUATE_RATIO = 12.0
TARGET_GROWTH_EVALUATIONS = 1_000_000
TARGET_WORKERS_SHARE = 0.85
"""``--workers N`` is held to 0.85 N times ``--workers 1`` (1.7x for 2): close to N."""
TARGET_ALLOCATION_GROWTH = 1.2
"""A round N times the national one within 1.2 N times its time (12x for 10x)."""
MB = 1024 * 1024


@dataclass(frozen=True)
class Figure:
    """One measured value, its unit, and the target it is held to (if any)."""

    key: str
    label: str
    value: float
    unit: str
    target: float | None = None
    better: Literal["lower", "higher"] = "lower"
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.better == "lower" else self.value >= self.target

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "target_is": None if self.target is None else f"{self.better} or equal",
            "met": self.met,
            "note": self.note,
        }


@dataclass
class BenchReport:
    """Every figure of one run, with what the run was done on."""

    cases: int
    memory_cases: int
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)

    def figure(self, key: str) -> Figure:
        return next(figure for figure in self.figures if figure.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "memory_cases": self.memory_cases,
            "machine": self.machine,
            "figures": {figure.key: figure.to_dict() for figure in self.figures},
        }


Step = Callable[[str], None]
"""Told what the benchmark is about to measure (for a progress line)."""


def run_bench(
    rules: Path,
    *,
    cases: int | None = None,
    memory_cases: int = 100_000,
    load_runs: int = 7,
    workers: int = 1,
    service: bool = True,
    clients: int = 4,
    service_requests: int = 2000,
    batch_rounds: int = 5,
    startup_rounds: int = 5,
    large_rules: int = 1000,
    allocation_scale: int = 10,
    allocation_rounds: int = 1,
    workers_cases: int = 80_000,
    workers_rounds: int = 3,
    step: Step | None = None,
) -> BenchReport:
    """Measure everything on ``rules`` and the first ``cases`` of the national population.

    ``cases`` takes an even spread of the population (every k-th comune) so that a small
    sample keeps the national mix of regions and mistakes; the allocation round takes
    the same spread of the national round's input. ``allocation_scale``: the larger
    round, in national rounds (0: no allocation figures). ``workers`` above 1: whole
    ``batch`` processes with that many workers and with one, on ``workers_cases`` cases.
    """
    say = step or (lambda _: None)
    say("generating the population")
    population = _sample(list(national_population()), cases)
    texts = [json.dumps(case, ensure_ascii=False, sort_keys=True) for case in population]
    report = BenchReport(len(texts), memory_cases, _machine())

    say("loading, checking and compiling the rule set")
    _measure_load(report, rules, load_runs)
    if large_rules:
        say(f"loading, checking and compiling a rule set of {large_rules:,} rules")
        _measure_large_load(report, rules, large_rules, load_runs)
    engine = Engine.from_path(rules)
    reference = ReferenceEvaluator.from_path(rules)
    models = [parse_case(text) for text in texts]

    say("timing single evaluations")
    durable_models = _latencies(engine.evaluate, models)
    _latency_figures(report, "single", "validated model", durable_models)
    _latency_figures(report, "single_json", "JSON text", _latencies(engine.evaluate, texts))
    reference_models = _latencies(reference.evaluate, models)
    report.add(
        Figure(
            "single_reference_ratio",
            "single evaluation, durable_rules / reference",
            sum(durable_models) / sum(reference_models),
            "x",
            TARGET_REFERENCE_RATIO,
            note=f"reference mean {statistics.fmean(reference_models) / 1e6:.3f} ms",
        )
    )

    with tempfile.TemporaryDirectory(prefix="capcoe-bench-") as directory:
        here = Path(directory)
        source = here / "population.jsonl"
        source.write_text("".join(text + "\n" for text in texts), encoding="utf-8")
        say(
            f"end-to-end batch, {batch_rounds} interleaved rounds: compact, full, "
            "today's objects, the reference"
        )
        _batch_comparison(report, engine, reference, source, here, batch_rounds)
        if workers > 1:
            say(
                f"batch --workers {workers} and --workers 1 on {workers_cases:,} cases, "
                f"{workers_rounds} interleaved round(s)"
            )
            parallel = compare_workers(
                rules, texts, here, workers=workers, cases=workers_cases, rounds=workers_rounds
            )
            _workers_figures(report, parallel)
        if startup_rounds:
            say(f"whole-process start-up, {startup_rounds} interleaved rounds")
            _startup_figures(report, rules, texts[0], here, startup_rounds)

    if service and service_available():
        say(f"the HTTP service with {clients} clients, next to in-process evaluation")
        comparison = compare_service(rules, texts, clients=clients, requests=service_requests)
        _service_figures(report, comparison)
    elif service:
        say("the HTTP service: skipped, the 'serve' extra is not installed")

    if allocation_scale:
        say(
            f"allocation rounds, national and {allocation_scale}x, "
            f"{allocation_rounds} interleaved round(s)"
        )
        applications = _sample(list(national_round_applications()), cases)
        scaling = compare_allocation(
            read_sources(rules).texts,
            applications,
            scale=allocation_scale,
            rounds=allocation_rounds,
        )
        _allocation_figures(report, scaling)

    say(f"memory over {memory_cases:,} evaluations")
    _memory_figures(report, engine, models, memory_cases)
    return report


def _sample(population: list[dict[str, Any]], cases: int | None) -> list[dict[str, Any]]:
    if cases is None or cases >= len(population):
        return population
    stride = max(1, len(population) // max(cases, 1))
    return population[::stride][:cases]


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "processor": platform.processor() or _cpu_model(),
        "cpus": os.cpu_count(),
        "date": dt.date.today().isoformat(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _measure_load(report: BenchReport, rules: Path, runs: int) -> None:
    loads: list[float] = []
    compiles: list[float] = []
    for _ in range(max(runs, 1)):
        started = time.perf_counter()
        ruleset = load_ruleset(rules, cached=False)  # the checker, not the cache
        loaded = time.perf_counter()
        Engine(ruleset, origin=str(rules))
        compiles.append(time.perf_counter() - loaded)
        loads.append(loaded - started)
    total = [load + compile_ for load, compile_ in zip(loads, compiles, strict=True)]
    report.add(
        Figure(
            "load_check_compile",
            "rule set load + check + compile",
            statistics.median(total),
            "s",
            TARGET_LOAD_SECONDS,
            note=f"median of {len(total)}: load+check {statistics.median(loads):.3f} s, "
            f"compile {statistics.median(compiles):.3f} s",
        )
    )


def _measure_large_load(report: BenchReport, rules: Path, count: int, runs: int) -> None:
    """The bundled rule set enlarged to ``count`` rules (``workloads.enlarged_sources``)."""
    sources = enlarged_sources(read_sources(rules).texts, count)
    timed = interleave({"large": lambda: Engine.from_sources(sources)}, min(runs, 3))
    timing = timed.timings["large"]
    report.add(
        Figure(
            "load_check_compile_large",
            f"rule set of {count:,} rules: load + check + compile",
            timing.median_wall,
            "s",
            note=f"median of {timed.rounds}; CPU {timing.median_cpu:.3f} s",
        )
    )


def _latencies(evaluate: Callable[[Any], Any], cases: Sequence[BaseModel | str]) -> list[int]:
    """Nanoseconds of each call, after a short warm-up (first-call caches, imports)."""
    for case in cases[:50]:
        evaluate(case)
    clock = time.perf_counter_ns
    timings = []
    for case in cases:
        started = clock()
        evaluate(case)
        timings.append(clock() - started)
    return timings


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``: a value measured.

    The small epsilon keeps ``0.99 * 100`` (99.00000000000001 in binary) at rank 99.
    """
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def _latency_figures(report: BenchReport, key: str, label: str, timings: list[int]) -> None:
    milliseconds = [timing / 1e6 for timing in timings]
    for name, share in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        report.add(
            Figure(
                f"{key}_{name}",
                f"single evaluation {name}, {label}",
                percentile(milliseconds, share),
                "ms",
                TARGET_P99_MS if name == "p99" else None,
            )
        )
    report.add(Figure(f"{key}_max", f"single evaluation max, {label}", max(milliseconds), "ms"))
    report.add(
        Figure(
            f"{key}_throughput",
            f"single evaluation throughput, {label}",
            len(milliseconds) / (sum(milliseconds) / 1000),
            "cases/s",
        )
    )


class ObjectsBaseline:
    """Today's way to a decision's bytes, kept as the benchmark's baseline: the decision
    built as objects, then ``to_json`` (what ``batch`` wrote before ``evaluate_json``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def evaluate_json(
        self, case: BaseModel, as_of: dt.date | None = None, *, compact: bool = False
    ) -> DecisionText:
        decision = self._engine.evaluate(case, as_of=as_of)
        return DecisionText(decision.to_json(), decision.outcome, getattr(decision, "lookups", {}))


def _batch_comparison(
    report: BenchReport,
    engine: Engine,
    reference: ReferenceEvaluator,
    source: Path,
    directory: Path,
    rounds: int,
) -> None:
    """The end-to-end batch four ways, interleaved round by round, with the ratios."""
    outputs = {
        name: directory / f"{name}.jsonl"
        for name in ("batch", "batch_explain", "batch_baseline", "batch_reference")
    }
    baseline = ObjectsBaseline(engine)
    contenders: dict[str, Callable[[], object]] = {
        "batch": lambda: _batch_run(engine, source, outputs["batch"], False),
        "batch_explain": lambda: _batch_run(engine, source, outputs["batch_explain"], True),
        "batch_baseline": lambda: _batch_run(baseline, source, outputs["batch_baseline"], True),
        "batch_reference": lambda: _batch_run(reference, source, outputs["batch_reference"], False),
    }
    timed = interleave(contenders, rounds)
    if outputs["batch_explain"].read_bytes() != outputs["batch_baseline"].read_bytes():
        raise RuntimeError("full decisions written differ from today's: a bug, not a figure")
    labels = {
        "batch": ("end-to-end batch, 1 core", True),
        "batch_explain": ("same batch, full decisions (--explain)", False),
        "batch_baseline": ("same batch, today's objects + to_json (baseline)", False),
        "batch_reference": ("same batch, reference", False),
    }
    for key, (label, with_target) in labels.items():
        timing = timed.timings[key]
        _batch_figures(
            report,
            key,
            label,
            timing.median_wall,
            with_target,
            note=f"CPU {timing.median_cpu:.3f} s; median of {timed.rounds} interleaved rounds",
        )
        report.add(Figure(f"{key}_cpu", f"{label}: CPU time", timing.median_cpu, "s"))
    for key, label, target in (
        ("batch", "compact decisions", TARGET_COMPACT_SPEEDUP),
        ("batch_explain", "full decisions", TARGET_FULL_SPEEDUP),
    ):
        report.add(
            Figure(
                f"{key}_speedup",
                f"end-to-end batch, {label}: times faster than today's (CPU)",
                timed.ratio("batch_baseline", key),
                "x",
                target,
                better="higher",
                note=f"wall {timed.ratio('batch_baseline', key, 'wall'):.2f}x",
            )
        )
    report.add(
        Figure(
            "batch_reference_ratio",
            "end-to-end batch, durable_rules / reference",
            1 / timed.ratio("batch_reference", "batch"),
            "x",
            TARGET_REFERENCE_RATIO,
            note="CPU time",
        )
    )
    sizes: tuple[tuple[str, str, float | None], ...] = (
        ("batch", "compact decision", TARGET_COMPACT_BYTES),
        ("batch_explain", "full decision", None),
    )
    for key, label, limit in sizes:
        report.add(
            Figure(
                f"{key}_bytes",
                f"{label}: average size",
                outputs[key].stat().st_size / report.cases,
                "bytes",
                limit,
                note="JSON, with its newline",
            )
        )
    report.add(
        Figure(
            "batch_load_average",
            "load average (1 min) after the batch rounds",
            timed.load_after[0],
            "",
            note=timed.load_note,
        )
    )


def _batch_run(evaluator: Evaluator, source: Path, out: Path, explain: bool) -> None:
    summary = run_batch(evaluator, source, out, explain=explain)
    if summary.errors:
        raise RuntimeError(f"the benchmark population has {summary.errors} bad records")


def _startup_figures(
    report: BenchReport, rules: Path, case_text: str, directory: Path, rounds: int
) -> None:
    """Whole processes, interleaved: an empty Python, ``--help``, ``evaluate`` of one case."""
    case = directory / "case.json"
    case.write_text(case_text, encoding="utf-8")
    command = [sys.executable, "-m", "capcoe_rules"]
    timed = interleave_commands(
        {
            "python": [sys.executable, "-c", "pass"],
            "help": [*command, "--help"],
            "evaluate": [*command, "evaluate", str(case), "--rules", str(rules)],
        },
        rounds,
    )
    report.add(
        Figure(
            "startup_python",
            "empty Python start (python -c pass)",
            timed.timings["python"].median_wall,
            "s",
            note=f"CPU {timed.timings['python'].median_cpu:.3f} s",
        )
    )
    for key, label, target in (
        ("help", "capcoe-rules --help", TARGET_HELP_RATIO),
        ("evaluate", "capcoe-rules evaluate of one case", TARGET_EVALUATE_RATIO),
    ):
        timing = timed.timings[key]
        report.add(
            Figure(
                f"startup_{key}",
                f"{label}: wall time",
                timing.median_wall,
                "s",
                note=f"CPU {timing.median_cpu:.3f} s; median of {timed.rounds} interleaved rounds",
            )
        )
        report.add(
            Figure(
                f"startup_{key}_ratio",
                f"{label} / empty Python start (wall)",
                timed.ratio(key, "python", "wall"),
                "x",
                target,
                note=timed.load_note,
            )
        )


def _workers_figures(report: BenchReport, comparison: WorkersComparison) -> None:
    """The whole-process batches (wall, CPU of the processes), the ratio, and the ceiling
    the machine allowed (see :mod:`.workers_bench`)."""
    timed, workers = comparison.timed, comparison.workers
    contenders = (
        ("serial", "--workers 1"),
        ("parallel", f"--workers {workers}"),
        ("independent", f"{workers} independent --workers 1 on 1/{workers} each"),
    )
    for key, label in contenders:
        timing = timed.timings[key]
        report.add(
            Figure(
                f"batch_workers_{key}",
                f"batch {label}, {comparison.cases:,} cases, whole process: wall time",
                timing.median_wall,
                "s",
                note=f"CPU {timing.median_cpu:.2f} s (all its processes); "
                f"median of {timed.rounds} interleaved rounds",
            )
        )
    report.add(
        Figure(
            "batch_workers_ceiling",
            f"{workers} independent batches of 1/{workers} / one batch, "
            f"{comparison.cases:,} cases (wall)",
            comparison.ceiling,
            "x",
            better="higher",
            note=f"what {workers} cores gave this work now, nothing shared",
        )
    )
    report.add(
        Figure(
            "batch_workers_speedup",
            f"batch --workers {workers} / --workers 1, {comparison.cases:,} cases (wall)",
            comparison.speedup,
            "x",
            TARGET_WORKERS_SHARE * workers,
            better="higher",
            note=f"{comparison.speedup / comparison.ceiling:.0%} of the ceiling; "
            f"needs {workers} free cores; {timed.load_note}",
        )
    )


def _batch_figures(
    report: BenchReport, key: str, label: str, seconds: float, with_target: bool, note: str = ""
) -> None:
    scaled = TARGET_BATCH_SECONDS * report.cases / NATIONAL_CASES
    report.add(
        Figure(
            f"{key}_seconds",
            f"{label}: read, validate, decide, write {report.cases:,} cases",
            seconds,
            "s",
            scaled if with_target else None,
            note=(
                "target scaled from 1 s per 7,896"
                if with_target and report.cases != NATIONAL_CASES
                else note
            ),
        )
    )
    report.add(
        Figure(
            f"{key}_throughput",
            f"{label}: throughput",
            report.cases / seconds,
            "cases/s",
            NATIONAL_CASES / TARGET_BATCH_SECONDS if with_target else None,
            better="higher",
        )
    )


def _service_figures(report: BenchReport, comparison: ServiceComparison) -> None:
    service, local = comparison.service, comparison.in_process
    over = f"POST /v1/decisions, {comparison.clients} clients"
    alone = "in process, evaluate + to_json"
    for key, label, contender in (("service", over, service), ("in_process", alone, local)):
        report.add(
            Figure(
                f"{key}_throughput",
                f"{label}: throughput",
                contender.throughput,
                "cases/s",
                better="higher",
                note=f"{len(contender.latencies_ns):,} cases in {comparison.rounds} rounds",
            )
        )
        for name, share in (("p50", 0.5), ("p99", 0.99)):
            report.add(
                Figure(
                    f"{key}_{name}",
                    f"{label}: latency {name}",
                    percentile(contender.latencies_ms, share),
                    "ms",
                )
            )
    report.add(
        Figure(
            "service_throughput_ratio",
            "service / in process, throughput",
            service.throughput / local.throughput,
            "x",
            better="higher",
        )
    )
    report.add(
        Figure(
            "service_latency_ratio",
            "service / in process, latency p50",
            percentile(service.latencies_ms, 0.5) / percentile(local.latencies_ms, 0.5),
            "x",
        )
    )
    report.add(
        Figure(
            "service_wall",
            f"{over}: wall time",
            service.wall,
            "s",
            note=f"CPU: server {service.cpu:.2f} s, clients {service.client_cpu:.2f} s",
        )
    )
    report.add(
        Figure(
            "in_process_wall", f"{alone}: wall time", local.wall, "s", note=f"CPU {local.cpu:.2f} s"
        )
    )
    before, after = comparison.load_before, comparison.load_after
    report.add(
        Figure(
            "load_average",
            "load average (1 min) after the service rounds",
            after[0],
            "",
            note=f"before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}; "
            f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} (1, 5, 15 min); "
            f"{os.cpu_count()} CPUs",
        )
    )


def _allocation_figures(report: BenchReport, scaling: AllocationScaling) -> None:
    """Per method: the national round, the larger one (CPU, wall in the note), the ratio."""
    scale, timed = scaling.scale, scaling.timed
    rounds = f"median of {timed.rounds} interleaved rounds"
    for method in scaling.methods:
        sides = (
            ("national", "national", 1, scaling.national, f"mean of {scale} in a row; "),
            ("scaled", f"{scale}x", scale, scaling.larger, ""),
        )
        for key, size, factor, seconds, how in sides:
            report.add(
                Figure(
                    f"allocation_{method}_{key}_cpu",
                    f"allocation round, {method}, {size}: "
                    f"{scaling.applications * factor:,} applications, CPU time",
                    seconds(method, "cpu"),
                    "s",
                    note=f"wall {seconds(method, 'wall'):.3f} s; {how}{rounds}",
                )
            )
        report.add(
            Figure(
                f"allocation_{method}_ratio",
                f"allocation round, {method}: {scale}x / national (CPU)",
                scaling.ratio(method),
                "x",
                TARGET_ALLOCATION_GROWTH * scale,
                note=f"wall {scaling.ratio(method, 'wall'):.2f}x; {timed.load_note}",
            )
        )


def _memory_figures(
    report: BenchReport, engine: Engine, models: Sequence[BaseModel], evaluations: int
) -> None:
    """Resident memory growth over ``evaluations`` (after one warm-up pass), and the peak.

    The warm-up pass fills what is filled once (caches, interned strings, the allocator's
    arenas); what grows after it grows with every case, which is what a long-running
    server would feel.
    """
    for model in models:
        engine.evaluate(model)
    gc.collect()
    before = resident_bytes()
    for index in range(evaluations):
        engine.evaluate(models[index % len(models)])
    gc.collect()
    growth = (resident_bytes() - before) / MB
    report.add(
        Figure(
            "rss_growth",
            f"resident memory growth over {evaluations:,} evaluations",
            growth,
            "MB",
            TARGET_GROWTH_MB,
            note="; ".join(
                [
                    *(
                        [f"target is for {TARGET_GROWTH_EVALUATIONS:,} evaluations"]
                        if evaluations < TARGET_GROWTH_EVALUATIONS
                        else []
                    ),
                    f"facts left in durable_rules: {engine.facts_left()}",
                ]
            ),
        )
    )
    report.add(Figure("peak_rss", "peak resident memory", peak_resident_bytes() / MB, "MB"))


def resident_bytes() -> int:
    """Current resident set size: /proc on Linux, else the peak (the best portable proxy)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return peak_resident_bytes()


def peak_resident_bytes() -> int:
    """Peak resident set size of this process (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
