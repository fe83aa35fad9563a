"""The bench's larger allocation round: copies that all take part, the same allocation at 1x."""

from __future__ import annotations

import pytest

from capcoe_rules import Engine
from capcoe_rules.allocation import allocate_round
from capcoe_rules.batch.allocation_bench import compare_allocation, identity_by_id, scaled
from capcoe_rules.language.sources import read_sources
from capcoe_rules.population import national_round_applications
from conftest import RULES


@pytest.fixture(scope="module")
def sample() -> list[dict[str, object]]:
    """An even spread of the national round: every 25th application."""
    return list(national_round_applications())[::25]


@pytest.fixture(scope="module")
def by_id() -> Engine:
    return Engine.from_sources(identity_by_id(read_sources(RULES).texts))


def test_identity_by_id_allocates_the_national_round_as_the_bundled_rules(
    engine: Engine, by_id: Engine, sample: list[dict[str, object]]
) -> None:
    for method in ("decreto_2024", "priorita"):
        bundled = allocate_round(engine, sample, method=method)
        copy = allocate_round(by_id, sample, method=method)
        assert copy.shares == bundled.shares and copy.excluded == bundled.excluded
        assert copy.totals == bundled.totals and copy.totals.eligible > 0
    assert by_id.ruleset.content_hash != engine.ruleset.content_hash


def test_every_copy_of_the_scaled_round_takes_part(
    by_id: Engine, sample: list[dict[str, object]]
) -> None:
    once = allocate_round(by_id, sample, method="proporzionale")
    thrice = allocate_round(by_id, scaled(sample, 3), method="proporzionale")

    assert thrice.totals.applications == 3 * once.totals.applications
    assert thrice.totals.eligible == 3 * once.totals.eligible
    assert thrice.totals.demand == 3 * once.totals.demand
    assert not thrice.invalid
    ids = {share.id for share in thrice.shares}
    assert {f"{share.id}-x2" for share in once.shares} <= ids
    assert {share.id for share in once.shares} <= ids


def test_the_bundled_identity_leaves_every_copy_out(
    engine: Engine, sample: list[dict[str, object]]
) -> None:
    """Why the bench needs the copy of the rules: the copies are the same bodies."""
    result = allocate_round(engine, scaled(sample, 2), method="priorita")

    assert result.totals.eligible == 0
    assert {entry.cause for entry in result.excluded} >= {"same_body"}


def test_compare_allocation_times_each_method_at_both_scales(
    sample: list[dict[str, object]],
) -> None:
    scaling = compare_allocation(
        read_sources(RULES).texts, sample, scale=2, rounds=2, methods=["priorita"]
    )

    assert set(scaling.timed.timings) == {"priorita@1", "priorita@2"}
    assert all(len(timing.cpu) == 2 for timing in scaling.timed.timings.values())
    assert scaling.applications == len(sample)
    assert scaling.allocated["priorita@2"] >= scaling.allocated["priorita@1"] > 0
    # The national contender holds its round twice in a row: its figure is the mean.
    national = scaling.timed.timings["priorita@1"].median_cpu / 2
    assert scaling.national("priorita") == pytest.approx(national)
    larger = scaling.timed.timings["priorita@2"].median_cpu
    assert scaling.larger("priorita") == pytest.approx(larger)
    assert scaling.ratio("priorita") == pytest.approx(larger / national)


def test_compare_allocation_refuses_rules_without_a_round_and_a_scale_below_two() -> None:
    sources = read_sources(RULES).texts
    with pytest.raises(ValueError, match="at least 2"):
        compare_allocation(sources, [], scale=1)
    without = {name: text for name, text in sources.items() if "allocation:" not in text}
    with pytest.raises(ValueError, match="no rule file declares an allocation round"):
        identity_by_id(without)
