"""The national round's input: the national population plus simulated territorial bodies.

The call drew about 6,000 requested posts for 2,200 (DOMAIN.md; the Regions alone asked
about 450 against 250). The national population (:mod:`capcoe_rules.testing.population`)
holds only comuni, whose eligible requests add up to about 3,300 posts, so this module
adds, for the 7 less developed regions, deterministically (same seed, same bytes):

- the 7 Regioni, the big five asking 62-80 posts and Basilicata and Molise 30-45
  (about 450 together);
- every Provincia (in Sicily, Libero consorzio) asking 8-20 posts, and the 7 Città
  metropolitane (Napoli, Bari, Reggio Calabria, Palermo, Messina, Catania, Cagliari)
  asking 18-30;
- Unioni di comuni, one for every 10 comuni of a province (at least one), each led by
  one of its comuni and asking 3-14 posts: the demand that brings the round to about
  6,000 posts. That there are this many unions asking for this much is an ASSUMPTION
  of the simulation, not a programme fact.

All are valid and eligible hiring applications (inside the window, submitted by the right
signatory, within the per-application maxima, with a needs analysis covering the request),
so the round's eligible demand is what the rationing has to deal with. Profiles are drawn
with the weights of the call's 2,129 territorial posts, as in the population.

``python -m capcoe_rules.allocation.simulation OUT.jsonl [--seed N]`` writes the whole
national round input (population first, then the simulated bodies) as JSON Lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from capcoe_rules.atomic import write_atomically
from capcoe_rules.territory import Comune, comuni
from capcoe_rules.testing.population import (
    COST_PER_POST,
    DECLARED_HIRING_CONDITIONS,
    DEFAULT_SEED,
    PROFILE_WEIGHTS,
    PROFILES,
    WINDOW_OPENS,
    WINDOW_SECONDS,
    national_population,
)

LESS_DEVELOPED: dict[str, str] = {
    "14": "Molise",
    "15": "Campania",
    "16": "Puglia",
    "17": "Basilicata",
    "18": "Calabria",
    "19": "Sicilia",
    "20": "Sardegna",
}
SMALL_REGIONS = frozenset({"14", "17"})
METROPOLITAN_CITIES = frozenset({"063", "072", "080", "082", "083", "087", "092"})
"""Province codes (ISTAT list used by the territory data) of the 7 Città metropolitane
in the less developed regions."""
COMUNI_PER_UNION = 10


def simulated_applications(seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """Regioni, then Province and Città metropolitane, then Unioni, in ISTAT code order."""
    provinces = _provinces()
    for code, name in sorted(LESS_DEVELOPED.items()):
        draw = random.Random(f"{seed}:regione:{code}")
        low, high = (30, 45) if code in SMALL_REGIONS else (62, 80)
        yield _application(draw, f"SIM-REG-{code}", f"Regione {name}", "regione", code, (low, high))
    for code, members in provinces.items():
        draw = random.Random(f"{seed}:provincia:{code}")
        province = members[0].province_name
        if code in METROPOLITAN_CITIES:
            yield _application(
                draw,
                f"SIM-CM-{code}",
                f"Città metropolitana di {province}",
                "citta_metropolitana",
                code,
                (18, 30),
            )
        else:
            kind = "Libero consorzio comunale" if members[0].region_code == "19" else "Provincia"
            yield _application(
                draw, f"SIM-PRO-{code}", f"{kind} di {province}", "provincia", code, (8, 20)
            )
    for code, members in provinces.items():
        draw = random.Random(f"{seed}:unioni:{code}")
        leads = draw.sample(members, max(1, len(members) // COMUNI_PER_UNION))
        for lead in sorted(leads, key=lambda comune: comune.istat_code):
            yield _application(
                random.Random(f"{seed}:unione:{lead.istat_code}"),
                f"SIM-UNI-{lead.istat_code}",
                f"Unione dei comuni (capofila {lead.name})",
                "unione_di_comuni",
                lead.istat_code,
                (3, 14),
            )


def national_round_applications(seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """The national population (one application per comune), then the simulated bodies."""
    yield from national_population(seed)
    yield from simulated_applications(seed)


def write_national_round(path: Path, seed: int = DEFAULT_SEED) -> int:
    """Write the national round input as JSON Lines (atomically); return its size."""
    lines = [
        json.dumps(application, ensure_ascii=False, sort_keys=True)
        for application in national_round_applications(seed)
    ]
    write_atomically(path, "".join(line + "\n" for line in lines))
    return len(lines)


def _provinces() -> dict[str, list[Comune]]:
    provinces: dict[str, list[Comune]] = {}
    for comune in comuni():
        if comune.region_code in LESS_DEVELOPED:
            provinces.setdefault(comune.province_code, []).append(comune)
    return dict(sorted(provinces.items()))


def _application(
    draw: random.Random,
    identifier: str,
    name: str,
    body_type: str,
    istat_code: str,
    posts_range: tuple[int, int],
) -> dict[str, Any]:
    posts = draw.randint(*posts_range)
    chosen = draw.choices(PROFILES, PROFILE_WEIGHTS, k=posts)
    hires = {profile: chosen.count(profile) for profile in PROFILES if profile in chosen}
    # A few hours after the window opens to a few hours before it closes.
    offset = draw.randint(6 * 3600, WINDOW_SECONDS - 6 * 3600)
    role = "sindaco" if body_type == "citta_metropolitana" else "legale_rappresentante"
    return {
        "case_type": "application",
        "id": identifier,
        "applicant": {"name": name, "body_type": body_type, "istat_code": istat_code},
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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m capcoe_rules.allocation.simulation",
        description="Write the national round input (population + simulated bodies).",
    )
    parser.add_argument("out", type=Path, help="where to write the JSON Lines")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    arguments = parser.parse_args(argv)
    count = write_national_round(arguments.out, arguments.seed)
    print(f"wrote {count} applications to {arguments.out}")


if __name__ == "__main__":
    main()
