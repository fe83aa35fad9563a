"""Many cases at once: batches from JSON Lines, rule-set diffs over a population, benchmarks.

- ``reading``: JSON Lines with line numbers; each bad record becomes its own error;
- ``running``: decide records serially or in worker processes, in input order;
- ``writing``: atomic output files (temporary file, fsync, rename);
- ``summary``: counts by outcome and region category, for any case type;
- ``pipeline``: a whole batch, from the input file to the decisions and error files;
- ``ruleset_changes``: what two rule sets define differently, and from which day;
- ``diffing``: which decisions change between two rule sets, and the rules responsible;
- ``diff_html``: a diff as a self-contained HTML page with charts;
- ``bench``: the performance figures of this machine against the project's targets.
"""

from capcoe_rules.atomic import atomic_writer
from capcoe_rules.batch.pipeline import (
    check_destinations,
    errors_path_for,
    run_batch,
)
from capcoe_rules.batch.reading import Record, read_records
from capcoe_rules.batch.running import Decided, decide_records
from capcoe_rules.batch.summary import Summary
from capcoe_rules.errors import DestinationError, RecordError

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
