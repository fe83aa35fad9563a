"""Rationing: who gets how many posts, as a pure function of claimants, caps and a plan.

No engine, no rule files, no clock: :func:`ration` receives the eligible *claimants*
(each with its pool, group, criteria, rank and posts requested by profile), the *limits*
(a quota per pool, a cap per profile) and the *plan* (the steps of a method, as the rule
set declares them), and returns the posts granted to each claimant, profile by profile,
with how each cell (a pool, or a pool and a group) was filled.

The steps, in the order the rule files list them
----------------------------------------------
1. ``quotas``: each pool's posts go to its claimants only.
2. ``key`` (optional): each pool's posts are split among the groups by the key's weights
   (:func:`~capcoe_rules.allocation.apportion.largest_remainder`), each group capped at
   its claimants' request, the excess split again by the same key (water-filling). Posts
   a group cannot use because the profiles its claimants asked for are full (step 4) go
   to the pool's other groups, one at a time, by the same key.
3. ``share`` or ``serve``, within each cell: ``share`` gives posts in proportion to each
   claimant's score (the sum over the criteria of weight x the claimant's share of the
   cell's total for that criterion), by largest remainders, nobody above its request;
   ``serve`` serves claimants in full in rank order while the cell has posts. Each
   claimant's posts are then split over its profiles by Sainte-Laguë.
4. ``profiles``: posts move until every profile cap holds (:mod:`.profiles`): swaps
   between profiles a claimant asked for, then moves between claimants of a cell, then,
   when nothing else can, a post left unused.

Rank: higher ``rank`` value first (the order criterion, e.g. the priority score), then
earlier submission (as an instant), then key. It breaks every tie, is the order of
``serve``, and never depends on the input order.

Guarantees (tests in ``tests/test_allocation.py``)
-------------------------------------------------
No cap is exceeded and nobody gets more than it asked, per profile or in total; the
result depends neither on the input order nor on the run; nothing is wasted (a claimant
short of its request is in a cell that holds all its posts, or every profile it is short
in is full); without a key, the total is the largest the caps allow. When step 4 needs
no move between claimants (every overfilled profile is relieved by swaps), each
claimant's total is its step 3 share: then a larger request, or a larger score, never
lowers one's own posts within its cell, and with a key each group's posts are its key
share except where capped (the rounding of largest remainders aside). When step 4 must
move posts between claimants or leave some unused, the claimants concerned are named
(``adjusted``): those laws may then fail for them, as a pinned example shows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from fractions import Fraction

from capcoe_rules.allocation.apportion import (
    exact_shares,
    integer_weights,
    largest_remainder,
    split_over_profiles,
)
from capcoe_rules.allocation.profiles import (
    Resplit,
    meet_profile_caps,
    rank_preference,
    share_preference,
)

Shares = dict[str, tuple[int, ...]]
"""Posts granted to each claimant (by key), profile by profile."""

_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Claimant:
    """An eligible application as the rationing sees it."""

    key: str
    """Unique in a round, and the last tie-break."""
    pool: str
    requests: tuple[int, ...]
    """Posts requested, by profile."""
    group: str = ""
    """The group a ``key`` step splits by (e.g. the region)."""
    criteria: tuple[Fraction, ...] = ()
    """The ``share`` step's criteria, in its order (missing values as 0)."""
    rank: Fraction = Fraction(0)
    """The order criterion: higher first."""
    submitted_at: dt.datetime = _EPOCH

    def __post_init__(self) -> None:
        if any(request < 0 for request in self.requests):
            raise ValueError(f"claimant {self.key!r}: a request is negative")
        if any(value < 0 for value in self.criteria):
            raise ValueError(f"claimant {self.key!r}: a criterion is negative")
        if self.submitted_at.tzinfo is None:
            raise ValueError(f"claimant {self.key!r}: submitted_at needs a time zone")

    @property
    def requested(self) -> int:
        return sum(self.requests)


@dataclass(frozen=True)
class Limits:
    """The caps of a round in posts: a quota per pool (open to claimants), a cap per profile."""

    pools: Mapping[str, int]
    profiles: tuple[int, ...]

    def __post_init__(self) -> None:
        if any(value < 0 for value in (*self.pools.values(), *self.profiles)):
            raise ValueError("a cap is negative")
        if not self.profiles:
            raise ValueError("a round has at least one profile")


@dataclass(frozen=True)
class Plan:
    """A method's steps as the rationing runs them."""

    key: Mapping[str, Fraction] | None = None
    """Group -> weight of the ``key`` step; None: no key step."""
    weights: tuple[Fraction, ...] | None = None
    """The ``share`` step's weights, one per criterion; None: ``serve`` in rank order."""

    def __post_init__(self) -> None:
        if self.key is not None and any(weight < 0 for weight in self.key.values()):
            raise ValueError("a key weight is negative")
        if self.weights is not None and (
            any(weight < 0 for weight in self.weights) or sum(self.weights) <= 0
        ):
            raise ValueError("share weights must not be negative and not all 0")


