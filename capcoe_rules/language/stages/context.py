"""What every stage of the checker shares: the sources, the problems found so far,
and reading one YAML document into its model with every problem placed.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from capcoe_rules.errors import Code, Text, ValueProblemError
from capcoe_rules.language import document_messages
from capcoe_rules.language.allocation import Allocation
from capcoe_rules.language.documents import (
    ManifestDoc,
    RuleFileDoc,
)
from capcoe_rules.language.mistakes import known_names
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
    unchecked: set[str] = field(default_factory=set)
    """Names declared where a problem is already reported (a file that cannot be read, a
    parameter or derived value in error): a rule that uses one is not reported again."""
    manifest: tuple[ManifestDoc, YamlDocument] | None = None
    files: list[RuleFile] = field(default_factory=list)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    cases: dict[str, CaseRules] = field(default_factory=dict)
    payment: PaymentNames | None = None
    allocation: Allocation | None = None

    def file(self, path: str) -> str:
        return f"{self.origin}/{path}" if self.origin else path

    def report(
        self, path: str, position: Position, code: str, message: Text, hint: Text | None = None
    ) -> None:
        self.problems.append(Problem.of(self.file(path), position, code, message, hint))

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
                Text(
                    "a rule file is a mapping of keys to values",
                    "un file di regole è un elenco di chiavi e valori",
                ),
                Text(
                    "start it with 'case:' or 'parameters:'", "inizialo con 'case:' o 'parameters:'"
                ),
            )
            return None
        try:
            return model.model_validate(document.data), document
        except ValidationError as error:
            self.unchecked.update(declared_names(document.data))
            items = error.errors()
            for item in items:
                if not misspelt_required(item, items):
                    self.document_problem(path, document, model, item)
            return None

    def document_problem(
        self, path: str, document: YamlDocument, model: type[BaseModel], item: Any
    ) -> None:
        loc: YamlPath = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            message, hint = document_messages.unknown_key(str(loc[-1]), allowed)
            self.report(path, document.source.key(loc), Code.UNKNOWN_KEY, message, hint)
            return
        if item["type"] == "missing":
            message, hint = document_messages.missing_key(str(loc[-1]) if loc else "document")
            self.report(path, document.source.value(loc[:-1]), Code.INVALID_VALUE, message, hint)
            return
        message, hint = document_messages.invalid_value(item)
        self.report(path, document.source.value(loc), Code.INVALID_VALUE, message, hint)


def declared_names(data: object) -> set[str]:
    """The parameters, tables and derived values a rule document declares, read from its
    data even when the document as a whole is not valid."""
    if not isinstance(data, dict):
        return set()
    names = {
        str(name)
        for section in ("parameters", "tables")
        if isinstance(data.get(section), dict)
        for name in data[section]
    }
    rules = data.get("rules")
    for rule in rules if isinstance(rules, list) else ():
        if isinstance(rule, dict) and isinstance(rule.get("derive"), str):
            names.add(rule["derive"])
    return names


def value_problem(error: ValueError) -> tuple[Text, Text | None]:
    if isinstance(error, ValueProblemError):
        return error.text, error.hint
    return Text(str(error), str(error)), None


def misspelt_required(item: Any, items: list[Any]) -> bool:
    """A required key missing next to an unknown key of nearly its spelling: one mistake,
    reported once, as the unknown key (which suggests the right spelling)."""
    if item["type"] != "missing" or not item["loc"]:
        return False
    parent, name = tuple(item["loc"][:-1]), str(item["loc"][-1])
    unknown = [
        str(other["loc"][-1])
        for other in items
        if other["type"] == "extra_forbidden" and tuple(other["loc"][:-1]) == parent
    ]
    return any(known_names(key, [name]).en.startswith(": did you mean") for key in unknown)


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
