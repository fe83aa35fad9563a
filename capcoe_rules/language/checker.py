"""Load a rule set directory and check it completely, reporting every problem with its place.

The stages, each feeding the next: YAML with positions -> document models (shape) ->
parameters and tables (typed dated values) -> lookups -> rules (typed expressions, derived
value order) -> :class:`CheckedRuleSet`. A stage that fails for one item does not stop the
others: policy staff get the whole list in one run.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import itertools
import string
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from capcoe_rules.errors import Code, Text, ValueProblemError
from capcoe_rules.language import document_messages
from capcoe_rules.language.allocation import check_allocation
from capcoe_rules.language.documents import (
    ManifestDoc,
    ParameterDoc,
    RuleDoc,
    RuleFileDoc,
    TableDoc,
)
from capcoe_rules.language.expressions import ExpressionError, Node, Ref, Scope, parse, references
from capcoe_rules.language.mistakes import italian_date, known_names
from capcoe_rules.language.payment_names import check_payment_declaration
from capcoe_rules.language.problems import Position, Problem, RuleSetError, display_path
from capcoe_rules.language.ruleset import (
    CaseRules,
    CheckedRuleSet,
    DatedValue,
    Lookup,
    Parameter,
    Rule,
    Table,
    TableRow,
)
from capcoe_rules.language.sources import read_sources
from capcoe_rules.language.types import TYPE_NAMES, Schema, Type, schema_of
from capcoe_rules.language.values import encode
from capcoe_rules.language.yaml_source import Path as YamlPath
from capcoe_rules.language.yaml_source import YamlDocument, load_yaml
from capcoe_rules.models.cases import RULE_SUBJECTS

MANIFEST = "ruleset.yaml"
DATE_COLUMNS = frozenset({"from", "to"})
"""Keys of a table row that date it rather than hold a value."""
DocT = TypeVar("DocT", bound=BaseModel)


def load_ruleset(directory: Path | str) -> CheckedRuleSet:
    """Load and check the rule set in ``directory``. Raises :class:`RuleSetError` (and only
    that: a missing directory or a file that cannot be read is a problem like the others)."""
    directory = Path(directory)
    sources = read_sources(directory)
    if not directory.is_dir():
        raise RuleSetError(sources.problems)
    return _check(sources.texts, display_path(directory), sources.problems, sources.unreadable)


def check_ruleset(directory: Path | str) -> list[Problem]:
    """Every problem of the rule set in ``directory`` (an empty list when it is clean)."""
    try:
        load_ruleset(directory)
    except RuleSetError as error:
        return error.problems
    return []


def load_sources(sources: Mapping[str, str], origin: str = "rules") -> CheckedRuleSet:
    """Check a rule set given as file texts by relative path (how pickled engines rebuild)."""
    return _check(sources, origin, [], set())


def _check(
    sources: Mapping[str, str], origin: str, problems: list[Problem], unreadable: set[str]
) -> CheckedRuleSet:
    checker = _Checker(dict(sorted(sources.items())), origin, list(problems), unreadable)
    ruleset = checker.run()
    if checker.problems or ruleset is None:
        raise RuleSetError(checker.problems)
    return ruleset


def content_hash(sources: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for path, text in sorted(sources.items()):
        # surrogatepass: texts given to load_sources need not be valid Unicode to be hashed
        digest.update(path.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return "sha256:" + digest.hexdigest()


@dataclass
class _File:
    path: str
    yaml: YamlDocument
    doc: RuleFileDoc


@dataclass
class _Checker:
    sources: dict[str, str]
    origin: str
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)
    """Files already reported as unreadable: no other problem is reported for them."""
    unchecked: set[str] = field(default_factory=set)
    """Names declared where a problem is already reported (a file that cannot be read, a
    parameter or derived value in error): a rule that uses one is not reported again."""

    def run(self) -> CheckedRuleSet | None:
        manifest = self._manifest()
        files = self._rule_files()
        if manifest is None:
            return None
        manifest_doc, manifest_yaml = manifest
        parameters = self._parameters(files, manifest_doc)
        tables = self._tables(files, manifest_doc)
        cases = {
            case_type: self._case_rules(
                case_type, files, manifest_doc, manifest_yaml, tables, parameters
            )
            for case_type in RULE_SUBJECTS
        }
        self._unique_rule_ids(files)
        payment = check_payment_declaration(files, cases, self._report)
        allocation = check_allocation(
            (
                (file.path, file.yaml.source, file.doc.case, file.doc.allocation)
                for file in files
                if file.doc.allocation is not None and file.doc.case is not None
            ),
            cases,
            parameters,
            tables,
            _change_days(manifest_doc, parameters, tables),
            self._report,
        )
        return CheckedRuleSet(
            name=manifest_doc.name,
            version=manifest_doc.version,
            title_it=manifest_doc.title.it,
            in_force_from=manifest_doc.in_force.from_,
            in_force_to=manifest_doc.in_force.to,
            content_hash=content_hash(self.sources),
            parameters=parameters,
            tables=tables,
            cases=cases,
            sources=self.sources,
            payment=payment,
            allocation=allocation,
        )

    # -- reporting --------------------------------------------------------------------------

    def _file(self, path: str) -> str:
        return f"{self.origin}/{path}" if self.origin else path

    def _report(
        self, path: str, position: Position, code: str, message: Text, hint: Text | None = None
    ) -> None:
        self.problems.append(Problem.of(self._file(path), position, code, message, hint))

    # -- documents --------------------------------------------------------------------------

    def _parse(self, path: str, model: type[DocT]) -> tuple[DocT, YamlDocument] | None:
        document, problems = load_yaml(self.sources[path], self._file(path))
        self.problems.extend(problems)
        if document is None:
            return None
        if not isinstance(document.data, dict):
            self._report(
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
            self.unchecked.update(_declared_names(document.data))
            items = error.errors()
            for item in items:
                if not _misspelt_required(item, items):
                    self._document_problem(path, document, model, item)
            return None

    def _document_problem(
        self, path: str, document: YamlDocument, model: type[BaseModel], item: Any
    ) -> None:
        loc: YamlPath = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, loc[:-1])
            message, hint = document_messages.unknown_key(str(loc[-1]), allowed)
            self._report(path, document.source.key(loc), Code.UNKNOWN_KEY, message, hint)
            return
        if item["type"] == "missing":
            message, hint = document_messages.missing_key(str(loc[-1]) if loc else "document")
            self._report(path, document.source.value(loc[:-1]), Code.INVALID_VALUE, message, hint)
            return
        message, hint = document_messages.invalid_value(item)
        self._report(path, document.source.value(loc), Code.INVALID_VALUE, message, hint)

    def _manifest(self) -> tuple[ManifestDoc, YamlDocument] | None:
        if MANIFEST in self.unreadable:
            return None
        if MANIFEST not in self.sources:
            self.problems.append(
                Problem.of(
                    self._file(MANIFEST),
                    Position(1, 1),
                    Code.NO_MANIFEST,
                    Text(
                        "no ruleset.yaml: a rule set needs its name, version and in-force period",
                        "manca ruleset.yaml: un insieme di regole ha un nome, una versione e un "
                        "periodo di vigenza",
                    ),
                    Text(
                        "add ruleset.yaml to the folder (see the bundled rules/ruleset.yaml)",
                        "aggiungi ruleset.yaml alla cartella (vedi rules/ruleset.yaml)",
                    ),
                )
            )
            return None
        return self._parse(MANIFEST, ManifestDoc)

    def _rule_files(self) -> list[_File]:
        files = []
        for path in self.sources:
            if path == MANIFEST:
                continue
            parsed = self._parse(path, RuleFileDoc)
            if parsed is not None:
                files.append(_File(path, parsed[1], parsed[0]))
        return files

    def _unique_rule_ids(self, files: list[_File]) -> None:
        seen: dict[str, str] = {}
        for file in files:
            for index, rule in enumerate(file.doc.rules):
                if rule.id in seen:
                    self._report(
                        file.path,
                        file.yaml.source.value(("rules", index, "id")),
                        Code.DUPLICATE_RULE_ID,
                        Text(
                            f"duplicate rule id {rule.id!r} (first in {self._file(seen[rule.id])})",
                            f"id di regola {rule.id!r} ripetuto (la prima volta in "
                            f"{self._file(seen[rule.id])})",
                        ),
                        Text("give each rule its own id", "dai a ogni regola un id diverso"),
                    )
                else:
                    seen[rule.id] = file.path

    # -- parameters and tables ----------------------------------------------------------------

    def _parameters(self, files: list[_File], manifest: ManifestDoc) -> dict[str, Parameter]:
        parameters: dict[str, Parameter] = {}
        for file in files:
            for name, doc in file.doc.parameters.items():
                where: YamlPath = ("parameters", name)
                if name in parameters:
                    self._report(
                        file.path,
                        file.yaml.source.key(where),
                        Code.DUPLICATE_NAME,
                        Text(
                            f"parameter {name!r} is defined twice",
                            f"il parametro {name!r} è definito due volte",
                        ),
                        Text(
                            "keep one definition, with dated values for its changes",
                            "tieni una sola definizione, con valori datati per le modifiche",
                        ),
                    )
                    continue
                values = self._dated_values(file, name, doc, manifest)
                if values is not None:
                    parameters[name] = Parameter(name, TYPE_NAMES[doc.type], values, doc, file.path)
                else:
                    self.unchecked.add(name)
        return parameters

    def _dated_values(
        self, file: _File, name: str, doc: ParameterDoc, manifest: ManifestDoc
    ) -> tuple[DatedValue, ...] | None:
        type_ = TYPE_NAMES[doc.type]
        source = file.yaml.source
        values: list[DatedValue] = []
        ok = True
        for index, item in enumerate(doc.values):
            at: YamlPath = ("parameters", name, "values", index)
            try:
                values.append(DatedValue(item.from_, item.to, encode(item.value, type_)))
            except ValueError as error:
                reason, hint = _value_problem(error)
                self._report(
                    file.path,
                    source.value((*at, "value")),
                    Code.WRONG_VALUE_TYPE,
                    Text(f"parameter {name!r} ({doc.type}): ", f"parametro {name!r} ({doc.type}): ")
                    + reason,
                    hint,
                )
                ok = False
                continue
            if item.to is not None and item.to < item.from_:
                self._report(
                    file.path,
                    source.value((*at, "to")),
                    Code.DATES_OVERLAP,
                    Text(
                        f"parameter {name!r}: 'to' {item.to} is before 'from' {item.from_}",
                        f"parametro {name!r}: 'to' {item.to} è prima di 'from' {item.from_}",
                    ),
                )
                ok = False
            if index and doc.values[index - 1].from_ >= item.from_:
                self._report(
                    file.path,
                    source.value((*at, "from")),
                    Code.DATES_OVERLAP,
                    Text(
                        f"parameter {name!r}: values out of order: {item.from_} is not after "
                        f"{doc.values[index - 1].from_}",
                        f"parametro {name!r}: valori fuori ordine: {item.from_} non è dopo "
                        f"{doc.values[index - 1].from_}",
                    ),
                    Text(
                        "list the values from the oldest to the newest",
                        "elenca i valori dal più vecchio al più recente",
                    ),
                )
                ok = False
            elif index and doc.values[index - 1].to is None:
                assumed = item.from_ - dt.timedelta(days=1)
                self._report(
                    file.path,
                    source.value((*at, "from")),
                    Code.DATES_OVERLAP,
                    Text(
                        f"parameter {name!r}: the value from {doc.values[index - 1].from_} has "
                        f"no 'to:' but a new value starts on {item.from_}; the checker assumes "
                        f"the old one ends on {assumed}",
                        f"parametro {name!r}: il valore dal {doc.values[index - 1].from_} non "
                        f"ha 'to:' ma un nuovo valore inizia il {item.from_}; si assume che il "
                        f"vecchio finisca il {assumed}",
                    ),
                    Text(
                        f"close the old value: add 'to: {assumed}' to it",
                        f"chiudi il vecchio valore: aggiungi 'to: {assumed}'",
                    ),
                )
                ok = False
            elif (
                index
                and (previous_to := doc.values[index - 1].to) is not None
                and previous_to >= item.from_
            ):
                self._report(
                    file.path,
                    source.value((*at, "from")),
                    Code.DATES_OVERLAP,
                    Text(
                        f"parameter {name!r}: value from {item.from_} overlaps the one "
                        f"in force until {previous_to}",
                        f"parametro {name!r}: il valore dal {item.from_} si sovrappone a quello "
                        f"in vigore fino al {previous_to}",
                    ),
                    Text(
                        "end the earlier value the day before: to: "
                        f"{item.from_ - dt.timedelta(days=1)}",
                        f"chiudi il valore precedente il giorno prima: to: "
                        f"{item.from_ - dt.timedelta(days=1)}",
                    ),
                )
                ok = False
        if not ok:
            return None
        for gap_from, gap_to, index in _gaps(doc, manifest.in_force.from_, manifest.in_force.to):
            self._report(
                file.path,
                source.value(("parameters", name, "values", index)),
                Code.DATES_GAP,
                Text(
                    f"parameter {name!r} has no value from {gap_from} to {gap_to}, "
                    f"while the rule set is in force "
                    f"({manifest.in_force.from_} to {manifest.in_force.to})",
                    f"il parametro {name!r} non ha un valore dal {gap_from} al {gap_to}, "
                    f"mentre le regole sono in vigore "
                    f"(dal {manifest.in_force.from_} al {manifest.in_force.to})",
                ),
                Text(
                    f"add a value from {gap_from}, or move 'from' or 'to' of the one next to it",
                    f"aggiungi un valore dal {gap_from}, o sposta 'from' o 'to' di quello vicino",
                ),
            )
            ok = False
        return tuple(values) if ok else None

    def _tables(self, files: list[_File], manifest: ManifestDoc) -> dict[str, Table]:
        tables: dict[str, Table] = {}
        for file in files:
            for name, doc in file.doc.tables.items():
                if name in tables:
                    self._report(
                        file.path,
                        file.yaml.source.key(("tables", name)),
                        Code.DUPLICATE_NAME,
                        Text(
                            f"table {name!r} is defined twice",
                            f"la tabella {name!r} è definita due volte",
                        ),
                        Text("keep one definition", "tieni una sola definizione"),
                    )
                    continue
                table = self._table(file, name, doc, manifest)
                if table is not None:
                    tables[name] = table
        return tables

    def _table(self, file: _File, name: str, doc: TableDoc, manifest: ManifestDoc) -> Table | None:
        source = file.yaml.source
        if doc.key not in doc.columns or doc.columns[doc.key] != "text":
            self._report(
                file.path,
                source.value(("tables", name, "key")),
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"table {name!r}: key {doc.key!r} must be one of its text columns",
                    f"tabella {name!r}: la chiave {doc.key!r} deve essere una delle sue colonne "
                    "di testo",
                )
                + known_names(doc.key, [c for c, t in doc.columns.items() if t == "text"]),
            )
            return None
        reserved = sorted(DATE_COLUMNS & doc.columns.keys())
        if reserved:
            self._report(
                file.path,
                source.key(("tables", name, "columns", reserved[0])),
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"table {name!r}: {reserved[0]!r} is not a column name: 'from' and 'to' "
                    "date a row",
                    f"tabella {name!r}: {reserved[0]!r} non può essere il nome di una colonna: "
                    "'from' e 'to' datano una riga",
                ),
                Text("rename the column", "rinomina la colonna"),
            )
            return None
        columns = {column: TYPE_NAMES[type_name] for column, type_name in doc.columns.items()}
        versions: list[TableRow] = []
        for index, row in enumerate(doc.rows):
            at: YamlPath = ("tables", name, "rows", index)
            converted = self._table_row(file, name, doc.key, columns, row, at, manifest)
            if converted is not None:
                versions.append(converted)
        if not self._versions_follow_each_other(file, name, versions):
            return None
        return Table(
            name, doc.key, columns, tuple(versions), doc, file.path, source.key(("tables", name))
        )

    def _table_row(
        self,
        file: _File,
        table: str,
        key_column: str,
        columns: dict[str, Type],
        row: dict[str, Any],
        at: YamlPath,
        manifest: ManifestDoc,
    ) -> TableRow | None:
        converted: dict[str, Any] = {}
        source = file.yaml.source
        for column in row:
            if column not in columns and column not in DATE_COLUMNS:
                self._report(
                    file.path,
                    source.key((*at, column)),
                    Code.UNKNOWN_KEY,
                    Text(
                        f"table {table!r}: unknown column {column!r}",
                        f"tabella {table!r}: colonna {column!r} sconosciuta",
                    )
                    + known_names(column, [*columns, *sorted(DATE_COLUMNS)]),
                )
                return None
        for column, type_ in columns.items():
            if column not in row:
                self._report(
                    file.path,
                    source.value(at),
                    Code.INVALID_VALUE,
                    Text(
                        f"table {table!r}: row has no {column!r}",
                        f"tabella {table!r}: la riga non ha {column!r}",
                    ),
                    Text(f"add '{column}: ...' to the row", f"aggiungi '{column}: ...' alla riga"),
                )
                return None
            try:
                converted[column] = encode(row[column], type_)
            except ValueError as error:
                reason, hint = _value_problem(error)
                self._report(
                    file.path,
                    source.value((*at, column)),
                    Code.WRONG_VALUE_TYPE,
                    Text(
                        f"table {table!r}, column {column!r}: ",
                        f"tabella {table!r}, colonna {column!r}: ",
                    )
                    + reason,
                    hint,
                )
                return None
        dates: dict[str, dt.date | None] = {"from": manifest.in_force.from_, "to": None}
        for end in DATE_COLUMNS & row.keys():
            value = row[end]
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                self._report(
                    file.path,
                    source.value((*at, end)),
                    Code.WRONG_VALUE_TYPE,
                    Text(
                        f"table {table!r}: {end!r} must be a date (year-month-day), "
                        f"found {value!r}",
                        f"tabella {table!r}: {end!r} deve essere una data (anno-mese-giorno), "
                        f"trovato {value!r}",
                    ),
                    italian_date(value),
                )
                return None
            dates[end] = value
        from_, to = dates["from"], dates["to"]
        assert from_ is not None
        key = converted[key_column]
        if to is not None and to < from_:
            self._report(
                file.path,
                source.value((*at, "to")),
                Code.DATES_OVERLAP,
                Text(
                    f"table {table!r}: row {key!r}: 'to' {to} is before 'from' {from_}",
                    f"tabella {table!r}: riga {key!r}: 'to' {to} è prima di 'from' {from_}",
                ),
            )
            return None
        return TableRow(key, converted, from_, to, source.value(at))

    def _versions_follow_each_other(
        self, file: _File, table: str, versions: list[TableRow]
    ) -> bool:
        """The rows of one key must not overlap in time, nor leave a gap between them: a
        row can start after the rule set (a row added) or stop before it (a row removed),
        but not disappear and come back. Reports each problem at the later row."""
        ok = True
        by_key: dict[str, list[TableRow]] = {}
        for row in versions:
            by_key.setdefault(row.key, []).append(row)
        for key, rows in by_key.items():
            rows.sort(key=lambda row: row.from_)
            for earlier, later in itertools.pairwise(rows):
                where = self._file(file.path)
                if earlier.from_ == later.from_:
                    self.problems.append(
                        Problem.of(
                            where,
                            later.position,
                            Code.DUPLICATE_NAME,
                            Text(
                                f"table {table!r}: two rows with key {key!r} from {later.from_}",
                                f"tabella {table!r}: due righe con chiave {key!r} dal "
                                f"{later.from_}",
                            ),
                            Text("keep one of them", "tienine una sola"),
                        )
                    )
                    ok = False
                elif earlier.to is None or earlier.to >= later.from_:
                    until = "further notice" if earlier.to is None else str(earlier.to)
                    self.problems.append(
                        Problem.of(
                            where,
                            later.position,
                            Code.DATES_OVERLAP,
                            Text(
                                f"table {table!r}: row {key!r} from {later.from_} overlaps the "
                                f"one in force from {earlier.from_} until {until}",
                                f"tabella {table!r}: la riga {key!r} dal {later.from_} si "
                                f"sovrappone a quella in vigore dal {earlier.from_} "
                                f"{'fino a nuovo avviso' if earlier.to is None else 'al ' + until}",
                            ),
                            Text(
                                "close the earlier row the day before: "
                                f"to: {later.from_ - dt.timedelta(days=1)}",
                                "chiudi la riga precedente il giorno prima: "
                                f"to: {later.from_ - dt.timedelta(days=1)}",
                            ),
                        )
                    )
                    ok = False
                elif earlier.to + dt.timedelta(days=1) < later.from_:
                    self.problems.append(
                        Problem.of(
                            where,
                            later.position,
                            Code.DATES_GAP,
                            Text(
                                f"table {table!r}: row {key!r} has no version from "
                                f"{earlier.to + dt.timedelta(days=1)} to "
                                f"{later.from_ - dt.timedelta(days=1)}",
                                f"tabella {table!r}: la riga {key!r} non ha una versione dal "
                                f"{earlier.to + dt.timedelta(days=1)} al "
                                f"{later.from_ - dt.timedelta(days=1)}",
                            ),
                            Text(
                                "make the later row start the day after the earlier one ends",
                                "fai iniziare la riga successiva il giorno dopo la fine della "
                                "precedente",
                            ),
                        )
                    )
                    ok = False
        return ok

    # -- rules --------------------------------------------------------------------------------

    def _case_rules(
        self,
        case_type: str,
        files: list[_File],
        manifest: ManifestDoc,
        manifest_yaml: YamlDocument,
        tables: dict[str, Table],
        parameters: dict[str, Parameter],
    ) -> CaseRules:
        roots: dict[str, Schema] = {case_type: schema_of(RULE_SUBJECTS[case_type])}
        lookups = self._lookups(case_type, manifest, manifest_yaml, tables, roots)
        params = {name: parameter.type for name, parameter in parameters.items()}
        nonzero = frozenset(
            name
            for name, parameter in parameters.items()
            if parameter.type.base in ("number", "money")
            and all(dated.value != 0 for dated in parameter.values)
        )
        mine = [
            (file, index, rule)
            for file in files
            if file.doc.case == case_type
            for index, rule in enumerate(file.doc.rules)
        ]
        derived_types = self._derivations(mine, roots, params, nonzero)
        scope = Scope(roots, params, derived_types, nonzero)
        rules = [
            rule
            for file, index, doc in mine
            if (rule := self._rule(file, index, doc, case_type, scope)) is not None
        ]
        producers = {rule.derive: rule for rule in rules if rule.derive is not None}
        return CaseRules(case_type, lookups, tuple(_with_strata(rules, producers)), derived_types)

    def _lookups(
        self,
        case_type: str,
        manifest: ManifestDoc,
        manifest_yaml: YamlDocument,
        tables: dict[str, Table],
        roots: dict[str, Schema],
    ) -> tuple[Lookup, ...]:
        found = []
        for name, doc in manifest.lookups.items():
            root = doc.key.split(".", 1)[0]
            if root not in roots:
                continue  # a lookup for another kind of case
            at: YamlPath = ("lookups", name)
            table = tables.get(doc.table)
            if table is None:
                self._report(
                    MANIFEST,
                    manifest_yaml.source.value((*at, "table")),
                    Code.UNKNOWN_TABLE,
                    Text(
                        f"lookup {name!r}: unknown table {doc.table!r}",
                        f"collegamento {name!r}: tabella {doc.table!r} sconosciuta",
                    )
                    + known_names(doc.table, tables),
                )
                continue
            try:
                key = parse(doc.key, Scope(roots, {}, {}), "condition")
            except ExpressionError as error:
                self._report(
                    MANIFEST,
                    manifest_yaml.source.value((*at, "key")),
                    error.code,
                    Text(f"lookup {name!r}: ", f"collegamento {name!r}: ") + error.text,
                    error.hint,
                )
                continue
            wanted = "text" if doc.match == "exact" else "number"
            if not isinstance(key, Ref) or key.type.base != wanted or key.type.nullable:
                self._report(
                    MANIFEST,
                    manifest_yaml.source.value((*at, "key")),
                    Code.TYPE_MISMATCH,
                    Text(
                        f"lookup {name!r}: the key must be a {wanted} field",
                        f"collegamento {name!r}: la chiave deve essere un campo di tipo {wanted}",
                    ),
                )
                continue
            if doc.match == "band" and not self._bands_make_sense(name, table):
                continue
            roots[name] = dict(table.columns)
            found.append(Lookup(name, table, key, doc))
        return tuple(found)

    def _bands_make_sense(self, lookup: str, table: Table) -> bool:
        """A band table has number columns lower (inclusive) and upper (exclusive), and
        its bands do not overlap, so that any value falls in at most one band."""
        file, position = table.file, table.position
        if any(table.columns.get(column) != TYPE_NAMES["number"] for column in ("lower", "upper")):
            self._report(
                file,
                position,
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"lookup {lookup!r}: table {table.name!r} needs number columns "
                    "'lower' and 'upper' to be read by bands",
                    f"collegamento {lookup!r}: la tabella {table.name!r} deve avere le colonne "
                    "numeriche 'lower' e 'upper' per essere letta per fasce",
                ),
            )
            return False
        if not table.versions:
            self._report(
                file,
                position,
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"table {table.name!r} has no valid band",
                    f"la tabella {table.name!r} non ha una fascia valida",
                ),
            )
            return False
        ok = True
        for row in table.versions:
            if row.values["lower"] >= row.values["upper"]:
                self._report(
                    file,
                    row.position,
                    Code.WRONG_VALUE_TYPE,
                    Text(
                        f"table {table.name!r}, band {row.key!r}: lower {row.values['lower']} "
                        f"is not below upper {row.values['upper']}",
                        f"tabella {table.name!r}, fascia {row.key!r}: lower "
                        f"{row.values['lower']} non è sotto upper {row.values['upper']}",
                    ),
                )
                ok = False
        # The bands in force together must not overlap, on every stretch of dates.
        reported: set[tuple[str, str]] = set()
        for day in table.change_days:
            rows = [row for row in table.versions if row.holds_on(day)]
            bands = sorted(rows, key=lambda row: (row.values["lower"], row.values["upper"]))
            for band, following in itertools.pairwise(bands):
                pair = (band.key, following.key)
                if following.values["lower"] < band.values["upper"] and pair not in reported:
                    reported.add(pair)
                    self._report(
                        file,
                        following.position,
                        Code.DATES_OVERLAP,
                        Text(
                            f"table {table.name!r}: bands {band.key!r} and {following.key!r} "
                            f"overlap from {day}",
                            f"tabella {table.name!r}: le fasce {band.key!r} e "
                            f"{following.key!r} si sovrappongono dal {day}",
                        ),
                        Text(
                            "make each band's lower equal to the upper of the band below",
                            "fai coincidere lower di ogni fascia con upper di quella sotto",
                        ),
                    )
                    ok = False
        return ok

    def _derivations(
        self,
        mine: list[tuple[_File, int, RuleDoc]],
        roots: dict[str, Schema],
        params: dict[str, Type],
        nonzero: frozenset[str],
    ) -> dict[str, Type]:
        """Type every derived value, in dependency order, reporting cycles."""
        docs: dict[str, tuple[_File, int, RuleDoc]] = {}
        for file, index, doc in mine:
            if doc.derive is None:
                continue
            if doc.derive in docs:
                self._report(
                    file.path,
                    file.yaml.source.value(("rules", index, "derive")),
                    Code.DUPLICATE_NAME,
                    Text(
                        f"derived value {doc.derive!r} is computed by two rules",
                        f"il valore calcolato {doc.derive!r} è calcolato da due regole",
                    ),
                    Text("give one of them another name", "dai a una delle due un altro nome"),
                )
                continue
            docs[doc.derive] = (file, index, doc)
        types: dict[str, Type] = {}
        order, cyclic = _dependency_order(
            {name: _derived_names(doc.value or "") for name, (_, _, doc) in docs.items()}
        )
        for name in cyclic:
            file, index, doc = docs[name]
            self._report(
                file.path,
                file.yaml.source.value(("rules", index, "value")),
                Code.DERIVATION_CYCLE,
                Text(
                    f"derived value {name!r} depends on itself through {', '.join(sorted(cyclic))}",
                    f"il valore calcolato {name!r} dipende da se stesso attraverso "
                    f"{', '.join(sorted(cyclic))}",
                ),
            )
        for name in order:
            file, index, doc = docs[name]
            assert doc.value is not None
            node = self._expression(
                file,
                ("rules", index, "value"),
                doc.value,
                Scope(roots, params, dict(types), nonzero),
                "formula",
            )
            if node is not None:
                types[name] = node.type
            else:
                self.unchecked.add(name)
        return types

    def _rule(
        self, file: _File, index: int, doc: RuleDoc, case_type: str, scope: Scope
    ) -> Rule | None:
        at: YamlPath = ("rules", index)
        parts: dict[str, Node | None] = {}
        ok = True
        for key, context in (("when", "condition"), ("require", "condition"), ("value", "formula")):
            text = getattr(doc, key)
            if text is None:
                parts[key] = None
                continue
            if key == "value" and doc.derive not in scope.derived:
                return None  # already reported while typing derived values
            parts[key] = node = self._expression(file, (*at, key), text, scope, context)  # type: ignore[arg-type]
            if node is None:
                ok = False
            elif key != "value" and node.type.base != "bool":
                self._report(
                    file.path,
                    file.yaml.source.value((*at, key)),
                    Code.TYPE_MISMATCH,
                    Text(
                        f"'{key}' must be a condition (true or false), not a {node.type}",
                        f"'{key}' deve essere una condizione (vera o falsa), non un {node.type}",
                    ),
                    Text(
                        "compare the value, e.g. '... > 0' or '... == \"x\"'",
                        "confronta il valore, per esempio '... > 0' o '... == \"x\"'",
                    ),
                )
                ok = False
        shows = self._message_placeholders(file, index, doc, scope)
        if not ok or shows is None:
            return None
        reads = references_of(*(node for node in parts.values() if node is not None))
        return Rule(
            id=doc.id,
            case_type=case_type,
            doc=doc,
            file=self._file(file.path),
            position=file.yaml.source.value(at),
            when=parts["when"],
            require=parts["require"],
            derive=doc.derive,
            value=parts["value"],
            reads=reads,
            shows=shows,
            stratum=0,
        )

    def _message_placeholders(
        self, file: _File, index: int, doc: RuleDoc, scope: Scope
    ) -> tuple[Ref, ...] | None:
        """The fields a message shows, each checked like a name in an expression."""
        if doc.message is None:
            return ()
        found: dict[str, Ref] = {}
        ok = True
        for language in ("it", "en"):
            text = getattr(doc.message, language)
            if text is None:
                continue
            where: YamlPath = ("rules", index, "message", language)
            try:
                names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
            except ValueError as error:
                self._report(
                    file.path,
                    file.yaml.source.value(where),
                    Code.EXPRESSION_SYNTAX,
                    Text(
                        f"message: the braces {{ }} do not match ({error})",
                        f"message: le graffe {{ }} non si corrispondono ({error})",
                    ),
                    Text(
                        "write {field.name} for a value, {{ and }} for a brace",
                        "scrivi {campo.nome} per un valore, {{ e }} per una graffa",
                    ),
                )
                ok = False
                continue
            for name in names:
                node = self._expression(file, where, name, scope, "condition", offset=False)
                if node is None:
                    ok = False
                elif not isinstance(node, Ref) or node.dotted != name:
                    self._report(
                        file.path,
                        file.yaml.source.value(where),
                        Code.FORBIDDEN_CONSTRUCT,
                        Text(
                            f"message placeholder {{{name}}} must name a field",
                            f"il segnaposto {{{name}}} del messaggio deve nominare un campo",
                        ),
                    )
                    ok = False
                else:
                    found[name] = node
        return tuple(found.values()) if ok else None

    def _expression(
        self,
        file: _File,
        where: YamlPath,
        text: str,
        scope: Scope,
        context: typing.Literal["condition", "formula"],
        offset: bool = True,
    ) -> Node | None:
        try:
            return parse(text, scope, context)
        except ExpressionError as error:
            if error.subject is None or error.subject not in self.unchecked:
                position = _expression_position(file.yaml, where, error.at if offset else (1, 0))
                self._report(file.path, position, error.code, error.text, error.hint)
            return None


def references_of(*nodes: Node) -> tuple[Ref, ...]:
    seen: dict[tuple[str, ...], Ref] = {}
    for node in nodes:
        for ref in references(node):
            seen.setdefault(ref.path, ref)
    return tuple(seen.values())


def _with_strata(rules: list[Rule], producers: dict[str, Rule]) -> list[Rule]:
    """Give each rule the stratum after the derived values it reads (no cycles remain)."""
    memo: dict[str, int] = {}

    def stratum(rule: Rule) -> int:
        if rule.id not in memo:
            below = [
                stratum(producers[ref.path[1]]) + 1
                for ref in rule.reads
                if ref.path[0] == "derived" and ref.path[1] in producers
            ]
            memo[rule.id] = max(below, default=0)
        return memo[rule.id]

    return [replace(rule, stratum=stratum(rule)) for rule in rules]


def _derived_names(text: str) -> set[str]:
    """Names read as ``derived.NAME`` in a formula, found syntactically (before typing)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return set()
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "derived"
    }


