"""Write a round's result as JSON (everything) or CSV (one row per application).

Both writes are atomic: the text goes to a temporary file in the target's directory,
which then replaces the target in one step, so a reader never sees half a result and a
failed write leaves the previous file as it was.
"""

from __future__ import annotations

import io
from pathlib import Path

from capcoe_rules.allocation.models import PROFILES, AllocationResult
from capcoe_rules.atomic import write_atomically
from capcoe_rules.csvcells import SafeDictWriter

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "status",
    "name",
    "body_type",
    "pool",
    "region_code",
    "region",
    "rank",
    "priority_score",
    "declared_need",
    "submitted_at",
    *(f"requested_{profile}" for profile in PROFILES),
    *(f"allocated_{profile}" for profile in PROFILES),
    "requested_total",
    "allocated_total",
    "unmet",
    "bounded_by",
    "reasons",
)
"""``status`` is ``allocated`` for an application that took part (even with 0 posts),
otherwise the cause of its exclusion; ``bounded_by`` and ``reasons`` are ``;``-joined."""


def write_json(result: AllocationResult, path: Path | str) -> None:
    """The whole result, indented, as :meth:`AllocationResult.to_json` gives it."""
    write_atomically(Path(path), result.to_json(indent=2) + "\n")


def write_csv(result: AllocationResult, path: Path | str) -> None:
    """Eligible applications in tie-break order, then excluded ones by id."""
    write_atomically(Path(path), csv_text(result))


def csv_text(result: AllocationResult) -> str:
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, CSV_COLUMNS, lineterminator="\n")  # no formula runs
    writer.writeheader()
    for share in result.shares:
        writer.writerow(
            {
                "id": share.id,
                "status": "allocated",
                "name": share.name,
                "body_type": share.body_type,
                "pool": share.pool,
                "region_code": share.region_code,
                "region": share.region,
                "rank": share.rank,
                "priority_score": share.priority_score,
                "declared_need": share.declared_need,
                "submitted_at": share.submitted_at.isoformat(),
                **{f"requested_{p}": share.requested[p] for p in PROFILES},
                **{f"allocated_{p}": share.allocated[p] for p in PROFILES},
                "requested_total": share.requested_total,
                "allocated_total": share.allocated_total,
                "unmet": share.unmet,
                "bounded_by": ";".join(share.bounded_by),
                "reasons": "",
            }
        )
    for entry in result.excluded:
        writer.writerow(
            {
                "id": entry.id,
                "status": entry.cause,
                "name": entry.name,
                "reasons": ";".join(entry.reasons),
            }
        )
    return buffer.getvalue()
