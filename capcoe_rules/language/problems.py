"""Problems found in a rule set, each with the place a policy officer must look at."""

from __future__ import annotations

from pathlib import PurePath

from capcoe_rules.errors import CODES, Code, Position, Problem, RuleSetError

__all__ = ["CODES", "Code", "Position", "Problem", "RuleSetError", "display_path"]


def display_path(path: PurePath | str) -> str:
    return PurePath(path).as_posix()
