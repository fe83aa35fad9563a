"""``capcoe-rules bench`` runs and reports its figures; timings are never asserted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capcoe_rules.batch.bench import percentile
from capcoe_rules.batch import workers_bench
from capcoe_rules.batch.interleaved import (
    interleave,
    interleave_commands,
    interleave_process_groups,
)
from capcoe_rules.cli import app
from conftest import RULES

runner = CliRunner()
TINY = [
    *("--cases", "200", "--memory-cases", "1000", "--load-runs", "2", "--rules", str(RULES)),
    *("--batch-rounds", "2", "--startup-rounds", "1", "--large-rules", "150"),
    *("--allocation-scale", "3"),
]
NO_SERVICE = [*TINY, "--no-service"]


def test_bench_prints_every_figure_next_to_its_target() -> None:
    result = runner.invoke(app, ["bench", *NO_SERVICE])

    assert result.exit_code == 0, result.output
    output = result.stdout
    for label in (
        "rule set load + check + compile",
        "single evaluation p50, validated model",
        "single evaluation p99, validated model",
        "single evaluation p99, JSON text",
        "single evaluation max",
        "end-to-end batch, 1 core",
        "same batch, reference",
        "end-to-end batch, durable_rules / reference",
        "resident memory growth over 1,000 evaluations",
        "peak resident memory",
    ):
        assert label in output
    assert "≤ 0.500 s" in output and "≤ 1.000 ms" in output and "≤ 5.00x" in output
    assert "every target met" in output or "targets missed:" in output


def test_bench_json_has_values_targets_and_verdicts() -> None:
    result = runner.invoke(app, ["bench", *NO_SERVICE, "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["cases"] == 200
    assert report["memory_cases"] == 1000
    figures = report["figures"]
    for key in (
        "load_check_compile",
        "single_p50",
        "single_p90",
        "single_p99",
        "single_max",
        "single_json_p99",
        "single_reference_ratio",
        "batch_seconds",
        "batch_throughput",
        "batch_reference_seconds",
        "batch_reference_ratio",
        "batch_cpu",
        "batch_explain_seconds",
        "batch_baseline_cpu",
        "batch_speedup",
        "batch_explain_speedup",
        "batch_bytes",
        "batch_explain_bytes",
        "batch_load_average",
        "load_check_compile_large",
        "startup_python",
        "startup_help_ratio",
        "startup_evaluate_ratio",
        "rss_growth",
        "peak_rss",
    ):
        assert key in figures, key
    # Ratios are medians of interleaved rounds, against today's way kept as the baseline.
    speedup = figures["batch_baseline_cpu"]["value"] / figures["batch_cpu"]["value"]
    assert figures["batch_speedup"]["value"] == pytest.approx(speedup)
    assert figures["batch_bytes"]["value"] < figures["batch_explain_bytes"]["value"]
    assert figures["batch_speedup"]["target"] == 3.0
    assert "load average" in figures["batch_load_average"]["note"]
    assert "150 rules" in figures["load_check_compile_large"]["label"]
    help_ratio = figures["startup_help"]["value"] / figures["startup_python"]["value"]
    assert figures["startup_help_ratio"]["value"] == pytest.approx(help_ratio)
    assert figures["single_p50"]["value"] <= figures["single_p99"]["value"]
    assert figures["single_p99"]["value"] <= figures["single_max"]["value"]
    assert figures["batch_seconds"]["value"] > 0 and figures["peak_rss"]["value"] > 0
    assert figures["single_p99"]["target"] == 1.0
    assert isinstance(figures["single_p99"]["met"], bool)
    assert figures["single_p50"]["met"] is None  # no target: reported, not judged
    assert "facts left in durable_rules: 0" in figures["rss_growth"]["note"]


def test_bench_times_the_allocation_round_next_to_one_n_times_larger() -> None:
    result = runner.invoke(app, ["bench", *NO_SERVICE, "--allocation-rounds", "2", "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    for method in ("proporzionale", "priorita"):
        national = figures[f"allocation_{method}_national_cpu"]
        scaled = figures[f"allocation_{method}_scaled_cpu"]
        ratio = figures[f"allocation_{method}_ratio"]
        # The national round's even spread of 200 applications, and 3 times as many.
        assert "200 applications" in national["label"] and "600 applications" in scaled["label"]
        assert national["value"] > 0 and scaled["value"] > 0
        assert "mean of 3 in a row; median of 2 interleaved rounds" in national["note"]
        assert ratio["value"] == pytest.approx(scaled["value"] / national["value"])
        assert ratio["target"] == pytest.approx(3.6)  # 1.2 x the scale
        assert isinstance(ratio["met"], bool)
        assert "load average" in ratio["note"] and "wall" in ratio["note"]


def test_bench_leaves_the_allocation_out_when_asked_and_refuses_a_scale_of_one() -> None:
    options = [*NO_SERVICE, "--startup-rounds", "0", "--large-rules", "0", "--json"]
    skipped = runner.invoke(app, ["bench", *options, "--allocation-scale", "0"])

    assert skipped.exit_code == 0, skipped.output
    figures = json.loads(skipped.stdout)["figures"]
    assert "batch_seconds" in figures
    # The batch target, the national population (one application per comune) in 1 s,
    # scaled to the 200 cases run, and as a throughput.
    batch, throughput = figures["batch_seconds"], figures["batch_throughput"]
    assert batch["target"] == pytest.approx(200 / 7896)
    assert batch["note"] == "target scaled from 1 s per 7,896"
    assert throughput["target"] == pytest.approx(7896) and throughput["unit"] == "cases/s"
    assert throughput["value"] == pytest.approx(200 / batch["value"])
    assert not [key for key in figures if key.startswith("allocation_")]

    refused = runner.invoke(app, ["bench", *options, "--allocation-scale", "1"])
    assert refused.exit_code == 2
    assert "--allocation-scale vale 0 (nessun turno di assegnazione) o almeno 2" in refused.stderr
    refused = runner.invoke(app, ["--lang", "en", "bench", *options, "--allocation-scale", "1"])
    assert refused.exit_code == 2
    assert "--allocation-scale is 0 (no allocation round) or at least 2" in refused.stderr


def test_bench_times_whole_batches_with_n_workers_next_to_one() -> None:
    options = [*NO_SERVICE, "--startup-rounds", "0", "--large-rules", "0"]
    options += ["--allocation-scale", "0", "--workers", "2", "--workers-cases", "600"]
    result = runner.invoke(app, ["bench", *options, "--workers-rounds", "2", "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    serial, parallel = figures["batch_workers_serial"], figures["batch_workers_parallel"]
    assert "--workers 1, 600 cases" in serial["label"]
    assert "--workers 2, 600 cases" in parallel["label"]
    assert "median of 2 interleaved rounds" in parallel["note"]
    speedup = figures["batch_workers_speedup"]
    assert speedup["value"] == pytest.approx(serial["value"] / parallel["value"])
    assert speedup["target"] == pytest.approx(1.7)  # 0.85 x the workers
    assert "load average" in speedup["note"] and "2 free cores" in speedup["note"]
    independent, ceiling = figures["batch_workers_independent"], figures["batch_workers_ceiling"]
    assert "2 independent --workers 1 on 1/2 each, 600 cases" in independent["label"]
    assert ceiling["value"] == pytest.approx(serial["value"] / independent["value"])
    assert ceiling["target"] is None  # the machine's, not ours to meet
    share = speedup["value"] / ceiling["value"]
    assert speedup["note"].startswith(f"{share:.0%} of the ceiling")


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _waits_for(mine: Path, theirs: Path) -> list[str]:
    """A process that leaves ``mine`` and ends once ``theirs`` exists (exit 1 after 60 s)."""
    return _python(
        "import pathlib, sys, time\n"
        f"pathlib.Path({str(mine)!r}).touch()\n"
        "deadline = time.monotonic() + 60\n"
        f"while not pathlib.Path({str(theirs)!r}).exists():\n"
        "    if time.monotonic() > deadline: sys.exit(1)\n"
        "    time.sleep(0.01)\n"
    )


def test_a_group_of_processes_runs_together_in_every_round(tmp_path: Path) -> None:
    """Each waits for the other: run one after the other, the first would never end."""
    first, second = tmp_path / "first", tmp_path / "second"
    timed = interleave_process_groups(
        {"pair": [_waits_for(first, second), _waits_for(second, first)]}, rounds=2
    )
    assert timed.rounds == 2
    assert len(timed.timings["pair"].wall) == len(timed.timings["pair"].cpu) == 2


def test_a_group_fails_with_its_process_after_all_of_them_ended(tmp_path: Path) -> None:
    late = tmp_path / "late"
    group = [
        _python("import sys; sys.exit(3)"),
        _python(f"import pathlib, time; time.sleep(0.2); pathlib.Path({str(late)!r}).touch()"),
    ]
    with pytest.raises(subprocess.CalledProcessError) as failed:
        interleave_process_groups({"group": group}, rounds=1)
    assert failed.value.returncode == 3
    assert late.exists()  # the other process was waited for, not left running


def test_ctrl_c_while_a_group_runs_leaves_none_of_its_processes_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    sleeper = _python(
        f"import os, pathlib, time; pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()));"
        " time.sleep(60)"
    )

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            interleave_process_groups({"group": [sleeper, sleeper]}, rounds=1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    deadline = time.monotonic() + 10  # the sleepers wrote their pid within the second, or died
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):  # killed and waited for, not left running
        os.kill(int(pid_file.read_text()), 0)


def test_a_contenders_times_are_the_time_it_took_and_round_zero_still_runs_once() -> None:
    """Not a speed: sleeping 0.1 s takes at least 0.1 s of wall time and next to no CPU."""
    timed = interleave({"sleep": lambda: time.sleep(0.1)}, rounds=0)
    assert timed.rounds == 1
    [wall], [cpu] = timed.timings["sleep"].wall, timed.timings["sleep"].cpu
    assert 0.1 <= wall < 30
    assert 0 <= cpu < 0.09
    child = interleave_commands({"sleep": _python("import time; time.sleep(0.1)")}, rounds=0)
    [wall] = child.timings["sleep"].wall
    assert 0.1 <= wall < 30 and child.rounds == 1


def test_the_workers_figure_is_refused_when_the_outputs_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A faster --workers N that wrote other decisions would be a bug, not a speed."""

    def runs_that_write(wrong: str) -> Callable[[dict[str, list[list[str]]], int], object]:
        """Instead of timing: every contender writes "same", but ``wrong`` writes "other"."""

        def pretend(groups: dict[str, list[list[str]]], _rounds: int) -> object:
            for name, commands in groups.items():
                for command in commands:
                    out = Path(command[command.index("-o") + 1])
                    out.write_text("other\n" if name == wrong else "same\n", "utf-8")
            return object()

        return pretend

    texts = ['{"id": "A"}', '{"id": "B"}']
    for wrong, message in (("parallel", "--workers 2 wrote other"), ("independent", "parts")):
        monkeypatch.setattr(workers_bench, "interleave_process_groups", runs_that_write(wrong))
        with pytest.raises(RuntimeError, match=message):
            workers_bench.compare_workers(RULES, texts, tmp_path, workers=2, cases=4, rounds=1)


