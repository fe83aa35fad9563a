"""``capcoe-rules evaluate`` and ``explain``: decide one case and say why."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from capcoe_rules.cli.common import (
    AsOfOption,
    LanguageOption,
    RulesOption,
    command,
    err,
    fail,
    load_engine,
    out,
)
from capcoe_rules.cli.localized import decimal, language, say

if TYPE_CHECKING:
    from rich.text import Text

    from capcoe_rules.engine.engine import AnyDecision
    from capcoe_rules.errors import CaseError
    from capcoe_rules.models.decision import Finding, RuleSetRef
    from capcoe_rules.models.payment_decision import PaymentDecision

CaseArgument = Annotated[Path, typer.Argument()]
VERDICT_STYLES = {
    "eligible": "bold green",
    "not_eligible": "bold red",
    "payable": "bold green",
    "nothing_payable": "bold yellow",
    "refused": "bold red",
}
"""The style of each outcome; its words: ``catalogue.MESSAGES["verdict_<outcome>"]``."""


@command("evaluate")
def evaluate(
    case: CaseArgument,
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
    lang: LanguageOption = "it",
) -> None:
    """Decide one case: outcome, requirements applied, values derived.

    Its help, in Italian and English: ``catalogue.HELP["evaluate"]``.
    """
    from capcoe_rules.models.explanation import CASE  # start-up: see cli.common

    decision = _decide(case, rules, as_of, lang, json_output)
    if json_output:
        print(decision.to_json(indent=2))
        return
    _print_summary(decision)
    on_the_case = decision.explanation().at(CASE)
    if (payment := _as_payment(decision)) is not None:
        _print_payment(payment, lang)
        _print_requirements(on_the_case, lang, say("claim_title"))
        return
    _print_requirements(on_the_case, lang, say("requirements_title"))
    _print_derived(on_the_case, lang)


@command("explain")
def explain(
    case: CaseArgument,
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    lang: LanguageOption = "it",
) -> None:
    """Show every rule considered: held or not, the values it read, its citation.

    Its help, in Italian and English: ``catalogue.HELP["explain"]``.
    """
    from capcoe_rules.models.explanation import CASE, Place  # start-up: see cli.common

    decision = _decide(case, rules, as_of, lang)
    explanation = decision.explanation()
    _print_summary(decision)
    if (payment := _as_payment(decision)) is not None:
        _print_payment(payment, lang)
        for milestone in payment.milestones:
            out.print()
            out.rule(say("milestone_title", id=milestone.milestone_id, kind=milestone.kind))
            _print_findings(explanation.at(Place(milestone.milestone_id)), lang)
        out.print()
        out.rule(say("claim_title"))
    _print_findings(explanation.at(CASE), lang)


def _as_payment(decision: AnyDecision) -> PaymentDecision | None:
    """The decision as a payment decision, if it is one (the payment models are imported
    only then: deciding an application needs none of them)."""
    if decision.case_type != "payment_claim":
        return None
    from capcoe_rules.models.payment_decision import PaymentDecision

    assert isinstance(decision, PaymentDecision)
    return decision


def _decide(
    case_path: Path, rules: Path, as_of: dt.datetime | None, lang: str, as_json: bool = False
) -> AnyDecision:
    from capcoe_rules.casefiles import read_case_file
    from capcoe_rules.errors import CaseError, EvaluationError

    try:
        case_file = read_case_file(case_path)
    except CaseError as error:
        _print_case_problems(case_path, error, lang, as_json)
    engine = load_engine(rules, typed_decisions=False)  # shown, never read back: see Engine
    day = as_of.date() if as_of is not None else case_file.as_of
    try:
        return engine.evaluate(case_file.case, as_of=day)
    except CaseError as error:
        _print_case_problems(case_path, case_file.locate(error), lang, as_json)
    except EvaluationError as error:
        fail(say("rule_not_evaluated", path=rules, reason=error.text.pick(language())), 1)


def _print_case_problems(
    case_path: Path, error: CaseError, lang: str, as_json: bool = False
) -> NoReturn:
    from capcoe_rules.casefiles import problem_lines, problems_json

    if as_json:  # {"problems": [...]} on stdout, as check --format json
        print(json.dumps({"problems": problems_json(case_path, error)}, ensure_ascii=False))
    for line in problem_lines(case_path, error, lang):  # one line each, however long: for grep
        err.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _print_summary(decision: AnyDecision) -> None:
    from rich.text import Text

    from capcoe_rules.models.decision import Decision

    label, style = say(f"verdict_{decision.outcome}"), VERDICT_STYLES[decision.outcome]
    case = say("case_line", id=decision.case_id, type=say(f"case_type_{decision.case_type}"))
    out.print(Text.assemble(f"{case}: ", (label, style)))
    if isinstance(decision, Decision) and (region := decision.lookups.get("region")):
        line = say(
            "region_line",
            name=region.get("name"),
            code=region.get("code"),
            category=region.get("category"),
            mezzogiorno=say("yes" if region.get("mezzogiorno") else "no"),
        )
        out.print(line, highlight=False)
    out.print(_ruleset_line(decision.ruleset, decision.as_of), highlight=False)
    if decision.reasons:
        out.print(say("reasons_line", ids=", ".join(decision.reasons)), style="red")
    if decision.warnings:
        out.print(say("warnings_line", ids=", ".join(decision.warnings)), style="yellow")


def _ruleset_line(ruleset: RuleSetRef, as_of: dt.date) -> str:
    return say(
        "ruleset_line",
        name=ruleset.name,
        version=ruleset.version,
        hash=ruleset.content_hash[:19],
        day=as_of.isoformat(),
    )


def _print_payment(decision: PaymentDecision, lang: str) -> None:
    from rich.table import Table

    from capcoe_rules.models.explanation import Place

    table = Table(title=say("milestones_title"), title_justify="left")
    for column in ("milestone", "kind", "status"):
        table.add_column(say(f"column_{column}"))
    for column in ("paid_before", "payable", "withheld", "recovered"):
        table.add_column(say(f"column_{column}"), justify="right")
    table.add_column(say("column_why"))
    explanation = decision.explanation()
    for milestone in decision.milestones:
        judged = explanation.at(Place(milestone.milestone_id))
        why = [f.message.pick(lang) for f in judged if f.status == "not_met" and f.message]
        table.add_row(
            milestone.milestone_id,
            milestone.kind,
            say(f"milestone_{milestone.status}"),
            decimal(milestone.already_paid, ",.2f"),
            decimal(milestone.payable, ",.2f"),
            decimal(milestone.withheld, ",.2f"),
            decimal(milestone.recovered, ",.2f"),
            "\n".join(why),
        )
    totals = decision.totals
    table.add_section()
    table.add_row(
        say("total"),
        "",
        "",
        decimal(totals.paid_before, ",.2f"),
        decimal(totals.payable, ",.2f"),
        decimal(totals.withheld, ",.2f"),
        decimal(totals.recovered, ",.2f"),
        say(
            "net_of_grant",
            net=decimal(totals.net, ",.2f"),
            grant=decimal(totals.grant_total, ",.2f"),
        ),
    )
    out.print(table)


def _print_requirements(findings: list[Finding], lang: str, title: str) -> None:
    from rich.table import Table

    applied = [f for f in findings if f.status in ("met", "not_met")]
    # Rules not met first: they are the reasons of the decision.
    applied.sort(key=lambda finding: finding.status == "met")
    if not applied:
        return
    table = Table(title=title, title_justify="left")
    for column in ("rule", "status", "title", "basis"):
        table.add_column(say(f"column_{column}"), overflow="fold")
    for finding in applied:
        title_text = finding.title.pick(lang)
        if finding.message:
            title_text += f"\n{finding.message.pick(lang)}"
        table.add_row(finding.rule_id, _status(finding), title_text, _basis(finding))
    out.print(table)


def _print_derived(findings: list[Finding], lang: str) -> None:
    from rich.table import Table

    derivations = [f for f in findings if f.kind == "derivation"]
    if not derivations:
        return
    table = Table(title=say("derived_title"), title_justify="left")
    for column in ("name", "value", "rule", "title", "basis"):
        table.add_column(say(f"column_{column}"), overflow="fold")
    for finding in derivations:
        table.add_row(
            finding.derives or "",
            _shown(finding.value),
            finding.rule_id,
            finding.title.pick(lang),
            _basis(finding),
        )
    out.print(table)


def _print_findings(findings: Iterable[Finding], lang: str) -> None:
    # One block per rule rather than a table: citations and values are long and a policy
    # officer reads them whole.
    from rich.text import Text

    for finding in findings:
        out.print()
        out.print(
            Text.assemble(
                (finding.rule_id, "bold"), "  ", _status(finding), "  ", finding.title.pick(lang)
            )
        )
        if finding.message:
            out.print(f"    {finding.message.pick(lang)}", highlight=False, markup=False)
        if finding.derives:
            out.print(
                f"    {finding.derives} = {_shown(finding.value)}", highlight=False, markup=False
            )
        basis = say("basis_line", basis=_basis(finding))
        out.print(f"    {basis}", highlight=False, markup=False)
        for name, value in finding.values.items():
            read = say("read_line", name=name, value=_shown(value))
            out.print(f"    {read}", highlight=False, markup=False)


def _status(finding: Finding) -> Text:
    from rich.text import Text

    if finding.status == "not_met" and finding.severity == "warning":
        return Text(say("status_warning"), style="yellow")
    styles = {"met": "green", "not_met": "red", "not_applicable": "dim", "computed": "cyan"}
    return Text(say(f"status_{finding.status}"), style=styles[finding.status])


def _basis(finding: Finding) -> str:
    assumed = finding.provenance == "assumption"
    return finding.basis + (f" {say('assumption_mark')}" if assumed else "")


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)
