"""The mistakes policy staff make most often, recognised so that each gets its own message
and a way to fix it, rather than the words of the parser that tripped over it.

Expressions: ``=`` for ``==``, Italian or English words for operators (``e``, ``oppure``,
``AND``), a date written ``gg/mm/aaaa``, a comma as decimal separator. YAML: a tab, a text
holding ``: `` or starting with ``[`` left without quotes. Values: a date ``gg/mm/aaaa``
or a number ``0,70`` in a parameter or table. And "did you mean" for every misspelt name.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from collections.abc import Iterable

from capcoe_rules.errors import Text

__all__ = [
    "Mistake",
    "comma_number",
    "did_you_mean",
    "expression_mistake",
    "italian_date",
    "known_names",
    "yaml_syntax",
]

MAX_SUGGESTIONS = 3
MAX_LISTED = 12
"""A list of names this long or shorter is shown whole when no name is near."""

WORD_OPERATORS = {
    "e": "and",
    "ed": "and",
    "o": "or",
    "oppure": "or",
    "non": "not",
    "AND": "and",
    "OR": "or",
    "NOT": "not",
    "And": "and",
    "Or": "or",
    "Not": "not",
    "&&": "and",
    "||": "or",
}
ITALIAN_DATE = re.compile(r"(?<![\d.])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d.])")
COMMA_NUMBER = re.compile(r"^[+-]?\d+,\d+$")

Mistake = tuple[Text, Text, tuple[int, int]]
"""What is wrong, how to fix it, and where in the expression (1-based line, 0-based column)."""


def did_you_mean(name: str, known: Iterable[str]) -> list[str]:
    """The names nearest to ``name`` (at most three, nearest first)."""
    return difflib.get_close_matches(name, sorted(set(known)), n=MAX_SUGGESTIONS, cutoff=0.6)


def known_names(name: str, known: Iterable[str]) -> Text:
    """`` - did you mean 'x'?`` when a name is near, else the names when there are few."""
    names = sorted(set(known))
    near = did_you_mean(name, names)
    if near:
        shown = " or ".join(repr(n) for n in near)
        return Text(
            f": did you mean {shown}?", f": forse intendevi {shown.replace(' or ', ' o ')}?"
        )
    if not names:
        return Text("", "")
    if len(names) <= MAX_LISTED:
        listed = ", ".join(names)
        return Text(f" (known: {listed})", f" (noti: {listed})")
    return Text(
        f" (none of the {len(names)} known is near)", f" (nessuno dei {len(names)} noti è simile)"
    )


def italian_date(value: object) -> Text | None:
    """The fix for a date written the Italian way (``01/01/2024``), or None."""
    found = ITALIAN_DATE.fullmatch(str(value).strip()) if isinstance(value, str) else None
    return None if found is None else _iso_hint(found)


def _iso_hint(found: re.Match[str]) -> Text:
    day, month, year = found.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    return Text(
        f"write dates as year-month-day: {iso}, not {found.group(0)}",
        f"scrivi le date come anno-mese-giorno: {iso}, non {found.group(0)}",
    )


def comma_number(value: object) -> Text | None:
    """The fix for a number written with a decimal comma (``0,70``), or None."""
    if not isinstance(value, str) or not COMMA_NUMBER.match(value.strip()):
        return None
    dotted = value.strip().replace(",", ".")
    return Text(
        f"write decimals with a point: {dotted}, not {value.strip()}",
        f"scrivi i decimali con il punto: {dotted}, non {value.strip()}",
    )


# -- expressions ------------------------------------------------------------------------------


def expression_mistake(source: str, names: Iterable[str] = ()) -> Mistake | None:
    """The first common mistake in the text of an expression, or None.

    ``names`` are the roots the expression may use (a lookup called ``e`` is a name, not
    a mistake). Run before Python's parser, which would call each of these a syntax error
    (or, for ``1/1/2024``, a division)."""
    found = ITALIAN_DATE.search(_without_strings(source))
    if found is not None:
        line, column = _line_column(source, found.start())
        return (
            Text(
                f"the date {found.group(0)} is not a date in an expression",
                f"{found.group(0)} non è una data in un'espressione",
            ),
            _iso_hint(found) + Text(', inside date("...")', ', dentro date("...")'),
            (line, column),
        )
    tokens = _tokens(source)
    if tokens is None:
        return None
    roots = set(names)
    depth = 0
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.OP and token.string == "=" and depth == 0:
            return (
                Text(
                    "'=' gives a value; to compare write '=='",
                    "'=' assegna un valore; per confrontare si scrive '=='",
                ),
                Text(
                    "write '==' (equal to) instead of '='", "scrivi '==' (uguale a) al posto di '='"
                ),
                token.start,
            )
        elif token.type == tokenize.NAME and token.string in WORD_OPERATORS:
            if token.string in roots or (previous is not None and previous.string == "."):
                continue
            python = WORD_OPERATORS[token.string]
            return (
                Text(
                    f"'{token.string}' is not an operator of the rule language",
                    f"'{token.string}' non è un operatore del linguaggio delle regole",
                ),
                Text(
                    f"write '{python}' instead of '{token.string}' (operators: and, or, not)",
                    f"scrivi '{python}' al posto di '{token.string}' (operatori: and, or, not)",
                ),
                token.start,
            )
        elif (
            token.type == tokenize.OP
            and token.string == ","
            and depth == 0
            and previous is not None
            and previous.type == tokenize.NUMBER
            and following is not None
            and following.type == tokenize.NUMBER
            and previous.end == token.start
            and token.end == following.start
        ):
            written = f"{previous.string},{following.string}"
            return (
                Text(
                    f"{written} is not a number: the decimal separator is a point",
                    f"{written} non è un numero: il separatore decimale è il punto",
                ),
                Text(
                    f"write {previous.string}.{following.string}",
                    f"scrivi {previous.string}.{following.string}",
                ),
                previous.start,
            )
    return None


def _tokens(source: str) -> list[tokenize.TokenInfo] | None:
    try:
        return [
            token
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
        ]
    except (tokenize.TokenError, SyntaxError):  # an unclosed string: Python's parser says so
        return None


def _without_strings(source: str) -> str:
    """``source`` with the inside of every quoted text blanked (same length), so that
    ``date("01/01/2024")``'s text is not taken for a date written in the expression."""
    return re.sub(
        r"\"[^\"]*\"|'[^']*'",
        lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1],
        source,
    )


