"""Rationing methods: who gets how many posts, as pure functions on integers.

No engine, no rule files, no clock: a method receives the eligible *claimants* (each with
its pool, region, declared need, priority and posts requested by profile) and the *limits*
(a quota per pool, a cap per profile, a ceiling per region, a total), and returns the posts
granted to each claimant, profile by profile. The round (:mod:`.round`) builds both from
the engine's decisions and the rule set's parameters.

The constraints
---------------
Every claimant belongs to one *pool* (its body type's quota) and one *region*, and asks
``requests[p]`` posts of profile ``p``. A grant ``x[i][p]`` must satisfy, all at once::

    0 <= x[i][p] <= requests[i][p]                          nobody gets more than asked
    sum of x over the claimants of pool b    <= pools[b]      body-type quotas
    sum of x[.][p] over all claimants        <= profiles[p]   profile caps
    sum of x over the claimants of region g  <= regions[g]    regional ceilings
    sum of all x                             <= total

Pools and regions both split the claimants, but across each other (a region holds comuni,
provinces, a Regione...), and the profile caps cut every claimant in parts: the caps
overlap rather than nest, so no single pass in one family respects the others. Without
the regions, the caps form a flow network, source -> pools -> claimants -> profiles ->
sink, whose maximum flow is the most posts any allocation can give; the methods use it.

Tie-break (both methods)
------------------------
Claimants are ordered by higher priority score, then earlier submission (as an instant),
then application id (unique). Input order never matters: every method sorts first. An
equal remainder, a choice between claimants in a chain, goes by this order; within one
claimant, profiles are taken in the order of ``requests``.

``proportional`` (rule files: ``proporzionale``)
------------------------------------------------
1. In each pool, the supply not yet fixed is shared in proportion to declared need,
   nobody above what it still asks for (:func:`largest_remainder`: exact quotas
   ``min(request, lambda * need)``, largest-remainder rounding); each claimant's posts are
   split over its profiles by :func:`split_over_profiles`.
2. If that tentative grant overfills a cross cap (a profile, a region, the total), the
   most overfilled one (smallest room / load; ties: total, profiles, regions) is frozen:
   its room is shared among its claimants' cells in proportion to declared need, never
   above the tentative grant, each post checked against every other cap and pool; posts
   the checks turn away go, in tie-break order, to cells below their tentative grant,
   then to cells below their request. Those cells are fixed.
3. Step 1 runs again on what is not fixed, each pool's supply less its fixed posts, so
   posts a frozen cap took away go to the rest of the same pool. It ends when no cross cap
   is overfilled: at most one pass per cross cap, plus one.
4. Fill-up (:func:`_fill_up`): while a pool has room its claimants cannot use (they ask
   only for full profiles) and a profile has room, posts move along the shortest chain
   (an augmenting path of the flow network): a claimant of that pool gains a post in a
   full profile, whose holder swaps it for another profile it asked for or, if none can,
   gives it up to a claimant of its own pool that asked for another, and so on up to the
   profile with room. The claimant that gains is the one with the smallest share of its
   need; the one that gives up, the one with the largest.

``by_priority`` (rule files: ``priorita``)
------------------------------------------
1. Claimants are served one by one in tie-break order, each as fully as the room left in
   its pool, its region, the total and each profile cap allows.
2. Fill-up as above (the claimant that gains: the first in tie-break order), then a lift
   (:func:`_lift_in_order`): each claimant in turn takes every post it can get from later
   claimants without lowering the total or anyone before it; repeated until neither
   changes anything.

Guarantees (tested in ``tests/test_allocation.py``)
---------------------------------------------------
Both methods: no cap is exceeded; nobody gets more than asked, per profile or in total;
the result depends neither on the input order nor on the run; nothing is wasted (every
post a claimant asked for and did not get is blocked by a full cap: its pool, the
profile, its region or the total); and unless a regional ceiling binds, the total is the
largest the caps allow (the maximum flow). A pool therefore allocates
``min(quota, demand)`` unless the profile caps cannot serve every pool at once, and
always when no cross cap binds.

``proportional``, when no cross cap binds, is one largest-remainder apportionment per
pool: every share is its exact quota rounded down or up (quota property), and raising
one's own declared need never lowers one's share (proof in :func:`largest_remainder`).
It does NOT guarantee: house monotonicity (a larger supply can lower a share: the Alabama
paradox of largest remainders); population monotonicity (when several needs change, a
claimant whose need grew can lose a post to one whose need did not); and, once a cross
cap binds, either the quota property or monotonicity in one's own need: freezing follows
the tentative grants, which depend on every need, so a larger need can change which cap
freezes first and cost one post (a few random small rounds in 10,000 in our searches;
an example is pinned in the tests).

``by_priority`` gives, unless a regional ceiling binds, the allocation that is
lexicographically best in tie-break order among those of the largest total: the first
claimant gets as much as any such allocation can give it, then the second, and so on.
Hence moving up in the order (a higher priority score, e.g. from a larger declared need,
which the rule set rewards up to a cap) never lowers one's share: the claimants before
one are then a prefix of those before one earlier, with the same shares, and fewer
fixed shares leave at least as much to take. It does NOT guarantee: any proportionality
(a claimant late in the order may get nothing while earlier ones get all they asked);
house monotonicity when caps cross (more supply in one pool lets an earlier claimant
there take a profile's last post from a later claimant of another pool); and, when a
regional ceiling binds (the ceilings are not part of the flow network), lexicographic
optimality or monotonicity in the order: moves that would overfill a ceiling are
skipped, and the result is then only free of waste.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

MethodName = Literal["proporzionale", "priorita"]
"""The values of the rule set's ``hiring_allocation_method`` parameter."""


