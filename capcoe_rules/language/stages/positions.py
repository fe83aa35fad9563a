"""Where in a YAML file a problem inside an expression is: its line and column, also when
the expression is quoted, folded or spans lines.
"""

from __future__ import annotations

from typing import Any

from capcoe_rules.language.problems import Position
from capcoe_rules.language.yaml_source import Path as YamlPath
from capcoe_rules.language.yaml_source import YamlDocument


def expression_position(document: YamlDocument, where: YamlPath, at: tuple[int, int]) -> Position:
    """The place in a rule file of offset ``at`` inside the expression at ``where``."""
    base = document.source.value(where)
    style = document.source.styles.get(where)
    traced = _traced_position(document, where, base, style, at)
    if traced is not None:
        return traced
    line_number, column = at
    if style in ("|", ">"):
        return _indented(document.text, base.line + line_number, column)
    if line_number == 1:
        return Position(base.line, base.column + column + (1 if style in ("'", '"') else 0))
    return _indented(document.text, base.line + line_number - 1, column)


def _traced_position(
    document: YamlDocument,
    where: YamlPath,
    base: Position,
    style: str | None,
    at: tuple[int, int],
) -> Position | None:
    """Where the expression's character at ``at`` is written, found by walking the source
    from the scalar's start: YAML folds a plain, quoted or ``>`` scalar's line breaks into
    spaces, so a place on the expression's one line may lie on a later line of the file.
    None when the walk cannot follow the scalar (escapes)."""
    value: Any = document.data
    for part in where:
        if not isinstance(value, dict | list):
            return None
        try:
            value = value[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    lines = stripped.split("\n")
    line_number, column = at
    if not 0 < line_number <= len(lines):
        return None
    target = (
        len(value) - len(value.lstrip()) + sum(len(line) + 1 for line in lines[: line_number - 1])
    )
    target += column
    text = document.text
    starts = [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]
    if base.line > len(starts):
        return None
    index = starts[base.line - 1] + base.column - 1
    if style in ("|", ">"):
        index = text.find("\n", index) + 1  # the content starts on the next line
    elif style in ("'", '"'):
        index += 1
    for position, char in enumerate(value):
        while index < len(text) and text[index] != char:
            if not text[index].isspace():
                return None  # an escape or a quote doubled: leave it to the simple rule
            index += 1
        if index >= len(text):
            return None
        if position == target:
            line = text.count("\n", 0, index) + 1
            return Position(line, index - starts[line - 1] + 1)
        index += 1
    return None


def _indented(text: str, line: int, column: int) -> Position:
    lines = text.splitlines()
    content = lines[line - 1] if 0 < line <= len(lines) else ""
    return Position(line, len(content) - len(content.lstrip()) + column + 1)
