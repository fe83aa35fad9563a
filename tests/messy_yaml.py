"""A deliberately messy writer of rule files, to test ``fmt`` against.

It writes the values and comments of a YAML text again, with every choice a person could
make differently drawn at random: keys in another order (known keys only; the first one
stays first, as a comment above it could not follow it elsewhere), 1 to 4 spaces of
indentation, lists indented or not under their key, one to two spaces after a dash,
plain, single or double quotes, folded text broken anywhere, long plain text on several
lines, flow or block collections, ``True``/``yes``/``on`` for true, ``~`` for null, blank
lines, trailing spaces, comments at any indentation and end-of-line comments after any
number of spaces; optionally new comments on any entry. The result reads as the same
values (tests check it with PyYAML) and ties each comment to the same entry.
"""

from __future__ import annotations

import random

import yaml

from capcoe_rules.language.formatting import scalars
from capcoe_rules.language.formatting.source import parse
from capcoe_rules.language.formatting.style import ANY, MANIFEST, RULE_FILE, Shape

_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_TRUE = ("true", "True", "TRUE", "yes", "Yes", "on", "On")
_FALSE = ("false", "False", "FALSE", "no", "No", "off", "Off")
_NULL = ("null", "~", "Null", "NULL")

Line = tuple[str, bool]
"""A line and whether trailing spaces may be added to it."""


def messy(text: str, seed: int, manifest: bool = False, comments: bool = False) -> str:
    """``text`` written messily; with ``comments``, also new comments on many entries."""
    return _Messy(text, random.Random(seed), comments).document(MANIFEST if manifest else RULE_FILE)


