"""The pure rationing of an allocation round: its laws, and what it does not guarantee.

The laws are checked with hypothesis on small rounds that make every cap bind often, for
the three kinds of plan the rule files can declare: ``serve`` (rank order), ``share`` by
one criterion, and a ``key`` split then ``share`` by two criteria. Every check is made
against an independent computation (a max-flow, the exact quotas, the caps themselves),
never with the code's own helpers. What a method does NOT guarantee is pinned by an
example, so that the documentation cannot drift from the behaviour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import deque
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from capcoe_rules.allocation import (
    Claimant,
    Limits,
    Plan,
    Rationing,
    largest_remainder,
    ration,
    split_over_profiles,
)
from capcoe_rules.allocation.apportion import integer_weights

pytestmark = pytest.mark.timeout(600)

LAWS = settings(max_examples=300, deadline=None)
POOLS = ("a", "b", "c")
GROUPS = ("g1", "g2", "g3")
DAYS = [dt.datetime(2024, 1, day, 12, tzinfo=dt.UTC) for day in (1, 2, 3)]
SERVE = Plan()
SHARE = Plan(weights=(Fraction(1),))
KEYED = Plan(
    key={"g1": Fraction(5), "g2": Fraction(3), "g3": Fraction(1, 2)},
    weights=(Fraction(2), Fraction(1)),
)
PLANS = pytest.mark.parametrize("plan", [SERVE, SHARE, KEYED], ids=["serve", "share", "keyed"])

# -- strategies ----------------------------------------------------------------------------


@st.composite
def claimant_lists(draw: st.DrawFn, profiles: int = 3, criteria: int = 2) -> list[Claimant]:
    claimants = []
    for index in range(draw(st.integers(1, 9))):
        requests = draw(st.lists(st.integers(0, 6), min_size=profiles, max_size=profiles))
        if not any(requests):
            requests[draw(st.integers(0, profiles - 1))] = 1
        claimants.append(
            Claimant(
                key=f"k{index}",
                pool=draw(st.sampled_from(POOLS)),
                requests=tuple(requests),
                group=draw(st.sampled_from(GROUPS)),
                criteria=tuple(Fraction(draw(st.integers(0, 9))) for _ in range(criteria)),
                rank=Fraction(draw(st.integers(0, 3))),  # ties are frequent on purpose
                submitted_at=draw(st.sampled_from(DAYS)),
            )
        )
    return claimants


@st.composite
def limit_sets(draw: st.DrawFn, profiles: int = 3) -> Limits:
    return Limits(
        pools={pool: draw(st.integers(0, 25)) for pool in POOLS},
        profiles=tuple(draw(st.integers(0, 20)) for _ in range(profiles)),
    )


def fitted(claimants: list[Claimant], plan: Plan) -> list[Claimant]:
    """The claimants with as many criteria as the plan has weights."""
    count = len(plan.weights) if plan.weights is not None else 0
    return [dataclasses.replace(c, criteria=c.criteria[:count]) for c in claimants]


def loose(limits: Limits) -> Limits:
    """The same pools, with profile caps that cannot bind."""
    return Limits(pools=limits.pools, profiles=tuple(1000 for _ in limits.profiles))


def totals(result: Rationing) -> dict[str, int]:
    return {key: sum(granted) for key, granted in result.shares.items()}


def cell_of(claimant: Claimant, plan: Plan) -> tuple[str, str]:
    return (claimant.pool, claimant.group if plan.key is not None else "")


def max_flow(claimants: Sequence[Claimant], limits: Limits) -> int:
    """Most posts any allocation can give: Edmonds-Karp on source -> pools -> claimants ->
    profiles -> sink. Independent of the code under test."""
    big = 10**6
    capacity: dict[tuple[Any, Any], int] = {}
    edges: dict[Any, list[Any]] = {}

    def edge(start: Any, end: Any, amount: int) -> None:
        capacity[(start, end)] = capacity.get((start, end), 0) + amount
        capacity.setdefault((end, start), 0)
        edges.setdefault(start, []).append(end)
        edges.setdefault(end, []).append(start)

    for pool, cap in limits.pools.items():
        edge("source", ("pool", pool), cap)
    for claimant in claimants:
        edge(("pool", claimant.pool), ("claimant", claimant.key), big)
        for profile, request in enumerate(claimant.requests):
            edge(("claimant", claimant.key), ("profile", profile), request)
    for profile, cap in enumerate(limits.profiles):
        edge(("profile", profile), "sink", cap)
    flow = 0
    while True:
        parent: dict[Any, Any] = {"source": None}
        queue = deque(["source"])
        while queue and "sink" not in parent:
            node = queue.popleft()
            for following in edges.get(node, []):
                if following not in parent and capacity[(node, following)] > 0:
                    parent[following] = node
                    queue.append(following)
        if "sink" not in parent:
            return flow
        path, node = [], "sink"
        while parent[node] is not None:
            path.append((parent[node], node))
            node = parent[node]
        pushed = min(capacity[step] for step in path)
        for start, end in path:
            capacity[(start, end)] -= pushed
            capacity[(end, start)] += pushed
        flow += pushed


def exact_quotas(supply: int, weights: list[int], caps: list[int]) -> list[Fraction]:
    """min(cap, lambda * weight) adding up to min(supply, sum(caps)), by plain iteration
    (entries with weight 0 get nothing)."""
    caps = [cap if weight else 0 for cap, weight in zip(caps, weights, strict=True)]
    if sum(caps) <= supply:
        return [Fraction(cap) for cap in caps]
    capped: set[int] = set()
    while True:
        left = supply - sum(caps[i] for i in capped)
        weight = sum(w for i, w in enumerate(weights) if i not in capped)
        newly = {
            i
            for i, w in enumerate(weights)
            if i not in capped and Fraction(left * w, weight) >= caps[i]
        }
        if not newly:
            return [
                Fraction(caps[i]) if i in capped else Fraction(left * w, weight)
                for i, w in enumerate(weights)
            ]
        capped |= newly


def rounded(quota: Fraction) -> tuple[int, int]:
    return quota.numerator // quota.denominator, -(-quota.numerator // quota.denominator)


# -- largest remainders and the profile split ----------------------------------------------


def test_largest_remainder_rounds_exact_quotas_and_breaks_ties_by_position() -> None:
    assert largest_remainder(10, [1, 1, 1], [10, 10, 10]) == [4, 3, 3]
    assert largest_remainder(10, [10, 1], [3, 100]) == [3, 7]  # capped, the rest shared
    assert largest_remainder(5, [0, 2], [9, 9]) == [0, 5]  # no weight, nothing
    assert largest_remainder(50, [1, 2], [3, 4]) == [3, 4]  # demand below supply: all of it
    assert largest_remainder(7, [2, 5], [7, 7]) == [2, 5]


def test_largest_remainder_shows_the_alabama_paradox() -> None:
    """Documented, NOT guaranteed: one more post to share can lower a share."""
    assert largest_remainder(10, [6, 6, 2], [99, 99, 99]) == [4, 4, 2]
    assert largest_remainder(11, [6, 6, 2], [99, 99, 99]) == [5, 5, 1]


def test_largest_remainder_shows_the_population_paradox() -> None:
    """Documented, NOT guaranteed: the first weight grows (10 -> 11), the second stays, a
    third grows more; the first loses a post to the second."""
    assert largest_remainder(2, [10, 3, 1], [9, 9, 9]) == [2, 0, 0]
    assert largest_remainder(2, [11, 3, 3], [9, 9, 9]) == [1, 1, 0]


@given(
    st.integers(0, 40),
    st.lists(st.tuples(st.integers(1, 12), st.integers(0, 12)), min_size=1, max_size=7),
    st.data(),
)
@LAWS
def test_largest_remainder_quota_property_and_own_weight_and_cap_monotonicity(
    supply: int, entries: list[tuple[int, int]], data: st.DataObject
) -> None:
    weights = [weight for weight, _ in entries]
    caps = [cap for _, cap in entries]
    shares = largest_remainder(supply, weights, caps)
    assert sum(shares) == min(supply, sum(caps))
    for share, quota in zip(shares, exact_quotas(supply, weights, caps), strict=True):
        low, high = rounded(quota)
        assert low <= share <= high
    index = data.draw(st.integers(0, len(weights) - 1))
    heavier = list(weights)
    heavier[index] += data.draw(st.integers(1, 10))
    assert largest_remainder(supply, heavier, caps)[index] >= shares[index]
    larger = list(caps)
    larger[index] += data.draw(st.integers(1, 10))
    assert largest_remainder(supply, weights, larger)[index] >= shares[index]


@given(st.lists(st.integers(0, 8), min_size=1, max_size=6), st.integers(0, 40))
@LAWS
def test_profile_split_is_house_monotone(requests: list[int], total: int) -> None:
    smaller = split_over_profiles(total, requests)
    larger = split_over_profiles(total + 1, requests)
    assert sum(smaller) == min(total, sum(requests))
    assert all(a <= b <= request for a, b, request in zip(smaller, larger, requests, strict=True))


def test_profile_split_is_sainte_lague_not_dhondt() -> None:
    """Two posts for a request of 5 and 2: Sainte-Laguë (divisors 1, 3, 5) gives one each,
    D'Hondt (1, 2, 3) would give both to the first profile."""
    assert split_over_profiles(2, [5, 2]) == [1, 1]
    assert split_over_profiles(3, [5, 2]) == [2, 1]
    assert split_over_profiles(2, [2, 2]) == [1, 1]  # equal: the earlier profile first


