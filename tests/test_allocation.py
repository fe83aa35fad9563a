"""The allocation round: rationing methods, their laws, the round with the engine, reports,
the command and the national round.

The laws are checked with hypothesis on the pure methods (fast, thousands of rounds) and,
for those that involve the engine (eligibility, priority scores, parameters), on rounds
of real applications. What a method does NOT guarantee is pinned by an example, so that
the documentation cannot drift from the behaviour.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import shutil
from collections import deque
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RULES, make_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.allocation import (
    METHODS,
    PROFILES,
    AllocationResult,
    Claimant,
    Limits,
    RoundError,
    Shares,
    allocate_round,
    by_priority,
    largest_remainder,
    proportional,
    split_over_profiles,
    write_csv,
    write_json,
)
from capcoe_rules.allocation.methods import bounding_caps, full_caps
from capcoe_rules.allocation.report import CSV_COLUMNS
from capcoe_rules.allocation.simulation import national_round_applications, simulated_applications
from capcoe_rules.cli import app
from capcoe_rules.testing.strategies import allocation_rounds

Method = Callable[[Sequence[Claimant], Limits], Shares]
BOTH = pytest.mark.parametrize(
    "method", [proportional, by_priority], ids=["proporzionale", "priorita"]
)
LAWS = settings(max_examples=300, deadline=None)

# -- strategies: small rounds that make every cap bind often --------------------------------

POOLS = ("a", "b", "c")
REGIONS = ("r1", "r2", "r3")
DAYS = [dt.datetime(2024, 1, day, 12, tzinfo=dt.UTC) for day in (1, 2, 3)]


@st.composite
def claimant_lists(draw: st.DrawFn, profiles: int = 3) -> list[Claimant]:
    count = draw(st.integers(1, 8))
    claimants = []
    for index in range(count):
        requests = draw(st.lists(st.integers(0, 6), min_size=profiles, max_size=profiles))
        if not any(requests):
            requests[draw(st.integers(0, profiles - 1))] = 1
        claimants.append(
            Claimant(
                key=f"k{index}",
                pool=draw(st.sampled_from(POOLS)),
                region=draw(st.sampled_from(REGIONS)),
                need=sum(requests) + draw(st.integers(0, 6)),
                requests=tuple(requests),
                priority=Decimal(draw(st.integers(0, 3))),  # ties are frequent on purpose
                submitted_at=draw(st.sampled_from(DAYS)),
            )
        )
    return claimants


@st.composite
def limit_sets(draw: st.DrawFn, profiles: int = 3, regions: bool = True) -> Limits:
    return Limits(
        pools={pool: draw(st.integers(0, 25)) for pool in POOLS},
        profiles=tuple(draw(st.integers(0, 20)) for _ in range(profiles)),
        regions=(
            {region: draw(st.integers(0, 30)) for region in draw(st.sets(st.sampled_from(REGIONS)))}
            if regions
            else {}
        ),
        total=draw(st.none() | st.integers(0, 60)),
    )


def loose(limits: Limits) -> Limits:
    """The same pools, with cross caps that cannot bind."""
    return Limits(pools=limits.pools, profiles=tuple(1000 for _ in limits.profiles))


def totals(shares: Shares) -> dict[str, int]:
    return {key: sum(granted) for key, granted in shares.items()}


def max_flow(claimants: Sequence[Claimant], limits: Limits) -> int:
    """Most posts any allocation can give (no regional ceilings): Edmonds-Karp on
    source -> total -> pools -> claimants -> profiles -> sink. Independent of the methods."""
    big = 10**6
    capacity: dict[tuple[Any, Any], int] = {}
    edges: dict[Any, list[Any]] = {}

    def edge(start: Any, end: Any, amount: int) -> None:
        capacity[(start, end)] = capacity.get((start, end), 0) + amount
        capacity.setdefault((end, start), 0)
        edges.setdefault(start, []).append(end)
        edges.setdefault(end, []).append(start)

    edge("source", "total", big if limits.total is None else limits.total)
    for pool, cap in limits.pools.items():
        edge("total", ("pool", pool), cap)
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


def assert_within_caps(claimants: Sequence[Claimant], limits: Limits, shares: Shares) -> None:
    for claimant in claimants:
        granted = shares[claimant.key]
        assert all(0 <= got <= asked for got, asked in zip(granted, claimant.requests, strict=True))
    for pool, cap in limits.pools.items():
        assert sum(sum(shares[c.key]) for c in claimants if c.pool == pool) <= cap
    for profile, cap in enumerate(limits.profiles):
        assert sum(granted[profile] for granted in shares.values()) <= cap
    for region, cap in limits.regions.items():
        assert sum(sum(shares[c.key]) for c in claimants if c.region == region) <= cap
    if limits.total is not None:
        assert sum(totals(shares).values()) <= limits.total


# -- largest remainders and the profile split ------------------------------------------------


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
    """Documented, NOT guaranteed: the first need grows (10 -> 11), the second stays, a
    third grows more; the first loses a post to the second."""
    assert largest_remainder(2, [10, 3, 1], [9, 9, 9]) == [2, 0, 0]
    assert largest_remainder(2, [11, 3, 3], [9, 9, 9]) == [1, 1, 0]


@given(
    st.integers(0, 40),
    st.lists(st.tuples(st.integers(1, 12), st.integers(0, 12)), min_size=1, max_size=7),
    st.data(),
)
@LAWS
def test_largest_remainder_quota_property_and_own_weight_monotonicity(
    supply: int, entries: list[tuple[int, int]], data: st.DataObject
) -> None:
    weights = [weight for weight, _ in entries]
    caps = [cap for _, cap in entries]
    shares = largest_remainder(supply, weights, caps)
    assert sum(shares) == min(supply, sum(caps))
    for share, quota in zip(shares, exact_quotas(supply, weights, caps), strict=True):
        assert (
            quota.numerator // quota.denominator
            <= share
            <= -(-quota.numerator // quota.denominator)
        )
    index = data.draw(st.integers(0, len(weights) - 1))
    heavier = list(weights)
    heavier[index] += data.draw(st.integers(1, 10))
    assert largest_remainder(supply, heavier, caps)[index] >= shares[index]


def exact_quotas(supply: int, weights: list[int], caps: list[int]) -> list[Fraction]:
    """min(cap, lambda * weight) adding up to min(supply, sum(caps)), by plain iteration."""
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


@given(st.lists(st.integers(0, 8), min_size=1, max_size=6), st.integers(0, 40))
@LAWS
def test_profile_split_is_house_monotone(requests: list[int], total: int) -> None:
    smaller = split_over_profiles(total, requests, requests)
    larger = split_over_profiles(total + 1, requests, requests)
    assert sum(smaller) == min(total, sum(requests))
    assert all(a <= b <= request for a, b, request in zip(smaller, larger, requests, strict=True))


# -- laws of both methods ---------------------------------------------------------------------


@BOTH
@given(claimant_lists(), limit_sets())
@LAWS
def test_no_cap_is_exceeded_and_nobody_gets_more_than_asked(
    method: Method, claimants: list[Claimant], limits: Limits
) -> None:
    assert_within_caps(claimants, limits, method(claimants, limits))


@BOTH
@given(claimant_lists(), limit_sets())
@LAWS
def test_nothing_is_wasted(method: Method, claimants: list[Claimant], limits: Limits) -> None:
    """Every post asked for and not granted is blocked by a full cap, which the report names."""
    shares = method(claimants, limits)
    full = full_caps(claimants, limits, shares)
    for claimant in claimants:
        if sum(shares[claimant.key]) < claimant.requested:
            assert bounding_caps(claimant, shares, full), claimant.key
        else:
            assert bounding_caps(claimant, shares, full) == []


@BOTH
@given(claimant_lists(), limit_sets(regions=False))
@LAWS
def test_without_regional_ceilings_the_total_is_the_largest_the_caps_allow(
    method: Method, claimants: list[Claimant], limits: Limits
) -> None:
    assert sum(totals(method(claimants, limits)).values()) == max_flow(claimants, limits)


@BOTH
@given(claimant_lists(), limit_sets())
@LAWS
def test_each_pool_allocates_min_of_supply_and_eligible_demand(
    method: Method, claimants: list[Claimant], limits: Limits
) -> None:
    """With cross caps that cannot bind, exactly; with binding ones, see the no-waste law."""
    limits = loose(limits)
    shares = method(claimants, limits)
    for pool, supply in limits.pools.items():
        members = [c for c in claimants if c.pool == pool]
        demand = sum(c.requested for c in members)
        assert sum(sum(shares[c.key]) for c in members) == min(supply, demand)


@BOTH
@given(claimant_lists(), limit_sets(), st.randoms(use_true_random=False))
@LAWS
def test_shuffling_the_input_changes_nothing(
    method: Method, claimants: list[Claimant], limits: Limits, random: Any
) -> None:
    shuffled = list(claimants)
    random.shuffle(shuffled)
    assert method(shuffled, limits) == method(claimants, limits)


@BOTH
@given(claimant_lists(), limit_sets())
@LAWS
def test_the_same_round_twice_gives_the_same_result(
    method: Method, claimants: list[Claimant], limits: Limits
) -> None:
    assert method(list(claimants), limits) == method(list(claimants), limits)


def test_both_methods_refuse_duplicate_keys() -> None:
    twice = [Claimant("same", "a", "r1", 2, (1,)), Claimant("same", "a", "r1", 3, (1,))]
    for method in METHODS.values():
        with pytest.raises(ValueError, match="duplicate claimant keys: same"):
            method(twice, Limits(pools={"a": 5}, profiles=(5,)))


# -- proportional: what it guarantees, and what it does not -------------------------------------


@given(claimant_lists(), limit_sets(), st.data())
@LAWS
def test_proportional_raising_own_need_never_lowers_own_share_when_no_cross_cap_binds(
    claimants: list[Claimant], limits: Limits, data: st.DataObject
) -> None:
    limits = loose(limits)
    index = data.draw(st.integers(0, len(claimants) - 1))
    raised = list(claimants)
    raised[index] = dataclasses.replace(
        claimants[index], need=claimants[index].need + data.draw(st.integers(1, 20))
    )
    key = claimants[index].key
    assert sum(proportional(raised, limits)[key]) >= sum(proportional(claimants, limits)[key])


@given(claimant_lists(), limit_sets())
@LAWS
def test_proportional_gives_each_its_quota_rounded_when_no_cross_cap_binds(
    claimants: list[Claimant], limits: Limits
) -> None:
    limits = loose(limits)
    shares = proportional(claimants, limits)
    for pool, supply in limits.pools.items():
        members = sorted((c for c in claimants if c.pool == pool), key=lambda c: c.key)
        quotas = exact_quotas(supply, [c.need for c in members], [c.requested for c in members])
        for claimant, quota in zip(members, quotas, strict=True):
            share = sum(shares[claimant.key])
            assert (
                quota.numerator // quota.denominator
                <= share
                <= -(-quota.numerator // quota.denominator)
            )


def test_proportional_own_need_monotonicity_can_fail_once_a_profile_cap_binds() -> None:
    """Documented, NOT guaranteed. With need 6, k2's tentative grant overfills the
    technical cap (2), which freezes it and leaves k1 (who asks only for it) out: k2 gets
    5. With need 7, the largest remainder already leaves k1 out, no cap freezes, and k2
    gets its plain quota, 4."""
    limits = Limits(pools={"b": 6}, profiles=(2, 5))
    claimants = [
        Claimant("k0", "b", "r", 3, (0, 2)),
        Claimant("k1", "b", "r", 1, (1, 0)),
        Claimant("k2", "b", "r", 6, (3, 3)),
    ]
    assert proportional(claimants, limits)["k2"] == (2, 3)
    claimants[2] = dataclasses.replace(claimants[2], need=7)
    assert proportional(claimants, limits)["k2"] == (2, 2)


def test_proportional_shares_by_need_within_each_pool() -> None:
    limits = Limits(pools={"a": 10, "b": 3}, profiles=(100,))
    claimants = [
        Claimant("big", "a", "r1", 30, (20,)),
        Claimant("small", "a", "r1", 10, (20,)),
        Claimant("capped", "a", "r1", 60, (1,)),
        Claimant("alone", "b", "r2", 1, (9,)),
    ]
    # "capped" gets its 1; the other 9 go 3:1 -> 6.75 and 2.25 -> 7 and 2.
    assert totals(proportional(claimants, limits)) == {
        "big": 7,
        "small": 2,
        "capped": 1,
        "alone": 3,
    }


def test_fill_up_moves_posts_so_that_a_pool_blocked_by_full_profiles_still_fills() -> None:
    """Pool b asks only for profile 0; pool a asks for both. Shares by pool alone would
    give pool a's posts in profile 0 first and leave pool b empty; a swap frees them."""
    limits = Limits(pools={"a": 2, "b": 2}, profiles=(2, 2))
    claimants = [Claimant("a1", "a", "r", 4, (2, 2)), Claimant("b1", "b", "r", 2, (2, 0))]
    for method in METHODS.values():
        shares = method(claimants, limits)
        assert shares == {"a1": (0, 2), "b1": (2, 0)}


