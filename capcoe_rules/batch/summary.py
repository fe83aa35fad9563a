"""Counting a batch's decisions by outcome and region category, whatever the case type.

Only ``outcome`` and ``lookups["region"]["category"]`` are read, each if present: a kind
of decision without a region (a payment claim) is counted under ``-``, so that adding a
case type never breaks the summary of a batch that mixes it with applications.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NO_VALUE = "-"


def tally_key(decision: Any) -> tuple[str, str]:
    """``(outcome, region category)`` of a decision, ``-`` for what it does not carry."""
    outcome = getattr(decision, "outcome", None)
    lookups = getattr(decision, "lookups", None)
    region = lookups.get("region") if isinstance(lookups, Mapping) else None
    category = region.get("category") if isinstance(region, Mapping) else None
    return (
        NO_VALUE if outcome is None else str(outcome),
        NO_VALUE if category is None else str(category),
    )


@dataclass
class Summary:
    """What a batch did: decisions by (outcome, category), and how many records were bad."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: int = 0

    def add(self, key: tuple[str, str]) -> None:
        self.counts[key] += 1

    @property
    def decided(self) -> int:
        return sum(self.counts.values())

    @property
    def outcomes(self) -> list[str]:
        """The outcomes seen, in a stable order (alphabetical)."""
        return sorted({outcome for outcome, _ in self.counts})

    @property
    def categories(self) -> list[str]:
        """The categories seen, alphabetical, with ``-`` (no region) last."""
        return sorted({category for _, category in self.counts}, key=lambda c: (c == NO_VALUE, c))

    def by_outcome(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for (outcome, _), count in self.counts.items():
            totals[outcome] += count
        return {outcome: totals[outcome] for outcome in self.outcomes}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: totals, by outcome, and by category then outcome."""
        return {
            "decided": self.decided,
            "errors": self.errors,
            "by_outcome": self.by_outcome(),
            "by_category": {
                category: {
                    outcome: self.counts[(outcome, category)]
                    for outcome in self.outcomes
                    if self.counts[(outcome, category)]
                }
                for category in self.categories
            },
        }