Shares = dict[str, tuple[int, ...]]
"""Posts granted to each claimant (by key), profile by profile."""


CapId = str
"""A cap of a round: ``pool:NAME``, ``total``, ``profile:INDEX`` or ``region:CODE``."""


@dataclass(frozen=True, slots=True)
class Claimant:
    """An eligible application as the methods see it."""

    key: str
    """The application id: unique in a round, and the last tie-break."""
    pool: str
    region: str
    need: int
    """Declared need (posts): the weight of the proportional method (at least 1)."""
    requests: tuple[int, ...]
    """Posts requested, by profile."""
    priority: Decimal = Decimal(0)
    submitted_at: dt.datetime = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def __post_init__(self) -> None:
        if self.need < 1:
            raise ValueError(f"claimant {self.key!r}: need must be at least 1")
        if any(request < 0 for request in self.requests):
            raise ValueError(f"claimant {self.key!r}: a request is negative")
        if self.submitted_at.tzinfo is None:
            raise ValueError(f"claimant {self.key!r}: submitted_at needs a time zone")

    @property
    def requested(self) -> int:
        return sum(self.requests)


@dataclass(frozen=True)
class Limits:
    """The caps of a round, in posts. A region absent from ``regions`` has no ceiling."""

    pools: Mapping[str, int]
    profiles: tuple[int, ...]
    regions: Mapping[str, int] = field(default_factory=dict)
    total: int | None = None
    """None: no total beyond the sum of the pools."""

    def __post_init__(self) -> None:
        values = [*self.pools.values(), *self.profiles, *self.regions.values()]
        if self.total is not None:
            values.append(self.total)
        if any(value < 0 for value in values):
            raise ValueError("a cap is negative")
        if not self.profiles:
            raise ValueError("a round has at least one profile")


def tie_break_key(claimant: Claimant) -> tuple[Decimal, dt.datetime, str]:
    """Higher priority score first, then earlier submission, then application id."""
    return (-claimant.priority, claimant.submitted_at.astimezone(dt.UTC), claimant.key)


def ordered(claimants: Sequence[Claimant]) -> list[Claimant]:
    """The claimants in tie-break order; refuses duplicate keys, which would make the
    result depend on which of two same-named claimants came first."""
    keys = [claimant.key for claimant in claimants]
    if len(set(keys)) != len(keys):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"duplicate claimant keys: {', '.join(duplicates)}")
    return sorted(claimants, key=tie_break_key)


