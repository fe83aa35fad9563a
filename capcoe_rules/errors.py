"""Every error capcoe-rules raises on purpose, in one family, and the codes of rule-set problems.

An embedding application catches :class:`CapcoeError` and finds, on every instance, what it
needs to act: a stable ``kind`` (what went wrong), where (a field path, or a file, line and
column), and the message in Italian and in English (:meth:`CapcoeError.messages`).

=========================  ===========================================================
error                      raised when
=========================  ===========================================================
:class:`RuleSetError`      a rule set cannot be used; carries every :class:`Problem`
:class:`CaseError`         a case is malformed or outside the rule set; every
                           :class:`FieldProblem`
:class:`EvaluationError`   a valid case has no decision (a number beyond 10^999999)
:class:`NotInForceError`   a date the rule set, or a parameter, has no value on
:class:`RoundError`        an allocation round cannot be held
:class:`RecordError`       a record of a batch cannot be decided (a value, not raised)
:class:`DestinationError`  a batch would write over its input, or cannot write
:class:`FormatError`       a rule file cannot be formatted
:class:`AnalysisError`     the rule-set analysis cannot run (no solver installed)
:class:`ExpressionError`   the checker refuses an expression (becomes a :class:`Problem`)
:class:`UnknownTerritoryCodeError`  an ISTAT code not in ISTAT's list
=========================  ===========================================================

This module imports nothing of the package, so that any module may raise these errors.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar

__all__ = [
    "CODES",
    "AnalysisError",
    "CapcoeError",
    "CaseError",
    "Code",
    "DecisionMismatchError",
    "DestinationError",
    "EvaluationError",
    "ExpressionError",
    "FieldProblem",
    "FormatError",
    "NotInForceError",
    "Position",
    "Problem",
    "RecordError",
    "RoundError",
    "RuleSetError",
    "Text",
    "UnknownTerritoryCodeError",
    "ValueProblemError",
    "printable",
]

LANGUAGES = ("it", "en")
"""The languages of every message: Italian first, the default of the command."""


@dataclass(frozen=True, slots=True)
class Text:
    """A message in Italian and in English: every message written for people has both, so
    that a check can never forget one (the type says so)."""

    en: str
    it: str

    def pick(self, language: str) -> str:
        return self.it if language == "it" else self.en

    def __add__(self, other: Text) -> Text:
        return Text(self.en + other.en, self.it + other.it)


class Code(StrEnum):
    """The code of each kind of problem a rule set can have (``capcoe-rules check``)."""

    YAML_SYNTAX = "E001"
    UNKNOWN_KEY = "E002"
    INVALID_VALUE = "E003"
    DUPLICATE_RULE_ID = "E004"
    DUPLICATE_YAML_KEY = "E005"
    UNREADABLE_FILE = "E006"
    FILE_TOO_LARGE = "E007"
    YAML_FEATURE = "E008"
    EXPRESSION_SYNTAX = "E010"
    FORBIDDEN_CONSTRUCT = "E011"
    UNKNOWN_NAME = "E012"
    UNKNOWN_PARAMETER = "E013"
    TYPE_MISMATCH = "E014"
    MISUSED_FUNCTION = "E015"
    UNKNOWN_VALUE = "E016"
    DERIVATION_CYCLE = "E017"
    DUPLICATE_NAME = "E018"
    DATES_OVERLAP = "E020"
    DATES_GAP = "E021"
    WRONG_VALUE_TYPE = "E022"
    UNKNOWN_TABLE = "E023"
    UNSAFE_DIVISION = "E024"
    EXPRESSION_TOO_LARGE = "E025"
    NO_MANIFEST = "E030"
    NO_DIRECTORY = "E031"
    ALLOCATION_STEPS = "E040"
    ALLOCATION_UNKNOWN = "E041"
    ALLOCATION_CAPS = "E042"
    PAYMENT_DECLARED_TWICE = "E050"
    PAYMENT_UNDECLARED = "E051"


CODES: dict[str, str] = {
    Code.YAML_SYNTAX: "YAML syntax error",
    Code.UNKNOWN_KEY: "unknown key in a rule document",
    Code.INVALID_VALUE: "invalid or missing value in a rule document",
    Code.DUPLICATE_RULE_ID: "duplicate rule id",
    Code.DUPLICATE_YAML_KEY: "duplicate key in a YAML mapping",
    Code.UNREADABLE_FILE: "file that cannot be read as UTF-8 text",
    Code.FILE_TOO_LARGE: "file too large or too deeply nested",
    Code.YAML_FEATURE: "YAML feature rule files do not allow (alias, tag, merge key, complex key)",
    Code.EXPRESSION_SYNTAX: "expression syntax error",
    Code.FORBIDDEN_CONSTRUCT: (
        "forbidden construct in an expression (dunder, call outside the whitelist, lambda...)"
    ),
    Code.UNKNOWN_NAME: "unknown field",
    Code.UNKNOWN_PARAMETER: "unknown parameter",
    Code.TYPE_MISMATCH: "type mismatch",
    Code.MISUSED_FUNCTION: "function used where it cannot be, or with wrong arguments",
    Code.UNKNOWN_VALUE: "unknown value for a field with a closed list of values",
    Code.DERIVATION_CYCLE: "cycle between derived values",
    Code.DUPLICATE_NAME: "duplicate name",
    Code.DATES_OVERLAP: "parameter values or table rows out of order or overlapping",
    Code.DATES_GAP: (
        "parameter has no value at a date the rule set is in force, or a gap between two rows "
        "of a table key"
    ),
    Code.WRONG_VALUE_TYPE: "parameter or table value does not match its declared type",
    Code.UNKNOWN_TABLE: "unknown table or lookup",
    Code.UNSAFE_DIVISION: "division by a value that can be zero (guard it)",
    Code.EXPRESSION_TOO_LARGE: "expression too long or too deeply nested",
    Code.NO_MANIFEST: "missing rule set manifest",
    Code.NO_DIRECTORY: "no directory of rule files",
    Code.ALLOCATION_STEPS: "allocation method's steps out of order or missing",
    Code.ALLOCATION_UNKNOWN: "unknown name in the allocation (criterion, method)",
    Code.ALLOCATION_CAPS: "allocation caps that do not add up",
    Code.PAYMENT_DECLARED_TWICE: "'payment:' declared in more than one file",
    Code.PAYMENT_UNDECLARED: "rules for payment claims but no 'payment:' declaration",
}
"""What each code means, in a few words (the README's table of codes)."""


def printable(text: str) -> str:
    """``text`` as valid Unicode: a lone surrogate (which no UTF-8 file or terminal can
    hold) is shown as its escape, ``\\ud800``; anything else is left as it is."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_OS_REASONS: dict[int, Text] = {
    errno.ENOENT: Text("no such file or directory", "file o cartella inesistente"),
    errno.EACCES: Text("permission denied", "permesso negato"),
    errno.EPERM: Text("operation not permitted", "operazione non consentita"),
    errno.EISDIR: Text("it is a directory", "è una cartella"),
    errno.ENOTDIR: Text(
        "a part of the path is not a directory", "una parte del percorso non è una cartella"
    ),
    errno.ENOSPC: Text("no space left on the device", "spazio esaurito sul disco"),
    errno.EROFS: Text("read-only file system", "file system in sola lettura"),
    errno.EEXIST: Text("it exists already", "esiste già"),
    errno.ESTALE: Text(
        "another file took its place while it was being read",
        "un altro file ne ha preso il posto durante la lettura",
    ),
}


def os_reason(error: OSError) -> Text:
    """Why the system refused a file, in both languages: the common causes in words, any
    other as the system says it (never Python's ``[Errno 2] ...`` text)."""
    found = _OS_REASONS.get(error.errno or 0)
    if found is not None:
        return found
    said = error.strerror or str(error)
    return Text(said, said)


# -- where a problem is ---------------------------------------------------------------------


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
    message_it: str | None = field(default=None, compare=False)
    """The message in Italian (every problem the checker finds has one)."""
    hint: Text | None = field(default=None, compare=False)
    """How to fix it, where the checker knows."""

    @classmethod
    def of(
        cls, file: str, position: Position, code: str, text: Text, hint: Text | None = None
    ) -> Problem:
        return cls(file, position, code, text.en, text.it, hint)

    def text(self, language: str = "en") -> str:
        """``file:line:col: CODE message`` in ``language``, with the hint after ``; ``."""
        message = self.message_it if language == "it" and self.message_it else self.message
        if self.hint is not None:
            label = "come correggere" if language == "it" else "fix"
            message += f"; {label}: {self.hint.pick(language)}"
        return f"{self.file}:{self.position.line}:{self.position.column}: {self.code} {message}"

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong in a case: where (``applicant.istat_code``) and why."""

    path: str
    message: str
    code: str = field(default="", compare=False)
    """pydantic's error type (``missing``, ``int_type``...) when pydantic found it, else ""."""
    context: Mapping[str, Any] | None = field(default=None, compare=False)
    """pydantic's error context (``{"ge": 0}``...), for messages in other languages."""
    message_it: str | None = field(default=None, compare=False)
    """The message in Italian, where the place that found the problem wrote it."""
    position: Position | None = field(default=None, compare=False)
    """Where the field is in the case file, when the case was read from one."""
    hint: Text | None = field(default=None, compare=False)
    """How to fix it (:mod:`capcoe_rules.case_messages` gives one for each kind it knows)."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def message_in(self, language: str = "en") -> str:
        """The message in ``language``; a problem nobody wrote in Italian keeps its English
        behind an Italian lead-in, so that nothing is lost."""
        if language != "it":
            return self.message
        return self.message_it or f"non valido: {self.message}"

    def text(self, language: str = "en") -> str:
        """``path: message`` in ``language``, with the hint after ``; ``."""
        message = self.message_in(language)
        if self.hint is not None:
            label = "come correggere" if language == "it" else "fix"
            message += f"; {label}: {self.hint.pick(language)}"
        return f"{self.path}: {message}" if self.path else message

    def located(self, file: str, language: str = "en") -> str:
        """``file:line:col: path: message`` (``file: path: message`` with no position)."""
        where = (
            file if self.position is None else f"{file}:{self.position.line}:{self.position.column}"
        )
        return f"{where}: {self.text(language)}"

    def to_dict(self) -> dict[str, Any]:
        """For JSON outputs: ``{"path", "message", "code", "message_it", "hint",
        "hint_it"}`` (``message`` and ``hint`` in English)."""
        return {
            "path": printable(self.path),
            "message": printable(self.message),
            "code": self.code or None,
            "message_it": printable(self.message_in("it")),
            "hint": None if self.hint is None else self.hint.en,
            "hint_it": None if self.hint is None else self.hint.it,
        }


# -- the family -----------------------------------------------------------------------------


class CapcoeError(Exception):
    """The root of every error capcoe-rules raises on purpose."""

    kind: ClassVar[str] = "error"
    """A stable name for what went wrong, for programs (``case``, ``ruleset``...)."""

    def messages(self) -> dict[str, str]:
        """The message in each language: ``{"it": ..., "en": ...}``.

        Errors whose text comes from data (a rule file, a case) give both languages where
        the place that found the problem wrote both; the English text is never lost."""
        return {"en": str(self), "it": str(self)}


class RuleSetError(CapcoeError):
    """A rule set that cannot be used; carries every problem found, not only the first."""

    kind = "ruleset"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def messages(self) -> dict[str, str]:
        return {
            language: "\n".join(problem.text(language) for problem in self.problems)
            for language in ("it", "en")
        }


class CaseError(CapcoeError, ValueError):
    """A case that cannot be decided: malformed, or outside what the rule set covers.

    Its paths and messages are always valid Unicode (see :func:`printable`), so that they
    can be written to any file or terminal, whatever the case held.
    """

    kind = "case"

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = [
            replace(
                problem,
                path=printable(problem.path),
                message=printable(problem.message),
                message_it=None if problem.message_it is None else printable(problem.message_it),
            )
            for problem in problems
        ]
        super().__init__("; ".join(str(problem) for problem in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:  # to cross into and out of worker processes
        return (type(self), (self.problems,))

    @classmethod
    def single(cls, path: str, message: str | Text) -> CaseError:
        if isinstance(message, Text):
            return cls([FieldProblem(path, message.en, message_it=message.it)])
        return cls([FieldProblem(path, message)])


class EvaluationError(CapcoeError, RuntimeError):
    """A valid case that has no decision: a value of a rule beyond what decimals hold
    (10^999999). The checker refuses every division that could fail."""

    kind = "evaluation"

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else Text(message, message)
        """Why, in Italian and English (an engine's own consistency check: English only)."""
        super().__init__(self.text.en)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.text,))


class NotInForceError(CapcoeError, LookupError):
    """A date at which a rule set, or one of its parameters, has no value."""

    kind = "not_in_force"


class RoundError(CapcoeError, ValueError):
    """An allocation round that cannot be held (no eligible applications, an unknown method).

    Carries its :class:`FieldProblem` (from the catalogue of case errors: a code, the
    message in both languages, how to fix it); a plain text gives a problem in English
    only, for callers that raise it themselves."""

    kind = "round"

    def __init__(self, problem: FieldProblem | str) -> None:
        self.problem = problem if isinstance(problem, FieldProblem) else FieldProblem("", problem)
        super().__init__(str(self.problem))

    def __reduce__(self) -> tuple[Any, ...]:  # keeps the Italian across processes
        return (type(self), (self.problem,))

    def messages(self) -> dict[str, str]:
        return {language: self.problem.text(language) for language in LANGUAGES}


class DestinationError(CapcoeError, ValueError):
    """Where a batch would write cannot be written: the input itself, the other output, a
    directory. Raised before anything is written."""

    kind = "destination"


class DecisionMismatchError(CapcoeError, ValueError):
    """A compact decision that its case and rule set do not give (another rule set, another
    case, or an edited decision): the full decision cannot be regenerated from it."""

    kind = "decision_mismatch"

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else Text(message, message)
        """Why, in Italian and English (the engine's own checks say it in English only)."""
        super().__init__(self.text.en)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.text,))

    def messages(self) -> dict[str, str]:
        return {"it": self.text.it, "en": self.text.en}


