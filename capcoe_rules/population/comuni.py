"""The national population: one application per comune in ISTAT's list.

Generated deterministically (same seed, same bytes) for batch runs, benchmarks, rule-set
diffs and allocation rounds. Each comune draws its own choices from a generator seeded with the
seed and its ISTAT code, so adding a comune to the list does not change the others.
The mix is an assumption made for testing: mostly hiring requests inside the window, with
a realistic share of mistakes (late submissions, delegates without a delegation, no needs
analysis, areas the comune may not ask for).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from capcoe_rules.models.application import HiresRequest
from capcoe_rules.territory import Comune, comuni

DEFAULT_SEED = 2023
PROFILES: tuple[str, ...] = tuple(HiresRequest.model_fields)
"""The professional profiles, as the application model defines them (in its order)."""
PROFILE_MIX = (1140, 615, 174, 111, 75, 14)
"""How often each profile (in :data:`PROFILES` order) is asked for: the mix of the call's
2,129 territorial posts, an ASSUMPTION about the demand."""
if len(PROFILE_MIX) != len(PROFILES):  # pragma: no cover - a model change must update it
    raise RuntimeError("PROFILE_MIX needs one weight per profile of HiresRequest")
AREAS = (
    ("assunzioni", 60),
    ("servizi_supporto_territoriale", 10),
    ("formazione", 10),
    ("capacita_amministrativa", 8),
    ("partenariato", 4),
    ("condivisione_conoscenze", 4),
    ("processi_gestione", 2),
    ("governance_coesione", 2),
)
WINDOW_OPENS = dt.datetime(2023, 11, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
"""When the hiring window opened (12:00 in Rome, winter time)."""
WINDOW_SECONDS = 61 * 24 * 3600
COST_PER_POST = Decimal("45000.00")  # assumption: yearly cost of one post, for amounts
SERVICES = frozenset({"servizi_supporto_territoriale"})
"""Areas that are a service the body uses: it asks for no money."""
DECLARED_HIRING_CONDITIONS = {
    "permanent_contracts": True,
    "additional_posts": True,
    "cohesion_policy_only": True,
    "funding_capcoe_then_state": True,
}
"""Every declaration of DL 124/2023, art. 19, made, as a hiring application does."""


def application_for(comune: Comune, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The test application of one comune (a JSON-ready mapping)."""
    draw = random.Random(f"{seed}:{comune.istat_code}")
    area = draw.choices([name for name, _ in AREAS], [weight for _, weight in AREAS])[0]
    hires = _hires(draw) if area == "assunzioni" else {}
    total = sum(hires.values())
    role = draw.choices(["sindaco", "legale_rappresentante", "delegato"], [80, 10, 10])[0]
    offset = draw.randint(-3 * 24 * 3600, WINDOW_SECONDS + 3 * 24 * 3600)
    amount = COST_PER_POST * total if total else Decimal(draw.randrange(20_000, 900_000, 500))
    if area in SERVICES:  # drawn all the same, so that the other choices stay as they were
        amount = Decimal(0)
    application: dict[str, Any] = {
        "case_type": "application",
        "id": f"POP-{comune.istat_code}",
        "applicant": {
            "name": f"Comune di {comune.name}",
            "body_type": "comune",
            "istat_code": comune.istat_code,
        },
        "submitter": {
            "role": role,
            "name": f"Firmatario {comune.istat_code}",
            "delegation_reference": (
                f"DEL-{comune.istat_code}" if role == "delegato" and draw.random() < 0.8 else None
            ),
        },
        "submitted_at": (WINDOW_OPENS + dt.timedelta(seconds=offset)).isoformat(),
        "area": area,
        "hires": hires,
        "amount_requested": f"{amount:.2f}",
        "needs_analysis": {
            "present": draw.random() < 0.95,
            "reference": f"AF-{comune.istat_code}",
            "declared_need_posts": total + draw.randint(0, 6) if total else draw.randint(0, 20),
            "capacity_gap": draw.randint(0, 80),
        },
    }
    if area == "assunzioni":
        application["hiring_conditions"] = dict(DECLARED_HIRING_CONDITIONS)
    return application


def _hires(draw: random.Random) -> dict[str, int]:
    posts = draw.choices(range(1, 9), [30, 25, 15, 10, 8, 6, 4, 2])[0]
    chosen = draw.choices(PROFILES, PROFILE_MIX, k=posts)
    return {profile: chosen.count(profile) for profile in PROFILES if profile in chosen}


def national_population(seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    """One application for each of ISTAT's comuni, in ISTAT code order."""
    for comune in comuni():
        yield application_for(comune, seed)


def write_population(path: Path, seed: int = DEFAULT_SEED) -> int:
    """Write the population as JSON Lines; return the number of applications."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for application in national_population(seed):
            handle.write(json.dumps(application, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count
