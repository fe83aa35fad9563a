"""Timing contenders side by side: round by round, CPU and wall time, the load average.

Measured one after the other, two contenders see different machines: on a shared machine
the load changes within seconds, and two runs in a row gave one ratio as 1.08x and 0.71x.
So each round runs every contender once (in an order that rotates, so that none always
goes first or last), and a contender's figure is its median over the rounds. CPU time
(``time.process_time``, plus the children's for a whole process) is what the work costs;
wall time is what a user waits, and depends on the load, which is reported next to it.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial


@dataclass
class Timing:
    """What one contender took in each round."""

    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)


@dataclass
class Interleaved:
    """The timings of every contender, with the load average before and after the rounds."""

    timings: dict[str, Timing]
    rounds: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    def ratio(self, baseline: str, contender: str, clock: str = "cpu") -> float:
        """How many times faster ``contender`` is than ``baseline`` (medians)."""
        base, other = self.timings[baseline], self.timings[contender]
        if clock == "cpu":
            return base.median_cpu / other.median_cpu
        return base.median_wall / other.median_wall

    @property
    def load_note(self) -> str:
        before, after = self.load_before, self.load_after
        return (
            f"load average {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} before, "
            f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} after (1, 5, 15 min); "
            f"{os.cpu_count()} CPUs"
        )


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # not on every platform
        return (0.0, 0.0, 0.0)


def interleave(contenders: Mapping[str, Callable[[], object]], rounds: int) -> Interleaved:
    """Run every contender ``rounds`` times, interleaved round by round (in-process CPU)."""
    return _rounds(contenders, rounds, _in_process)


def interleave_commands(commands: Mapping[str, Sequence[str]], rounds: int) -> Interleaved:
    """Run every command ``rounds`` times, interleaved; CPU is the child process's."""
    return interleave_process_groups({name: [argv] for name, argv in commands.items()}, rounds)


def interleave_process_groups(
    groups: Mapping[str, Sequence[Sequence[str]]], rounds: int
) -> Interleaved:
    """Like :func:`interleave_commands`, each contender being processes started together:
    its wall time runs until the last of them ends, its CPU is all of theirs."""
    return _rounds(
        {name: partial(_run_together, argvs) for name, argvs in groups.items()}, rounds, _child
    )


Clock = Callable[[Callable[[], object]], tuple[float, float]]


def _rounds(
    contenders: Mapping[str, Callable[[], object]], rounds: int, clock: Clock
) -> Interleaved:
    names = list(contenders)
    timings = {name: Timing() for name in names}
    before = load_average()
    for index in range(max(rounds, 1)):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            cpu, wall = clock(contenders[name])
            timings[name].cpu.append(cpu)
            timings[name].wall.append(wall)
    return Interleaved(timings, max(rounds, 1), before, load_average())


def _in_process(work: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def _child(work: Callable[[], object]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    work()
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def _run_together(argvs: Sequence[Sequence[str]]) -> None:
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for argv in argvs:
            quiet = subprocess.DEVNULL
            processes.append(subprocess.Popen(list(argv), stdout=quiet, stderr=quiet))
        codes = [process.wait() for process in processes]  # all ended before any is judged
    except BaseException:  # Ctrl-C included: leave no contender running, as subprocess.run
        for process in processes:
            process.kill()
            process.wait()
        raise
    for process, code in zip(processes, codes, strict=True):
        if code != 0:
            raise subprocess.CalledProcessError(code, process.args)
