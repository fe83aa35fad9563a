"""Pydantic models: the cases that come in and the decisions that go out.

The names below are imported on first use (PEP 562): deciding an application needs
neither the payment claim's models nor the reviews its rules read, and each pydantic
model costs its class's construction at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capcoe_rules.lazy import lazy_names

if TYPE_CHECKING:
    from capcoe_rules.models.application import (
        Applicant,
        Application,
        HiresRequest,
        HiringConditions,
        NeedsAnalysis,
        Submitter,
    )
    from capcoe_rules.models.cases import INPUT_CASES, RULE_SUBJECTS
    from capcoe_rules.models.decision import Decision, Finding, RuleSetRef
    from capcoe_rules.models.explanation import CASE, Explanation, Place, Step
    from capcoe_rules.models.labels import Text
    from capcoe_rules.models.money import Money
    from capcoe_rules.models.payment import (
        Grant,
        Milestone,
        PaymentClaim,
        PriorPayment,
        ReportLine,
    )
    from capcoe_rules.models.payment_decision import (
        MilestoneDecision,
        PaymentDecision,
        PaymentTotals,
    )

_HOMES = {
    "capcoe_rules.models.application": (
        "Applicant",
        "Application",
        "HiresRequest",
        "HiringConditions",
        "NeedsAnalysis",
        "Submitter",
    ),
    "capcoe_rules.models.cases": ("INPUT_CASES", "RULE_SUBJECTS"),
    "capcoe_rules.models.decision": ("Decision", "Finding", "RuleSetRef"),
    "capcoe_rules.models.explanation": ("CASE", "Explanation", "Place", "Step"),
    "capcoe_rules.models.labels": ("Text",),
    "capcoe_rules.models.money": ("Money",),
    "capcoe_rules.models.payment": (
        "Grant",
        "Milestone",
        "PaymentClaim",
        "PriorPayment",
        "ReportLine",
    ),
    "capcoe_rules.models.payment_decision": (
        "MilestoneDecision",
        "PaymentDecision",
        "PaymentTotals",
    ),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "CASE",
    "INPUT_CASES",
    "RULE_SUBJECTS",
    "Applicant",
    "Application",
    "Decision",
    "Explanation",
    "Finding",
    "Grant",
    "HiresRequest",
    "HiringConditions",
    "Milestone",
    "MilestoneDecision",
    "Money",
    "NeedsAnalysis",
    "PaymentClaim",
    "PaymentDecision",
    "PaymentTotals",
    "Place",
    "PriorPayment",
    "ReportLine",
    "RuleSetRef",
    "Step",
    "Submitter",
    "Text",
]


__getattr__ = lazy_names(__name__, _HOME_OF)
