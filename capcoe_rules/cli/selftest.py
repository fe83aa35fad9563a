"""``capcoe-rules selftest``: see the engine decide a rule set exactly as its specification."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

import typer

from capcoe_rules.cli.common import RulesOption, command, fail, os_failure, out, stderr_console
from capcoe_rules.cli.localized import grouped, language, say

if TYPE_CHECKING:  # hypothesis is in the test extra: imported only when the command runs
    from capcoe_rules.language import CheckedRuleSet
    from capcoe_rules.testing.selftest import SelfTestReport


@command("selftest")
def selftest(
    rules: RulesOption = Path("rules"),
    cases: Annotated[int, typer.Option("--cases", min=1)] = 1000,
    generated: Annotated[int, typer.Option("--generated", min=0)] = 0,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """See the engine decide as the specification, on generated cases.

    Its help, in Italian and English: ``catalogue.HELP["selftest"]``.
    """
    try:
        from capcoe_rules.testing import selftest as checks  # needs hypothesis
    except ImportError as error:
        fail(say("selftest_needs_extra", reason=error), 2)
    from capcoe_rules.language import RuleSetError, load_ruleset

    try:
        ruleset = load_ruleset(rules)
    except RuleSetError as error:
        for problem in error.problems:
            print(problem.text(language()))
        fail(say("selftest_rule_set_problems", path=rules), 1)
    except FileNotFoundError as error:
        fail(os_failure(error), 2)
    try:
        reports = _run(checks, ruleset, cases, generated, seed)
    except checks.SelfTestError as error:
        fail(say("selftest_cannot_generate", reason=error.reason), 1)
    _print(rules, reports)


def _run(
    checks: ModuleType, ruleset: CheckedRuleSet, cases: int, generated: int, seed: int | None
) -> list[SelfTestReport]:
    from rich.progress import Progress

    reports: list[SelfTestReport] = []
    console = stderr_console()
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(f"{ruleset.name} {ruleset.version}", total=cases)
        reports.append(
            checks.check_ruleset_cases(
                ruleset, cases, seed=seed, progress=lambda n: progress.advance(task, n)
            )
        )
        if generated and reports[-1].passed:
            task = progress.add_task(say("selftest_generated_task"), total=generated)
            reports.append(
                checks.check_generated_rulesets(
                    generated, cases, seed=seed, progress=lambda n: progress.advance(task, n)
                )
            )
    return reports


def _print(rules: Path, reports: list[SelfTestReport]) -> None:
    own = reports[0]
    said = say("selftest_cases", path=rules, cases=grouped(own.cases))
    out.print(said, highlight=False, markup=False)
    if len(reports) > 1:
        other = reports[1]
        generated = say(
            "selftest_generated", rulesets=grouped(other.rulesets), cases=grouped(other.cases)
        )
        out.print(generated, highlight=False, markup=False)
    for report in reports:
        if report.disagreement is not None:
            for path, text in report.ruleset_sources.items():
                out.print(f"--- {path}\n{text}", markup=False, highlight=False)
            found = report.disagreement
            disagree = say(
                "selftest_disagree",
                day=found.as_of,
                engine=found.engine,
                reference=found.reference,
                case=repr(found.case),
            )
            out.print(disagree, markup=False, highlight=False)
            raise typer.Exit(1)
    out.print(say("selftest_agree"), style="green", markup=False, highlight=False)
