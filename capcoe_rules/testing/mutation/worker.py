"""A fork server that runs pytest on one mutant at a time, in a copy of the project.

Started in the copy (its own directory first on ``sys.path``), it imports the heavy
libraries the tests use once, never the package under test, then for each job forks a
child that imports the (mutated) package afresh and runs pytest, so a mutant costs what its
tests cost rather than an interpreter start. A child that outlives its deadline is killed:
a mutant that hangs, even inside C code holding the GIL, counts as killed by timeout.

Protocol (JSON lines): ``{"args": [...], "deadline": seconds, "env": {...}}`` (pytest's
arguments) or ``{"command": [...], ...}`` (a program to run) on stdin; ``{"code": N}``
on stdout, where N is pytest's exit status, ``-9`` for a timeout, or ``-S`` for a child
killed by signal S.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import time
from typing import Any

PRELOADED = (
    "pytest",
    "hypothesis",
    "hypothesis.strategies",
    "pydantic",
    "yaml",
    "typer",
    "typer.testing",
    "rich.console",
    "rich.table",
    "durable_rules_engine",
    "decimal",
    "zoneinfo",
    "pytest_timeout",
    "_pytest.pytester",
)
TIMEOUT = -9


def _run_child(job: dict[str, Any]) -> None:
    """In the forked child: run pytest, or exec a command, and leave with its status."""
    code = 3
    try:
        sys.stdout.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.setpgid(0, 0)
        os.environ.update(job.get("env", {}))
        if job.get("command"):
            os.execv(job["command"][0], job["command"])
        args: list[str] = job["args"]
        import pytest  # noqa: PLC0415  (preloaded by the server: a lookup in sys.modules)

        code = int(pytest.main(args))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        code = 3
    finally:
        os._exit(code)


def _wait(pid: int, deadline: float) -> int:
    end = time.monotonic() + deadline
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFSIGNALED(status):
                return -os.WTERMSIG(status)
            return os.WEXITSTATUS(status)
        if time.monotonic() > end:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return TIMEOUT
        time.sleep(0.02)


def serve() -> None:
    # This file is run as a script: its own folder must not shadow the standard library.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    for name in PRELOADED:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    assert not any(name.startswith("capcoe_rules") for name in sys.modules)
    running: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        # Stopped while a mutant runs: take its whole process group along.
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child, signal.SIGKILL)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _run_child(job)
        running[:] = [pid]
        code = _wait(pid, float(job["deadline"]))
        running.clear()
        print(json.dumps({"code": code}), flush=True)


if __name__ == "__main__":
    serve()
