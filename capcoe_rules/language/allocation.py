"""The allocation round declared in the rule files: checked, typed, ready for the allocator.

A rule set may declare one round (the ``allocation:`` section of a rule file, see
:class:`~capcoe_rules.language.documents.AllocationDoc`). This stage of the checker
resolves every name it uses against the rule set (case fields, derived values, lookups,
parameters, tables) and refuses, with the place to look at:

- a field, criterion, parameter, table or column that does not exist, or of the wrong
  type (E012-E016, E022, E023, E041);
- a method's steps out of order or missing (E040);
- caps that do not add up on some day: the pools' quotas must add up to the total, and
  the profile caps to the pools open to applications (E042);
- a method parameter naming a method that is not declared, a weight or key value below
  zero, or weights and keys that are all zero on some day (E022, E041).

The result, :class:`Allocation`, is all the generic allocator
(:mod:`capcoe_rules.allocation`) reads: no name of the programme lives in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.documents import (
    AllocationDoc,
    KeyStep,
    Label,
    LabelsDoc,
    MethodDoc,
    ServeStep,
    ShareStep,
)
from capcoe_rules.language.expressions import ExpressionError, Ref, Scope, parse
from capcoe_rules.language.mistakes import known_names
from capcoe_rules.language.problems import Position, Report
from capcoe_rules.language.ruleset import CaseRules, Parameter, Table
from capcoe_rules.language.types import Schema, Type, schema_of
from capcoe_rules.models.cases import RULE_SUBJECTS

if TYPE_CHECKING:  # the loader itself is not needed by a rule set read from the cache
    from capcoe_rules.language.yaml_source import Path as YamlPath
    from capcoe_rules.language.yaml_source import SourceMap

STEP_ORDER = "quotas, then key (optional), then share or serve, then profiles"
STEP_ORDER_IT = "quotas, poi key (facoltativo), poi share o serve, poi profiles"
ROUND_CASE = "application"
"""The kind of case a round shares posts among."""


@dataclass(frozen=True)
class Labels:
    """Labels of a field's values: ``column`` of the row of ``table`` keyed by the value."""

    table: Table
    column: str

    def label(self, value: str, day: dt.date) -> str:
        row = self.table.rows_on(day).get(value)
        return value if row is None else str(row[self.column])


@dataclass(frozen=True)
class Pool:
    name: str
    title: Label
    quota: str
    """Parameter name."""
    admits: frozenset[str]

    @property
    def reserved(self) -> bool:
        """Posts no application draws on."""
        return not self.admits


@dataclass(frozen=True)
class Profile:
    name: str
    title: Label
    request: Ref
    cap: str
    """Parameter name."""


@dataclass(frozen=True)
class Criterion:
    name: str
    title: Label
    value: Ref


@dataclass(frozen=True)
class Key:
    """A ``key`` step: each pool's posts split among the groups by ``column`` of ``table``."""

    table: Table
    column: str

    def weights_on(self, day: dt.date) -> dict[str, Decimal]:
        return {
            group: Decimal(str(row[self.column]))
            for group, row in sorted(self.table.rows_on(day).items())
        }


Weight = Decimal | str
"""A weight: a number, or the name of the number parameter holding it."""


@dataclass(frozen=True)
class Method:
    """A method of the round: its steps, as the allocator runs them."""

    name: str
    doc: MethodDoc
    key: Key | None
    share: tuple[tuple[Criterion, Weight], ...] | None
    """The ``share`` step's criteria and weights; None for ``serve`` (rank order)."""

    def weights_on(self, values: Mapping[str, object]) -> tuple[Decimal, ...]:
        """The share step's weights, with parameters read from ``values`` (a day's)."""
        assert self.share is not None
        return tuple(
            weight if isinstance(weight, Decimal) else Decimal(str(values[weight]))
            for _, weight in self.share
        )


@dataclass(frozen=True)
class Allocation:
    """A checked allocation round declaration."""

    doc: AllocationDoc
    case_type: str
    file: str
    position: Position
    takes_part: Ref
    takes_part_values: frozenset[str]
    identity: tuple[Ref, ...]
    several: Literal["refuse", "keep_latest"]
    total: str
    method: str
    """Parameter naming the method in force."""
    order: Criterion
    pool_field: Ref
    pool_labels: Labels | None
    pools: tuple[Pool, ...]
    group_field: Ref
    group_labels: Labels | None
    profiles: tuple[Profile, ...]
    criteria: dict[str, Criterion]
    methods: dict[str, Method]

    def pool_of(self, value: str) -> Pool | None:
        """The pool an application with ``value`` in the pools' field draws on."""
        return next((pool for pool in self.pools if value in pool.admits), None)

    @property
    def cap_parameters(self) -> tuple[str, ...]:
        """Every number parameter a round reads: total, quotas, profile caps."""
        return (
            self.total,
            *(pool.quota for pool in self.pools),
            *(profile.cap for profile in self.profiles),
        )


