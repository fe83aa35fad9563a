"""What the analysis found: findings with their rules, places, messages and witnesses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

FindingKind = Literal[
    "never_applies",
    "dead_check",
    "never_met",
    "conflict",
    "closed",
    "lookup_gap",
    "lookup_overlap",
    "out_of_range",
    "outcome_changes",
]
KIND_TITLES: dict[str, tuple[str, str]] = {
    "never_applies": ("non si applica mai", "never applies"),
    "dead_check": ("controllo che non fallisce mai", "dead check: never fails"),
    "never_met": ("mai soddisfatta", "can never be met"),
    "conflict": ("requisiti incompatibili", "requirements no case meets together"),
    "closed": ("nessun caso ammesso", "closed to every case"),
    "lookup_gap": ("valori senza riga nella tabella", "values with no row in the table"),
    "lookup_overlap": ("righe sovrapposte", "overlapping rows"),
    "out_of_range": ("valore fuori dal suo intervallo", "value outside its range"),
    "outcome_changes": ("esito che cambia", "outcome that changes"),
}


@dataclass(frozen=True)
class Place:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Message:
    it: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.it


@dataclass
class Witness:
    """A case file that shows the finding, and what the engine did with it."""

    case: dict[str, Any]
    as_of: dt.date | None
    description: str
    confirmed: bool
    """The engine's decision shows what the finding says."""
    observed: str
    """What the engine decided, in a few words."""
    milestone_id: str | None = None

    def yaml(self) -> str:
        """The witness as an example file that ``capcoe-rules evaluate`` accepts."""
        document: dict[str, Any] = {"description": self.description}
        if self.as_of is not None:
            document["as_of"] = self.as_of
        document["case"] = self.case
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)

    def to_dict(self) -> dict[str, Any]:
        return {
            "confirmed": self.confirmed,
            "observed": self.observed,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "milestone_id": self.milestone_id,
            "case": self.case,
            "yaml": self.yaml(),
        }


@dataclass
class Finding:
    kind: FindingKind
    problem: bool
    """False for what is worth knowing but is no defect (a case refused by one rule)."""
    case_type: str
    rules: tuple[str, ...]
    places: tuple[Place, ...]
    message: Message
    witness: Witness | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "problem": self.problem,
            "case": self.case_type,
            "rules": list(self.rules),
            "places": [str(place) for place in self.places],
            "message": {"it": self.message.it, "en": self.message.en},
            "witness": None if self.witness is None else self.witness.to_dict(),
        }


@dataclass
class NotAnalysed:
    """Something the analysis did not decide, and why: never skipped silently."""

    case_type: str
    rules: tuple[str, ...]
    places: tuple[Place, ...]
    message: Message

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_type,
            "rules": list(self.rules),
            "places": [str(place) for place in self.places],
            "message": {"it": self.message.it, "en": self.message.en},
        }


@dataclass
class Report:
    ruleset: str
    dates: str
    base: str | None = None
    findings: list[Finding] = field(default_factory=list)
    not_analysed: list[NotAnalysed] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    """Solver queries answered, by kind of case."""
    seconds: float = 0.0

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.problem]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "base": self.base,
            "dates": self.dates,
            "seconds": round(self.seconds, 3),
            "queries": self.checked,
            "problems": len(self.problems),
            "findings": [finding.to_dict() for finding in self.findings],
            "not_analysed": [item.to_dict() for item in self.not_analysed],
        }