def test_scores_weigh_each_criterion_by_its_weight_and_one_nobody_has_equally() -> None:
    """Criteria weighted 1 and 1: the first split 1:3, the second nobody has (it counts
    the same for both): scores 1/4 + 1/2 and 3/4 + 1/2, in integers 3:5."""
    values = [(Fraction(1), Fraction(0)), (Fraction(3), Fraction(0))]
    assert integer_weights(values, (Fraction(1), Fraction(1))) == [3, 5]
    assert integer_weights(values, (Fraction(1, 2), Fraction(0))) == [1, 3]
    claimants = [Claimant(f"k{n}", "a", (9,), criteria=row) for n, row in enumerate(values)]
    scores = ration(
        claimants, Limits(pools={"a": 8}, profiles=(9,)), Plan(weights=(Fraction(1), Fraction(1)))
    ).scores
    assert scores == {"k0": Decimal("0.75"), "k1": Decimal("1.25")}


# -- laws of every plan ---------------------------------------------------------------------


@PLANS
@given(claimant_lists(), limit_sets())
@LAWS
def test_no_cap_is_exceeded_and_nobody_gets_more_than_asked(
    plan: Plan, claimants: list[Claimant], limits: Limits
) -> None:
    claimants = fitted(claimants, plan)
    shares = ration(claimants, limits, plan).shares
    for claimant in claimants:
        granted = shares[claimant.key]
        assert all(0 <= got <= asked for got, asked in zip(granted, claimant.requests, strict=True))
    for pool, cap in limits.pools.items():
        assert sum(sum(shares[c.key]) for c in claimants if c.pool == pool) <= cap
    for profile, cap in enumerate(limits.profiles):
        assert sum(granted[profile] for granted in shares.values()) <= cap


