"""A rule file as the formatter reads it: PyYAML's node tree and the comments around it.

The checker reads rule files with PyYAML (YAML 1.1: ``yes`` is true, ``12:00`` is a
number), so the formatter reads them with PyYAML too and sees exactly the values the
checker sees. PyYAML drops comments; they are recovered from the gaps between its tokens,
where nothing but white space and comments can stand, and each is tied to an *entry* (a
mapping key with its value, or a sequence item):

- a comment on a line of its own belongs to the entry that follows it, and moves with it
  when keys are put in order; comments before the first entry of the file are the file's
  header and stay on top; comments after the last entry stay at the end;
- a comment at the end of a line belongs to the entry that starts on that line (the
  outermost one, but the key rather than the item on a ``- key: value`` line).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.mistakes import yaml_syntax
from capcoe_rules.language.problems import Position

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*")


class SourceError(ValueError):
    """A file the formatter cannot read or will not rewrite, with the place to look at."""

    def __init__(
        self, position: Position, code: str, message: Text, hint: Text | None = None
    ) -> None:
        self.position = position
        self.code = code
        self.text = message
        self.hint = hint
        super().__init__(message.en)


@dataclass(frozen=True)
class Comment:
    text: str
    """From ``#`` to the end of the line, trailing white space removed."""
    line: int
    """0-based, counted as PyYAML counts lines."""
    index: int
    own_line: bool
    """Nothing but white space before it on its line."""


@dataclass
class Comments:
    """Every comment of a file, tied to the entries they are written next to.

    Entries are keyed by ``id()`` of their node: the key node of a mapping entry, the item
    node of a sequence item (the tree is kept alive alongside, and has no shared nodes).
    """

    header: list[str] = field(default_factory=list)
    """Comment lines above the first entry; ``""`` for a blank line between them."""
    header_apart: bool = False
    """A blank line separated the header from the first entry."""
    before: dict[int, list[str]] = field(default_factory=dict)
    after: dict[int, list[str]] = field(default_factory=dict)
    """End-of-line comments, in order (a second one on the same entry is rare)."""
    trailing: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        """Every comment's text, in no particular order: what formatting must keep."""
        lines = [*self.header, *self.trailing]
        for group in (*self.before.values(), *self.after.values()):
            lines.extend(group)
        return sorted(line for line in lines if line)


@dataclass(frozen=True)
class Source:
    root: yaml.Node | None
    data: Any
    """The values, as ``yaml.safe_load`` (and so the checker) reads them."""
    comments: Comments
    inside: frozenset[int]
    """Ids of the collection nodes that hold a comment on some entry within them."""


class _Loader(yaml.SafeLoader):
    """The checker's loader, keeping the tokens it reads: one pass gives nodes and comments."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.seen: list[yaml.Token] = []

    def get_token(self) -> yaml.Token:
        token: yaml.Token = super().get_token()  # type: ignore[no-untyped-call]
        self.seen.append(token)
        return token


def parse(text: str) -> Source:
    """Read ``text`` as the checker does, keeping its comments. Raises :class:`SourceError`."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _refuse_alias_bombs(root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        reason = error.problem or error.context or ""
        lines = text.splitlines()
        line_text = lines[position.line - 1] if position.line <= len(lines) else ""
        plain, hint = yaml_syntax(reason, line_text)  # the checker's own words
        raise SourceError(position, Code.YAML_SYNTAX, plain, hint) from None
    finally:
        loader.dispose()
    found = _comments(text, loader.seen)
    anchors = _Anchors(root)
    comments = _tie(found, anchors)
    return Source(root, data, comments, frozenset(anchors.holding(comments)))


MAX_WRITTEN_NODES = 100_000
"""Aliases (``*name``) are written out where they are used; a file whose aliases would
write more values than this (a "billion laughs") is refused."""


