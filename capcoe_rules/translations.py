"""What is wrong with a case, in Italian as well as in English.

A :class:`~capcoe_rules.errors.FieldProblem` says in English what is wrong at a field
path. Problems that pydantic found carry its error type and context, and are put into
Italian from those (:data:`BY_TYPE`), whatever the English wording; the project's own
checks (an unknown ISTAT code, milestones that do not add up...) are recognised by their
English wording (:data:`BY_WORDING`). A problem neither knows keeps its English reason
behind an Italian lead-in, so nothing is ever lost in translation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from capcoe_rules.errors import FieldProblem

FALLBACK = "non valido: {english}"

BY_TYPE: dict[str, str] = {
    "missing": "campo obbligatorio mancante",
    "extra_forbidden": "campo non previsto",
    "model_type": "deve essere un oggetto (campi e valori)",
    "model_attributes_type": "deve essere un oggetto (campi e valori)",
    "dict_type": "deve essere un oggetto (campi e valori)",
    "list_type": "deve essere una lista",
    "string_type": "deve essere un testo",
    "string_too_short": "deve avere almeno {min_length} caratteri",
    "string_too_long": "deve avere al massimo {max_length} caratteri",
    "string_pattern_mismatch": "non ha il formato richiesto ({pattern})",
    "int_type": "deve essere un numero intero",
    "int_parsing": "deve essere un numero intero",
    "int_from_float": "deve essere un numero intero, senza decimali",
    "float_type": "deve essere un numero",
    "float_parsing": "deve essere un numero",
    "bool_type": "deve essere true o false",
    "bool_parsing": "deve essere true o false",
    "decimal_type": "deve essere un numero decimale",
    "decimal_parsing": "deve essere un numero decimale",
    "decimal_max_digits": "deve avere al massimo {max_digits} cifre",
    "decimal_max_places": "deve avere al massimo {decimal_places} decimali",
    "decimal_whole_digits": "deve avere al massimo {whole_digits} cifre prima della virgola",
    "finite_number": "deve essere un numero finito",
    "date_type": "deve essere una data ISO (AAAA-MM-GG)",
    "date_parsing": "deve essere una data ISO (AAAA-MM-GG)",
    "date_from_datetime_parsing": "deve essere una data ISO (AAAA-MM-GG)",
    "date_from_datetime_inexact": "deve essere una data, senza ora",
    "datetime_type": "deve essere una data e ora ISO con fuso orario "
    "(es. 2023-11-30T12:00:00+01:00)",
    "datetime_parsing": "deve essere una data e ora ISO con fuso orario "
    "(es. 2023-11-30T12:00:00+01:00)",
    "datetime_from_date_parsing": "deve essere una data e ora ISO con fuso orario "
    "(es. 2023-11-30T12:00:00+01:00)",
    "timezone_aware": "manca il fuso orario (es. +01:00)",
    "literal_error": "deve essere uno tra {expected}",
    "enum": "deve essere uno tra {expected}",
    "greater_than": "deve essere maggiore di {gt}",
    "greater_than_equal": "deve essere maggiore o uguale a {ge}",
    "less_than": "deve essere minore di {lt}",
    "less_than_equal": "deve essere minore o uguale a {le}",
    "too_short": "deve avere almeno {min_length} elementi",
    "too_long": "deve avere al massimo {max_length} elementi",
    "json_invalid": "JSON non valido",
    "json_type": "JSON non valido",
}
"""Italian for pydantic's error types, with the placeholders of its error context."""

