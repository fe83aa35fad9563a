"""What is wrong with a case, in Italian and English, from a catalogue keyed by the error's id.

Every problem found in a case (an application, a payment claim, an allocation round) has a
type id: pydantic's ``error["type"]`` (``missing``, ``int_type``, ``literal_error``...) for
what the models find field by field, and the project's own ids (``unknown_istat_code``,
``milestones_total_mismatch``...) for what the models and the engine check beyond that.
:data:`CATALOGUE` gives, for each id, the message and how to fix it in both languages, as
:class:`~capcoe_rules.errors.Text` templates whose ``{placeholders}`` are the error's
context (pydantic's ``ctx``), the field (``{field}``) and the value given (``{value}``).

The project's own checks raise :func:`refusal` (a pydantic custom error with the
catalogue's id) or build :func:`case_problem`; pydantic's errors become problems through
:func:`validation_problems`. A type the catalogue does not know still gets a message in
both languages naming the field (:data:`FALLBACK`), so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
import string
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from capcoe_rules import territory
from capcoe_rules.errors import FieldProblem, Text

__all__ = [
    "CATALOGUE",
    "FALLBACK",
    "Entry",
    "case_problem",
    "count",
    "describe",
    "placeholders",
    "refusal",
    "validation_problems",
]

MAX_NEAR = 3
MAX_SHOWN = 60
ITALIAN_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:.](\d{2}))?")
COMMA_NUMBER = re.compile(r"[+-]?\d{1,3}(\.\d{3})*,\d+|[+-]?\d+,\d+")


@dataclass(frozen=True, slots=True)
class Entry:
    """The message of one type of case error and how to fix it, as templates."""

    message: Text
    hint: Text | None = None
    near: Text | None = None
    """The hint instead of ``hint`` when names near the value given are known (``{near}``)."""


def _e(en: str, it: str, hint_en: str = "", hint_it: str = "", **near: str) -> Entry:
    return Entry(
        Text(en, it),
        Text(hint_en, hint_it) if hint_en else None,
        Text(near["near_en"], near["near_it"]) if near else None,
    )


_DATE_HINT = ("write the date as YYYY-MM-DD, for example {example}",
              "scrivi la data come AAAA-MM-GG, per esempio {example}")  # fmt: skip
_INSTANT_HINT = (
    "write the date and time as YYYY-MM-DDThh:mm:ss followed by the time zone "
    "(+01:00 in winter, +02:00 in summer in Italy), for example {example}",
    "scrivi data e ora come AAAA-MM-GGThh:mm:ss seguite dal fuso orario "
    "(+01:00 d'inverno, +02:00 d'estate in Italia), per esempio {example}",
)
_NUMBER_HINT = (
    "write the number with a point before the decimals and no thousands separator, "
    "for example {example}",
    "scrivi il numero con il punto prima dei decimali e senza separatore delle migliaia, "
    "per esempio {example}",
)
_WHOLE_HINT = (
    "write a whole number, without quotes or decimals, for example 12",
    "scrivi un numero intero, senza virgolette né decimali, per esempio 12",
)
_GROUP = _e(
    "must be a group of fields (field: value), not {value}",
    "deve essere un gruppo di campi (campo: valore), non {value}",
    "write its fields on the lines below {field}, indented by two spaces",
    "scrivi i suoi campi nelle righe sotto {field}, rientrati di due spazi",
)
_NOT_DATE = _e("{value} is not a date", "{value} non è una data", *_DATE_HINT)
_NOT_INSTANT = _e(
    "{value} is not a date and time", "{value} non è una data con ora", *_INSTANT_HINT
)
_NOT_NUMBER = _e(
    "must be a number, not {value}", "deve essere un numero, non {value}", *_NUMBER_HINT
)
_NOT_WHOLE = _e(
    "must be a whole number, not {value}", "deve essere un numero intero, non {value}", *_WHOLE_HINT
)
_NOT_BOOL = _e(
    "must be true or false, not {value}",
    "deve essere true o false, non {value}",
    "write true or false, without quotes",
    "scrivi true o false, senza virgolette",
)
_JSON_HINT = (
    "check the brackets, the commas between fields and the double quotes around texts",
    "controlla le parentesi, le virgole tra i campi e le virgolette doppie attorno ai testi",
)
_NOT_JSON = _e("not valid JSON: {error}", "non è JSON valido: {error}", *_JSON_HINT)
_ONE_OF = _e(
    "{value} is not one of the admitted values",
    "{value} non è tra i valori ammessi",
    "write one of: {expected}",
    "scrivi uno tra: {expected}",
    near_en="did you mean {near}? (admitted: {expected})",
    near_it="forse intendevi {near}? (ammessi: {expected})",
)

CATALOGUE: dict[str, Entry] = {
    # -- pydantic's types, as the case models can raise them ---------------------------------
    "missing": _e(
        "this field is required and missing",
        "campo obbligatorio mancante",
        "add {name}: followed by its value",
        "aggiungi {name}: seguito dal suo valore",
    ),
    "extra_forbidden": _e(
        "{field} is not a field of this part of the case",
        "{field} non è un campo di questa parte del caso",
        "remove it, or correct its name (fields here: {expected})",
        "toglilo, o correggine il nome (campi ammessi qui: {expected})",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    "model_type": _GROUP,
    "model_attributes_type": _GROUP,
    "dict_type": _GROUP,
    "list_type": _e(
        "must be a list, not {value}",
        "deve essere una lista, non {value}",
        "write each item on its own line, starting with '- '",
        "scrivi ogni elemento su una riga sua, che inizia con '- '",
    ),
    "too_short": _e(
        "must have at least {min_length} item(s)",
        "deve avere almeno {min_length} elementi",
        "add the missing items",
        "aggiungi gli elementi mancanti",
    ),
    "too_long": _e(
        "has more than {max_length} items",
        "ha più di {max_length} elementi",
        "keep at most {max_length}",
        "tienine al massimo {max_length}",
    ),
    "string_type": _e(
        "must be a text, not {value}",
        "deve essere un testo, non {value}",
        'write the text in double quotes: "..."',
        'scrivi il testo tra virgolette doppie: "..."',
    ),
    "string_unicode": _e(
        "is not valid Unicode text",
        "non è testo Unicode valido",
        "write it again, without the character that cannot be read",
        "riscrivilo, senza il carattere che non si può leggere",
    ),
    "string_too_short": _e(
        "must have at least {min_length} character(s)",
        "deve avere almeno {min_length} caratteri",
        "write a value",
        "scrivi un valore",
    ),
    "string_too_long": _e(
        "is longer than {max_length} characters",
        "supera {max_length} caratteri",
        "shorten it",
        "accorcialo",
    ),
    "string_pattern_mismatch": _e(
        "{value} is not written in the form this field needs",
        "{value} non è scritto nella forma che questo campo richiede",
    ),
    "string_pattern_mismatch:istat_code": _e(
        "{value} is not an ISTAT code: a code has 6 digits (comune), 3 (province) or 2 (region)",
        "{value} non è un codice ISTAT: un codice ha 6 cifre (comune), 3 (provincia) o 2 (regione)",
        'write the digits only, with the leading zeros and in quotes, e.g. "063049" (Napoli)',
        'scrivi solo le cifre, con gli zeri iniziali e tra virgolette, per esempio "063049" '
        "(Napoli)",
        near_en="did you mean {near}? (write the code in quotes, with its leading zeros)",
        near_it="forse intendevi {near}? (scrivi il codice tra virgolette, con gli zeri iniziali)",
    ),
    "int_type": _NOT_WHOLE,
    "int_parsing": _NOT_WHOLE,
    "int_parsing_size": _NOT_WHOLE,
    "int_from_float": _NOT_WHOLE,
    "float_type": _NOT_NUMBER,
    "float_parsing": _NOT_NUMBER,
    "bool_type": _NOT_BOOL,
    "bool_parsing": _NOT_BOOL,
    "decimal_type": _NOT_NUMBER,
    "decimal_parsing": _NOT_NUMBER,
    "decimal_max_digits": _e(
        "has more than {max_digits} digits",
        "ha più di {max_digits} cifre",
        "write at most {max_digits} digits",
        "scrivi al massimo {max_digits} cifre",
    ),
    "decimal_max_places": _e(
        "has more than {decimal_places} decimals",
        "ha più di {decimal_places} decimali",
        "round it to {decimal_places} decimals (euros: to the cent, e.g. 1000.50)",
        "arrotondalo a {decimal_places} decimali (euro: al centesimo, per esempio 1000.50)",
    ),
    "decimal_whole_digits": _e(
        "has more than {whole_digits} digits before the decimal point",
        "ha più di {whole_digits} cifre prima del punto decimale",
        "check the amount: it is too large",
        "controlla l'importo: è troppo grande",
    ),
    "finite_number": _e(
        "must be a finite number",
        "deve essere un numero finito",
        *_NUMBER_HINT,
    ),
    "greater_than": _e(
        "must be greater than {gt}, not {value}",
        "deve essere maggiore di {gt}, non {value}",
        "write a number greater than {gt}",
        "scrivi un numero maggiore di {gt}",
    ),
    "greater_than_equal": _e(
        "must be {ge} or more, not {value}",
        "deve essere almeno {ge}, non {value}",
        "write a number of at least {ge}",
        "scrivi un numero non inferiore a {ge}",
    ),
    "less_than": _e(
        "must be less than {lt}, not {value}",
        "deve essere minore di {lt}, non {value}",
        "write a number less than {lt}",
        "scrivi un numero minore di {lt}",
    ),
    "less_than_equal": _e(
        "must be {le} or less, not {value}",
        "deve essere al massimo {le}, non {value}",
        "write a number of at most {le}",
        "scrivi un numero non superiore a {le}",
    ),
    "date_type": _NOT_DATE,
    "date_parsing": _NOT_DATE,
    "date_from_datetime_parsing": _NOT_DATE,
    "date_from_datetime_inexact": _e(
        "{value} has a time: here only the date is written",
        "{value} ha anche l'ora: qui si scrive solo la data",
        *_DATE_HINT,
    ),
    "datetime_type": _NOT_INSTANT,
    "datetime_parsing": _NOT_INSTANT,
    "datetime_from_date_parsing": _NOT_INSTANT,
    "datetime_object_invalid": _NOT_INSTANT,
    "timezone_aware": _e(
        "{value} has no time zone", "{value} non ha il fuso orario", *_INSTANT_HINT
    ),
    "literal_error": _ONE_OF,
    "enum": _ONE_OF,
    "json_invalid": _NOT_JSON,
    "json_type": _e(
        "must be JSON text",
        "deve essere un testo JSON",
        "send the case as a JSON object {{...}}",
        "manda il caso come oggetto JSON {{...}}",
    ),
    # -- the case models' own checks, field by field (capcoe_rules.models) ------------------
    "invalid_unicode": _e(
        "not valid Unicode text: character {position} is a lone surrogate ({escape})",
        "non è testo Unicode valido: il carattere {position} è un surrogato isolato ({escape})",
        "remove that character",
        "togli quel carattere",
    ),
    "number_not_bool": _e(
        "expected a number, not true/false",
        "atteso un numero, non true/false",
        *_NUMBER_HINT,
    ),
    "number_text": _e(
        "{value} is not a plain decimal number such as 1000.50",
        "{value} non è un numero decimale semplice come 1000.50",
        *_NUMBER_HINT,
    ),
    "measure_too_large": _e(
        "too large: an indicator's value is below 10,000,000,000,000",
        "troppo grande: il valore di un indicatore è sotto 10.000.000.000.000",
        "check the unit of the indicator",
        "controlla l'unità di misura dell'indicatore",
    ),
    "measure_too_many_decimals": _e(
        "{value} has more than 6 decimals",
        "{value} ha più di 6 decimali",
        "round it to 6 decimals",
        "arrotondalo a 6 decimali",
    ),
    "date_is_number": _e(
        "expected a date, not a number",
        "attesa una data, non un numero",
        "write the date as text: YYYY-MM-DD, with the time YYYY-MM-DDThh:mm:ss+01:00",
        "scrivi la data come testo: AAAA-MM-GG, con l'ora AAAA-MM-GGThh:mm:ss+01:00",
    ),
    "date_digits": _e("{value} is not an ISO date", "{value} non è una data", *_DATE_HINT),
    "date_out_of_range": _e(
        "{value} is outside {earliest}-{latest}",
        "{value} è fuori dagli anni {earliest}-{latest}",
        "check the year",
        "controlla l'anno",
    ),
    "unknown_istat_code": _e(
        "{code} is not an ISTAT comune (6 digits), province (3) or region (2) code",
        "{code} non è un codice ISTAT di comune (6 cifre), provincia (3) o regione (2)",
        "look the code up in ISTAT's list of comuni (e.g. 063049 Napoli, 063 its province, "
        "15 Campania)",
        "cerca il codice nell'elenco ISTAT dei comuni (per esempio 063049 Napoli, 063 la sua "
        "provincia, 15 la Campania)",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    "central_administration_with_code": _e(
        "a central administration has no ISTAT code",
        "un'amministrazione centrale non ha codice ISTAT",
        "remove istat_code, or correct body_type",
        "togli istat_code, o correggi body_type",
    ),
    "istat_code_required": _e(
        "an applicant of type {body_type} needs its istat_code",
        "un richiedente di tipo {body_type} deve indicare il codice ISTAT (istat_code)",
        "add istat_code: the code of the comune (6 digits), province (3) or region (2)",
        "aggiungi istat_code: il codice del comune (6 cifre), della provincia (3) o della "
        "regione (2)",
    ),
    "target_equals_baseline": _e(
        "milestone {milestone}: the target equals the baseline",
        "traguardo {milestone}: il target è uguale al valore di base",
        "a target must differ from the baseline: correct one of the two",
        "il target deve essere diverso dal valore di base: correggi uno dei due",
    ),
    # -- a payment claim that does not make sense as a whole (PaymentClaim.problems) --------
    "milestone_id_repeated": _e(
        "milestone id {milestone} repeated",
        "id del traguardo {milestone} ripetuto",
        "give each milestone its own id",
        "dai a ogni traguardo un id suo",
    ),
    "milestones_total_mismatch": _e(
        "the milestones add up to {total}, not to the grant total {grant_total}",
        "i traguardi sommano a {total}, non al totale della sovvenzione {grant_total}",
        "correct the milestones' amounts or the grant's total_amount so that they agree",
        "correggi gli importi dei traguardi o il total_amount della sovvenzione perché tornino",
    ),
    "no_final_milestone": _e(
        "a grant needs at least one final milestone ('finale')",
        "una sovvenzione richiede almeno un traguardo finale ('finale')",
        "write kind: finale on the last milestone",
        "scrivi kind: finale nell'ultimo traguardo",
    ),
    "commitment_year_required": _e(
        "a programme-level grant needs it (n+3)",
        "obbligatorio per una sovvenzione a livello di programma (n+3)",
        "add commitment_year: the year of the budget commitment, 2021 to 2027",
        "aggiungi commitment_year: l'anno dell'impegno di bilancio, dal 2021 al 2027",
    ),
    "line_for_unknown_milestone": _e(
        "milestone {milestone} is not in grant {grant}",
        "il traguardo {milestone} non è nella sovvenzione {grant}",
        "write the id of one of the grant's milestones: {expected}",
        "scrivi l'id di uno dei traguardi della sovvenzione: {expected}",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    "second_line_for_milestone": _e(
        "a second line for milestone {milestone} (the first is {first})",
        "una seconda riga per il traguardo {milestone} (la prima è {first})",
        "keep one line per milestone",
        "tieni una sola riga per traguardo",
    ),
    "achieved_after_claim": _e(
        "{date} is after the claim date {claim_date}",
        "{date} è successiva alla data della domanda di pagamento {claim_date}",
        "a result counts when achieved by the claim date: correct one of the two dates",
        "un risultato conta se raggiunto entro la data della domanda: correggi una delle due date",
    ),
    "payment_for_unknown_milestone": _e(
        "milestone {milestone} is not in the grant",
        "il traguardo {milestone} non è nella sovvenzione",
        "write the id of one of the grant's milestones: {expected}",
        "scrivi l'id di uno dei traguardi della sovvenzione: {expected}",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    "paid_beyond_amount": _e(
        "{paid} already paid for milestone {milestone}, more than its amount {amount}",
        "{paid} già pagati per il traguardo {milestone}, più del suo importo {amount}",
        "check the payments made for that milestone",
        "controlla i pagamenti già fatti per quel traguardo",
    ),
    # -- the case as a whole, as the engine reads it (capcoe_rules.engine) ------------------
    "not_a_mapping": _e(
        "a case is a mapping of fields to values",
        "un caso è un insieme di campi con i loro valori",
        "write the case as field: value lines (YAML) or as a JSON object {{...}}",
        "scrivi il caso come righe campo: valore (YAML) o come oggetto JSON {{...}}",
    ),
    "unknown_case_type": _e(
        "unknown case type {value} (known: {known})",
        "tipo di caso {value} sconosciuto (noti: {known})",
        "write case_type: one of {known}",
        "scrivi case_type: uno tra {known}",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    # -- an allocation round's inputs (capcoe_rules.allocation.round) ---------------------
    "not_an_application": _e(
        "{what} is not an application: an allocation round decides applications only",
        "{what} non è una domanda: un riparto decide solo domande",
        "leave it out of the round's file",
        "toglilo dal file del riparto",
    ),
    "id_used_again": _e(
        "{value} is used again in {others}",
        "{value} è usato di nuovo in {others}",
        "give each application an id of its own",
        "dai a ogni domanda un id suo",
    ),
    "not_a_case": _e(
        "{value} is not a case ({known})",
        "{value} non è un caso ({known})",
    ),
    "no_table_row": _e(
        "{value} has no row in table {table} on {day} (lookup {lookup})",
        "{value} non ha una riga nella tabella {table} al {day} (collegamento {lookup})",
        "correct the value, or ask whoever keeps the rules to add the row",
        "correggi il valore, o chiedi a chi cura le regole di aggiungere la riga",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    "outside_period": _e(
        "{day} is outside the period rule set {ruleset} is in force ({start} to {end})",
        "{day} è fuori dal periodo di vigenza delle regole {ruleset} (dal {start} al {end})",
        "decide the case as of a date in that period (as_of, or --as-of)",
        "decidi il caso a una data di quel periodo (as_of, o --as-of)",
    ),
    "not_in_force": _e(
        "parameter {parameter} has no value on {day}",
        "il parametro {parameter} non ha un valore il {day}",
        "give it a value from that day in its rule file (an entry of 'values:' with 'from:'), "
        "or decide the case as of another date",
        "dagli un valore da quel giorno nel suo file di regole (una voce di 'values:' con "
        "'from:'), o decidi il caso a un'altra data",
    ),
    "payment_undeclared": _e(
        "the rule set declares no 'payment:' names (payable, final_missed, recovery_share): "
        "it cannot decide payment claims",
        "le regole non dichiarano i nomi di 'payment:' (payable, final_missed, "
        "recovery_share): non possono decidere domande di pagamento",
    ),
    # -- the text of a case (capcoe_rules.jsontext, capcoe_rules.casefiles) -----------------
    "case_too_large": _e(
        "the case holds {size} {unit}; a case may hold at most {limit}",
        "il caso contiene {size} {unit}; un caso può contenerne al massimo {limit}",
    ),
    "json_too_deep": _e(
        "not valid JSON: nested too deeply",
        "non è JSON valido: annidato troppo in profondità",
    ),
    "json_syntax": _e(
        "not valid JSON: {what} (line {line}, column {column})",
        "non è JSON valido: {what} (riga {line}, colonna {column})",
        *_JSON_HINT,
    ),
    "utf16_text": _e(
        "the text is UTF-16: JSON is read as UTF-8",
        "il testo è in UTF-16: il JSON si legge in UTF-8",
        "save the file as UTF-8",
        "salva il file in UTF-8",
    ),
    "not_utf8": _e(
        "not UTF-8 text: the byte {byte} at offset {offset} cannot be read",
        "non è testo UTF-8: il byte {byte} alla posizione {offset} non si può leggere",
        "save the file as UTF-8",
        "salva il file in UTF-8",
    ),
    "file_not_mapping": _e(
        "{file} must hold a mapping of fields to values",
        "{file} deve contenere un insieme di campi con i loro valori",
        "write the case as field: value lines (YAML) or as a JSON object {{...}}",
        "scrivi il caso come righe campo: valore (YAML) o come oggetto JSON {{...}}",
    ),
    "example_without_case": _e(
        "an example needs 'case:' next to its 'expect:'",
        "un esempio ha bisogno di 'case:' accanto a 'expect:'",
        "put the case under case:",
        "metti il caso sotto case:",
    ),
    "example_unknown_key": _e(
        "unknown key in an example (allowed: {expected})",
        "chiave sconosciuta in un esempio (ammesse: {expected})",
        "remove it, or correct its name",
        "toglila, o correggine il nome",
        near_en="did you mean {near}?",
        near_it="forse intendevi {near}?",
    ),
    "example_case_not_mapping": _e(
        "must be a mapping of fields to values",
        "deve essere un insieme di campi con i loro valori",
        "write the case's fields on the lines below case:, indented by two spaces",
        "scrivi i campi del caso nelle righe sotto case:, rientrati di due spazi",
    ),
    "example_bad_as_of": _e(
        "{value} is not a date (YYYY-MM-DD)",
        "{value} non è una data (AAAA-MM-GG)",
        *_DATE_HINT,
    ),
    "example_expect_not_mapping": _e(
        "must be a mapping",
        "deve essere un insieme di campi con i loro valori",
        "write what you expect on the lines below expect:, e.g. outcome: eligible",
        "scrivi ciò che ti aspetti nelle righe sotto expect:, per esempio outcome: eligible",
    ),
    # -- the allocation round ------------------------------------------------------------------
    "round_not_declared": _e(
        "rule set {ruleset} declares no allocation round",
        "il set di regole {ruleset} non prevede un riparto",
        "hold the round with a rule set whose files declare 'allocation:' (rules/assunzioni)",
        "fai il riparto con un set di regole che dichiara 'allocation:' (rules/assunzioni)",
    ),
    "round_sources": _e(
        "{sources} sources for {applications} applications",
        "{sources} provenienze per {applications} domande",
        "give one source for each application",
        "dai una provenienza per ogni domanda",
    ),
    "round_unknown_method": _e(
        "unknown allocation method {value} (declared: {expected})",
        "metodo di riparto {value} sconosciuto (dichiarati: {expected})",
        "use one of the methods the rule set declares: {expected}",
        "usa uno dei metodi che il set di regole dichiara: {expected}",
        near_en="did you mean {near}? (declared: {expected})",
        near_it="forse intendevi {near}? (dichiarati: {expected})",
    ),
    "round_no_valid_application": _e(
        "no valid application to date the round by",
        "nessuna domanda valida da cui prendere la data del riparto",
        "give the round's date (as_of, or --as-of)",
        "indica la data del riparto (as_of, o --as-of)",
    ),
    # -- the service and the batch ------------------------------------------------------------
    "line_too_long": _e(
        "the line is longer than {limit} bytes",
        "la riga supera {limit} byte",
        "send one case per line",
        "manda un caso per riga",
    ),
    "body_too_large": _e(
        "the request body is larger than {limit} bytes",
        "il corpo della richiesta supera {limit} byte",
        "send fewer cases per request",
        "manda meno casi per richiesta",
    ),
    "evaluation_failed": _e(
        "the rules could not evaluate the case: {error}",
        "le regole non hanno potuto valutare il caso: {error}",
    ),
    "unknown_schema": _e(
        "there is no schema named {value}",
        "non c'è uno schema di nome {value}",
        "ask for one of: {expected} (GET .../schemas lists them)",
        "chiedine uno tra: {expected} (GET .../schemas li elenca)",
        near_en="did you mean {near}? (known: {expected})",
        near_it="forse intendevi {near}? (noti: {expected})",
    ),
    "unknown_language": _e(
        "{value} is not a language of capcoe-rules",
        "{value} non è una lingua di capcoe-rules",
        "ask for it (italiano) or en (English): ?lang=en, or Accept-Language: en",
        "chiedi it (italiano) o en (English): ?lang=en, o Accept-Language: en",
    ),
}
"""The message and hint of each type of case error, by its id."""

FALLBACK = _e(
    "the value of {field} is not valid: {detail}",
    "il valore di {field} non è valido: {detail}",
    "check {field} against the case's schema (capcoe-rules schema)",
    "controlla {field} rispetto allo schema del caso (capcoe-rules schema)",
)
"""The message of a type the catalogue does not know: the field, and pydantic's words."""

