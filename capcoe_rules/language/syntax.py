"""An expression's text to its syntax tree, refusing what the language does not have.

The first stage of reading an expression: Python's own parser (nothing is ever evaluated)
gives the tree, which must be one expression, nested at most :data:`MAX_DEPTH` deep and
built only of what rules may say (no lambda, indexing, comprehension, private names...).
The tree is untyped: :func:`capcoe_rules.language.expressions.typecheck` gives it meaning
against a scope. Names a formula reads (``derived.NAME``) are known from the tree alone,
so the checker orders derived values before typing any of them.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from capcoe_rules.errors import Code, ExpressionError, Text

Offset = tuple[int, int]
"""1-based line and 0-based column of a node inside the expression text."""

FORBIDDEN: dict[type[ast.AST], Text] = {
    ast.Lambda: Text("lambda", "lambda"),
    ast.ListComp: Text("a comprehension", "una comprensione di lista"),
    ast.SetComp: Text("a comprehension", "una comprensione di lista"),
    ast.DictComp: Text("a comprehension", "una comprensione di lista"),
    ast.GeneratorExp: Text("a comprehension", "una comprensione di lista"),
    ast.Subscript: Text("indexing ([...])", "l'indicizzazione ([...])"),
    ast.Starred: Text("unpacking (*)", "lo spacchettamento (*)"),
    ast.NamedExpr: Text("assignment (:=)", "l'assegnazione (:=)"),
    ast.Await: Text("await", "await"),
    ast.Yield: Text("yield", "yield"),
    ast.YieldFrom: Text("yield", "yield"),
    ast.Dict: Text("a dictionary", "un dizionario"),
    ast.Set: Text("a set", "un insieme"),
    ast.JoinedStr: Text("an f-string", "un testo con {...}"),
    ast.Slice: Text("slicing", "il taglio ([a:b])"),
}

MAX_CHARACTERS = 10_000
"""Longest expression: a rule is read by people; longer text is data for a table."""

MAX_DEPTH = 100
"""Deepest nesting of an expression, so that checking and evaluating it never exhausts
Python's stack."""

SYNTAX_HINT = Text(
    "check the brackets and quotes, and write operators as and, or, not, == != < <= > >=",
    "controlla parentesi e virgolette, e scrivi gli operatori come and, or, not, == != < <= > >=",
)

DEPTH_HINT = Text("split it into derived values", "dividila in valori calcolati")


@dataclass(frozen=True, eq=False)
class Syntax:
    """An expression found safe, as Python's syntax tree (never mutated)."""

    source: str
    tree: ast.expr

    def derived_names(self) -> set[str]:
        """Names read as ``derived.NAME``."""
        return {
            node.attr
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "derived"
        }


@functools.lru_cache(maxsize=4096)
def parse_syntax(text: str) -> Syntax:
    """The safe syntax tree of one expression, not yet typed. Raises :class:`ExpressionError`.

    Cached by text: each stage of the checker that needs an expression's tree (the order of
    derived values, then typing) asks for it, and it is parsed once."""
    source = text.strip()
    if len(source) > MAX_CHARACTERS:
        raise ExpressionError(
            Code.EXPRESSION_TOO_LARGE,
            Text(
                f"expression of {len(source):,} characters (at most {MAX_CHARACTERS:,})",
                f"espressione di {len(source):,} caratteri (al massimo {MAX_CHARACTERS:,})",
            ),
            (1, 0),
            Text(
                "split it into derived values or put the data in a table or parameter",
                "dividila in valori calcolati o metti i dati in una tabella o un parametro",
            ),
        )
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        _refuse_statements(source)
        offset = (error.lineno or 1, max((error.offset or 1) - 1, 0))
        raise ExpressionError(
            Code.EXPRESSION_SYNTAX,
            Text("the expression cannot be read here", "l'espressione non si può leggere qui"),
            offset,
            SYNTAX_HINT,
        ) from None
    except (MemoryError, RecursionError):
        raise ExpressionError(
            Code.EXPRESSION_TOO_LARGE,
            Text(
                f"expression nested more than {MAX_DEPTH} levels deep",
                f"espressione annidata per più di {MAX_DEPTH} livelli",
            ),
            (1, 0),
            DEPTH_HINT,
        ) from None
    _refuse_deep(tree.body)
    # Refuse every forbidden construct anywhere before giving any meaning to the tree, so
    # that `__import__(...)` is named as such, whatever surrounds it.
    for node in ast.walk(tree.body):
        refuse_forbidden(node)
    return Syntax(source, tree.body)


def _refuse_deep(tree: ast.AST) -> None:
    """Measure nesting without recursion, before anything recursive walks the tree."""
    pending: list[tuple[ast.AST, int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                Code.EXPRESSION_TOO_LARGE,
                Text(
                    f"expression nested more than {MAX_DEPTH} levels deep",
                    f"espressione annidata per più di {MAX_DEPTH} livelli",
                ),
                at(node),
                DEPTH_HINT,
            )
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _refuse_statements(source: str) -> None:
    """Name an import or other statement for what it is, not as a mere syntax error."""
    try:
        module = ast.parse(source, mode="exec")
    except SyntaxError:
        return
    for node in ast.walk(module):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text("import is not allowed in a rule", "import non è ammesso in una regola"),
                at(node),
            )
    statement = module.body[0] if module.body else None
    if statement is not None and not isinstance(statement, ast.Expr):
        raise ExpressionError(
            Code.FORBIDDEN_CONSTRUCT,
            Text(
                "a rule holds one expression (a condition or a value), not an instruction",
                "una regola contiene un'espressione (una condizione o un valore), non "
                "un'istruzione",
            ),
            at(statement),
        )


def refuse_forbidden(node: ast.AST) -> None:
    """Refuse a construct the language does not have, or a private name, where it is."""
    for kind, what in FORBIDDEN.items():
        if isinstance(node, kind):
            raise ExpressionError(
                Code.FORBIDDEN_CONSTRUCT,
                Text(
                    f"{what.en} is not allowed in a rule",
                    f"{what.it} non è ammesso in una regola",
                ),
                at(node),
            )
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    if isinstance(name, str) and name.startswith("_"):
        raise ExpressionError(
            Code.FORBIDDEN_CONSTRUCT,
            Text(
                f"names starting with '_' are not allowed: {name!r}",
                f"i nomi che iniziano con '_' non sono ammessi: {name!r}",
            ),
            at(node),
        )


def at(node: ast.AST) -> Offset:
    return (getattr(node, "lineno", 1), getattr(node, "col_offset", 0))
