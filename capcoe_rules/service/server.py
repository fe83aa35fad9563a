"""Run the service on uvicorn, in this process or in several worker processes.

Rule sets are loaded and checked before the server starts (a problem stops it with the
checker's messages). Worker processes get the very rule files that were checked, as text
(the way a pickled engine travels), through a file named in the environment: a rule file
edited while the server starts cannot make one worker decide differently from another.

uvicorn stops on SIGINT or SIGTERM gracefully: it stops accepting connections, lets the
requests under way finish (up to ``graceful_timeout`` seconds), then exits: with status
0 after SIGTERM, and by ``KeyboardInterrupt`` after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import uvicorn
from fastapi import FastAPI

from capcoe_rules.engine import Engine
from capcoe_rules.service import DEFAULT_MAX_BODY_BYTES
from capcoe_rules.service.app import create_app

ENVIRONMENT = "CAPCOE_RULES_SERVICE"
"""The variable naming the worker processes' configuration file."""
FACTORY = "capcoe_rules.service.server:app_from_environment"


def serve(
    engines: Sequence[Engine],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    access_log: bool = True,
    graceful_timeout: int = 30,
) -> None:
    """Serve ``engines`` (the first is the default) until SIGINT or SIGTERM."""
    options = {
        "host": host,
        "port": port,
        "access_log": access_log,
        "timeout_graceful_shutdown": graceful_timeout,
        "log_level": "info",
    }
    with _sigterm_exits_cleanly():
        if workers <= 1:
            app = create_app(engines, max_body_bytes=max_body_bytes)
            uvicorn.Server(uvicorn.Config(app, **options)).run()  # type: ignore[arg-type]
            return
        with tempfile.TemporaryDirectory(prefix="capcoe-serve-") as directory:
            config = Path(directory) / "service.json"
            config.write_text(_configuration(engines, max_body_bytes), encoding="utf-8")
            os.environ[ENVIRONMENT] = str(config)
            uvicorn.run(FACTORY, factory=True, workers=workers, **options)  # type: ignore[arg-type]


@contextlib.contextmanager
def _sigterm_exits_cleanly() -> Iterator[None]:
    """After its graceful shutdown uvicorn raises the signal again, to the handler that was
    there before it: for SIGTERM, this one, so that a shutdown asked for ends with status
    0 rather than as a process killed by the signal."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_zero)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_zero(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def app_from_environment() -> FastAPI:
    """The application of a worker process, from the file :data:`ENVIRONMENT` names."""
    config = json.loads(Path(os.environ[ENVIRONMENT]).read_text(encoding="utf-8"))
    engines = [
        Engine.from_sources(ruleset["sources"], origin=ruleset["origin"])
        for ruleset in config["rulesets"]
    ]
    return create_app(engines, max_body_bytes=int(config["max_body_bytes"]))


def _configuration(engines: Sequence[Engine], max_body_bytes: int) -> str:
    return json.dumps(
        {
            "max_body_bytes": max_body_bytes,
            "rulesets": [
                {"origin": engine.origin, "sources": dict(engine.ruleset.sources)}
                for engine in engines
            ],
        },
        ensure_ascii=False,
    )
