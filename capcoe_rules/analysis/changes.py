"""Two rule sets over the same cases: the kinds of case whose outcome changes.

Both rule sets are translated over one space of cases (the same variables), so a model is
a case decided by both. For every blocking requirement of the new rule set: can a case the
old one admits be refused by it (admitted -> refused, "now refused by R"); for every one of
the old: can a case it refused be admitted by the new one ("no longer refused by R"); can a
case decided by one be refused as input by the other (a lookup without its row); for a
milestone, can both pay different amounts. Each kind comes with a witness decided by both
engines. No population is needed: the solver looks for the cases.

Claim rules are compared on the same review of the claim (what the milestone rules
computed); a witness whose milestones the two rule sets judge differently is decided by
both engines all the same, and reported as not confirmed when it does not show the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import z3

from capcoe_rules.analysis.claims import compose
from capcoe_rules.analysis.encoding import Encoding
from capcoe_rules.analysis.places import Places
from capcoe_rules.analysis.queries import Questions
from capcoe_rules.analysis.report import Finding, Message, NotAnalysed, Place, Report, Witness
from capcoe_rules.analysis.spaces import DateMode, Space, WitnessCase, space_for
from capcoe_rules.analysis.symbolic import Scalar, Term, Texts
from capcoe_rules.analysis.verify import decide
from capcoe_rules.engine import Engine
from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import CaseError
from capcoe_rules.language.ruleset import CheckedRuleSet, Rule
from capcoe_rules.models.payment_decision import PaymentDecision

Summary = tuple[str, tuple[str, ...], str]
"""What a witness shows under one rule set: outcome, reasons, amount payable (or '')."""


@dataclass
class Side:
    ruleset: CheckedRuleSet
    engine: Engine
    places: Places
    encoding: Encoding | None = None


def compare(
    old: Side,
    new: Side,
    report: Report,
    dates: DateMode,
    timeout_ms: int,
    cases: tuple[str, ...] | None = None,
) -> None:
    start = max(old.ruleset.in_force_from, new.ruleset.in_force_from)
    end = min(old.ruleset.in_force_to, new.ruleset.in_force_to)
    if start > end:
        report.not_analysed.append(
            NotAnalysed(
                "",
                (),
                (),
                Message(
                    "i due insiemi di regole non sono mai in vigore lo stesso giorno",
                    "the two rule sets are never in force on the same day",
                ),
            )
        )
        return
    texts = Texts()
    for case_type in new.ruleset.cases:
        if not (new.ruleset.cases[case_type].rules or old.ruleset.cases[case_type].rules):
            continue
        if cases is not None and case_type not in cases:
            continue
        if cases is not None and case_type not in cases:
            continue
        space = space_for(case_type, "", texts, (start, end), dates)
        old.encoding = Encoding(old.ruleset, old.ruleset.cases[case_type], space, "o")
        new.encoding = Encoding(new.ruleset, new.ruleset.cases[case_type], space, "n")
        if case_type in ("claim", "programme"):
            compose(space, new.ruleset)
        background = [*space.domain(), *old.encoding.base(), *new.encoding.base()]
        questions = Questions(space, background, timeout_ms)
        _Transitions(old, new, space, questions, report).run()
        report.checked[f"{case_type} (base)"] = questions.asked


@dataclass
class _Transitions:
    old: Side
    new: Side
    space: Space
    questions: Questions
    report: Report

    @property
    def case_type(self) -> str:
        return self.space.case_type

    def run(self) -> None:
        old, new = self._encodings()
        self._input(old.decided(), new.decided())
        both = z3.And(old.decided(), new.decided())
        self.questions.solver.add(both)
        for rule in new.blocking:
            if new.analysed(rule):
                self._kind(
                    rule,
                    self.new,
                    [old.eligible(), new.fails(rule)],
                    _now_refused(rule.id),
                    ("ammesso", "respinto", f"ora lo respinge {rule.id}"),
                    ("admitted", "refused", f"now refused by {rule.id}"),
                )
        for rule in old.blocking:
            if old.analysed(rule):
                self._kind(
                    rule,
                    self.old,
                    [old.fails(rule), new.eligible()],
                    _no_longer_refused(rule.id),
                    ("respinto", "ammesso", f"non lo respinge più {rule.id}"),
                    ("refused", "admitted", f"no longer refused by {rule.id}"),
                )
        if self.case_type == "milestone":
            self._payable(old, new)

    def _encodings(self) -> tuple[Encoding, Encoding]:
        assert self.old.encoding is not None and self.new.encoding is not None
        return self.old.encoding, self.new.encoding

    def _kind(
        self,
        rule: Rule,
        side: Side,
        conditions: list[Term],
        shows: Callable[[Summary, Summary], bool],
        it: tuple[str, str, str],
        en: tuple[str, str, str],
    ) -> None:
        answer = self.questions.ask(*conditions)
        place = side.places.rule(rule)
        message = Message(
            f"{self.case_type}: casi {it[0]} prima e {it[1]} ora: {it[2]}",
            f"{self.case_type}: cases {en[0]} before and {en[1]} now: {en[2]}",
        )
        if answer == "unknown":
            self._not_analysed((rule.id,), (place,), message, "nessuna risposta", "no answer")
        if answer != "sat":
            return
        self._found((rule.id,), (place,), message, conditions, shows, it[2])

    def _input(self, old_decided: Term, new_decided: Term) -> None:
        for newly in (True, False):
            before, after = (old_decided, new_decided) if newly else (new_decided, old_decided)
            it, en = (
                ("ora rifiutati come input", "now refused as input")
                if newly
                else ("prima rifiutati come input", "refused as input before")
            )
            conditions = [before, z3.Not(after)]
            if self.questions.ask(*conditions) != "sat":
                continue
            message = Message(
                f"{self.case_type}: casi {it} (un lookup senza la sua riga)",
                f"{self.case_type}: cases {en} (a lookup without its row)",
            )

            def shows(o: Summary, n: Summary, newly: bool = newly) -> bool:
                refused, decided = (n, o) if newly else (o, n)
                return refused[0] == "refused as input" and decided[0] != "refused as input"

            self._found((), (), message, conditions, shows, en)

    def _payable(self, old: Encoding, new: Encoding) -> None:
        old_pays, new_pays = _paid(old, self.space), _paid(new, self.space)
        if old_pays is None or new_pays is None:
            return
        conditions = [old.eligible(), new.eligible(), old_pays != new_pays]
        if self.questions.ask(*conditions) != "sat":
            return
        message = Message(
            "milestone: traguardi che pagano un importo diverso",
            "milestone: milestones that pay a different amount",
        )
        self._found(
            (),
            (),
            message,
            conditions,
            lambda o, n: o[0] == n[0] and o[2] != n[2],
            "a different amount",
        )

    def _found(
        self,
        rules: tuple[str, ...],
        places: tuple[Place, ...],
        message: Message,
        conditions: list[Term],
        shows: Callable[[Summary, Summary], bool],
        what: str,
    ) -> None:
        witness = self._witness(conditions, shows, what)
        if witness is not None and witness.confirmed:
            self.report.findings.append(
                Finding("outcome_changes", False, self.case_type, rules, places, message, witness)
            )
            return
        why = "no witness case" if witness is None else f"the engines: {witness.observed}"
        self._not_analysed(
            rules, places, message, f"non confermato ({why})", f"not confirmed ({why})"
        )

    def _witness(
        self, conditions: list[Term], shows: Callable[[Summary, Summary], bool], what: str
    ) -> Witness | None:
        model = self.questions.model(*conditions)
        case = None if model is None else self.space.witness(model)
        if case is None:
            return None
        before = _summary(decide(self.old.engine, case), case)
        after = _summary(decide(self.new.engine, case), case)
        observed = f"base: {_shown(before)}; rules: {_shown(after)}"
        return Witness(
            case.case,
            case.as_of,
            f"un caso il cui esito cambia ({what})",
            shows(before, after),
            observed,
            case.milestone_id,
        )

    def _not_analysed(
        self,
        rules: tuple[str, ...],
        places: tuple[Place, ...],
        message: Message,
        it: str,
        en: str,
    ) -> None:
        self.report.not_analysed.append(
            NotAnalysed(
                self.case_type,
                rules,
                places,
                Message(f"{message.it}: {it}", f"{message.en}: {en}"),
            )
        )


def _paid(encoding: Encoding, space: Space) -> Term | None:
    """What the engine pays on the milestone: the rules' payable value within its bounds."""
    names = encoding.ruleset.payment
    if names is None:
        return None
    payable = encoding.derived(names.payable)
    amount, paid = space.read(("amount",)), space.read(("already_paid",))
    assert isinstance(payable, Scalar) and isinstance(amount, Scalar)
    assert isinstance(paid, Scalar)
    room = amount.term - paid.term
    value = payable.term
    return z3.If(value < 0, 0, z3.If(value > room, room, value))


def _summary(decision: AnyDecision | CaseError | str, case: WitnessCase) -> Summary:
    if isinstance(decision, CaseError):
        return ("refused as input", (), "")
    if isinstance(decision, str):
        return (decision, (), "")
    if isinstance(decision, PaymentDecision) and case.milestone_id is not None:
        milestone = decision.milestone(case.milestone_id)
        outcome = "refused" if milestone.reasons else "admitted"
        return (outcome, tuple(milestone.reasons), str(milestone.payable))
    outcome = "refused" if decision.reasons else "admitted"
    return (outcome, tuple(decision.reasons), "")


def _now_refused(rule_id: str) -> Callable[[Summary, Summary], bool]:
    return lambda o, n: _admitted(o) and not _admitted(n) and rule_id in n[1]


def _no_longer_refused(rule_id: str) -> Callable[[Summary, Summary], bool]:
    return lambda o, n: not _admitted(o) and _admitted(n) and rule_id in o[1]


def _admitted(summary: Summary) -> bool:
    return summary[0] == "admitted"


def _shown(summary: Summary) -> str:
    outcome, reasons, payable = summary
    text = outcome + (f" ({', '.join(reasons)})" if reasons else "")
    return text + (f", pays {payable}" if payable else "")
