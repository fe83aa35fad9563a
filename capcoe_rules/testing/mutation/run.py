"""Run mutants one at a time against the tests that reach them, and keep every result.

A code mutant is tried on the passing baseline tests of its module's test files (the
``tests`` map of the config) that run one of the mutated lines, fastest first, stopping at
the first failure, within the config's test-time budget; when no test runs those lines
in-process (code run only in a subprocess), on all those tests. A line run at import (a
constant, a class body, a function's defaults) is tried on the tests that run the code
using it, then on every test that runs some of its module, most focused first: coverage
credits such a line only to the test that happened to import the module first. A rule
mutant is first decided by ``capcoe-rules`` commands (by default ``test fixtures``: the
checker refusing the edit or an example failing kills it), then by its rule file's tests.
Each test has a timeout of a few times its baseline duration, and the whole run of a
mutant a deadline: a mutant that hangs counts as killed.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Queue

from capcoe_rules.testing.mutation.baseline import TestFileBaseline, baseline_for
from capcoe_rules.testing.mutation.config import MutationConfig
from capcoe_rules.testing.mutation.import_time import ModuleLines, module_lines
from capcoe_rules.testing.mutation.mutants import Mutant
from capcoe_rules.testing.mutation.python_mutants import code_mutants
from capcoe_rules.testing.mutation.rule_mutants import rule_mutants
from capcoe_rules.testing.mutation.workspace import Workspace

KILLING_CODES = {1, 2, 3, 4}
"""pytest's statuses for failed tests, an interrupted run (a mutant that breaks a test
module's import), an internal error and a usage error (a mutant that breaks conftest.py's
import: the baseline ran the same arguments); 5 (no tests) would be the harness's fault."""
TIMEOUT_FACTOR = 5.0


@dataclass(frozen=True)
class Result:
    id: str
    key: str
    path: str
    line: int
    operator: str
    description: str
    status: str
    """killed, timeout, survived, equivalent or error."""
    killed_by: str
    tests: int
    seconds: float
    reason: str = ""


def mutants_of(config: MutationConfig, paths: Iterable[str]) -> list[Mutant]:
    """The mutants of every file under ``paths`` (files or folders, relative to the root)."""
    found: list[Mutant] = []
    for name in paths:
        base = config.root / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for file in files:
            relative = file.relative_to(config.root).as_posix()
            if not file.is_file() or config.excluded(relative) or "__pycache__" in file.parts:
                continue
            if file.suffix == ".py":
                found.extend(code_mutants(relative, file.read_bytes()))
            elif file.suffix in (".yaml", ".yml") and relative.startswith("rules/"):
                found.extend(rule_mutants(relative, file.read_text("utf-8")))
    return found


