"""Decisions: what the engine says about a case, and why, in a form to store and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict

from capcoe_rules.models.explanation import CASE, Explanation, Step
from capcoe_rules.models.labels import Text

FindingStatus = Literal["met", "not_met", "not_applicable", "computed"]
Outcome = Literal["eligible", "not_eligible"]


class _Identified(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def content_hash(self) -> str: ...


class DecisionModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """Build from values the engine has just produced and typed, without validation.

        ``model_construct`` costs about 8 us per finding, a third of an evaluation; this
        sets the same four attributes pydantic v2 sets, for every field given. The tests
        check that such decisions validate back to themselves.
        """
        return cls.from_trusted(values)

    @classmethod
    def from_trusted(cls, values: dict[str, Any]) -> Self:
        """:meth:`trusted` for a dict holding every field, which the model then owns.

        Give the fields in their declared order: pydantic serialises ``__dict__`` as it is.
        """
        model = cls.__new__(cls)
        object.__setattr__(model, "__dict__", values)
        object.__setattr__(model, "__pydantic_fields_set__", set(values))
        object.__setattr__(model, "__pydantic_extra__", None)
        object.__setattr__(model, "__pydantic_private__", None)
        return model


class RuleSetRef(DecisionModel):
    """Which rule set took the decision: name, version and a hash of its files' content."""

    name: str
    version: str
    content_hash: str

    @classmethod
    def of(cls, ruleset: _Identified) -> RuleSetRef:
        """The reference to a checked rule set (anything with its three identifiers)."""
        return cls(name=ruleset.name, version=ruleset.version, content_hash=ruleset.content_hash)


class Finding(DecisionModel):
    """What one rule said about the case, with its citation and the values it read."""

    rule_id: str
    kind: Literal["requirement", "derivation"]
    status: FindingStatus
    severity: Literal["blocking", "warning"] | None = None
    title: Text
    basis: str
    provenance: Literal["source", "assumption"]
    message: Text | None = None
    values: dict[str, Any]
    derives: str | None = None
    """For a derivation: the name of the value it computes (see ``Decision.derived``)."""
    value: Any = None
    """For a derivation: the value computed."""


class Decision(DecisionModel):
    """The decision on one case. ``to_json()`` gives the same bytes for the same input."""

    case_type: str
    case_id: str
    outcome: Outcome
    as_of: dt.date
    ruleset: RuleSetRef
    reasons: list[str]
    """Ids of the blocking rules not met: empty when eligible."""
    warnings: list[str]
    """Ids of the warning rules not met."""
    lookups: dict[str, dict[str, Any]]
    """The reference rows joined to the case (its region, category, area...)."""
    derived: dict[str, Any]
    findings: list[Finding]

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)

    def all_findings(self) -> list[Finding]:
        return list(self.findings)

    def explanation(self) -> Explanation:
        """The findings as a structure, each at its place (here: the case)."""
        return Explanation(tuple(Step(CASE, finding) for finding in self.findings))

    def finding(self, rule_id: str) -> Finding:
        for finding in self.findings:
            if finding.rule_id == rule_id:
                return finding
        raise KeyError(rule_id)