# -- priority: lexicographically best among the largest allocations -------------------------------


@given(claimant_lists(), limit_sets(regions=False), st.data())
@LAWS
def test_priority_moving_up_never_lowers_own_share_without_regional_ceilings(
    claimants: list[Claimant], limits: Limits, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(claimants) - 1))
    raised = list(claimants)
    raised[index] = dataclasses.replace(
        claimants[index], priority=claimants[index].priority + data.draw(st.integers(1, 4))
    )
    key = claimants[index].key
    assert sum(by_priority(raised, limits)[key]) >= sum(by_priority(claimants, limits)[key])


@given(claimant_lists(profiles=2).filter(lambda c: len(c) <= 3), limit_sets(2, regions=False))
@settings(max_examples=150, deadline=None)
def test_priority_is_lexicographically_best_among_the_largest_allocations(
    claimants: list[Claimant], limits: Limits
) -> None:
    claimants = [
        dataclasses.replace(c, requests=tuple(min(r, 3) for r in c.requests)) for c in claimants
    ]
    claimants = [c for c in claimants if c.requested] or [Claimant("k", "a", "r1", 1, (1, 0))]
    order = sorted(claimants, key=lambda c: (-c.priority, c.submitted_at, c.key))
    best: tuple[int, tuple[int, ...]] | None = None
    for grant in feasible_grants(order, limits):
        score = (sum(grant), tuple(grant))
        best = score if best is None or score > best else best
    shares = by_priority(claimants, limits)
    assert best is not None
    assert tuple(sum(shares[c.key]) for c in order) == best[1]


