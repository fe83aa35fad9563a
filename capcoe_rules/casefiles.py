"""Case files: one case in YAML or JSON, bare or inside an example (``case:`` + ``expect:``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from capcoe_rules.case_messages import case_problem
from capcoe_rules.errors import CaseError, FieldProblem, Position, Text, os_reason
from capcoe_rules.jsontext import MAX_JSON_BYTES, decode_utf8, load_json

FieldPath = tuple[str | int, ...]
EXAMPLE_KEYS = ("description", "as_of", "case", "expect")
"""The keys of an example file."""


@dataclass(frozen=True)
class CaseFile:
    """A case read from a file, with the example's expectations when it is one."""

    path: Path
    case: dict[str, Any]
    as_of: dt.date | None = None
    expect: dict[str, Any] | None = None
    description: str | None = None
    position_of: Callable[[FieldPath], Position | None] = field(
        default=lambda path: None, compare=False, repr=False
    )
    """Where a field of the file is (its path in the file, ``("case", "applicant")``)."""

    example: bool = False
    """The case is under ``case:``, next to ``expect:``."""

    def locate(self, error: CaseError) -> CaseError:
        """``error`` (about the case) with the line and column of each problem's field."""
        return _located(error, self.position_of, ("case",) if self.example else ())


def problem_lines(path: Path | str, error: CaseError, language: str = "it") -> list[str]:
    """``file:line:col: path: message; fix: hint`` for each problem, in ``language``."""
    return [problem.located(str(path), language) for problem in error.problems]


def problems_json(path: Path | str, error: CaseError) -> list[dict[str, Any]]:
    """Each problem of a case file for JSON outputs: ``{"file", "line", "column", "path",
    "message", "code", "message_it", "hint", "hint_it"}`` (``line`` and ``column`` None
    where the field is not in the file)."""
    return [
        {
            "file": str(path),
            "line": None if problem.position is None else problem.position.line,
            "column": None if problem.position is None else problem.position.column,
            **problem.to_dict(),
        }
        for problem in error.problems
    ]


def field_path(path: str) -> FieldPath:
    """``"milestones.0.amount"`` as the parts of a path in the file: ``("milestones", 0,
    "amount")``."""
    if not path:
        return ()
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def read_case_file(path: Path | str) -> CaseFile:
    """Read a case file; a missing, unreadable or malformed one raises :class:`CaseError`."""
    path = Path(path)
    data, position_of = _read_with_positions(path)
    try:
        return _case_file(path, data, position_of)
    except CaseError as error:  # its paths are paths in the file
        raise _located(error, position_of, ()) from None


def _located(
    error: CaseError, position_of: Callable[[FieldPath], Position | None], prefix: FieldPath
) -> CaseError:
    return CaseError(
        [
            problem
            if problem.position is not None
            else replace(problem, position=position_of((*prefix, *field_path(problem.path))))
            for problem in error.problems
        ]
    )


def _case_file(
    path: Path, data: Any, position_of: Callable[[FieldPath], Position | None]
) -> CaseFile:
    if not isinstance(data, dict):
        raise CaseError([case_problem("", "file_not_mapping", file=str(path))])
    if "case" not in data:
        if "expect" in data:  # an example whose case: is missing or misspelt
            raise CaseError([case_problem("case", "example_without_case")])
        return CaseFile(path, data, position_of=position_of)
    unknown = set(data) - set(EXAMPLE_KEYS)
    if unknown:
        key = sorted(unknown, key=str)[0]
        raise CaseError([case_problem(str(key), "example_unknown_key", str(key), EXAMPLE_KEYS)])
    case, as_of, expect = data["case"], data.get("as_of"), data.get("expect")
    if not isinstance(case, dict):
        raise CaseError([case_problem("case", "example_case_not_mapping")])
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise CaseError(
            [case_problem("as_of", "example_bad_as_of", str(as_of), value=repr(str(as_of)[:40]))]
        )
    if expect is not None and not isinstance(expect, dict):
        raise CaseError([case_problem("expect", "example_expect_not_mapping")])
    return CaseFile(
        path, case, as_of, expect, data.get("description"), position_of=position_of, example=True
    )


