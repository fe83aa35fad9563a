"""Strategies for allocation rounds: many hiring applications, distinct ids, one round.

A round mixes what a real call receives: mostly hiring requests from bodies of the less
developed regions (eligible or not, as the rules decide), and some from elsewhere, which
the round must list as not taking part. Ids are unique, as
:func:`capcoe_rules.allocation.allocate_round` requires, and so are bodies (body type and
ISTAT code): a body asking twice is left out by the bundled rules' one request per body.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from capcoe_rules.testing.strategies.applications import applications

__all__ = ["allocation_rounds"]


@st.composite
def allocation_rounds(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 30, southern_share: float = 0.8
) -> list[dict[str, Any]]:
    """A list of applications for one round, ids ``R-0000``, ``R-0001``...

    :param southern_share: the chance that an application comes from a less developed
        region (the others come from anywhere and are mostly refused).
    """
    size = draw(st.integers(min_size, max_size))
    southern = applications(area="assunzioni", region_category="meno_sviluppata")
    anywhere = applications(area="assunzioni")
    cases: list[dict[str, Any]] = []
    bodies: set[tuple[Any, Any]] = set()
    while len(cases) < size:
        pick = southern if draw(st.floats(0, 1)) < southern_share else anywhere
        case = draw(pick)
        body = (case["applicant"]["body_type"], case["applicant"].get("istat_code"))
        if body in bodies:
            continue  # hypothesis shrinks towards few bodies: draw another
        bodies.add(body)
        cases.append({**case, "id": f"R-{len(cases):04d}"})
    return cases