@PLANS
@given(claimant_lists(), limit_sets())
@LAWS
def test_nothing_is_wasted(plan: Plan, claimants: list[Claimant], limits: Limits) -> None:
    """A claimant short of its request is in a pool that is full (with a key: and its
    group holds at least its posts), or every profile it is short in is full. Checked
    with the caps themselves, not with the code's idea of what is full."""
    claimants = fitted(claimants, plan)
    result = ration(claimants, limits, plan)
    shares = result.shares
    profile_load = [sum(granted[p] for granted in shares.values()) for p in range(3)]
    pool_load = dict.fromkeys(limits.pools, 0)
    cell_load: dict[tuple[str, str], int] = {}
    for claimant in claimants:
        pool_load[claimant.pool] += sum(shares[claimant.key])
        cell = cell_of(claimant, plan)
        cell_load[cell] = cell_load.get(cell, 0) + sum(shares[claimant.key])
    posts = {(cell.pool, cell.group): cell.posts for cell in result.cells}
    for claimant in claimants:
        granted = shares[claimant.key]
        short = [p for p in range(3) if granted[p] < claimant.requests[p]]
        if not short:
            continue
        profiles_full = all(profile_load[p] >= limits.profiles[p] for p in short)
        pool_full = pool_load[claimant.pool] >= limits.pools[claimant.pool]
        if plan.key is not None:
            pool_full = (
                pool_full and cell_load[cell_of(claimant, plan)] >= posts[cell_of(claimant, plan)]
            )
        assert pool_full or profiles_full, claimant.key


