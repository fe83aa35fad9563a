"""A case that must be refused, with the field a clean refusal names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capcoe_rules.errors import CaseError

__all__ = ["InvalidCase"]


@dataclass(frozen=True)
class InvalidCase:
    """A malformed case, what is wrong with it and where.

    ``case`` is what an embedding application would send: usually a JSON-ready mapping,
    sometimes something that is not a case at all (a list, broken JSON text). ``paths`` are
    the field paths a refusal may name for it, the most precise first (``field``); the
    others are enclosing objects, for checks that look at several fields at once (e.g.
    that an ISTAT code resolves, or that a central administration has no code).
    """

    case: Any
    paths: tuple[str, ...]
    kind: str
    """The kind of mistake: ``wrong_type``, ``unknown_code``, ``negative_amount``..."""
    description: str
    """What was broken, in words: shows up in hypothesis' failure reports."""

    @property
    def field(self) -> str:
        """The dotted path of the broken field (``""`` for the case as a whole)."""
        return self.paths[0]

    def named_by(self, error: CaseError) -> bool:
        """Whether ``error`` names this case's broken field (or an accepted enclosing one)."""
        return any(problem.path in self.paths for problem in error.problems)
