"""The expression language of conditions and formulas: a safe, typed subset of Python.

Text is parsed with :mod:`ast` and nothing is ever evaluated by Python: the syntax tree is
checked against a whitelist and turned into the small typed tree below, which the engine
compiles to durable_rules and the reference evaluator interprets. Names resolve against a
:class:`Scope` (case fields, lookups, parameters, derived values), so an unknown field, a
misspelt parameter or a text compared with a number is refused before anything runs.
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Literal

from capcoe_rules.errors import Code, ExpressionError, Text, ValueProblemError
from capcoe_rules.language.mistakes import expression_mistake, known_names
from capcoe_rules.language.numbers import (
    MAX_EXPONENT,
    OPERATIONS,
    NotComputableError,
    absolute,
    negate,
    normalise,
)
from capcoe_rules.language.syntax import (
    MAX_CHARACTERS,
    Offset,
    Syntax,
    parse_syntax,
    refuse_forbidden,
)
from capcoe_rules.language.syntax import at as _at
from capcoe_rules.language.types import (
    BOOL,
    DATE,
    DATETIME,
    MONEY,
    NULL,
    NUMBER,
    TEXT,
    Schema,
    Type,
)
from capcoe_rules.language.values import encode

ComparisonOp = Literal["==", "!=", "<", "<=", ">", ">="]
ArithmeticOp = Literal["+", "-", "*", "/"]


@dataclass(frozen=True, slots=True)
class Node:
    type: Type
    at: Offset = field(compare=False)


@dataclass(frozen=True, slots=True)
class Const(Node):
    value: object


@dataclass(frozen=True, slots=True)
class Ref(Node):
    """A name read from the evaluation's data, e.g. ``("application", "area")``."""

    path: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Arithmetic(Node):
    op: ArithmeticOp
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: ComparisonOp
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Member(Node):
    item: Node
    container: Node
    negated: bool