WHOLE_CASE = Text("the case", "il caso")
DATE_EXAMPLE, INSTANT_EXAMPLE, NUMBER_EXAMPLE = "2024-01-30", "2023-11-30T12:00:00+01:00", "1000.50"


def count(number: int) -> Text:
    """A number grouped by thousands: 65,536 in English, 65.536 in Italian."""
    return Text(f"{number:,}", f"{number:,}".replace(",", "."))


def placeholders(template: str) -> set[str]:
    """The names of the ``{placeholders}`` of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def refusal(kind: str, **context: Any) -> PydanticCustomError:
    """The error a model's validator raises for the catalogue's ``kind``: pydantic names
    the field, the catalogue says the rest."""
    return PydanticCustomError(kind, CATALOGUE[kind].message.en, context)


def case_problem(
    path: str, kind: str, given: object = None, names: Iterable[str] = (), **context: Any
) -> FieldProblem:
    """A problem of the catalogue's ``kind`` at ``path``: ``given`` is the value the case
    holds, ``names`` those it could have been (for did-you-mean and the list of admitted
    ones), ``context`` fills the entry's placeholders."""
    return describe(path, kind, context, given, names)


def describe(
    path: str,
    kind: str,
    context: Mapping[str, Any] | None = None,
    value: object = None,
    names: Iterable[str] = (),
    detail: str = "",
) -> FieldProblem:
    """The problem of type ``kind`` at ``path``, its message and hint filled in: ``value``
    is what the case holds, ``names`` what it could have held (else the admitted values
    pydantic lists), ``detail`` pydantic's own words, for a type the catalogue lacks."""
    context = dict(context or {})
    field = path.rsplit(".", 1)[-1] if path else ""
    entry = CATALOGUE.get(f"{kind}:{field}") or CATALOGUE.get(kind)
    names = list(names) or _expected(context)
    values: dict[str, str | Text] = {key: _plain(item) for key, item in context.items()}
    values.setdefault("value", _shown(value))
    values["field"] = WHOLE_CASE if not field or field.isdigit() else f"'{field}'"
    values["name"] = field
    values["detail"] = detail or str(context.get("error", ""))
    values.setdefault("example", _example(kind, value))
    if names:
        values["expected"] = _listed(names)
    if field == "istat_code":
        near = _near_codes(value)
    else:
        near = [f"'{name}'" for name in _near(value, names)]
    if near:
        values["near"] = _listed(near)
    if entry is None:
        entry, values["detail"] = FALLBACK, detail or kind
    try:
        message = _fill(entry.message, values)
        hint_template = entry.near if near and entry.near is not None else entry.hint
        hint = None if hint_template is None else _fill(hint_template, values)
    except (KeyError, IndexError, ValueError):  # a context without what the entry names
        message = _fill(FALLBACK.message, {**values, "detail": detail or kind})
        hint = None
    return FieldProblem(path, message.en, kind, context or None, message_it=message.it, hint=hint)


