"""Reading JSON Lines: each record keeps its line number, each bad record its own error.

A batch must lose nothing: one malformed line (bad JSON, bytes that are not UTF-8, a
missing field) is reported with its line number and reason, and every other line is still
decided. So lines are read as bytes and parsed one by one, never the file as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO, NamedTuple

from pydantic import BaseModel

from capcoe_rules.engine import parse_case
from capcoe_rules.errors import CaseError, FieldProblem


class Record(NamedTuple):
    """One non-blank line of the input: its 1-based number and its bytes."""

    line: int
    text: bytes


class RecordError(NamedTuple):
    """A record that could not be decided: where it is, which case, and every problem."""

    line: int
    case_id: str | None
    problems: tuple[FieldProblem, ...]

    def to_json(self) -> str:
        """The error file's line: ``{"line": N, "id": ..., "errors": [{"path", "message"}]}``."""
        return json.dumps(
            {
                "line": self.line,
                "id": self.case_id,
                "errors": [
                    {"path": problem.path, "message": problem.message} for problem in self.problems
                ],
            },
            ensure_ascii=False,
        )


def read_records(lines: Iterable[bytes]) -> Iterator[Record]:
    """Number the lines of a binary file from 1; blank lines are skipped, not errors.

    Blank lines are what editors and ``cat a b`` leave behind; refusing them would turn
    harmless whitespace into failed batches.
    """
    for number, text in enumerate(lines, start=1):
        if text.strip():
            yield Record(number, text)


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
        data: Any = json.loads(record.text)
    except ValueError as error:  # JSONDecodeError, and UnicodeDecodeError for non-UTF-8
        return RecordError(record.line, None, (FieldProblem("", f"not valid JSON: {error}"),))
    try:
        return parse_case(data)
    except CaseError as error:
        return RecordError(record.line, case_id_of(data), tuple(error.problems))


def case_id_of(data: Any) -> str | None:
    """The ``id`` a record claims, if it has one, so that an error names its case."""
    if isinstance(data, Mapping):
        case_id = data.get("id")
        if isinstance(case_id, str | int) and not isinstance(case_id, bool):
            return str(case_id)
    return None