@dataclass(frozen=True, slots=True)
class Logic(Node):
    op: Literal["and", "or"]
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Call(Node):
    function: Literal["min", "max", "abs"]
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Choice(Node):
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class ListOf(Node):
    items: tuple[Node, ...]


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children."""
    yield node
    for child in _children(node):
        yield from walk(child)


def _children(node: Node) -> tuple[Node, ...]:
    match node:
        case Negate(operand=operand) | Not(operand=operand):
            return (operand,)
        case Arithmetic(left=left, right=right) | Compare(left=left, right=right):
            return (left, right)
        case Member(item=item, container=container):
            return (item, container)
        case Logic(operands=items) | Call(args=items) | ListOf(items=items):
            return items
        case Choice(test=test, then=then, otherwise=otherwise):
            return (test, then, otherwise)
    return ()


def references(node: Node) -> list[Ref]:
    """The names an expression reads, in order of first appearance, without repeats."""
    seen: dict[tuple[str, ...], Ref] = {}
    for item in walk(node):
        if isinstance(item, Ref) and item.path not in seen:
            seen[item.path] = item
    return list(seen.values())


@dataclass(frozen=True)
class Scope:
    """What names mean where an expression is checked.

    ``roots`` are namespaces of fields (the case, lookups); ``params`` and ``derived`` are
    flat maps of names to types, read as ``params.NAME`` and ``derived.NAME``.
    """

    roots: Mapping[str, Schema]
    params: Mapping[str, Type]
    derived: Mapping[str, Type]
    nonzero_params: frozenset[str] = frozenset()
    """Parameters none of whose dated values is zero: safe divisors."""


Context = Literal["condition", "formula"]

# Functions by where they may be used: durable_rules conditions cannot call functions, so
# min/max/abs belong in derived values, whose results conditions then read.
LITERAL_FUNCTIONS = ("date", "datetime")
FORMULA_FUNCTIONS = ("min", "max", "abs")
ORDERED = ("number", "money", "date", "datetime")
COMPARISONS: dict[type[ast.cmpop], ComparisonOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
COMPLEMENT: dict[ComparisonOp, ComparisonOp] = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
}
"""``not (a op b)`` is ``a COMPLEMENT[op] b``: every ordered type has a total order."""
MIRROR: dict[ComparisonOp, ComparisonOp] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    ">": "<",
    "<=": ">=",
    ">=": "<=",
}
"""``a op b`` is ``b MIRROR[op] a``."""
ARITHMETIC: dict[type[ast.operator], ArithmeticOp] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}


PLAIN_NODES: dict[type[ast.AST], Text] = {
    ast.Tuple: Text("a list of values without [ ]", "un elenco di valori senza [ ]"),
    ast.Dict: Text("a mapping { }", "un elenco di chiavi { }"),
    ast.Set: Text("a set { }", "un insieme { }"),
    ast.JoinedStr: Text("a text with {...} inside", "un testo con {...} dentro"),
    ast.Starred: Text("'*'", "'*'"),
    ast.BinOp: Text("this operator", "questo operatore"),
    ast.UnaryOp: Text("this operator", "questo operatore"),
}

TEXT_LITERAL_LIMIT = 10_000
NAMED_CONSTANTS = {"true": True, "false": False}
TYPES = {"date": DATE, "datetime": DATETIME}
"""YAML's spelling of the booleans, accepted beside Python's True and False."""


def parse(text: str, scope: Scope, context: Context) -> Node:
    """Parse and type-check one expression. Raises :class:`ExpressionError`.

    A common mistake (``=`` for ``==``, Italian words for operators...) is recognised first,
    against the names of the scope, and said in its own words."""
    source = text.strip()
    if len(source) <= MAX_CHARACTERS:  # a longer one is refused as too large, below
        mistake = expression_mistake(source, scope.roots)
        if mistake is not None:
            message, hint, at = mistake
            raise ExpressionError(Code.EXPRESSION_SYNTAX, message, at, hint)
    return typecheck(parse_syntax(text), scope, context)


def typecheck(syntax: Syntax, scope: Scope, context: Context) -> Node:
    """The typed tree of an expression already found safe by :func:`parse_syntax`."""
    return _Checker(scope, context, syntax.source).check(syntax.tree)


class _Checker:
    def __init__(self, scope: Scope, context: Context, source: str = "") -> None:
        self.scope = scope
        self.context = context
        self.source = source
        self.known: list[tuple[Node, bool]] = []
        """Conditions that hold (True) or fail (False) wherever the node being checked
        is evaluated: earlier operands of ``and``/``or``, the test of ``a if t else b``."""

    @contextlib.contextmanager
    def _assuming(self, condition: Node, holds: bool) -> Iterator[None]:
        self.known.append((condition, holds))
        try:
            yield
        finally:
            self.known.pop()

    def check(self, node: ast.AST) -> Node:
        refuse_forbidden(node)
        match node:
            case ast.Constant():
                return self._constant(node)
            case ast.Name() | ast.Attribute():
                return self._reference(node)
            case ast.BoolOp():
                op: Literal["and", "or"] = "and" if isinstance(node.op, ast.And) else "or"
                return Logic(BOOL, _at(node), op, self._operands(node.values, op == "and"))
            case ast.UnaryOp(op=ast.Not()):
                return Not(BOOL, _at(node), self._boolean(node.operand))
            case ast.UnaryOp(op=ast.USub()):
                operand = self.check(node.operand)
                if operand.type.base not in ("number", "money"):
                    raise self._mismatch(
                        node, f"cannot negate a {operand.type}", f"un {operand.type} non ha segno"
                    )
                if isinstance(operand, Const):
                    assert isinstance(operand.value, int | Decimal)
                    return Const(operand.type, _at(node), negate(operand.value))
                return Negate(operand.type, _at(node), operand)
            case ast.BinOp() if type(node.op) in ARITHMETIC:
                return self._arithmetic(node)
            case ast.Compare():
                return self._compare(node)
            case ast.Call():
                return self._call(node)
            case ast.IfExp():
                return self._choice(node)
            case ast.List() | ast.Tuple():
                return self._list(node)
        what = PLAIN_NODES.get(type(node), Text("this construct", "questo costrutto"))
        raise ExpressionError(
            Code.FORBIDDEN_CONSTRUCT,
            what + Text(" is not allowed here", " non è ammesso qui"),
            _at(node),
        )

    # -- safety -----------------------------------------------------------------------------

    # -- leaves -----------------------------------------------------------------------------

    def _constant(self, node: ast.Constant) -> Const:
        value = node.value
        if value is None:
            return Const(NULL, _at(node), None)
        if isinstance(value, bool):
            return Const(BOOL, _at(node), value)
        if isinstance(value, int | float):
            return Const(NUMBER, _at(node), self._number(node))
        if isinstance(value, str):
            if len(value) > TEXT_LITERAL_LIMIT:
                raise ExpressionError(
                    Code.EXPRESSION_TOO_LARGE,
                    Text(
                        f"text of {len(value):,} characters (at most {TEXT_LITERAL_LIMIT:,} in a "
                        "rule)",
                        f"testo di {len(value):,} caratteri (al massimo {TEXT_LITERAL_LIMIT:,} in "
                        "una regola)",
                    ),
                    _at(node),
                    Text("put it in a parameter", "mettilo in un parametro"),
                )
            return Const(TEXT, _at(node), value)
        raise ExpressionError(
            Code.FORBIDDEN_CONSTRUCT,
            Text(f"constant {value!r} is not allowed", f"la costante {value!r} non è ammessa"),
            _at(node),
        )

    def _operands(self, values: list[ast.expr], holds: bool) -> tuple[Node, ...]:
        """Operands of ``and`` (``holds``) or ``or``: each is evaluated only when the
        earlier ones held (failed), which guards a division in it."""
        operands: list[Node] = []
        with contextlib.ExitStack() as stack:
            for value in values:
                operand = self._boolean(value)
                operands.append(operand)
                stack.enter_context(self._assuming(operand, holds))
        return tuple(operands)

    def _number(self, node: ast.Constant) -> int | Decimal:
        """The number exactly as written: ``0.1`` is one tenth, ``1e-7`` a ten-millionth."""
        written = ast.get_source_segment(self.source, node) or repr(node.value)
        try:
            number = Decimal(written.replace("_", ""))
        except InvalidOperation:
            number = Decimal(repr(node.value))
        if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
            raise ExpressionError(
                Code.TYPE_MISMATCH,
                Text(
                    f"number {written} is out of range (at most {MAX_EXPONENT} digits before or "
                    "after the decimal point)",
                    f"il numero {written} è fuori scala (al massimo {MAX_EXPONENT} cifre prima o "
                    "dopo il punto decimale)",
                ),
                _at(node),
            )
        return normalise(number)

    def _reference(self, node: ast.Name | ast.Attribute) -> Node:
        if isinstance(node, ast.Name) and node.id in NAMED_CONSTANTS:
            return Const(BOOL, _at(node), NAMED_CONSTANTS[node.id])
        path: list[str] = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            refuse_forbidden(current)
            path.insert(0, current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text(
                    "a field can only be read from a name such as application.area",
                    "un campo si legge solo da un nome come application.area",
                ),
                _at(current),
            )
        refuse_forbidden(current)
        path.insert(0, current.id)
        return Ref(self._resolve(path, node), _at(node), tuple(path))

    def _resolve(self, path: list[str], node: ast.AST) -> Type:
        root, rest = path[0], path[1:]
        if root in ("params", "derived"):
            table = self.scope.params if root == "params" else self.scope.derived
            if len(rest) != 1:
                raise ExpressionError(
                    Code.UNKNOWN_NAME,
                    Text(
                        f"write {root}.NAME, not {'.'.join(path)}",
                        f"scrivi {root}.NOME, non {'.'.join(path)}",
                    ),
                    _at(node),
                )
            if rest[0] not in table:
                code, what = (
                    (Code.UNKNOWN_PARAMETER, Text("unknown parameter", "parametro sconosciuto"))
                    if root == "params"
                    else (
                        Code.UNKNOWN_NAME,
                        Text("unknown derived value", "valore calcolato sconosciuto"),
                    )
                )
                raise ExpressionError(
                    code,
                    what + Text(f" {rest[0]!r}", f" {rest[0]!r}") + known_names(rest[0], table),
                    _at(node),
                    subject=rest[0],
                )
            return table[rest[0]]
        if root not in self.scope.roots:
            raise ExpressionError(
                Code.UNKNOWN_NAME,
                Text(f"unknown name {root!r}", f"nome {root!r} sconosciuto")
                + known_names(root, [*self.scope.roots, "params", "derived"]),
                _at(node),
                subject=root,
            )
        current: Type | Schema = self.scope.roots[root]
        for depth, part in enumerate(rest, start=1):
            if not isinstance(current, dict) or part not in current:
                where = ".".join(path[:depth])
                raise ExpressionError(
                    Code.UNKNOWN_NAME,
                    Text(
                        f"unknown field {part!r} in {where}",
                        f"campo {part!r} sconosciuto in {where}",
                    )
                    + known_names(part, current if isinstance(current, dict) else ()),
                    _at(node),
                    subject=part,
                )
            current = current[part]
        if isinstance(current, dict):
            known = ", ".join(sorted(current))
            raise ExpressionError(
                Code.UNKNOWN_NAME,
                Text(
                    f"{'.'.join(path)} is a group of fields: pick one of {known}",
                    f"{'.'.join(path)} è un gruppo di campi: scegline uno tra {known}",
                ),
                _at(node),
            )
        return current

    # -- composite nodes ----------------------------------------------------------------------

    def _boolean(self, node: ast.AST) -> Node:
        checked = self.check(node)
        if checked.type.base != "bool" or checked.type.nullable:
            raise self._mismatch(
                node,
                f"expected a condition (true/false), found {checked.type}",
                f"attesa una condizione (vera o falsa), trovato {checked.type}",
            )
        return checked

    def _arithmetic(self, node: ast.BinOp) -> Node:
        op = ARITHMETIC[type(node.op)]
        left, right = self.check(node.left), self.check(node.right)
        if op in ("+", "-"):  # amount + 100 adds euros; amount * 2 doubles it
            left, right = _unify_money(left, right)
        for side in (left, right):
            if side.type.base not in ("number", "money") or side.type.nullable:
                raise self._mismatch(
                    node,
                    f"arithmetic needs numbers or money, found {side.type}",
                    f"i calcoli vogliono numeri o importi, trovato {side.type}",
                )
        result = _arithmetic_type(op, left.type, right.type)
        if result is None:
            raise self._mismatch(
                node,
                f"cannot compute {left.type} {op} {right.type}",
                f"non si può calcolare {left.type} {op} {right.type}",
            )
        if op == "/" and not self._nonzero(right):
            raise ExpressionError(
                Code.UNSAFE_DIVISION,
                Text(
                    "division by a value that can be zero",
                    "divisione per un valore che può essere zero",
                ),
                _at(node.right),
                Text(
                    "guard it: 'a / b if b != 0 else 0' in a derived value, or "
                    "'b != 0 and a / b > 1' in a condition",
                    "proteggila: 'a / b if b != 0 else 0' in un valore calcolato, o "
                    "'b != 0 and a / b > 1' in una condizione",
                ),
            )
        if isinstance(left, Const) and isinstance(right, Const):
            assert isinstance(left.value, int | Decimal) and isinstance(right.value, int | Decimal)
            with contextlib.suppress(NotComputableError):  # 0 / 0 behind a false guard
                return Const(result, _at(node), OPERATIONS[op](left.value, right.value))
        return Arithmetic(result, _at(node), op, left, right)

    # -- guards ------------------------------------------------------------------------------

    def _nonzero(self, divisor: Node) -> bool:
        """Whether ``divisor`` cannot be zero where it is evaluated."""
        if any(_rules_out_zero(divisor, fact, holds) for fact, holds in self.known):
            return True
        match divisor:
            case Const(value=value):
                return value != 0
            case Negate(operand=operand):
                return self._nonzero(operand)
            case Arithmetic(op="*" | "/", left=left, right=right):
                return self._nonzero(left) and (divisor.op == "/" or self._nonzero(right))
            case Ref(path=("params", name)) if name in self.scope.nonzero_params:
                return True
        return False

    def _compare(self, node: ast.Compare) -> Node:
        pairs: list[Node] = []
        left = self.check(node.left)
        with contextlib.ExitStack() as stack:  # a < b < c: b < c only when a < b holds
            for op_node, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.check(right_node)
                if isinstance(op_node, ast.In | ast.NotIn):
                    pair = self._member(node, left, right, isinstance(op_node, ast.NotIn))
                elif type(op_node) in COMPARISONS:
                    pair = self._comparison(node, COMPARISONS[type(op_node)], left, right)
                else:
                    raise ExpressionError(
                        Code.FORBIDDEN_CONSTRUCT,
                        Text(
                            "this comparison is not allowed (use == != < <= > >= in, not in)",
                            "questo confronto non è ammesso (usa == != < <= > >= in, not in)",
                        ),
                        _at(node),
                    )
                pairs.append(pair)
                stack.enter_context(self._assuming(pair, True))
                left = right
        return pairs[0] if len(pairs) == 1 else Logic(BOOL, _at(node), "and", tuple(pairs))

    def _comparison(self, node: ast.AST, op: ComparisonOp, left: Node, right: Node) -> Node:
        left, right = _unify_money(left, right)
        if NULL in (left.type, right.type):
            other = right if left.type == NULL else left
            if op not in ("==", "!=") or not (other.type.nullable or other.type == NULL):
                raise self._mismatch(
                    node,
                    f"{other.type} is never null: compare it with a value",
                    f"{other.type} non è mai null: confrontalo con un valore",
                )
            return Compare(BOOL, _at(node), op, left, right)
        if not left.type.same_kind(right.type):
            raise self._mismatch(
                node,
                f"cannot compare {left.type} with {right.type}",
                f"non si può confrontare {left.type} con {right.type}",
            )
        if left.type.base == "list":
            raise self._mismatch(
                node,
                "lists cannot be compared: use 'in' or 'not in'",
                "le liste non si confrontano: usa 'in' o 'not in'",
            )
        if op not in ("==", "!="):
            if left.type.base not in ORDERED:
                raise self._mismatch(
                    node,
                    f"{left.type} values have no order: use == or !=",
                    f"i valori {left.type} non hanno un ordine: usa == o !=",
                )
            if left.type.nullable or right.type.nullable:
                raise self._mismatch(
                    node,
                    "a value that may be null cannot be ordered",
                    "un valore che può essere null non si ordina",
                )
        self._known_value(left, right)
        self._known_value(right, left)
        return Compare(BOOL, _at(node), op, left, right)

    def _member(self, node: ast.AST, item: Node, container: Node, negated: bool) -> Node:
        if container.type.base != "list":
            raise self._mismatch(
                node,
                f"'in' needs a list on its right, found {container.type}",
                f"'in' vuole una lista a destra, trovato {container.type}",
            )
        element_type = container.type.item
        assert element_type is not None
        if isinstance(container, ListOf) and element_type.base == "null":
            element_type = item.type.plain()
            container = ListOf(replace(container.type, item=element_type), container.at, ())
        item, _ = _unify_money(item, Const(element_type, item.at, 0))
        if not item.type.same_kind(element_type):
            raise self._mismatch(
                node,
                f"cannot look for {item.type} in {container.type}",
                f"non si può cercare {item.type} in {container.type}",
            )
        if isinstance(container, ListOf):
            container = ListOf(
                container.type,
                container.at,
                tuple(_unify_money(element, item)[0] for element in container.items),
            )
            for element in container.items:
                self._known_value(element, item)
        return Member(BOOL, _at(node), item, container, negated)

    def _known_value(self, constant: Node, field_: Node) -> None:
        allowed = field_.type.values
        if isinstance(constant, Const) and allowed is not None and constant.value not in allowed:
            raise ExpressionError(
                Code.UNKNOWN_VALUE,
                Text(
                    f"{constant.value!r} is not a value of {_describe(field_)}",
                    f"{constant.value!r} non è un valore di {_describe(field_)}",
                )
                + known_names(str(constant.value), allowed),
                constant.at,
            )

    def _call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text(
                    "only named functions can be called",
                    "si possono chiamare solo funzioni con un nome",
                ),
                _at(node),
            )
        refuse_forbidden(node.func)
        name = node.func.id
        if node.keywords:
            raise ExpressionError(
                Code.MISUSED_FUNCTION,
                Text(
                    f"{name}() takes no 'name=value' arguments",
                    f"{name}() non accetta argomenti 'nome=valore'",
                ),
                _at(node),
            )
        if name in LITERAL_FUNCTIONS:
            return self._date_literal(node, name)
        if name not in FORMULA_FUNCTIONS:
            allowed = ", ".join(f"{fn}()" for fn in (*LITERAL_FUNCTIONS, *FORMULA_FUNCTIONS))
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text(
                    f"the function {name}() does not exist in rules",
                    f"la funzione {name}() non esiste nelle regole",
                )
                + known_names(name, [*LITERAL_FUNCTIONS, *FORMULA_FUNCTIONS]),
                _at(node),
                Text(f"functions: {allowed}", f"funzioni: {allowed}"),
            )
        if self.context == "condition":
            raise ExpressionError(
                Code.MISUSED_FUNCTION,
                Text(
                    f"{name}() can be used in a derived value, not in a condition",
                    f"{name}() si usa in un valore calcolato, non in una condizione",
                ),
                _at(node),
                Text(
                    "compute it first as a derived value (derive:, value:) and read derived.NAME",
                    "calcolalo prima come valore (derive:, value:) e leggi derived.NOME",
                ),
            )
        args = [self.check(arg) for arg in node.args]
        if (name == "abs" and len(args) != 1) or (name != "abs" and len(args) < 2):
            raise ExpressionError(
                Code.MISUSED_FUNCTION,
                Text(
                    f"wrong number of values given to {name}()",
                    f"numero sbagliato di valori per {name}()",
                ),
                _at(node),
            )
        if any(arg.type.base == "money" for arg in args):
            args = [_unify_money(arg, Const(MONEY, arg.at, 0))[0] for arg in args]
        first = args[0].type.plain()
        for arg in args:
            if arg.type.base not in ("number", "money") or not arg.type.same_kind(first):
                raise self._mismatch(
                    node,
                    f"{name}() needs numbers or money of one kind",
                    f"{name}() vuole numeri o importi di un solo tipo",
                )
        if all(isinstance(arg, Const) for arg in args):  # abs(-2), min(3, 4): a constant
            values = [arg.value for arg in args if isinstance(arg, Const)]
            numbers = [value for value in values if isinstance(value, int | Decimal)]
            folded = (
                absolute(numbers[0]) if name == "abs" else (min if name == "min" else max)(numbers)
            )
            return Const(first, _at(node), normalise(folded))
        return Call(first, _at(node), name, tuple(args))  # type: ignore[arg-type]

    def _date_literal(self, node: ast.Call, name: str) -> Const:
        if (
            len(node.args) != 1
            or not isinstance(node.args[0], ast.Constant)
            or not isinstance(node.args[0].value, str)
        ):
            raise ExpressionError(
                Code.MISUSED_FUNCTION,
                Text(f"{name}() takes one text", f"{name}() prende un testo"),
                _at(node),
                Text(
                    f'write e.g. {name}("2024-01-30")', f'scrivi per esempio {name}("2024-01-30")'
                ),
            )
        text = node.args[0].value
        try:
            return Const(DATE if name == "date" else DATETIME, _at(node), encode(text, TYPES[name]))
        except ValueError as error:
            reason = (
                error.text if isinstance(error, ValueProblemError) else Text(str(error), str(error))
            )
            hint = error.hint if isinstance(error, ValueProblemError) else None
            raise ExpressionError(
                Code.MISUSED_FUNCTION,
                Text(f"{name}({text!r}): ", f"{name}({text!r}): ") + reason,
                _at(node),
                hint,
            ) from None

    def _choice(self, node: ast.IfExp) -> Node:
        if self.context == "condition":
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text(
                    "'a if c else b' can be used in a derived value, not in a condition",
                    "'a if c else b' si usa in un valore calcolato, non in una condizione",
                ),
                _at(node),
            )
        test = self._boolean(node.test)
        with self._assuming(test, True):
            then = self.check(node.body)
        with self._assuming(test, False):
            otherwise = self.check(node.orelse)
        then, otherwise = _unify_money(then, otherwise)
        if not then.type.same_kind(otherwise.type):
            raise self._mismatch(
                node,
                f"both branches need one type: {then.type} vs {otherwise.type}",
                f"i due rami vogliono lo stesso tipo: {then.type} e {otherwise.type}",
            )
        return Choice(then.type.plain(), _at(node), test, then, otherwise)

    def _list(self, node: ast.List | ast.Tuple) -> Node:
        items = tuple(self.check(element) for element in node.elts)
        if not items:
            return ListOf(Type("list", item=NULL), _at(node), ())
        if not all(isinstance(item, Const) for item in items):
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text(
                    "a list in a rule can only hold constants",
                    "una lista in una regola può contenere solo costanti",
                ),
                _at(node),
            )
        first = items[0].type.plain()
        for item in items:
            if not item.type.same_kind(first):
                raise self._mismatch(
                    node, "a list holds values of one type", "una lista ha valori di un solo tipo"
                )
        return ListOf(Type("list", item=first), _at(node), items)

    def _mismatch(self, node: ast.AST, english: str, italian: str) -> ExpressionError:
        return ExpressionError(
            Code.TYPE_MISMATCH,
            Text(f"type mismatch: {english}", f"tipi incompatibili: {italian}"),
            _at(node),
        )


NONZERO_WHEN_HOLDS: dict[ComparisonOp, Callable[[int | Decimal], bool]] = {
    "!=": lambda c: c == 0,
    "==": lambda c: c != 0,
    ">": lambda c: c >= 0,
    ">=": lambda c: c > 0,
    "<": lambda c: c <= 0,
    "<=": lambda c: c < 0,
}
"""``x op c`` holding proves ``x != 0`` for these constants ``c``."""


def _rules_out_zero(divisor: Node, fact: Node, holds: bool) -> bool:
    """Whether ``fact`` holding (or failing) proves that ``divisor`` is not zero."""
    match fact:
        case Not(operand=operand):
            return _rules_out_zero(divisor, operand, not holds)
        case Logic(op=op, operands=operands) if (op == "and") == holds:
            return any(_rules_out_zero(divisor, operand, holds) for operand in operands)
        case Compare(op=op, left=left, right=right):
            op = op if holds else COMPLEMENT[op]
            if isinstance(left, Const) and right == divisor:
                op, left, right = MIRROR[op], right, left
            return (
                left == divisor
                and isinstance(right, Const)
                and isinstance(right.value, int | Decimal)
                and NONZERO_WHEN_HOLDS[op](right.value)
            )
        case Member(item=item, container=ListOf(items=items), negated=negated):
            excluded = negated == holds
            values = [element.value for element in items if isinstance(element, Const)]
            return item == divisor and not excluded and bool(values) and 0 not in values
    return False


def _describe(node: Node) -> str:
    return node.dotted if isinstance(node, Ref) else str(node.type)


def _unify_money(left: Node, right: Node) -> tuple[Node, Node]:
    """Read a number written next to money as euros: ``amount <= 150000`` means EUR 150,000."""
    return _as_money(left, right), _as_money(right, left)


def _as_money(node: Node, other: Node) -> Node:
    if isinstance(node, Const) and node.type == NUMBER and other.type.base == "money":
        assert isinstance(node.value, int | Decimal)
        try:
            cents = encode(node.value, MONEY)
        except ValueError:
            raise ExpressionError(
                Code.TYPE_MISMATCH,
                Text(
                    f"type mismatch: {node.value} next to an amount is euros, with at most two "
                    "decimals (cents)",
                    f"tipi incompatibili: {node.value} accanto a un importo è in euro, con al "
                    "massimo due decimali (centesimi)",
                ),
                node.at,
            ) from None
        return Const(MONEY, node.at, cents)
    return node


def _arithmetic_type(op: ArithmeticOp, left: Type, right: Type) -> Type | None:
    kinds = (left.base, right.base)
    if kinds == ("number", "number"):
        return NUMBER
    if op in ("+", "-"):
        return MONEY if kinds == ("money", "money") else None
    if op == "*":
        return MONEY if "money" in kinds and "number" in kinds else None
    if kinds == ("money", "money"):
        return NUMBER
    return MONEY if kinds == ("money", "number") else None


__all__ = [
    "COMPLEMENT",
    "MIRROR",
    "TEXT",
    "Arithmetic",
    "Call",
    "Choice",
    "Compare",
    "Const",
    "ExpressionError",
    "ListOf",
    "Logic",
    "Member",
    "Negate",
    "Node",
    "Not",
    "Ref",
    "Scope",
    "parse",
    "references",
    "walk",
]
