"""Mutants of Python source: the edits a careless change would make, one at a time.

The operators: comparison operators swapped (``==``/``!=``, ``in``/``not in``, ``is``/
``is not``), their boundary (``<``/``<=``, ``>``/``>=``) and direction (``<``/``>``,
``<=``/``>=``); ``and``/``or``; arithmetic (``+``/``-``, ``*``/``/``, ``//``/``/``);
``not`` and unary minus dropped; integer constants plus and minus one, booleans negated;
``min``/``max`` and ``any``/``all`` exchanged; a returned value replaced by ``None``; a
statement deleted (a call, an augmented or item/attribute assignment, a ``raise``, a
``break``/``continue``, an ``if`` without ``else``); the values of two neighbouring
entries of a dictionary of constants swapped.

Left alone, because a change there is not a change of behaviour or is caught by the type
checker before any test: docstrings, type annotations, ``assert`` statements (internal
invariants), ``__all__``, ``if TYPE_CHECKING:`` and ``match`` patterns; f-strings and other
texts (messages) are not mutated.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator

from capcoe_rules.testing.mutation.mutants import Mutant, line_starts

COMPARE_SWAPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.GtE),
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
ARITHMETIC_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
FUNCTION_SWAPS = {"min": "max", "max": "min", "any": "all", "all": "any"}


def code_mutants(path: str, source: bytes) -> list[Mutant]:
    """Every mutant of the Python file ``path`` (relative to the project) with ``source``."""
    tree = ast.parse(source)
    finder = _Finder(path, source)
    finder.visit(tree)
    return [mutant for mutant in finder.found if _compiles(mutant, source)]


def _compiles(mutant: Mutant, source: bytes) -> bool:
    try:
        ast.parse(mutant.apply(source))
    except SyntaxError:
        return False
    return True


def _symbol(op: ast.AST) -> str:
    text = ast.unparse(ast.Compare(ast.Name("a"), [op], [ast.Name("b")]))  # type: ignore[list-item]
    return text[2:-2] if isinstance(op, ast.cmpop) else type(op).__name__


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        self.starts = line_starts(source)
        self.found: list[Mutant] = []

    # -- recording ---------------------------------------------------------------------------

    def _offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def _replace(
        self, node: ast.AST, replacement: str, operator: str, description: str, bare: bool = False
    ) -> None:
        """Replace ``node``'s text by ``replacement`` (parenthesised unless ``bare``)."""
        line, column = node.lineno, node.col_offset  # type: ignore[attr-defined]
        end_line, end_column = node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]
        text = replacement if bare else f"({replacement})"
        self.found.append(
            Mutant(
                path=self.path,
                line=line,
                column=column + 1,
                operator=operator,
                description=description,
                start=self._offset(line, column),
                end=self._offset(end_line, end_column),
                replacement=text.encode("utf-8"),
                scope_lines=tuple(range(line, end_line + 1)),
            )
        )

    def _mutate(
        self, node: ast.expr, change: Callable[[ast.expr], None], operator: str, what: str
    ) -> None:
        mutated = copy.deepcopy(node)
        change(mutated)
        before, after = _short(node), _short(mutated)
        self._replace(node, ast.unparse(mutated), operator, f"{what}: {before} -> {after}")

    # -- what is never mutated ---------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self._body(node.body)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._body(node.body)

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)

    def _body(self, body: list[ast.stmt]) -> None:
        for index, statement in enumerate(body):
            if index == 0 and _is_docstring(statement):
                continue
            self.visit(statement)

    def visit_Assert(self, node: ast.Assert) -> None:
        return

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets):
            return
        if any(isinstance(target, ast.Attribute | ast.Subscript) for target in node.targets):
            self._delete(node)
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return

    def visit_match_case(self, node: ast.match_case) -> None:
        if node.guard is not None:
            self.visit(node.guard)
        self._body(node.body)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if not node.orelse:
            self._delete(node)
        self.generic_visit(node)

    # -- statements ---------------------------------------------------------------------------

    def _delete(self, node: ast.stmt) -> None:
        first = ast.unparse(node).splitlines()[0]
        self._replace(node, "pass", "delete", f"statement deleted: {first[:60]}", bare=True)

    def visit_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Constant):
            self._delete(node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._delete(node)
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        self._delete(node)

    def visit_Break(self, node: ast.Break) -> None:
        self._replace(node, "continue", "delete", "break -> continue", bare=True)

    def visit_Continue(self, node: ast.Continue) -> None:
        self._replace(node, "break", "delete", "continue -> break", bare=True)

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            self._replace(value, "None", "return", f"return {_short(value)} -> return None")
        self.generic_visit(node)

    # -- expressions --------------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            for swap in COMPARE_SWAPS.get(type(op), ()):

                def change(tree: ast.expr, index: int = index, swap: type = swap) -> None:
                    assert isinstance(tree, ast.Compare)
                    tree.ops[index] = swap()

                self._mutate(node, change, "compare", f"{_symbol(op)} -> {_symbol(swap())}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        def change(tree: ast.expr) -> None:
            assert isinstance(tree, ast.BoolOp)
            tree.op = ast.Or() if isinstance(tree.op, ast.And) else ast.And()

        self._mutate(node, change, "logic", "and/or swapped")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = ARITHMETIC_SWAPS.get(type(node.op))
        if swap is not None:

            def change(tree: ast.expr, swap: type[ast.operator] = swap) -> None:
                assert isinstance(tree, ast.BinOp)
                tree.op = swap()

            self._mutate(node, change, "arithmetic", "arithmetic operator swapped")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._replace(node, ast.unparse(node.operand), "not", f"not dropped: {_short(node)}")
        elif isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            self._replace(
                node, ast.unparse(node.operand), "negate", f"minus dropped: {_short(node)}"
            )
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._replace(node, str(not value), "constant", f"{value} -> {not value}", bare=True)
        elif isinstance(value, int):
            for changed in (value + 1, value - 1):
                self._replace(node, str(changed), "constant", f"{value} -> {changed}")

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in FUNCTION_SWAPS:
            name = FUNCTION_SWAPS[node.func.id]
            self._replace(node.func, name, "call", f"{node.func.id}() -> {name}()", bare=True)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        values = node.values
        simple = all(isinstance(v, ast.Constant | ast.Name | ast.Attribute) for v in values)
        if simple and None not in node.keys:
            for index in range(len(values) - 1):
                first, second = values[index], values[index + 1]
                if ast.dump(first) == ast.dump(second):
                    continue

                def change(tree: ast.expr, index: int = index) -> None:
                    assert isinstance(tree, ast.Dict)
                    tree.values[index], tree.values[index + 1] = (
                        tree.values[index + 1],
                        tree.values[index],
                    )

                key = node.keys[index]
                assert key is not None
                self._mutate(
                    node, change, "dict", f"values of entries {_short(key)} and next swapped"
                )
        self.generic_visit(node)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _short(node: ast.AST, limit: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def count_by_operator(mutants: list[Mutant]) -> Iterator[tuple[str, int]]:
    counts: dict[str, int] = {}
    for mutant in mutants:
        counts[mutant.operator] = counts.get(mutant.operator, 0) + 1
    yield from sorted(counts.items())