class _Messy:
    def __init__(self, text: str, rng: random.Random, sprinkle: bool) -> None:
        self.source = parse(text)
        self.rng = rng
        self.before = {key: list(value) for key, value in self.source.comments.before.items()}
        self.after = {key: list(value) for key, value in self.source.comments.after.items()}
        self.count = 0
        if self.source.root is not None and sprinkle:
            self._sprinkle(self.source.root)

    # -- comments --------------------------------------------------------------------------

    def _note(self) -> str:
        self.count += 1
        return f"# nota {self.count}: scritta per la prova"

    def _sprinkle(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if self.rng.random() < 0.3:
                    self.before.setdefault(id(key), []).append(self._note())
                if id(key) not in self.after and self.rng.random() < 0.3:
                    self.after[id(key)] = [self._note()]
                self._sprinkle(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if self.rng.random() < 0.3:
                    self.before.setdefault(id(item), []).append(self._note())
                if id(item) not in self.after and self.rng.random() < 0.3:
                    self.after[id(item)] = [self._note()]
                self._sprinkle(item)

    def _has_comments(self, node: yaml.Node) -> bool:
        if isinstance(node, yaml.MappingNode):
            return any(
                id(key) in self.before or id(key) in self.after or self._has_comments(value)
                for key, value in node.value
            )
        if isinstance(node, yaml.SequenceNode):
            return any(
                id(item) in self.before or id(item) in self.after or self._has_comments(item)
                for item in node.value
            )
        return False

    def _comment_lines(self, entry: int, column: int) -> list[Line]:
        lines: list[Line] = []
        for text in self.before.pop(entry, []):
            indent = " " * self.rng.randint(0, column)
            lines.append((indent + text if text else "", bool(text)))
        return lines

    def _end(self, entry: int) -> str:
        comments = self.after.pop(entry, [])
        assert len(comments) <= 1, "one end-of-line comment per entry"
        return " " * self.rng.randint(1, 5) + comments[0] if comments else ""

    # -- document ----------------------------------------------------------------------------

    def document(self, shape: Shape) -> str:
        comments = self.source.comments
        lines: list[Line] = [(text, bool(text)) for text in comments.header]
        if comments.header and comments.header_apart:
            lines += [("", False)] * self.rng.randint(1, 2)
        root = self.source.root
        if isinstance(root, yaml.MappingNode) and root.value:
            lines += self._mapping(root, shape, 0, document=True)
        elif isinstance(root, yaml.SequenceNode) and root.value:
            lines += self._sequence(root, shape, 0, document=True)
        elif root is not None:
            lines.append((self._flow(root, shape), True))
        if comments.trailing:
            lines += [("", False)] * self.rng.randint(0, 2)
            lines += [(text, bool(text)) for text in comments.trailing]
        written = [
            text + " " * self.rng.randint(1, 3) if safe and self.rng.random() < 0.3 else text
            for text, safe in _comments_outside_scalars(lines)
        ]
        return "\n".join(written) + "\n" * self.rng.randint(0, 2)

    def _blank(self, first: bool) -> list[Line]:
        if first or self.rng.random() > 0.25:
            return []
        return [("", False)] * self.rng.randint(1, 2)

    def _ordered(self, node: yaml.MappingNode, shape: Shape) -> list[tuple[yaml.Node, yaml.Node]]:
        rank = {key: position for position, key in enumerate(shape.order)}
        pairs = list(node.value)
        first = sorted(pairs, key=lambda pair: rank.get(_name(pair[0]), len(rank)))[0]
        rest = [pair for pair in pairs if pair is not first]
        self.rng.shuffle(rest)
        unknown = iter([pair for pair in pairs if pair is not first and _name(pair[0]) not in rank])
        return [first, *(pair if _name(pair[0]) in rank else next(unknown) for pair in rest)]

    def _mapping(
        self, node: yaml.MappingNode, shape: Shape, column: int, document: bool = False
    ) -> list[Line]:
        lines: list[Line] = []
        for position, (key, value) in enumerate(self._ordered(node, shape)):
            lines += self._blank(position == 0)
            lines += self._comment_lines(id(key), column)
            head = " " * column + self._key(key) + ":"
            lines += self._value(value, shape.of(_name(key)), column, head, self._end(id(key)))
        return lines

    def _sequence(
        self, node: yaml.SequenceNode, shape: Shape, column: int, document: bool = False
    ) -> list[Line]:
        item_shape = shape.each or ANY
        lines: list[Line] = []
        for position, item in enumerate(node.value):
            lines += self._blank(position == 0)
            lines += self._comment_lines(id(item), column)
            dash = " " * column + "-" + " " * self.rng.randint(1, 2)
            end = self._end(id(item))
            collection = isinstance(item, yaml.MappingNode | yaml.SequenceNode) and item.value
            flow = collection and _flowable(item) and not self._has_comments(item)
            if collection and end and not flow:  # a dash line alone cannot keep it: above
                lines.append((" " * column + end.lstrip(" "), True))
                end = ""
            if not collection or (flow and (end or self.rng.random() < 0.4)):
                head = dash.rstrip(" ")
                if flow:
                    lines.append((f"{head} {self._flow(item, item_shape)}{end}", True))
                else:
                    lines += self._value(item, item_shape, column, head, end)
                continue
            if isinstance(item, yaml.MappingNode):
                inner = self._mapping(item, item_shape, len(dash))
            else:
                assert isinstance(item, yaml.SequenceNode)
                inner = self._sequence(item, item_shape, len(dash))
            while inner[0][0].lstrip().startswith("#"):  # its first key's comments: above
                lines.append(inner.pop(0))
            first, safe = inner[0]
            lines += [(dash + first.removeprefix(" " * len(dash)), safe), *inner[1:]]
        return lines

    def _value(self, node: yaml.Node, shape: Shape, column: int, head: str, end: str) -> list[Line]:
        inner = column + self.rng.randint(1, 4)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, inner, head, end)
        if not node.value:
            return [(f"{head} {'{}' if isinstance(node, yaml.MappingNode) else '[]'}{end}", True)]
        if not self._has_comments(node) and _flowable(node) and self.rng.random() < 0.3:
            return [(f"{head} {self._flow(node, shape)}{end}", True)]
        if isinstance(node, yaml.MappingNode):
            return [(head + end, True), *self._mapping(node, shape, inner)]
        assert isinstance(node, yaml.SequenceNode)
        under = column if head.lstrip().endswith(":") and self.rng.random() < 0.4 else inner
        return [(head + end, True), *self._sequence(node, shape, under)]

    def _scalar(self, node: yaml.ScalarNode, inner: int, head: str, end: str) -> list[Line]:
        text = node.value
        if node.tag != scalars.STR:
            return [(f"{head} {self._other(node)}{end}", True)]
        if "\n" in text:
            if scalars.literal_allowed(text) and self.rng.random() < 0.7:
                indicator, content = scalars.literal(text, " " * inner)
                return [(f"{head} {indicator}{end}", True), *((line, False) for line in content)]
            return [(f"{head} {self._quoted(text)}{end}", True)]
        choices = ["single", "double"]
        if scalars.plain_allowed(text, flow=False):
            choices += ["plain", "plain"] + (["lines"] if not end else [])
        if scalars.foldable(text):
            choices.append("folded")
        match self.rng.choice(choices):
            case "plain":
                return [(f"{head} {text}{end}", True)]
            case "lines":
                first, *rest = self._broken(text, plain=True)
                return [(f"{head} {first}", True), *((" " * inner + part, False) for part in rest)]
            case "folded":
                parts = self._broken(text, plain=False)
                return [(f"{head} >-{end}", True), *((" " * inner + part, False) for part in parts)]
            case "single":
                return [(f"{head} {_quote(text, chr(39))}{end}", True)]
        return [(f"{head} {_quote(text, chr(34))}{end}", True)]

    def _broken(self, text: str, plain: bool) -> list[str]:
        """``text`` broken at random single spaces (for plain text, not before an indicator)."""
        parts: list[str] = []
        start = 0
        for index, char in enumerate(text):
            if char != " " or index == 0 or index + 1 >= len(text):
                continue
            if text[index - 1] in " \t" or text[index + 1] in " \t":
                continue
            if plain and text[index + 1] in _INDICATORS:
                continue
            if self.rng.random() < 0.15:
                parts.append(text[start:index])
                start = index + 1
        parts.append(text[start:])
        return parts

    def _other(self, node: yaml.ScalarNode) -> str:
        if node.tag == scalars.BOOL:
            return self.rng.choice(_TRUE if yaml.safe_load(node.value) else _FALSE)
        if node.tag == scalars.NULL:
            return self.rng.choice(_NULL)
        return scalars.inline_scalar(node, flow=False)

    def _quoted(self, text: str) -> str:
        return _quote(text, self.rng.choice(["'", '"']))

    def _key(self, key: yaml.Node) -> str:
        assert isinstance(key, yaml.ScalarNode)
        if key.tag == scalars.STR and self.rng.random() < 0.15:
            return self._quoted(key.value)
        return scalars.inline_scalar(key, flow=False)

    def _flow(self, node: yaml.Node, shape: Shape) -> str:
        if isinstance(node, yaml.ScalarNode):
            if node.tag != scalars.STR:
                return self._other(node)
            if scalars.plain_allowed(node.value, flow=True) and self.rng.random() < 0.7:
                return str(node.value)
            return self._quoted(node.value)
        comma = self.rng.choice([", ", " , ", ",", ",  "])
        if isinstance(node, yaml.MappingNode):
            parts = [
                scalars.inline_scalar(key, flow=True)
                + ": "
                + self._flow(value, shape.of(_name(key)))
                for key, value in self._ordered(node, shape)
            ]
            return "{" + comma.join(parts) + "}"
        assert isinstance(node, yaml.SequenceNode)
        item_shape = shape.each or ANY
        return "[" + comma.join(self._flow(item, item_shape) for item in node.value) + "]"


def _comments_outside_scalars(lines: list[Line]) -> list[Line]:
    """A comment line right after a block scalar's content and indented as deep would be
    read as more of the scalar (``rate: >-`` / ``0`` / ``# nota``: the value becomes
    ``0\n# nota``): such a comment goes to column 0, where it is a comment."""
    kept: list[Line] = []
    in_scalar = False  # the last line with text is a scalar's content (not safe to pad)
    for text, safe in lines:
        stripped = text.lstrip()
        if stripped.startswith("#") and in_scalar:
            text = stripped
        if stripped:
            in_scalar = not safe and not stripped.startswith("#")
        kept.append((text, safe))
    return kept


def _name(key: yaml.Node) -> str:
    return str(key.value) if isinstance(key, yaml.ScalarNode) else ""


def _quote(text: str, style: str) -> str:
    written = yaml.dump(text, default_style=style, width=float("inf"), allow_unicode=True)
    return written.removesuffix("\n")


def _flowable(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return not (node.tag == scalars.STR and "\n" in node.value)
    if isinstance(node, yaml.MappingNode):
        return all(_flowable(value) for _key, value in node.value)
    return all(_flowable(item) for item in node.value)
