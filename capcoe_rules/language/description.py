"""A checked rule set described for its readers: identity, period, rules with citations.

What ``GET /v1/ruleset`` answers and ``capcoe-rules check --format json`` reports: enough
for a back office to show which rule set decides, since when, by which rules and on which
legal basis, and the dated parameters those rules read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from capcoe_rules.language.checker import MANIFEST
from capcoe_rules.language.ruleset import CheckedRuleSet, Parameter, Rule
from capcoe_rules.language.values import decode
from capcoe_rules.models.labels import Text


class _Described(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InForcePeriod(_Described):
    from_: dt.date = Field(serialization_alias="from", validation_alias="from")
    to: dt.date


class RuleDescription(_Described):
    id: str
    case: str
    """What the rule judges: ``application``, ``milestone`` (of a payment claim) or ``claim``."""
    kind: Literal["requirement", "derivation"]
    title: Text
    basis: str
    provenance: Literal["source", "assumption"]
    severity: Literal["blocking", "warning"] | None
    derives: str | None
    file: str
    """The rule file, relative to the rule set's directory."""
    line: int


class DatedValueDescription(_Described):
    from_: dt.date = Field(serialization_alias="from", validation_alias="from")
    to: dt.date | None
    value: Any


class ParameterDescription(_Described):
    name: str
    type: str
    unit: str | None
    title: Text
    basis: str
    provenance: Literal["source", "assumption"]
    values: list[DatedValueDescription]


class RuleSetDescription(_Described):
    """A rule set: which one, when it is in force, its rules and parameters."""

    name: str
    version: str
    content_hash: str
    title: Text
    in_force: InForcePeriod
    rules: list[RuleDescription]
    parameters: list[ParameterDescription]

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent, by_alias=True)


def describe(ruleset: CheckedRuleSet) -> RuleSetDescription:
    return RuleSetDescription(
        name=ruleset.name,
        version=ruleset.version,
        content_hash=ruleset.content_hash,
        title=_manifest_title(ruleset),
        in_force=InForcePeriod(**{"from": ruleset.in_force_from}, to=ruleset.in_force_to),
        rules=[_rule(rule, ruleset) for case in ruleset.cases.values() for rule in case.rules],
        parameters=[_parameter(parameter) for parameter in ruleset.parameters.values()],
    )


def _manifest_title(ruleset: CheckedRuleSet) -> Text:
    # The checked rule set keeps the Italian title only; the manifest has both.
    manifest = yaml.safe_load(ruleset.sources.get(MANIFEST, "")) or {}
    title = manifest.get("title") if isinstance(manifest, dict) else None
    english = title.get("en") if isinstance(title, dict) else None
    return Text(it=ruleset.title_it, en=english if isinstance(english, str) else None)


def _rule(rule: Rule, ruleset: CheckedRuleSet) -> RuleDescription:
    doc = rule.doc
    # The file within the rule set (``ammissibilita/assunzioni.yaml``), not where it was read.
    file = next(
        (path for path in ruleset.sources if rule.file == path or rule.file.endswith(f"/{path}")),
        rule.file,
    )
    return RuleDescription(
        id=rule.id,
        case=rule.case_type,
        kind=rule.kind,
        title=Text(it=doc.title.it, en=doc.title.en),
        basis=doc.basis,
        provenance=doc.provenance,
        severity=doc.severity if rule.kind == "requirement" else None,
        derives=rule.derive,
        file=file,
        line=rule.position.line,
    )


def _parameter(parameter: Parameter) -> ParameterDescription:
    doc = parameter.doc
    return ParameterDescription(
        name=parameter.name,
        type=doc.type,
        unit=doc.unit,
        title=Text(it=doc.title.it, en=doc.title.en),
        basis=doc.basis,
        provenance=doc.provenance,
        values=[
            DatedValueDescription(
                **{"from": dated.from_},
                to=dated.to,
                value=decode(dated.value, parameter.type),
            )
            for dated in parameter.values
        ],
    )