def check_allocation(
    docs: Iterable[tuple[str, SourceMap, str, AllocationDoc]],
    cases: Mapping[str, CaseRules],
    parameters: Mapping[str, Parameter],
    tables: Mapping[str, Table],
    change_days: tuple[dt.date, ...],
    report: Report,
) -> Allocation | None:
    """The rule set's allocation, checked; ``docs`` are (file, positions, case type,
    document) of every file declaring one (at most one may). ``change_days`` are the days
    in the rule set's period on which some parameter or table row changes, starting with
    its first day: sums and weights are checked on each."""
    found = list(docs)
    if not found:
        return None
    for path, source, _, _ in found[1:]:
        report(
            path,
            source.key(("allocation",)),
            Code.DUPLICATE_NAME,
            Text(
                f"a rule set declares one allocation round (the first is in {found[0][0]})",
                f"un insieme di regole dichiara un solo riparto (il primo è in {found[0][0]})",
            ),
        )
    path, source, case_type, doc = found[0]
    if case_type != ROUND_CASE:
        report(
            path,
            source.key(("allocation",)),
            Code.TYPE_MISMATCH,
            Text(
                f"an allocation round shares posts among applications: its file must say "
                f"'case: {ROUND_CASE}', not 'case: {case_type}'",
                f"un riparto divide i posti tra le domande: il suo file deve dire "
                f"'case: {ROUND_CASE}', non 'case: {case_type}'",
            ),
        )
        return None
    checker = _AllocationChecker(
        path, source, case_type, doc, cases[case_type], parameters, tables, change_days, report
    )
    return checker.run()


