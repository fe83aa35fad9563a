"""Stage: for each kind of case, its lookups, its derived values in dependency order and
its rules, every expression parsed and type-checked against the case's fields.
"""

from __future__ import annotations

import itertools
import string
import typing
from dataclasses import replace

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.documents import (
    ManifestDoc,
    RuleDoc,
)
from capcoe_rules.language.expressions import ExpressionError, Node, Ref, Scope, parse, references
from capcoe_rules.language.mistakes import known_names
from capcoe_rules.language.ruleset import (
    CaseRules,
    Lookup,
    Parameter,
    Rule,
    Table,
)
from capcoe_rules.language.stages.context import MANIFEST, CheckContext, RuleFile
from capcoe_rules.language.stages.positions import expression_position
from capcoe_rules.language.syntax import parse_syntax
from capcoe_rules.language.types import TYPE_NAMES, Schema, Type, schema_of
from capcoe_rules.language.yaml_source import Path as YamlPath
from capcoe_rules.language.yaml_source import YamlDocument
from capcoe_rules.models.cases import RULE_SUBJECTS


def case_rules(
    ctx: CheckContext,
    case_type: str,
    files: list[RuleFile],
    manifest: ManifestDoc,
    manifest_yaml: YamlDocument,
    tables: dict[str, Table],
    parameters: dict[str, Parameter],
) -> CaseRules:
    roots: dict[str, Schema] = {case_type: schema_of(RULE_SUBJECTS[case_type])}
    lookups = _lookups(ctx, case_type, manifest, manifest_yaml, tables, roots)
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
    derived_types = _derivations(ctx, mine, roots, params, nonzero)
    scope = Scope(roots, params, derived_types, nonzero)
    rules = [
        rule
        for file, index, doc in mine
        if (rule := _rule(ctx, file, index, doc, case_type, scope)) is not None
    ]
    producers = {rule.derive: rule for rule in rules if rule.derive is not None}
    return CaseRules(case_type, lookups, tuple(_with_strata(rules, producers)), derived_types)


def _lookups(
    ctx: CheckContext,
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
            ctx.report(
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
            ctx.report(
                MANIFEST,
                manifest_yaml.source.value((*at, "key")),
                error.code,
                Text(f"lookup {name!r}: ", f"collegamento {name!r}: ") + error.text,
                error.hint,
            )
            continue
        wanted = "text" if doc.match == "exact" else "number"
        if not isinstance(key, Ref) or key.type.base != wanted or key.type.nullable:
            ctx.report(
                MANIFEST,
                manifest_yaml.source.value((*at, "key")),
                Code.TYPE_MISMATCH,
                Text(
                    f"lookup {name!r}: the key must be a {wanted} field",
                    f"collegamento {name!r}: la chiave deve essere un campo di tipo {wanted}",
                ),
            )
            continue
        if doc.match == "band" and not _bands_make_sense(ctx, name, table):
            continue
        roots[name] = dict(table.columns)
        found.append(Lookup(name, table, key, doc))
    return tuple(found)


def _bands_make_sense(ctx: CheckContext, lookup: str, table: Table) -> bool:
    """A band table has number columns lower (inclusive) and upper (exclusive), and
    its bands do not overlap, so that any value falls in at most one band."""
    file, position = table.file, table.position
    if any(table.columns.get(column) != TYPE_NAMES["number"] for column in ("lower", "upper")):
        ctx.report(
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
        ctx.report(
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
            ctx.report(
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
                ctx.report(
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
    ctx: CheckContext,
    mine: list[tuple[RuleFile, int, RuleDoc]],
    roots: dict[str, Schema],
    params: dict[str, Type],
    nonzero: frozenset[str],
) -> dict[str, Type]:
    """Type every derived value, in dependency order, reporting cycles."""
    docs: dict[str, tuple[RuleFile, int, RuleDoc]] = {}
    for file, index, doc in mine:
        if doc.derive is None:
            continue
        if doc.derive in docs:
            ctx.report(
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
        ctx.report(
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
        node = _expression(
            ctx,
            file,
            ("rules", index, "value"),
            doc.value,
            Scope(roots, params, dict(types), nonzero),
            "formula",
        )
        if node is not None:
            types[name] = node.type
        else:
            ctx.unchecked.add(name)
    return types


def _rule(
    ctx: CheckContext, file: RuleFile, index: int, doc: RuleDoc, case_type: str, scope: Scope
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
        parts[key] = node = _expression(ctx, file, (*at, key), text, scope, context)  # type: ignore[arg-type]
        if node is None:
            ok = False
        elif key != "value" and node.type.base != "bool":
            ctx.report(
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
    shows = _message_placeholders(ctx, file, index, doc, scope)
    if not ok or shows is None:
        return None
    reads = references_of(*(node for node in parts.values() if node is not None))
    return Rule(
        id=doc.id,
        case_type=case_type,
        doc=doc,
        file=ctx.file(file.path),
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
    ctx: CheckContext, file: RuleFile, index: int, doc: RuleDoc, scope: Scope
) -> tuple[Ref, ...] | None:
    """The fields a message shows, each checked like a name in an expression."""
    if doc.message is None:
        return ()
    found: dict[str, Ref] = {}
    ok = True
    for language in ("it", "en"):
        text = getattr(doc.message, language)
        if text is None:
            continue  # only en, the last of the two, may be missing: Label.it is required
        where: YamlPath = ("rules", index, "message", language)
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
        except ValueError as error:
            ctx.report(
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
            node = _expression(ctx, file, where, name, scope, "condition", offset=False)
            if node is None:
                ok = False
            elif not isinstance(node, Ref) or node.dotted != name:
                ctx.report(
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
    ctx: CheckContext,
    file: RuleFile,
    where: YamlPath,
    text: str,
    scope: Scope,
    context: typing.Literal["condition", "formula"],
    offset: bool = True,
) -> Node | None:
    try:
        return parse(text, scope, context)
    except ExpressionError as error:
        if error.subject is None or error.subject not in ctx.unchecked:
            position = expression_position(file.yaml, where, error.at if offset else (1, 0))
            ctx.report(file.path, position, error.code, error.text, error.hint)
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
    """Names read as ``derived.NAME`` in a formula, from its syntax tree (before typing;
    a formula that does not parse depends on nothing, and is reported when typed)."""
    try:
        return parse_syntax(text).derived_names()
    except ExpressionError:
        return set()


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
