"""A decision's explanation as a structure: every finding with the place it was made.

A decision explains itself with findings (rule, status, values read, citation); a payment
decision makes them in two kinds of place, the claim and each milestone. Whatever reads
explanations (example coverage, ``diff``, the CLI's tables, the HTTP service) walks this
structure instead of the decision's JSON, so that where a finding sits is said once, here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # decision.py builds explanations: no import back at run time
    from capcoe_rules.models.decision import Finding


@dataclass(frozen=True)
class Place:
    """Where a finding sits in a decision."""

    milestone_id: str | None = None
    """None: the case itself (the application, or the payment claim as a whole)."""

    @property
    def path(self) -> str:
        """The place as a path into the decision's JSON: ``""`` or ``milestones[M1]``."""
        return "" if self.milestone_id is None else f"milestones[{self.milestone_id}]"

    def __str__(self) -> str:
        return "case" if self.milestone_id is None else f"milestone {self.milestone_id}"


CASE = Place()


@dataclass(frozen=True)
class Step:
    """One finding and its place."""

    place: Place
    finding: Finding


@dataclass(frozen=True)
class Explanation:
    """The findings of a decision in the order the decision lists them."""

    steps: tuple[Step, ...]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def findings(self) -> list[Finding]:
        return [step.finding for step in self.steps]

    def at(self, place: Place) -> list[Finding]:
        """The findings made at ``place``."""
        return [step.finding for step in self.steps if step.place == place]

    def for_rule(self, rule_id: str) -> list[Step]:
        """Every place where ``rule_id`` said something (one per milestone it applies to)."""
        return [step for step in self.steps if step.finding.rule_id == rule_id]

    @classmethod
    def of(cls, places: list[tuple[Place, list[Finding]]]) -> Explanation:
        return cls(tuple(Step(place, finding) for place, found in places for finding in found))
