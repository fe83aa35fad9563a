"""Stage: reference tables, typed rows dated with from/to, no key twice in force on a day."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.documents import (
    ManifestDoc,
    TableDoc,
)
from capcoe_rules.language.mistakes import italian_date, known_names
from capcoe_rules.language.problems import Problem
from capcoe_rules.language.ruleset import (
    Table,
    TableRow,
)
from capcoe_rules.language.stages.context import CheckContext, RuleFile, value_problem
from capcoe_rules.language.types import TYPE_NAMES, Type
from capcoe_rules.language.values import encode
from capcoe_rules.language.yaml_source import Path as YamlPath

DATE_COLUMNS = frozenset({"from", "to"})
"""Keys of a table row that date it rather than hold a value."""


def tables(ctx: CheckContext, files: list[RuleFile], manifest: ManifestDoc) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for file in files:
        for name, doc in file.doc.tables.items():
            if name in tables:
                ctx.report(
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
            table = _table(ctx, file, name, doc, manifest)
            if table is not None:
                tables[name] = table
    return tables


def _table(
    ctx: CheckContext, file: RuleFile, name: str, doc: TableDoc, manifest: ManifestDoc
) -> Table | None:
    source = file.yaml.source
    if doc.key not in doc.columns or doc.columns[doc.key] != "text":
        ctx.report(
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
        ctx.report(
            file.path,
            source.key(("tables", name, "columns", reserved[0])),
            Code.WRONG_VALUE_TYPE,
            Text(
                f"table {name!r}: {reserved[0]!r} is not a column name: 'from' and 'to' date a row",
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
        converted = _table_row(ctx, file, name, doc.key, columns, row, at, manifest)
        if converted is not None:
            versions.append(converted)
    if not _versions_follow_each_other(ctx, file, name, versions):
        return None
    return Table(
        name, doc.key, columns, tuple(versions), doc, file.path, source.key(("tables", name))
    )


def _table_row(
    ctx: CheckContext,
    file: RuleFile,
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
            ctx.report(
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
            ctx.report(
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
            reason, hint = value_problem(error)
            ctx.report(
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
            ctx.report(
                file.path,
                source.value((*at, end)),
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"table {table!r}: {end!r} must be a date (year-month-day), found {value!r}",
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
        ctx.report(
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
    ctx: CheckContext, file: RuleFile, table: str, versions: list[TableRow]
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
            where = ctx.file(file.path)
            if earlier.from_ == later.from_:
                ctx.problems.append(
                    Problem.of(
                        where,
                        later.position,
                        Code.DUPLICATE_NAME,
                        Text(
                            f"table {table!r}: two rows with key {key!r} from {later.from_}",
                            f"tabella {table!r}: due righe con chiave {key!r} dal {later.from_}",
                        ),
                        Text("keep one of them", "tienine una sola"),
                    )
                )
                ok = False
            elif earlier.to is None or earlier.to >= later.from_:
                until = "further notice" if earlier.to is None else str(earlier.to)
                ctx.problems.append(
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
                ctx.problems.append(
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
