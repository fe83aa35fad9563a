"""How one scalar is written: plain, quoted, folded (``>-``) or literal (``|-``).

A text is written plain unless YAML needs quotes: it would be read as something else
(``yes``, ``12:00``, ``2021-01-01``), it starts with an indicator (``[``, ``{``, ``"``...),
it holds ``: `` or `` #``, or it looks like a number or a date to a reader (``"1.1.2"``,
``"063049"``, ``"2026.11.0"``), so that editing it never turns it into one. Quotes are double,
or single when the text holds double quotes (expressions with string literals). PyYAML's
own analysis and writer decide what is allowed and escape what must be; nothing here
changes a value, only how it is spelt.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence

import yaml
from yaml.emitter import Emitter, ScalarAnalysis

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
_RESOLVER = yaml.resolver.Resolver()
_NUMBER_LIKE = re.compile(r"[-+.]?[0-9][0-9._:eE+-]*")


def _analysis(text: str) -> ScalarAnalysis:
    return Emitter(io.StringIO(), allow_unicode=True).analyze_scalar(text)


def implicit_tag(text: str) -> str:
    """The type PyYAML (and so the checker) gives ``text`` written plain."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return str(tag)


def plain_allowed(text: str, flow: bool) -> bool:
    """``text`` may be written plain, on one line, and still be read as this text."""
    if not text or _NUMBER_LIKE.fullmatch(text) or implicit_tag(text) != STR:
        return False
    analysis = _analysis(text)
    if analysis.multiline:
        return False
    return bool(analysis.allow_flow_plain if flow else analysis.allow_block_plain)


def quoted(text: str) -> str:
    """``text`` between quotes on one line: double, or single when it holds ``"``."""
    style = "'" if '"' in text and "'" not in text else '"'
    written = yaml.dump(text, default_style=style, width=float("inf"), allow_unicode=True)
    return written.removesuffix("\n")


def inline_text(text: str, flow: bool) -> str:
    return text if plain_allowed(text, flow) else quoted(text)


def inline_scalar(node: yaml.ScalarNode, flow: bool) -> str:
    """A scalar written on one line, as a value or a key."""
    if node.tag == STR:
        return inline_text(node.value, flow)
    if node.tag == BOOL:
        return "true" if yaml.safe_load(node.value) else "false"
    if node.tag == NULL:
        return "null"
    if "\n" not in node.value and implicit_tag(node.value) == node.tag:
        return str(node.value)
    # An explicit tag (``!!float 1``) that the text alone would not give: keep it.
    shorthand = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
    return f"{shorthand} {inline_text(node.value, flow)}"


def foldable(text: str) -> bool:
    """``text`` can be written folded (``>-``) and read back exactly."""
    if not text or "\n" in text or text != text.strip(" \t"):
        return False
    return bool(_analysis(text).allow_block)


def literal_allowed(text: str) -> bool:
    """``text``, holding line breaks, can be written literal (``|-`` or ``|``) exactly."""
    body = text.removesuffix("\n")
    if "\n" not in text or body.endswith("\n") or not _analysis(text).allow_block:
        return False
    first = next((line for line in body.split("\n") if line), "")
    return bool(first) and not first.startswith((" ", "\t"))


def literal(text: str, indent: str) -> tuple[str, list[str]]:
    """The indicator and the content lines of ``text`` written literal."""
    body = text.removesuffix("\n")
    indicator = "|" if text.endswith("\n") else "|-"
    return indicator, [indent + line if line else "" for line in body.split("\n")]


def fold(text: str, width: int, breaks: Sequence[Sequence[int]]) -> list[str]:
    """``text`` in lines of at most ``width`` characters where it can be broken.

    ``breaks`` lists the places (indices of single spaces) to break at, by preference: a
    line is broken at the first level that has a place within it, and each part that is
    still too long at the next levels. Every single space between two words is a place
    of the last resort. Folding joins the lines with a space: the text is unchanged.
    """
    anywhere = [
        index
        for index, char in enumerate(text)
        if char == " " and text[index - 1] not in " \t" and text[index + 1] not in " \t"
    ]
    levels = [sorted(set(level) & set(anywhere)) for level in breaks] + [anywhere]
    return _fill(text, 0, len(text), width, levels)


def _fill(text: str, start: int, end: int, width: int, levels: list[list[int]]) -> list[str]:
    if end - start <= width:
        return [text[start:end]]
    found = next(
        (
            (depth, cuts)
            for depth, level in enumerate(levels)
            if (cuts := [index for index in level if start < index < end])
        ),
        None,
    )
    if found is None:
        return [text[start:end]]
    depth, cuts = found
    pieces = list(zip([start, *(cut + 1 for cut in cuts)], [*cuts, end], strict=True))
    lines: list[str] = []
    line_start, line_end = pieces[0]
    for piece_start, piece_end in pieces[1:]:
        if piece_end - line_start <= width:
            line_end = piece_end
            continue
        lines.extend(_fill(text, line_start, line_end, width, levels[depth + 1 :]))
        line_start, line_end = piece_start, piece_end
    lines.extend(_fill(text, line_start, line_end, width, levels[depth + 1 :]))
    return lines


_KEYWORD_LEVELS = ({"if", "else"}, {"or"}, {"and"})
_OPERATOR_LEVELS = ({"==", "!=", "<", "<=", ">", ">=", "in"}, {"+", "-"}, {"*", "/"})


def expression_breaks(text: str) -> list[list[int]]:
    """Where an expression reads best broken, loosest operator first: before ``if`` and
    ``else``, ``or``, ``and``, a comparison, ``+``/``-``, ``*``/``/`` outside brackets;
    then after a comma. An expression that does not tokenize is broken between words."""
    levels: list[list[int]] = [[] for _ in range(len(_KEYWORD_LEVELS) + len(_OPERATOR_LEVELS))]
    commas: list[int] = []
    depth = 0
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            start = token.start[1] - 1
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type == tokenize.OP and token.string == ",":
                commas.append(token.end[1])
            elif depth == 0:
                level = _level(token, previous)
                if level is not None and previous is not None and previous.string == "not":
                    levels[level].append(previous.start[1] - 1)  # before ``not in``
                elif level is not None:
                    levels[level].append(start)
            previous = token
    except (tokenize.TokenError, SyntaxError):
        return []
    return [*levels, commas]


def _level(token: tokenize.TokenInfo, previous: tokenize.TokenInfo | None) -> int | None:
    for level, words in enumerate(_KEYWORD_LEVELS):
        if token.type == tokenize.NAME and token.string in words:
            return level
    binary = previous is not None and (
        previous.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)
        or previous.string in ")]}"
    )
    for level, operators in enumerate(_OPERATOR_LEVELS, start=len(_KEYWORD_LEVELS)):
        if token.string in operators and (token.type == tokenize.OP or token.string == "in"):
            if token.string in "+-" and not binary:
                return None
            return level
    return None
