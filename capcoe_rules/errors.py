"""Errors an embedding application can catch, each saying what is wrong in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from capcoe_rules.language.problems import RuleSetError

__all__ = ["CaseError", "EvaluationError", "FieldProblem", "RuleSetError", "printable"]


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong in a case: where (``applicant.istat_code``) and why."""

    path: str
    message: str
    code: str = field(default="", compare=False)
    """pydantic's error type (``missing``, ``int_type``...) when pydantic found it, else ""."""
    context: Mapping[str, Any] | None = field(default=None, compare=False)
    """pydantic's error context (``{"ge": 0}``...), for messages in other languages."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def printable(text: str) -> str:
    """``text`` as valid Unicode: a lone surrogate (which no UTF-8 file or terminal can
    hold) is shown as its escape, ``\\ud800``; anything else is left as it is."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class CaseError(ValueError):
    """A case that cannot be decided: malformed, or outside what the rule set covers.

    Its paths and messages are always valid Unicode (see :func:`printable`), so that they
    can be written to any file or terminal, whatever the case held.
    """

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = [
            FieldProblem(
                printable(problem.path), printable(problem.message), problem.code, problem.context
            )
            for problem in problems
        ]
        super().__init__("; ".join(str(problem) for problem in self.problems))

    @classmethod
    def from_validation(cls, error: ValidationError) -> CaseError:
        problems = []
        for item in error.errors():
            path = ".".join(str(part) for part in item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            context = {k: v for k, v in item.get("ctx", {}).items() if k != "error"}
            problems.append(FieldProblem(path, message, item["type"], context))
        return cls(problems)

    @classmethod
    def single(cls, path: str, message: str) -> CaseError:
        return cls([FieldProblem(path, message)])


class EvaluationError(RuntimeError):
    """A rule could not be evaluated on a valid case (e.g. a division by zero in a formula)."""
