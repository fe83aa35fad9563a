"""Strategies for grants and payment claims, valid by construction or broken on purpose.

Valid claims are JSON-ready mappings whose grant's milestone amounts add up to the grant,
whose lines name distinct milestones of the grant, whose dates precede the claim date and
whose earlier payments stay within each milestone's amount. Steer them with ``verification``
(force every line's status), ``near_band_edges`` (achievements around the payment bands'
bounds), ``near_grace`` (achievement dates around the grace period's end) and
``programme_level``. :func:`inconsistent_claims` yields claims the engine must refuse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from capcoe_rules.models.payment import Verification
from capcoe_rules.testing.strategies.invalid import InvalidCase

__all__ = ["grants", "inconsistent_claims", "payment_claims"]

VERIFICATIONS: tuple[Verification, ...] = ("presentato", "verificato", "respinto")
BAND_EDGES = (Decimal("0.8"), Decimal("1"))
GRACE_DAYS = 90
FIRST_DUE = dt.date(2024, 12, 31)
LAST_CLAIM_DATE = dt.date(2029, 12, 31)


def _euros(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


@st.composite
def grants(
    draw: st.DrawFn, programme_level: bool | None = None, max_milestones: int = 4
) -> dict[str, Any]:
    """A grant with 1 to ``max_milestones`` milestones whose amounts add up to its total."""
    count = draw(st.integers(min_value=1, max_value=max_milestones))
    amounts = draw(st.lists(st.integers(100, 50_000_000), min_size=count, max_size=count))
    milestones = []
    for index, cents in enumerate(amounts):
        baseline = draw(st.integers(0, 200))
        span = draw(st.integers(1, 500)) * draw(st.sampled_from([1, -1]))
        milestones.append(
            {
                "id": f"M{index + 1}",
                "kind": "finale" if index == count - 1 else "intermedio",
                "indicator": f"indicatore {index + 1}",
                "unit": "unità",
                "baseline": str(baseline),
                "target": str(baseline + span),
                "due_date": (FIRST_DUE + dt.timedelta(days=365 * index)).isoformat(),
                "amount": _euros(cents),
            }
        )
    level = draw(st.booleans()) if programme_level is None else programme_level
    grant: dict[str, Any] = {
        "id": f"G-{draw(st.integers(1, 9999)):04d}",
        "beneficiary": draw(st.sampled_from(["Comune di Bari", "Regione Calabria", "DPCoe"])),
        "total_amount": _euros(sum(amounts)),
        "milestones": milestones,
        "programme_level": level,
    }
    if level:
        grant["commitment_year"] = draw(st.integers(2021, 2027))
    return grant


@st.composite
def payment_claims(
    draw: st.DrawFn,
    verification: Verification | None = None,
    near_band_edges: bool = False,
    near_grace: bool = False,
    programme_level: bool | None = None,
) -> dict[str, Any]:
    """A payment claim that makes sense, on a grant drawn by :func:`grants`."""
    grant = draw(grants(programme_level=programme_level))
    # Claims fall inside the programming period the rule set is in force for.
    claim_date = draw(st.dates(dt.date(2024, 6, 1), LAST_CLAIM_DATE))
    lines = []
    payments = []
    for milestone in grant["milestones"]:
        amount_cents = int(Decimal(milestone["amount"]) * 100)
        if draw(st.booleans()):
            paid = draw(st.integers(0, amount_cents))
            if paid:
                payments.append(
                    {
                        "milestone_id": milestone["id"],
                        "amount": _euros(paid),
                        "date": claim_date.isoformat(),
                    }
                )
        if not draw(st.integers(0, 4)):
            continue  # this milestone is not reported
        due = dt.date.fromisoformat(milestone["due_date"])
        achieved_on = _achievement_date(draw, due, claim_date, near_grace)
        if achieved_on is None:
            continue
        lines.append(
            {
                "milestone_id": milestone["id"],
                "achieved_value": str(_achieved_value(draw, milestone, near_band_edges)),
                "date_achieved": achieved_on.isoformat(),
                "verification": verification or draw(st.sampled_from(VERIFICATIONS)),
                "evidence": [f"prot. {draw(st.integers(1, 99999))}"],
            }
        )
    return {
        "case_type": "payment_claim",
        "id": f"CL-{draw(st.integers(1, 99999)):05d}",
        "grant": grant,
        "claim_date": claim_date.isoformat(),
        "lines": draw(st.permutations(lines)),
        "payments_made": payments,
    }


def _achievement_date(
    draw: st.DrawFn, due: dt.date, claim_date: dt.date, near_grace: bool
) -> dt.date | None:
    if near_grace:
        achieved = due + dt.timedelta(days=GRACE_DAYS + draw(st.integers(-2, 2)))
    else:
        achieved = due + dt.timedelta(days=draw(st.integers(-400, 400)))
    return achieved if achieved <= claim_date else None


def _achieved_value(draw: st.DrawFn, milestone: dict[str, Any], near_edges: bool) -> Decimal:
    baseline, target = Decimal(milestone["baseline"]), Decimal(milestone["target"])
    if near_edges:
        share = draw(st.sampled_from(BAND_EDGES)) + Decimal(draw(st.integers(-2, 2))) / 1000
    else:
        share = Decimal(draw(st.integers(-20, 150))) / 100
    value = baseline + share * (target - baseline)
    return max(value, Decimal(0)).quantize(Decimal("0.001"))


@st.composite
def inconsistent_claims(draw: st.DrawFn) -> InvalidCase:
    """A claim that does not make sense, and the place a clean refusal names."""
    claim = draw(payment_claims())
    grant = claim["grant"]
    first = grant["milestones"][0]
    kind = draw(
        st.sampled_from(
            [
                "unknown_milestone",
                "repeated_line",
                "negative_value",
                "grant_not_adding_up",
                "achieved_after_claim",
                "overpaid_milestone",
            ]
        )
    )
    line = {
        "milestone_id": first["id"],
        "achieved_value": "1",
        "verification": "verificato",
        "date_achieved": claim["claim_date"],
    }
    if kind == "unknown_milestone":
        claim["lines"] = [*claim["lines"], {**line, "milestone_id": "NON-ESISTE"}]
        path = f"lines.{len(claim['lines']) - 1}.milestone_id"
    elif kind == "repeated_line":
        claim["lines"] = [line, dict(line)]
        path = "lines.1.milestone_id"
    elif kind == "negative_value":
        claim["lines"] = [{**line, "achieved_value": "-1"}]
        path = "lines.0.achieved_value"
    elif kind == "grant_not_adding_up":
        grant["total_amount"] = _euros(int(Decimal(grant["total_amount"]) * 100) + 1)
        path = "grant.milestones"
    elif kind == "achieved_after_claim":
        later = dt.date.fromisoformat(claim["claim_date"]) + dt.timedelta(days=1)
        claim["lines"] = [{**line, "date_achieved": later.isoformat()}]
        path = "lines.0.date_achieved"
    else:
        over = int(Decimal(first["amount"]) * 100) + 1
        claim["payments_made"] = [
            {"milestone_id": first["id"], "amount": _euros(over), "date": claim["claim_date"]}
        ]
        path = "payments_made"
    return InvalidCase(claim, (path,), kind, f"{kind} at {path}")
