"""Stage: parameters, each a typed value per period, with no gap or overlap in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.documents import (
    ManifestDoc,
    ParameterDoc,
)
from capcoe_rules.language.ruleset import (
    DatedValue,
    Parameter,
    Table,
)
from capcoe_rules.language.stages.context import CheckContext, RuleFile, value_problem
from capcoe_rules.language.types import TYPE_NAMES
from capcoe_rules.language.values import encode
from capcoe_rules.language.yaml_source import Path as YamlPath


def parameters(
    ctx: CheckContext, files: list[RuleFile], manifest: ManifestDoc
) -> dict[str, Parameter]:
    parameters: dict[str, Parameter] = {}
    for file in files:
        for name, doc in file.doc.parameters.items():
            where: YamlPath = ("parameters", name)
            if name in parameters:
                ctx.report(
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
            values = _dated_values(ctx, file, name, doc, manifest)
            if values is not None:
                parameters[name] = Parameter(name, TYPE_NAMES[doc.type], values, doc, file.path)
            else:
                ctx.unchecked.add(name)
    return parameters


def _dated_values(
    ctx: CheckContext, file: RuleFile, name: str, doc: ParameterDoc, manifest: ManifestDoc
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
            reason, hint = value_problem(error)
            ctx.report(
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
            ctx.report(
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
            ctx.report(
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
            ctx.report(
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
            ctx.report(
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
        ctx.report(
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


def change_days(
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
