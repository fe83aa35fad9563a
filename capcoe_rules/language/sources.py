"""Reading the rule files of a directory: UTF-8 text within the size limits, or a problem.

What cannot be read (not UTF-8, UTF-16, too large, a permission) becomes a
:class:`~capcoe_rules.language.problems.Problem` with its place, like any other mistake,
so that ``load_ruleset`` raises only ``RuleSetError`` and ``check`` lists it with the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.limits import MAX_BYTES
from capcoe_rules.language.problems import Position, Problem, display_path

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
    return Problem.of(
        origin,
        Position(1, 1),
        Code.NO_DIRECTORY,
        Text(
            f"{origin} is not a directory of rule files",
            f"{origin} non è una cartella di file di regole",
        ),
        Text(
            "give the folder that holds ruleset.yaml",
            "indica la cartella che contiene ruleset.yaml",
        ),
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
        return Problem.of(
            where,
            Position(1, 1),
            Code.UNREADABLE_FILE,
            Text(
                f"cannot read the file: {error.strerror}",
                f"il file non si può leggere: {error.strerror}",
            ),
        )
    if len(data) > limit:
        message = (
            Text(
                f"too large: a rule file may hold at most {MAX_BYTES:,} bytes",
                f"troppo grande: un file di regole può contenere al massimo {MAX_BYTES:,} byte",
            )
            if limit == MAX_BYTES
            else Text(
                f"too large: the rule set's files may hold at most {MAX_TOTAL_BYTES:,} bytes "
                "in all",
                f"troppo grande: i file delle regole possono contenere al massimo "
                f"{MAX_TOTAL_BYTES:,} byte in tutto",
            )
        )
        hint = Text("split it into several files", "dividilo in più file")
        return Problem.of(where, Position(1, 1), Code.FILE_TOO_LARGE, message, hint)
    return decode(data, where)


def decode(data: bytes, where: str) -> str | Problem:
    """UTF-8 text, or the place of the first byte that is not (with a hint for UTF-16)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return Problem.of(
                where,
                Position(1, 1),
                Code.UNREADABLE_FILE,
                Text("the file is UTF-16 text", "il file è un testo UTF-16"),
                Text("save it as UTF-8", "salvalo come UTF-8"),
            )
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        position = Position(data.count(b"\n", 0, error.start) + 1, column)
        byte = data[error.start]
        return Problem.of(
            where,
            position,
            Code.UNREADABLE_FILE,
            Text(
                f"not UTF-8 text: the byte 0x{byte:02X} cannot be read",
                f"non è un testo UTF-8: il byte 0x{byte:02X} non si può leggere",
            ),
            Text("save the file as UTF-8", "salva il file come UTF-8"),
        )


def content_hash(sources: Mapping[str, str]) -> str:
    """The rule set's content hash: of every file's relative path and text."""
    digest = hashlib.sha256()
    for path, text in sorted(sources.items()):
        # surrogatepass: texts given to load_sources need not be valid Unicode to be hashed
        digest.update(path.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return "sha256:" + digest.hexdigest()
