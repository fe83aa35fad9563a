"""The national round's input: the national population plus simulated territorial bodies.

The call drew about 6,000 requested posts for 2,200 (DOMAIN.md; the Regions alone asked
about 450 against 250). The national population (:mod:`.comuni`) holds only comuni,
whose eligible requests add up to about 3,300 posts, so this module adds, for every
region, deterministically (same seed, same bytes):

- the Regione, asking 62-80 posts (30-45 in a region of fewer than 200 comuni: in the
  less developed ones, Basilicata and Molise; about 450 for the seven together);
- every Provincia (or Libero consorzio) asking 8-20 posts, and every Città
  metropolitana (a province whose ISTAT territorial code differs from its own) 18-30;
- Unioni di comuni, one for every 10 comuni of a province (at least one), each led by
  one of its comuni and asking 3-14 posts: the demand that brings the round to about
  6,000 posts. That there are this many unions asking for this much is an ASSUMPTION
  of the simulation, not a programme fact.

The rules decide which of them may ask (only bodies of the less developed regions are
eligible): the simulation knows no region code. Profiles are drawn with the population's
mix.

Every body, comuni included, also gets a SIMULATED resident population and 2014-2020
spending capacity (the criteria the DPCM of 23 July 2024 weighs within a region, which
no public data set gives per body here): a comune draws its population from a
log-normal around 2,500 inhabitants (a provincial capital, named as its province, around
120,000), a province, metropolitan city or region has the sum of its comuni's, a union
that of 3-12 comuni of its province; spending capacity is drawn between 35% and 90%
around a level drawn for each region. Plausible, labelled, and not real figures.

``capcoe-rules population --round --out OUT.jsonl [--seed N]`` writes the whole national
round input (population first, then the simulated bodies) as JSON Lines.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from capcoe_rules.atomic import write_atomically
from capcoe_rules.population.comuni import (
    COST_PER_POST,
    DECLARED_HIRING_CONDITIONS,
    DEFAULT_SEED,
    PROFILE_MIX,
    PROFILES,
    WINDOW_OPENS,
    WINDOW_SECONDS,
    national_population,
)
from capcoe_rules.territory import Comune, comuni

SMALL_REGION = 200
"""A region with fewer comuni than this asks for fewer posts."""
COMUNI_PER_UNION = 10


def simulated_applications(seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """Regioni, then Province and Città metropolitane, then Unioni, in ISTAT code order."""
    provinces = _provinces()
    regions: dict[str, list[Comune]] = {}
    for members in provinces.values():
        regions.setdefault(members[0].region_code, []).extend(members)
    for code, members in sorted(regions.items()):
        draw = random.Random(f"{seed}:regione:{code}")
        low, high = (30, 45) if len(members) < SMALL_REGION else (62, 80)
        name = members[0].region_name
        yield _application(
            draw,
            f"SIM-REG-{code}",
            f"Regione {name}",
            "regione",
            code,
            (low, high),
            _figures(seed, f"regione:{code}", members),
        )
    for code, members in provinces.items():
        draw = random.Random(f"{seed}:provincia:{code}")
        province = members[0].province_name
        figures = _figures(seed, f"provincia:{code}", members)
        if members[0].uts_code != code:
            yield _application(
                draw,
                f"SIM-CM-{code}",
                f"Città metropolitana di {province}",
                "citta_metropolitana",
                code,
                (18, 30),
                figures,
            )
        else:
            yield _application(
                draw,
                f"SIM-PRO-{code}",
                f"Provincia di {province}",
                "provincia",
                code,
                (8, 20),
                figures,
            )
    for code, members in provinces.items():
        draw = random.Random(f"{seed}:unioni:{code}")
        leads = draw.sample(members, max(1, len(members) // COMUNI_PER_UNION))
        for lead in sorted(leads, key=lambda comune: comune.istat_code):
            union = random.Random(f"{seed}:unione-comuni:{lead.istat_code}")
            together = union.sample(members, min(len(members), union.randint(3, 12)))
            yield _application(
                random.Random(f"{seed}:unione:{lead.istat_code}"),
                f"SIM-UNI-{lead.istat_code}",
                f"Unione dei comuni (capofila {lead.name})",
                "unione_di_comuni",
                lead.istat_code,
                (3, 14),
                _figures(seed, f"unione:{lead.istat_code}", together),
            )


def national_round_applications(seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """The national population (one application per comune, with simulated figures),
    then the simulated bodies."""
    for application in national_population(seed):
        code = application["applicant"]["istat_code"]
        comune = _comune(code)
        application["applicant"].update(_figures(seed, f"comune:{code}", [comune]))
        yield application
    yield from simulated_applications(seed)


def write_national_round(path: Path, seed: int = DEFAULT_SEED) -> int:
    """Write the national round input as JSON Lines (atomically); return its size."""
    lines = [
        json.dumps(application, ensure_ascii=False, sort_keys=True)
        for application in national_round_applications(seed)
    ]
    write_atomically(path, "".join(line + "\n" for line in lines))
    return len(lines)


@cache
def _provinces() -> dict[str, list[Comune]]:
    provinces: dict[str, list[Comune]] = {}
    for comune in comuni():
        provinces.setdefault(comune.province_code, []).append(comune)
    return dict(sorted(provinces.items()))


@cache
def _by_code() -> dict[str, Comune]:
    return {comune.istat_code: comune for comune in comuni()}


def _comune(code: str) -> Comune:
    return _by_code()[code]


def _population(seed: int, comune: Comune) -> int:
    """A comune's simulated resident population."""
    draw = random.Random(f"{seed}:popolazione:{comune.istat_code}")
    capital = comune.name == comune.province_name
    median = 120_000 if capital else 2_500
    return max(30, round(median * math.exp(draw.gauss(0, 0.9 if capital else 1.1))))


