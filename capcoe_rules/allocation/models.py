"""The result of an allocation round, as pydantic models to store, show and audit.

A round's result says which rule set, date and method it used, how each cap was filled
(pools, profiles), how each group (a region) fared against its key share, what each
eligible applicant asked for and got and which full caps stopped it, and which
applications took no part and why. ``to_json()`` gives the same bytes for the same round,
whatever the order of the applications. Every name in it (pools, profiles, groups,
criteria, parameters) comes from the rule set's allocation declaration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from capcoe_rules.errors import FieldProblem
from capcoe_rules.models.decision import RuleSetRef

ExclusionCause = Literal["not_taking_part", "same_body", "not_eligible", "no_pool", "no_key"]

GroupReason = Literal["capped_at_request", "resplit", "profiles_full", "took_lost_posts"]
"""Why a group's posts differ from its key share: ``capped_at_request`` (its bodies asked
for less), ``resplit`` (it took part of what capped groups left), ``profiles_full`` (its
bodies could not use some posts: the profiles they asked for were full),
``took_lost_posts`` (it took posts other groups of the pool could not use so)."""


class ResultModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CapUse(ResultModel):
    """How one cap (or one group the report totals, e.g. a body type) was used."""

    name: str
    """Pool, profile or body type, as the rule set names it."""
    label: str
    parameter: str | None
    """The rule-set parameter holding the cap; None for a group with no cap."""
    cap: int | None
    """The cap in posts; None for a group with no cap."""
    demand: int
    """Posts requested by the eligible applications in the group."""
    allocated: int
    unmet: int
    """``demand - allocated``."""
    full: bool
    """The allocation reached the cap."""
    reserved: int = 0
    """Posts of the cap not open to applications."""
    provenance: Literal["source", "assumption"] | None = None


class GroupUse(ResultModel):
    """One group (e.g. a region) in one pool, or over every pool (``pool`` None)."""

    pool: str | None
    group: str
    label: str
    key_weight: Decimal | None
    """The group's value in the key table (None: the method has no key)."""
    key_share: Decimal | None
    """Its share of the pool's posts by the key alone, to two decimals."""
    posts: int | None
    """Its posts after the key step: the key share rounded, capped at the request, with
    part of what capped groups left."""
    demand: int
    allocated: int
    unmet: int
    why: list[GroupReason]
    """Why ``allocated`` differs from the rounded key share (empty: it does not)."""


class Share(ResultModel):
    """What one eligible application asked for and got, and what bounded it."""

    id: str
    name: str
    body: str
    """The value of the pools' field (e.g. the body type)."""
    pool: str
    group: str
    group_label: str
    rank: int
    """Position in rank order (1 first): the order criterion, then earlier submission,
    then application id."""
    criteria: dict[str, Decimal | None]
    """Every criterion the round declares, as read for this application."""
    score: Decimal | None
    """Its score in its cell for a ``share`` method (a cell's add up to the weights' sum),
    to six decimals; None for ``serve``."""
    submitted_at: dt.datetime
    requested: dict[str, int]
    allocated: dict[str, int]
    requested_total: int
    allocated_total: int
    unmet: int
    bounded_by: list[str]
    """The full caps that stopped it short of its request: its pool's quota parameter
    when the pool is full (with a key, ``PARAMETER@GROUP`` when its group holds all its
    posts of that quota) and the caps of the full profiles it did not get in full;
    empty when served in full."""
    moved_by_profiles: int
    """Posts its total gained (positive) or lost when the profile caps were met; 0 when
    swaps between its own profiles were enough."""


class Excluded(ResultModel):
    """An application that took no part in the round, and why."""

    id: str
    name: str
    cause: ExclusionCause
    """``not_taking_part``: not an application the round is for; ``same_body``: its body
    applied more than once (see ``reasons``); ``not_eligible``: refused by the rules;
    ``no_pool``: eligible, but no pool admits its body; ``no_key``: its group has no row
    in the method's key."""
    reasons: list[str]
    """Ids of the blocking rules not met (``not_eligible``), or of the body's other
    applications (``same_body``)."""


class Invalid(ResultModel):
    """An input that could not be read as an application (the round went on without it)."""

    source: str
    """Where it came from: ``file:line`` from the command, ``#n`` (1-based) otherwise."""
    problems: list[str]
    """What is wrong, ``path: message`` in English."""
    problems_it: list[str]
    """The same in Italian, in the same order."""

    @classmethod
    def of(cls, source: str, problems: Sequence[FieldProblem]) -> Invalid:
        return cls(
            source=source,
            problems=[_said(problem, "en") for problem in problems],
            problems_it=[_said(problem, "it") for problem in problems],
        )

    def said(self, language: str) -> list[str]:
        """The problems in ``language`` (``it`` or ``en``)."""
        return self.problems_it if language == "it" else self.problems


def _said(problem: FieldProblem, language: str) -> str:
    message = problem.message_in(language)
    return f"{problem.path}: {message}" if problem.path else message


class Totals(ResultModel):
    supply: int
    """Posts of the call (the total parameter)."""
    reserved: int
    """Posts not open to applications (the reserved pools)."""
    open_supply: int
    """Posts open to applications: the total less the reserved ones."""
    demand: int
    """Posts requested by the eligible applications."""
    allocated: int
    unmet: int
    """Eligible demand not allocated."""
    unallocated: int
    """Open posts not allocated (no eligible demand could take them)."""
    applications: int
    eligible: int
    excluded: int
    invalid: int


class AllocationResult(ResultModel):
    """The outcome of one allocation round."""

    as_of: dt.date
    """The round's date: the caps, keys, weights and method in force that day."""
    method: str
    ruleset: RuleSetRef
    parameters: dict[str, int | Decimal | str]
    """Every rule-set parameter the round read, with the value it read."""
    totals: Totals
    pools: list[CapUse]
    profiles: list[CapUse]
    groups: list[GroupUse]
    """Each group over every pool, by group."""
    cells: list[GroupUse]
    """Each group in each pool open to applications, by pool then group."""
    bodies: list[CapUse]
    """Each value of the pools' field (e.g. body type), no cap."""
    shares: list[Share]
    """Eligible applications in rank order."""
    excluded: list[Excluded]
    """Sorted by application id."""
    invalid: list[Invalid]

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)
