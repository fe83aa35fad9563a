"""The ``capcoe-rules`` command. Each command lives in its own module, registered on ``app``
when it is first run (:mod:`capcoe_rules.cli.localized`); every text it shows is in
:mod:`capcoe_rules.cli.catalogue`, in Italian (the default) and English.

Exit status: 0 success; 1 the rule set has problems or a case failed its expectations;
2 bad input (an unreadable or invalid case file, bad options, an unknown language).
"""

import os

from capcoe_rules.cli.common import app

__all__ = ["app", "main"]

PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"


def main() -> None:
    # pydantic looks for plugins among every installed package's entry points when it
    # builds its first validator (15 ms of a 0.3 s `evaluate`); the command line uses none.
    # Setting the variable, even empty, is the user's choice and is kept.
    os.environ.setdefault(PLUGINS_VARIABLE, "__all__")
    app()
