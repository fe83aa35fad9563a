"""``capcoe-rules expand``: full decisions regenerated from compact ones and their cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import RulesOption, command, err, fail, load_engine, os_failure
from capcoe_rules.cli.localized import language, say


@command("expand")
def expand(
    decisions: Annotated[Path, typer.Argument()],
    cases: Annotated[Path, typer.Option("--cases")],
    out_path: Annotated[Path, typer.Option("--out", "-o")],
    rules: RulesOption = Path("rules"),
) -> None:
    """Regenerate a batch's full decisions from its compact ones.

    Its help, in Italian and English: ``catalogue.HELP["expand"]``.
    """
    from capcoe_rules.batch.expanding import expand_decisions  # start-up: see cli.common
    from capcoe_rules.errors import DecisionMismatchError

    engine = load_engine(rules)
    try:
        count = expand_decisions(engine, decisions, cases, out_path)
    except DecisionMismatchError as error:
        fail(say("nothing_written", path=decisions, reason=error.messages()[language()]), 1)
    except OSError as error:
        fail(os_failure(error), 2)
    err.print(say("expanded", count=count, path=out_path), markup=False, highlight=False)
