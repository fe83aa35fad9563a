"""YAML loading that keeps the source position of every mapping key and value.

Policy staff must be told the exact line and column of a mistake, so a rule file is
composed into PyYAML nodes first and converted to plain Python data alongside a map from
each value's path (a tuple of keys and list indices) to its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from capcoe_rules.language.problems import Position, Problem

Path = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Positions of the values (and of the keys) of one YAML document."""

    file: str
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    # Scalar styles ('"', "'", "|", ">" or None for plain), to place expression columns.
    styles: dict[Path, str | None] = field(default_factory=dict)

    def value(self, path: Path) -> Position:
        """Position of the value at ``path``, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def key(self, path: Path) -> Position:
        return self.keys.get(path) or self.value(path)


@dataclass
class YamlDocument:
    data: Any
    source: SourceMap
    text: str


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def load_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document; on failure return the syntax problem with its position."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        reason = error.problem or error.context or "invalid YAML"
        return None, [Problem(file, position, "E001", f"YAML syntax error: {reason}")]
    source = SourceMap(file)
    if node is None:
        return YamlDocument({}, source, text), []
    problems: list[Problem] = []
    data = _convert(node, (), source, problems, SafeConstructor())
    return YamlDocument(data, source, text), problems


def _convert(
    node: yaml.Node,
    path: Path,
    source: SourceMap,
    problems: list[Problem],
    constructor: SafeConstructor,
) -> Any:
    source.values[path] = _position(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(constructor.construct_object(key_node))
            if key in result:
                problems.append(
                    Problem(source.file, _position(key_node), "E005", f"duplicate key {key!r}")
                )
            source.keys[(*path, key)] = _position(key_node)
            result[key] = _convert(value_node, (*path, key), source, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, index), source, problems, constructor)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    source.styles[path] = node.style
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as error:
        problems.append(Problem(source.file, _position(node), "E001", str(error.problem)))
        return None