class Runner:
    def __init__(
        self, config: MutationConfig, jobs: int = 1, log: Callable[[str], None] | None = None
    ) -> None:
        self.config = config
        self.report = config.root / config.report
        scratch = self.report / "workspaces"
        self.workspaces = [Workspace(config, scratch / f"w{index}") for index in range(jobs)]
        self.log = log or (lambda text: print(text, flush=True))
        self.baselines: dict[str, TestFileBaseline] = {}
        self.focus: Counter[str] = Counter()
        self._modules: dict[str, ModuleLines] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        for workspace in self.workspaces:
            workspace.close()

    # -- baseline -----------------------------------------------------------------------------

    def prepare(self, mutants: list[Mutant]) -> None:
        files = sorted({test for m in mutants for test in self.config.tests_for(m.path)})
        pending = [file for file in files if file not in self.baselines]
        free: Queue[Workspace] = Queue()
        for workspace in self.workspaces:
            free.put(workspace)

        def one(test_file: str) -> None:
            workspace = free.get()
            try:
                baseline = baseline_for(self.config, workspace, test_file, self.report / "baseline")
            finally:
                free.put(workspace)
            with self._lock:
                self.baselines[test_file] = baseline

        with ThreadPoolExecutor(len(self.workspaces)) as pool:
            list(pool.map(one, pending))
        # How many lines of the package each test runs: the fewer, the more focused.
        self.focus.clear()
        for baseline in self.baselines.values():
            for lines in baseline.lines.values():
                for nodes in lines.values():
                    self.focus.update(nodes)
        timeouts = {
            node: self._timeout(seconds)
            for baseline in self.baselines.values()
            for node, seconds in baseline.seconds.items()
        }
        for workspace in self.workspaces:
            workspace.set_timeouts(timeouts)

    def _timeout(self, seconds: float) -> float:
        return max(self.config.min_timeout, seconds * TIMEOUT_FACTOR)

    # -- selection ----------------------------------------------------------------------------

    def tests_for(self, mutant: Mutant) -> list[tuple[str, float]]:
        """The tests to run on ``mutant``, within the budget, fastest first.

        First the tests whose own run reaches a mutated line (the fastest of each test
        file whatever else, so that the file written for the module is never crowded out),
        then those whose file's fixtures reach it. For a line run at import, the tests that
        run the code using it count as reaching it, and after those come the tests that run
        any of its module, the most focused first, then those of the files that import it,
        then the others. When nothing reaches a line in-process, every test of the mapped
        files.
        """
        reached = set(mutant.scope_lines)
        at_import = False
        if mutant.path.endswith(".py"):
            modules = self._module_lines(mutant.path)
            at_import = modules.import_time(mutant.scope_lines)
            if at_import:
                reached |= modules.users_of(mutant.scope_lines)
        found = _Reach()
        for test_file in self.config.tests_for(mutant.path):
            baseline = self.baselines.get(test_file)
            if baseline is not None:  # None: a test file written while this run goes on
                found.add(baseline, mutant.path, reached)
        ordered = self._by_focus(found.direct) + _by_time(
            {node: s for node, s in found.through_fixtures.items() if node not in found.direct}
        )
        if at_import:
            # Then whoever runs the module, then whoever imports it, then the other tests:
            # a constant may be read by another module, or by a subprocess.
            seen = found.direct.keys() | found.through_fixtures.keys()
            for tier, order in (
                (found.in_module, self._by_focus),
                (found.importers, _by_time),
                (found.candidates, _by_time),
            ):
                ordered += order({node: s for node, s in tier.items() if node not in seen})
                seen |= tier.keys()
        if not ordered:
            ordered = _by_time(found.candidates)
        return self._within_budget(ordered, self._by_focus(found.direct))

    def _by_focus(self, tests: dict[str, float]) -> list[tuple[str, float]]:
        """The tests that run fewest lines first: a unit test of the module before a test
        that builds the whole engine and merely passes through it."""
        return sorted(tests.items(), key=lambda item: (self.focus[item[0]], item[1], item[0]))

    def _within_budget(
        self, ordered: list[tuple[str, float]], direct: list[tuple[str, float]]
    ) -> list[tuple[str, float]]:
        budget = self.config.test_budget
        firsts: dict[str, tuple[str, float]] = {}
        for node, seconds in direct or ordered:
            if seconds <= min(budget / 8, 1.0):  # cheap ones only: the budget is for focus
                firsts.setdefault(node.split("::", 1)[0], (node, seconds))
        selected = list(firsts.values()) or ordered[:1]
        spent = sum(seconds for _, seconds in selected)
        taken = {node for node, _ in selected}
        for node, seconds in ordered:
            if node not in taken and spent + seconds <= budget:
                selected.append((node, seconds))
                spent += seconds
        return sorted(selected, key=lambda item: (item[1], item[0]))

    def _module_lines(self, path: str) -> ModuleLines:
        if path not in self._modules:
            self._modules[path] = module_lines((self.config.root / path).read_bytes())
        return self._modules[path]

    # -- running ------------------------------------------------------------------------------

    def run(self, mutants: list[Mutant], on_result: Callable[[Result], None]) -> None:
        free: Queue[Workspace] = Queue()
        for workspace in self.workspaces:
            free.put(workspace)
        done = 0

        def one(mutant: Mutant) -> None:
            nonlocal done
            workspace = free.get()
            try:
                result = self.run_one(workspace, mutant)
            finally:
                free.put(workspace)
            with self._lock:
                done += 1
                on_result(result)
                self.log(f"[{done}/{len(mutants)}] {result.status:9} {mutant.id}")

        with ThreadPoolExecutor(len(self.workspaces)) as pool:
            for future in [pool.submit(one, mutant) for mutant in mutants]:
                future.result()

    def run_one(self, workspace: Workspace, mutant: Mutant) -> Result:
        original_text = (self.config.root / mutant.path).read_bytes()
        key = mutant.key(original_text)
        started = time.monotonic()
        tests = self.tests_for(mutant)
        original = workspace.apply(mutant)
        try:
            status, killed_by = self._decide(workspace, mutant, tests)
        finally:
            workspace.restore(mutant, original)
        return Result(
            id=mutant.id,
            key=key,
            path=mutant.path,
            line=mutant.line,
            operator=mutant.operator,
            description=mutant.description,
            status=status,
            killed_by=killed_by,
            tests=len(tests),
            seconds=round(time.monotonic() - started, 2),
        )

    def _decide(
        self, workspace: Workspace, mutant: Mutant, tests: list[tuple[str, float]]
    ) -> tuple[str, str]:
        if mutant.path.startswith("rules/"):
            for command in self.config.rule_commands:
                argv = [sys.executable, "-m", "capcoe_rules", *command]
                code = workspace.command(argv, deadline=300)
                if code != 0:
                    return ("timeout" if code < 0 else "killed"), "capcoe-rules " + " ".join(
                        command
                    )
        if not tests:
            return "survived", ""
        deadline = 30 + sum(self._timeout(seconds) for _, seconds in tests)
        arguments = workspace.directory / "mutation-tests.txt"
        arguments.write_text("\n".join(node for node, _ in tests), "utf-8")
        failed = workspace.directory / "mutation-failed.json"
        failed.unlink(missing_ok=True)
        code = workspace.pytest(
            ["-x", f"@{arguments}"], deadline, env={"CAPCOE_MUTATION_FAILED": str(failed)}
        )
        if code < 0:
            return "timeout", "the run's deadline"
        if code in KILLING_CODES:
            if not failed.exists():
                return "killed", "the test run (collection or import)"
            first = json.loads(failed.read_text("utf-8"))
            return ("timeout" if first["timeout"] else "killed"), str(first["test"])
        if code == 0:
            return "survived", ""
        return "error", f"pytest exit status {code}"