def feasible_grants(order: list[Claimant], limits: Limits) -> list[list[int]]:
    """Every vector of claimant totals some allocation within the caps gives (brute force)."""
    cells = [(i, p) for i in range(len(order)) for p in range(len(limits.profiles))]
    found: set[tuple[int, ...]] = set()

    def walk(position: int, grant: dict[tuple[int, int], int]) -> None:
        if position == len(cells):
            per = [
                sum(grant[(i, p)] for p in range(len(limits.profiles))) for i in range(len(order))
            ]
            pools_ok = all(
                sum(per[i] for i, c in enumerate(order) if c.pool == pool) <= cap
                for pool, cap in limits.pools.items()
            )
            profiles_ok = all(
                sum(grant[(i, p)] for i in range(len(order))) <= cap
                for p, cap in enumerate(limits.profiles)
            )
            total_ok = limits.total is None or sum(per) <= limits.total
            if pools_ok and profiles_ok and total_ok:
                found.add(tuple(per))
            return
        i, p = cells[position]
        for posts in range(order[i].requests[p] + 1):
            grant[(i, p)] = posts
            walk(position + 1, grant)

    walk(0, {})
    return [list(vector) for vector in found]


def test_priority_serves_in_tie_break_order() -> None:
    limits = Limits(pools={"a": 5}, profiles=(10,))
    when = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    claimants = [
        Claimant("late", "a", "r", 5, (3,), Decimal(9), when + dt.timedelta(hours=1)),
        Claimant("z-first", "a", "r", 5, (3,), Decimal(9), when),
        Claimant("a-same-time", "a", "r", 5, (3,), Decimal(9), when),
        Claimant("top", "a", "r", 5, (1,), Decimal(10), when + dt.timedelta(days=9)),
    ]
    # Higher score first; then earlier submission; then id.
    assert totals(by_priority(claimants, limits)) == {
        "top": 1,
        "a-same-time": 3,
        "z-first": 1,
        "late": 0,
    }


