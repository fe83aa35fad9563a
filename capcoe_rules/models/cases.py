"""The kinds of case: those submitted for a decision, and those rule files judge.

An application is judged as it is submitted. A payment claim is judged in two steps, each
with its own rules: every milestone of the claim (``case: milestone``), then the claim as
a whole (``case: claim``); a claim of the programme itself towards the Commission also by
the rules on its budget commitment (``case: programme``).
"""

from __future__ import annotations

from pydantic import BaseModel

from capcoe_rules.models.application import Application
from capcoe_rules.models.payment import PaymentClaim
from capcoe_rules.models.payment_review import ClaimReview, MilestoneReview, ProgrammeReview

INPUT_CASES: dict[str, type[BaseModel]] = {
    "application": Application,
    "payment_claim": PaymentClaim,
}
"""Cases submitted for a decision, by their ``case_type``."""

InputCase = Application | PaymentClaim
"""A case submitted for a decision: each knows the date it is decided as of by default."""

RULE_SUBJECTS: dict[str, type[BaseModel]] = {
    "application": Application,
    "milestone": MilestoneReview,
    "claim": ClaimReview,
    "programme": ProgrammeReview,
}
"""What a rule file's ``case:`` may name, with the model its rules read."""
