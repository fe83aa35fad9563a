"""Branch coverage of a rule set: what each rule can do, and whether some example did it.

"Every rule seen met and not met" cannot see inside a rule. This lists, for every rule of
a checked rule set, each thing it can do, with its place in the rule file:

- a requirement: not applicable (its ``when`` failed), when it has a ``when``;
- ``a if c else b``: each branch taken;
- ``min``/``max``: each argument the one that won;
- ``and``/``or``: each operand deciding the outcome (short-circuit coverage): an operand
  of ``or`` before the last making it true, the last making it true and false; for
  ``and`` the same with false and true. An escape added as ``... or x > 19000000`` that
  no example reaches with ``x`` above the limit is named, with its position;
- a ``match: band`` lookup: each row of its table hit.

The examples are decided again by the reference evaluator, the specification, whose
matcher receives each case's engine data (derived values included): every rule is traced
on it with the reference's own semantics. Nothing in the engine is instrumented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from capcoe_rules.engine.compiler import Exception_
from capcoe_rules.engine.engine import ReferenceEvaluator, ReferenceMatcher
from capcoe_rules.engine.interpreter import arithmetic, compare, read
from capcoe_rules.errors import CaseError, EvaluationError, Text
from capcoe_rules.language.expressions import (
    Arithmetic,
    Call,
    Choice,
    Compare,
    Const,
    ListOf,
    Logic,
    Member,
    Negate,
    Node,
    Not,
    Ref,
    walk,
)
from capcoe_rules.language.numbers import absolute, negate, normalise
from capcoe_rules.language.problems import Position
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.language.stages.positions import expression_position
from capcoe_rules.language.yaml_source import YamlDocument, load_yaml


@dataclass
class Branch:
    """One thing a rule can do, and how many examples did it."""

    rule_id: str
    file: str
    position: Position
    said: Text
    """What the examples never did, in Italian and English."""
    seen: int = 0

    @property
    def what(self) -> str:
        """What the examples never did, in English."""
        return self.said.en

    @property
    def place(self) -> str:
        return f"{self.file}:{self.position.line}:{self.position.column}"

    def text(self, language: str = "en") -> str:
        """``file:line:col: RULE-ID: what`` in ``language``."""
        return f"{self.place}: {self.rule_id}: {self.said.pick(language)}"

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class BranchCoverage:
    branches: list[Branch] = field(default_factory=list)

    @property
    def missed(self) -> list[Branch]:
        return [branch for branch in self.branches if not branch.seen]

    @property
    def ratio(self) -> float:
        if not self.branches:
            return 1.0
        return (len(self.branches) - len(self.missed)) / len(self.branches)


Key = tuple[int, str]
"""A branch of one node: the node's identity and what it did (nodes compare by value,
so two equal expressions of two rules are told apart by identity)."""


class _Catalogue:
    """Every branch of a rule set, by node and by band row, with its place in the files."""

    def __init__(self, ruleset: CheckedRuleSet) -> None:
        self.ruleset = ruleset
        self.by_key: dict[Key, Branch] = {}
        self.rows: dict[tuple[str, str, str], Branch] = {}
        self.ordered: list[Branch] = []
        self._documents: dict[str, YamlDocument | None] = {}
        for case_rules in ruleset.cases.values():
            for rule in case_rules.rules:
                self._rule(rule)
            for lookup in case_rules.lookups:
                if lookup.doc.match == "band":
                    self._band_rows(case_rules, lookup.name)

    # -- places ---------------------------------------------------------------------------

    def _source(self, display: str) -> tuple[str, YamlDocument | None]:
        """The rule file shown as ``display``, as the checker parsed it."""
        for relative, text in self.ruleset.sources.items():
            if display == relative or display.endswith("/" + relative):
                if relative not in self._documents:
                    self._documents[relative] = load_yaml(text, display)[0]
                return relative, self._documents[relative]
        return display, None

    def _origin(self) -> str:
        """The folder rule files are shown in (``rules`` in ``rules/priorita/punteggio.yaml``)."""
        for case_rules in self.ruleset.cases.values():
            for rule in case_rules.rules:
                for relative in self.ruleset.sources:
                    if rule.file.endswith("/" + relative):
                        return rule.file[: -len(relative) - 1]
        return ""

    def _place(self, rule: Rule, key: str, node: Node) -> Position:
        _, document = self._source(rule.file)
        if document is None:
            return rule.position
        rules = document.data.get("rules", []) if isinstance(document.data, dict) else []
        index = next((i for i, doc in enumerate(rules) if doc.get("id") == rule.id), None)
        if index is None:
            return rule.position
        return expression_position(document, ("rules", index, key), node.at)

    def _add(self, key: Key, branch: Branch) -> None:
        self.by_key[key] = branch
        self.ordered.append(branch)

    # -- branches ---------------------------------------------------------------------------

    def _rule(self, rule: Rule) -> None:
        if rule.when is not None and rule.require is not None:
            branch = Branch(
                rule.id,
                rule.file,
                self._place(rule, "when", rule.when),
                Text(
                    "never not applicable (its 'when' never failed)",
                    "mai non applicabile (il suo 'when' non è mai risultato falso)",
                ),
            )
            self._add((id(rule), "not_applicable"), branch)
        for key in ("when", "require", "value"):
            node = getattr(rule, key)
            if node is not None:
                for item in walk(node):
                    self._node(rule, key, item)

    def _node(self, rule: Rule, key: str, node: Node) -> None:
        def add(target: Node, label: str, what: Text) -> None:
            self._add(
                (id(node), label), Branch(rule.id, rule.file, self._place(rule, key, target), what)
            )

        match node:
            case Choice(then=then, otherwise=otherwise):
                then_text, otherwise_text = render(then), render(otherwise)
                add(
                    then,
                    "then",
                    Text(
                        f"'if' branch `{then_text}` never taken",
                        f"ramo 'if' `{then_text}` mai preso",
                    ),
                )
                add(
                    otherwise,
                    "else",
                    Text(
                        f"'else' branch `{otherwise_text}` never taken",
                        f"ramo 'else' `{otherwise_text}` mai preso",
                    ),
                )
            case Call(function="min" | "max" as function, args=args):
                for index, arg in enumerate(args):
                    shown = render(arg)
                    never_won = Text(
                        f"{function}() argument `{shown}` never won",
                        f"l'argomento `{shown}` di {function}() non ha mai vinto",
                    )
                    add(arg, f"arg{index}", never_won)
            case Logic(op=op, operands=operands):
                short = op == "or"  # the value that ends the evaluation
                for index, operand in enumerate(operands):
                    shown = render(operand)
                    add(operand, f"{index}:{short}", _never_decided(op, shown, short))
                    if index == len(operands) - 1:
                        add(operand, f"{index}:{not short}", _never_decided(op, shown, not short))

    def _band_rows(self, case_rules: CaseRules, lookup: str) -> None:
        found = next(item for item in case_rules.lookups if item.name == lookup)
        table = found.table
        display = f"{self._origin()}/{table.file}" if self._origin() else table.file
        _, document = self._source(table.file)
        for index, row in enumerate(table.versions):
            key = row.key
            if (case_rules.case_type, lookup, key) in self.rows:
                continue  # a key's later dated rows: one branch per band
            position = (
                document.source.value(("tables", table.name, "rows", index))
                if document is not None
                else table.position
            )
            branch = Branch(
                f"{lookup} ({case_rules.case_type})",
                display,
                position,
                Text(
                    f"band row {key!r} of table {table.name!r} never hit",
                    f"fascia {key!r} della tabella {table.name!r} mai raggiunta",
                ),
            )
            self.rows[(case_rules.case_type, lookup, key)] = branch
            self.ordered.append(branch)


def render(node: Node) -> str:
    """An expression as a reader would write it (money constants in euros)."""
    match node:
        case Const(value=value):
            if node.type.base == "money" and isinstance(value, int):
                return str(Decimal(value) / 100)
            if node.type.base in ("date", "datetime"):
                return f'{node.type.base}("{value}")'
            return repr(value) if isinstance(value, str) else str(value)
        case Ref():
            return node.dotted
        case ListOf(items=items):
            return "[" + ", ".join(render(item) for item in items) + "]"
        case Not(operand=operand):
            return f"not {_inner(operand)}"
        case Negate(operand=operand):
            return f"-{_inner(operand)}"
        case Logic(op=op, operands=operands):
            return f" {op} ".join(_inner(operand) for operand in operands)
        case Compare(op=op, left=left, right=right) | Arithmetic(op=op, left=left, right=right):
            return f"{_inner(left)} {op} {_inner(right)}"
        case Member(item=item, container=container, negated=negated):
            return f"{_inner(item)} {'not in' if negated else 'in'} {_inner(container)}"
        case Call(function=function, args=args):
            return f"{function}({', '.join(render(arg) for arg in args)})"
        case Choice(test=test, then=then, otherwise=otherwise):
            return f"{_inner(then)} if {_inner(test)} else {_inner(otherwise)}"
    return type(node).__name__


def _inner(node: Node) -> str:
    simple = isinstance(node, Const | Ref | ListOf | Call)
    return render(node) if simple else f"({render(node)})"


def _never_decided(op: str, operand: str, value: bool) -> Text:
    word = "true" if value else "false"
    return Text(
        f"'{op}' operand `{operand}` never made it {word}",
        f"l'operando `{operand}` di '{op}' non l'ha mai resa {'vera' if value else 'falsa'}",
    )


class _Tracer:
    """The reference interpreter's semantics, recording each branch a case takes."""

    def __init__(self, catalogue: _Catalogue) -> None:
        self.catalogue = catalogue

    def hit(self, node: object, label: str) -> None:
        branch = self.catalogue.by_key.get((id(node), label))
        if branch is not None:
            branch.seen += 1

    def evaluate(self, node: Node, data: Any) -> Any:
        match node:
            case Const(value=value):
                return value
            case Ref(path=path):
                return read(data, path)
            case ListOf(items=items):
                return tuple(self.evaluate(item, data) for item in items)
            case Not(operand=operand):
                return not self.evaluate(operand, data)
            case Negate(operand=operand):
                return negate(self.evaluate(operand, data))
            case Logic(op=op, operands=operands):
                return self._logic(node, op == "or", operands, data)
            case Compare(op=op, left=left, right=right):
                return compare(op, self.evaluate(left, data), self.evaluate(right, data))
            case Member(item=item, container=container, negated=negated):
                found = self.evaluate(item, data) in self.evaluate(container, data)
                return found != negated
            case Arithmetic(op=op, left=left, right=right):
                return arithmetic(op, self.evaluate(left, data), self.evaluate(right, data))
            case Call(function=function, args=args):
                return self._call(node, function, args, data)
            case Choice(test=test, then=then, otherwise=otherwise):
                taken = bool(self.evaluate(test, data))
                self.hit(node, "then" if taken else "else")
                return self.evaluate(then if taken else otherwise, data)
        raise TypeError(f"cannot trace {type(node).__name__}")

    def _logic(self, node: Node, short: bool, operands: tuple[Node, ...], data: Any) -> bool:
        for index, operand in enumerate(operands):
            value = bool(self.evaluate(operand, data))
            if value == short or index == len(operands) - 1:
                self.hit(node, f"{index}:{value}")
                return value
        raise AssertionError("a logical operator has operands")

    def _call(self, node: Node, function: str, args: tuple[Node, ...], data: Any) -> Any:
        values = [self.evaluate(arg, data) for arg in args]
        if function == "abs":
            return absolute(values[0])
        result = min(values) if function == "min" else max(values)
        self.hit(node, f"arg{values.index(result)}")
        return normalise(result)


