"""The compact decision: what a decision says, without the explanation of every rule.

A full :class:`~capcoe_rules.models.decision.Decision` explains every rule (about 13 KB of
JSON on the bundled rule set); the compact one keeps the outcome, the reasons and warnings,
the derived values, the rule set it was taken with (name, version, content hash), the date
it was taken as of, and the findings of the rules not met with their messages (about
1.1 KB). A decision is a function of the case, the rule set and the date, so the full one
can always be regenerated from the compact one and its case, with the rule set of its hash:
``Engine.expand`` (``capcoe-rules expand``), which checks that the case gives this very
compact decision first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from capcoe_rules.models.decision import Decision, DecisionModel, Outcome, RuleSetRef
from capcoe_rules.models.labels import Text


class CompactFinding(DecisionModel):
    """A rule the case does not meet (blocking: a reason; warning: a warning), and why."""

    rule_id: str
    message: Text | None = None


class CompactDecision(DecisionModel):
    """The decision on one application, without the explanation of the rules it meets."""

    shape: Literal["compact"] = "compact"
    """Tells a compact decision from a full one."""
    case_type: str
    case_id: str
    outcome: Outcome
    as_of: dt.date
    ruleset: RuleSetRef
    reasons: list[str]
    warnings: list[str]
    derived: dict[str, Any]
    findings: list[CompactFinding]
    """The findings not met, in the rule set's order, with their messages."""

    @classmethod
    def of(cls, decision: Decision) -> CompactDecision:
        """The compact form of a full decision."""
        return cls.model_construct(
            shape="compact",
            case_type=decision.case_type,
            case_id=decision.case_id,
            outcome=decision.outcome,
            as_of=decision.as_of,
            ruleset=decision.ruleset,
            reasons=list(decision.reasons),
            warnings=list(decision.warnings),
            derived=dict(decision.derived),
            findings=[
                CompactFinding.model_construct(rule_id=finding.rule_id, message=finding.message)
                for finding in decision.findings
                if finding.status == "not_met"
            ],
        )

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)