@pytest.mark.parametrize("plan", [SERVE, SHARE], ids=["serve", "share"])
@given(claimant_lists(), limit_sets())
@LAWS
def test_without_a_key_the_total_is_the_largest_the_caps_allow(
    plan: Plan, claimants: list[Claimant], limits: Limits
) -> None:
    claimants = fitted(claimants, plan)
    assert sum(totals(ration(claimants, limits, plan)).values()) == max_flow(claimants, limits)


@PLANS
@given(claimant_lists(), limit_sets(), st.randoms(use_true_random=False))
@LAWS
def test_shuffling_the_input_changes_nothing(
    plan: Plan, claimants: list[Claimant], limits: Limits, random: Any
) -> None:
    claimants = fitted(claimants, plan)
    shuffled = list(claimants)
    random.shuffle(shuffled)
    assert ration(shuffled, limits, plan) == ration(claimants, limits, plan)
    assert ration(list(claimants), limits, plan) == ration(claimants, limits, plan)


def test_every_plan_refuses_duplicate_keys() -> None:
    twice = [Claimant("same", "a", (1,), criteria=(Fraction(1),)), Claimant("same", "a", (2,))]
    for plan in (SERVE, SHARE):
        with pytest.raises(ValueError, match="duplicate claimant keys: same"):
            ration(twice, Limits(pools={"a": 5}, profiles=(5,)), plan)


@PLANS
@given(claimant_lists(), limit_sets(), st.data())
@LAWS
def test_a_larger_request_never_lowers_ones_own_share_within_its_cell(
    plan: Plan, claimants: list[Claimant], limits: Limits, data: st.DataObject
) -> None:
    """Whenever the profile step moves no post between claimants (it names those it
    does): then each total is the step 3 share, which a larger request never lowers."""
    claimants = fitted(claimants, plan)
    index = data.draw(st.integers(0, len(claimants) - 1))
    profile = data.draw(st.integers(0, 2))
    raised = list(claimants)
    requests = list(claimants[index].requests)
    requests[profile] += data.draw(st.integers(1, 5))
    raised[index] = dataclasses.replace(claimants[index], requests=tuple(requests))
    before, after = ration(claimants, limits, plan), ration(raised, limits, plan)
    assume(not before.adjusted and not after.adjusted)
    key = claimants[index].key
    assert totals(after)[key] >= totals(before)[key]