class _TracingMatcher(ReferenceMatcher):
    """The reference's matcher, tracing every rule on each case's engine data first."""

    def __init__(self, case_rules: CaseRules, tracer: Callable[[CaseRules, dict[str, Any]], None]):
        super().__init__(case_rules)
        self._case_rules = case_rules
        self._tracer = tracer

    def exceptions(self, data: dict[str, Any]) -> Sequence[tuple[Rule, Exception_]]:
        self._tracer(self._case_rules, data)
        return super().exceptions(data)


def branch_coverage(
    ruleset: CheckedRuleSet, cases: Sequence[tuple[Any, dt.date | None]]
) -> BranchCoverage:
    """The branches of ``ruleset`` that deciding ``cases`` (case, as-of date) exercises."""
    catalogue = _Catalogue(ruleset)
    tracer = _Tracer(catalogue)

    def trace(case_rules: CaseRules, data: dict[str, Any]) -> None:
        for rule in case_rules.rules:
            _trace_rule(tracer, rule, data)
        for lookup in case_rules.lookups:
            row = catalogue.rows.get((case_rules.case_type, lookup.name, _row_key(lookup, data)))
            if row is not None:
                row.seen += 1

    reference = ReferenceEvaluator(ruleset, lambda rules: _TracingMatcher(rules, trace))
    for case, as_of in cases:
        try:
            reference.evaluate(case, as_of=as_of)
        except (CaseError, EvaluationError):
            continue  # a refused case takes no branch
    return BranchCoverage(catalogue.ordered)


def _row_key(lookup: Any, data: dict[str, Any]) -> str:
    row = data.get(lookup.name, {})
    return str(row.get(lookup.table.key, ""))


def _trace_rule(tracer: _Tracer, rule: Rule, data: dict[str, Any]) -> None:
    try:
        if rule.require is None:
            assert rule.value is not None
            tracer.evaluate(rule.value, data)
            return
        if rule.when is not None and not tracer.evaluate(rule.when, data):
            tracer.hit(rule, "not_applicable")
            return
        tracer.evaluate(rule.require, data)
    except EvaluationError:
        return  # the reference raises too: the decision reports it, not the coverage
