"""``capcoe-rules fmt``: rule files in one canonical style, comments kept, meaning kept.

:func:`format_text` rewrites one file's text. It reads it with PyYAML, as the checker does
(:mod:`.source`), writes it again in the style of :mod:`.style` (:mod:`.writer`), and
checks that the result holds the same values and the same comments (:mod:`.meaning`):
formatting never changes what a rule set decides. Formatting a formatted text gives the
same text.
"""

from __future__ import annotations

from capcoe_rules.errors import Code, FormatError, Text
from capcoe_rules.language.formatting.meaning import same_meaning
from capcoe_rules.language.formatting.source import SourceError, parse
from capcoe_rules.language.formatting.style import MANIFEST, RULE_FILE, WIDTH
from capcoe_rules.language.formatting.writer import Writer
from capcoe_rules.language.problems import Position

__all__ = ["WIDTH", "FormatError", "format_text"]


def format_text(text: str, manifest: bool = False) -> str:
    """``text`` in the canonical style; ``manifest`` for ``ruleset.yaml``.

    Raises :class:`FormatError` when ``text`` is not valid YAML, uses anchors or aliases,
    or (a bug, never expected) when the result would not hold the same values and
    comments: then nothing must be written.
    """
    try:
        source = parse(text)
        formatted = Writer(source).document(MANIFEST if manifest else RULE_FILE)
    except SourceError as error:
        raise FormatError(error.position, error.code, error.text, error.hint) from None
    except RecursionError:
        raise FormatError(
            Position(1, 1),
            Code.YAML_SYNTAX,
            Text(
                "values nested too deeply to be formatted",
                "valori annidati troppo in profondità per essere formattati",
            ),
        ) from None
    try:
        same = same_meaning(source, parse(formatted))
    except SourceError:  # a bug: what it wrote is not even YAML
        same = False
    if not same:
        raise FormatError(
            Position(1, 1),
            Code.YAML_SYNTAX,
            Text(
                "fmt could not rewrite this file without changing a value or a comment; "
                "it is left as it is",
                "fmt non riesce a riscrivere questo file senza cambiare un valore o un "
                "commento; è lasciato com'è",
            ),
            Text("please report it with the file", "segnalalo allegando il file"),
        )
    return formatted