def test_priority_is_not_house_monotone_when_caps_cross() -> None:
    """Documented, NOT guaranteed: a post more in pool a lets its claimant, first in the
    order, take the only post of profile 0, which pool b's claimant had."""
    claimants = [
        Claimant("first", "a", "r", 1, (1,), Decimal(2)),
        Claimant("second", "b", "r", 1, (1,), Decimal(1)),
    ]
    assert by_priority(claimants, Limits(pools={"a": 0, "b": 1}, profiles=(1,)))["second"] == (1,)
    assert by_priority(claimants, Limits(pools={"a": 1, "b": 1}, profiles=(1,)))["second"] == (0,)


# -- the round, with the engine and the rule set's parameters ------------------------------------

SMALL_CAPS: dict[str, Any] = {
    "hiring_cap_total": 20,
    "hiring_cap_comuni_unioni": 10,
    "hiring_cap_regioni": 4,
    "hiring_cap_province": 3,
    "hiring_cap_citta_metropolitane": 2,
    "hiring_cap_dipartimento": 1,
    "hiring_cap_profilo_tecnico": 8,
    "hiring_cap_profilo_economico_statistico": 5,
    "hiring_cap_profilo_informatico_digitale": 3,
    "hiring_cap_profilo_giuridico_amministrativo": 1,
    "hiring_cap_profilo_ecologico_ambientale": 1,
    "hiring_cap_profilo_culturale": 1,
    "hiring_cap_regione_sicilia": 6,
}


