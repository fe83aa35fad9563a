"""Case files: one case in YAML or JSON, bare or inside an example (``case:`` + ``expect:``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from capcoe_rules.errors import CaseError


@dataclass(frozen=True)
class CaseFile:
    """A case read from a file, with the example's expectations when it is one."""

    path: Path
    case: dict[str, Any]
    as_of: dt.date | None = None
    expect: dict[str, Any] | None = None
    description: str | None = None


def read_case_file(path: Path | str) -> CaseFile:
    """Read a case file; a missing or unreadable one raises :class:`CaseError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CaseError.single("", f"cannot read {path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise CaseError.single(
            "", f"{path} is not valid {path.suffix[1:].upper()}: {error}"
        ) from None
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
    if as_of is not None and not isinstance(as_of, dt.date):
        raise CaseError.single("as_of", f"{as_of!r} is not a date (YYYY-MM-DD)")
    if expect is not None and not isinstance(expect, dict):
        raise CaseError.single("expect", "must be a mapping")
    return CaseFile(path, case, as_of, expect, data.get("description"))