def _refuse_alias_bombs(root: yaml.Node) -> None:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in sizes:
            if isinstance(node, yaml.MappingNode):
                children = [child for pair in node.value for child in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            else:
                children = []
            sizes[id(node)] = min(1 + sum(size(child) for child in children), MAX_WRITTEN_NODES + 1)
        return sizes[id(node)]

    if size(root) > MAX_WRITTEN_NODES:
        raise SourceError(
            Position(1, 1),
            Code.YAML_SYNTAX,
            Text(
                f"its aliases (*name) would write more than {MAX_WRITTEN_NODES:,} values",
                f"i suoi alias (*nome) scriverebbero più di {MAX_WRITTEN_NODES:,} valori".replace(
                    ",", "."
                ),
            ),
            Text("write the values out", "scrivi i valori per esteso"),
        )


def _comments(text: str, tokens: list[yaml.Token]) -> list[Comment]:
    """The comments in the gaps between tokens, and after a block scalar's indicator."""
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    found: list[Comment] = []

    def add(index: int) -> None:
        match = _LINE_BREAK.search(text, index)
        end = match.start() if match else len(text)
        line = bisect.bisect_right(starts, index) - 1
        own_line = not text[starts[line] : index].strip(" \t\ufeff")
        found.append(Comment(text[index:end].rstrip(), line, index, own_line))

    def scan_gap(start: int, end: int) -> None:
        index = text.find("#", start, end)
        while index != -1:
            add(index)
            match = _LINE_BREAK.search(text, index, end)
            if match is None:
                return
            index = text.find("#", match.end(), end)

    previous_end = 0
    for token in tokens:
        scan_gap(previous_end, token.start_mark.index)
        if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
            header = _BLOCK_HEADER.match(text, token.start_mark.index)
            if header and text.startswith("#", header.end()):
                add(header.end())
        previous_end = max(previous_end, token.end_mark.index)
    scan_gap(previous_end, len(text))
    return found


@dataclass(frozen=True, order=True)
class _Anchor:
    """A place an entry starts at (its key, its item, or a scalar or flow value)."""

    index: int
    order: int
    line: int
    entry: int
    prefer: bool
    """The key of a ``- key: value`` line: takes that line's end comment from its item."""


class _Anchors:
    def __init__(self, root: yaml.Node | None) -> None:
        self.anchors: list[_Anchor] = []
        self.parents: dict[int, list[int]] = {}
        """For each entry, the collection nodes it lies within."""
        self.first_entry = -1
        if root is not None:
            self._walk(root, [])
        self.anchors.sort()
        self.indices = [anchor.index for anchor in self.anchors]

    def _add(self, node: yaml.Node, entry: int, prefer: bool = False) -> None:
        mark = node.start_mark
        self.anchors.append(_Anchor(mark.index, len(self.anchors), mark.line, entry, prefer))

    def _walk(self, node: yaml.Node, within: list[int]) -> None:
        if isinstance(node, yaml.MappingNode):
            inner = [*within, id(node)]
            for position, (key, value) in enumerate(node.value):
                entry = id(key)
                self.parents[entry] = inner
                item_line = position == 0 and not node.flow_style
                self._add(key, entry, prefer=item_line)
                if isinstance(value, yaml.ScalarNode) or value.flow_style:
                    self._add(value, entry)
                self._walk(value, inner)
        elif isinstance(node, yaml.SequenceNode):
            inner = [*within, id(node)]
            for item in node.value:
                entry = id(item)
                self.parents[entry] = inner
                self._add(item, entry)
                self._walk(item, inner)

    def following(self, index: int) -> int | None:
        """The entry of the first anchor after ``index``."""
        at = bisect.bisect_right(self.indices, index)
        return self.anchors[at].entry if at < len(self.anchors) else None

    def on_line(self, line: int, before: int) -> int | None:
        """The entry an end-of-line comment at ``before`` on ``line`` belongs to."""
        at = bisect.bisect_left(self.indices, before) - 1
        candidates: list[_Anchor] = []
        while at >= 0 and self.anchors[at].line == line:
            candidates.append(self.anchors[at])
            at -= 1
        if not candidates:
            return None
        candidates.reverse()
        outermost = candidates[0]
        for anchor in candidates[1:]:
            if anchor.index == outermost.index and anchor.prefer:
                return anchor.entry
        return outermost.entry

    def holding(self, comments: Comments) -> set[int]:
        nodes: set[int] = set()
        for entry in (*comments.before, *comments.after):
            nodes.update(self.parents.get(entry, ()))
        return nodes


def _tie(found: list[Comment], anchors: _Anchors) -> Comments:
    comments = Comments()
    if not anchors.anchors:
        comments.trailing = _with_blank_lines(found)
        return comments
    first = anchors.anchors[0]
    header: list[Comment] = []
    trailing: list[Comment] = []
    runs: dict[int, list[Comment]] = {}
    for comment in found:
        if not comment.own_line:
            entry = anchors.on_line(comment.line, comment.index)
            if entry is not None:
                comments.after.setdefault(entry, []).append(comment.text)
                continue
        if comment.index < first.index:
            header.append(comment)
            continue
        following = anchors.following(comment.index)
        if following is None:
            trailing.append(comment)
        else:
            runs.setdefault(following, []).append(comment)
    comments.header = _with_blank_lines(header)
    comments.header_apart = bool(header) and first.line > header[-1].line + 1
    comments.trailing = _with_blank_lines(trailing)
    comments.before = {entry: _with_blank_lines(lines) for entry, lines in runs.items()}
    return comments


def _with_blank_lines(lines: list[Comment]) -> list[str]:
    """Comment texts with ``""`` where one or more blank lines separated two of them."""
    texts: list[str] = []
    for previous, comment in zip([None, *lines], lines, strict=False):
        if previous is not None and comment.line > previous.line + 1:
            texts.append("")
        texts.append(comment.text)
    return texts