def validation_problems(
    error: ValidationError, model: type[BaseModel] | None = None, prefix: str = ""
) -> list[FieldProblem]:
    """pydantic's errors on ``model`` as problems, one per mistake: a misspelt field
    (an unknown field near a missing one) is one problem, not two."""
    items = error.errors()
    missing = {tuple(item["loc"]) for item in items if item["type"] == "missing"}
    merged: set[tuple[Any, ...]] = set()
    problems = []
    for item in items:
        loc = tuple(item["loc"])
        path = ".".join(str(part) for part in (*([prefix] if prefix else []), *loc))
        kind, value = str(item["type"]), item.get("input")
        context = {k: v for k, v in (item.get("ctx") or {}).items() if k != "error"}
        names: list[str] = []
        if kind == "extra_forbidden":
            absent = [
                str(other[-1])
                for other in missing
                if other[:-1] == loc[:-1] and isinstance(other[-1], str)
            ]
            near = _near(loc[-1], absent)
            if near:  # the missing field was written under another name
                merged.add((*loc[:-1], near[0]))
                names = near
            else:
                names = _fields_at(model, loc[:-1])
            value = loc[-1]
        detail = str(item["msg"]).removeprefix("Value error, ")
        problems.append(describe(path, kind, context, value, names, detail))
    return [
        problem
        for problem in problems
        if not (problem.code == "missing" and _loc(problem.path, prefix) in merged)
    ]


