"""The ``capcoe-rules`` command. Each command lives in its own module, registered on ``app``
when it is first run (:mod:`capcoe_rules.cli.localized`); every text it shows is in
:mod:`capcoe_rules.cli.catalogue`, in Italian (the default) and English.

Exit status: 0 success; 1 the rule set has problems or a case failed its expectations;
2 bad input (an unreadable or invalid case file, bad options, an unknown language).
"""

from capcoe_rules.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    app()
