"""Strategies for ISTAT territorial codes, drawn from ISTAT's real list of comuni.

Every code these strategies give resolves with :func:`capcoe_rules.territory.resolve`;
``region_category`` keeps only places whose region has that category in the rule set's
regions table.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from capcoe_rules.territory import comuni
from capcoe_rules.testing.strategies.facts import BUNDLED, RuleSetFacts

__all__ = ["METROPOLITAN_CITY_PROVINCES", "TerritoryLevel", "istat_codes", "region_codes"]

TerritoryLevel = Literal["comune", "provincia", "regione"]

METROPOLITAN_CITY_PROVINCES = frozenset(
    {
        "001",
        "010",
        "015",
        "027",
        "037",
        "048",
        "058",
        "063",
        "072",
        "080",
        "082",
        "083",
        "087",
        "092",
    }
)
"""ISTAT (historical) province codes of the 14 metropolitan cities: Torino, Genova, Milano,
Venezia, Bologna, Firenze, Roma, Napoli, Bari, Reggio Calabria, Palermo, Messina, Catania,
Cagliari (L. 56/2014; L.R. Sicilia 15/2015; L.R. Sardegna 2/2016)."""


def region_codes(
    region_category: str | None = None, *, facts: RuleSetFacts = BUNDLED
) -> st.SearchStrategy[str]:
    """Two-digit ISTAT codes of the regions of ``region_category`` (any category for None).

    Only regions ISTAT's list holds: the national pseudo-region ``IT`` is never drawn.
    """
    return st.sampled_from(_codes(facts.regions_of(_checked(region_category, facts)), "regione"))


def istat_codes(
    region_category: str | None = None,
    *,
    level: TerritoryLevel | None = None,
    metropolitan: bool | None = None,
    facts: RuleSetFacts = BUNDLED,
) -> st.SearchStrategy[str]:
    """ISTAT codes of comuni (6 digits), provinces (3) or regions (2) that resolve.

    ``level`` picks one kind of code (any kind for None). For provinces, ``metropolitan``
    keeps only metropolitan cities (True) or only the other provinces (False).
    """
    regions = facts.regions_of(_checked(region_category, facts))
    levels: tuple[TerritoryLevel, ...] = (
        ("comune", "provincia", "regione") if level is None else (level,)
    )
    pools = [_codes(regions, each, metropolitan) for each in levels]
    pools = [pool for pool in pools if pool]
    if not pools:
        raise InvalidArgument(
            f"no {level or 'place'}{' (metropolitan city)' if metropolitan else ''} "
            f"in regions of category {region_category!r}"
        )
    return st.one_of([st.sampled_from(pool) for pool in pools])


def _checked(region_category: str | None, facts: RuleSetFacts) -> str | None:
    if region_category is not None and region_category not in facts.categories:
        known = ", ".join(sorted(facts.categories))
        raise InvalidArgument(f"unknown region category {region_category!r} (known: {known})")
    return region_category


@cache
def _codes(
    regions: tuple[str, ...], level: TerritoryLevel, metropolitan: bool | None = None
) -> tuple[str, ...]:
    wanted = set(regions)
    places = [comune for comune in comuni() if comune.region_code in wanted]
    if level == "comune":
        return tuple(comune.istat_code for comune in places)
    if level == "regione":
        return tuple(sorted({comune.region_code for comune in places}))
    provinces = sorted({comune.province_code for comune in places})
    if metropolitan is None:
        return tuple(provinces)
    return tuple(
        code for code in provinces if (code in METROPOLITAN_CITY_PROVINCES) == metropolitan
    )
