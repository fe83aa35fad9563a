"""What every command shares: the application, consoles, options, error exits.

Start-up matters (``capcoe-rules --help`` in a few hundredths of a second): this module and
every command module import only the standard library and typer at the top. The engine,
pydantic, rich's consoles and tables are imported inside the commands that use them, and
typer renders help with click's plain formatter (``rich_markup_mode=None``), not rich's,
which alone costs more than the rest of the start-up.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from capcoe_rules.bundled import bundled_rules_path

if TYPE_CHECKING:
    from rich.console import Console

    from capcoe_rules.engine import Engine

app = typer.Typer(
    name="capcoe-rules",
    help="Rules engine for the CapCoe 2021-2027 programme: check rule files, decide cases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _console(stderr: bool) -> Console:
    from rich.console import Console  # 70 ms that --help does not pay

    stream = sys.stderr if stderr else sys.stdout
    # Not on a terminal (pipes, CI, tests): a fixed width, so output does not depend on $COLUMNS.
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, soft_wrap=False, width=width)


@functools.cache
def stdout_console() -> Console:
    """The console of the commands' results (made on first use)."""
    return _console(stderr=False)


@functools.cache
def stderr_console() -> Console:
    """The console of progress, summaries and errors (made on first use)."""
    return _console(stderr=True)


class _Deferred:
    """Stands for a console that is made the first time one of its attributes is used."""

    def __init__(self, make: Callable[[], Console]) -> None:
        self._make = make

    def __getattr__(self, name: str) -> Any:
        return getattr(self._make(), name)


# Typed as consoles: every attribute is the console's own. Where a real Console object is
# needed (rich's Progress enters it as a context manager), use stderr_console().
out = cast("Console", _Deferred(stdout_console))
err = cast("Console", _Deferred(stderr_console))

LOCAL_RULES = Path("rules")
RULES_HELP = "Directory of the rule set (default: ./rules if there is one, else the bundled set)."


def choose_rules(ctx: typer.Context, param: typer.CallbackParam, value: Path) -> Path:
    """A rule set given on the command line as it is; by default ``./rules`` when there is
    one, else the rule set bundled with the package, saying on stderr which."""
    # By name: recent typer releases carry their own copy of click, with its own enum.
    source = ctx.get_parameter_source(param.name) if param.name else None
    return default_rules() if getattr(source, "name", None) == "DEFAULT" else value


def default_rules() -> Path:
    if (LOCAL_RULES / "ruleset.yaml").is_file():
        err.print(f"capcoe-rules: rule set ./{LOCAL_RULES}", markup=False, highlight=False)
        return LOCAL_RULES
    try:
        bundled = bundled_rules_path()
    except FileNotFoundError as error:
        fail(str(error), 2)
    err.print(f"capcoe-rules: bundled rule set {bundled}", markup=False, highlight=False)
    return bundled


RulesOption = Annotated[
    Path,
    typer.Option("--rules", "-r", help=RULES_HELP, show_default=False, callback=choose_rules),
]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Decide as of this date (default: the date the case carries).",
    ),
]
LANGUAGES = ("it", "en")


def _known_language(value: str) -> str:
    if value not in LANGUAGES:
        raise typer.BadParameter(
            f"{value!r} is not a language of capcoe-rules: use it (italiano) or en (English) / "
            f"{value!r} non è una lingua di capcoe-rules: usa it (italiano) o en (English)"
        )
    return value


LanguageOption = Annotated[
    str,
    typer.Option(
        "--lang",
        envvar="CAPCOE_LANG",
        callback=_known_language,
        help="Language of titles and messages: it (default) or en; also CAPCOE_LANG. "
        "/ Lingua di titoli e messaggi: it (predefinita) o en; anche CAPCOE_LANG.",
    ),
]


class Format(enum.StrEnum):
    """How a command reports: for people, or as JSON for CI systems and scripts."""

    text = "text"
    json = "json"


FormatOption = Annotated[
    Format, typer.Option("--format", help="text for people; json for CI systems (on stdout).")
]


def fail(message: str, code: int) -> NoReturn:
    """Print ``capcoe-rules: message`` on stderr and exit with ``code``."""
    err.print(f"capcoe-rules: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_engine(rules: Path) -> Engine:
    """The engine of the rule set in ``rules``; else its problems on stderr and exit 1."""
    from capcoe_rules.engine import Engine  # start-up: see the module docstring
    from capcoe_rules.errors import RuleSetError

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
        from capcoe_rules import __version__

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
