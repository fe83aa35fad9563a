"""``capcoe-rules check``: every problem of a rule set, with its place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from capcoe_rules.cli.common import (
    LOCAL_RULES,
    Format,
    FormatOption,
    LanguageOption,
    choose_rules,
    command,
    err,
    fail,
)
from capcoe_rules.cli.localized import say

if TYPE_CHECKING:
    from capcoe_rules.language import CheckedRuleSet, Problem


@command("check")
def check(
    rules: Annotated[Path, typer.Argument(show_default=False, callback=choose_rules)] = LOCAL_RULES,
    output_format: FormatOption = Format.text,
    lang: LanguageOption = "it",
) -> None:
    """Check a rule set: every problem with its file, line and column.

    Its help, in Italian and English: ``catalogue.HELP["check"]``.
    """
    from capcoe_rules.language import RuleSetError, load_ruleset  # start-up: see cli.common

    if not rules.is_dir():
        fail(say("not_a_rules_directory", path=rules), 2)
    ruleset: CheckedRuleSet | None = None
    try:
        ruleset = load_ruleset(rules)
        problems: list[Problem] = []
    except RuleSetError as error:
        problems = error.problems
    if output_format is Format.json:
        print(json.dumps(_report(rules, problems, ruleset), indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            print(problem.text(lang))
    if ruleset is None:
        message = say("check_problems", count=len(problems), path=rules)
        err.print(message, style="red", markup=False, highlight=False)
        raise typer.Exit(1)
    clean = say(
        "check_clean",
        path=rules,
        name=ruleset.name,
        version=ruleset.version,
        title=ruleset.title_it,
        rules=sum(len(case.rules) for case in ruleset.cases.values()),
        parameters=len(ruleset.parameters),
        tables=len(ruleset.tables),
        hash=ruleset.content_hash[:19],
    )
    err.print(clean, style="green", markup=False, highlight=False)


def _report(rules: Path, problems: list[Problem], ruleset: CheckedRuleSet | None) -> dict[str, Any]:
    from capcoe_rules.language.problems import CODES

    return {
        "rules": rules.as_posix(),
        "ok": ruleset is not None,
        "problems": [
            {
                "file": problem.file,
                "line": problem.position.line,
                "column": problem.position.column,
                "code": problem.code,
                "kind": CODES.get(problem.code, ""),
                "message": problem.message,
                "message_it": problem.message_it or problem.message,
                "hint": None if problem.hint is None else problem.hint.en,
                "hint_it": None if problem.hint is None else problem.hint.it,
            }
            for problem in problems
        ],
        "ruleset": None
        if ruleset is None
        else {
            "name": ruleset.name,
            "version": ruleset.version,
            "content_hash": ruleset.content_hash,
            "title": ruleset.title_it,
            "rules": sum(len(case.rules) for case in ruleset.cases.values()),
            "parameters": len(ruleset.parameters),
            "tables": len(ruleset.tables),
        },
    }