@given(claimant_lists(), limit_sets(), st.data())
@LAWS
def test_share_a_larger_score_never_lowers_ones_own_share(
    claimants: list[Claimant], limits: Limits, data: st.DataObject
) -> None:
    claimants = fitted(claimants, KEYED)
    index = data.draw(st.integers(0, len(claimants) - 1))
    criterion = data.draw(st.integers(0, 1))
    raised = list(claimants)
    values = list(claimants[index].criteria)
    values[criterion] += data.draw(st.integers(1, 20))
    raised[index] = dataclasses.replace(claimants[index], criteria=tuple(values))
    before, after = ration(claimants, limits, KEYED), ration(raised, limits, KEYED)
    assume(not before.adjusted and not after.adjusted)
    key = claimants[index].key
    assert totals(after)[key] >= totals(before)[key]


@given(claimant_lists(), limit_sets(), st.data())
@LAWS
def test_serve_moving_up_never_lowers_ones_own_share(
    claimants: list[Claimant], limits: Limits, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(claimants) - 1))
    raised = list(claimants)
    raised[index] = dataclasses.replace(
        claimants[index], rank=claimants[index].rank + data.draw(st.integers(1, 4))
    )
    before, after = ration(claimants, limits, SERVE), ration(raised, limits, SERVE)
    assume(not before.adjusted and not after.adjusted)
    key = claimants[index].key
    assert totals(after)[key] >= totals(before)[key]


@given(claimant_lists(), limit_sets())
@LAWS
def test_share_gives_each_its_quota_rounded_when_no_profile_cap_binds(
    claimants: list[Claimant], limits: Limits
) -> None:
    claimants = fitted(claimants, SHARE)
    limits = loose(limits)
    result = ration(claimants, limits, SHARE)
    assert not result.adjusted
    for pool, supply in limits.pools.items():
        members = [c for c in claimants if c.pool == pool]
        weights = [int(c.criteria[0]) for c in members]
        if not any(weights):
            continue  # nobody has a score: served in rank order (see the next test)
        quotas = exact_quotas(supply, weights, [c.requested for c in members])
        left = min(supply, sum(c.requested for c in members)) - sum(
            rounded(q)[1] if w else 0 for q, w in zip(quotas, weights, strict=True)
        )
        for claimant, quota, weight in zip(members, quotas, weights, strict=True):
            share = sum(result.shares[claimant.key])
            low, high = rounded(quota)
            if weight:
                assert low <= share <= high
            elif left <= 0:
                assert share == 0


def test_posts_that_scored_claimants_cannot_use_go_to_those_without_a_score() -> None:
    claimants = [
        Claimant("scored", "a", (2,), criteria=(Fraction(5),)),
        Claimant("none-late", "a", (5,), criteria=(Fraction(0),), rank=Fraction(0)),
        Claimant("none-first", "a", (5,), criteria=(Fraction(0),), rank=Fraction(1)),
    ]
    shares = ration(claimants, Limits(pools={"a": 9}, profiles=(20,)), SHARE).shares
    assert shares == {"scored": (2,), "none-first": (5,), "none-late": (2,)}


# -- the key step ---------------------------------------------------------------------------


@given(claimant_lists(), limit_sets())
@LAWS
def test_a_key_splits_each_pool_by_its_weights_capped_at_each_groups_request(
    claimants: list[Claimant], limits: Limits
) -> None:
    """Each group's posts are its exact key quota (capped at its request, the excess
    split again by the key) rounded down or up; when the profile step moves no post,
    each group holds exactly its posts."""
    claimants = fitted(claimants, KEYED)
    result = ration(claimants, limits, KEYED)
    assert KEYED.key is not None
    weights = [int(KEYED.key[group] * 2) for group in GROUPS]
    for pool, supply in limits.pools.items():
        demand = [
            sum(c.requested for c in claimants if c.pool == pool and c.group == g) for g in GROUPS
        ]
        quotas = exact_quotas(supply, weights, demand)
        cells = {cell.group: cell for cell in result.cells if cell.pool == pool}
        for group, quota in zip(GROUPS, quotas, strict=True):
            low, high = rounded(quota)
            assert low <= cells[group].posts <= high
            assert cells[group].key_share == Fraction(supply * KEYED.key[group], Fraction(17, 2))
            if not result.adjusted:
                assert cells[group].allocated == cells[group].posts


