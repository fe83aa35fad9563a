"""Pydantic models: the cases that come in and the decisions that go out."""

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
from capcoe_rules.models.payment import Grant, Milestone, PaymentClaim, PriorPayment, ReportLine
from capcoe_rules.models.payment_decision import MilestoneDecision, PaymentDecision, PaymentTotals

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
