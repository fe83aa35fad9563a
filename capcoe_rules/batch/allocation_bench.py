"""The allocation round at the national scale and at N times it, interleaved, per method.

A round's cost should grow with its input: the target is a round N times the national one
within 1.2 N times its time (12x for 10x). The larger round is the national round's
applications repeated N times, each copy under a new id (``ID-x1``, ``ID-x2``...), held
with a copy of the rule set in which a body is identified by its application id (the
declaration's ``one_request_per_body.identity``): with the bundled identity (body type and
ISTAT code) the copies would be the same bodies applying N times, and all be left out.
Both rounds are held with that copy, so that they differ in size only; on the national
round it allocates exactly as the bundled rule set does.

The national contender holds its round N times in a row and counts the mean: the same
work as the larger round's, so that a short round's noise on a shared machine does not
set the ratio alone. Each round held is a whole
:func:`~capcoe_rules.allocation.allocate_round` (read, decide, ration, report) on the
applications as mappings, as the library receives them, after one untimed national
round per method (the first round of a process pays for what is filled once: measured
2.5 s against 1.75 s for the next).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import yaml

from capcoe_rules.allocation import allocate_round
from capcoe_rules.batch.interleaved import Interleaved, interleave
from capcoe_rules.engine import Engine

DEFAULT_METHODS = ("proporzionale", "priorita")
"""The methods the target names (issue 15): one shares by a criterion, one serves by rank."""
IDENTITY_BY_ID = ["application.id"]


@dataclass(frozen=True)
class AllocationScaling:
    """The interleaved timings of every method at 1x (``METHOD@1``: ``scale`` rounds in a
    row) and Nx (``METHOD@N``)."""

    methods: tuple[str, ...]
    scale: int
    applications: int
    """Applications of the 1x round."""
    allocated: Mapping[str, int]
    """Posts each contender's round allocated (a check that each held its round)."""
    timed: Interleaved

    @staticmethod
    def contender(method: str, scale: int) -> str:
        return f"{method}@{scale}"

    def national(self, method: str, clock: str = "cpu") -> float:
        """The national round's time: the median over the rounds of its mean."""
        timing = self.timed.timings[self.contender(method, 1)]
        return (timing.median_cpu if clock == "cpu" else timing.median_wall) / self.scale

    def larger(self, method: str, clock: str = "cpu") -> float:
        """The larger round's time (median over the rounds)."""
        timing = self.timed.timings[self.contender(method, self.scale)]
        return timing.median_cpu if clock == "cpu" else timing.median_wall

    def ratio(self, method: str, clock: str = "cpu") -> float:
        """How many times the national round's time the larger round took."""
        return self.larger(method, clock) / self.national(method, clock)


def identity_by_id(sources: Mapping[str, str]) -> dict[str, str]:
    """``sources`` with the allocation declaration's body identity set to the
    application's id (every application its own body). Raises ``ValueError`` when no file
    declares an allocation round."""
    for name, text in sorted(sources.items()):
        document = yaml.safe_load(text) or {}
        allocation = document.get("allocation") if isinstance(document, dict) else None
        if isinstance(allocation, dict):
            allocation.setdefault("one_request_per_body", {})["identity"] = IDENTITY_BY_ID
            edited = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
            return {**sources, name: edited}
    raise ValueError("no rule file declares an allocation round")


def scaled(applications: Sequence[Mapping[str, Any]], scale: int) -> list[Mapping[str, Any]]:
    """``applications`` repeated ``scale`` times, each copy after the first with a new id."""
    copies: list[Mapping[str, Any]] = list(applications)
    for n in range(1, scale):
        copies.extend({**case, "id": f"{case['id']}-x{n}"} for case in applications)
    return copies


def compare_allocation(
    sources: Mapping[str, str],
    applications: Sequence[Mapping[str, Any]],
    *,
    scale: int = 10,
    rounds: int = 1,
    methods: Sequence[str] = DEFAULT_METHODS,
) -> AllocationScaling:
    """Hold the round of ``applications`` and the round ``scale`` times larger with every
    method, interleaved over ``rounds`` rounds (see the module docstring)."""
    if scale < 2:
        raise ValueError("the scale of the larger round is at least 2")
    engine = Engine.from_sources(identity_by_id(sources))
    inputs = {1: list(applications), scale: scaled(applications, scale)}
    allocated: dict[str, int] = {}

    def hold(method: str, factor: int, times: int = 1) -> None:
        for _ in range(times):
            result = allocate_round(engine, inputs[factor], method=method)
        allocated[AllocationScaling.contender(method, factor)] = result.totals.allocated

    contenders = {
        AllocationScaling.contender(method, factor): partial(
            hold, method, factor, scale if factor == 1 else 1
        )
        for method in methods
        for factor in inputs
    }
    # A first round fills what is filled once (the engine's rows and templates, the
    # typed models, the allocator's arenas): untimed, or it would count against 1x only.
    for method in methods:
        hold(method, 1)
    timed = interleave(contenders, rounds)
    return AllocationScaling(tuple(methods), scale, len(applications), allocated, timed)


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full: rule files may hold no YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True