def _dependency_order(graph: dict[str, set[str]]) -> tuple[list[str], set[str]]:
    """A topological order of the acyclic part of ``graph``, and the names on cycles."""
    order: list[str] = []
    state: dict[str, str] = {}
    cyclic: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            cyclic.update(trail[trail.index(name) :])
            return
        state[name] = "open"
        for dependency in sorted(graph[name] & graph.keys()):
            visit(dependency, [*trail, dependency])
        state[name] = "done"
        order.append(name)

    for name in graph:
        visit(name, [name])
    return [name for name in order if name not in cyclic], cyclic


def _change_days(
    manifest: ManifestDoc, parameters: Mapping[str, Parameter], tables: Mapping[str, Table]
) -> tuple[dt.date, ...]:
    """The rule set's first day and every day in its period on which some parameter value
    or table row starts or stops: between two of them, everything is as on the first."""
    start, end = manifest.in_force.from_, manifest.in_force.to
    days = {start}
    for parameter in parameters.values():
        for dated in parameter.values:
            days.add(dated.from_)
            if dated.to is not None and dated.to < dt.date.max:
                days.add(dated.to + dt.timedelta(days=1))
    for table in tables.values():
        days.update(table.change_days)
    return tuple(sorted(day for day in days if start <= day <= end))


