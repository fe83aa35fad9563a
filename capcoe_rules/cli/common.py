"""What every command shares: the application, consoles, options, messages, error exits.

Every help text and message is in :mod:`capcoe_rules.cli.catalogue`, in Italian and
English; :mod:`capcoe_rules.cli.localized` picks the language and lists the commands.

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
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer

from capcoe_rules.bundled import bundled_rules_path
from capcoe_rules.cli.localized import (
    LocalizedCommand,
    LocalizedGroup,
    choose_language,
    language,
    say,
)

if TYPE_CHECKING:
    from rich.console import Console

    from capcoe_rules.engine import Engine

app = typer.Typer(
    name="capcoe-rules",
    cls=LocalizedGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
Command = TypeVar("Command", bound=Callable[..., None])


def command(name: str) -> Callable[[Command], Command]:
    """Register a command on ``app``; its help is the catalogue's entry ``name``."""
    return app.command(name, cls=LocalizedCommand)


def _console(stderr: bool) -> Console:
    from rich.console import Console  # 70 ms that --help does not pay

    stream = sys.stderr if stderr else sys.stdout
    # Not on a terminal (pipes, CI, tests): a fixed width, so output does not depend on $COLUMNS.
    width = None if stream.isatty() else 160
    # No markup: what is printed comes from rule files and cases, where "[abrogato]" is
    # text (rich dropped it, and "a[/b]" was an error); styles are given as styles.
    return Console(stderr=stderr, soft_wrap=False, width=width, markup=False)


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


def choose_rules(ctx: typer.Context, param: typer.CallbackParam, value: Path) -> Path:
    """A rule set given on the command line as it is; by default ``./rules`` when there is
    one, else the rule set bundled with the package, saying on stderr which."""
    # By name: recent typer releases carry their own copy of click, with its own enum.
    source = ctx.get_parameter_source(param.name) if param.name else None
    return default_rules() if getattr(source, "name", None) == "DEFAULT" else value


def default_rules() -> Path:
    if (LOCAL_RULES / "ruleset.yaml").is_file():
        note(say("rule_set_used", path=LOCAL_RULES))
        return LOCAL_RULES
    try:
        bundled = bundled_rules_path()
    except FileNotFoundError:
        fail(say("no_bundled_rules"), 2)
    note(say("bundled_rule_set_used", path=bundled))
    return bundled


RulesOption = Annotated[
    Path, typer.Option("--rules", "-r", show_default=False, callback=choose_rules)
]
AsOfOption = Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])]


def _language_given(ctx: typer.Context, param: typer.CallbackParam, value: str) -> str:
    """A command's ``--lang``: the language of this invocation when it is not given (the
    global ``--lang``, ``CAPCOE_LANG`` or Italian), else the one given, checked."""
    source = ctx.get_parameter_source(param.name) if param.name else None
    if getattr(source, "name", None) == "DEFAULT":
        return language()
    return choose_language(value)


LanguageOption = Annotated[
    str,
    typer.Option(
        "--lang", callback=_language_given, is_eager=True, show_default=False, metavar="it|en"
    ),
]


class Format(enum.StrEnum):
    """How a command reports: for people, or as JSON for CI systems and scripts."""

    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format")]


def note(message: str) -> None:
    """Print ``capcoe-rules: message`` on stderr (for the user, not for the output)."""
    err.print(f"capcoe-rules: {message}", markup=False, highlight=False, soft_wrap=True)


def fail(message: str, code: int) -> NoReturn:
    """Print ``capcoe-rules: message`` on stderr and exit with ``code``."""
    note(message)
    raise typer.Exit(code)


def os_failure(error: OSError) -> str:
    """``file: reason`` in the invocation's language, for a file the system refused."""
    reason = os_reason_said(error)
    return f"{error.filename}: {reason}" if error.filename else reason


def os_reason_said(error: OSError) -> str:
    """Why the system refused a file, in the invocation's language."""
    from capcoe_rules.errors import os_reason

    return os_reason(error).pick(language())


def load_engine(rules: Path, typed_decisions: bool = True) -> Engine:
    """The engine of the rule set in ``rules``; else its problems on stderr and exit 1.

    ``typed_decisions=False`` for a command that only shows its decisions (see
    :class:`~capcoe_rules.engine.engine.Engine`)."""
    from capcoe_rules.engine import Engine  # start-up: see the module docstring
    from capcoe_rules.errors import RuleSetError

    try:
        return Engine.from_path(rules, typed_decisions)
    except RuleSetError as error:
        if not rules.is_dir():
            fail(say("not_a_rules_directory", path=rules), 1)
        for problem in error.problems:
            print(problem.text(language()), file=sys.stderr)
        fail(say("rule_set_has_problems", path=rules), 1)


def _print_version(value: bool) -> None:
    if value:
        from capcoe_rules import __version__

        print(f"capcoe-rules {__version__}")
        raise typer.Exit()


def _choose_language(value: str | None) -> None:
    if value is not None:
        choose_language(value)


@app.callback()
def _options(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", callback=_choose_language, is_eager=True, metavar="it|en", show_default=False
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True)
    ] = False,
) -> None:
    """The group's options; its help is the catalogue's entry ``app``."""
