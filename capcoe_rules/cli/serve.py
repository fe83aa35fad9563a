"""``capcoe-rules serve``: the HTTP decision service."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capcoe_rules.cli.common import command, default_rules, err, fail, os_failure
from capcoe_rules.cli.localized import language, say
from capcoe_rules.service import DEFAULT_MAX_BODY_BYTES  # a constant: the package is light

if TYPE_CHECKING:
    from capcoe_rules.engine import Engine


@command("serve")
def serve(
    rules: Annotated[list[Path] | None, typer.Option("--rules", "-r", show_default=False)] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1)] = 1,
    max_body_bytes: Annotated[int, typer.Option(min=1)] = DEFAULT_MAX_BODY_BYTES,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log")] = True,
    graceful_timeout: Annotated[int, typer.Option(min=0)] = 30,
) -> None:
    """The HTTP decision service. (Help: the catalogue's ``serve``.)"""
    try:
        from capcoe_rules.service.server import serve as run  # an extra
    except ImportError as error:
        fail(say("serve_needs_extra", missing=error.name), 2)
    directories = rules or [default_rules()]
    engines = [_engine(directory) for directory in directories]
    versions = [engine.ruleset.version for engine in engines]
    if len(set(versions)) != len(versions):
        fail(say("two_of_one_version", versions=", ".join(versions)), 2)
    for index, engine in enumerate(engines):
        ruleset = engine.ruleset
        serving = say(
            "serving_ruleset",
            ruleset=f"{ruleset.name} {ruleset.version} ({ruleset.content_hash[:19]})",
            origin=engine.origin,
            where=say("serving_default") if index == 0 else "",
            version=ruleset.version,
        )
        err.print(serving, markup=False, highlight=False)
    at = say("serving_at", host=host, port=port, workers=workers)
    err.print(at, markup=False, highlight=False)
    try:
        run(
            engines,
            host=host,
            port=port,
            workers=workers,
            max_body_bytes=max_body_bytes,
            access_log=access_log,
            graceful_timeout=graceful_timeout,
        )
    except KeyboardInterrupt:  # Ctrl-C, after the same graceful shutdown
        raise typer.Exit(130) from None


def _engine(directory: Path) -> Engine:
    from capcoe_rules.engine import Engine
    from capcoe_rules.language import RuleSetError

    try:
        return Engine.from_path(directory)
    except RuleSetError as error:
        for problem in error.problems:
            print(problem.text(language()), file=sys.stderr)
        fail(say("server_not_started", path=directory), 1)
    except FileNotFoundError as error:
        fail(os_failure(error), 2)