# -- filling in ------------------------------------------------------------------------------


def _fill(template: Text, values: Mapping[str, str | Text]) -> Text:
    return Text(
        template.en.format_map({k: v.en if isinstance(v, Text) else v for k, v in values.items()}),
        template.it.format_map({k: v.it if isinstance(v, Text) else v for k, v in values.items()}),
    )


def _plain(value: object) -> str | Text:
    return value if isinstance(value, str | Text) else _shown(value)


def _shown(value: object) -> str | Text:
    """A value as the case wrote it: a text in quotes, a date as YYYY-MM-DD."""
    if isinstance(value, int) and value.bit_length() > MAX_SHOWN * 4:  # too long to write
        digits = count(int(value.bit_length() * math.log10(2)) + 1)
        return Text(
            f"a number of about {digits.en} digits", f"un numero di circa {digits.it} cifre"
        )
    if isinstance(value, str):
        text = value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "..."
        return f"'{text}'"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list | tuple):
        return "[...]"
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "..."


def _listed(names: Sequence[str]) -> Text:
    """``a, b or c`` / ``a, b o c``."""
    if len(names) == 1:
        return Text(names[0], names[0])
    head = ", ".join(names[:-1])
    return Text(f"{head} or {names[-1]}", f"{head} o {names[-1]}")


