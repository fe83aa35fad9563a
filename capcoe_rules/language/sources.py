"""Reading the rule files of a directory: UTF-8 text within the size limits, or a problem.

What cannot be read (not UTF-8, UTF-16, too large, a permission) becomes a
:class:`~capcoe_rules.language.problems.Problem` with its place, like any other mistake,
so that ``load_ruleset`` raises only ``RuleSetError`` and ``check`` lists it with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from capcoe_rules.errors import Code
from capcoe_rules.language.problems import Position, Problem, display_path
from capcoe_rules.language.yaml_source import MAX_BYTES

MAX_TOTAL_BYTES = 8 * MAX_BYTES
"""Largest rule set read (8 MiB of YAML in all): bounds the time a check can take."""
RULE_FILE_PATTERNS = ("*.yaml", "*.yml")


@dataclass
class Sources:
    """The readable rule files by relative POSIX path, and what could not be read."""

    texts: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)


def missing_directory(directory: Path) -> Problem:
    origin = display_path(directory)
    return Problem(
        origin, Position(1, 1), Code.NO_DIRECTORY, f"{origin} is not a directory of rule files"
    )


def read_sources(directory: Path) -> Sources:
    """The text of every YAML file under ``directory``, sorted by relative path."""
    found = Sources()
    if not directory.is_dir():
        found.problems.append(missing_directory(directory))
        return found
    origin = display_path(directory)
    total = 0
    paths = sorted({p for pattern in RULE_FILE_PATTERNS for p in directory.rglob(pattern)})
    for path in paths:
        name = path.relative_to(directory).as_posix()
        where = f"{origin}/{name}" if origin else name
        text_or_problem = _read_one(path, where, MAX_TOTAL_BYTES - total)
        if isinstance(text_or_problem, Problem):
            found.problems.append(text_or_problem)
            found.unreadable.add(name)
            continue
        found.texts[name] = text_or_problem
        total += len(text_or_problem.encode("utf-8"))
    return found


def _read_one(path: Path, where: str, room: int) -> str | Problem:
    limit = min(MAX_BYTES, room)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # never more, whatever the file holds
    except OSError as error:
        return Problem(
            where, Position(1, 1), Code.UNREADABLE_FILE, f"cannot read the file: {error.strerror}"
        )
    if len(data) > limit:
        message = (
            f"a rule file may hold at most {MAX_BYTES:,} bytes"
            if limit == MAX_BYTES
            else f"the rule set's files may hold at most {MAX_TOTAL_BYTES:,} bytes in all"
        )
        return Problem(where, Position(1, 1), Code.FILE_TOO_LARGE, f"too large: {message}")
    return decode(data, where)


def decode(data: bytes, where: str) -> str | Problem:
    """UTF-8 text, or the place of the first byte that is not (with a hint for UTF-16)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return Problem(
                where,
                Position(1, 1),
                Code.UNREADABLE_FILE,
                "the file is UTF-16 text: save it as UTF-8",
            )
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        position = Position(data.count(b"\n", 0, error.start) + 1, column)
        byte = data[error.start]
        return Problem(
            where,
            position,
            Code.UNREADABLE_FILE,
            f"not UTF-8 text: the byte 0x{byte:02X} cannot be read (save the file as UTF-8)",
        )
