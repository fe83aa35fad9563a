"""The result of an allocation round, as pydantic models to store, show and audit.

A round's result says which rule set and date it used, how each cap was filled (pools,
profiles, regions, body types), what each eligible applicant asked for and got and which
full caps stopped it, and which applications took no part and why. ``to_json()`` gives
the same bytes for the same round, whatever the order of the applications.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from capcoe_rules.allocation.methods import MethodName
from capcoe_rules.models.application import BodyType, HiresRequest
from capcoe_rules.models.decision import RuleSetRef

PROFILES: tuple[str, ...] = tuple(HiresRequest.model_fields)
"""The six professional profiles, in the order of :class:`HiresRequest` (and of the
methods' per-profile tuples)."""

ExclusionCause = Literal["not_hiring", "not_eligible", "no_pool"]


class ResultModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CapUse(ResultModel):
    """How one cap (or one group the report totals, e.g. a body type) was used."""

    name: str
    """Pool name, profile, ISTAT region code, body type, or ``total``."""
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
    """Posts of the cap not open to applications (the central department's)."""
    provenance: Literal["source", "assumption"] | None = None


class Share(ResultModel):
    """What one eligible application asked for and got, and what bounded it."""

    id: str
    name: str
    body_type: BodyType
    pool: str
    region_code: str
    region: str
    rank: int
    """Position in the tie-break order (1 first): higher priority score, earlier
    submission, application id."""
    priority_score: Decimal
    declared_need: int
    submitted_at: dt.datetime
    requested: dict[str, int]
    allocated: dict[str, int]
    requested_total: int
    allocated_total: int
    unmet: int
    bounded_by: list[str]
    """Parameters of the full caps that stopped it short of its request (its pool's quota,
    a profile cap, its region's ceiling, the total); empty when served in full."""


class Excluded(ResultModel):
    """An application that took no part in the round, and why."""

    id: str
    name: str
    area: str
    cause: ExclusionCause
    """``not_hiring``: not a hiring application; ``not_eligible``: refused by the rules
    (see ``reasons``); ``no_pool``: eligible, but its body type has no quota."""
    reasons: list[str]
    """Ids of the blocking rules not met (for ``not_eligible``)."""


class Invalid(ResultModel):
    """An input that could not be read as an application (the round went on without it)."""

    source: str
    """Where it came from: ``file:line`` from the command, ``#n`` (1-based) otherwise."""
    problems: list[str]


class Totals(ResultModel):
    supply: int
    """Posts of the call (``hiring_cap_total``)."""
    reserved: int
    """Posts not open to applications (the central department's quota)."""
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
    """The round's date: the caps and the method in force that day."""
    method: MethodName
    ruleset: RuleSetRef
    parameters: dict[str, int | str]
    """Every rule-set parameter the round read, with the value it read."""
    totals: Totals
    pools: list[CapUse]
    profiles: list[CapUse]
    regions: list[CapUse]
    body_types: list[CapUse]
    shares: list[Share]
    """Eligible applications in tie-break order."""
    excluded: list[Excluded]
    """Sorted by application id."""
    invalid: list[Invalid]

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)
