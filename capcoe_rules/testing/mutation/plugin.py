"""The pytest plugin every run of the mutation harness loads (copied into its workspace).

- a hypothesis profile that makes each run repeatable and quick to fail: no example
  database (one mutant's failures must not leak into the next run), derandomised, no
  shrinking (a killed mutant needs one failing example, not the smallest), no deadline
  (the machine may be busy);
- a per-test timeout from ``CAPCOE_MUTATION_TIMEOUTS`` (a JSON file of node id -> seconds,
  made from the baseline's durations), through pytest-timeout: a mutant that makes a test
  hang fails that test, so it counts as killed;
- with ``CAPCOE_MUTATION_FAILED`` set, the first failing test (and whether it timed out)
  written to that file, so the report says which test killed each mutant;
- with ``CAPCOE_MUTATION_RECORD`` set (the baseline run), every test's outcome and duration
  written to that JSON file, and the lines of the package each test runs recorded by
  coverage.py under the test's node id, to ``CAPCOE_MUTATION_RECORD`` + ``.coverage``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "mutation",
    database=None,
    derandomize=True,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
settings.load_profile("mutation")

_RECORD = os.environ.get("CAPCOE_MUTATION_RECORD")
_coverage: Any = None
if _RECORD:  # start before the package under test is imported by any test module
    import coverage

    _coverage = coverage.Coverage(
        data_file=_RECORD + ".coverage",
        source=[str(Path.cwd() / name) for name in os.environ["CAPCOE_MUTATION_SOURCE"].split(",")],
        omit=["*/capcoe_rules/testing/mutation/*"],
    )
    _coverage.start()

_outcomes: dict[str, dict[str, Any]] = {}
SETUP = "|setup"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    path = os.environ.get("CAPCOE_MUTATION_TIMEOUTS")
    if not path or not Path(path).is_file():  # the baseline runs before timeouts are known
        return
    timeouts: dict[str, float] = json.loads(Path(path).read_text("utf-8"))
    default = float(os.environ.get("CAPCOE_MUTATION_DEFAULT_TIMEOUT", "60"))
    for item in items:
        item.add_marker(pytest.mark.timeout(timeouts.get(item.nodeid, default)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    started = time.perf_counter()
    yield
    if _coverage is not None:
        _coverage.switch_context("")
    _outcomes.setdefault(item.nodeid, {})["seconds"] = round(time.perf_counter() - started, 3)


# Lines run while a fixture is set up or torn down are recorded apart (``nodeid|setup``):
# a session fixture computes, in the first test's setup, what many tests then assert.
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _coverage is not None:
        _coverage.switch_context(item.nodeid + SETUP)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if _coverage is not None:
        _coverage.switch_context(item.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _coverage is not None:
        _coverage.switch_context(item.nodeid + SETUP)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    failed = os.environ.get("CAPCOE_MUTATION_FAILED")
    if failed and report.failed and not Path(failed).exists():
        timeout = "Timeout" in str(report.longrepr)  # pytest-timeout's failure
        Path(failed).write_text(json.dumps({"test": report.nodeid, "timeout": timeout}), "utf-8")
    entry = _outcomes.setdefault(report.nodeid, {"passed": True})
    entry.setdefault("passed", True)
    if report.failed or (report.when == "call" and report.skipped):
        entry["passed"] = False


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _RECORD:
        return
    if _coverage is not None:
        _coverage.stop()
        _coverage.save()
    Path(_RECORD).write_text(json.dumps(_outcomes, indent=1, sort_keys=True), "utf-8")
