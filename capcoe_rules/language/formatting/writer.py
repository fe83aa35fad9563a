"""Write a parsed rule file in the canonical style, comments where they were.

Two-space indentation, lists indented under their key (``rules:`` then ``  - id: ...``);
known keys in the order of :mod:`.style`; a text too long for its line folded
(``>-``) within the width, an expression broken before its loosest operator; titles,
parameter values, table rows and lists of values written on one line when they fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.formatting import scalars
from capcoe_rules.language.formatting.source import Source, SourceError
from capcoe_rules.language.formatting.style import ANY, INDENT, WIDTH, Shape
from capcoe_rules.language.problems import Position

Lines = list[str]


@dataclass(frozen=True)
class _Entry:
    key: yaml.Node | None
    """None for a sequence item."""
    value: yaml.Node

    @property
    def id(self) -> int:
        return id(self.key if self.key is not None else self.value)


class Writer:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.before = {entry: list(lines) for entry, lines in source.comments.before.items()}
        self.after = {entry: list(lines) for entry, lines in source.comments.after.items()}

    def document(self, shape: Shape) -> str:
        comments = self.source.comments
        lines: Lines = list(comments.header)
        if comments.header and comments.header_apart:
            lines.append("")
        root = self.source.root
        if isinstance(root, yaml.MappingNode) and root.value:
            lines += self._mapping(root, shape, "")
        elif isinstance(root, yaml.SequenceNode) and root.value:
            lines += self._sequence(root, shape, "")
        elif root is not None:
            lines.append(self._inline_root(root))
        if comments.trailing:
            if lines:
                lines.append("")
            lines += comments.trailing
        return "\n".join(lines) + "\n" if lines else ""

    def _inline_root(self, root: yaml.Node) -> str:
        if isinstance(root, yaml.ScalarNode):
            return scalars.inline_scalar(root, flow=False)
        return "[]" if isinstance(root, yaml.SequenceNode) else "{}"

    # -- mappings and lists in blocks ------------------------------------------------------

    def _mapping(self, node: yaml.MappingNode, shape: Shape, indent: str) -> Lines:
        lines: Lines = []
        previous: Lines = []
        for key, value in self._ordered(node, shape):
            entry = _Entry(key, value)
            body = self._value(value, shape.of(self._key_name(key)), indent, self._key(key, indent))
            body, extra = self._with_end_comment(entry, body)
            if lines and _blank_between(shape, previous, body):
                lines.append("")
            lines += self._before(entry, indent, extra) + body
            previous = body
        return lines

    def _sequence(self, node: yaml.SequenceNode, shape: Shape, indent: str) -> Lines:
        item_shape = shape.each or ANY
        as_flow: bool | None = None
        if shape.flow == "items_fit":
            as_flow = all(self._flow_fits(indent + "-", item, item_shape) for item in node.value)
        lines: Lines = []
        previous: Lines = []
        for item in node.value:
            entry = _Entry(None, item)
            body, hoisted = self._item(item, item_shape, indent, as_flow)
            if hoisted is None:
                body, extra = self._with_end_comment(entry, body)
            else:  # its first line holds its first key, and that key's comment
                extra = [*self.after.pop(entry.id, []), *hoisted]
            if lines and _blank_between(shape, previous, body):
                lines.append("")
            lines += self._before(entry, indent, extra) + body
            previous = body
        return lines

    def _item(
        self, item: yaml.Node, shape: Shape, indent: str, as_flow: bool | None
    ) -> tuple[Lines, list[str] | None]:
        """An item's lines; for a mapping or list written below its dash, also the comments
        of its first entry, to be written above the item (None for any other item)."""
        head = indent + "-"
        if as_flow:
            flow = self._flow(item, shape)
            assert flow is not None
            return [f"{head} {flow}"], None
        nested = (
            isinstance(item, yaml.MappingNode | yaml.SequenceNode)
            and bool(item.value)
            and (as_flow is False or not self._wants_flow(head, item, shape))
        )
        if not nested:
            return self._value(item, shape, indent, head), None
        assert isinstance(item, yaml.MappingNode | yaml.SequenceNode)
        first = self._first_entry(item, shape)
        hoisted = self.before.pop(first.id, [])
        inner_indent = indent + INDENT
        if isinstance(item, yaml.MappingNode):
            inner = self._mapping(item, shape, inner_indent)
        else:
            inner = self._sequence(item, shape, inner_indent)
        inner[0] = indent + "- " + inner[0].removeprefix(inner_indent)
        return inner, hoisted

    def _first_entry(self, node: yaml.MappingNode | yaml.SequenceNode, shape: Shape) -> _Entry:
        if isinstance(node, yaml.MappingNode):
            key, value = self._ordered(node, shape)[0]
            return _Entry(key, value)
        return _Entry(None, node.value[0])

    def _value(self, node: yaml.Node, shape: Shape, indent: str, head: str) -> Lines:
        """``head`` (``key:`` or ``-``) and the value after it, on as many lines as needed."""
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, shape, indent, head)
        if not node.value:
            return [f"{head} {'{}' if isinstance(node, yaml.MappingNode) else '[]'}"]
        if self._wants_flow(head, node, shape):
            return [f"{head} {self._flow(node, shape)}"]
        if isinstance(node, yaml.MappingNode):
            return [head, *self._mapping(node, shape, indent + INDENT)]
        assert isinstance(node, yaml.SequenceNode)
        return [head, *self._sequence(node, shape, indent + INDENT)]

    def _scalar(self, node: yaml.ScalarNode, shape: Shape, indent: str, head: str) -> Lines:
        text = node.value
        inner = indent + INDENT
        if node.tag == scalars.STR and "\n" in text and scalars.literal_allowed(text):
            indicator, content = scalars.literal(text, inner)
            return [f"{head} {indicator}", *content]
        line = f"{head} {scalars.inline_scalar(node, flow=False)}"
        if len(line) <= WIDTH or node.tag != scalars.STR or not scalars.foldable(text):
            return [line]
        breaks = scalars.expression_breaks(text) if shape.scalar == "expression" else []
        folded = scalars.fold(text, WIDTH - len(inner), breaks)
        return [f"{head} >-", *(inner + part for part in folded)]

    # -- one line: flow style ---------------------------------------------------------------

    def _wants_flow(self, head: str, node: yaml.Node, shape: Shape) -> bool:
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode) or shape.flow != "fits":
            return False
        if isinstance(node, yaml.MappingNode) and shape is ANY:
            return False  # a mapping no model describes is structure: one key a line
        if shape is ANY and not all(isinstance(item, yaml.ScalarNode) for item in node.value):
            return False  # a list of mappings or lists, likewise
        return self._flow_fits(head, node, shape)

    def _flow_fits(self, head: str, node: yaml.Node, shape: Shape) -> bool:
        flow = self._flow(node, shape)
        return flow is not None and len(f"{head} {flow}") <= WIDTH

    def _flow(self, node: yaml.Node, shape: Shape) -> str | None:
        """``node`` on one line, or None when it cannot be (comments, line breaks)."""
        if isinstance(node, yaml.ScalarNode):
            if node.tag == scalars.STR and "\n" in node.value:
                return None
            return scalars.inline_scalar(node, flow=True)
        if id(node) in self.source.inside or shape.flow == "never":
            return None
        parts: list[str] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in self._ordered(node, shape):
                written = self._flow(value, shape.of(self._key_name(key)))
                if written is None:
                    return None
                parts.append(f"{self._key_text(key, flow=True)}: {written}")
            return "{" + ", ".join(parts) + "}"
        assert isinstance(node, yaml.SequenceNode)
        for item in node.value:
            written = self._flow(item, shape.each or ANY)
            if written is None:
                return None
            parts.append(written)
        return "[" + ", ".join(parts) + "]"

    # -- keys and comments ------------------------------------------------------------------

    def _ordered(self, node: yaml.MappingNode, shape: Shape) -> list[tuple[yaml.Node, yaml.Node]]:
        """Known keys in the style's order, the others after them as they were."""
        rank = {key: position for position, key in enumerate(shape.order)}
        unknown = len(rank)
        return sorted(node.value, key=lambda pair: rank.get(self._key_name(pair[0]), unknown))

    @staticmethod
    def _key_name(key: yaml.Node) -> str:
        return str(key.value) if isinstance(key, yaml.ScalarNode) else ""

    def _key(self, key: yaml.Node, indent: str) -> str:
        return f"{indent}{self._key_text(key, flow=False)}:"

    @staticmethod
    def _key_text(key: yaml.Node, flow: bool) -> str:
        if not isinstance(key, yaml.ScalarNode):
            mark = key.start_mark
            raise SourceError(
                Position(mark.line + 1, mark.column + 1),
                Code.YAML_SYNTAX,
                Text(
                    "fmt does not rewrite a key that is a list or a mapping",
                    "fmt non riscrive una chiave che è una lista o un insieme di campi",
                ),
                Text("write the key as a plain name", "scrivi la chiave come un semplice nome"),
            )
        return scalars.inline_scalar(key, flow)

    def _before(self, entry: _Entry, indent: str, extra: list[str]) -> Lines:
        texts = [*self.before.pop(entry.id, []), *extra]
        return [indent + text if text else "" for text in texts]

    def _with_end_comment(self, entry: _Entry, body: Lines) -> tuple[Lines, list[str]]:
        """``body`` with the entry's end-of-line comment; a second one goes above it."""
        comments = self.after.pop(entry.id, [])
        if not comments:
            return body, []
        first, *others = comments
        return [f"{body[0]}  {first}", *body[1:]], others


def _blank_between(shape: Shape, previous: Lines, body: Lines) -> bool:
    if shape.spacing == "between":
        return True
    if shape.spacing == "around_long":
        return len(previous) > 1 or len(body) > 1
    return False