def rules_with(directory: Path, **values: Any) -> Path:
    """A copy of the bundled rule set with some hiring parameters changed: a number for a
    single value, a list of ``{from, to, value}`` for dated ones."""
    shutil.copytree(RULES, directory)
    path = directory / "assunzioni" / "contingenti.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, value in values.items():
        dated = (
            value if isinstance(value, list) else [{"from": dt.date(2021, 1, 1), "value": value}]
        )
        document["parameters"][name]["values"] = dated
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    return directory


@pytest.fixture(scope="module")
def small_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.from_path(rules_with(tmp_path_factory.mktemp("small") / "rules", **SMALL_CAPS))


def hiring(
    identifier: str,
    code: str = "063049",
    body_type: str = "comune",
    need: int | None = None,
    when: str = "2023-12-04T10:15:00+01:00",
    **hires: int,
) -> dict[str, Any]:
    """An eligible hiring application (by default of the Comune di Napoli)."""
    hires = hires or {"tecnico": 2, "economico_statistico": 1}
    role = (
        "sindaco"
        if body_type in ("comune", "unione_di_comuni", "citta_metropolitana")
        else ("legale_rappresentante")
    )
    return make_application(
        id=identifier,
        applicant__name=f"Ente {identifier}",
        applicant__body_type=body_type,
        applicant__istat_code=code,
        submitter__role=role,
        submitted_at=when,
        hires=hires,
        needs_analysis__declared_need_posts=need if need is not None else sum(hires.values()) + 2,
    )


QUOTA = {
    "comune": 10,
    "unione_di_comuni": 10,
    "regione": 4,
    "provincia": 3,
    "citta_metropolitana": 2,
}
LD_COMUNI = ("063049", "082053", "072006", "092009", "080068", "076063", "070006", "061022")


@st.composite
def round_inputs(draw: st.DrawFn) -> list[dict[str, Any]]:
    bodies = [
        *(("comune", code) for code in LD_COMUNI),
        ("unione_di_comuni", "082053"),
        ("regione", "15"),
        ("regione", "19"),
        ("provincia", "061"),
        ("citta_metropolitana", "063"),
    ]
    count = draw(st.integers(1, 10))
    applications = []
    for index in range(count):
        body_type, code = draw(st.sampled_from(bodies))
        hires = {
            profile: draw(st.integers(0, 3))
            for profile in draw(st.sets(st.sampled_from(PROFILES[:4]), min_size=1))
        }
        if not any(hires.values()):
            hires[next(iter(hires))] = 1
        while sum(hires.values()) > QUOTA[body_type]:  # within the quota: eligible
            largest = max(hires, key=lambda profile: hires[profile])
            hires[largest] -= 1
        total = sum(hires.values())
        applications.append(
            hiring(
                f"A-{index:02d}",
                code,
                body_type,
                need=total + draw(st.integers(0, 40)),
                when=f"2023-12-{draw(st.integers(1, 20)):02d}T{draw(st.integers(10, 18))}:00+01:00",
                **hires,
            )
        )
    return applications


def test_only_eligible_applications_take_part_and_the_rest_say_why(small_engine: Engine) -> None:
    late = hiring("LATE", when="2024-02-15T09:00:00+01:00")
    training = make_application(id="TRAINING", area="formazione")
    northern = hiring("MILANO", code="015146")
    broken = hiring("BROKEN")
    del broken["submitter"]
    cases = [hiring("OK-1"), hiring("OK-2", code="082053"), late, training, northern, broken]
    result = allocate_round(small_engine, cases)
    assert {share.id for share in result.shares} == {"OK-1", "OK-2"}
    excluded = {entry.id: entry for entry in result.excluded}
    assert excluded["LATE"].cause == "not_eligible" and "ASS-FINESTRA" in excluded["LATE"].reasons
    assert (
        excluded["MILANO"].cause == "not_eligible" and "ASS-REGIONI" in excluded["MILANO"].reasons
    )
    assert excluded["TRAINING"].cause == "not_hiring" and excluded["TRAINING"].reasons == []
    assert [entry.source for entry in result.invalid] == ["#6"]
    assert "submitter: Field required" in result.invalid[0].problems
    assert result.totals.applications == 6
    assert (result.totals.eligible, result.totals.excluded, result.totals.invalid) == (2, 3, 1)


