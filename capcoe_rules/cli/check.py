"""``capcoe-rules check``: every problem of a rule set, with its place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import LOCAL_RULES, RULES_HELP, app, choose_rules, err, fail
from capcoe_rules.language import check_ruleset, load_ruleset


@app.command()
def check(
    rules: Annotated[
        Path, typer.Argument(help=RULES_HELP, show_default=False, callback=choose_rules)
    ] = LOCAL_RULES,
) -> None:
    """Check a rule set; print every problem as FILE:LINE:COL: CODE message."""
    try:
        problems = check_ruleset(rules)
    except FileNotFoundError as error:
        fail(str(error), 2)
    for problem in problems:
        print(problem)
    if problems:
        err.print(f"[red]{len(problems)} problem(s)[/red] in {rules}")
        raise typer.Exit(1)
    ruleset = load_ruleset(rules)
    count = sum(len(case.rules) for case in ruleset.cases.values())
    err.print(
        f"[green]{rules}: no problems[/green] - {ruleset.name} {ruleset.version}, "
        f"{ruleset.title_it} ({count} rules, {len(ruleset.parameters)} "
        f"parameters, {len(ruleset.tables)} tables; {ruleset.content_hash[:19]})"
    )