def _read_with_positions(path: Path) -> tuple[Any, Callable[[FieldPath], Position | None]]:
    raw = _read_bytes(path)
    if path.suffix == ".json":
        data = load_json(raw)
        text = decode_utf8(raw)
        return data, lambda where: json_position(text, where)
    text = decode_utf8(raw)
    document = _load_yaml(text, path)
    source = document.source
    return document.data, lambda where: source.value(where) if where else Position(1, 1)


def read_case_data(path: Path) -> Any:
    """The data of a JSON or YAML file, or :class:`CaseError`.

    The file is UTF-8 (a byte order mark at the start is ignored), at most
    :data:`~capcoe_rules.jsontext.MAX_JSON_BYTES`; JSON is read as every command reads
    it, YAML as rule files are, so a value YAML cannot read (a date such as 2023-02-30,
    a number of 5,000 digits) is refused with its field path and position.
    """
    raw = _read_bytes(path)
    return load_json(raw) if path.suffix == ".json" else _load_yaml(decode_utf8(raw), path).data


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as error:
        raise CaseError.single(
            "",
            Text(
                f"cannot read the file: {os_reason(error).en}",
                f"impossibile leggere il file: {os_reason(error).it}",
            ),
        ) from None
    if len(raw) > MAX_JSON_BYTES:
        raise CaseError.single(
            "",
            Text(
                f"{path} is larger than {MAX_JSON_BYTES:,} bytes",
                f"{path} supera {MAX_JSON_BYTES:,} byte".replace(",", "."),
            ),
        )
    return raw


def _load_yaml(text: str, path: Path) -> Any:
    # Imported here: a JSON case (what applications send) needs no YAML parser, and
    # importing it costs `capcoe-rules evaluate` 12-15 ms.
    from capcoe_rules.language.yaml_source import read_yaml  # noqa: PLC0415

    document, issues = read_yaml(text, str(path))
    if issues:
        raise CaseError(
            [
                FieldProblem(
                    ".".join(str(part) for part in issue.path),
                    f"{issue.text.en} (line {issue.position.line}, column {issue.position.column})",
                    message_it=f"{issue.text.it} (riga {issue.position.line}, colonna "
                    f"{issue.position.column})",
                    position=issue.position,
                    hint=issue.hint,
                )
                for issue in issues
            ]
        )
    assert document is not None
    return document


def json_position(text: str, where: FieldPath) -> Position | None:
    """The line and column of the value at ``where`` in a JSON text (of the nearest
    enclosing value that is there), found by walking the text with the standard decoder's
    own pieces: ``raw_decode`` for a scalar, ``scanstring`` for a key."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    found = index
    try:
        for part in where:
            member = _member(text, index, part, decoder)
            if member is None:
                break
            index = found = member
    except (ValueError, IndexError, RecursionError):
        pass
    before = text[:found]
    return Position(before.count("\n") + 1, found - (before.rfind("\n") + 1) + 1)


def _member(text: str, index: int, part: str | int, decoder: json.JSONDecoder) -> int | None:
    """The index of member ``part`` of the object or array starting at ``index``."""
    opening = text[index]
    if opening not in "[{" or (opening == "[") != isinstance(part, int):
        return None
    index = _skip_space(text, index + 1)
    count = 0
    while text[index] not in "]}":
        if opening == "{":
            key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
            index = _skip_space(text, _skip_space(text, index) + 1)  # past the ':'
            if key == part:
                return index
        elif count == part:
            return index
        index = _skip_space(text, _value_end(text, index, decoder))
        if text[index] == ",":
            index = _skip_space(text, index + 1)
        count += 1
    return None


def _value_end(text: str, index: int, decoder: json.JSONDecoder) -> int:
    _, end = decoder.raw_decode(text, index)
    return int(end)


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index