def test_bench_times_the_http_service_next_to_in_process_evaluation() -> None:
    service = ["--clients", "2", "--service-requests", "120"]
    result = runner.invoke(app, ["bench", *TINY, *service, "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    for side in ("service", "in_process"):
        assert figures[f"{side}_throughput"]["value"] > 0
        assert figures[f"{side}_p50"]["value"] <= figures[f"{side}_p99"]["value"]
        assert "120 cases in 4 rounds" in figures[f"{side}_throughput"]["note"]
    ratio = figures["service_throughput"]["value"] / figures["in_process_throughput"]["value"]
    assert figures["service_throughput_ratio"]["value"] == pytest.approx(ratio)
    assert figures["service_wall"]["value"] > 0 and figures["in_process_wall"]["value"] > 0
    assert "CPU: server" in figures["service_wall"]["note"]
    assert "before" in figures["load_average"]["note"]
    assert "2 clients" in figures["service_throughput"]["label"]


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile(values, 1.0) == 100
    assert percentile([7.0], 0.99) == 7.0


def test_the_large_rule_set_has_exactly_the_rules_asked_for() -> None:
    """``--large-rules N`` loads a rule set of N rules: the bundled ones and copies of its
    application requirements, each still checked and deciding."""
    from capcoe_rules.batch.workloads import enlarged_sources  # noqa: PLC0415
    from capcoe_rules.language import load_sources  # noqa: PLC0415
    from capcoe_rules.language.sources import read_sources  # noqa: PLC0415

    bundled = read_sources(RULES).texts
    for asked in (150, 151):
        ruleset = load_sources(enlarged_sources(bundled, asked))
        assert sum(len(case.rules) for case in ruleset.cases.values()) == asked