def test_a_groups_excess_goes_to_the_others_by_the_key() -> None:
    """Pool of 10, key 3:1:1; g2 asks for 1 only: g1 and g3 share the 9 left by 3:1."""
    claimants = [
        Claimant("big", "a", (10,), group="g1", criteria=(Fraction(1),)),
        Claimant("small", "a", (1,), group="g2", criteria=(Fraction(1),)),
        Claimant("other", "a", (10,), group="g3", criteria=(Fraction(1),)),
    ]
    plan = Plan(
        key={"g1": Fraction(3), "g2": Fraction(1), "g3": Fraction(1)}, weights=(Fraction(1),)
    )
    result = ration(claimants, Limits(pools={"a": 10}, profiles=(20,)), plan)
    assert totals(result) == {"big": 7, "small": 1, "other": 2}
    cells = {cell.group: (cell.key_share, cell.posts) for cell in result.cells}
    assert cells == {"g1": (Fraction(6), 7), "g2": (Fraction(2), 1), "g3": (Fraction(2), 2)}


def test_posts_a_group_cannot_use_for_full_profiles_go_to_another_group() -> None:
    """g1's only claimant asks for profile 0, whose 2 posts g2's first claimant holds and
    cannot give up (it asks for nothing else): g1's key share goes to g2's other."""
    claimants = [
        Claimant("g1-only", "a", (3, 0), group="g1", criteria=(Fraction(1),)),
        Claimant("g2-zero", "a", (2, 0), group="g2", criteria=(Fraction(9),), rank=Fraction(1)),
        Claimant("g2-one", "a", (0, 5), group="g2", criteria=(Fraction(1),)),
    ]
    plan = Plan(key={"g1": Fraction(1), "g2": Fraction(1)}, weights=(Fraction(1),))
    result = ration(claimants, Limits(pools={"a": 6}, profiles=(2, 4)), plan)
    assert result.shares["g1-only"][0] + result.shares["g2-zero"][0] == 2
    assert sum(totals(result).values()) == 6
    cells = {cell.group: cell for cell in result.cells}
    assert cells["g1"].allocated < cells["g1"].posts  # its bodies could not use them
    assert cells["g2"].allocated > cells["g2"].posts  # it took them
    assert result.adjusted  # named


def test_lost_posts_go_to_the_other_groups_by_sainte_lague_on_the_key() -> None:
    """g2's only body asks for profile 0, which has no post: g2's key share (1 of 2) goes
    to g1 or g3. Sainte-Laguë on the key: g1 1/(2x0+1) = 1, g3 3/(2x1+1) = 1, a tie to
    the first; D'Hondt would give it to g3 (3/2 > 1/1)."""
    claimants = [
        Claimant("k0", "a", (0, 2), group="g1", criteria=(Fraction(1),), rank=Fraction(0)),
        Claimant("k1", "a", (0, 2), group="g3", criteria=(Fraction(1),), rank=Fraction(1)),
        Claimant("k2", "a", (3, 0), group="g2", criteria=(Fraction(1),), rank=Fraction(2)),
    ]
    plan = Plan(
        key={"g1": Fraction(1), "g2": Fraction(4), "g3": Fraction(3)}, weights=(Fraction(1),)
    )
    result = ration(claimants, Limits(pools={"a": 2}, profiles=(0, 4)), plan)
    assert result.shares == {"k2": (0, 0), "k1": (0, 1), "k0": (0, 1)}
    cells = {cell.group: (cell.posts, cell.allocated) for cell in result.cells}
    assert cells == {"g1": (0, 1), "g2": (1, 0), "g3": (1, 1)}


# -- the profile step -----------------------------------------------------------------------