def _spending(seed: int, place: str, region_code: str) -> Decimal:
    """A body's simulated 2014-2020 spending capacity, in per cent."""
    level = random.Random(f"{seed}:spesa-regione:{region_code}").uniform(50, 75)
    value = random.Random(f"{seed}:spesa:{place}").gauss(level, 12)
    return Decimal(str(round(min(90.0, max(35.0, value)), 1)))


def _figures(seed: int, place: str, members: list[Comune]) -> dict[str, Any]:
    """The simulated criteria of a body covering ``members`` (JSON-ready)."""
    return {
        "resident_population": sum(_population(seed, comune) for comune in members),
        "spending_capacity": str(_spending(seed, place, members[0].region_code)),
    }


def _application(
    draw: random.Random,
    identifier: str,
    name: str,
    body_type: str,
    istat_code: str,
    posts_range: tuple[int, int],
    figures: dict[str, Any],
) -> dict[str, Any]:
    posts = draw.randint(*posts_range)
    chosen = draw.choices(PROFILES, PROFILE_MIX, k=posts)
    hires = {profile: chosen.count(profile) for profile in PROFILES if profile in chosen}
    # A few hours after the window opens to a few hours before it closes.
    offset = draw.randint(6 * 3600, WINDOW_SECONDS - 6 * 3600)
    role = "sindaco" if body_type == "citta_metropolitana" else "legale_rappresentante"
    return {
        "case_type": "application",
        "id": identifier,
        "applicant": {
            "name": name,
            "body_type": body_type,
            "istat_code": istat_code,
            **figures,
        },
        "submitter": {"role": role, "name": f"Firmatario {identifier}"},
        "submitted_at": (WINDOW_OPENS + dt.timedelta(seconds=offset)).isoformat(),
        "area": "assunzioni",
        "hires": hires,
        "amount_requested": f"{COST_PER_POST * posts:.2f}",
        "needs_analysis": {
            "present": True,
            "reference": f"AF-{identifier}",
            "declared_need_posts": posts + draw.randint(0, posts // 2 + 2),
            "capacity_gap": draw.randint(10, 80),
        },
        "hiring_conditions": dict(DECLARED_HIRING_CONDITIONS),
    }