def _gaps(doc: ParameterDoc, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, int]]:
    """Stretches of the in-force period where a parameter has no value (values are ordered)."""
    gaps = []
    cursor = start
    for index, item in enumerate(doc.values):
        if item.from_ > cursor and cursor <= end:
            gaps.append((cursor, min(item.from_ - dt.timedelta(days=1), end), index))
        if item.to is None or item.to >= end:
            return gaps
        cursor = max(cursor, item.to + dt.timedelta(days=1))
    if cursor <= end:
        gaps.append((cursor, end, len(doc.values) - 1))
    return gaps


def expression_position(document: YamlDocument, where: YamlPath, at: tuple[int, int]) -> Position:
    """The place in a rule file of offset ``at`` inside the expression at ``where``."""
    return _expression_position(document, where, at)


def _expression_position(document: YamlDocument, where: YamlPath, at: tuple[int, int]) -> Position:
    base = document.source.value(where)
    style = document.source.styles.get(where)
    traced = _traced_position(document, where, base, style, at)
    if traced is not None:
        return traced
    line_number, column = at
    if style in ("|", ">"):
        return _indented(document.text, base.line + line_number, column)
    if line_number == 1:
        return Position(base.line, base.column + column + (1 if style in ("'", '"') else 0))
    return _indented(document.text, base.line + line_number - 1, column)


