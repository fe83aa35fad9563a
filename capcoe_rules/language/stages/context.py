"""What every stage of the checker shares: the sources, the problems found so far,
and reading one YAML document into its model with every problem placed.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from capcoe_rules.errors import Code
from capcoe_rules.language.allocation import Allocation
from capcoe_rules.language.documents import (
    ManifestDoc,
    RuleFileDoc,
)
from capcoe_rules.language.problems import Position, Problem
from capcoe_rules.language.ruleset import (
    CaseRules,
    Parameter,
    PaymentNames,
    Table,
)
from capcoe_rules.language.yaml_source import Path as YamlPath
from capcoe_rules.language.yaml_source import YamlDocument, load_yaml

DocT = TypeVar("DocT", bound=BaseModel)


MANIFEST = "ruleset.yaml"
"""The rule set's own file: its name, version and in-force period."""


@dataclass
class RuleFile:
    """A rule file read into its document model, with its YAML for positions."""

    path: str
    yaml: YamlDocument
    doc: RuleFileDoc


@dataclass
class CheckContext:
    """The rule set's sources, the problems found so far, and what each stage found."""

    sources: dict[str, str]
    origin: str
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)
    """Files already reported as unreadable: no other problem is reported for them."""
    manifest: tuple[ManifestDoc, YamlDocument] | None = None
    files: list[RuleFile] = field(default_factory=list)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    cases: dict[str, CaseRules] = field(default_factory=dict)
    payment: PaymentNames | None = None
    allocation: Allocation | None = None

    def file(self, path: str) -> str:
        return f"{self.origin}/{path}" if self.origin else path

    def report(self, path: str, position: Position, code: str, message: str) -> None:
        self.problems.append(Problem(self.file(path), position, code, message))

    def parse(self, path: str, model: type[DocT]) -> tuple[DocT, YamlDocument] | None:
        document, problems = load_yaml(self.sources[path], self.file(path))
        self.problems.extend(problems)
        if document is None:
            return None
        if not isinstance(document.data, dict):
            self.report(
                path,
                Position(1, 1),
                Code.INVALID_VALUE,
                "a rule file is a mapping of keys to values",
            )
            return None
        try:
            return model.model_validate(document.data), document
        except ValidationError as error:
            for item in error.errors():
                self.document_problem(path, document, model, item)
            return None

    def document_problem(
        self, path: str, document: YamlDocument, model: type[BaseModel], item: Any
    ) -> None:
        loc: YamlPath = tuple(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
            self.report(
                path, document.source.key(loc), Code.UNKNOWN_KEY, f"unknown key {loc[-1]!r}{hint}"
            )
            return
        where = ".".join(str(part) for part in loc) or "document"
        if item["type"] == "missing":
            self.report(
                path, document.source.value(loc[:-1]), Code.INVALID_VALUE, f"missing key {where!r}"
            )
            return
        self.report(path, document.source.value(loc), Code.INVALID_VALUE, f"{where}: {message}")


def allowed_keys(model: type[BaseModel], loc: YamlPath) -> list[str]:
    """The keys a document accepts at ``loc``, to suggest the right spelling."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {info.alias or name: info for name, info in current.model_fields.items()}
            if part not in fields:
                return []
            current = fields[str(part)].annotation
        else:
            args = [arg for arg in typing.get_args(current) if arg is not type(None)]
            if not args:
                return []
            current = args[-1]
    while not (isinstance(current, type) and issubclass(current, BaseModel)):
        args = [arg for arg in typing.get_args(current) if arg is not type(None)]
        if not args:
            return []
        current = args[-1]
    return [info.alias or name for name, info in current.model_fields.items()]