@dataclass(frozen=True)
class Cell:
    """How one cell (a pool, or a pool and a group) was filled."""

    pool: str
    group: str
    demand: int
    """Posts its claimants requested."""
    key_share: Fraction | None
    """Its share of the pool's posts by the key alone (no cap): None without a key."""
    posts: int
    """Its posts by step 2: the pool's quota, or its key share rounded, capped at its
    demand, the excess split again."""
    allocated: int
    """What its claimants hold after step 4: fewer than ``posts`` when the profiles they
    asked for are full, more when it took posts that other cells of its pool lost so."""


@dataclass(frozen=True)
class Rationing:
    shares: Shares
    cells: tuple[Cell, ...]
    scores: Mapping[str, Decimal] = field(default_factory=dict)
    """Each claimant's ``share`` score within its cell, to 28 significant digits (the
    rationing itself uses the exact scores; those of a cell add up to the
    weights' sum); empty for ``serve``."""
    adjusted: Mapping[str, int] = field(default_factory=dict)
    """Claimants whose total the profile step changed, by how much (negative: lost)."""


def tie_break_key(claimant: Claimant) -> tuple[Fraction, dt.datetime, str]:
    """Higher rank first, then earlier submission, then key."""
    return (-claimant.rank, claimant.submitted_at.astimezone(dt.UTC), claimant.key)


