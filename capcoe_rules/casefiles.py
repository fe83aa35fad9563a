"""Case files: one case in YAML or JSON, bare or inside an example (``case:`` + ``expect:``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capcoe_rules.errors import CaseError, FieldProblem
from capcoe_rules.jsontext import MAX_JSON_BYTES, decode_utf8, load_json
from capcoe_rules.language.yaml_source import read_yaml


@dataclass(frozen=True)
class CaseFile:
    """A case read from a file, with the example's expectations when it is one."""

    path: Path
    case: dict[str, Any]
    as_of: dt.date | None = None
    expect: dict[str, Any] | None = None
    description: str | None = None


def read_case_file(path: Path | str) -> CaseFile:
    """Read a case file; a missing, unreadable or malformed one raises :class:`CaseError`."""
    path = Path(path)
    data = read_case_data(path)
    if not isinstance(data, dict):
        raise CaseError.single("", f"{path} must hold a mapping of fields to values")
    if "case" not in data:
        if "expect" in data:  # an example whose case: is missing or misspelt
            raise CaseError.single("case", "an example needs 'case:' next to its 'expect:'")
        return CaseFile(path, data)
    unknown = set(data) - {"case", "as_of", "expect", "description"}
    if unknown:
        raise CaseError.single(
            sorted(unknown)[0],
            "unknown key in an example (allowed: description, as_of, case, expect)",
        )
    case, as_of, expect = data["case"], data.get("as_of"), data.get("expect")
    if not isinstance(case, dict):
        raise CaseError.single("case", "must be a mapping of fields to values")
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise CaseError.single("as_of", f"{str(as_of)[:40]!r} is not a date (YYYY-MM-DD)")
    if expect is not None and not isinstance(expect, dict):
        raise CaseError.single("expect", "must be a mapping")
    return CaseFile(path, case, as_of, expect, data.get("description"))


def read_case_data(path: Path) -> Any:
    """The data of a JSON or YAML file, or :class:`CaseError`.

    The file is UTF-8 (a byte order mark at the start is ignored), at most
    :data:`~capcoe_rules.jsontext.MAX_JSON_BYTES`; JSON is read as every command reads
    it, YAML as rule files are, so a value YAML cannot read (a date such as 2023-02-30,
    a number of 5,000 digits) is refused with its field path and position.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as error:
        raise CaseError.single("", f"cannot read {path}: {error.strerror}") from None
    if len(raw) > MAX_JSON_BYTES:
        raise CaseError.single("", f"{path} is larger than {MAX_JSON_BYTES:,} bytes")
    return load_json(raw) if path.suffix == ".json" else _load_yaml(decode_utf8(raw), path)


def _load_yaml(text: str, path: Path) -> Any:
    document, issues = read_yaml(text, str(path))
    if issues:
        raise CaseError(
            [
                FieldProblem(
                    ".".join(str(part) for part in issue.path),
                    f"{issue.message} (line {issue.position.line}, column {issue.position.column})",
                )
                for issue in issues
            ]
        )
    assert document is not None
    return document.data