class _AllocationChecker:
    def __init__(
        self,
        path: str,
        source: SourceMap,
        case_type: str,
        doc: AllocationDoc,
        case_rules: CaseRules,
        parameters: Mapping[str, Parameter],
        tables: Mapping[str, Table],
        change_days: tuple[dt.date, ...],
        report: Report,
    ) -> None:
        self.path = path
        self.source = source
        self.case_type = case_type
        self.doc = doc
        self.parameters = parameters
        self.tables = tables
        self.days = change_days
        self._report = report
        self.ok = True
        roots: dict[str, Schema] = {case_type: schema_of(RULE_SUBJECTS[case_type])}
        for lookup in case_rules.lookups:
            roots[lookup.name] = dict(lookup.table.columns)
        self.scope = Scope(roots, {}, case_rules.derived_types)

    def report(self, where: YamlPath, code: str, message: Text, key: bool = False) -> None:
        at = ("allocation", *where)
        position = self.source.key(at) if key else self.source.value(at)
        self._report(self.path, position, code, message)
        self.ok = False

    # -- names ------------------------------------------------------------------------------

    def field(self, where: YamlPath, text: str, bases: tuple[str, ...], what: str) -> Ref | None:
        """A name the round reads from each application (or its decision)."""
        try:
            node = parse(text, self.scope, "formula")
        except ExpressionError as error:
            self.report(where, error.code, Text(f"{what}: ", f"{what}: ") + error.text)
            return None
        if not isinstance(node, Ref) or node.path[0] == "params":
            self.report(
                where,
                Code.TYPE_MISMATCH,
                Text(
                    f"{what} must name a field, a derived value or a lookup",
                    f"{what} deve nominare un campo, un valore calcolato o un collegamento",
                ),
            )
            return None
        if node.type.base not in bases:
            self.report(
                where,
                Code.TYPE_MISMATCH,
                Text(
                    f"{what} {text!r} is {node.type}, expected {' or '.join(bases)}",
                    f"{what} {text!r} è {node.type}, atteso {' o '.join(bases)}",
                ),
            )
            return None
        return node

    def closed_values(self, where: YamlPath, ref: Ref, values: Iterable[str]) -> None:
        known = ref.type.values
        for index, value in enumerate(values):
            if known is not None and value not in known:
                self.report(
                    (*where, index),
                    Code.UNKNOWN_VALUE,
                    Text(
                        f"{ref.dotted} never takes the value {value!r}",
                        f"{ref.dotted} non assume mai il valore {value!r}",
                    )
                    + known_names(value, known),
                )

    def parameter(self, where: YamlPath, name: str, base: str, what: str) -> Parameter | None:
        parameter = self.parameters.get(name)
        if parameter is None:
            self.report(
                where,
                Code.UNKNOWN_PARAMETER,
                Text(
                    f"{what}: unknown parameter {name!r}", f"{what}: parametro {name!r} sconosciuto"
                )
                + known_names(name, self.parameters),
            )
            return None
        if parameter.type.base != base:
            self.report(
                where,
                Code.TYPE_MISMATCH,
                Text(
                    f"{what}: parameter {name!r} is {parameter.type}, expected {base}",
                    f"{what}: il parametro {name!r} è {parameter.type}, atteso {base}",
                ),
            )
            return None
        return parameter

    def posts(self, where: YamlPath, name: str, what: str) -> str | None:
        """A parameter holding a whole number of posts on every day."""
        parameter = self.parameter(where, name, "number", what)
        if parameter is None:
            return None
        for dated in parameter.values:
            value = dated.value
            if value != int(value) or value < 0:
                self.report(
                    where,
                    Code.WRONG_VALUE_TYPE,
                    Text(
                        f"{what}: parameter {name!r} is {value} from {dated.from_}, not a whole "
                        "number of posts",
                        f"{what}: il parametro {name!r} vale {value} dal {dated.from_}, non un "
                        "numero intero di posti",
                    ),
                )
                return None
        return name

    def labels(self, where: YamlPath, doc: LabelsDoc | None) -> Labels | None:
        if doc is None:
            return None
        table = self.tables.get(doc.table)
        if table is None:
            self.report(
                (*where, "table"),
                Code.UNKNOWN_TABLE,
                Text(f"unknown table {doc.table!r}", f"tabella {doc.table!r} sconosciuta")
                + known_names(doc.table, self.tables),
            )
            return None
        if doc.column not in table.columns:
            self.report(
                (*where, "column"),
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"table {doc.table!r} has no column {doc.column!r}",
                    f"la tabella {doc.table!r} non ha la colonna {doc.column!r}",
                )
                + known_names(doc.column, table.columns),
            )
            return None
        return Labels(table, doc.column)

    # -- the declaration ----------------------------------------------------------------------

    def run(self) -> Allocation | None:
        doc = self.doc
        takes_part = self.field(("takes_part", "field"), doc.takes_part.field, ("text",), "field")
        if takes_part is not None:
            self.closed_values(("takes_part", "values"), takes_part, doc.takes_part.values)
        identity = [
            self.field(("one_request_per_body", "identity", index), text, _SCALARS, "identity")
            for index, text in enumerate(doc.one_request_per_body.identity)
        ]
        total = self.posts(("total",), doc.total, "total")
        self.parameter(("method",), doc.method, "text", "method")
        pool_field = self.field(("pools", "field"), doc.pools.field, ("text",), "pools' field")
        pools = self.pools(pool_field)
        group_field = self.field(("groups", "field"), doc.groups.field, ("text",), "groups' field")
        profiles = [
            self.profile(name, profile.request, profile.cap)
            for name, profile in doc.profiles.items()
        ]
        criteria = {
            name: Criterion(name, criterion.title, ref)
            for name, criterion in doc.criteria.items()
            if (ref := self.field(("criteria", name, "value"), criterion.value, _NUMBERS, name))
        }
        order = criteria.get(doc.order)
        if order is None and doc.order not in doc.criteria:
            self.report(
                ("order",),
                Code.ALLOCATION_UNKNOWN,
                Text(f"unknown criterion {doc.order!r}", f"criterio {doc.order!r} sconosciuto")
                + known_names(doc.order, doc.criteria),
            )
        methods = {
            name: method
            for name, method_doc in doc.methods.items()
            if (method := self.method(name, method_doc, criteria)) is not None
        }
        self.method_parameter_names_methods()
        if total is not None and None not in pools and None not in profiles:
            self.caps_add_up(total, [p for p in pools if p], [p for p in profiles if p])
        pool_labels = self.labels(("pools", "labels"), doc.pools.labels)
        group_labels = self.labels(("groups", "labels"), doc.groups.labels)
        if (
            not self.ok
            or takes_part is None
            or None in identity
            or total is None
            or pool_field is None
            or group_field is None
            or order is None
        ):
            return None
        return Allocation(
            doc=doc,
            case_type=self.case_type,
            file=self.path,
            position=self.source.key(("allocation",)),
            takes_part=takes_part,
            takes_part_values=frozenset(doc.takes_part.values),
            identity=tuple(ref for ref in identity if ref is not None),
            several=doc.one_request_per_body.several,
            total=total,
            method=doc.method,
            order=order,
            pool_field=pool_field,
            pool_labels=pool_labels,
            pools=tuple(pool for pool in pools if pool is not None),
            group_field=group_field,
            group_labels=group_labels,
            profiles=tuple(profile for profile in profiles if profile is not None),
            criteria=criteria,
            methods=methods,
        )

    def pools(self, field: Ref | None) -> list[Pool | None]:
        pools: list[Pool | None] = []
        owner: dict[str, str] = {}
        for name, pool in self.doc.pools.quotas.items():
            where: YamlPath = ("pools", "quotas", name)
            quota = self.posts((*where, "quota"), pool.quota, f"pool {name!r}")
            if field is not None:
                self.closed_values((*where, "admits"), field, pool.admits)
            for index, value in enumerate(pool.admits):
                if value in owner:
                    self.report(
                        (*where, "admits", index),
                        Code.DUPLICATE_NAME,
                        Text(
                            f"{value!r} is admitted by pools {owner[value]!r} and {name!r}",
                            f"{value!r} è ammesso sia dalla quota {owner[value]!r} sia da {name!r}",
                        ),
                    )
                owner.setdefault(value, name)
            pools.append(
                None if quota is None else Pool(name, pool.title, quota, frozenset(pool.admits))
            )
        return pools

    def profile(self, name: str, request: str, cap: str) -> Profile | None:
        where: YamlPath = ("profiles", name)
        ref = self.field((*where, "request"), request, ("number",), f"profile {name!r}")
        posts = self.posts((*where, "cap"), cap, f"profile {name!r}")
        if ref is None or posts is None:
            return None
        return Profile(name, self.doc.profiles[name].title, ref, posts)

    def method(self, name: str, doc: MethodDoc, criteria: Mapping[str, Criterion]) -> Method | None:
        where: YamlPath = ("methods", name, "steps")
        kinds = [step.step for step in doc.steps]
        expected = ["quotas", "key", "share", "profiles"]
        shape = [kind if kind != "serve" else "share" for kind in kinds]
        if shape not in (expected, [kind for kind in expected if kind != "key"]):
            self.report(
                where,
                Code.ALLOCATION_STEPS,
                Text(
                    f"method {name!r}: steps {', '.join(kinds)} are not in the order the round "
                    f"runs them: {STEP_ORDER}",
                    f"metodo {name!r}: i passi {', '.join(kinds)} non sono nell'ordine in cui "
                    f"il riparto li esegue: {STEP_ORDER_IT}",
                ),
            )
            return None
        key: Key | None = None
        share: tuple[tuple[Criterion, Weight], ...] | None = None
        for index, step in enumerate(doc.steps):
            if isinstance(step, KeyStep):
                key = self.key((*where, index), step)
            elif isinstance(step, ShareStep):
                share = self.share((*where, index, "weights"), step, criteria)
            elif isinstance(step, ServeStep):
                share = None
        if ("key" in kinds and key is None) or ("share" in kinds and share is None):
            return None
        return Method(name, doc, key, share)

    def key(self, where: YamlPath, step: KeyStep) -> Key | None:
        table = self.tables.get(step.table)
        if table is None:
            self.report(
                (*where, "table"),
                Code.UNKNOWN_TABLE,
                Text(
                    f"unknown key table {step.table!r}",
                    f"tabella della chiave {step.table!r} sconosciuta",
                )
                + known_names(step.table, self.tables),
            )
            return None
        if table.columns.get(step.column, Type("null")).base != "number":
            self.report(
                (*where, "column"),
                Code.WRONG_VALUE_TYPE,
                Text(
                    f"key table {step.table!r} has no number column {step.column!r}",
                    f"la tabella della chiave {step.table!r} non ha la colonna numerica "
                    f"{step.column!r}",
                ),
            )
            return None
        key = Key(table, step.column)
        for row in table.versions:
            if row.values[step.column] < 0:
                self._report(
                    table.file,
                    row.position,
                    Code.WRONG_VALUE_TYPE,
                    Text(
                        f"key table {table.name!r}, row {row.key!r}: a key is never below 0",
                        f"tabella della chiave {table.name!r}, riga {row.key!r}: una chiave non "
                        "è mai sotto 0",
                    ),
                )
                self.ok = False
        for day in self.days:
            if not any(weight > 0 for weight in key.weights_on(day).values()):
                self.report(
                    (*where, "table"),
                    Code.WRONG_VALUE_TYPE,
                    Text(
                        f"key table {step.table!r} gives no group a share on {day}",
                        f"la tabella della chiave {step.table!r} non dà una quota a nessun "
                        f"gruppo il {day}",
                    ),
                )
                break
        return key

    def share(
        self, where: YamlPath, step: ShareStep, criteria: Mapping[str, Criterion]
    ) -> tuple[tuple[Criterion, Weight], ...] | None:
        found: list[tuple[Criterion, Weight]] = []
        parameters: list[str] = []
        constant = Decimal(0)
        for name, weight in step.weights.items():
            criterion = criteria.get(name)
            if criterion is None:
                if name not in self.doc.criteria:
                    self.report(
                        (*where, name),
                        Code.ALLOCATION_UNKNOWN,
                        Text(f"unknown criterion {name!r}", f"criterio {name!r} sconosciuto")
                        + known_names(name, self.doc.criteria),
                        key=True,
                    )
                continue
            if isinstance(weight, str):
                if self.parameter((*where, name), weight, "number", f"weight of {name!r}"):
                    found.append((criterion, weight))
                    parameters.append(weight)
                continue
            number = Decimal(str(weight))
            if number < 0:
                self.report(
                    (*where, name),
                    Code.WRONG_VALUE_TYPE,
                    Text(f"weight of {name!r} is below 0", f"il peso di {name!r} è sotto 0"),
                )
                continue
            found.append((criterion, number))
            constant += number
        if len(found) != len(step.weights):
            return None
        for day in self.days:
            values = [self.parameters[name].value_on(day) for name in parameters]
            if any(value < 0 for value in values):
                self.report(
                    where,
                    Code.WRONG_VALUE_TYPE,
                    Text(f"a weight is below 0 on {day}", f"un peso è sotto 0 il {day}"),
                )
                return None
            if constant + sum(values, Decimal(0)) <= 0:
                self.report(
                    where,
                    Code.WRONG_VALUE_TYPE,
                    Text(f"every weight is 0 on {day}", f"tutti i pesi sono 0 il {day}"),
                )
                return None
        return tuple(found)

    def method_parameter_names_methods(self) -> None:
        parameter = self.parameters.get(self.doc.method)
        if parameter is None or parameter.type.base != "text":
            return
        for dated in parameter.values:
            if dated.value not in self.doc.methods:
                self.report(
                    ("method",),
                    Code.ALLOCATION_UNKNOWN,
                    Text(
                        f"parameter {parameter.name!r} names method {dated.value!r} from "
                        f"{dated.from_} ({parameter.file}), which is not declared",
                        f"il parametro {parameter.name!r} nomina il metodo {dated.value!r} dal "
                        f"{dated.from_} ({parameter.file}), che non è dichiarato",
                    )
                    + known_names(str(dated.value), self.doc.methods),
                )

    def caps_add_up(self, total: str, pools: list[Pool], profiles: list[Profile]) -> None:
        """On every day something changes: the quotas add up to the total, the profile
        caps to the quotas open to applications."""
        names = {total, *(pool.quota for pool in pools), *(profile.cap for profile in profiles)}
        for day in self.days:
            value = {name: self.parameters[name].value_on(day) for name in names}
            quotas = sum(value[pool.quota] for pool in pools)
            open_quotas = sum(value[pool.quota] for pool in pools if not pool.reserved)
            caps = sum(value[profile.cap] for profile in profiles)
            if quotas != value[total]:
                self.report(
                    ("pools", "quotas"),
                    Code.ALLOCATION_CAPS,
                    Text(
                        f"on {day} the pools' quotas add up to {quotas}, the total "
                        f"{total!r} is {value[total]}",
                        f"il {day} le quote sommano a {quotas}, il totale {total!r} è "
                        f"{value[total]}",
                    ),
                    key=True,
                )
                return
            if caps != open_quotas:
                self.report(
                    ("profiles",),
                    Code.ALLOCATION_CAPS,
                    Text(
                        f"on {day} the profile caps add up to {caps}, the pools open to "
                        f"applications to {open_quotas}",
                        f"il {day} i tetti dei profili sommano a {caps}, le quote aperte alle "
                        f"domande a {open_quotas}",
                    ),
                    key=True,
                )
                return


_SCALARS = ("text", "number", "bool", "date", "datetime")
_NUMBERS = ("number", "money")
