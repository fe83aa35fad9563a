"""Witnesses for the rules on a claim as a whole: claims built from milestones.

What a claim rule reads (``payable_now``, ``intermediate_paid``, ``final_target_missed``)
is what the milestone rules computed. A proof about claim rules treats those as any values
the engine's bounds allow (spaces.py); a witness needs a real claim, so its search adds
:data:`SLOTS` milestones, each judged by the milestone rules, and the sums the engine
makes of them (capcoe_rules/engine/payments.py): a milestone with a blocking rule not met
pays nothing, and none pays below zero or beyond its amount less what was paid on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import z3

from capcoe_rules.analysis.encoding import Encoding
from capcoe_rules.analysis.spaces import (
    Space,
    WitnessCase,
    grant_entry,
    milestone_entry,
    milestone_report,
    space_for,
)
from capcoe_rules.analysis.symbolic import Scalar, Term
from capcoe_rules.language.ruleset import CheckedRuleSet

SLOTS = 2
"""Milestones of a witness claim (at least one of them final)."""


def compose(claim: Space, ruleset: CheckedRuleSet) -> None:
    """Let ``claim``'s witnesses be claims of :data:`SLOTS` milestones under ``ruleset``."""
    names = ruleset.payment
    if names is None:
        return
    texts = claim.texts
    slots: list[tuple[Space, Encoding]] = []
    for index in range(SLOTS):
        space = space_for("milestone", f"slot{index}.", texts, claim.period, claim.dates)
        slots.append((space, Encoding(ruleset, ruleset.cases["milestone"], space, "n")))

    def term(space: Space, *path: str) -> Term:
        found = space.read(path)
        assert isinstance(found, Scalar)
        return found.term

    def whole(*path: str) -> Term:
        return term(claim, *path)

    links: list[Term] = []
    bounded: list[Term] = []
    finale = texts.id("finale")
    for space, encoding in slots:
        links += [*space.domain(), *encoding.base(), encoding.decided(), *space.exact]
        links += [
            space.as_of == claim.as_of,
            term(space, "claim_date") == whole("claim_date"),
            term(space, "claim_id") == whole("id"),
            term(space, "grant_total") == whole("grant_total"),
            term(space, "programme_level") == whole("programme_level"),
        ]
        claim.grid.extend(space.grid)
        claim.hints = [[*hint, *other] for hint in space.hints for other in claim.hints or [[]]]
        payable = encoding.derived(names.payable)
        assert isinstance(payable, Scalar)
        earned = z3.If(encoding.eligible(), payable.term, 0)
        room = term(space, "amount") - term(space, "already_paid")
        bounded.append(z3.If(earned < 0, 0, z3.If(earned > room, room, earned)))
    missed = [encoding.derived(names.final_missed) for _, encoding in slots]
    links += [
        z3.Distinct([term(space, "id") for space, _ in slots]),
        z3.Or([term(space, "kind") == finale for space, _ in slots]),
        whole("grant_total") == z3.Sum([term(space, "amount") for space, _ in slots]),
        whole("paid_before") == z3.Sum([term(space, "already_paid") for space, _ in slots]),
        whole("payable_now") == z3.Sum(bounded),
        whole("intermediate_paid")
        == z3.Sum(
            [
                z3.If(
                    term(space, "kind") == finale, 0, term(space, "already_paid") + bounded[index]
                )
                for index, (space, _) in enumerate(slots)
            ]
        ),
        whole("final_target_missed")
        == z3.Or([value.term for value in missed if isinstance(value, Scalar)]),
    ]
    claim.exact.extend(links)
    claim.build_case = lambda space, model: _claim_case(space, model, [s for s, _ in slots])


def _claim_case(claim: Space, model: Any, slots: list[Space]) -> WitnessCase:
    milestones = [milestone_entry(space, model) for space in slots]
    lines, payments = [], []
    claim_date = claim.value(model, ("claim_date",))
    for space in slots:
        line, paid = milestone_report(space, model)
        if line is not None:
            lines.append(line)
        if paid > 0:
            payments.append(
                {
                    "milestone_id": space.value(model, ("id",)),
                    "amount": f"{paid / 100:.2f}",
                    "date": claim_date.isoformat(),
                }
            )
    programme = claim.value(model, ("programme_level",))
    year = None
    if ("commitment_year",) in claim.fields:
        year = int(claim.value(model, ("commitment_year",)))
    case = {
        "case_type": "payment_claim",
        "id": claim.value(model, ("id",)),
        "grant": grant_entry(
            claim.value(model, ("grant_total",)),
            programme,
            milestones,
            year,
            claim.value(model, ("grant_id",)),
        ),
        "claim_date": claim_date.isoformat(),
        "lines": lines,
        "payments_made": payments,
    }
    as_of = None
    if claim.dates.kind != "case":
        as_of = dt.date.fromordinal(int(model.eval(claim.as_of, model_completion=True).as_long()))
    return WitnessCase(case, as_of)
