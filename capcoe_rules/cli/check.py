"""``capcoe-rules check``: every problem of a rule set, with its place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import app, err, fail
from capcoe_rules.language import RuleSetError, load_ruleset


@app.command()
def check(
    rules: Annotated[Path, typer.Argument(help="Directory of the rule set.")] = Path("rules"),
) -> None:
    """Check a rule set; print every problem as FILE:LINE:COL: CODE message."""
    if not rules.is_dir():
        fail(f"{rules} is not a directory of rule files", 2)
    try:
        ruleset = load_ruleset(rules)  # once: the problems, or the rule set to describe
    except RuleSetError as error:
        for problem in error.problems:
            print(problem)
        err.print(f"[red]{len(error.problems)} problem(s)[/red] in {rules}")
        raise typer.Exit(1) from None
    count = sum(len(case.rules) for case in ruleset.cases.values())
    err.print(
        f"[green]{rules}: no problems[/green] - {ruleset.name} {ruleset.version}, "
        f"{ruleset.title_it} ({count} rules, {len(ruleset.parameters)} "
        f"parameters, {len(ruleset.tables)} tables; {ruleset.content_hash[:19]})"
    )
