"""``capcoe-rules serve`` as a child process on a free loopback port: for the benchmark and
the tests, which talk to the service over real HTTP.

Nothing here needs the ``serve`` extra: the child process does.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on at the moment (the kernel's choice) on the loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """``capcoe-rules serve`` on ``127.0.0.1:<free port>``, started on entering, stopped
    (SIGTERM: a graceful shutdown) on leaving."""

    def __init__(
        self,
        rules: Sequence[Path],
        *,
        workers: int = 1,
        max_body_bytes: int | None = None,
        extra: Sequence[str] = (),
        start_timeout: float = 60.0,
        cwd: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.host = LOOPBACK
        self.start_timeout = start_timeout
        command = [
            sys.executable,
            "-m",
            "capcoe_rules",
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--no-access-log",
            *(option for directory in rules for option in ("--rules", str(directory))),
            *([] if max_body_bytes is None else ["--max-body-bytes", str(max_body_bytes)]),
            *extra,
        ]
        self.command = command
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: a pipe nobody reads would block a server that logs a lot.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}: {self.log()}"
                )
            if self.healthy():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server did not answer within {self.start_timeout} s")

    def healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
            connection.request("GET", "/health")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            with contextlib.suppress(Exception):
                connection.close()

    def terminate(self) -> None:
        """Ask for a graceful shutdown (SIGTERM), without waiting."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 30.0) -> int | None:
        """Shut down gracefully; killed if still running after ``timeout``. Returns the
        exit status."""
        if self.process is None:
            return None
        self.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode

    def close(self) -> None:
        self.stop()
        self._log.close()

    def log(self) -> str:
        """What the server wrote on stderr so far."""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process (and its children, once they exited)
        has used so far, from /proc on Linux; 0.0 where that is not available."""
        if self.process is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")