class FormatError(CapcoeError, ValueError):
    """A rule file that cannot be formatted: not YAML, or a construct ``fmt`` does not
    rewrite without changing what the file says."""

    kind = "format"

    def __init__(
        self, position: Position, code: str, message: str | Text, hint: Text | None = None
    ) -> None:
        self.position = position
        self.code = code
        self.text = message if isinstance(message, Text) else Text(message, message)
        """What is wrong, in Italian and English."""
        self.hint = hint
        """How to fix it, where known."""
        super().__init__(self.text.en)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.position, self.code, self.text, self.hint))

    def messages(self) -> dict[str, str]:
        return {"it": self.text.it, "en": self.text.en}


class ExpressionError(CapcoeError):
    """An expression of a rule file refused by the checker (it becomes a :class:`Problem`):
    its code, and where in the expression's text (1-based line, 0-based column)."""

    kind = "expression"

    def __init__(
        self,
        code: str,
        message: Text,
        at: tuple[int, int],
        hint: Text | None = None,
        subject: str | None = None,
    ) -> None:
        super().__init__(message.en)
        self.code = code
        self.text = message
        self.message = message.en
        self.at = at
        self.hint = hint
        self.subject = subject
        """The name the problem is about (an unknown parameter), where there is one."""

    def messages(self) -> dict[str, str]:
        return {"it": self.text.it, "en": self.text.en}


