"""``capcoe-rules evaluate`` and ``explain``: decide one case and say why."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from capcoe_rules.casefiles import read_case_file
from capcoe_rules.cli.common import AsOfOption, LanguageOption, RulesOption, app, err, fail, out
from capcoe_rules.engine import Engine
from capcoe_rules.errors import CaseError, EvaluationError
from capcoe_rules.language import RuleSetError
from capcoe_rules.models.decision import Decision, Finding

CaseArgument = Annotated[
    Path, typer.Argument(help="A case (or an example with case: and expect:) in YAML or JSON.")
]


@app.command()
def evaluate(
    case: CaseArgument,
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the decision as JSON.")
    ] = False,
    lang: LanguageOption = "it",
) -> None:
    """Decide one case and show the outcome, the rules not met and the values derived."""
    decision = _decide(case, rules, as_of)
    if json_output:
        print(decision.to_json(indent=2))
        return
    _print_summary(decision, lang)
    applied = [f for f in decision.findings if f.status in ("met", "not_met")]
    # Rules not met first: they are the reasons of the decision.
    applied.sort(key=lambda finding: finding.status == "met")
    table = Table(title="Requisiti applicati / Requirements applied", title_justify="left")
    for column in ("rule", "status", "title", "basis"):
        table.add_column(column, overflow="fold")
    for finding in applied:
        title = finding.title.pick(lang)
        if finding.message:
            title += f"\n{finding.message.pick(lang)}"
        table.add_row(finding.rule_id, _status(finding), title, _basis(finding))
    out.print(table)
    _print_derived(decision, lang)


@app.command()
def explain(
    case: CaseArgument,
    rules: RulesOption = Path("rules"),
    as_of: AsOfOption = None,
    lang: LanguageOption = "it",
) -> None:
    """Show every rule considered: held or not, the values it read, its citation."""
    decision = _decide(case, rules, as_of)
    _print_summary(decision, lang)
    # One block per rule rather than a table: citations and values are long and a policy
    # officer reads them whole.
    for finding in decision.findings:
        out.print()
        out.print(
            Text.assemble(
                (finding.rule_id, "bold"), "  ", _status(finding), "  ", finding.title.pick(lang)
            )
        )
        if finding.message:
            out.print(f"    {finding.message.pick(lang)}", highlight=False)
        if finding.derives:
            out.print(f"    {finding.derives} = {_shown(finding.value)}", highlight=False)
        out.print(f"    fonte/basis: {_basis(finding)}", highlight=False)
        for name, value in finding.values.items():
            out.print(f"    letto/read: {name} = {_shown(value)}", highlight=False)


def _decide(case_path: Path, rules: Path, as_of: dt.datetime | None) -> Decision:
    try:
        case_file = read_case_file(case_path)
        engine = Engine.from_path(rules)
        day = as_of.date() if as_of is not None else case_file.as_of
        return engine.evaluate(case_file.case, as_of=day)
    except CaseError as error:
        for field_problem in error.problems:
            err.print(f"{case_path}: {field_problem}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except RuleSetError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        fail(f"the rule set in {rules} has problems: run 'capcoe-rules check {rules}'", 1)
    except (FileNotFoundError, EvaluationError) as error:
        fail(str(error), 1)


def _print_summary(decision: Decision, lang: str) -> None:
    eligible = decision.outcome == "eligible"
    verdict = Text(
        "AMMISSIBILE / ELIGIBLE" if eligible else "NON AMMISSIBILE / NOT ELIGIBLE",
        style="bold green" if eligible else "bold red",
    )
    out.print(Text.assemble(f"Caso {decision.case_id} ({decision.case_type}): ", verdict))
    region = decision.lookups.get("region")
    if region:
        mezzogiorno = "sì" if region.get("mezzogiorno") else "no"
        out.print(
            f"Regione: {region.get('name')} ({region.get('code')}), categoria "
            f"{region.get('category')}, Mezzogiorno: {mezzogiorno}",
            highlight=False,
        )
    ruleset = decision.ruleset
    out.print(
        f"Regole: {ruleset.name} {ruleset.version} ({ruleset.content_hash[:19]}), "
        f"alla data del {decision.as_of.isoformat()}",
        highlight=False,
    )
    if decision.warnings:
        out.print(f"Avvertenze / warnings: {', '.join(decision.warnings)}", style="yellow")


def _print_derived(decision: Decision, lang: str) -> None:
    derivations = [f for f in decision.findings if f.kind == "derivation"]
    if not derivations:
        return
    table = Table(title="Valori calcolati / Derived values", title_justify="left")
    for column in ("name", "value", "rule", "title", "basis"):
        table.add_column(column, overflow="fold")
    for finding in derivations:
        table.add_row(
            finding.derives or "",
            _shown(finding.value),
            finding.rule_id,
            finding.title.pick(lang),
            _basis(finding),
        )
    out.print(table)


def _status(finding: Finding) -> Text:
    styles = {"met": "green", "not_met": "red", "not_applicable": "dim", "computed": "cyan"}
    label = (
        finding.status
        if finding.status != "not_met" or finding.severity == "blocking"
        else "warning"
    )
    return Text(label, style=styles[finding.status] if label != "warning" else "yellow")


def _basis(finding: Finding) -> str:
    return finding.basis + (" [IPOTESI/ASSUMPTION]" if finding.provenance == "assumption" else "")


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)
