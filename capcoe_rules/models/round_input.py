"""The input of an allocation round as one document (the service's ``POST /v1/allocations``).

``capcoe-rules allocate`` reads the same applications as JSON Lines, one per line.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from capcoe_rules.models.application import Application
from capcoe_rules.models.inputs import Day


class AllocationRound(BaseModel):
    """The applications of one allocation round, and optionally its date and method."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Each application is read by the round itself (``allocate_round``), like a line of
    # ``capcoe-rules allocate``: one that is not valid is listed among the result's
    # ``invalid`` and the round is still held. The schema still says what to send.
    applications: list[SkipValidation[Application]] = Field(
        description="The applications; one that is not valid is listed in the result's "
        "'invalid' (source 'applications.N'), the round is still held."
    )
    as_of: Day | None = Field(
        default=None,
        description="The round's date: caps and method in force that day "
        "(default: the latest submission day).",
    )
    method: str | None = Field(
        default=None,
        description="Rationing method, e.g. proporzionale or priorita "
        "(default: the rule set's hiring_allocation_method).",
    )