def _line_column(source: str, index: int) -> tuple[int, int]:
    before = source[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1)


# -- YAML -------------------------------------------------------------------------------------

QUOTE_HINT = Text(
    'put the whole value in double quotes: "..."',
    'metti l\'intero valore tra virgolette doppie: "..."',
)


def yaml_syntax(reason: str, line_text: str) -> tuple[Text, Text]:
    """What a YAML syntax error means in plain words, from the parser's reason and the
    text of the line where it was found, and how to fix it."""
    key, _, value = line_text.strip().lstrip("- ").partition(":")
    value = value.strip()
    if "\t" in line_text or "'\\t'" in reason:
        return (
            Text(
                "a tab character: YAML indents with spaces only",
                "un carattere di tabulazione: in YAML si rientra solo con spazi",
            ),
            Text(
                "replace the tab with spaces (two per level)",
                "sostituisci la tabulazione con spazi (due per livello)",
            ),
        )
    if value[:1] in ("[", "{") and not value.endswith(("]", "}")):
        return (
            Text(
                f"the value of '{key.strip()}' starts with '{value[0]}', so YAML reads it as "
                "a list",
                f"il valore di '{key.strip()}' inizia con '{value[0]}', quindi YAML lo legge "
                "come una lista",
            ),
            QUOTE_HINT,
        )
    if "mapping values are not allowed" in reason and ": " in value:
        return (
            Text(
                f"the value of '{key.strip()}' holds ': ', which YAML reads as a new key",
                f"il valore di '{key.strip()}' contiene ': ', che YAML legge come una nuova chiave",
            ),
            QUOTE_HINT,
        )
    for words, plain in _YAML_REASONS:
        if words in reason:
            return plain
    return (
        Text("YAML cannot read the file here", "YAML non riesce a leggere il file in questo punto"),
        _LAYOUT_HINT,
    )


_LAYOUT_HINT = Text(
    "check that the line is indented like the lines around it, and quote a text that holds "
    "': ' or starts with [ { * & ! | > ' \" % @",
    "controlla che la riga sia rientrata come quelle vicine, e metti tra virgolette un testo "
    "che contiene ': ' o inizia con [ { * & ! | > ' \" % @",
)
_YAML_REASONS: tuple[tuple[str, tuple[Text, Text]], ...] = (
    (
        "found unexpected end of stream",
        (
            Text(
                "the file ends inside a quoted text",
                "il file finisce dentro un testo tra virgolette",
            ),
            Text("close the quote that opens here", "chiudi le virgolette aperte qui"),
        ),
    ),
    (
        "could not find expected ':'",
        (
            Text("a key without ':'", "una chiave senza ':'"),
            Text(
                "write 'key: value', or join this line to the one above",
                "scrivi 'chiave: valore', o unisci questa riga a quella sopra",
            ),
        ),
    ),
    (
        "mapping values are not allowed",
        (
            Text(
                "a ':' where YAML does not expect a new key",
                "un ':' dove YAML non si aspetta una nuova chiave",
            ),
            _LAYOUT_HINT,
        ),
    ),
    (
        "expected ',' or ']'",
        (
            Text("a list in [ ] is not closed", "una lista tra [ ] non è chiusa"),
            Text(
                "close it with ']', or quote the text if it is not a list",
                "chiudila con ']', o metti il testo tra virgolette se non è una lista",
            ),
        ),
    ),
    (
        "expected ',' or '}'",
        (
            Text("a mapping in { } is not closed", "un elenco di chiavi tra { } non è chiuso"),
            Text("close it with '}'", "chiudilo con '}'"),
        ),
    ),
    (
        "found undefined tag handle",
        (
            Text("a '!' YAML reads as a tag", "un '!' che YAML legge come un'etichetta (tag)"),
            Text("quote the text", "metti il testo tra virgolette"),
        ),
    ),
)