def _expected(context: Mapping[str, Any]) -> list[str]:
    """The admitted values of a literal, from pydantic's ``expected`` (``'a', 'b' or 'c'``)."""
    return re.findall(r"'([^']*)'", str(context.get("expected", "")))


def _near(value: object, names: Sequence[str]) -> list[str]:
    """The names nearest to ``value``, at most three, nearest first."""
    if not isinstance(value, str) or not names:
        return []
    found = difflib.get_close_matches(value, sorted(set(names)), n=MAX_NEAR, cutoff=0.6)
    if not found:  # a name written in capitals or with spaces: 'Assunzioni', 'body type'
        normal = value.strip().lower().replace(" ", "_").replace("-", "_")
        found = difflib.get_close_matches(normal, sorted(set(names)), n=MAX_NEAR, cutoff=0.6)
    return found


def _example(kind: str, value: object) -> str:
    """An example of the value written right: the value given, rewritten, where it can be."""
    text = value.strip() if isinstance(value, str) else ""
    found = ITALIAN_DATE.fullmatch(text)
    is_date = kind.startswith("date") or kind == "example_bad_as_of"
    if kind.startswith(("datetime", "timezone")):
        if found is not None:
            day, month, year, hour, minute = found.groups()
            time = f"{int(hour):02d}:{minute}" if hour else "12:00"
            return f"{year}-{int(month):02d}-{int(day):02d}T{time}:00+01:00"
        if kind == "timezone_aware" and text:
            return f"{text}+01:00"
        return INSTANT_EXAMPLE
    if is_date:
        if found is not None:
            day, month, year = found.groups()[:3]
            return f"{year}-{int(month):02d}-{int(day):02d}"
        if kind == "date_from_datetime_inexact" and len(text) > 10:
            return text[:10]
        return DATE_EXAMPLE
    if COMMA_NUMBER.fullmatch(text):
        return text.replace(".", "").replace(",", ".")
    return NUMBER_EXAMPLE