class ValueProblemError(ValueError):
    """A value that does not fit (a parameter's, a column's), said in both languages, with
    how to fix it where known; a :class:`ValueError` to every caller that only needs one."""

    def __init__(self, text: Text, hint: Text | None = None) -> None:
        super().__init__(text.en)
        self.text = text
        self.hint = hint


class UnknownTerritoryCodeError(CapcoeError, ValueError):
    """An ISTAT code that is not in ISTAT's list of comuni, provinces or regions."""

    kind = "territory"


class AnalysisError(CapcoeError):
    """The rule-set analysis cannot run (e.g. the SMT solver is not installed)."""

    kind = "analysis"


class RecordError(CapcoeError):
    """A record of a batch that could not be decided: where it is, which case, and every
    problem. A value the batch reports in its error file, not raised."""

    kind = "record"

    def __init__(self, line: int, case_id: str | None, problems: Sequence[FieldProblem]) -> None:
        self.line = line
        self.case_id = case_id
        self.problems = tuple(problems)
        super().__init__(f"line {line}: " + "; ".join(str(problem) for problem in problems))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.line, self.case_id, self.problems))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecordError):
            return NotImplemented
        return (self.line, self.case_id, self.problems) == (
            other.line,
            other.case_id,
            other.problems,
        )

    def __hash__(self) -> int:
        return hash((self.line, self.case_id, self.problems))

    def to_json(self) -> str:
        """The error file's line: ``{"line": N, "id": ..., "errors": [{"path", "message",
        "code", "message_it", "hint", "hint_it"}]}`` (see :meth:`FieldProblem.to_dict`).

        Always valid UTF-8, whatever the record held (a lone surrogate shows as its escape).
        """
        return json.dumps(
            {
                "line": self.line,
                "id": None if self.case_id is None else printable(self.case_id),
                "errors": [problem.to_dict() for problem in self.problems],
            },
            ensure_ascii=False,
        )
