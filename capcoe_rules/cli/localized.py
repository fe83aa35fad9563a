"""The command line in the user's language, and commands loaded only when they are run.

The language is Italian unless ``CAPCOE_LANG=en`` or ``--lang en`` (before the command, or
among a command's options) says English; any other value is an error (exit 2), never a
silent fallback. It is fixed once per invocation, before any option is parsed, so that
``--lang en`` works wherever it is written, even after ``--help``.

Help comes from :mod:`capcoe_rules.cli.catalogue` at the moment it is shown: the command's
text, each option's text, and the words of the help page itself (usage, options, default).

:class:`LocalizedGroup` lists the commands from the catalogue and imports a command's
module only when that command is run or its help is asked for, so that ``capcoe-rules
--help`` imports none of them (see :mod:`capcoe_rules.cli.common` on start-up).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from importlib import import_module
from typing import IO, TYPE_CHECKING, Any

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup

from capcoe_rules.cli.catalogue import COMMANDS, HELP, MESSAGES, USAGE_ERRORS, WORDS, Said
from capcoe_rules.cli.coercion import coerce_plainly

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter, Parameter

LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"
ENVIRONMENT = "CAPCOE_LANG"
_chosen = [DEFAULT_LANGUAGE]
"""The language of this invocation (a list: set by :func:`choose_language`)."""


def language() -> str:
    """The language the command line speaks in this invocation: ``it`` or ``en``."""
    return _chosen[0]


def choose_language(value: str) -> str:
    """Speak ``value`` from now on; ``typer.BadParameter`` (in both languages) if it is not
    a language of capcoe-rules."""
    if value not in LANGUAGES:
        raise typer.BadParameter(unknown_language(value))
    _chosen[0] = value
    return value


def unknown_language(value: str) -> str:
    """Both languages: the user's own is not known yet."""
    return f"{MESSAGES['unknown_language'].it} / {MESSAGES['unknown_language'].en}".format(
        value=value
    )