# -- the fields of a model -----------------------------------------------------------------


def _fields_at(model: type[BaseModel] | None, loc: Sequence[Any]) -> list[str]:
    """The field names of the part of ``model`` at ``loc`` (a path of pydantic's)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = _item(current)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = None if field is None else _model_in(field.annotation)
        else:
            return []
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The model (or list of models) an annotation holds, through ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is list:
        return annotation
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _item(current: Any) -> Any:
    if typing.get_origin(current) is list:
        (argument,) = typing.get_args(current)
        return _model_in(argument)
    return None


@functools.cache
def _codes() -> frozenset[str]:
    codes: set[str] = set()
    for comune in territory.comuni():
        codes |= {comune.istat_code, comune.province_code, comune.uts_code, comune.region_code}
    return frozenset(codes)


def _near_codes(value: object) -> list[str]:
    """The ISTAT codes one slip away from ``value`` (a digit changed, two neighbours
    swapped, the leading zeros a spreadsheet drops), those of the same province first, each
    with its name: at most three."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.isdigit():
        return []
    padded = [value.zfill(length) for length in (2, 3, 6) if len(value) < length]
    if any(code in _codes() for code in padded):
        return [f"'{code}' ({territory.resolve(code).name})" for code in padded if code in _codes()]
    changed = {value[:i] + d + value[i + 1 :] for i in range(len(value)) for d in string.digits}
    swapped = {value[:i] + value[i + 1] + value[i] + value[i + 2 :] for i in range(len(value) - 1)}
    found = sorted(
        (_codes() & (changed | swapped)) - {value},
        key=lambda code: (code[:3] != value[:3], code not in swapped, code),
    )
    return [f"'{code}' ({territory.resolve(code).name})" for code in found[:MAX_NEAR]]


def _loc(path: str, prefix: str) -> tuple[Any, ...]:
    parts = path.split(".")[1:] if prefix else path.split(".")
    return tuple(int(part) if part.isdigit() else part for part in parts)