def test_a_pool_blocked_by_full_profiles_still_fills_by_a_swap() -> None:
    """Pool b asks only for profile 0; pool a asks for both. Shares by pool alone would
    give pool a's posts in profile 0 first and leave pool b short; a swap frees them."""
    limits = Limits(pools={"a": 2, "b": 2}, profiles=(2, 2))
    claimants = [
        Claimant("a1", "a", (2, 2), criteria=(Fraction(4),)),
        Claimant("b1", "b", (2, 0), criteria=(Fraction(2),)),
    ]
    for plan in (SERVE, SHARE):
        result = ration(claimants, limits, plan)
        assert result.shares == {"a1": (0, 2), "b1": (2, 0)}
        assert not result.adjusted  # a swap between a1's own profiles: totals kept


def test_swaps_follow_a_chain_of_profiles_to_the_one_with_room() -> None:
    """Profile 0 is overfilled (z and x hold it, one post); x may take profile 1 (full),
    y holds 1 and may take 2 (with room): x moves to 1, y to 2. All keep their totals."""
    claimants = [
        Claimant("z", "b", (1, 0, 0), rank=Fraction(3)),
        Claimant("x", "a", (1, 1, 0), rank=Fraction(2)),
        Claimant("y", "c", (0, 1, 1), rank=Fraction(1)),
    ]
    limits = Limits(pools={"a": 1, "b": 1, "c": 1}, profiles=(1, 1, 1))
    result = ration(claimants, limits, SERVE)
    assert result.shares == {"z": (1, 0, 0), "x": (0, 1, 0), "y": (0, 0, 1)}
    assert not result.adjusted


def test_of_two_bodies_that_can_swap_the_lowest_ranked_does() -> None:
    """x and y both hold the only post of profile 0 and may take profile 1: y, ranked
    below x, moves; x keeps the profile its request put first."""
    claimants = [
        Claimant("x", "a", (1, 1), rank=Fraction(2)),
        Claimant("y", "b", (1, 1), rank=Fraction(1)),
    ]
    result = ration(claimants, Limits(pools={"a": 1, "b": 1}, profiles=(1, 1)), SERVE)
    assert result.shares == {"x": (1, 0), "y": (0, 1)}
    assert not result.adjusted


def test_when_nothing_can_move_the_lowest_ranked_holder_gives_the_post_up() -> None:
    """Three ask only for profile 0, which has 2 posts: the last in rank loses, and the
    round names it."""
    claimants = [
        Claimant("first", "a", (1, 0), rank=Fraction(3)),
        Claimant("second", "a", (1, 0), rank=Fraction(2)),
        Claimant("third", "b", (1, 0), rank=Fraction(1)),
    ]
    for plan in (SERVE, SHARE):
        scored = [
            dataclasses.replace(c, criteria=(Fraction(1),) * (plan == SHARE)) for c in claimants
        ]
        result = ration(scored, Limits(pools={"a": 2, "b": 1}, profiles=(2, 1)), plan)
        assert totals(result) == {"first": 1, "second": 1, "third": 0}
        assert result.adjusted == {"third": -1}


def test_within_a_cell_the_post_moves_to_the_claimant_furthest_below_its_score() -> None:
    """Profile 0 has one post; the cell's two claimants get one post each, both in
    profile 0 (the only one 'low' asks for); 'high' may take profile 1 instead only if
    it asked: it did not, so 'flex', below its score, takes a profile 1 post."""
    claimants = [
        Claimant("low", "a", (1, 0), criteria=(Fraction(1),)),
        Claimant("high", "a", (1, 0), criteria=(Fraction(3),)),
        Claimant("flex", "a", (0, 3), criteria=(Fraction(1),)),
    ]
    result = ration(claimants, Limits(pools={"a": 3}, profiles=(1, 2)), SHARE)
    # Shares by score before the profile step: high 1, low 1, flex 1. Profile 0 holds one
    # of low's and high's posts too many: low (furthest above its score) gives it up and
    # flex (furthest below) takes a profile 1 post.
    assert totals(result) == {"low": 0, "high": 1, "flex": 2}
    assert result.adjusted == {"low": -1, "flex": 1}