def test_an_id_used_twice_makes_every_copy_invalid(small_engine: Engine) -> None:
    result = allocate_round(
        small_engine, [hiring("TWICE"), hiring("OTHER"), hiring("TWICE", code="082053")]
    )
    assert [share.id for share in result.shares] == ["OTHER"]
    assert [(entry.source, entry.problems) for entry in result.invalid] == [
        ("#1", ["id: 'TWICE' is used again in #3"]),
        ("#3", ["id: 'TWICE' is used again in #1"]),
    ]


def test_the_round_reads_caps_and_method_as_of_its_date(tmp_path: Path) -> None:
    rules = rules_with(
        tmp_path / "rules",
        **{
            **SMALL_CAPS,
            "hiring_cap_comuni_unioni": [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 1, 31), "value": 10},
                {"from": dt.date(2024, 2, 1), "value": 6},
            ],
            "hiring_allocation_method": [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 1, 31), "value": "proporzionale"},
                {"from": dt.date(2024, 2, 1), "value": "priorita"},
            ],
        },
    )
    engine = Engine.from_path(rules)
    cases = [
        hiring(f"C-{n}", code, tecnico=3, economico_statistico=2)
        for n, code in enumerate(LD_COMUNI[:4])
    ]
    before = allocate_round(engine, cases, as_of=dt.date(2024, 1, 15))
    after = allocate_round(engine, cases, as_of=dt.date(2024, 3, 1))
    assert (before.method, before.pools[0].cap, before.pools[0].allocated) == (
        "proporzionale",
        10,
        10,
    )
    assert (after.method, after.pools[0].cap, after.pools[0].allocated) == ("priorita", 6, 6)
    assert after.parameters["hiring_cap_comuni_unioni"] == 6
    assert allocate_round(
        engine, cases, as_of=dt.date(2024, 3, 1), method="proporzionale"
    ).method == ("proporzionale")
    # By default, the latest submission day.
    assert allocate_round(engine, cases).as_of == dt.date(2023, 12, 4)


