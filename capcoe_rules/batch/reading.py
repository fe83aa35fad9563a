"""Reading JSON Lines: each record keeps its line number, each bad record its own error.

A batch must lose nothing: one malformed line (bad JSON, bytes that are not UTF-8, a
missing field) is reported with its line number and reason, and every other line is still
decided. So lines are read as bytes and parsed one by one, never the file as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO, NamedTuple

from pydantic import BaseModel

from capcoe_rules.engine import parse_case
from capcoe_rules.errors import CaseError, RecordError, printable
from capcoe_rules.jsontext import MAX_JSON_BYTES, load_json
from capcoe_rules.models.inputs import MAX_TEXT


class Record(NamedTuple):
    """One non-blank line of the input: its 1-based number and its bytes."""

    line: int
    text: bytes


def read_records(lines: Iterable[bytes], *, first: int = 1) -> Iterator[Record]:
    """Number the lines of a binary file from ``first`` (1: the file from its start);
    blank lines are skipped, not errors.

    Blank lines are what editors and ``cat a b`` leave behind; refusing them would turn
    harmless whitespace into failed batches.
    """
    for number, text in enumerate(lines, start=first):
        if text.strip():
            yield Record(number, text)


def bounded_lines(handle: BinaryIO, limit: int = MAX_JSON_BYTES) -> Iterator[bytes]:
    """The lines of a binary file, split on ``\\n`` only (JSON Lines: U+2028 and the other
    Unicode line breaks are data). A line longer than ``limit`` comes cut short, so that it
    is refused as too long, and its rest is skipped: no line takes more memory than that.
    """
    while line := handle.readline(limit + 2):  # a line too long by one, with its end
        if len(line) == limit + 2 and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def count_records(handle: BinaryIO) -> int:
    """How many lines a binary file holds, read in large blocks (for a progress total).

    Rewinds ``handle`` afterwards. Counts newlines, plus one for a last line without one.
    """
    count = 0
    last = b"\n"
    while block := handle.read(1 << 20):
        count += block.count(b"\n")
        last = block[-1:]
    handle.seek(0)
    return count + (last != b"\n")


def parse_record(record: Record) -> BaseModel | RecordError:
    """Validate one record into its case model, or say why it cannot be decided."""
    try:
        data: Any = load_json(record.text.rstrip(b"\n"))
    except CaseError as error:
        return RecordError(record.line, None, tuple(error.problems))
    try:
        return parse_case(data)
    except CaseError as error:
        return RecordError(record.line, case_id_of(data), tuple(error.problems))


def case_id_of(data: Any) -> str | None:
    """The ``id`` a record claims, if it has one, so that an error names its case."""
    if isinstance(data, Mapping):
        case_id = data.get("id")
        if isinstance(case_id, str):
            return printable(case_id[:MAX_TEXT])
        if isinstance(case_id, int) and not isinstance(case_id, bool) and abs(case_id) < 10**18:
            return str(case_id)
    return None