def _traced_position(
    document: YamlDocument,
    where: YamlPath,
    base: Position,
    style: str | None,
    at: tuple[int, int],
) -> Position | None:
    """Where the expression's character at ``at`` is written, found by walking the source
    from the scalar's start: YAML folds a plain, quoted or ``>`` scalar's line breaks into
    spaces, so a place on the expression's one line may lie on a later line of the file.
    None when the walk cannot follow the scalar (escapes)."""
    value: Any = document.data
    for part in where:
        if not isinstance(value, dict | list):
            return None
        try:
            value = value[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    lines = stripped.split("\n")
    line_number, column = at
    if not 0 < line_number <= len(lines):
        return None
    target = (
        len(value) - len(value.lstrip()) + sum(len(line) + 1 for line in lines[: line_number - 1])
    )
    target += column
    text = document.text
    starts = [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]
    if base.line > len(starts):
        return None
    index = starts[base.line - 1] + base.column - 1
    if style in ("|", ">"):
        index = text.find("\n", index) + 1  # the content starts on the next line
    elif style in ("'", '"'):
        index += 1
    for position, char in enumerate(value):
        while index < len(text) and text[index] != char:
            if not text[index].isspace():
                return None  # an escape or a quote doubled: leave it to the simple rule
            index += 1
        if index >= len(text):
            return None
        if position == target:
            line = text.count("\n", 0, index) + 1
            return Position(line, index - starts[line - 1] + 1)
        index += 1
    return None


def _indented(text: str, line: int, column: int) -> Position:
    lines = text.splitlines()
    content = lines[line - 1] if 0 < line <= len(lines) else ""
    return Position(line, len(content) - len(content.lstrip()) + column + 1)


def _declared_names(data: object) -> set[str]:
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


def _value_problem(error: ValueError) -> tuple[Text, Text | None]:
    if isinstance(error, ValueProblemError):
        return error.text, error.hint
    return Text(str(error), str(error)), None


def _misspelt_required(item: Any, items: list[Any]) -> bool:
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


def _allowed_keys(model: type[BaseModel], loc: YamlPath) -> list[str]:
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


__all__ = ["RuleSetError", "check_ruleset", "content_hash", "load_ruleset", "load_sources"]
