"""Mutants of rule files: the slips a policy edit could make in a value, one at a time.

- a number written in the file (a parameter's value, a table cell, a number inside an
  expression): plus and minus one in its last digit (``623`` -> ``622``/``624``, ``0.49``
  -> ``0.48``/``0.50``);
- a boolean value negated;
- a text cell of a table (not its key) given the next value its column holds elsewhere
  (Lazio made a transition region);
- a comparison operator inside an expression (``when``, ``require``, ``value``):
  boundary (``<``/``<=``, ``>``/``>=``), ``==``/``!=``, ``in``/``not in``, ``and``/``or``;
- an entry of a list of plain values deleted.

Names, titles, citations, messages, dates and ids are left alone: they are not values a
decision computes with.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import yaml

from capcoe_rules.testing.mutation.mutants import Mutant, line_starts

EXPRESSION_KEYS = ("when", "require", "value", "key")
SKIPPED_KEYS = frozenset(
    {"id", "title", "basis", "provenance", "message", "it", "en", "name", "version", "unit"}
    | {"from", "to", "type", "description", "severity", "derive", "case", "match", "table"}
)
OPERATOR_SWAPS = {
    "<=": "<",
    ">=": ">",
    "<": "<=",
    ">": ">=",
    "==": "!=",
    "!=": "==",
    " not in ": " in ",
    " in ": " not in ",
    " and ": " or ",
    " or ": " and ",
}
_OPERATOR = re.compile(r"<=|>=|==|!=|<|>| not in | in | and | or ")
_NUMBER = re.compile(r"(?<![\w.\"'-])\d+(?:\.\d+)?(?![\w.\"'(-])")
_QUOTED = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
STR = "tag:yaml.org,2002:str"


def rule_mutants(path: str, text: str) -> list[Mutant]:
    """Every value mutant of the rule file ``path`` whose text is ``text``."""
    root = yaml.compose(text)
    if root is None:
        return []
    finder = _Finder(path, text)
    finder.visit(root, ())
    return [mutant for mutant in finder.found if _still_yaml(mutant, text)]


def _still_yaml(mutant: Mutant, text: str) -> bool:
    try:
        yaml.safe_load(mutant.apply(text.encode("utf-8")).decode("utf-8"))
    except yaml.YAMLError:
        return False
    return True


def _bumped(written: str) -> list[str]:
    """The number one unit of its last digit below and above, written the same way."""
    try:
        number = Decimal(written.replace("_", ""))
    except InvalidOperation:
        return []
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    step = Decimal(1).scaleb(exponent)
    return [str(number - step), str(number + step)]


class _Finder:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.encoded = text.encode("utf-8")
        self.starts = line_starts(self.encoded)
        self.found: list[Mutant] = []

    def _byte(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def _add(self, start: int, end: int, replacement: str, operator: str, what: str) -> None:
        """Replace the characters ``start:end`` of the file by ``replacement``."""
        begin, finish = self._byte(start), self._byte(end)
        line = self.text.count("\n", 0, start) + 1
        column = begin - self.starts[line - 1] + 1
        last = self.text.count("\n", 0, max(end - 1, start)) + 1
        self.found.append(
            Mutant(
                path=self.path,
                line=line,
                column=column,
                operator=operator,
                description=what,
                start=begin,
                end=finish,
                replacement=replacement.encode("utf-8"),
                scope_lines=tuple(range(line, last + 1)),
            )
        )

    def visit(self, node: yaml.Node, keys: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            self._mapping(node, keys)
        elif isinstance(node, yaml.SequenceNode):
            self._sequence(node, keys)
        elif isinstance(node, yaml.ScalarNode):
            self._scalar(node, keys)

    def _mapping(self, node: yaml.MappingNode, keys: tuple[str, ...]) -> None:
        if keys[-2:-1] == ("tables",):
            self._table_cells(node)
        for key_node, value in node.value:
            key = str(key_node.value)
            if key in SKIPPED_KEYS or (keys == () and key == "lookups"):
                continue
            self.visit(value, (*keys, key))

    def _sequence(self, node: yaml.SequenceNode, keys: tuple[str, ...]) -> None:
        items = node.value
        plain = [item for item in items if isinstance(item, yaml.ScalarNode)]
        if len(plain) == len(items) >= 2 and keys[-1:] != ("columns",):
            for index, item in enumerate(items):
                self._delete_entry(node, index, item)
        for item in items:
            self.visit(item, keys)

    def _delete_entry(self, node: yaml.SequenceNode, index: int, item: yaml.Node) -> None:
        what = f"list entry {item.value!r} deleted"
        start, end = item.start_mark.index, item.end_mark.index
        if node.flow_style:
            if index + 1 < len(node.value):
                end = node.value[index + 1].start_mark.index
            else:
                start = self.text.rindex(",", 0, start)
        else:  # a block list: the whole "- item" line goes
            start = self.text.rindex("\n", 0, start) + 1
            end = self.text.find("\n", end) + 1 or len(self.text)
        self._add(start, end, "", "rule list", what)

    def _scalar(self, node: yaml.ScalarNode, keys: tuple[str, ...]) -> None:
        start, end = node.start_mark.index, node.end_mark.index
        written = self.text[start:end]
        if node.tag in (INT, FLOAT) and node.style is None:
            for changed in _bumped(written):
                self._add(start, end, changed, "rule number", f"{written} -> {changed}")
        elif node.tag == BOOL and node.style is None:
            flipped = "false" if str(node.value).lower() == "true" else "true"
            self._add(start, end, flipped, "rule bool", f"{written} -> {flipped}")
        elif node.tag == STR and keys[-1:] and keys[-1] in EXPRESSION_KEYS:
            self._expression(start, written)

    def _expression(self, start: int, written: str) -> None:
        quoted = [match.span() for match in _QUOTED.finditer(written)]

        def in_text(position: int) -> bool:
            return any(begin < position < finish for begin, finish in quoted)

        for match in _OPERATOR.finditer(written):
            if in_text(match.start()):
                continue
            symbol = match.group()
            swap = OPERATOR_SWAPS[symbol]
            self._add(
                start + match.start(),
                start + match.end(),
                swap,
                "rule operator",
                f"{symbol.strip()} -> {swap.strip()} in {_excerpt(written, match.start())}",
            )
        for match in _NUMBER.finditer(written):
            if in_text(match.start()):
                continue
            for changed in _bumped(match.group()):
                self._add(
                    start + match.start(),
                    start + match.end(),
                    changed,
                    "rule number",
                    f"{match.group()} -> {changed} in {_excerpt(written, match.start())}",
                )

    def _table_cells(self, table: yaml.MappingNode) -> None:
        """Text cells of a table's rows, each given the next value of its column."""
        fields = {str(key.value): value for key, value in table.value}
        rows, key_node = fields.get("rows"), fields.get("key")
        if not isinstance(rows, yaml.SequenceNode):
            return
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        columns: dict[str, list[yaml.ScalarNode]] = {}
        for row in rows.value:
            if not isinstance(row, yaml.MappingNode):
                continue
            for name, cell in row.value:
                label = str(name.value)
                plain = isinstance(cell, yaml.ScalarNode) and cell.tag == STR
                if label != key and label not in SKIPPED_KEYS and plain:
                    columns.setdefault(label, []).append(cell)
        for name, cells in columns.items():
            values = sorted({str(cell.value) for cell in cells})
            if len(values) < 2:
                continue
            for cell in cells:
                changed = values[(values.index(str(cell.value)) + 1) % len(values)]
                start, end = cell.start_mark.index, cell.end_mark.index
                quote = "" if cell.style is None else str(cell.style)
                self._add(
                    start,
                    end,
                    f"{quote}{changed}{quote}",
                    "rule cell",
                    f"{name}: {cell.value} -> {changed}",
                )


def _excerpt(text: str, at: int, width: int = 30) -> str:
    flat = " ".join(text.split())
    position = len(" ".join(text[:at].split()))
    begin = max(position - width, 0)
    return repr(flat[begin : position + width])
