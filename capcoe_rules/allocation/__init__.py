"""The allocation round: many applications in, who gets how many posts out.

Eligibility decides one application at a time; a round then shares a fixed supply of
posts among the eligible ones, as the rule set's ``allocation:`` declaration says (pools,
profiles, groups, criteria and the method's steps, all in the rule files), and explains
every share.

>>> from capcoe_rules import Engine
>>> from capcoe_rules.allocation import allocate_round, write_json, write_csv
>>> engine = Engine.from_path("rules")
>>> result = allocate_round(engine, applications)     # doctest: +SKIP
>>> result.totals.allocated, result.groups[0].key_share    # doctest: +SKIP

Modules, one job each: :mod:`.apportion` (whole posts by weight), :mod:`.profiles`
(meeting the profile caps), :mod:`.rationing` (the steps, pure, on integers),
:mod:`.models` (the result), :mod:`.round` (engine, declaration, report),
:mod:`.report` (JSON and CSV files).
"""

from capcoe_rules.allocation.apportion import largest_remainder, split_over_profiles
from capcoe_rules.allocation.models import (
    AllocationResult,
    CapUse,
    Excluded,
    GroupUse,
    Invalid,
    Share,
    Totals,
)
from capcoe_rules.allocation.rationing import (
    Cell,
    Claimant,
    Limits,
    Plan,
    Rationing,
    Shares,
    ration,
    tie_break_key,
)
from capcoe_rules.allocation.report import write_csv, write_json
from capcoe_rules.allocation.round import allocate_round
from capcoe_rules.errors import RoundError

__all__ = [
    "AllocationResult",
    "CapUse",
    "Cell",
    "Claimant",
    "Excluded",
    "GroupUse",
    "Invalid",
    "Limits",
    "Plan",
    "Rationing",
    "RoundError",
    "Share",
    "Shares",
    "Totals",
    "allocate_round",
    "largest_remainder",
    "ration",
    "split_over_profiles",
    "tie_break_key",
    "write_csv",
    "write_json",
]
