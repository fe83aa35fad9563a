"""The kinds of case: those submitted for a decision, and those rule files judge.

An application is judged as it is submitted. A payment claim is judged in two steps, each
with its own rules: every milestone of the claim (``case: milestone``), then the claim as
a whole (``case: claim``); a claim of the programme itself towards the Commission also by
the rules on its budget commitment (``case: programme``).

Each model is imported when it is first asked for: a process that decides applications
(``capcoe-rules evaluate`` of one, a batch of them) never imports the payment models,
which cost 10-13 ms to build.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from typing import TypeAlias

    from capcoe_rules.models.application import Application
    from capcoe_rules.models.payment import PaymentClaim

    InputCase: TypeAlias = Application | PaymentClaim
    """A case submitted for a decision: each knows the date it is decided as of by default."""


class CaseModels(Mapping[str, type[BaseModel]]):
    """Case models by name, each imported from ``module:name`` on first use."""

    def __init__(self, where: Mapping[str, str]) -> None:
        self._where = dict(where)
        self._imported: dict[str, type[BaseModel]] = {}

    def __getitem__(self, name: str) -> type[BaseModel]:
        found = self._imported.get(name)  # asked for once per case: a dict lookup then
        if found is None:
            module, _, attribute = self._where[name].partition(":")
            found = self._imported[name] = getattr(import_module(module), attribute)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


INPUT_CASES = CaseModels(
    {
        "application": "capcoe_rules.models.application:Application",
        "payment_claim": "capcoe_rules.models.payment:PaymentClaim",
    }
)
"""Cases submitted for a decision, by their ``case_type``."""

RULE_SUBJECTS = CaseModels(
    {
        "application": "capcoe_rules.models.application:Application",
        "milestone": "capcoe_rules.models.payment_review:MilestoneReview",
        "claim": "capcoe_rules.models.payment_review:ClaimReview",
        "programme": "capcoe_rules.models.payment_review:ProgrammeReview",
    }
)
"""What a rule file's ``case:`` may name, with the model its rules read."""
