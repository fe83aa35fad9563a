"""The engine: a checked rule set compiled once into durable_rules, evaluating many cases."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from capcoe_rules.bundled import bundled_rules_path
from capcoe_rules.engine.case_data import CaseInput, case_type_of, parse_case
from capcoe_rules.engine.compiler import (
    CompiledRequirements,
    CompiledRuleset,
    Exception_,
    UncomputableFactError,
    compile_requirements,
)
from capcoe_rules.engine.decision_json import DecisionText
from capcoe_rules.engine.decision_models import DecisionModels, decision_models
from capcoe_rules.engine.durable_session import DurableSession
from capcoe_rules.engine.evaluation import Decider, Matcher
from capcoe_rules.engine.interpreter import evaluate
from capcoe_rules.engine.subjects import BuiltOnFirstUse
from capcoe_rules.errors import DecisionMismatchError, EvaluationError
from capcoe_rules.language.loading import load_ruleset
from capcoe_rules.language.numbers import CONTEXT
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.models.application import Application
from capcoe_rules.models.decision import Decision

if TYPE_CHECKING:
    from capcoe_rules.engine.payments import PaymentDecider
    from capcoe_rules.models.compact import CompactDecision
    from capcoe_rules.models.payment_decision import PaymentDecision

    AnyDecision: TypeAlias = Decision | PaymentDecision
    """What ``evaluate`` returns: a :class:`Decision` for an application, a
    :class:`PaymentDecision` for a payment claim."""


def __getattr__(name: str) -> Any:
    # AnyDecision made on first use: deciding an application needs no payment model.
    if name == "AnyDecision":
        from capcoe_rules.models.payment_decision import PaymentDecision  # noqa: PLC0415

        globals()[name] = union = Decision | PaymentDecision
        return union
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Evaluator:
    """What the engine and the reference share: the route from a case to its decision."""

    def __init__(
        self,
        ruleset: CheckedRuleSet,
        matchers: Mapping[str, Matcher],
        compiled: bool,
        typed_decisions: bool = True,
    ) -> None:
        self.ruleset = ruleset
        cases = ruleset.cases
        self._deciders: Mapping[str, tuple[Decider, Matcher]] = BuiltOnFirstUse(
            cases,
            lambda subject: (
                Decider(ruleset, cases[subject], compiled, typed_decisions),
                matchers[subject],
            ),
        )

    @functools.cached_property
    def _payments(self) -> PaymentDecider:
        # Imported here: deciding applications never needs the payment models.
        from capcoe_rules.engine.payments import PaymentDecider  # noqa: PLC0415

        return PaymentDecider(self._deciders)

    @functools.cached_property
    def decision_models(self) -> DecisionModels:
        """The decision models typed by this rule set (what ``evaluate`` returns), built
        on first use: ``evaluate_json`` and ``batch`` never need them."""
        return decision_models(self.ruleset)

    def evaluate(self, case: CaseInput, as_of: dt.date | None = None) -> AnyDecision:
        """Decide ``case`` as of ``as_of`` (default: the date the case carries).

        Raises :class:`~capcoe_rules.errors.CaseError` for a malformed case or a date
        outside the rule set's period; never reads the clock.
        """
        # Every decimal operation of a decision, the models' included, in the one context
        # of capcoe_rules.language.numbers, whatever the embedding application's is.
        with localcontext(CONTEXT):
            model = parse_case(case)
            day = as_of if as_of is not None else model.default_as_of()
            if not isinstance(model, Application):  # a payment claim (parse_case says)
                return self._payments.decide(model, day)
            decider, matcher = self._deciders[case_type_of(model)]
            return decider.decide(matcher, model, day)

    def evaluate_json(
        self, case: CaseInput, as_of: dt.date | None = None, *, compact: bool = False
    ) -> DecisionText:
        """The decision on ``case`` as JSON text: byte for byte ``evaluate(case,
        as_of).to_json()``, written without building the decision (what a batch needs).

        With ``compact``, the compact decision instead (:mod:`capcoe_rules.models.compact`).
        """
        with localcontext(CONTEXT):
            model = parse_case(case)
            day = as_of if as_of is not None else model.default_as_of()
            if not isinstance(model, Application):  # a payment claim (parse_case says)
                decision = self._payments.decide(model, day)
                return DecisionText(decision.to_json(), decision.outcome, {})
            decider, matcher = self._deciders[case_type_of(model)]
            return decider.decide_json(matcher, model, day, compact=compact)

    def expand(self, compact: CompactDecision | str | bytes, case: CaseInput) -> Decision:
        """The full decision of which ``compact`` is the compact form, regenerated from
        ``case`` as of the compact decision's date.

        Raises :class:`~capcoe_rules.errors.DecisionMismatchError` when the compact decision
        was taken with another rule set (by content hash), or when this case does not give
        it; pydantic's ``ValidationError`` for text that is not a compact decision.
        """
        from capcoe_rules.models.compact import CompactDecision  # noqa: PLC0415

        if not isinstance(compact, CompactDecision):
            compact = CompactDecision.model_validate_json(compact)
        ours = self.ruleset.content_hash
        if compact.ruleset.content_hash != ours:
            raise DecisionMismatchError(
                f"decision {compact.case_id!r} was taken with rule set "
                f"{compact.ruleset.content_hash}, not this one ({ours})"
            )
        decision = self.evaluate(case, as_of=compact.as_of)
        if not isinstance(decision, Decision) or decision.case_id != compact.case_id:
            raise DecisionMismatchError(
                f"the case is {decision.case_id!r}, the decision is on {compact.case_id!r}"
            )
        if CompactDecision.of(decision).to_json() != compact.to_json():
            raise DecisionMismatchError(
                f"case {compact.case_id!r} does not give this decision with this rule set: "
                "the case or the decision was changed"
            )
        return decision

    def read_decision(self, text: str | bytes) -> AnyDecision:
        """A decision of this rule set read back from its JSON, typed as ``evaluate`` gives
        it (equal to the original). Raises pydantic's ``ValidationError`` for JSON that is
        not such a decision, e.g. one of a rule set with other derived values."""
        models = self.decision_models
        data = json.loads(text)
        if isinstance(data, dict) and data.get("case_type") == "payment_claim":
            return models.payment.model_validate_json(text)
        return models.application.model_validate_json(text)


class Engine(_Evaluator):
    """Evaluates cases against one rule set on durable_rules.

    Thread-safe (one lock around each durable_rules session), picklable (a pickle carries
    the checked rule set and compiles it again), and independent of any other engine in
    the process, so two versions of a rule set can be compared side by side. Each kind of
    case is compiled when the first case of that kind is decided
    (:mod:`capcoe_rules.engine.subjects`).
    """

    def __init__(
        self, ruleset: CheckedRuleSet, origin: str = "rules", typed_decisions: bool = True
    ) -> None:
        """``typed_decisions=False``: ``evaluate`` builds its decisions from the generic
        models (:class:`~capcoe_rules.engine.decision_models.GenericModels`): the same
        decisions and JSON, without building a pydantic model per rule first, for a
        process that decides a case or two and shows them."""
        self._origin = origin
        self._typed_decisions = typed_decisions
        cases = ruleset.cases
        self._matchers: BuiltOnFirstUse[_DurableMatcher] = BuiltOnFirstUse(
            cases,
            lambda subject: _DurableMatcher(compile_requirements(cases[subject]), cases[subject]),
        )
        super().__init__(ruleset, self._matchers, compiled=True, typed_decisions=typed_decisions)

    @classmethod
    def from_path(cls, directory: Path | str, typed_decisions: bool = True) -> Engine:
        """Load, check and compile the rule set in ``directory`` (raises RuleSetError)."""
        return cls(load_ruleset(directory), str(directory), typed_decisions)

    @classmethod
    def bundled(cls) -> Engine:
        """The CapCoe rule set shipped with the package (see :mod:`capcoe_rules.bundled`)."""
        return cls.from_path(bundled_rules_path())

    @classmethod
    def from_sources(cls, sources: Mapping[str, str], origin: str = "rules") -> Engine:
        from capcoe_rules.language.checker import load_sources  # noqa: PLC0415 (only here)

        return cls(load_sources(sources, origin), origin=origin)

    @property
    def origin(self) -> str:
        """Where the rule set was read from (the directory), as problems name it."""
        return self._origin

    def __reduce__(self) -> tuple[Any, ...]:
        # As its checked rule set (what the rule-set cache stores), compiled again where
        # it is unpickled: a worker process starts in 30 ms, not the 100 ms of checking
        # the rule files again, and decides with the very same rule set.
        return (Engine, (self.ruleset, self._origin, self._typed_decisions))

    def facts_left(self) -> int:
        """Facts the durable_rules sessions still hold: 0 between evaluations."""
        return sum(matcher.facts_left() for matcher in self._matchers.built())


class _DurableMatcher:
    """Matches a case against every durable_rules ruleset its requirements compiled to."""

    def __init__(self, compiled: CompiledRequirements, case_rules: CaseRules) -> None:
        self._sessions: tuple[tuple[CompiledRuleset, DurableSession], ...] = tuple(
            (ruleset, DurableSession(ruleset.definition)) for ruleset in compiled.rulesets
        )
        self._reference = ReferenceMatcher(case_rules)

    def exceptions(self, data: dict[str, Any]) -> Sequence[tuple[Rule, Exception_]]:
        try:
            facts = [(ruleset, session, ruleset.fact(data)) for ruleset, session in self._sessions]
        except UncomputableFactError:
            return self._reference.exceptions(data)
        # A condition may fire several of its conjunctions: one outcome per rule.
        found: dict[str, tuple[Rule, Exception_]] = {}
        for ruleset, session, fact in facts:
            productions = ruleset.productions
            for name in session.fire(fact):
                rule, outcome = productions[name]
                if found.setdefault(rule.id, (rule, outcome))[1] != outcome:
                    raise EvaluationError(f"rule {rule.id} compiled wrong: {outcome} and not")

        return list(found.values())

    def facts_left(self) -> int:
        return sum(len(session.facts_left()) for _, session in self._sessions)


class ReferenceEvaluator(_Evaluator):
    """The same rule set evaluated in plain Python: the specification of :class:`Engine`.

    Used by the differential tests and as the benchmarks' baseline; not for production.
    """

    def __init__(
        self,
        ruleset: CheckedRuleSet,
        matcher: Callable[[CaseRules], Matcher] | None = None,
    ) -> None:
        """``matcher``: what matches each kind of case (default: :class:`ReferenceMatcher`);
        the branch coverage of examples traces the engine data it is given."""
        make = matcher or ReferenceMatcher
        super().__init__(
            ruleset,
            {subject: make(rules) for subject, rules in ruleset.cases.items()},
            compiled=False,
        )

    @classmethod
    def from_path(cls, directory: Path | str) -> ReferenceEvaluator:
        return cls(load_ruleset(directory))


class ReferenceMatcher:
    """Says in plain Python which requirements do not apply or are not met."""

    def __init__(self, case_rules: CaseRules) -> None:
        self._requirements = [rule for rule in case_rules.rules if rule.require is not None]

    def exceptions(self, data: dict[str, Any]) -> Sequence[tuple[Rule, Exception_]]:
        found: list[tuple[Rule, Exception_]] = []
        for rule in self._requirements:
            assert rule.require is not None
            if rule.when is not None and not evaluate(rule.when, data):
                found.append((rule, "not_applicable"))
            elif not evaluate(rule.require, data):
                found.append((rule, "not_met"))
        return found