def largest_remainder(supply: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Share ``supply`` in proportion to ``weights``, nobody above its cap.

    Hamilton's method with caps: each entry's exact quota is ``min(cap, lambda * weight)``
    with ``lambda`` set so that the quotas add up to ``min(supply, sum(caps))``; every
    entry gets its quota rounded down, and the posts left go one each to the largest
    remainders (equal remainders: the earlier entry, so callers pass entries in tie-break
    order). Exact integer arithmetic: remainders are compared over a common denominator.
    An entry with weight 0 gets nothing.

    Raising one entry's weight never lowers its share. Its quota rises and every other
    quota falls (``lambda`` falls); if its floor is unchanged, each entry that overtakes it
    on remainder must have had its own floor drop, which frees a post for each, so it
    stays among the posts handed out.
    """
    if supply < 0:
        raise ValueError("supply must not be negative")
    if len(weights) != len(caps):
        raise ValueError("one weight per cap")
    caps = [cap if weight > 0 else 0 for weight, cap in zip(weights, caps, strict=True)]
    if any(cap < 0 for cap in caps) or any(weight < 0 for weight in weights):
        raise ValueError("weights and caps must not be negative")
    if sum(caps) <= supply:
        return list(caps)
    # Water-filling: entries whose cap is below their proportional share are capped, in
    # increasing order of cap / weight; the rest share what is left in proportion.
    entries = sorted(
        (index for index, cap in enumerate(caps) if cap > 0),
        key=lambda index: Fraction(caps[index], weights[index]),
    )
    left, weight_left = supply, sum(weights[index] for index in entries)
    capped: set[int] = set()
    for index in entries:
        if caps[index] * weight_left <= left * weights[index]:
            capped.add(index)
            left -= caps[index]
            weight_left -= weights[index]
        else:
            break
    shares = [0] * len(caps)
    remainders: list[tuple[int, int]] = []
    for index in entries:
        if index in capped:
            shares[index] = caps[index]
        else:
            whole, remainder = divmod(left * weights[index], weight_left)
            shares[index] = whole
            remainders.append((-remainder, index))
    remainders.sort()
    for _, index in remainders[: supply - sum(shares)]:
        shares[index] += 1
    return shares


def split_over_profiles(total: int, requests: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Split one claimant's ``total`` posts over its profiles, none above its cap.

    Sainte-Laguë (Webster): posts are handed out one at a time to the profile with the
    largest ``request / (2 * granted + 1)`` among those below their cap (equal values: the
    earlier profile). A divisor method rather than largest remainders because it is
    house-monotone: a claimant granted one post more never loses a post in any profile,
    which keeps profile caps from turning a larger grant into a smaller one.
    """
    split = [0] * len(requests)
    for _ in range(min(total, sum(caps))):
        best = -1
        for index, request in enumerate(requests):
            if split[index] >= caps[index]:
                continue
            # request / (2 * split + 1) > best's, compared without division.
            if best < 0 or request * (2 * split[best] + 1) > requests[best] * (
                2 * split[index] + 1
            ):
                best = index
        split[best] += 1
    return split


def proportional(claimants: Sequence[Claimant], limits: Limits) -> Shares:
    """Proportional to declared need within each pool, by largest remainders; cross caps
    enforced by freezing the most overfilled one and sharing its room again (steps 1-4
    of the module docstring)."""
    problem = _Problem(claimants, limits)
    fixed: dict[tuple[int, int], int] = {}
    frozen: set[int] = set()
    while True:
        tentative = _tentative(problem, fixed)
        over: list[tuple[Fraction, int]] = []
        for k, cap in enumerate(problem.cross):
            if k in frozen:
                continue
            fixed_load = sum(fixed.get(cell, 0) for cell in cap.cells)
            load = sum(tentative.get(cell, 0) for cell in cap.cells)
            if fixed_load + load > cap.limit:
                over.append((Fraction(cap.limit - fixed_load, load), k))
        if not over:
            grant = {**fixed, **tentative}
            _fill_up(
                problem, grant, lambda i, total: (Fraction(total, problem.claimants[i].need), i)
            )
            return problem.shares(grant)
        _, worst = min(over)
        _freeze(problem, worst, fixed, tentative)
        frozen.add(worst)


def by_priority(claimants: Sequence[Claimant], limits: Limits) -> Shares:
    """Serve claimants in tie-break order, each as fully as the caps' room allows, then
    fill up and lift (steps 1-2 of the module docstring)."""
    problem = _Problem(claimants, limits)
    pool_room = dict(limits.pools)
    cross_room = [cap.limit for cap in problem.cross]
    grant: dict[tuple[int, int], int] = {}
    for i, claimant in enumerate(problem.claimants):
        profiles = range(problem.profiles)
        # Per profile: the request, within the profile cap. Whole claimant: its pool, its
        # region's ceiling and the total (the cross caps holding every one of its cells).
        per_profile = [
            min(claimant.requests[p], *(cross_room[k] for k in problem.caps_of[(i, p)]))
            for p in profiles
        ]
        whole = set.intersection(*(set(problem.caps_of[(i, p)]) for p in profiles))
        take = min(sum(per_profile), pool_room[claimant.pool], *(cross_room[k] for k in whole))
        split = split_over_profiles(take, claimant.requests, per_profile)
        for p in profiles:
            grant[(i, p)] = split[p]
            for k in problem.caps_of[(i, p)]:
                cross_room[k] -= split[p]
        pool_room[claimant.pool] -= take
    # Filling up adds posts and lifting reorders them: a lift can free room in a pool
    # that only a fill-up uses (when a regional ceiling binds), so both run until
    # neither changes anything; each round raises the total or the shares in tie-break
    # order, so this ends.
    while True:
        before = dict(grant)
        _fill_up(problem, grant, lambda i, total: i)
        _lift_in_order(problem, grant)
        if {c: n for c, n in grant.items() if n} == {c: n for c, n in before.items() if n}:
            return problem.shares(grant)


METHODS: Mapping[MethodName, Callable[[Sequence[Claimant], Limits], Shares]] = {
    "proporzionale": proportional,
    "priorita": by_priority,
}
"""The rationing methods by the name the rule files use."""


def full_caps(claimants: Sequence[Claimant], limits: Limits, shares: Shares) -> set[CapId]:
    """The caps that ``shares`` fills exactly (see :data:`CapId` for their names)."""
    used_by_pool = dict.fromkeys(limits.pools, 0)
    used_by_region: dict[str, int] = {}
    for claimant in claimants:
        posts = sum(shares[claimant.key])
        used_by_pool[claimant.pool] += posts
        used_by_region[claimant.region] = used_by_region.get(claimant.region, 0) + posts
    full = {f"pool:{pool}" for pool, limit in limits.pools.items() if used_by_pool[pool] >= limit}
    if limits.total is not None and sum(used_by_pool.values()) >= limits.total:
        full.add("total")
    for p, limit in enumerate(limits.profiles):
        if sum(granted[p] for granted in shares.values()) >= limit:
            full.add(f"profile:{p}")
    for region, limit in limits.regions.items():
        if used_by_region.get(region, 0) >= limit:
            full.add(f"region:{region}")
    return full


def bounding_caps(claimant: Claimant, shares: Shares, full: set[CapId]) -> list[CapId]:
    """The full caps that stopped ``claimant`` short of its request (empty if served in
    full): its pool, its region, the profiles it did not get in full, and the total only
    when its pool is not full (a total no larger than the pools' sum fills with them).

    By the no-waste guarantee every claimant short of its request has at least one.
    """
    granted = shares[claimant.key]
    short = [p for p, request in enumerate(claimant.requests) if granted[p] < request]
    if not short:
        return []
    candidates = [f"pool:{claimant.pool}", f"region:{claimant.region}"]
    candidates += [f"profile:{p}" for p in short]
    if f"pool:{claimant.pool}" not in full:
        candidates.append("total")
    return [cap for cap in candidates if cap in full]


Preference = Callable[[int, int], Any]
"""Sort key of a claimant (its index in tie-break order, its current total): the smallest
gains a post first, the largest gives one up first."""


_Step = list[tuple[tuple[int, int], int]]
"""Changes to cells (claimant index, profile), one post each."""


_Node = tuple[str, int | str]
"""A node of the residual network: ("c", claimant), ("p", profile), ("b", pool), ("s", "")
for the source, ("t", "") for the sink."""


@dataclass
class _Cap:
    ident: CapId
    limit: int
    cells: list[tuple[int, int]]


class _Problem:
    """Claimants in tie-break order, cells (claimant index, profile), caps and pools."""

    def __init__(self, claimants: Sequence[Claimant], limits: Limits) -> None:
        self.claimants = ordered(claimants)
        self.limits = limits
        self.profiles = len(limits.profiles)
        for claimant in self.claimants:
            if len(claimant.requests) != self.profiles:
                raise ValueError(
                    f"claimant {claimant.key!r}: {len(claimant.requests)} requests for "
                    f"{self.profiles} profiles"
                )
            if claimant.pool not in limits.pools:
                raise ValueError(f"claimant {claimant.key!r}: unknown pool {claimant.pool!r}")
        self.members: dict[str, list[int]] = {pool: [] for pool in sorted(limits.pools)}
        for index, claimant in enumerate(self.claimants):
            self.members[claimant.pool].append(index)
        everything = [(i, p) for i in range(len(self.claimants)) for p in range(self.profiles)]
        self.cross: list[_Cap] = []
        if limits.total is not None:
            self.cross.append(_Cap("total", limits.total, everything))
        for p, limit in enumerate(limits.profiles):
            self.cross.append(_Cap(f"profile:{p}", limit, [c for c in everything if c[1] == p]))
        for region in sorted(limits.regions):
            cells = [c for c in everything if self.claimants[c[0]].region == region]
            self.cross.append(_Cap(f"region:{region}", limits.regions[region], cells))
        self.profile_cap = [
            next(k for k, cap in enumerate(self.cross) if cap.ident == f"profile:{p}")
            for p in range(self.profiles)
        ]
        # For each cell, the cross caps it belongs to (indexes into self.cross).
        self.caps_of: dict[tuple[int, int], list[int]] = {cell: [] for cell in everything}
        for k, cap in enumerate(self.cross):
            for cell in cap.cells:
                self.caps_of[cell].append(k)

    def request(self, cell: tuple[int, int]) -> int:
        return self.claimants[cell[0]].requests[cell[1]]

    def shares(self, grant: dict[tuple[int, int], int]) -> Shares:
        return {
            claimant.key: tuple(grant.get((i, p), 0) for p in range(self.profiles))
            for i, claimant in enumerate(self.claimants)
        }


def _tentative(problem: _Problem, fixed: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """Step 1: each pool's free supply shared by need, then over each claimant's profiles."""
    grant: dict[tuple[int, int], int] = {}
    for pool, members in problem.members.items():
        supply = problem.limits.pools[pool] - sum(
            fixed.get((i, p), 0) for i in members for p in range(problem.profiles)
        )
        free = [[(i, p) for p in range(problem.profiles) if (i, p) not in fixed] for i in members]
        totals = largest_remainder(
            supply,
            [problem.claimants[i].need for i in members],
            [sum(problem.request(cell) for cell in cells) for cells in free],
        )
        for cells, total in zip(free, totals, strict=True):
            requests = [problem.request(cell) for cell in cells]
            split = split_over_profiles(total, requests, requests)
            grant.update(zip(cells, split, strict=True))
    return grant


def _freeze(
    problem: _Problem,
    frozen: int,
    fixed: dict[tuple[int, int], int],
    tentative: dict[tuple[int, int], int],
) -> None:
    """Step 2: fix the cells of an overfilled cap, sharing its room by declared need
    (never above the tentative grant), without pushing any other cap or pool over."""
    cap = problem.cross[frozen]
    cells = [cell for cell in cap.cells if cell not in fixed]
    room = cap.limit - sum(fixed.get(cell, 0) for cell in cap.cells)
    # Room left in every cap and every pool, counting fixed posts only: the free cells are
    # recomputed on the next pass.
    cross_room = [
        other.limit - sum(fixed.get(cell, 0) for cell in other.cells) for other in problem.cross
    ]
    pool_room = {
        pool: problem.limits.pools[pool]
        - sum(fixed.get((i, p), 0) for i in members for p in range(problem.profiles))
        for pool, members in problem.members.items()
    }
    granted = dict.fromkeys(cells, 0)

    def place(cell: tuple[int, int], wanted: int) -> None:
        posts = min(
            wanted,
            problem.request(cell) - granted[cell],
            pool_room[problem.claimants[cell[0]].pool],
            *(cross_room[k] for k in problem.caps_of[cell]),
        )
        if posts > 0:
            granted[cell] += posts
            for k in problem.caps_of[cell]:
                cross_room[k] -= posts
            pool_room[problem.claimants[cell[0]].pool] -= posts

    targets = largest_remainder(
        room,
        [problem.claimants[cell[0]].need for cell in cells],
        [tentative[cell] for cell in cells],
    )
    for cell, target in zip(cells, targets, strict=True):
        place(cell, target)
    # Posts another cap kept from their target cell go, claimant by claimant in tie-break
    # order, first to cells below their tentative grant, then to any cell below its request.
    for ceiling in (tentative, None):
        for cell in cells:
            left = cross_room[frozen]
            if ceiling is not None:
                left = min(left, ceiling[cell] - granted[cell])
            place(cell, left)
    fixed.update(granted)


def _fill_up(problem: _Problem, grant: dict[tuple[int, int], int], preference: Preference) -> None:
    """Step 4: while a pool has room that its claimants cannot use, move posts so it can.

    A pool may keep room while its claimants ask only for profiles that are full, and a
    profile may keep room that only claimants of full pools ask for. Posts then move along
    a chain: a claimant of the pool with room gains a post in a full profile ``p``; in some
    pool, a holder of a ``p`` post gives it up and a claimant asking for profile ``q``
    gains one, and so on until a profile with room. Where one claimant can do both (swap
    ``p`` for ``q``, its total unchanged) it does; otherwise the holder that gives up is
    the last by ``preference`` and the one that gains the first, inside the same pool. Every
    pool and profile on the chain keeps its total except the first pool and the last
    profile, which gain one post each: the chains are the augmenting paths of the flow
    network pools -> claimants -> profiles, found breadth-first, so when no regional
    ceiling binds the round ends with the largest total the caps allow. Claimants gain
    only in regions with room (a chain that would still overfill a region is dropped and
    that region closed to gains), so with binding ceilings the total is maximal, not
    always the maximum.
    """
    closed: set[str] = set()
    while True:
        chain = _chain(problem, grant, preference, closed)
        if chain is None:
            return
        trial = dict(grant)
        for cell, change in chain:
            trial[cell] = trial.get(cell, 0) + change
        overfilled = _overfilled_region(problem, trial)
        if overfilled is None:
            grant.update(trial)
        else:
            closed.add(overfilled)


def _chain(
    problem: _Problem,
    grant: dict[tuple[int, int], int],
    preference: Preference,
    closed: set[str],
) -> _Step | None:
    claimants = problem.claimants
    profiles = range(problem.profiles)
    load = [0] * len(problem.cross)
    pool_room = dict(problem.limits.pools)
    totals = [0] * len(claimants)
    for (i, p), posts in grant.items():
        totals[i] += posts
        pool_room[claimants[i].pool] -= posts
        for k in problem.caps_of[(i, p)]:
            load[k] += posts
    room = [cap.limit - used for cap, used in zip(problem.cross, load, strict=True)]
    if any(room[k] <= 0 for k, cap in enumerate(problem.cross) if cap.ident == "total"):
        return None

    def key(i: int) -> Any:
        return preference(i, totals[i])

    def can_gain(i: int, p: int) -> bool:
        return grant.get((i, p), 0) < claimants[i].requests[p]

    def region_open(i: int) -> bool:
        region = claimants[i].region
        return region not in closed and all(
            room[k] > 0
            for k in problem.caps_of[(i, 0)]
            if problem.cross[k].ident == f"region:{region}"
        )

    starts: list[tuple[Any, int, int]] = []
    for q in profiles:
        able = [
            i
            for i in range(len(claimants))
            if pool_room[claimants[i].pool] > 0 and can_gain(i, q) and region_open(i)
        ]
        if able:
            gainer = min(able, key=key)
            starts.append((key(gainer), q, gainer))
    starts.sort()
    came_from: dict[int, tuple[int, _Step] | None] = {}
    first: dict[int, int] = {}
    for _, q, gainer in starts:
        came_from[q] = None
        first[q] = gainer
    frontier = [q for _, q, _ in starts]
    while frontier:
        following: list[int] = []
        for p in frontier:
            if room[problem.profile_cap[p]] > 0:
                return _unwind(p, came_from, first)
            for q in profiles:
                if q in came_from:
                    continue
                step = _move(problem, grant, p, q, key, can_gain, region_open)
                if step is not None:
                    came_from[q] = (p, step)
                    following.append(q)
        frontier = following
    return None


def _move(
    problem: _Problem,
    grant: dict[tuple[int, int], int],
    p: int,
    q: int,
    key: Callable[[int], Any],
    can_gain: Callable[[int, int], bool],
    region_open: Callable[[int], bool],
) -> _Step | None:
    """In one pool, a ``p`` post given up and a ``q`` post gained (by one claimant if can)."""
    for members in problem.members.values():
        holders = [j for j in members if grant.get((j, p), 0) > 0]
        if not holders:
            continue
        swappers = [j for j in holders if can_gain(j, q)]
        if swappers:
            return [((swappers[0], p), -1), ((swappers[0], q), 1)]
        gainers = [k for k in members if can_gain(k, q) and region_open(k)]
        if gainers:
            return [((max(holders, key=key), p), -1), ((min(gainers, key=key), q), 1)]
    return None


def _unwind(
    end: int, came_from: dict[int, tuple[int, _Step] | None], first: dict[int, int]
) -> _Step:
    chain: _Step = []
    profile = end
    while (link := came_from[profile]) is not None:
        profile, step = link
        chain.extend(step)
    chain.append(((first[profile], profile), 1))
    return chain


def _overfilled_region(problem: _Problem, grant: dict[tuple[int, int], int]) -> str | None:
    used: dict[str, int] = {}
    for (i, _), posts in grant.items():
        region = problem.claimants[i].region
        used[region] = used.get(region, 0) + posts
    for region, limit in sorted(problem.limits.regions.items()):
        if used.get(region, 0) > limit:
            return region
    return None


def _lift_in_order(problem: _Problem, grant: dict[tuple[int, int], int]) -> None:
    """Step 5 of ``by_priority``: give each claimant, in tie-break order, every post it
    can get without lowering the round's total or the share of anyone before it.

    Serving claimants one by one and then filling up (step 4) may leave an earlier claimant
    short of a post that a later one holds, or that a chain could free. Here each claimant
    ``i`` in turn looks for a cycle in the residual flow network (source -> pools ->
    claimants -> profiles -> sink) through its own pool edge that avoids the pool edges of
    every claimant before it: applying it gives ``i`` one post more, takes one from some
    later claimant (or from a pool with room) and leaves the total and all earlier shares
    as they were. When no cycle is left, ``i``'s share is the largest that any maximum
    allocation with the same earlier shares gives it; so the result is the
    lexicographically best allocation in tie-break order among those of largest total.
    A cycle that would overfill a regional ceiling (not part of the network) is not applied.
    """
    residual = _Residual(problem, grant)
    for i, claimant in enumerate(problem.claimants):
        while residual.totals[i] < claimant.requested:
            cycle = residual.cycle_through(i)
            if cycle is None or not residual.regions_hold(cycle):
                break
            residual.apply(cycle)


class _Residual:
    """The residual flow network of a grant (source -> pools -> claimants -> profiles ->
    sink), kept up to date as cycles are applied to the grant."""

    def __init__(self, problem: _Problem, grant: dict[tuple[int, int], int]) -> None:
        self.problem = problem
        self.grant = grant
        self.i = 0
        claimants = problem.claimants
        self.totals = [0] * len(claimants)
        self.pool_load = dict.fromkeys(problem.limits.pools, 0)
        self.profile_load = [0] * problem.profiles
        self.region_load: dict[str, int] = {}
        self.holders: list[list[int]] = [[] for _ in range(problem.profiles)]
        for (j, p), posts in sorted(grant.items()):
            if posts > 0:
                self._count(j, p, posts)

    def _count(self, j: int, p: int, posts: int) -> None:
        claimant = self.problem.claimants[j]
        self.totals[j] += posts
        self.pool_load[claimant.pool] += posts
        self.profile_load[p] += posts
        self.region_load[claimant.region] = self.region_load.get(claimant.region, 0) + posts
        holds = self.grant.get((j, p), 0) > 0
        position = bisect.bisect_left(self.holders[p], j)
        listed = position < len(self.holders[p]) and self.holders[p][position] == j
        if holds and not listed:
            self.holders[p].insert(position, j)
        elif listed and not holds:
            del self.holders[p][position]

    def apply(self, changes: _Step) -> None:
        for (j, p), change in changes:
            self.grant[(j, p)] = self.grant.get((j, p), 0) + change
            self._count(j, p, change)

    def regions_hold(self, changes: _Step) -> bool:
        """Whether ``changes`` keep every region within its ceiling (the network does not
        model the ceilings)."""
        load = dict(self.region_load)
        for (j, _), change in changes:
            region = self.problem.claimants[j].region
            load[region] = load.get(region, 0) + change
        ceilings = self.problem.limits.regions
        return all(load.get(region, 0) <= limit for region, limit in ceilings.items())

    def cycle_through(self, i: int) -> _Step | None:
        """Cell changes of a cycle raising claimant ``i``'s share by one, through the pool
        edges of no claimant before ``i`` (so their shares stay as they are)."""
        self.i = i
        problem = self.problem
        home = problem.claimants[i].pool
        if self.pool_load[home] >= problem.limits.pools[home] and not any(
            self.totals[j] > 0 for j in problem.members[home] if j > i
        ):
            return None  # its pool is full and nobody after it there holds a post
        start: _Node = ("c", i)
        target: _Node = ("b", home)
        came_from: dict[_Node, _Node | None] = {start: None}
        frontier = [start]
        while frontier and target not in came_from:
            following: list[_Node] = []
            for node in frontier:
                for neighbour in self._neighbours(node):
                    if neighbour not in came_from:
                        came_from[neighbour] = node
                        following.append(neighbour)
            frontier = following
        if target not in came_from:
            return None
        path = [target]
        while (previous := came_from[path[-1]]) is not None:
            path.append(previous)
        path.reverse()
        changes: _Step = []
        for here, there in itertools.pairwise(path):
            if here[0] == "c" and there[0] == "p":
                changes.append(((int(here[1]), int(there[1])), 1))
            elif here[0] == "p" and there[0] == "c":
                changes.append(((int(there[1]), int(here[1])), -1))
        return changes

    def _neighbours(self, node: _Node) -> list[_Node]:
        problem, kind = self.problem, node[0]
        claimants, limits, profiles = problem.claimants, problem.limits, range(problem.profiles)
        found: list[_Node]
        if kind == "c":
            j = int(node[1])
            found = [
                ("p", q) for q in profiles if self.grant.get((j, q), 0) < claimants[j].requests[q]
            ]
            if j > self.i and self.totals[j] > 0:
                found.append(("b", claimants[j].pool))  # a later claimant gives a post up
        elif kind == "p":
            q = int(node[1])
            found = [("c", j) for j in self.holders[q]]
            if self.profile_load[q] < limits.profiles[q]:
                found.append(("t", ""))
        elif kind == "b":
            pool = str(node[1])
            found = [("c", j) for j in problem.members[pool] if j > self.i]
            if self.pool_load[pool] > 0:
                found.append(("s", ""))
        elif kind == "s":
            found = [
                ("b", pool) for pool, load in self.pool_load.items() if load < limits.pools[pool]
            ]
        else:  # the sink: back along a profile that sends posts to it
            found = [("p", q) for q in profiles if self.profile_load[q] > 0]
        return found
