"""Which lines of a module run when it is imported, and which code uses what they define.

coverage.py records a line under the test that was running when the line ran. A line run
at import (a constant, a class body, a function's defaults) runs once, under whichever test
imported the module first (or under none, at collection): that test says nothing about who
depends on the line. So the harness asks the source instead: a line outside every function
body is an import-time line, and the code that uses it is, for a function's signature, that
function's body; for an assignment, the bodies of the module's functions that read one of
the names it binds (``NAME`` or ``something.NAME``, for a class attribute or a field).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class ModuleLines:
    runtime: frozenset[int]
    """Lines inside some function's body: run when the function is called, under its caller."""
    users: dict[int, frozenset[int]] = field(default_factory=dict)
    """Import-time line -> the function-body lines that use what the line defines."""

    def import_time(self, lines: tuple[int, ...]) -> bool:
        return any(line not in self.runtime for line in lines)

    def users_of(self, lines: tuple[int, ...]) -> frozenset[int]:
        return frozenset().union(*(self.users.get(line, frozenset()) for line in lines))


def module_lines(source: bytes) -> ModuleLines:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ModuleLines(runtime=frozenset())
    functions = [node for node in ast.walk(tree) if isinstance(node, Function)]
    runtime = frozenset(line for function in functions for line in _body_lines(function))
    readers = [(_names_read(function), _body_lines(function)) for function in functions]
    users: dict[int, set[int]] = {}

    def note(statement: ast.stmt, used: frozenset[int]) -> None:
        for line in range(statement.lineno, (statement.end_lineno or statement.lineno) + 1):
            if line not in runtime:
                users.setdefault(line, set()).update(used)

    def visit(body: list[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, Function):
                note(statement, _body_lines(statement))
            elif isinstance(statement, ast.ClassDef):
                visit(statement.body)
            else:
                bound = _names_bound(statement)
                note(
                    statement,
                    frozenset(line for names, lines in readers if names & bound for line in lines),
                )
                # An ``if`` or ``try`` at module level holds more definitions.
                for inner in ("body", "orelse", "finalbody"):
                    visit(getattr(statement, inner, []))
                for handler in getattr(statement, "handlers", []):
                    visit(handler.body)

    visit(tree.body)
    return ModuleLines(runtime, {line: frozenset(used) for line, used in users.items()})


def _body_lines(function: Function) -> frozenset[int]:
    first = function.body[0].lineno
    return frozenset(range(first, (function.end_lineno or first) + 1))


def _names_read(function: Function) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return frozenset(names)


def _names_bound(statement: ast.stmt) -> frozenset[str]:
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    names: set[str] = set()
    for target in targets:
        names.update(node.id for node in ast.walk(target) if isinstance(node, ast.Name))
    return frozenset(names)