def test_a_round_that_cannot_be_held_says_why(small_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(RoundError, match="no valid application"):
        allocate_round(small_engine, [])
    with pytest.raises(RoundError, match="outside the period"):
        allocate_round(small_engine, [hiring("A")], as_of=dt.date(2031, 1, 1))
    with pytest.raises(RoundError, match="unknown allocation method 'sorteggio'"):
        allocate_round(
            Engine.from_path(rules_with(tmp_path / "r", hiring_allocation_method="sorteggio")),
            [hiring("A")],
        )
    # An empty round with a date is a round: nobody takes part, every post stays open.
    empty = allocate_round(small_engine, [], as_of=dt.date(2024, 1, 30))
    assert (empty.totals.allocated, empty.totals.unallocated) == (0, 19)


def test_the_report_explains_each_share_and_every_cap(small_engine: Engine) -> None:
    cases = [
        hiring("NAPOLI", tecnico=3, economico_statistico=3),
        hiring("PALERMO", code="082053", need=40, tecnico=4, economico_statistico=2),
        hiring("BARI", code="072006", tecnico=3, giuridico_amministrativo=1),
        hiring("CAMPANIA", code="15", body_type="regione", tecnico=2, economico_statistico=2),
        hiring("CASERTA", code="061", body_type="provincia", informatico_digitale=3),
    ]
    result = allocate_round(small_engine, cases, method="proporzionale")
    assert result.excluded == []
    totals_ = result.totals
    assert (totals_.supply, totals_.reserved, totals_.open_supply) == (20, 1, 19)
    assert totals_.demand == sum(share.requested_total for share in result.shares) == 23
    assert totals_.allocated + totals_.unmet == totals_.demand
    pools = {use.name: use for use in result.pools}
    assert pools["comuni_unioni"].cap == 10 and pools["comuni_unioni"].allocated == 10
    assert pools["comuni_unioni"].parameter == "hiring_cap_comuni_unioni"
    assert pools["dipartimento"].reserved == 1 and pools["dipartimento"].demand == 0
    assert {use.name for use in result.profiles} == set(PROFILES)
    assert sum(use.allocated for use in result.profiles) == totals_.allocated
    sicily = next(use for use in result.regions if use.name == "19")
    assert (sicily.label, sicily.cap, sicily.provenance) == ("Sicilia", 6, "source")
    campania = next(use for use in result.regions if use.name == "15")
    assert campania.provenance == "assumption"
    assert sum(use.allocated for use in result.body_types) == totals_.allocated
    giuridico = next(use for use in result.profiles if use.name == "giuridico_amministrativo")
    assert giuridico.cap == 1 and giuridico.full
    for share in result.shares:
        assert share.allocated_total == sum(share.allocated.values())
        assert share.unmet == share.requested_total - share.allocated_total
        assert bool(share.bounded_by) == (share.unmet > 0)
        assert all(name.startswith("hiring_cap_") for name in share.bounded_by)
    assert [share.rank for share in result.shares] == list(range(1, len(result.shares) + 1))
    scores = [(-s.priority_score, s.submitted_at, s.id) for s in result.shares]
    assert scores == sorted(scores)


@given(round_inputs(), st.randoms(use_true_random=False), st.sampled_from(sorted(METHODS)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_round_ignores_input_order_and_gives_the_same_bytes_twice(
    small_engine: Engine, cases: list[dict[str, Any]], random: Any, method: Any
) -> None:
    first = allocate_round(small_engine, cases, method=method).to_json()
    shuffled = list(cases)
    random.shuffle(shuffled)
    assert allocate_round(small_engine, shuffled, method=method).to_json() == first
    assert allocate_round(small_engine, cases, method=method).to_json() == first


@given(round_inputs(), st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_raising_declared_need_never_lowers_ones_share_in_a_priority_round(
    small_engine: Engine, cases: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Through the engine: a larger need raises the priority score (up to the rule set's
    cap on need points), which moves the applicant up. Sicily's ceiling (6 here) can bind:
    the law holds when it does not, as documented."""
    index = data.draw(st.integers(0, len(cases) - 1))
    raised = [dict(case) for case in cases]
    need = dict(raised[index]["needs_analysis"])
    need["declared_need_posts"] += data.draw(st.integers(1, 30))
    raised[index]["needs_analysis"] = need
    before = allocate_round(small_engine, cases, method="priorita")
    after = allocate_round(small_engine, raised, method="priorita")
    sicily = next(use for use in before.regions if use.name == "19")
    if sicily.full or next(use for use in after.regions if use.name == "19").full:
        return
    key = cases[index]["id"]
    share = {s.id: s.allocated_total for s in before.shares}
    assert key in share  # every generated application is eligible
    assert {s.id: s.allocated_total for s in after.shares}[key] >= share[key]


@given(round_inputs(), st.sampled_from(sorted(METHODS)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_round_never_exceeds_a_cap_of_the_rule_set(
    small_engine: Engine, cases: list[dict[str, Any]], method: Any
) -> None:
    result = allocate_round(small_engine, cases, method=method)
    for use in [*result.pools, *result.profiles, *result.regions]:
        assert use.cap is None or use.allocated <= use.cap
        assert use.allocated <= use.demand
    assert result.totals.allocated <= result.totals.open_supply
    for share in result.shares:
        assert all(share.allocated[p] <= share.requested[p] for p in PROFILES)


# -- writing the result -------------------------------------------------------------------------


def test_json_and_csv_outputs_hold_the_whole_round(small_engine: Engine, tmp_path: Path) -> None:
    cases = [
        hiring("NAPOLI", tecnico=6, economico_statistico=4),
        hiring("PALERMO", code="082053", tecnico=4),
        make_application(id="T", area="formazione"),
    ]
    result = allocate_round(small_engine, cases)
    write_json(result, tmp_path / "out" / "round.json")
    write_csv(result, tmp_path / "round.csv")
    assert (
        AllocationResult.model_validate_json((tmp_path / "out" / "round.json").read_text())
        == result
    )
    rows = list(csv.DictReader(io.StringIO((tmp_path / "round.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(row["id"], row["status"]) for row in rows] == [
        ("NAPOLI", "allocated"),
        ("PALERMO", "allocated"),
        ("T", "not_hiring"),
    ]
    # Needs 12 and 6 share the Comuni quota of 10: quotas 6.67 and 3.33.
    assert [row["allocated_total"] for row in rows] == ["7", "3", ""]
    assert rows[1]["bounded_by"].startswith("hiring_cap_comuni_unioni")
    assert rows[1]["requested_tecnico"] == "4" and rows[2]["reasons"] == ""
    assert sorted(os.listdir(tmp_path)) == ["out", "round.csv"]  # no temporary file left


def test_a_failed_write_leaves_the_previous_file_whole(
    small_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "round.json"
    target.write_text("previous", encoding="utf-8")

    def refuse(source: Any, destination: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_json(allocate_round(small_engine, [hiring("A")]), target)
    assert target.read_text(encoding="utf-8") == "previous"
    assert os.listdir(tmp_path) == ["round.json"]


# -- the command --------------------------------------------------------------------------------

runner = CliRunner()


def test_allocate_writes_the_result_and_prints_a_summary(tmp_path: Path) -> None:
    rules = rules_with(tmp_path / "rules", **SMALL_CAPS)
    source = tmp_path / "round.jsonl"
    cases = [hiring("NAPOLI", tecnico=6, economico_statistico=4), hiring("PALERMO", code="082053")]
    source.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "allocate",
            str(source),
            "--out",
            str(tmp_path / "r.json"),
            "--csv",
            str(tmp_path / "r.csv"),
            "--rules",
            str(rules),
            "--method",
            "priorita",
            "--as-of",
            "2024-01-30",
        ],
    )
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written["method"] == "priorita" and written["as_of"] == "2024-01-30"
    assert "Comuni e Unioni di comuni" in result.output and "[ipotesi]" in result.output
    assert "posti assegnati" in result.output
    assert (tmp_path / "r.csv").exists()


def test_allocate_reports_bad_lines_with_their_number_and_goes_on(tmp_path: Path) -> None:
    rules = rules_with(tmp_path / "rules", **SMALL_CAPS)
    source = tmp_path / "round.jsonl"
    broken = hiring("BROKEN")
    broken["hires"] = {"tecnico": -1}
    lines = [json.dumps(hiring("GOOD")), "{not json", "", "[1, 2]", json.dumps(broken)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["allocate", str(source), "--out", str(tmp_path / "r.json"), "--rules", str(rules)]
    )
    assert result.exit_code == 1
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [share["id"] for share in written["shares"]] == ["GOOD"]
    assert [entry["source"] for entry in written["invalid"]] == [
        f"{source}:2",
        f"{source}:4",
        f"{source}:5",
    ]
    assert f"{source}:2: not valid JSON" in result.output
    assert f"{source}:5: hires.tecnico" in result.output


def test_allocate_unreadable_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["allocate", str(tmp_path / "nowhere.jsonl"), "--out", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "r.json").exists()
    (tmp_path / "latin1.jsonl").write_bytes('{"id": "caf\xe9"}\n'.encode("latin-1"))
    result = runner.invoke(
        app, ["allocate", str(tmp_path / "latin1.jsonl"), "--out", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2 and "not UTF-8" in result.output


# -- the national round ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def national() -> list[dict[str, Any]]:
    return list(national_round_applications())


def test_the_simulated_bodies_are_eligible_and_bring_demand_to_about_6000(
    engine: Engine, national: list[dict[str, Any]]
) -> None:
    simulated = list(simulated_applications())
    assert simulated == list(simulated_applications())  # deterministic
    assert all(engine.evaluate(case).outcome == "eligible" for case in simulated)
    regions = [case for case in simulated if case["applicant"]["body_type"] == "regione"]
    assert len(regions) == 7
    assert 400 <= sum(sum(case["hires"].values()) for case in regions) <= 500  # "about 450"
    assert len(national) == 7896 + len(simulated)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_the_national_round_allocates_all_2200_posts_within_every_cap(
    engine: Engine, national: list[dict[str, Any]], method: Any
) -> None:
    result = allocate_round(engine, national, method=method)
    totals_ = result.totals
    assert 5500 <= totals_.demand <= 6500
    assert totals_.allocated == 2129 and totals_.reserved == 71
    assert totals_.allocated + totals_.reserved == totals_.supply == 2200
    for use in [*result.pools, *result.profiles]:
        assert use.full
        assert use.cap == (use.reserved or use.allocated)
    sicily = next(use for use in result.regions if use.name == "19")
    assert sicily.allocated <= 623
    assert totals_.invalid == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(allocation_rounds(max_size=25))
def test_generated_rounds_respect_every_cap_of_the_bundled_rules(
    engine: Engine, applications: list[dict[str, Any]]
) -> None:
    result = allocate_round(engine, applications)
    caps = engine.ruleset.parameters_on(result.as_of)
    by_profile: dict[str, int] = {}
    for share in result.shares:
        asked = next(case for case in applications if case["id"] == share.id)
        for profile, posts in share.allocated.items():
            assert posts <= asked["hires"].get(profile, 0)
            by_profile[profile] = by_profile.get(profile, 0) + posts
    for profile, posts in by_profile.items():
        assert posts <= caps[f"hiring_cap_profilo_{profile}"]
    assert sum(by_profile.values()) <= caps["hiring_cap_total"]

