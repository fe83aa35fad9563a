"""The baseline: every mapped test file run once, unmutated, to learn what each test runs.

For each test file it records which tests pass (a test failing without any mutant tells
nothing), how long each takes (for ordering and timeouts) and, through coverage.py, the
lines of the package each test runs (so a mutant is tried only on the tests that reach
it). A baseline is kept in the report folder and reused while the package, the rules,
the fixtures and the test file are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from coverage import CoverageData

from capcoe_rules.testing.mutation.config import MutationConfig
from capcoe_rules.testing.mutation.workspace import Workspace

LinesRun = dict[str, dict[int, list[str]]]
"""Package file -> line -> node ids of the tests that run it."""


@dataclass(frozen=True)
class TestFileBaseline:
    path: str
    seconds: dict[str, float]
    """Node id -> duration, for the tests that pass."""
    failing: list[str]
    lines: LinesRun


HARNESS = "capcoe_rules/testing/mutation/"
"""The harness itself: editing it changes no test's lines."""
FORMAT = "2"
"""What a kept baseline records (2: fixture set-up apart from each test's own lines)."""


def tree_hash(root: Path, names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in names:
        base = root / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            relative = path.relative_to(root).as_posix()
            if relative.startswith(HARNESS) or "__pycache__" in path.parts:
                continue
            if path.is_file() and path.suffix != ".pyc":
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def baseline_for(
    config: MutationConfig, workspace: Workspace, test_file: str, folder: Path, log: bool = True
) -> TestFileBaseline:
    """The baseline of ``test_file``, computed in ``workspace`` unless a fresh one is kept.

    Its key hashes the workspace's copy, which the baseline runs, not the project: a file
    edited while a run goes on must not lend its key to a baseline of the older copy."""
    copy = workspace.directory
    shared = tree_hash(copy, [*config.packages, "rules", "fixtures", "tests/conftest.py"])
    key = hashlib.sha256(
        (FORMAT + shared + tree_hash(copy, [test_file]) + json.dumps(config.environment)).encode()
    ).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / (test_file.replace("/", "_") + ".json")
    if kept.exists():
        data = json.loads(kept.read_text("utf-8"))
        if data.get("key") == key:
            return _from_json(data)
    if log:
        print(f"baseline: {test_file}", flush=True)
    record = workspace.directory / ("baseline-" + test_file.replace("/", "_") + ".json")
    for stale in (record, Path(str(record) + ".coverage")):
        stale.unlink(missing_ok=True)
    workspace.pytest([test_file], deadline=3600, env={"CAPCOE_MUTATION_RECORD": str(record)})
    outcomes = json.loads(record.read_text("utf-8")) if record.exists() else {}
    baseline = TestFileBaseline(
        path=test_file,
        seconds={
            node: float(entry.get("seconds", 0.0))
            for node, entry in outcomes.items()
            if entry.get("passed", True)
        },
        failing=sorted(node for node, entry in outcomes.items() if not entry.get("passed", True)),
        lines=_lines_run(Path(str(record) + ".coverage"), workspace.directory),
    )
    kept.write_text(json.dumps({"key": key, **_to_json(baseline)}), "utf-8")
    return baseline


def _lines_run(data_file: Path, directory: Path) -> LinesRun:
    if not data_file.exists():
        return {}
    data = CoverageData(basename=str(data_file))
    data.read()
    found: LinesRun = {}
    for measured in data.measured_files():
        relative = Path(measured).resolve().relative_to(directory.resolve()).as_posix()
        by_line = data.contexts_by_lineno(measured)
        found[relative] = {
            line: sorted(context for context in contexts if context)
            for line, contexts in by_line.items()
        }
    return found


def _to_json(baseline: TestFileBaseline) -> dict[str, object]:
    return {
        "path": baseline.path,
        "seconds": baseline.seconds,
        "failing": baseline.failing,
        "lines": {
            file: {str(line): nodes for line, nodes in lines.items()}
            for file, lines in baseline.lines.items()
        },
    }


def _from_json(data: dict[str, object]) -> TestFileBaseline:
    lines = data["lines"]
    assert isinstance(lines, dict)
    seconds = data["seconds"]
    failing = data["failing"]
    assert isinstance(seconds, dict) and isinstance(failing, list)
    return TestFileBaseline(
        path=str(data["path"]),
        seconds={str(node): float(value) for node, value in seconds.items()},
        failing=[str(node) for node in failing],
        lines={
            file: {int(line): list(nodes) for line, nodes in by_line.items()}
            for file, by_line in lines.items()
        },
    )
