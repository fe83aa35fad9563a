"""Load a rule set directory and check it completely, reporting every problem with its place.

The checker is the list of stages below, run in order on one :class:`CheckContext`; each
stage reads what earlier ones found and adds its own (``capcoe_rules/language/stages/``
holds one module per stage). A stage that fails for one item does not stop the others:
policy staff get the whole list in one run. Only without a readable ``ruleset.yaml`` do
the stages after reading stop, since every date and name depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from capcoe_rules.language.allocation import check_allocation
from capcoe_rules.language.loading import check_ruleset, load_ruleset
from capcoe_rules.language.payment_names import check_payment_declaration
from capcoe_rules.language.problems import Problem, RuleSetError
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.language.sources import content_hash, read_sources
from capcoe_rules.language.stages import case_rules, parameters, reading, rule_ids, tables
from capcoe_rules.language.stages.context import MANIFEST, CheckContext
from capcoe_rules.models.cases import RULE_SUBJECTS

__all__ = [
    "MANIFEST",
    "STAGES",
    "check_ruleset",
    "check_texts",
    "content_hash",
    "load_ruleset",
    "load_sources",
    "read_sources",
]


@dataclass(frozen=True)
class Stage:
    """One step of the checker: it reads what earlier stages left in the context and adds
    its own findings and problems."""

    name: str
    does: str
    run: Callable[[CheckContext], None]
    needs_manifest: bool = True
    """Skipped without a readable ruleset.yaml (every date and name depends on it)."""


def _read_manifest(ctx: CheckContext) -> None:
    ctx.manifest = reading.manifest(ctx)


def _read_rule_files(ctx: CheckContext) -> None:
    ctx.files = reading.rule_files(ctx)


def _check_parameters(ctx: CheckContext) -> None:
    assert ctx.manifest is not None
    ctx.parameters = parameters.parameters(ctx, ctx.files, ctx.manifest[0])


def _check_tables(ctx: CheckContext) -> None:
    assert ctx.manifest is not None
    ctx.tables = tables.tables(ctx, ctx.files, ctx.manifest[0])


def _check_case_rules(ctx: CheckContext) -> None:
    assert ctx.manifest is not None
    manifest, manifest_yaml = ctx.manifest
    ctx.cases = {
        case_type: case_rules.case_rules(
            ctx, case_type, ctx.files, manifest, manifest_yaml, ctx.tables, ctx.parameters
        )
        for case_type in RULE_SUBJECTS
    }


def _check_rule_ids(ctx: CheckContext) -> None:
    rule_ids.unique_rule_ids(ctx, ctx.files)


def _check_payment(ctx: CheckContext) -> None:
    ctx.payment = check_payment_declaration(ctx.files, ctx.cases, ctx.report)


def _check_allocation(ctx: CheckContext) -> None:
    assert ctx.manifest is not None
    ctx.allocation = check_allocation(
        (
            (file.path, file.yaml.source, file.doc.case, file.doc.allocation)
            for file in ctx.files
            if file.doc.allocation is not None and file.doc.case is not None
        ),
        ctx.cases,
        ctx.parameters,
        ctx.tables,
        parameters.change_days(ctx.manifest[0], ctx.parameters, ctx.tables),
        ctx.report,
    )


STAGES: tuple[Stage, ...] = (
    Stage("manifest", "ruleset.yaml: name, version, in-force period", _read_manifest, False),
    Stage("rule files", "each YAML file read into its document model", _read_rule_files, False),
    Stage("parameters", "typed values by period, no gap or overlap", _check_parameters),
    Stage("tables", "typed rows by period, one row per key a day", _check_tables),
    Stage(
        "rules",
        "per case type: lookups, derived values in order, typed rules",
        _check_case_rules,
    ),
    Stage("rule ids", "each rule id used once", _check_rule_ids),
    Stage("payment", "the payment: declaration names real derived values", _check_payment),
    Stage("allocation", "the allocation round's declaration", _check_allocation),
)
"""The checker, stage by stage, in the order they run."""


def load_sources(sources: Mapping[str, str], origin: str = "rules") -> CheckedRuleSet:
    """Check a rule set given as file texts by relative path (how pickled engines rebuild)."""
    return check_texts(sources, origin, [], set())


def check_texts(
    sources: Mapping[str, str], origin: str, problems: list[Problem], unreadable: set[str]
) -> CheckedRuleSet:
    """Check the rule files ``sources`` (text by relative path) read from ``origin``, with
    the ``problems`` reading them found (``unreadable``: the files that could not be read).
    Raises :class:`RuleSetError` with every problem."""
    ctx = CheckContext(dict(sorted(sources.items())), origin, list(problems), unreadable)
    for stage in STAGES:
        if stage.needs_manifest and ctx.manifest is None:
            break
        stage.run(ctx)
    if ctx.problems or ctx.manifest is None:
        raise RuleSetError(ctx.problems)
    return _checked_ruleset(ctx)


def _checked_ruleset(ctx: CheckContext) -> CheckedRuleSet:
    assert ctx.manifest is not None
    manifest = ctx.manifest[0]
    return CheckedRuleSet(
        name=manifest.name,
        version=manifest.version,
        title_it=manifest.title.it,
        in_force_from=manifest.in_force.from_,
        in_force_to=manifest.in_force.to,
        content_hash=content_hash(ctx.sources),
        parameters=ctx.parameters,
        tables=ctx.tables,
        cases=ctx.cases,
        sources=ctx.sources,
        payment=ctx.payment,
        allocation=ctx.allocation,
    )