def _language_in(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` among ``args`` (before ``--``), if any."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found


def _start_invocation(args: Sequence[str]) -> None:
    """Fix the language before click parses anything; exit 2 on an unknown one."""
    value = _language_in(args) or os.environ.get(ENVIRONMENT) or DEFAULT_LANGUAGE
    if value not in LANGUAGES:
        source = "--lang" if _language_in(args) else ENVIRONMENT
        print(f"capcoe-rules: {source}: {unknown_language(value)}", file=sys.stderr)
        raise SystemExit(2)
    _chosen[0] = value


def pick(said: Said) -> str:
    """The text in the language of this invocation."""
    return said.en if language() == "en" else said.it


def say(key: str, **fields: object) -> str:
    """Message ``key`` of the catalogue in the language of this invocation, filled in."""
    return pick(MESSAGES[key]).format(**fields)


def grouped(number: int) -> str:
    """``number`` grouped by thousands as the invocation's language writes it: 4.654 in
    Italian, 4,654 in English."""
    text = f"{number:,}"
    return text.replace(",", ".") if language() == "it" else text


def decimal(number: object, spec: str = ",") -> str:
    """A number formatted by ``spec`` (grouped by thousands, with its own decimals by
    default), as the invocation's language writes it: 1.234,5 in Italian, 1,234.5 in
    English."""
    text = format(number, spec)
    if language() == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fixed(number: float, digits: int = 2) -> str:
    """``number`` with ``digits`` decimals, as the invocation's language writes it: 1,70
    in Italian, 1.70 in English (seconds, rates)."""
    text = f"{number:.{digits}f}"
    return text.replace(".", ",") if language() == "it" else text


def percent(ratio: float) -> str:
    """``ratio`` as a percentage with one decimal, as the invocation's language writes it:
    87,5% in Italian, 87.5% in English."""
    text = f"{ratio:.1%}"
    return text.replace(".", ",") if language() == "it" else text


def help_key(command: str, parameter: str) -> str:
    """The catalogue key of a parameter's help: the command's own, else the shared one."""
    own = f"{command}.{parameter}"
    return own if own in HELP else f"option.{parameter}"


_EXTRAS = re.compile(r"\[([^\[\]]*)\]$")
"""The ``[default: ...; required]`` typer appends to an option's help (in English)."""
_EXTRA_WORDS = {"default: ": "default", "env var: ": "env_var", "required": "required"}


def _extras_in_language(text: str) -> str:
    if language() == "en":
        return text

    def translated(match: re.Match[str]) -> str:
        parts = match.group(1)
        for english, key in _EXTRA_WORDS.items():
            parts = parts.replace(english, english.replace(english.rstrip(": "), pick(WORDS[key])))
        return f"[{parts}]"

    return _EXTRAS.sub(translated, text)


class LocalizedCommand(TyperCommand):
    """A command whose help page is read from the catalogue, in the invocation's language."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        return coerce_plainly(super().get_params(ctx))  # help included: made here

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        name = self.name or ""
        if name in HELP:
            self.help = pick(HELP[name])
        for param in self.get_params(ctx):
            _localize(param, name)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_parameters(self, ctx, formatter)


def _localize(param: Parameter, command: str) -> None:
    # An option without an entry keeps the help written in its code: tests/test_cli_help.py
    # fails on it, the user still gets a help page.
    key = "option.help" if param.name == "help" else help_key(command, param.name or "")
    if key in HELP:
        param.help = pick(HELP[key])  # type: ignore[attr-defined]


def _write_usage(command: Command, ctx: Context, formatter: HelpFormatter) -> None:
    pieces = " ".join(command.collect_usage_pieces(ctx))
    if language() == "it":  # the metavars typer writes in English
        pieces = pieces.replace("[OPTIONS]", f"[{pick(WORDS['options']).upper()}]")
        pieces = pieces.replace("COMMAND [ARGS]...", "COMANDO [ARGOMENTI]...")
    formatter.write_usage(ctx.command_path, pieces, prefix=f"{pick(WORDS['usage'])}: ")


def _write_parameters(command: Command, ctx: Context, formatter: HelpFormatter) -> None:
    sections: dict[str, list[tuple[str, str]]] = {"arguments": [], "options": []}
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None:
            kind = "arguments" if param.param_type_name == "argument" else "options"
            sections[kind].append((record[0], _extras_in_language(record[1])))
    for kind, rows in sections.items():
        if rows:
            with formatter.section(pick(WORDS[kind])):
                formatter.write_dl(rows)


class _Commands(MutableMapping[str, "Command"]):
    """The commands of the catalogue, each built (its module imported) on first use."""

    def __init__(self, built: Mapping[str, Command]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = _build(name)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)

    def __setitem__(self, name: str, command: Command) -> None:  # click's add_command
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]


def _build(name: str) -> Command:
    """Import the module of command ``name`` (it registers itself on the application)
    and build its click command as typer would have."""
    from typer.main import get_command_from_info

    from capcoe_rules.cli.common import app

    import_module(f"capcoe_rules.cli.{COMMANDS[name]}")
    for info in app.registered_commands:
        if info.name == name:
            return get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    raise LookupError(f"capcoe_rules.cli.{COMMANDS[name]} registers no {name!r}")


class _ItalianUsageError(UsageError):
    """A bad command line, said in Italian (typer says it in English)."""

    def __init__(self, error: UsageError) -> None:
        message = error.format_message()
        for pattern, italian in USAGE_ERRORS:
            message = re.sub(pattern, italian, message)
        super().__init__(message, error.ctx)

    def show(self, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        ctx = self.ctx
        if ctx is not None:
            print(ctx.get_usage(), file=stream)
            if ctx.command.get_help_option(ctx) is not None:
                ask = f"{ctx.command_path} {ctx.help_option_names[0]}"
                print(pick(WORDS["try_help"]).format(command=ask) + "\n", file=stream)
        print(f"{pick(WORDS['error'])}: {self.message}", file=stream)


@contextlib.contextmanager
def _usage_errors_in_language() -> Iterator[None]:
    try:
        yield
    except NoArgsIsHelpError:
        raise  # the help page itself, already in the language
    except _ItalianUsageError:
        raise
    except UsageError as error:
        if language() == "en":
            raise
        raise _ItalianUsageError(error) from error


def without_group_language(args: list[str]) -> list[str]:
    """``args`` without the group's own ``--lang X``, which :func:`_start_invocation` has
    already read and checked: typer would pass its value through pydantic (tens of
    milliseconds to import) before ``--help`` could answer."""
    kept: list[str] = []
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] != "--":
        if args[index] == "--lang" and index + 1 < len(args):
            index += 2
            continue
        if not args[index].startswith("--lang="):
            kept.append(args[index])
        index += 1
    return kept + args[index:]


class LocalizedGroup(TyperGroup):
    """The ``capcoe-rules`` group: lazy commands, help and language from the catalogue."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(self.commands)

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_params(self, ctx: Context) -> list[Parameter]:
        return coerce_plainly(super().get_params(ctx))

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        _start_invocation(sys.argv[1:] if args is None else list(args))
        return super().main(args, *rest, **extra)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, without_group_language(args))

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        with _usage_errors_in_language():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with _usage_errors_in_language():  # the command's own options are parsed here
            return super().invoke(ctx)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self.help = pick(HELP["app"])
        for param in self.get_params(ctx):
            _localize(param, "app")
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_parameters(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        # From the catalogue: listing the commands imports none of them.
        rows = [(name, pick(HELP[f"{name}.summary"])) for name in COMMANDS]
        with formatter.section(pick(WORDS["commands"])):
            formatter.write_dl(rows)
