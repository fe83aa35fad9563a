"""A decision's explanation as a structure: each finding with the place it sits in.

A decision on an application explains itself with one list of findings; a decision on a
payment claim with the claim's own list and one per milestone. Readers of explanations
(the diff, coverage, the CLI tables, the HTTP service) walk this structure instead of
looking for ``findings`` keys in the decision's JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # decision.py builds explanations: only the type is needed here
    from capcoe_rules.models.decision import Finding


@dataclass(frozen=True)
class Place:
    """Where a finding sits in a decision."""

    milestone_id: str | None = None
    """None: the case (application or claim) itself."""

    @property
    def path(self) -> str:
        """``""`` for the case, ``milestones[M1]`` for a milestone."""
        return "" if self.milestone_id is None else f"milestones[{self.milestone_id}]"


CASE = Place()
"""The case itself."""


@dataclass(frozen=True)
class Step:
    """One finding and its place."""

    place: Place
    finding: Finding


@dataclass(frozen=True)
class Explanation:
    """A decision's findings in order: the case's first, then each milestone's."""

    steps: tuple[Step, ...]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def at(self, place: Place) -> list[Finding]:
        """The findings at ``place``, in order."""
        return [step.finding for step in self.steps if step.place == place]

    def for_rule(self, rule_id: str) -> list[Step]:
        """Every step of rule ``rule_id`` (one per place it judged)."""
        return [step for step in self.steps if step.finding.rule_id == rule_id]
