"""ISTAT territorial codes: resolve a comune, province or region code to its region.

The data is ISTAT's list of comuni (see ``derive.py``). Resolution is strict: an unknown
code raises :class:`UnknownTerritoryCodeError`, never a silent default, because a wrong region
would silently change a decision.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from capcoe_rules.errors import UnknownTerritoryCodeError

TerritoryLevel = Literal["comune", "provincia", "regione"]


@dataclass(frozen=True, slots=True)
class Comune:
    istat_code: str
    name: str
    province_code: str
    province_name: str
    uts_code: str
    region_code: str
    region_name: str
    nuts2: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where an ISTAT code lies. ``nuts2`` is None only for Trentino-Alto Adige as a whole."""

    code: str
    level: TerritoryLevel
    name: str
    region_code: str
    nuts2: str | None


@cache
def comuni() -> tuple[Comune, ...]:
    """Every comune in ISTAT's list, sorted by ISTAT code."""
    text = (resources.files(__package__) / "comuni.csv").read_text(encoding="utf-8")
    return tuple(Comune(**row) for row in csv.DictReader(text.splitlines()))


@cache
def _index() -> dict[str, Place]:
    places: dict[str, Place] = {}
    provinces: dict[str, list[Comune]] = {}
    regions: dict[str, list[Comune]] = {}
    for comune in comuni():
        places[comune.istat_code] = Place(
            comune.istat_code, "comune", comune.name, comune.region_code, comune.nuts2
        )
        provinces.setdefault(comune.province_code, []).append(comune)
        regions.setdefault(comune.region_code, []).append(comune)
    for code, members in provinces.items():
        places[code] = _aggregate(code, "provincia", members[0].province_name, members)
        metropolitan = members[0].uts_code
        if metropolitan != code:  # a metropolitan city's own code names the same territory
            name = f"Città metropolitana di {members[0].province_name}"
            places[metropolitan] = _aggregate(metropolitan, "provincia", name, members)
    for code, members in regions.items():
        places[code] = _aggregate(code, "regione", members[0].region_name, members)
    return places


def _aggregate(code: str, level: TerritoryLevel, name: str, members: list[Comune]) -> Place:
    nuts2 = {member.nuts2 for member in members}
    return Place(
        code, level, name, members[0].region_code, nuts2.pop() if len(nuts2) == 1 else None
    )


def resolve(code: str) -> Place:
    """Resolve a 6-digit comune, 3-digit province (or metropolitan city, e.g. 263 for
    Napoli, as well as its province code 063) or 2-digit region ISTAT code."""
    place = _index().get(code)
    if place is None or len(code) not in (2, 3, 6):
        raise UnknownTerritoryCodeError(
            f"{code!r} is not an ISTAT comune (6 digits), province (3) or region (2) code"
        )
    return place
