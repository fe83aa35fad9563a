"""CSV cells that no spreadsheet runs as a formula (CSV injection, as OWASP describes it).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by
Excel, LibreOffice and Google Sheets for a formula: a body named ``=HYPERLINK(...)``
would run when the report is opened. OWASP's remedy: prefix such text with an
apostrophe, which spreadsheets read as "this is text" and do not show.

And a cell holding a line break is always quoted: the csv module quotes only the
characters of its own line terminator, so with ``\\n`` a carriage return inside a name
would end the row for most readers.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that would start a formula gets a leading ``'``;
    anything else (numbers included: -3 stays a number) is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """``csv.DictWriter`` writing every cell through :func:`safe_cell`, quoting every cell
    that holds a line break, rows ending with ``lineterminator``."""

    def __init__(
        self,
        out: TextIO,
        fieldnames: Sequence[str],
        *,
        lineterminator: str = "\r\n",
        **options: Any,
    ) -> None:
        # The writer ends rows with CR LF, so that it quotes both in cells; _RowEnds puts
        # the wanted ending in their place.
        super().__init__(
            _RowEnds(out, lineterminator), fieldnames, lineterminator=_CSV_ENDING, **options
        )

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({column: safe_cell(value) for column, value in rowdict.items()})


_CSV_ENDING = "\r\n"


class _RowEnds:
    """A file that receives whole CSV rows (one ``write`` each, as the csv writer does)
    and replaces each row's CR LF ending with ``ending``."""

    def __init__(self, out: TextIO, ending: str) -> None:
        self._out = out
        self._ending = ending

    def write(self, row: str) -> int:
        assert row.endswith(_CSV_ENDING)
        return self._out.write(row[: -len(_CSV_ENDING)] + self._ending)
