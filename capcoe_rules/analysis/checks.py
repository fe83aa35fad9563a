"""The questions asked of one rule set, one kind of case at a time.

For each requirement: can it apply, can it fail, can it be met. For each pair of blocking
requirements: can a case they both apply to meet both. For each value of a closed field
(an area, a body type...) and each pair of them: can any such case pass every blocking
requirement, and if not, which requirements close it (a smallest set, from the solver's
unsat core). For each lookup: can a valid case have a key with no row, or with two. For
each value the payment decision reads: can it leave the range the engine pays within.

A finding proved by the solver (no case exists) holds for every case of the space, which
over-approximates the valid cases; a finding that some case exists holds only once its
witness, decided by the engine, shows it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import z3

from capcoe_rules.analysis.encoding import Encoding, LookupEncoding
from capcoe_rules.analysis.places import Places
from capcoe_rules.analysis.queries import Questions
from capcoe_rules.analysis.report import (
    Finding,
    FindingKind,
    Message,
    NotAnalysed,
    Place,
    Report,
    Witness,
)
from capcoe_rules.analysis.spaces import Space
from capcoe_rules.analysis.symbolic import Scalar, Term
from capcoe_rules.analysis.verify import (
    Expectation,
    capped,
    confirm,
    lookup_row,
    refused_as_input,
    refused_by,
    share_outside,
    statuses,
)
from capcoe_rules.engine import Engine
from capcoe_rules.language.ruleset import Rule

MAX_SLICE_PAIRS = 400
"""Most pairs of closed-field values whose cases are checked for being closed."""


@dataclass
class CaseChecks:
    """Every question about one kind of case of one rule set."""

    encoding: Encoding
    questions: Questions
    places: Places
    engine: Engine
    report: Report

    @property
    def space(self) -> Space:
        return self.encoding.space

    @property
    def case_type(self) -> str:
        return self.encoding.case_rules.case_type

    def run(self) -> None:
        self._untranslated()
        self._lookups()
        decided = self.encoding.decided()
        self.questions.solver.add(decided)
        answer = self.questions.ask()
        if answer != "sat":
            self._not_analysed(
                (),
                (),
                "nessun caso valido è deciso (ogni caso manca di una riga in un lookup)",
                "no valid case is decided (every case lacks a row in a lookup)",
            )
            return
        usable = self._requirements()
        self._conflicts(usable)
        self._closed()
        self._ranges()

    # -- what is not analysed --------------------------------------------------------------

    def _untranslated(self) -> None:
        for item in self.encoding.untranslated:
            self._not_analysed(
                (item.rule.id,),
                (self.places.rule(item.rule, "require" if item.rule.require else "value"),),
                f"regola non analizzata: {item.reason}",
                f"rule not analysed: {item.reason}",
            )
        for note in self.space.notes:
            self._not_analysed((), (), f"non modellato: {note}", f"not modelled: {note}")

    def _not_analysed(
        self, rules: tuple[str, ...], places: tuple[Place, ...], it: str, en: str
    ) -> None:
        self.report.not_analysed.append(NotAnalysed(self.case_type, rules, places, Message(it, en)))

    def _unknown(self, rules: tuple[Rule, ...], question_it: str, question_en: str) -> None:
        self._not_analysed(
            tuple(rule.id for rule in rules),
            tuple(self.places.rule(rule) for rule in rules),
            f"il solutore non ha risposto entro il limite: {question_it}",
            f"the solver gave no answer within the limit: {question_en}",
        )

    # -- witnesses --------------------------------------------------------------------------

    def _witness(
        self,
        conditions: list[Term],
        expectation: Expectation,
        description: str,
        others: tuple[Rule, ...] | None = None,
    ) -> Witness | None:
        """A witness of ``conditions``; where it can be, one that every blocking rule but
        ``others`` lets through, so that its decision shows only what the finding says."""
        model = None
        if others is not None:
            passing = [
                self.encoding.passes(rule)
                for rule in self.encoding.blocking
                if rule not in others and self.encoding.analysed(rule)
            ]
            model = self.questions.model(*conditions, *passing)
        if model is None:
            model = self.questions.model(*conditions)
        if model is None:
            return None
        try:
            case = self.space.witness(model)
        except ValueError:
            case = None
        if case is None:
            return None
        confirmed, observed = confirm(self.engine, case, expectation)
        return Witness(case.case, case.as_of, description, confirmed, observed, case.milestone_id)

    def _finding(
        self,
        kind: FindingKind,
        rules: tuple[Rule, ...],
        places: tuple[Place, ...],
        message: Message,
        witness: Witness | None,
        problem: bool = True,
    ) -> None:
        self.report.findings.append(
            Finding(
                kind,
                problem,
                self.case_type,
                tuple(rule.id for rule in rules),
                places,
                message,
                witness,
            )
        )

    def _found_if_confirmed(
        self,
        kind: FindingKind,
        rules: tuple[Rule, ...],
        places: tuple[Place, ...],
        message: Message,
        witness: Witness | None,
    ) -> None:
        """A finding that some case exists: reported only when the engine confirms it."""
        if witness is not None and witness.confirmed:
            self._finding(kind, rules, places, message, witness)
            return
        why = "nessun caso testimone" if witness is None else f"il motore: {witness.observed}"
        why_en = "no witness case" if witness is None else f"the engine: {witness.observed}"
        self._not_analysed(
            tuple(rule.id for rule in rules),
            places,
            f"possibile ma non confermato ({why}): {message.it}",
            f"possible but not confirmed ({why_en}): {message.en}",
        )

    # -- requirements -----------------------------------------------------------------------

    def _requirements(self) -> list[Rule]:
        """Check each requirement; return those that can apply, fail and be met."""
        usable = []
        encoding = self.encoding
        for rule in encoding.requirements:
            if not encoding.analysed(rule):
                continue
            applies, holds = encoding.applies(rule), encoding.holds(rule)
            answers = {
                "applies": self.questions.ask(applies),
                "fails": self.questions.ask(applies, z3.Not(holds)),
                "met": self.questions.ask(applies, holds),
            }
            if "unknown" in answers.values():
                self._unknown((rule,), "quando si applica, fallisce, è soddisfatta", "applies")
                continue
            if answers["applies"] == "unsat":
                self._never_applies(rule)
            elif answers["fails"] == "unsat":
                self._dead(rule)
            elif answers["met"] == "unsat":
                self._never_met(rule)
            else:
                usable.append(rule)
        return usable

    def _severity(self, rule: Rule) -> tuple[str, str]:
        if rule.doc.severity == "warning":
            return "segnalato", "flagged"
        return "respinto", "refused"

    def _never_applies(self, rule: Rule) -> None:
        witness = self._witness(
            [z3.BoolVal(True)],
            statuses({rule.id: {"not_applicable"}}),
            f"{rule.id}: un caso qualunque, a cui la regola non si applica",
        )
        self._finding(
            "never_applies",
            (rule,),
            (self.places.rule(rule, "when"),),
            Message(
                f"{rule.id}: la condizione 'when' non vale per nessun caso valido: "
                "la regola non si applica mai",
                f"{rule.id}: its 'when' holds for no valid case: the rule never applies",
            ),
            witness,
        )

    def _dead(self, rule: Rule) -> None:
        witness = self._witness(
            [self.encoding.applies(rule)],
            statuses({rule.id: {"met"}}),
            f"{rule.id}: un caso a cui si applica, ed è soddisfatta come ogni altro",
            (),
        )
        self._finding(
            "dead_check",
            (rule,),
            (self.places.rule(rule, "require"),),
            Message(
                f"{rule.id}: non può fallire su nessun caso valido a cui si applica "
                "(controllo inutile: il modello dei casi o le altre regole lo garantiscono già)",
                f"{rule.id}: it can fail on no valid case it applies to (a dead check: "
                "the case model or the other rules already guarantee it)",
            ),
            witness,
        )

    def _never_met(self, rule: Rule) -> None:
        it, en = self._severity(rule)
        witness = self._witness(
            [self.encoding.fails(rule)],
            statuses({rule.id: {"not_met"}}),
            f"{rule.id}: un caso a cui si applica, e non è soddisfatta",
            (rule,),
        )
        self._finding(
            "never_met",
            (rule,),
            (self.places.rule(rule, "require"),),
            Message(
                f"{rule.id}: non può mai essere soddisfatta: ogni caso a cui si applica è {it}",
                f"{rule.id}: it can never be met: every case it applies to is {en}",
            ),
            witness,
        )

    # -- blocking requirements together -----------------------------------------------------

    def _conflicts(self, usable: list[Rule]) -> None:
        encoding = self.encoding
        blocking = [rule for rule in usable if rule.doc.severity == "blocking"]
        for first, second in itertools.combinations(blocking, 2):
            both = z3.And(encoding.applies(first), encoding.applies(second))
            if self.questions.ask(both) != "sat":
                continue
            answer = self.questions.ask(both, encoding.holds(first), encoding.holds(second))
            if answer == "unknown":
                self._unknown((first, second), "insieme", "together")
            if answer != "unsat":
                continue
            witness = self._witness(
                [both],
                statuses({first.id: {"not_met"}, second.id: {"not_met"}}, any_of=True),
                f"{first.id} e {second.id}: un caso a cui si applicano entrambe",
                (first, second),
            )
            self._finding(
                "conflict",
                (first, second),
                (self.places.rule(first), self.places.rule(second)),
                Message(
                    f"{first.id} e {second.id} non possono essere soddisfatte insieme: "
                    "ogni caso a cui si applicano entrambe è respinto",
                    f"{first.id} and {second.id} cannot be met together: every case "
                    "they both apply to is refused",
                ),
                witness,
            )

    def _closed(self) -> None:
        """Values of closed fields (and pairs of them) that no case can be admitted with."""
        encoding = self.encoding
        blocking = [rule for rule in encoding.blocking if encoding.analysed(rule)]
        labelled = {rule.id: encoding.passes(rule) for rule in blocking}
        by_id = {rule.id: rule for rule in blocking}
        values = self._closed_values()
        closed: set[tuple[str, str]] = set()
        for path, value, term in values:
            if self.questions.ask(term) != "sat":
                continue  # no valid case has it
            core = self.questions.core(term, labelled)
            if core is None:
                continue
            closed.add((path, value))
            self._report_closed(((path, value),), term, [by_id[r] for r in core])
        pairs = [
            (a, b)
            for a, b in itertools.combinations(values, 2)
            if a[0] != b[0] and (a[0], a[1]) not in closed and (b[0], b[1]) not in closed
        ][:MAX_SLICE_PAIRS]
        for (path_a, value_a, term_a), (path_b, value_b, term_b) in pairs:
            term = z3.And(term_a, term_b)
            if self.questions.ask(term) != "sat":
                continue
            core = self.questions.core(term, labelled)
            if core is not None and len(core) > 1:
                rules = [by_id[r] for r in core]
                self._report_closed(((path_a, value_a), (path_b, value_b)), term, rules)

    def _closed_values(self) -> list[tuple[str, str, Term]]:
        found = []
        for path, type_ in self.space.types.items():
            value = self.space.fields.get(path)
            if type_.values is None or len(type_.values) < 2 or not isinstance(value, Scalar):
                continue
            dotted = f"{self.case_type}.{'.'.join(path)}"
            for text in sorted(type_.values):
                term = value.term == self.space.texts.id(text)
                found.append((dotted, text, term))
        return found

    def _report_closed(
        self, where: tuple[tuple[str, str], ...], term: Term, rules: list[Rule]
    ) -> None:
        shown = " e ".join(f"{path} = {value}" for path, value in where)
        shown_en = " and ".join(f"{path} = {value}" for path, value in where)
        ids = ", ".join(rule.id for rule in rules)
        witness = self._witness(
            [term],
            refused_by(tuple(rule.id for rule in rules)),
            f"un caso con {shown}: respinto",
            tuple(rules),
        )
        single = len(rules) == 1
        self._finding(
            "closed",
            tuple(rules),
            tuple(self.places.rule(rule) for rule in rules),
            Message(
                f"nessun caso con {shown} è ammesso: "
                + (f"lo esclude la sola {ids}" if single else f"lo escludono insieme {ids}"),
                f"no case with {shown_en} is admitted: "
                + (f"{ids} alone excludes it" if single else f"{ids} together exclude it"),
            ),
            witness,
            problem=not single,
        )

    # -- lookups ----------------------------------------------------------------------------

    def _lookups(self) -> None:
        earlier: list[Term] = []
        for lookup in self.encoding.lookups.values():
            self._gap(lookup, earlier)
            self._overlaps(lookup, earlier)
            earlier.append(lookup.resolvable)

    def _gap(self, lookup: LookupEncoding, earlier: list[Term]) -> None:
        table = lookup.lookup.table
        missing = z3.Not(lookup.resolvable)
        answer = self.questions.ask(*earlier, missing)
        key = lookup.lookup.key.dotted
        places = (self.places.lookup(lookup.lookup.name), self.places.table(table))
        if answer == "unknown":
            self._not_analysed(
                (), places, f"lookup {lookup.lookup.name}: nessuna risposta", "no answer"
            )
        if answer != "sat":
            return
        witness = self._witness(
            [*earlier, missing],
            refused_as_input(table.name),
            f"lookup {lookup.lookup.name}: un valore di {key} senza riga nella tabella",
        )
        self._found_if_confirmed(
            "lookup_gap",
            (),
            places,
            Message(
                f"lookup {lookup.lookup.name}: la tabella {table.name} non ha una riga per ogni "
                f"valore che {key} può avere: un caso valido è rifiutato",
                f"lookup {lookup.lookup.name}: table {table.name} has no row for every value "
                f"{key} can take: a valid case is refused",
            ),
            witness,
        )

    def _overlaps(self, lookup: LookupEncoding, earlier: list[Term]) -> None:
        table = lookup.lookup.table
        raw = self._raw_matches(lookup)
        for (i, first), (j, second) in itertools.combinations(enumerate(lookup.rows), 2):
            if lookup.lookup.doc.match == "exact" and first.key != second.key:
                continue
            both = z3.And(raw[i], raw[j])
            if self.questions.ask(*earlier, both) != "sat":
                continue
            witness = self._witness(
                [*earlier, both],
                lookup_row(lookup.lookup.name, table.key, first.key),
                f"tabella {table.name}: un valore che sta nelle righe {first.key} e {second.key}",
            )
            self._found_if_confirmed(
                "lookup_overlap",
                (),
                (self.places.table(table),),
                Message(
                    f"tabella {table.name}: le righe {first.key} e {second.key} valgono "
                    f"entrambe per un valore di {lookup.lookup.key.dotted}; il motore prende "
                    f"la prima ({first.key})",
                    f"table {table.name}: rows {first.key} and {second.key} both hold for a "
                    f"value of {lookup.lookup.key.dotted}; the engine takes the first "
                    f"({first.key})",
                ),
                witness,
            )

    def _raw_matches(self, lookup: LookupEncoding) -> list[Term]:
        """Whether each row holds the key, earlier rows aside."""
        if lookup.lookup.doc.match == "exact":
            return lookup.matches
        encoding = self.encoding
        key = encoding.resolve(lookup.lookup.key)
        assert isinstance(key, Scalar)
        found = []
        for row in lookup.rows:
            lower = z3.RealVal(str(Decimal(row.values["lower"])))
            upper = z3.RealVal(str(Decimal(row.values["upper"])))
            found.append(z3.And(key.term >= lower, key.term < upper))
        return found

    # -- what the payment decision reads ----------------------------------------------------

    def _ranges(self) -> None:
        names = self.encoding.ruleset.payment
        if names is None:
            return
        if self.case_type == "milestone":
            self._payable(names.payable)
        if self.case_type == "claim":
            self._share(names.recovery_share)

    def _producer(self, name: str) -> Rule | None:
        return next((r for r in self.encoding.case_rules.rules if r.derive == name), None)

    def _payable(self, name: str) -> None:
        rule = self._producer(name)
        if rule is None or not self.encoding.analysed(rule):
            return
        payable = self.encoding.derived(name)
        assert isinstance(payable, Scalar)
        amount = self.space.read(("amount",))
        paid = self.space.read(("already_paid",))
        assert isinstance(amount, Scalar) and isinstance(paid, Scalar)
        eligible = self.encoding.eligible()
        bounds: list[tuple[Term, str, str]] = [
            (payable.term < 0, "sotto zero", "below zero"),
            (
                payable.term > amount.term - paid.term,
                "oltre l'importo del traguardo meno quanto già pagato",
                "above the milestone's amount less what was already paid",
            ),
        ]
        self._outside(rule, name, eligible, bounds, lambda: capped(rule.id))

    def _share(self, name: str) -> None:
        rule = self._producer(name)
        if rule is None or not self.encoding.analysed(rule):
            return
        share = self.encoding.derived(name)
        assert isinstance(share, Scalar)
        bounds: list[tuple[Term, str, str]] = [
            (share.term < 0, "sotto 0", "below 0"),
            (share.term > 1, "sopra 1", "above 1"),
        ]
        self._outside(
            rule,
            name,
            z3.BoolVal(True),
            bounds,
            lambda: share_outside(name, Decimal(0), Decimal(1)),
        )

    def _outside(
        self,
        rule: Rule,
        name: str,
        when: Term,
        bounds: list[tuple[Term, str, str]],
        expectation: Callable[[], Expectation],
    ) -> None:
        for outside, it, en in bounds:
            answer = self.questions.ask(when, outside)
            if answer == "unknown":
                self._unknown((rule,), f"{name} {it}", f"{name} {en}")
            if answer != "sat":
                continue
            witness = self._witness([when, outside], expectation(), f"{rule.id}: {name} {it}")
            self._found_if_confirmed(
                "out_of_range",
                (rule,),
                (self.places.rule(rule, "value"),),
                Message(
                    f"{rule.id}: il valore {name} letto dal pagamento può finire {it}",
                    f"{rule.id}: the value {name} the payment reads can end up {en}",
                ),
                witness,
            )


def solver_background(space: Space, encoding: Encoding) -> list[Any]:
    return [*space.domain(), *encoding.base()]
