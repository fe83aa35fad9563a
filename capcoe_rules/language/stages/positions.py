"""Where in a YAML file a problem inside an expression is: its line and column, also when
the expression is quoted, folded, spans lines or holds escapes.
"""

from __future__ import annotations

from typing import Any

from capcoe_rules.language.problems import Position
from capcoe_rules.language.yaml_source import Path as YamlPath
from capcoe_rules.language.yaml_source import YamlDocument

_ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}
"""Hexadecimal digits after ``\\x``, ``\\u`` and ``\\U`` in a double-quoted YAML text."""


def expression_position(document: YamlDocument, where: YamlPath, at: tuple[int, int]) -> Position:
    """The place in a rule file of offset ``at`` inside the expression at ``where``: where
    its character is written, found by walking the source from the scalar's start (YAML
    folds a plain, quoted or ``>`` scalar's line breaks into spaces, so a place on the
    expression's one line may lie on a later line of the file). The scalar's start when
    the walk cannot follow the text."""
    base = document.source.value(where)
    traced = _traced_position(document, where, base, document.source.styles.get(where), at)
    return base if traced is None else traced


def _traced_position(
    document: YamlDocument,
    where: YamlPath,
    base: Position,
    style: str | None,
    at: tuple[int, int],
) -> Position | None:
    value: Any = document.data
    try:
        for part in where:
            value = value[part]
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
        width = _written_width(text, index, char, style)
        while width is None:
            if style == '"' and text.startswith(("\\\n", "\\\r"), index):
                index += 2  # an escaped line break writes nothing
            elif text[index : index + 1].isspace():
                index += 1  # indentation, or a line break folded into the space before
            else:
                return None  # not the text YAML read: leave the place at the scalar's start
            width = _written_width(text, index, char, style)
        if position == target:
            line = text.count("\n", 0, index) + 1
            return Position(line, index - starts[line - 1] + 1)
        index += width
    return None


def _written_width(text: str, index: int, char: str, style: str | None) -> int | None:
    """How many characters of ``text`` from ``index`` write the value's ``char``: 1 for the
    character itself, more for an escape (``\\"`` or ``\\x41`` in double quotes, ``''`` in
    single quotes); None when ``char`` is not written there."""
    if style == '"' and text.startswith("\\", index):
        if text[index + 1 : index + 2] in ("\n", "\r"):
            return None
        return 2 + _ESCAPE_DIGITS.get(text[index + 1 : index + 2], 0)
    if style == "'" and char == "'":
        return 2 if text.startswith("''", index) else None
    return 1 if text[index : index + 1] == char else None
