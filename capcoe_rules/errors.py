"""Errors an embedding application can catch, each saying what is wrong in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from capcoe_rules.language.problems import RuleSetError

__all__ = ["CaseError", "EvaluationError", "FieldProblem", "RuleSetError"]


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong in a case: where (``applicant.istat_code``) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CaseError(ValueError):
    """A case that cannot be decided: malformed, or outside what the rule set covers."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))

    @classmethod
    def from_validation(cls, error: ValidationError) -> CaseError:
        problems = []
        for item in error.errors():
            path = ".".join(str(part) for part in item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(FieldProblem(path, message))
        return cls(problems)

    @classmethod
    def single(cls, path: str, message: str) -> CaseError:
        return cls([FieldProblem(path, message)])


class EvaluationError(RuntimeError):
    """A rule could not be evaluated on a valid case (e.g. a division by zero in a formula)."""
