"""The ``capcoe-rules`` command. Each command lives in its own module, registered on ``app``
when it is first run (:mod:`capcoe_rules.cli.localized`); every text it shows is in
:mod:`capcoe_rules.cli.catalogue`, in Italian (the default) and English.

Exit status: 0 success; 1 the rule set has problems or a case failed its expectations;
2 bad input (an unreadable or invalid case file, bad options, an unknown language).
"""

import gc
import os
import sys
from collections.abc import Sequence

from capcoe_rules.cli.common import app
from capcoe_rules.cli.localized import without_group_language

__all__ = ["app", "main"]

PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
ONE_CASE_COMMANDS = frozenset({"evaluate", "explain"})
"""Commands that decide one case and print it: they hold a few megabytes, write no file,
and end as soon as their output is flushed (see :func:`main`)."""


def main() -> None:
    """The console script (and ``python -m capcoe_rules``)."""
    # pydantic looks for plugins among every installed package's entry points when it
    # builds its first validator (15 ms of a 0.3 s `evaluate`); the command line uses none.
    # Setting the variable, even empty, is the user's choice and is kept.
    os.environ.setdefault(PLUGINS_VARIABLE, "__all__")
    if command_of(sys.argv[1:]) not in ONE_CASE_COMMANDS:
        app()
        return
    # One case: no garbage collection (what it allocates is freed at exit, and the
    # collector walked every object made while importing, 3% of the run), and no tearing
    # down of the interpreter's objects once the output is out (5%, 15 ms): the process
    # ends with its exit status as soon as stdout and stderr are flushed.
    gc.disable()
    try:
        app()
    except SystemExit as exit:
        _end_now(exit.code)
    _end_now(0)


def command_of(args: Sequence[str]) -> str | None:
    """The command named in ``args`` (the arguments after the program's name)."""
    return next((arg for arg in without_group_language(list(args)) if arg[:1] != "-"), None)


def _end_now(code: object) -> None:
    if code is not None and not isinstance(code, int):  # sys.exit("message"), as Python does
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. stdout was a pipe its reader closed
        code = code or 1
    os._exit(code or 0)