BY_WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{pattern}$"), italian)
    for pattern, italian in (
        # capcoe_rules.models.inputs and money
        (r"expected a number, not true/false", "atteso un numero, non true/false"),
        (
            r"(?P<v>.+) is not a plain decimal number such as 1000\.50",
            "{v} non è un numero decimale semplice come 1000.50",
        ),
        (
            r"expected an ISO date, not a number \(e\.g\. (?P<e>.+)\)",
            "attesa una data ISO, non un numero (es. {e})",
        ),
        (r"(?P<v>.+) is not an ISO date", "{v} non è una data ISO"),
        (r"(?P<v>\S+) is outside (?P<a>\d+)-(?P<b>\d+)", "{v} è fuori dagli anni {a}-{b}"),
        (r"(?P<v>.+) has more than two decimals", "{v} ha più di due decimali"),
        # capcoe_rules.models.application and territory
        (
            r"(?P<c>.+) is not an ISTAT comune \(6 digits\), province \(3\) or region \(2\) code",
            "{c} non è un codice ISTAT di comune (6 cifre), provincia (3) o regione (2)",
        ),
        (
            r"a central administration has no ISTAT code",
            "un'amministrazione centrale non ha codice ISTAT",
        ),
        (
            r"an applicant of type (?P<t>.+) needs its istat_code",
            "un richiedente di tipo {t} deve indicare il codice ISTAT (istat_code)",
        ),
        # capcoe_rules.models.payment
        (
            r"milestone (?P<m>.+): the target equals the baseline",
            "traguardo {m}: il target è uguale al valore di base",
        ),
        (r"milestone id (?P<m>.+) repeated", "id del traguardo {m} ripetuto"),
        (
            r"the milestones add up to (?P<a>\S+), not to the grant total (?P<b>\S+)",
            "i traguardi sommano a {a}, non al totale della sovvenzione {b}",
        ),
        (
            r"a grant needs at least one final milestone \('finale'\)",
            "una sovvenzione richiede almeno un traguardo finale ('finale')",
        ),
        (
            r"a programme-level grant needs it \(n\+3\)",
            "obbligatorio per una sovvenzione a livello di programma (n+3)",
        ),
        (
            r"milestone (?P<m>.+) is not in grant (?P<g>.+)",
            "il traguardo {m} non è nella sovvenzione {g}",
        ),
        (r"milestone (?P<m>.+) is not in the grant", "il traguardo {m} non è nella sovvenzione"),
        (
            r"a second line for milestone (?P<m>.+) \(the first is (?P<f>.+)\)",
            "una seconda riga per il traguardo {m} (la prima è {f})",
        ),
        (
            r"(?P<a>\S+) is after the claim date (?P<b>\S+)",
            "{a} è successiva alla data della domanda di pagamento {b}",
        ),
        (
            r"(?P<p>\S+) already paid for milestone (?P<m>.+), more than its amount (?P<a>\S+)",
            "{p} già pagati per il traguardo {m}, più del suo importo {a}",
        ),
        # capcoe_rules.engine: the case as a whole, lookups, the rule set's period
        (r"a case is a mapping of fields to values", "un caso è un oggetto di campi e valori"),
        (
            r"unknown case type (?P<t>.+) \(known: (?P<k>.+)\)",
            "tipo di caso {t} sconosciuto (noti: {k})",
        ),
        (r"not valid JSON: (?P<e>.+)", "JSON non valido: {e}"),
        (r"(?P<t>\S+) is not a case \((?P<k>.+)\)", "{t} non è un caso ({k})"),
        (
            r"(?P<k>.+) has no row in table (?P<t>.+) \(lookup (?P<l>.+)\)",
            "{k} non ha una riga nella tabella {t} (collegamento {l})",
        ),
        (
            r"(?P<d>\S+) is outside the period rule set (?P<r>.+) is in force "
            r"\((?P<a>\S+) to (?P<b>\S+)\)",
            "{d} è fuori dal periodo di vigenza delle regole {r} (dal {a} al {b})",
        ),
        (
            r"parameter (?P<p>.+) has no value on (?P<d>\S+)",
            "il parametro {p} non ha un valore al {d}",
        ),
        (
            r"the rule set has no rules deriving (?P<n>.+) for 'case: (?P<c>\w+)': "
            r"it cannot decide payment claims",
            "le regole non calcolano {n} per 'case: {c}': non possono decidere "
            "domande di pagamento",
        ),
        # capcoe_rules.allocation: a round that cannot be held
        (
            r"unknown allocation method (?P<m>.+) \(known: (?P<k>.+)\)",
            "metodo di riparto {m} sconosciuto (noti: {k})",
        ),
        (
            r"no valid application to date the round by: give its date \(as_of\)",
            "nessuna domanda valida da cui datare il riparto: indicarne la data (as_of)",
        ),
        (r"the rule set has no parameter (?P<p>.+)", "le regole non hanno il parametro {p}"),
        (
            r"the reserved quota \((?P<r>\d+)\) exceeds the total \((?P<t>\d+)\)",
            "la quota riservata ({r}) supera il totale ({t})",
        ),
        # capcoe_rules.service
        (
            r"the request body is larger than (?P<n>[\d,]+) bytes",
            "il corpo della richiesta supera {n} byte",
        ),
        (r"the line is longer than (?P<n>[\d,]+) bytes", "la riga supera {n} byte"),
        (
            r"the rules could not evaluate the case: (?P<e>.+)",
            "le regole non hanno potuto valutare il caso: {e}",
        ),
    )
)
"""Italian for the project's own checks, by their English wording (``{name}`` takes the
named group of the same name; ``n`` is a number grouped by thousands)."""


def italian(problem: FieldProblem) -> str | None:
    """The reason of ``problem`` in Italian, or None when no translation is known."""
    if problem.message_it:
        return problem.message_it
    template = BY_TYPE.get(problem.code)
    if template is not None:
        try:
            return template.format_map(_context(problem.context))
        except (KeyError, IndexError, ValueError):
            return None
    for pattern, wording in BY_WORDING:
        found = pattern.match(problem.message)
        if found is not None:
            groups = found.groupdict()
            if "n" in groups:  # a count of bytes, grouped the Italian way: 65.536
                groups["n"] = groups["n"].replace(",", ".")
            return wording.format_map(groups)
    return None


def bilingual(problem: FieldProblem) -> dict[str, str]:
    """``{"path", "it", "en"}`` for ``problem``: the Italian never empty."""
    return {
        "path": problem.path,
        "it": italian(problem) or FALLBACK.format(english=problem.message),
        "en": problem.message,
    }


def _context(context: Mapping[str, Any] | None) -> dict[str, str]:
    shown = {key: str(value) for key, value in (context or {}).items()}
    if "expected" in shown:  # "'a', 'b' or 'c'"
        shown["expected"] = re.sub(r" or (?=[^,]*$)", " o ", shown["expected"])
    return shown
