"""Problems found in a rule set, each with the place a policy officer must look at."""

from __future__ import annotations

from pathlib import PurePath
from typing import Protocol

from capcoe_rules.errors import CODES, Code, Position, Problem, RuleSetError, Text

__all__ = [
    "CODES",
    "Code",
    "Position",
    "Problem",
    "Report",
    "RuleSetError",
    "Text",
    "display_path",
]


class Report(Protocol):
    """Reports a problem: file, position, code, message and, where known, how to fix it."""

    def __call__(
        self, path: str, position: Position, code: str, message: Text, hint: Text | None = None, /
    ) -> None: ...


def display_path(path: PurePath | str) -> str:
    return PurePath(path).as_posix()
