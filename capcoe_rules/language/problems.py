"""Problems found in a rule set, each with the place a policy officer must look at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A 1-based line and column in a rule file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong in a rule set: ``file:line:col: CODE message``."""

    file: str
    position: Position
    code: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.position.line}:{self.position.column}: {self.code} {self.message}"
        )


class RuleSetError(Exception):
    """A rule set that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def display_path(path: PurePath | str) -> str:
    return PurePath(path).as_posix()


# The problem codes, in one place so that docs, tests and the checker agree.
CODES: dict[str, str] = {
    "E001": "YAML syntax error",
    "E002": "unknown key in a rule document",
    "E003": "invalid or missing value in a rule document",
    "E004": "duplicate rule id",
    "E005": "duplicate key in a YAML mapping",
    "E006": "file that cannot be read as UTF-8 text",
    "E007": "file too large or too deeply nested",
    "E008": "YAML feature rule files do not allow (alias, tag, merge key, complex key)",
    "E010": "expression syntax error",
    "E011": "forbidden construct in an expression (dunder, call outside the whitelist, lambda...)",
    "E012": "unknown field",
    "E013": "unknown parameter",
    "E014": "type mismatch",
    "E015": "function used where it cannot be, or with wrong arguments",
    "E016": "unknown value for a field with a closed list of values",
    "E017": "cycle between derived values",
    "E018": "duplicate name",
    "E020": "parameter values or table rows out of order or overlapping",
    "E021": "parameter has no value at a date the rule set is in force, or a gap between "
    "two rows of a table key",
    "E022": "parameter or table value does not match its declared type",
    "E023": "unknown table or lookup",
    "E024": "division by a value that can be zero (guard it)",
    "E025": "expression too long or too deeply nested",
    "E030": "missing rule set manifest",
    "E031": "no directory of rule files",
    "E050": "'payment:' declared in more than one file",
    "E051": "rules for payment claims but no 'payment:' declaration",
    "E040": "allocation method's steps out of order or missing",
    "E041": "unknown name in the allocation (criterion, method)",
    "E042": "allocation caps that do not add up",
}
