"""Write a round's result as JSON (everything) or CSV (one row per application).

Both writes are atomic: the text goes to a temporary file in the target's directory,
which then replaces the target in one step, so a reader never sees half a result and a
failed write leaves the previous file as it was.
"""

from __future__ import annotations

import io
from pathlib import Path

from capcoe_rules.allocation.models import AllocationResult
from capcoe_rules.atomic import write_atomically
from capcoe_rules.csvcells import SafeDictWriter


def csv_columns(result: AllocationResult) -> tuple[str, ...]:
    """The columns of the CSV report: the round's criteria and profiles are the rule
    set's. ``status`` is ``allocated`` for an application that took part (even with 0
    posts), otherwise the cause of its exclusion; ``bounded_by`` and ``reasons`` are
    ``;``-joined."""
    profiles = [use.name for use in result.profiles]
    criteria = list(result.shares[0].criteria) if result.shares else []
    return (
        "id",
        "status",
        "name",
        "body",
        "pool",
        "group",
        "group_label",
        "rank",
        *(f"criterion_{name}" for name in criteria),
        "score",
        "submitted_at",
        *(f"requested_{profile}" for profile in profiles),
        *(f"allocated_{profile}" for profile in profiles),
        "requested_total",
        "allocated_total",
        "unmet",
        "bounded_by",
        "moved_by_profiles",
        "reasons",
    )


def write_json(result: AllocationResult, path: Path | str) -> None:
    """The whole result, indented, as :meth:`AllocationResult.to_json` gives it."""
    write_atomically(Path(path), result.to_json(indent=2) + "\n")


def write_csv(result: AllocationResult, path: Path | str) -> None:
    """Eligible applications in rank order, then excluded ones by id."""
    write_atomically(Path(path), csv_text(result))


def csv_text(result: AllocationResult) -> str:
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, csv_columns(result), lineterminator="\n")  # no formula runs
    writer.writeheader()
    for share in result.shares:
        writer.writerow(
            {
                "id": share.id,
                "status": "allocated",
                "name": share.name,
                "body": share.body,
                "pool": share.pool,
                "group": share.group,
                "group_label": share.group_label,
                "rank": share.rank,
                **{
                    f"criterion_{name}": "" if value is None else value
                    for name, value in share.criteria.items()
                },
                "score": "" if share.score is None else share.score,
                "submitted_at": share.submitted_at.isoformat(),
                **{f"requested_{p}": posts for p, posts in share.requested.items()},
                **{f"allocated_{p}": posts for p, posts in share.allocated.items()},
                "requested_total": share.requested_total,
                "allocated_total": share.allocated_total,
                "unmet": share.unmet,
                "bounded_by": ";".join(share.bounded_by),
                "moved_by_profiles": share.moved_by_profiles,
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
