"""The allocation round: many hiring applications in, who gets how many posts out.

Eligibility decides one application at a time; a round then shares the call's fixed
supply (2,200 posts, by body type, profile and region) among the eligible ones, by the
method the rule set names, and explains every share.

>>> from capcoe_rules import Engine
>>> from capcoe_rules.allocation import allocate_round, write_json, write_csv
>>> engine = Engine.from_path("rules")
>>> result = allocate_round(engine, applications)     # doctest: +SKIP
>>> result.totals.allocated, result.pools[0].unmet    # doctest: +SKIP

Modules, one job each: :mod:`.methods` (pure rationing on integers, with the guarantees
each method gives), :mod:`.models` (the result), :mod:`.round` (engine, parameters,
report), :mod:`.report` (JSON and CSV files), :mod:`.simulation` (the national round's
simulated demand).
"""

from capcoe_rules.allocation.methods import (
    METHODS,
    Claimant,
    Limits,
    MethodName,
    Shares,
    by_priority,
    largest_remainder,
    proportional,
    split_over_profiles,
    tie_break_key,
)
from capcoe_rules.allocation.models import (
    PROFILES,
    AllocationResult,
    CapUse,
    Excluded,
    Invalid,
    Share,
    Totals,
)
from capcoe_rules.allocation.report import write_csv, write_json
from capcoe_rules.allocation.round import RoundError, allocate_round

__all__ = [
    "METHODS",
    "PROFILES",
    "AllocationResult",
    "CapUse",
    "Claimant",
    "Excluded",
    "Invalid",
    "Limits",
    "MethodName",
    "RoundError",
    "Share",
    "Shares",
    "Totals",
    "allocate_round",
    "by_priority",
    "largest_remainder",
    "proportional",
    "split_over_profiles",
    "tie_break_key",
    "write_csv",
    "write_json",
]
