"""The engine: a checked rule set compiled once into durable_rules, evaluating many cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from capcoe_rules.engine.case_data import CaseInput, case_type_of, parse_case
from capcoe_rules.engine.compiler import CompiledStratum, Outcome, compile_case_rules, json_fact
from capcoe_rules.engine.durable_session import DurableSession
from capcoe_rules.engine.evaluation import decide
from capcoe_rules.engine.interpreter import evaluate
from capcoe_rules.language.checker import load_ruleset, load_sources
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.models.decision import Decision


class Engine:
    """Evaluates cases against one rule set on durable_rules.

    Thread-safe (one lock around the durable_rules host), picklable (a pickle carries the
    rule files' text and rebuilds from it), and independent of any other engine in the
    process, so two versions of a rule set can be compared side by side.
    """

    def __init__(self, ruleset: CheckedRuleSet, origin: str = "rules") -> None:
        self.ruleset = ruleset
        self._origin = origin
        self._compiled = {
            case_type: compile_case_rules(case_rules)
            for case_type, case_rules in ruleset.cases.items()
        }
        self._session = DurableSession(
            {
                _ruleset_name(case_type, stratum): compiled.definition
                for case_type, strata in self._compiled.items()
                for stratum, compiled in enumerate(strata)
                if compiled.definition
            }
        )

    @classmethod
    def from_path(cls, directory: Path | str) -> Engine:
        """Load, check and compile the rule set in ``directory`` (raises RuleSetError)."""
        return cls(load_ruleset(directory), origin=str(directory))

    @classmethod
    def from_sources(cls, sources: Mapping[str, str], origin: str = "rules") -> Engine:
        return cls(load_sources(sources, origin), origin=origin)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Engine.from_sources, (dict(self.ruleset.sources), self._origin))

    def evaluate(self, case: CaseInput, as_of: dt.date | None = None) -> Decision:
        """Decide ``case`` as of ``as_of`` (default: the date the case carries).

        Raises :class:`~capcoe_rules.errors.CaseError` for a malformed case or a date
        outside the rule set's period; never reads the clock.
        """
        model = parse_case(case)
        case_type = case_type_of(model)
        day = as_of if as_of is not None else model.default_as_of()  # type: ignore[attr-defined]
        matcher = _DurableMatcher(self._session, case_type, self._compiled[case_type])
        return decide(self.ruleset, self.ruleset.cases[case_type], matcher, model, day)

    def facts_left(self) -> int:
        """Facts the durable_rules session still holds: 0 between evaluations."""
        return sum(
            len(self._session.facts_left(_ruleset_name(case_type, stratum)))
            for case_type, strata in self._compiled.items()
            for stratum, compiled in enumerate(strata)
            if compiled.definition
        )


def _ruleset_name(case_type: str, stratum: int) -> str:
    return f"{case_type}_{stratum}"


class _DurableMatcher:
    def __init__(
        self, session: DurableSession, case_type: str, strata: tuple[CompiledStratum, ...]
    ) -> None:
        self._session = session
        self._case_type = case_type
        self._strata = strata

    def fire(self, stratum: int, data: dict[str, Any]) -> Sequence[tuple[Rule, Outcome]]:
        compiled = self._strata[stratum]
        if not compiled.definition:
            return ()
        fact = {"t": "case", "_zero": 0, **json_fact(data)}
        fired = self._session.fire(_ruleset_name(self._case_type, stratum), fact)
        return [
            (compiled.productions[name].rule, compiled.productions[name].outcome) for name in fired
        ]


class ReferenceEvaluator:
    """The same rule set evaluated in plain Python: the specification of :class:`Engine`.

    Used by the differential tests and as the benchmarks' baseline; not for production.
    """

    def __init__(self, ruleset: CheckedRuleSet) -> None:
        self.ruleset = ruleset

    @classmethod
    def from_path(cls, directory: Path | str) -> ReferenceEvaluator:
        return cls(load_ruleset(directory))

    def evaluate(self, case: CaseInput, as_of: dt.date | None = None) -> Decision:
        model = parse_case(case)
        case_rules = self.ruleset.cases[case_type_of(model)]
        day = as_of if as_of is not None else model.default_as_of()  # type: ignore[attr-defined]
        return decide(self.ruleset, case_rules, _ReferenceMatcher(case_rules), model, day)


class _ReferenceMatcher:
    def __init__(self, case_rules: CaseRules) -> None:
        self._rules = case_rules.rules

    def fire(self, stratum: int, data: dict[str, Any]) -> Sequence[tuple[Rule, Outcome]]:
        fired: list[tuple[Rule, Outcome]] = []
        for rule in self._rules:
            if rule.stratum != stratum:
                continue
            if rule.derive is not None:
                fired.append((rule, "computed"))
            elif rule.when is None or evaluate(rule.when, data):
                assert rule.require is not None
                fired.append((rule, "met" if evaluate(rule.require, data) else "not_met"))
        return fired
