"""What every command shares: the application, consoles, options, error exits."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from capcoe_rules.engine import Engine
from capcoe_rules.errors import RuleSetError

app = typer.Typer(
    name="capcoe-rules",
    help="Rules engine for the CapCoe 2021-2027 programme: check rule files, decide cases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Not on a terminal (pipes, CI, tests): a fixed width, so output does not depend on $COLUMNS.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

RulesOption = Annotated[
    Path, typer.Option("--rules", "-r", help="Directory of the rule set.", show_default=True)
]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Decide as of this date (default: the date the case carries).",
    ),
]
LanguageOption = Annotated[
    str, typer.Option("--lang", help="Language of titles and messages: it or en.")
]


def fail(message: str, code: int) -> NoReturn:
    """Print ``capcoe-rules: message`` on stderr and exit with ``code``."""
    err.print(f"capcoe-rules: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_engine(rules: Path) -> Engine:
    """The engine of the rule set in ``rules``; else its problems on stderr and exit 1."""
    try:
        return Engine.from_path(rules)
    except RuleSetError as error:
        if not rules.is_dir():
            fail(f"{rules} is not a directory of rule files", 1)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        fail(f"the rule set in {rules} has problems: run 'capcoe-rules check {rules}'", 1)


def _print_version(value: bool) -> None:
    if value:
        from capcoe_rules import __version__  # noqa: PLC0415 (the package imports this module)

        print(f"capcoe-rules {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Rules engine for the CapCoe 2021-2027 programme: check rule files, decide cases."""