def ordered(claimants: Sequence[Claimant]) -> list[Claimant]:
    """The claimants in rank order; refuses duplicate keys, which would make the result
    depend on which of two same-named claimants came first."""
    keys = [claimant.key for claimant in claimants]
    if len(set(keys)) != len(keys):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"duplicate claimant keys: {', '.join(duplicates)}")
    # The order of tie_break_key, with the ranks over one common denominator: comparing
    # integers, not fractions, is what keeps a large round's sort cheap.
    scale = math.lcm(*(claimant.rank.denominator for claimant in claimants))
    return sorted(
        claimants,
        key=lambda c: (
            -c.rank.numerator * (scale // c.rank.denominator),
            c.submitted_at.astimezone(dt.UTC),
            c.key,
        ),
    )


def ration(claimants: Sequence[Claimant], limits: Limits, plan: Plan) -> Rationing:
    """Steps 1-4 of the module docstring."""
    order = ordered(claimants)
    _check(order, limits, plan)
    cells = _cells(order, limits, plan)
    cell_of = [cells.index_of[(c.pool, c.group if plan.key is not None else "")] for c in order]
    members: list[list[int]] = [[] for _ in cells.names]
    for i, cell in enumerate(cell_of):
        members[cell].append(i)
    demand = [sum(order[i].requested for i in cell) for cell in members]
    scores = _scores(order, members, plan)
    posts = _posts(cells, limits, plan, demand)
    totals = _totals(order, members, scores, posts, plan)
    grant = [split_over_profiles(t, c.requests) for t, c in zip(totals, order, strict=True)]
    preference = rank_preference if plan.weights is None else share_preference(scores.weights)
    meet_profile_caps(
        [c.requests for c in order],
        cell_of,
        len(cells.names),
        limits.profiles,
        grant,
        preference,
        None if plan.key is None else _resplit(cells, limits, plan),
    )
    filled = [sum(sum(grant[i]) for i in cell) for cell in members]
    return Rationing(
        shares={claimant.key: tuple(grant[i]) for i, claimant in enumerate(order)},
        cells=tuple(
            Cell(
                pool=pool,
                group=group,
                demand=demand[c],
                key_share=cells.key_shares[c],
                posts=posts[c],
                allocated=filled[c],
            )
            for c, (pool, group) in enumerate(cells.names)
        ),
        scores={}
        if plan.weights is None
        else {claimant.key: score for claimant, score in zip(order, scores.exact, strict=True)},
        adjusted={
            claimant.key: sum(grant[i]) - totals[i]
            for i, claimant in enumerate(order)
            if sum(grant[i]) != totals[i]
        },
    )


def _resplit(cells: _Cells, limits: Limits, plan: Plan) -> Resplit:
    assert plan.key is not None
    pools = sorted(limits.pools)
    weights = _key_weights(plan.key, sorted(plan.key))
    return Resplit(
        pool_of=[pools.index(pool) for pool, _ in cells.names],
        posts=[limits.pools[pool] for pool in pools],
        weights=[weights[group] for _, group in cells.names],
    )


def _check(order: list[Claimant], limits: Limits, plan: Plan) -> None:
    profiles = len(limits.profiles)
    for claimant in order:
        if len(claimant.requests) != profiles:
            raise ValueError(
                f"claimant {claimant.key!r}: {len(claimant.requests)} requests for "
                f"{profiles} profiles"
            )
        if claimant.pool not in limits.pools:
            raise ValueError(f"claimant {claimant.key!r}: unknown pool {claimant.pool!r}")
        if plan.key is not None and claimant.group not in plan.key:
            raise ValueError(f"claimant {claimant.key!r}: group {claimant.group!r} has no key")
        if plan.weights is not None and len(claimant.criteria) != len(plan.weights):
            raise ValueError(
                f"claimant {claimant.key!r}: {len(claimant.criteria)} criteria for "
                f"{len(plan.weights)} weights"
            )


@dataclass(frozen=True)
class _Cells:
    names: list[tuple[str, str]]
    """(pool, group) of every cell: pools in name order, groups in key order."""
    index_of: dict[tuple[str, str], int]
    key_shares: list[Fraction | None]


def _cells(order: list[Claimant], limits: Limits, plan: Plan) -> _Cells:
    pools = sorted(limits.pools)
    if plan.key is None:
        names = [(pool, "") for pool in pools]
        shares: list[Fraction | None] = [None] * len(names)
    else:
        groups = sorted(plan.key)
        names = [(pool, group) for pool in pools for group in groups]
        weights = _key_weights(plan.key, groups)
        shares = [
            share
            for pool in pools
            for share in exact_shares(limits.pools[pool], [weights[g] for g in groups])
        ]
    return _Cells(names, {name: c for c, name in enumerate(names)}, shares)


def _key_weights(key: Mapping[str, Fraction], groups: list[str]) -> dict[str, int]:
    """The key's weights as integers in the same proportions."""
    scale = math.lcm(*(weight.denominator for weight in key.values()))
    return {group: int(key[group] * scale) for group in groups}


def _posts(cells: _Cells, limits: Limits, plan: Plan, demand: list[int]) -> list[int]:
    """Each cell's posts: its pool's quota, or the pool's quota split by the key."""
    if plan.key is None:
        return [limits.pools[pool] for pool, _ in cells.names]
    groups = sorted(plan.key)
    weights = _key_weights(plan.key, groups)
    posts: list[int] = []
    for pool in sorted(limits.pools):
        indexes = [cells.index_of[(pool, group)] for group in groups]
        posts.extend(
            largest_remainder(
                limits.pools[pool], [weights[g] for g in groups], [demand[c] for c in indexes]
            )
        )
    return posts


@dataclass(frozen=True)
class _Scores:
    weights: list[int]
    """By claimant (rank order): integers in each cell's proportions."""
    exact: list[Decimal]
    """By claimant: the score itself (a cell's add up to the weights' sum), to 28
    significant digits in a fixed context (shown, never used to ration)."""


def _scores(order: list[Claimant], members: list[list[int]], plan: Plan) -> _Scores:
    weights = [0] * len(order)
    exact = [Decimal(0)] * len(order)
    if plan.weights is None:
        return _Scores(weights, exact)
    total = sum(plan.weights)
    context = Context(prec=28)
    for cell in members:
        values = [order[i].criteria for i in cell]
        integers = integer_weights(values, plan.weights)
        scale = sum(integers) * total.denominator
        for i, weight in zip(cell, integers, strict=True):
            weights[i] = weight
            exact[i] = (
                context.divide(Decimal(weight * total.numerator), Decimal(scale))
                if scale
                else Decimal(0)
            )
    return _Scores(weights, exact)


def _totals(
    order: list[Claimant],
    members: list[list[int]],
    scores: _Scores,
    posts: list[int],
    plan: Plan,
) -> list[int]:
    """Step 3: each claimant's posts within its cell."""
    totals = [0] * len(order)
    for cell, indexes in enumerate(members):
        asked = [order[i].requested for i in indexes]
        if plan.weights is None:
            left = posts[cell]
            for i, request in zip(indexes, asked, strict=True):
                totals[i] = min(request, left)
                left -= totals[i]
        else:
            shares = largest_remainder(posts[cell], [scores.weights[i] for i in indexes], asked)
            # Posts that every claimant with a score cannot use go, in rank order, to
            # those with none (a score of 0 on every criterion): nothing is wasted.
            left = posts[cell] - sum(shares)
            for i, share, request in zip(indexes, shares, asked, strict=True):
                extra = min(request - share, left) if left > 0 else 0
                totals[i] = share + extra
                left -= extra
    return totals
