"""Many cases at once: batches from JSON Lines, rule-set diffs over a population, benchmarks.

- ``reading``: JSON Lines with line numbers; each bad record becomes its own error;
- ``ranges``: a JSON Lines file cut into byte ranges that workers read themselves;
- ``running``: decide records serially or in worker processes, in input order;
- ``worker``: what a worker process runs (the standard library only);
- ``summary``: counts by outcome and region category, for any case type;
- ``pipeline``: a whole batch, from the input file to the decisions and error files;
- ``ruleset_changes``: what two rule sets define differently, and from which day;
- ``diffing``: which decisions change between two rule sets, and the rules responsible;
- ``diff_html``: a diff as a self-contained HTML page with charts;
- ``bench``: the performance figures of this machine against the project's targets.

The names below are imported on first use (PEP 562), as in :mod:`capcoe_rules`: a worker
process imports :mod:`capcoe_rules.batch.worker` before anything else, and must not pay
for the engine on the way (see that module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capcoe_rules.lazy import lazy_names

if TYPE_CHECKING:
    from capcoe_rules.atomic import atomic_writer
    from capcoe_rules.batch.pipeline import check_destinations, errors_path_for, run_batch
    from capcoe_rules.batch.reading import Record, read_records
    from capcoe_rules.batch.running import Decided, decide_records
    from capcoe_rules.batch.summary import Summary
    from capcoe_rules.errors import DestinationError, RecordError

_HOMES = {
    "capcoe_rules.atomic": ("atomic_writer",),
    "capcoe_rules.batch.pipeline": ("check_destinations", "errors_path_for", "run_batch"),
    "capcoe_rules.batch.reading": ("Record", "read_records"),
    "capcoe_rules.batch.running": ("Decided", "decide_records"),
    "capcoe_rules.batch.summary": ("Summary",),
    "capcoe_rules.errors": ("DestinationError", "RecordError"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "Decided",
    "DestinationError",
    "Record",
    "RecordError",
    "Summary",
    "atomic_writer",
    "check_destinations",
    "decide_records",
    "errors_path_for",
    "read_records",
    "run_batch",
]


__getattr__ = lazy_names(__name__, _HOME_OF)
