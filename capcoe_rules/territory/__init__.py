"""ISTAT territorial codes: resolve a comune, province or region code to its region.

The data is ISTAT's list of comuni (see ``derive.py``). Resolution is strict: an unknown
code raises :class:`UnknownTerritoryCodeError`, never a silent default, because a wrong region
would silently change a decision.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
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


COLUMNS = (
    "istat_code",
    "name",
    "province_code",
    "province_name",
    "uts_code",
    "region_code",
    "region_name",
    "nuts2",
)
"""The columns of ``comuni.csv``, in order (the fields of :class:`Comune`)."""

Row = tuple[str, ...]


@cache
def _text() -> str:
    return (resources.files(__package__) / "comuni.csv").read_text(encoding="utf-8")


def _split(text: str) -> list[Row]:
    lines = text.splitlines()
    if '"' in text:  # a quoted name (one with a comma): only csv reads it right
        return [tuple(row) for row in csv.reader(lines)]
    return [tuple(line.split(",")) for line in lines]


@cache
def _rows() -> tuple[Row, ...]:
    """The rows of ``comuni.csv``, as text."""
    header, *rows = _split(_text())
    if header != COLUMNS:
        raise ValueError(f"comuni.csv has the columns {header}, not {COLUMNS}")
    return tuple(rows)


@cache
def comuni() -> tuple[Comune, ...]:
    """Every comune in ISTAT's list, sorted by ISTAT code."""
    return tuple(Comune(*row) for row in _rows())


_SCANS_BEFORE_INDEX = 16
"""Comuni found by a scan of the text before all of them are indexed at once."""
_scans = [0]


def _comune_row(code: str) -> Row | None:
    """The row of the comune ``code``. A single decision resolves one code, and must not
    pay for reading 7,896 comuni (about 20 ms): the first few are found in the text; a
    process that resolves more (a batch meets thousands) indexes them all, once."""
    if not code.isdigit():
        return None
    if _scans[0] >= _SCANS_BEFORE_INDEX:
        return _row_index().get(code)
    _scans[0] += 1
    text = _text()
    start = text.find(f"\n{code},")  # the header is the first line: a row follows a \n
    if start < 0:
        return None
    end = text.find("\n", start + 1)
    (row,) = _split(text[start + 1 : end if end >= 0 else len(text)])
    return row


@cache
def _row_index() -> dict[str, Row]:
    return {row[0]: row for row in _rows()}


@cache
def _aggregates() -> dict[str, Place]:
    """Provinces, metropolitan cities and regions, by code."""
    places: dict[str, Place] = {}
    provinces: dict[str, list[Comune]] = {}
    regions: dict[str, list[Comune]] = {}
    for comune in comuni():
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


_RESOLVED = 16384
"""Codes remembered: every comune, province and region fits, whatever else cases send."""


@lru_cache(maxsize=_RESOLVED)
def resolve(code: str) -> Place:
    """Resolve a 6-digit comune, 3-digit province (or metropolitan city, e.g. 263 for
    Napoli, as well as its province code 063) or 2-digit region ISTAT code.

    Each code is found once and remembered: a case reads its code three times (region,
    NUTS-2, that it exists) and a batch meets the same codes again and again, while
    finding a comune's row in the text costs a scan of it (a quarter of a millisecond)."""
    place: Place | None = None
    if len(code) == 6:  # a comune: one row, without building the provinces and regions
        row = _comune_row(code)
        if row is not None:
            place = Place(row[0], "comune", row[1], row[5], row[7])
    elif len(code) in (2, 3):
        place = _aggregates().get(code)
    if place is None:
        raise UnknownTerritoryCodeError(
            f"{code!r} is not an ISTAT comune (6 digits), province (3) or region (2) code"
        )
    return place
