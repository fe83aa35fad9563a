"""The durable_rules engine against the reference, case by case, decision by decision.

``ReferenceEvaluator`` evaluates each checked rule directly in Python: it is the
specification. ``Engine`` compiles the same checked rule set into durable_rules. Both share
everything else, so any difference between their decisions (compared as JSON bytes, or
as the error each raises) is a compilation or matching bug. Used by the project's tests,
by ``capcoe-rules selftest`` and by anyone who wants to see their own rule set decided
exactly as specified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from capcoe_rules.engine import Engine, ReferenceEvaluator
from capcoe_rules.errors import CaseError, EvaluationError
from capcoe_rules.language import CheckedRuleSet


@dataclass(frozen=True)
class Disagreement:
    """A case the two evaluators decide differently: what each said."""

    case: Any
    as_of: dt.date | None
    engine: str
    reference: str

    def __str__(self) -> str:
        return (
            f"engine and reference disagree (as of {self.as_of}):\n"
            f"  engine:    {self.engine}\n  reference: {self.reference}\n  case: {self.case!r}"
        )


class Differential:
    """Both evaluators of one checked rule set, side by side."""

    def __init__(self, ruleset: CheckedRuleSet) -> None:
        self.engine = Engine(ruleset)
        self.reference = ReferenceEvaluator(ruleset)

    def compare(self, case: Any, as_of: dt.date | None = None) -> Disagreement | None:
        """None when both decide ``case`` alike, byte for byte, or refuse it alike."""
        engine_said = _said(self.engine, case, as_of)
        reference_said = _said(self.reference, case, as_of)
        if engine_said == reference_said:
            return None
        return Disagreement(case, as_of, engine_said, reference_said)


def _said(evaluator: Engine | ReferenceEvaluator, case: Any, as_of: dt.date | None) -> str:
    try:
        return evaluator.evaluate(case, as_of=as_of).to_json()
    except (CaseError, EvaluationError) as error:
        return f"{type(error).__name__}: {error}"
