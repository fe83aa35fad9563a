"""A private copy of the project where mutants are applied, and its fork server.

The copy comes first on ``PYTHONPATH`` (the editable install's finder comes after every
path entry), and every mutant is undone before the next is applied, so the project's own
files are never touched. Bytecode is cached, except for the mutated file: its ``.pyc`` is
removed whenever it is written (a mutant of the same size written within the same second
would otherwise be read from the stale one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

from capcoe_rules.testing.mutation.config import MutationConfig
from capcoe_rules.testing.mutation.mutants import Mutant

HERE = Path(__file__).resolve().parent
PLUGIN = "capcoe_mutation_plugin"
TIMEOUTS = "mutation-timeouts.json"


class Workspace:
    def __init__(self, config: MutationConfig, directory: Path) -> None:
        self.directory = directory
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc", ".pytest_cache")
        for name in config.copied:
            source = config.root / name
            if source.is_dir():
                shutil.copytree(source, directory / name, ignore=ignore)
            elif source.exists():
                shutil.copy2(source, directory / name)
        shutil.copy2(HERE / "plugin.py", directory / f"{PLUGIN}.py")
        self.environment = {
            **os.environ,
            **config.environment,
            "PYTHONPATH": str(directory),
            "CAPCOE_MUTATION_TIMEOUTS": str(directory / TIMEOUTS),
            "CAPCOE_MUTATION_SOURCE": ",".join(config.packages),
        }
        self.environment.pop("CAPCOE_MUTATION_RECORD", None)
        self._server: subprocess.Popen[str] | None = None

    def set_timeouts(self, timeouts: dict[str, float]) -> None:
        (self.directory / TIMEOUTS).write_text(json.dumps(timeouts), "utf-8")

    # -- mutants ------------------------------------------------------------------------------

    def apply(self, mutant: Mutant) -> bytes:
        """Write ``mutant`` into the copy; return the original text, to restore."""
        path = self.directory / mutant.path
        original = path.read_bytes()
        _write(path, mutant.apply(original))
        return original

    def restore(self, mutant: Mutant, original: bytes) -> None:
        _write(self.directory / mutant.path, original)

    # -- running ------------------------------------------------------------------------------

    def pytest(self, args: list[str], deadline: float, env: dict[str, str] | None = None) -> int:
        base = ["-p", PLUGIN, "-p", "no:cacheprovider", "-q", "--no-header", "-o", "addopts="]
        return self._job({"args": [*base, *args], "deadline": deadline, "env": env or {}})

    def command(self, argv: list[str], deadline: float) -> int:
        return self._job({"command": argv, "deadline": deadline})

    def _job(self, job: dict[str, Any]) -> int:
        server = self._started()
        stdin, stdout = _pipes(server)
        stdin.write(json.dumps(job) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            self.close()
            raise RuntimeError(f"the fork server in {self.directory} stopped")
        return int(json.loads(line)["code"])

    def _started(self) -> subprocess.Popen[str]:
        if self._server is None or self._server.poll() is not None:
            self._server = subprocess.Popen(
                [sys.executable, str(HERE / "worker.py")],
                cwd=self.directory,
                env=self.environment,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            ready = _pipes(self._server)[1].readline()
            if "ready" not in ready:
                raise RuntimeError("the mutation fork server did not start")
        return self._server

    def close(self) -> None:
        if self._server is not None:
            if self._server.stdin is not None:
                self._server.stdin.close()
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._server.kill()
            self._server = None


def _write(path: Path, text: bytes) -> None:
    path.write_bytes(text)
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink(missing_ok=True)


def _pipes(server: subprocess.Popen[str]) -> tuple[IO[str], IO[str]]:
    assert server.stdin is not None and server.stdout is not None
    return server.stdin, server.stdout