def test_a_post_moved_within_a_cell_goes_to_the_one_furthest_below_its_score() -> None:
    """The only post goes to k0 (score 4), which asks only for profile 1, which has none:
    it moves to profile 0, to k1 (score 2, nothing yet) rather than k2 (score 1)."""
    claimants = [
        Claimant("k0", "a", (0, 2), criteria=(Fraction(4),), rank=Fraction(0)),
        Claimant("k1", "a", (1, 1), criteria=(Fraction(2),), rank=Fraction(1)),
        Claimant("k2", "a", (1, 0), criteria=(Fraction(1),), rank=Fraction(2)),
    ]
    result = ration(claimants, Limits(pools={"a": 1}, profiles=(2, 0)), SHARE)
    assert result.shares == {"k2": (0, 0), "k1": (1, 0), "k0": (0, 0)}
    assert result.adjusted == {"k0": -1, "k1": 1}


def test_own_request_monotonicity_can_fail_once_posts_move_between_claimants() -> None:
    """Documented, NOT guaranteed: when the profile step moves posts between claimants
    (``adjusted`` names them), a larger request can cost one a post. k0 asks for one
    post more of profile 0, which has none: Sainte-Laguë puts one of k0's two posts
    there, and the shortest move that clears it takes that post from k0 (to k1, in
    profile 1) rather than swapping it into profile 2 and taking one from k2."""
    limits = Limits(pools={"a": 5}, profiles=(0, 3, 2))

    def claimants(k0: tuple[int, int, int]) -> list[Claimant]:
        return [
            Claimant("k0", "a", k0, criteria=(Fraction(3),), rank=Fraction(0)),
            Claimant("k1", "a", (1, 3, 0), criteria=(Fraction(2),), rank=Fraction(1)),
            Claimant("k2", "a", (1, 0, 2), criteria=(Fraction(1),), rank=Fraction(2)),
        ]

    before = ration(claimants((0, 0, 3)), limits, SHARE)
    after = ration(claimants((1, 0, 3)), limits, SHARE)
    assert before.shares == {"k2": (0, 0, 0), "k1": (0, 3, 0), "k0": (0, 0, 2)}
    assert after.shares == {"k2": (0, 0, 1), "k1": (0, 3, 0), "k0": (0, 0, 1)}
    assert before.adjusted == {"k2": -1, "k1": 1} and after.adjusted == {"k0": -1, "k1": 1}


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: largest_remainder(-1, [1], [1]), "supply must not be negative"),
        (lambda: largest_remainder(1, [1, 1], [1]), "one weight per cap"),
        (lambda: largest_remainder(1, [1], [-1]), "must not be negative"),
        (lambda: largest_remainder(1, [-1], [1]), "must not be negative"),
        (lambda: Claimant("a", "a", (1, -1)), "'a': a request is negative"),
        (lambda: Claimant("a", "a", (1,), criteria=(Fraction(-1),)), "criterion is negative"),
        (lambda: Claimant("a", "a", (1,), submitted_at=dt.datetime(2024, 1, 1)), "time zone"),
        (lambda: Limits({"a": -1}, (1,)), "a cap is negative"),
        (lambda: Limits({"a": 1}, ()), "at least one profile"),
    ],
    ids=["supply", "lengths", "cap", "weight", "request", "criterion", "naive", "limit", "none"],
)
def test_an_impossible_input_is_refused_by_name(make: Any, words: str) -> None:
    """A negative supply, request, cap or weight has no meaning in a round: it is refused,
    never rationed as if it were 0."""
    with pytest.raises(ValueError, match=re.escape(words)):
        make()


def test_a_request_of_exactly_zero_is_accepted() -> None:
    assert Claimant("a", "a", (0, 1)).requests == (0, 1)