SETUP = "|setup"


@dataclass
class _Reach:
    """The baseline tests of a mutant's test files, by how they reach its lines."""

    direct: dict[str, float] = field(default_factory=dict)
    through_fixtures: dict[str, float] = field(default_factory=dict)
    in_module: dict[str, float] = field(default_factory=dict)
    """Tests that run other lines of the module (kept for a line run at import)."""
    importers: dict[str, float] = field(default_factory=dict)
    """Every test of a file whose run measured the module at all."""
    candidates: dict[str, float] = field(default_factory=dict)

    def add(self, baseline: TestFileBaseline, path: str, reached: set[int]) -> None:
        self.candidates.update(baseline.seconds)
        lines = baseline.lines.get(path, {})
        if lines:
            self.importers.update(baseline.seconds)
        for line, nodes in lines.items():
            for node in nodes:
                if node.endswith(SETUP):
                    if line in reached:
                        # A fixture's work: any test of the file may assert what it made.
                        self.through_fixtures.update(_same_file(baseline.seconds, node))
                elif node in baseline.seconds:
                    if line in reached:
                        self.direct[node] = baseline.seconds[node]
                    else:
                        self.in_module[node] = baseline.seconds[node]


def _by_time(tests: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(tests.items(), key=lambda item: (item[1], item[0]))


def _same_file(seconds: dict[str, float], node: str) -> dict[str, float]:
    module = node.split("::", 1)[0]
    return {other: time for other, time in seconds.items() if other.startswith(module + "::")}


def write_results(path: Path, results: list[Result]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(asdict(result), ensure_ascii=False) + "\n" for result in results),
        "utf-8",
    )


def read_results(path: Path) -> list[Result]:
    if not path.exists():
        return []
    return [Result(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]
