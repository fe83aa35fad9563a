"""Every text of the command line, in Italian and in English: help pages and messages.

One catalogue, keyed by what the text belongs to:

- ``HELP["check"]``: a command's help page; ``HELP["check.summary"]``: its line in the
  list of commands; ``HELP["check.rules"]``: the help of its parameter ``rules`` (the
  Python name); ``HELP["option.rules"]``: the help shared by every command with a
  ``rules`` parameter that has no text of its own; ``HELP["app"]``, ``HELP["app.lang"]``:
  the ``capcoe-rules`` group itself;
- ``MESSAGES``: what the commands say (errors, summaries), with ``{placeholders}`` that
  both languages share;
- ``WORDS``: the words of a help page itself (usage, options, default).

Why a Python module and not gettext/Babel: the project speaks two languages, both
written by the same people, and wants a missing translation to be a failing test, not a
silent fall back to the source language (which is what gettext does by design). A dict
of pairs keeps each Italian text next to its English one, so a reviewer sees both at
once; the test walks every command and option against it (tests/test_cli_help.py); it
needs no compiled ``.mo`` files (a build step and generated files), no new dependency,
and loads in well under a millisecond, which matters for the start-up of
``capcoe-rules --help``. The checker's own messages keep their ``Text(en, it)`` pairs
(:mod:`capcoe_rules.errors`) for the same reasons.

Italian is the default: the users are the programme's policy officers.
"""

from __future__ import annotations

from typing import NamedTuple


class Said(NamedTuple):
    """One text in the two languages of capcoe-rules."""

    it: str
    en: str


COMMANDS: dict[str, str] = {
    "check": "check",
    "evaluate": "decide",
    "explain": "decide",
    "test": "examples",
    "batch": "batch",
    "expand": "expand",
    "diff": "diff",
    "analyze": "analyze",
    "allocate": "allocate",
    "fmt": "fmt",
    "schema": "schema",
    "population": "population",
    "serve": "serve",
    "selftest": "selftest",
    "bench": "bench",
}
"""Each command, in the order ``capcoe-rules --help`` lists them, and the module of
:mod:`capcoe_rules.cli` that defines it (imported only when the command runs)."""

WORDS: dict[str, Said] = {
    "usage": Said("Uso", "Usage"),
    "arguments": Said("Argomenti", "Arguments"),
    "options": Said("Opzioni", "Options"),
    "commands": Said("Comandi", "Commands"),
    "default": Said("predefinito", "default"),
    "env_var": Said("variabile d'ambiente", "env var"),
    "required": Said("obbligatorio", "required"),
    "error": Said("Errore", "Error"),
    "try_help": Said("Prova '{command}' per l'aiuto.", "Try '{command}' for help."),
}

USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"^Invalid value for (.+?): (?:Value error, )?(.*)$", r"valore non valido per \1: \2"),
    (r"'(.*)' is not one of (.*)\.$", r"'\1' non è tra \2."),
    (r"'(.*)' does not match the formats? (.*)\.$", r"'\1' non è nel formato \2 (AAAA-MM-GG)."),
    (r"Input should be a valid integer.*$", "serve un numero intero"),
    (r"Input should be less than or equal to (\S+)$", r"deve essere al massimo \1"),
    (r"Input should be greater than or equal to (\S+)$", r"deve essere almeno \1"),
    (r"^No such option: (\S+) \(Possible options: (.*)\)$", r"opzione sconosciuta: \1 (forse: \2)"),
    (r"^No such option: (.*)$", r"opzione sconosciuta: \1"),
    (r"^No such command (.+?)\. Did you mean (.*)\?$", r"comando sconosciuto \1. Forse \2?"),
    (r"^No such command (.+?)\.$", r"comando sconosciuto \1."),
    (r"^Missing argument (.+)\.$", r"manca l'argomento \1."),
    (r"^Missing option (.+)\.$", r"manca l'opzione \1."),
    (r"^Missing command\.$", "manca il comando."),
    (r"^Got unexpected extra argument\(s\) \((.*)\)$", r"argomenti in più, non previsti: \1"),
    (r"^Option (.+) requires an argument\.$", r"l'opzione \1 richiede un valore."),
)
"""What typer says of a bad command line (in English), and its Italian: each pattern is
applied in turn (``re.sub``) to the message; what none matches is shown as typer wrote it."""

_RULES = Said(
    "Cartella del set di regole (predefinita: ./rules se c'è, altrimenti il set fornito "
    "con il pacchetto).",
    "Directory of the rule set (default: ./rules if there is one, else the bundled set).",
)

HELP: dict[str, Said] = {
    # The group and what every command shares.
    "app": Said(
        "Motore di regole per il programma CapCoe 2021-2027: controlla i file di regole, "
        "decide i casi.\n\n"
        "Lingua: italiano; --lang en (prima del comando) o CAPCOE_LANG=en per l'inglese.",
        "Rules engine for the CapCoe 2021-2027 programme: check rule files, decide cases.\n\n"
        "Language: Italian; --lang en (before the command) or CAPCOE_LANG=en for English.",
    ),
    "app.lang": Said(
        "Lingua di aiuto e messaggi: it (predefinita) o en; anche CAPCOE_LANG.",
        "Language of help and messages: it (default) or en; also CAPCOE_LANG.",
    ),
    "app.version": Said("Mostra la versione ed esce.", "Print the version and exit."),
    "option.help": Said("Mostra questo aiuto ed esce.", "Show this message and exit."),
    "option.rules": _RULES,
    "option.as_of": Said(
        "Decide alla data indicata, AAAA-MM-GG (predefinita: la data del caso).",
        "Decide as of this date, YYYY-MM-DD (default: the date the case carries).",
    ),
    "option.lang": Said(
        "Lingua di titoli e messaggi: it (predefinita) o en; anche CAPCOE_LANG.",
        "Language of titles and messages: it (default) or en; also CAPCOE_LANG.",
    ),
    "option.workers": Said(
        "Processi di lavoro (1: questo processo).", "Worker processes (1: this one)."
    ),
    # check
    "check.summary": Said(
        "Controlla un set di regole: ogni problema con file, riga e colonna.",
        "Check a rule set: every problem with its file, line and column.",
    ),
    "check": Said(
        "Controlla un set di regole; stampa ogni problema come FILE:RIGA:COL: CODICE "
        "messaggio, con un suggerimento su come correggerlo.\n\n"
        'Con --format json: {"ok", "problems": [{"file", "line", "column", "code", '
        '"message", "message_it", "hint", "hint_it"}], "ruleset"} su stdout (message in '
        "inglese, message_it in italiano).\n\n"
        "Esito: 0 nessun problema, 1 problemi, 2 cartella inesistente.",
        "Check a rule set; print every problem as FILE:LINE:COL: CODE message, with a hint "
        "on how to fix it.\n\n"
        'With --format json: {"ok", "problems": [{"file", "line", "column", "code", '
        '"message", "message_it", "hint", "hint_it"}], "ruleset"} on stdout (message in '
        "English, message_it in Italian).\n\n"
        "Exit status: 0 clean, 1 problems, 2 no such directory.",
    ),
    "check.rules": _RULES,
    "check.output_format": Said(
        "text per le persone; json per i sistemi di CI (su stdout).",
        "text for people; json for CI systems (on stdout).",
    ),
    # evaluate, explain
    "evaluate.summary": Said(
        "Decide un caso: esito, requisiti applicati, valori calcolati.",
        "Decide one case: outcome, requirements applied, values derived.",
    ),
    "evaluate": Said(
        "Decide un caso e mostra l'esito, le regole applicate e i valori calcolati.\n\n"
        "Esito: 0 deciso, 1 set di regole con problemi o regola non valutabile, 2 caso "
        "illeggibile o non valido (ogni problema come FILE:RIGA:COL).",
        "Decide one case and show the outcome, the rules applied and the values derived.\n\n"
        "Exit status: 0 decided, 1 a rule set with problems or a rule that cannot be "
        "evaluated, 2 an unreadable or invalid case (each problem as FILE:LINE:COL).",
    ),
    "evaluate.case": Said(
        "Un caso (o un esempio con case: ed expect:) in YAML o JSON.",
        "A case (or an example with case: and expect:) in YAML or JSON.",
    ),
    "evaluate.json_output": Said("Stampa la decisione in JSON.", "Print the decision as JSON."),
    "explain.summary": Said(
        "Mostra ogni regola considerata: rispettata o no, i valori letti, la fonte.",
        "Show every rule considered: held or not, the values it read, its citation.",
    ),
    "explain": Said(
        "Mostra ogni regola considerata: rispettata o no, i valori che ha letto, la sua "
        "fonte normativa.\n\nEsito: come evaluate.",
        "Show every rule considered: held or not, the values it read, its citation.\n\n"
        "Exit status: as evaluate.",
    ),
    "explain.case": Said(
        "Un caso (o un esempio con case: ed expect:) in YAML o JSON.",
        "A case (or an example with case: and expect:) in YAML or JSON.",
    ),
    # test
    "test.summary": Said(
        "Esegue i casi di esempio (case: ed expect:) e ne confronta le decisioni.",
        "Run the example cases (case: and expect:) and compare their decisions.",
    ),
    "test": Said(
        "Esegue i casi di esempio (YAML con case: ed expect:) e confronta le decisioni "
        "con quelle attese.\n\n"
        "Un file che contiene case: o expect: ma non si legge come esempio (una chiave "
        "scritta male, expect: mancante) fallisce invece di essere saltato. Esito: 0 tutti "
        "superati, 1 qualcuno fallito o nessun esempio, 2 percorso inesistente.",
        "Run example cases (YAML with case: and expect:) and compare their decisions.\n\n"
        "A file that holds a case: or an expect: but cannot be read as an example (a "
        "misspelt key, no expect:) fails rather than being skipped. Exit status: 0 all "
        "passed, 1 some failed or no example, 2 no such path.",
    ),
    "test.paths": Said(
        "File o cartelle di esempi (predefinita: fixtures).",
        "Example files or directories (default: fixtures).",
    ),
    "test.show_coverage": Said(
        "Mostra le regole mai rispettate, mai fallite o mai applicate, e ogni ramo ('if'/"
        "'else', argomento di min/max, operando di and/or, riga di una fascia) che nessun "
        "esempio ha percorso.",
        "Show which rules never held, failed or did not apply, and every branch ('if'/"
        "'else', min/max argument, and/or operand, band row) no example took.",
    ),
    "test.verbose": Said("Elenca anche i casi superati.", "List passing cases too."),
    "test.output_format": Said(
        "text per le persone; json: ogni risultato (e la copertura) in JSON su stdout.",
        "text for people; json: every result (and the coverage) as JSON on stdout.",
    ),
    "test.junit": Said(
        "Scrive anche un rapporto JUnit XML in questo file.",
        "Also write a JUnit XML report to this file.",
    ),
    # batch
    "batch.summary": Said(
        "Decide tutti i casi di un file JSON Lines; scrive le decisioni nell'ordine.",
        "Decide every case of a JSON Lines file; write decisions in input order.",
    ),
    "batch": Said(
        "Decide ogni caso di un file JSON Lines e scrive le decisioni nell'ordine di "
        "ingresso (compatte; complete con --explain).\n\n"
        "I record non validi vanno nel file degli errori con numero di riga e motivi; ogni "
        "record valido è comunque deciso. I due file compaiono completi o per niente; "
        "un'uscita che è l'ingresso (anche tramite un collegamento) è rifiutata prima di "
        "scrivere. Ctrl-C o SIGTERM fermano il lotto senza lasciare nulla. Esito: 0 tutto "
        "deciso, 1 qualche record non valido (o set di regole con problemi), 2 ingresso "
        "illeggibile o uscita non scrivibile.",
        "Decide every case of a JSON Lines file; write decisions in input order (compact; "
        "full with --explain).\n\n"
        "Bad records go to the error file with their line number and reasons; every good "
        "record is still decided. Both files appear complete or not at all; an output that "
        "is the input (also through a link) is refused before anything is written. Ctrl-C "
        "or SIGTERM stops the batch and leaves nothing behind. Exit status: 0 all decided, "
        "1 some records bad (or a bad rule set), 2 unreadable input or unwritable output.",
    ),
    "batch.source": Said(
        "Casi in JSON Lines, un caso per riga, di qualunque tipo.",
        "Cases as JSON Lines, one case per line, any case type.",
    ),
    "batch.out_path": Said(
        "Dove scrivere le decisioni (JSON Lines).", "Where to write the decisions (JSON Lines)."
    ),
    "batch.errors_path": Said(
        "Dove scrivere i record non validi (predefinito: OUT con suffisso .errors.jsonl).",
        "Where to write the bad records (default: OUT with suffix .errors.jsonl).",
    ),
    "batch.explain": Said(
        "Scrive decisioni complete, ogni regola spiegata (predefinite: decisioni compatte; "
        "'capcoe-rules expand' rigenera quelle complete).",
        "Write full decisions, every rule explained (default: compact decisions; "
        "'capcoe-rules expand' regenerates the full ones).",
    ),
    # expand
    "expand.summary": Said(
        "Rigenera le decisioni complete di un lotto dalle sue decisioni compatte.",
        "Regenerate a batch's full decisions from its compact ones.",
    ),
    "expand": Said(
        "Rigenera le decisioni complete, ogni regola spiegata, dalle decisioni compatte di "
        "un lotto.\n\n"
        "Ogni decisione compatta deve essere quella che il suo caso dà con questo set di "
        "regole (stesso hash del contenuto) alla sua data; il file è scritto solo se lo "
        "sono tutte. Esito: 0 scritto, 1 una decisione che il suo caso non dà (o set di "
        "regole con problemi), 2 file illeggibili.",
        "Regenerate the full decisions, every rule explained, of a batch's compact ones.\n\n"
        "Each compact decision must be what its case gives with this rule set (same content "
        "hash) as of its date; the file is written only if all are. Exit status: 0 written, "
        "1 a decision its case does not give (or a bad rule set), 2 unreadable files.",
    ),
    "expand.decisions": Said(
        "Decisioni compatte in JSON Lines, come le scrive 'batch'.",
        "Compact decisions as JSON Lines, as 'batch' writes them.",
    ),
    "expand.cases": Said(
        "I casi che il lotto ha deciso (il suo ingresso).",
        "The cases the batch decided (its input).",
    ),
    "expand.out_path": Said(
        "Dove scrivere le decisioni complete (JSON Lines).",
        "Where to write the full decisions (JSON Lines).",
    ),
    # diff
    "diff.summary": Said(
        "Le decisioni di una popolazione che una modifica alle regole cambia.",
        "The decisions of a population that a rule-set change alters.",
    ),
    "diff": Said(
        "Decide una popolazione con due set di regole ed elenca i casi la cui decisione "
        "cambia.\n\n"
        "Prima i cambi di esito, poi di motivi, poi di importi, poi gli altri (per riga di "
        "ingresso in ciascun gruppo). Per ciascuno: esito vecchio e nuovo e le regole "
        "responsabili (quelle il cui stato o valore calcolato è cambiato, con i valori letti "
        "che sono cambiati). Poi un riepilogo per transizione e per regola, il denaro che "
        "si sposta e le modifiche datate che nessuna decisione della popolazione può "
        "mostrare. I filtri restringono elenco, riepilogo e JSON. Esito: 0 che le decisioni "
        "cambino o no (è un rapporto); 1 un set di regole con problemi; 2 opzioni errate, "
        "popolazione illeggibile o file HTML non scrivibile.",
        "Decide a population with two rule sets; list the cases whose decision changes.\n\n"
        "Outcome changes first, then changes of reasons, then of amounts, then the others "
        "(by input line within each). For each: old and new outcome and the rules "
        "responsible (those whose status or computed value changed, with the values they "
        "read that changed). Then a summary by transition and by rule, the money that "
        "moves, and the dated changes no decision of the population can show. The filters "
        "narrow the listing, the summary and the JSON. Exit status 0 whether or not "
        "decisions change (it is a report); 1 a rule set has problems; 2 bad options, "
        "unreadable population or unwritable HTML file.",
    ),
    "diff.population": Said(
        "Casi in JSON Lines (per esempio da 'capcoe-rules population').",
        "Cases as JSON Lines (e.g. from 'capcoe-rules population').",
    ),
    "diff.base": Said(
        "Cartella del set di regole prima della modifica.",
        "Directory of the rule set before the change.",
    ),
    "diff.json_output": Said(
        "Stampa l'intero rapporto in JSON.", "Print the whole report as JSON."
    ),
    "diff.limit": Said(
        "Casi cambiati elencati nella tabella e nel rapporto HTML (0: tutti); --json li ha tutti.",
        "Changed cases listed in the table and the HTML report (0: all); --json has all.",
    ),
    "diff.transition": Said(
        "Solo i casi che passano dall'esito OLD a NEW (es. eligible:not_eligible; '*' per "
        "qualunque); ripetibile.",
        "Only cases going from outcome OLD to NEW (e.g. eligible:not_eligible; '*' for "
        "any); repeat for several.",
    ),
    "diff.rule": Said(
        "Solo i casi che questa regola ha cambiato; ripetibile.",
        "Only cases this rule changed; repeat for several.",
    ),
    "diff.region": Said(
        "Solo i casi di un richiedente in questa regione (codice ISTAT come 15, o nome come "
        "Campania; IT: amministrazioni centrali); ripetibile.",
        "Only cases whose applicant is in this region (ISTAT code such as 15, or name such "
        "as Campania; IT: central administrations); repeat for several.",
    ),
    "diff.html": Said(
        "Scrive anche un rapporto HTML autonomo con grafici per regione e per regola.",
        "Also write a self-contained HTML report with charts by region and rule.",
    ),
    # analyze
    "analyze.summary": Said(
        "Dimostra con un solutore SMT cosa il set di regole può e non può fare.",
        "Prove with an SMT solver what the rule set can and cannot do.",
    ),
    "analyze": Said(
        "Dimostra con un solutore SMT cosa il set di regole può e non può fare.\n\n"
        "Segnala requisiti che non si applicano mai, non falliscono mai (controlli morti) o "
        "non sono mai rispettati; requisiti bloccanti che nessun caso rispetta insieme, e "
        "campi chiusi (un'area, un tipo di ente) con cui nessun caso è ammesso; tabelle con "
        "buchi o righe sovrapposte; valori di pagamento fuori intervallo; con --base, i tipi "
        "di caso il cui esito cambia. Ogni risultato indica le regole, file:riga:col e un "
        "caso testimone deciso dal motore. Esito: 0 un rapporto, 1 set di regole con "
        "problemi (o, con --strict, un problema trovato), 2 opzioni errate o nessun "
        "solutore installato.",
        "Prove with an SMT solver what the rule set can and cannot do.\n\n"
        "Reports requirements that never apply, never fail (dead checks) or are never met; "
        "blocking requirements no case meets together, and closed fields (an area, a body "
        "type) no case is admitted with; lookups with gaps or overlapping rows; payment "
        "values that leave their range; with --base, the kinds of case whose outcome "
        "changes. Each finding names its rules, file:line:col and a witness case the engine "
        "has decided. Exit status 0 (a report), 1 the rule set has problems (or, with "
        "--strict, a problem was found), 2 bad options or no solver installed.",
    ),
    "analyze.all_dates": Said(
        "Analizza ogni giorno in cui il set di regole è in vigore, non la data di ogni caso.",
        "Analyse every day the rule set is in force, not the date each case carries.",
    ),
    "analyze.output_format": Said(
        "Uscita: text (tabelle) o json (l'intero rapporto).",
        "Output: text (tables) or json (the whole report).",
    ),
    "analyze.base": Said(
        "Cartella del set di regole prima di una modifica: elenca i tipi di caso il cui "
        "esito la modifica cambia, ciascuno con un testimone.",
        "Directory of the rule set before a change: list the kinds of case whose outcome "
        "the change alters, each with a witness.",
    ),
    "analyze.witnesses": Said(
        "Scrive ogni caso testimone in questa cartella come file di caso YAML.",
        "Write each witness case to this directory as a YAML case file.",
    ),
    "analyze.strict": Said(
        "Esce con esito 1 quando trova un problema.",
        "Exit with status 1 when any problem is found.",
    ),
    # allocate
    "allocate.summary": Said(
        "Ripartisce i posti del bando tra le domande ammissibili, entro ogni tetto.",
        "Share the call's posts among the eligible applications, within every cap.",
    ),
    "allocate": Said(
        "Ripartisce i posti del bando tra le domande ammissibili, entro ogni tetto.\n\n"
        "Ogni domanda è decisa alla propria data; partecipano solo le domande di assunzione "
        "ammissibili, le altre sono elencate con i loro motivi. Una riga che non è una "
        "domanda valida è segnalata con il numero di riga e lasciata fuori. I file del "
        "risultato compaiono completi o per niente; un'uscita che è l'ingresso (anche "
        "tramite un collegamento) è rifiutata prima di scrivere. Esito: 0 riparto fatto; "
        "1 riparto fatto ma con righe non valide, o set di regole con problemi; 2 ingresso "
        "illeggibile, uscita non scrivibile o riparto impossibile.",
        "Share the call's posts among the eligible applications, within every cap.\n\n"
        "Each application is decided as of its own date; only eligible hiring applications "
        "take part, the others are listed with their reasons. A line that is not a valid "
        "application is reported with its line number and left out. The result files "
        "appear complete or not at all; an output that is the input (also through a link) "
        "is refused before anything is written. Exit status: 0 round held; 1 round held but "
        "some lines were bad, or a bad rule set; 2 unreadable input, unwritable output or a "
        "round that cannot be held.",
    ),
    "allocate.applications": Said(
        "Domande in JSON Lines, una domanda per riga.",
        "Applications as JSON Lines, one application per line.",
    ),
    "allocate.out_path": Said(
        "Dove scrivere il risultato del riparto (JSON).",
        "Where to write the round's result (JSON).",
    ),
    "allocate.csv_path": Said(
        "Scrive anche una riga per domanda (CSV).",
        "Also write one row per application (CSV).",
    ),
    "allocate.as_of": Said(
        "La data del riparto, AAAA-MM-GG: tetti e metodo in vigore quel giorno "
        "(predefinita: l'ultimo giorno di presentazione).",
        "The round's date, YYYY-MM-DD: caps and method in force that day "
        "(default: the latest submission day).",
    ),
    "allocate.method": Said(
        "Metodo del riparto, uno di quelli che il set di regole dichiara (predefinito: "
        "quello in vigore alla data del riparto).",
        "Method of the round, one the rule set declares (default: the one its allocation "
        "has in force on the round's date).",
    ),
    # fmt
    "fmt.summary": Said(
        "Riscrive i file di regole in un unico stile, o controlla che lo siano.",
        "Rewrite rule files in the one style, or check that they are.",
    ),
    "fmt": Said(
        "Riscrive i file di regole in un unico stile: ordine delle chiavi, virgolette, "
        "rientri, larghezza delle righe.\n\n"
        "I commenti restano con ciò che descrivono e i valori non cambiano mai: ogni file è "
        "riletto e confrontato prima di essere scritto. Da eseguire prima di registrare una "
        "modifica alle regole; la CI esegue 'fmt --check rules'. Esito: 0 formattato, 1 con "
        "--check alcuni file cambierebbero, 2 un file non si legge o non si formatta (il "
        "problema è mostrato come FILE:RIGA:COL).",
        "Rewrite rule files in one style: key order, quoting, indentation, line width.\n\n"
        "Comments stay with what they describe and values never change: every file is read "
        "back and compared before it is written. Run it before committing a rule change; CI "
        "runs 'fmt --check rules'. Exit status: 0 formatted, 1 with --check some files "
        "would change, 2 a file cannot be read or formatted (its problem is shown as "
        "FILE:LINE:COL).",
    ),
    "fmt.paths": Said(
        "File di regole, o cartelle di cui formattare i file .yaml.",
        "Rule files, or directories whose .yaml files to format.",
    ),
    "fmt.check": Said(
        "Non scrive nulla; elenca i file che cambierebbero ed esce con 1 se ce ne sono.",
        "Write nothing; list the files that would change and exit 1 if there are any.",
    ),
    "fmt.diff": Said(
        "Non scrive nulla; mostra le modifiche come diff unificato.",
        "Write nothing; show the changes as a unified diff.",
    ),
    # schema
    "schema.summary": Said(
        "Lo schema JSON di un caso, una decisione, un riparto o un file di regole.",
        "The JSON Schema of a case, a decision, an allocation round or a rule file.",
    ),
    "schema": Said(
        "Dà lo schema JSON di un caso, di una decisione, di un riparto o di un file di "
        "regole.\n\n"
        "Un nome: lo schema è stampato. Con --out: scritto su file. Nessuno dei due: "
        "l'elenco dei nomi. Gli schemi delle decisioni sono tipizzati dal set di regole "
        "(ogni valore calcolato, colonna di tabella e valore di un risultato con il suo "
        "tipo).",
        "Give the JSON Schema of a case, a decision, an allocation round or a rule file.\n\n"
        "One schema named: printed. With --out: written to files. Neither: the list of "
        "names. Decision schemas are typed by the rule set (each derived value, lookup "
        "column and finding value with its type).",
    ),
    "schema.names": Said(
        "Nomi degli schemi da dare (nessuno: l'elenco dei nomi, con i loro titoli).",
        "Names of the schemas to give (none: the list of names, with their titles).",
    ),
    "schema.out_dir": Said(
        "Scrive gli schemi (tutti, se non se ne nomina nessuno) come file NOME.schema.json "
        "in questa cartella.",
        "Write the schemas (all of them when none is named) as NAME.schema.json files in "
        "this directory.",
    ),
    # population
    "population.summary": Said(
        "Genera una domanda per ogni comune ISTAT (7.896), in modo deterministico.",
        "Generate one application per ISTAT comune (7,896), deterministically.",
    ),
    "population": Said(
        "Genera una domanda per ogni comune ISTAT (7.896), in modo deterministico: stesso "
        "seme, stessi byte. Scrive JSON Lines.",
        "Generate one application per ISTAT comune (7,896), deterministically: same seed, "
        "same bytes. Writes JSON Lines.",
    ),
    "population.out_path": Said("Dove scrivere.", "Where to write."),
    "population.seed": Said(
        "Seme delle estrazioni deterministiche (predefinito: quello del progetto, che dà "
        "fixtures/population/national.jsonl).",
        "Seed of the deterministic draws (default: the project's, which gives "
        "fixtures/population/national.jsonl).",
    ),
    "population.national_round": Said(
        "Scrive invece l'ingresso del riparto nazionale: la popolazione più Regioni, "
        "Province, Città metropolitane e Unioni di comuni simulate, ogni ente con una "
        "popolazione residente e una capacità di spesa simulate.",
        "Write the national allocation round's input instead: the population plus "
        "simulated Regioni, Province, Città metropolitane and Unioni di comuni, every body "
        "with a simulated resident population and spending capacity.",
    ),
    # serve
    "serve.summary": Said("Il servizio HTTP delle decisioni.", "The HTTP decision service."),
    "serve": Said(
        "Serve decisioni via HTTP: POST /v1/decisions, /v1/decisions:batch, "
        "/v1/allocations; GET /v1/ruleset, /v1/schemas, /health; l'OpenAPI su /docs.\n\n"
        "Ogni set di regole è prima caricato e controllato: un problema ferma il server con "
        "i messaggi del controllo (esito 1). Si ferma con ordine a SIGTERM (esito 0) o "
        "Ctrl-C (esito 130): nessuna nuova connessione, le richieste in corso finiscono.",
        "Serve decisions over HTTP: POST /v1/decisions, /v1/decisions:batch, "
        "/v1/allocations; GET /v1/ruleset, /v1/schemas, /health; the OpenAPI at /docs.\n\n"
        "Every rule set is loaded and checked first: a problem stops the server with the "
        "checker's messages (exit 1). Stops gracefully on SIGTERM (exit 0) or Ctrl-C (exit "
        "130): no new connection, the requests under way finish.",
    ),
    "serve.rules": Said(
        "Cartella di un set di regole; ripetibile per servire più versioni insieme, la "
        "prima sotto /v1/ (predefinita: ./rules se c'è, altrimenti il set fornito).",
        "Rule set directory; repeat it to serve several versions side by side, the first "
        "answering under /v1/ (default: ./rules if there is one, else the bundled set).",
    ),
    "serve.host": Said("Indirizzo su cui ascoltare.", "Address to listen on."),
    "serve.port": Said("Porta su cui ascoltare.", "Port to listen on."),
    "serve.workers": Said("Processi di lavoro.", "Worker processes."),
    "serve.max_body_bytes": Said(
        "Corpo di richiesta più grande accettato (413 oltre); per un lotto, la riga più lunga.",
        "Largest request body accepted (413 above it); for a batch, the longest line.",
    ),
    "serve.access_log": Said("Registra ogni richiesta.", "Log every request."),
    "serve.graceful_timeout": Said(
        "A SIGTERM o Ctrl-C, secondi concessi alle richieste in corso per finire.",
        "On SIGTERM or Ctrl-C, seconds to let requests under way finish.",
    ),
    # selftest
    "selftest.summary": Said(
        "Verifica che il motore decida come la specifica, su casi generati.",
        "See the engine decide as the specification, on generated cases.",
    ),
    "selftest": Said(
        "Decide casi generati con il motore durable_rules e con il valutatore di "
        "riferimento (la specifica) e confronta ogni decisione byte per byte.\n\n"
        "Esito 0 quando concordano sempre, 1 su un disaccordo (mostrato, ridotto a un caso "
        "piccolo) o un set di regole con problemi, 2 quando l'extra di test non è "
        "installato.",
        "Decide generated cases with the durable_rules engine and with the reference "
        "evaluator (the specification) and compare every decision byte for byte.\n\n"
        "Exit status 0 when they always agree, 1 on a disagreement (shown, shrunk to a "
        "small case) or a rule set with problems, 2 when the test extra is not installed.",
    ),
    "selftest.cases": Said(
        "Casi generati da decidere (per set di regole).",
        "Generated cases to decide (per rule set).",
    ),
    "selftest.generated": Said(
        "Verifica anche questo numero di set di regole generati (ciascuno con --cases casi).",
        "Also test this many generated rule sets (each with --cases cases).",
    ),
    "selftest.seed": Said(
        "Ripete esattamente un'esecuzione (senza casualità).",
        "Repeat a run exactly (derandomised).",
    ),
    # bench
    "bench.summary": Said(
        "Velocità e memoria su questa macchina, accanto agli obiettivi del progetto.",
        "This machine's speed and memory, next to the project's targets.",
    ),
    "bench": Said(
        "Misura tempo di caricamento, latenza, throughput del lotto, rapporto con il "
        "riferimento e memoria.\n\n"
        "Esce sempre con 0 quando la misura è avvenuta: gli obiettivi mancati sono "
        "riportati, non sono errori, perché i tempi dipendono dalla macchina e dal suo "
        "carico.",
        "Measure load time, latency, batch throughput, the reference ratio and memory.\n\n"
        "Always exits 0 when the measurement ran: targets missed are reported, not "
        "failures, because timings depend on the machine and on its load.",
    ),
    "bench.cases": Said(
        "Casi della popolazione nazionale da usare (predefinito: tutti).",
        "Cases of the national population to use (default: all).",
    ),
    "bench.memory_cases": Said(
        "Valutazioni per la crescita della memoria.", "Evaluations for the memory growth."
    ),
    "bench.load_runs": Said(
        "Caricamenti del set di regole di cui prendere la mediana.",
        "Rule-set loads to take the median of.",
    ),
    "bench.workers": Said(
        "Misura anche batch --workers N accanto a --workers 1 e a N batch indipendenti su 1/N "
        "dei casi (il tetto della macchina), processi interi.",
        "Also time batch --workers N against --workers 1 and against N independent batches "
        "of 1/N of the cases (the machine's ceiling), whole processes.",
    ),
    "bench.workers_cases": Said(
        "Casi del confronto di --workers (processi interi).",
        "Cases of the --workers comparison (whole processes).",
    ),
    "bench.workers_rounds": Said(
        "Turni alternati di quel confronto.", "Interleaved rounds of that comparison."
    ),
    "bench.service": Said(
        "Misura anche il servizio HTTP accanto alla valutazione nel processo.",
        "Also time the HTTP service next to in-process evaluation.",
    ),
    "bench.clients": Said(
        "Client HTTP concorrenti del servizio.", "Concurrent HTTP clients of the service."
    ),
    "bench.service_requests": Said(
        "Richieste misurate (e altrettante nel processo).",
        "Requests timed (and as many in process).",
    ),
    "bench.batch_rounds": Said(
        "Turni alternati dei concorrenti del lotto.",
        "Interleaved rounds of the batch contenders.",
    ),
    "bench.startup_rounds": Said(
        "Turni alternati di processi interi (0: nessuno).",
        "Interleaved rounds of whole processes (0: none).",
    ),
    "bench.large_rules": Said(
        "Costruisce e misura anche un set di N regole (0: no).",
        "Also build a rule set of N rules and time it (0: no).",
    ),
    "bench.allocation_scale": Said(
        "Misura anche il turno di assegnazione N volte più grande (2 o più; 0: no).",
        "Also time the allocation round N (2 or more) times larger (0: no).",
    ),
    "bench.allocation_rounds": Said(
        "Turni alternati dei concorrenti dell'assegnazione.",
        "Interleaved rounds of the allocation contenders.",
    ),
    "bench.json_output": Said("Stampa le cifre in JSON.", "Print the figures as JSON."),
}
"""Help pages: see the module's docstring for the keys."""

MESSAGES: dict[str, Said] = {
    "case_line": Said("Caso {id} ({type})", "Case {id} ({type})"),
    "region_line": Said(
        "Regione: {name} ({code}), categoria {category}, Mezzogiorno: {mezzogiorno}",
        "Region: {name} ({code}), category {category}, South (Mezzogiorno): {mezzogiorno}",
    ),
    "ruleset_line": Said(
        "Regole: {name} {version} ({hash}), alla data del {day}",
        "Rules: {name} {version} ({hash}), as of {day}",
    ),
    "verdict_eligible": Said("AMMISSIBILE", "ELIGIBLE"),
    "verdict_not_eligible": Said("NON AMMISSIBILE", "NOT ELIGIBLE"),
    "verdict_payable": Said("PAGABILE", "PAYABLE"),
    "verdict_nothing_payable": Said("NULLA DA PAGARE", "NOTHING PAYABLE"),
    "verdict_refused": Said("RESPINTA", "REFUSED"),
    "case_type_application": Said("domanda", "application"),
    "case_type_payment_claim": Said("domanda di pagamento", "payment claim"),
    "reasons_line": Said("Motivi: {ids}", "Reasons: {ids}"),
    "warnings_line": Said("Avvertenze: {ids}", "Warnings: {ids}"),
    "status_met": Said("soddisfatta", "met"),
    "status_not_met": Said("non soddisfatta", "not met"),
    "status_not_applicable": Said("non applicabile", "not applicable"),
    "status_computed": Said("calcolato", "computed"),
    "status_warning": Said("avvertenza", "warning"),
    "requirements_title": Said("Requisiti applicati", "Requirements applied"),
    "derived_title": Said("Valori calcolati", "Derived values"),
    "claim_title": Said("Domanda di pagamento", "Payment claim"),
    "milestones_title": Said("Traguardi (EUR)", "Milestones (EUR)"),
    "milestone_title": Said("Traguardo {id} ({kind})", "Milestone {id} ({kind})"),
    "milestone_payable": Said("pagabile", "payable"),
    "milestone_withheld": Said("trattenuto", "withheld"),
    "milestone_paid": Said("già pagato", "paid"),
    "column_rule": Said("regola", "rule"),
    "column_status": Said("esito", "status"),
    "column_title": Said("titolo", "title"),
    "column_basis": Said("fonte", "basis"),
    "column_name": Said("nome", "name"),
    "column_value": Said("valore", "value"),
    "column_milestone": Said("traguardo", "milestone"),
    "column_kind": Said("tipo", "kind"),
    "column_paid_before": Said("già pagato", "paid before"),
    "column_payable": Said("pagabile", "payable"),
    "column_withheld": Said("trattenuto", "withheld"),
    "column_recovered": Said("recuperato", "recovered"),
    "column_why": Said("perché", "why"),
    "total": Said("totale", "total"),
    "net_of_grant": Said("netto {net} su sovvenzione {grant}", "net {net} of grant {grant}"),
    "basis_line": Said("fonte: {basis}", "basis: {basis}"),
    "read_line": Said("letto: {name} = {value}", "read: {name} = {value}"),
    "assumption_mark": Said("[IPOTESI]", "[ASSUMPTION]"),
    "yes": Said("sì", "yes"),
    "no": Said("no", "no"),
    "allocation_scale_one": Said(
        "--allocation-scale vale 0 (nessun turno di assegnazione) o almeno 2",
        "--allocation-scale is 0 (no allocation round) or at least 2",
    ),
    "unknown_language": Said(
        "{value!r} non è una lingua di capcoe-rules: usa it (italiano) o en (English)",
        "{value!r} is not a language of capcoe-rules: use it (italiano) or en (English)",
    ),
    "no_bundled_rules": Said(
        "questa installazione di capcoe-rules non ha un set di regole fornito: indica la "
        "cartella di un set di regole",
        "this installation of capcoe-rules has no bundled rule set: pass a rule set directory",
    ),
    "rule_set_used": Said("set di regole ./{path}", "rule set ./{path}"),
    "bundled_rule_set_used": Said("set di regole fornito {path}", "bundled rule set {path}"),
    "not_a_rules_directory": Said(
        "{path} non è una cartella di file di regole", "{path} is not a directory of rule files"
    ),
    "rule_set_has_problems": Said(
        "il set di regole in {path} ha problemi: esegui 'capcoe-rules check {path}'",
        "the rule set in {path} has problems: run 'capcoe-rules check {path}'",
    ),
    "cannot_read": Said("impossibile leggere {path}: {reason}", "cannot read {path}: {reason}"),
    "cannot_write": Said("impossibile scrivere {path}: {reason}", "cannot write {path}: {reason}"),
    "no_such_path": Said(
        "{path}: file o cartella inesistente", "{path}: no such file or directory"
    ),
    # check
    "check_problems": Said("{count} problemi in {path}", "{count} problem(s) in {path}"),
    "check_clean": Said(
        "{path}: nessun problema - {name} {version}, {title} ({rules} regole, {parameters} "
        "parametri, {tables} tabelle; {hash})",
        "{path}: no problems - {name} {version}, {title} ({rules} rules, {parameters} "
        "parameters, {tables} tables; {hash})",
    ),
    # test
    "test_summary": Said("{passed} superati, {failed} falliti", "{passed} passed, {failed} failed"),
    "test_pass": Said("SUPERATO", "PASS"),
    "test_fail": Said("FALLITO", "FAIL"),
    "test_difference": Said(
        "{path}: atteso {expected}, ottenuto {actual}", "{path}: expected {expected}, got {actual}"
    ),
    "coverage_title": Said("Copertura delle regole", "Rule coverage"),
    "coverage_rule": Said("regola", "rule"),
    "coverage_kind": Said("tipo", "kind"),
    "coverage_held": Said("soddisfatta", "held"),
    "coverage_failed": Said("non soddisfatta", "failed"),
    "coverage_not_applicable": Said("non applicabile", "n/a"),
    "coverage_missing": Said("manca", "missing"),
    "kind_requirement": Said("requisito", "requirement"),
    "kind_derivation": Said("calcolo", "derivation"),
    "never_held": Said("mai soddisfatta", "never held"),
    "never_computed": Said("mai calcolata", "never computed"),
    "never_failed": Said("mai non soddisfatta", "never failed"),
    "coverage_line": Said(
        "copertura: {ratio} degli esiti delle regole", "coverage: {ratio} of rule outcomes"
    ),
    "coverage_incomplete": Said("; incomplete: {ids}", "; incomplete: {ids}"),
    "not_exercised": Said("non esercitato: {branch}", "not exercised: {branch}"),
    "branches_line": Said(
        "rami: {seen} su {total} esercitati ({ratio}): requisiti non applicabili, "
        "'if'/'else', argomenti di min/max, operandi di and/or, fasce delle tabelle",
        "branches: {seen} of {total} exercised ({ratio}): requirements not applicable, "
        "'if'/'else', min/max arguments, and/or operands, band rows",
    ),
    # allocate
    "round_impossible": Said(
        "impossibile fare il riparto: {reason}", "cannot hold the round: {reason}"
    ),
    "rule_not_evaluated": Said(
        "una regola di {path} non si è potuta valutare: {reason}",
        "a rule of {path} could not be evaluated: {reason}",
    ),
    "round_line": Said(
        "Riparto: metodo {method}, alla data del {day}, regole {name} {version} ({hash})",
        "Allocation round: method {method}, as of {day}, rules {name} {version} ({hash})",
    ),
    "quotas_title": Said("Contingenti", "Quotas"),
    "profiles_title": Said("Profili", "Profiles"),
    "bodies_title": Said("Enti per tipo", "Bodies by kind"),
    "round_cap": Said("tetto", "cap"),
    "round_demand": Said("domanda", "demand"),
    "round_allocated": Said("assegnati", "allocated"),
    "round_unmet": Said("non soddisfatta", "unmet"),
    "round_full": Said("pieno", "full"),
    "round_key": Said("chiave", "key"),
    "round_key_share": Said("quota chiave", "key share"),
    "round_why": Said("perché", "why"),
    "round_reserved": Said("(riservati)", "(reserved)"),
    "why_capped_at_request": Said(
        "chiesti meno posti della quota", "asked for fewer posts than its share"
    ),
    "why_resplit": Said(
        "ha preso parte dei posti lasciati da altri", "took part of what others left"
    ),
    "why_profiles_full": Said("profili richiesti già pieni", "the profiles asked for were full"),
    "why_took_lost_posts": Said(
        "ha preso posti che altri non potevano usare", "took posts others could not use"
    ),
    "round_totals": Said(
        "{allocated} posti assegnati a {shares} domande + {reserved} riservati = {sum} su "
        "{supply}; domanda ammissibile {demand}, non soddisfatta {unmet}; posti non "
        "assegnati {unallocated}",
        "{allocated} posts allocated to {shares} applications + {reserved} reserved = {sum} "
        "of {supply}; eligible demand {demand}, unmet {unmet}; posts not allocated "
        "{unallocated}",
    ),
    "round_counts": Said(
        "{applications} domande: {eligible} ammesse al riparto, {excluded} escluse, "
        "{invalid} non valide; {seconds} s",
        "{applications} applications: {eligible} in the round, {excluded} excluded, "
        "{invalid} invalid; {seconds} s",
    ),
    "cannot_write_result": Said(
        "impossibile scrivere il risultato: {reason}", "cannot write the result: {reason}"
    ),
    "csv_is_out": Said("--csv non può essere il file di --out", "--csv cannot be the --out file"),
    "output_is_input": Said(
        "{option} {path} è il file di ingresso: verrebbe sostituito",
        "{option} {path} is the input file: it would be replaced",
    ),
    "errors_is_out": Said(
        "--errors {path} non può essere il file di --out",
        "--errors {path} cannot be the --out file",
    ),
    "output_is_directory": Said("{option} {path} è una cartella", "{option} {path} is a directory"),
    "wrote": Said("scritto {what}", "wrote {what}"),
    "and": Said("e", "and"),
    # analyze
    "format_choices": Said(
        "--format deve essere uno tra {choices}", "--format must be one of {choices}"
    ),
    "analyze_rules_line": Said("regole {ruleset}", "rules {ruleset}"),
    "analyze_base_line": Said("base   {ruleset}", "base  {ruleset}"),
    "analyze_dates_line": Said("date: {dates}", "dates: {dates}"),
    "analyze_case_date": Said("la data del caso", "the case's date"),
    "analyze_all_dates": Said("tutte le date di vigenza", "every date in force"),
    "analyze_findings": Said("Risultati", "Findings"),
    "analyze_kind": Said("tipo", "kind"),
    "analyze_where": Said("dove", "where"),
    "analyze_finding": Said("risultato", "finding"),
    "analyze_witness": Said("caso testimone", "witness"),
    "analyze_info": Said("(informativo)", "(info)"),
    "analyze_confirmed": Said("confermato", "confirmed"),
    "analyze_not_confirmed": Said("NON confermato", "NOT confirmed"),
    "analyze_not_analysed": Said("Non analizzato:", "Not analysed:"),
    "analyze_summary": Said(
        "{problems} problemi, {others} altri risultati, {not_analysed} non analizzati; "
        "{queries} domande al solutore in {seconds} s",
        "{problems} problem(s), {others} other finding(s), {not_analysed} not analysed; "
        "{queries} solver queries in {seconds} s",
    ),
    "analysis_needs_extra": Said(
        "l'analisi del set di regole richiede il risolutore SMT z3 (l'extra 'analysis'): "
        "pip install 'capcoe-rules[analysis]' (o: pip install z3-solver)",
        "the rule-set analysis needs the SMT solver z3 (the 'analysis' extra): "
        "pip install 'capcoe-rules[analysis]' (or: pip install z3-solver)",
    ),
    "as_of_and_all_dates": Said(
        "--as-of e --all-dates si escludono a vicenda",
        "--as-of and --all-dates exclude each other",
    ),
    "not_in_force": Said(
        "il {day} è fuori dal periodo in cui il set di regole in {path} è in vigore "
        "(dal {start} al {end})",
        "{day} is outside the period the rule set in {path} is in force ({start} to {end})",
    ),
    # batch
    "worker_died": Said(
        "un processo di lavoro è terminato (ucciso?): non è stato scritto nulla",
        "a worker process died (killed?): nothing was written",
    ),
    "batch_title": Said("Decisioni", "Decisions"),
    "deciding": Said("decido {name}", "deciding {name}"),
    "region_category": Said("categoria di regione", "region category"),
    "bad_records": Said("record non validi", "bad records"),
    "outcome_eligible": Said("ammissibili", "eligible"),
    "outcome_not_eligible": Said("non ammissibili", "not eligible"),
    "outcome_payable": Said("pagabili", "payable"),
    "outcome_nothing_payable": Said("nulla da pagare", "nothing payable"),
    "outcome_refused": Said("respinte", "refused"),
    "batch_done": Said(
        "{decided} decisi in {out}, {errors} record non validi in {errors_path}; "
        "{handled} in {seconds} s ({rate}/s)",
        "{decided} decided into {out}, {errors} bad record(s) into {errors_path}; "
        "{handled} in {seconds} s ({rate}/s)",
    ),
    # diff
    "bad_transition": Said(
        "--transition {text!r}: scrivi OLD:NEW con esiti tra {outcomes} o '*' "
        "(es. eligible:not_eligible)",
        "--transition {text!r}: write OLD:NEW with outcomes among {outcomes} or '*' "
        "(e.g. eligible:not_eligible)",
    ),
    "unknown_rule": Said(
        "--rule {rule!r}: nessuno dei due set di regole ha una regola con questo id",
        "--rule {rule!r}: neither rule set has a rule with this id",
    ),
    "unknown_region": Said(
        "--region {text!r}: non è un codice o un nome di regione; le regioni sono: {names}",
        "--region {text!r}: not a region code or name; the regions are: {names}",
    ),
    "diff_base_line": Said("base   {path}: {identity}", "base  {path}: {identity}"),
    "diff_rules_line": Said("regole {path}: {identity}", "rules {path}: {identity}"),
    "diff_same_rules": Said(
        "i due set di regole definiscono le stesse regole, gli stessi parametri e tabelle",
        "the two rule sets define the same rules, parameters and tables",
    ),
    "diff_rules_changed": Said("regole modificate", "rules changed"),
    "diff_rules_added": Said("regole aggiunte", "rules added"),
    "diff_rules_removed": Said("regole tolte", "rules removed"),
    "diff_parameters_changed": Said("parametri modificati", "parameters changed"),
    "diff_tables_changed": Said("tabelle modificate", "tables changed"),
    "diff_table_rows_changed": Said("righe di tabella modificate", "table rows changed"),
    "diff_period_changed": Said("il periodo di vigenza è cambiato", "the period in force changed"),
    "diff_no_case": Said("nessun caso", "no case"),
    "diff_kind_parameter": Said("il parametro", "parameter"),
    "diff_kind_table_row": Said("la riga di tabella", "table row"),
    "diff_not_yet_shown": Said(
        "nota: {kind} {name} cambia dal {day}, dopo la data di ogni caso (l'ultima: "
        "{latest}): nessuna decisione può ancora mostrare questa modifica",
        "note: {kind} {name} changes from {day}, after every case's as-of day (latest "
        "{latest}): no decision can show this change yet",
    ),
    "diff_changes_title": Said("Decisioni che cambiano", "Decisions that change"),
    "diff_line": Said("riga", "line"),
    "diff_case": Said("caso", "case"),
    "diff_region": Said("regione", "region"),
    "diff_change": Said("modifica", "change"),
    "diff_outcome": Said("esito", "outcome"),
    "diff_responsible": Said("regole responsabili", "rules responsible"),
    "diff_fields": Said("campi cambiati", "fields changed"),
    "diff_change_outcome": Said("esito", "outcome"),
    "diff_change_reasons": Said("motivi", "reasons"),
    "diff_change_amounts": Said("importi", "amounts"),
    "diff_change_other": Said("altro", "other"),
    "diff_more": Said(
        "... e altri {count} (--limit 0 o --json per tutti)",
        "... and {count} more (--limit 0 or --json for all)",
    ),
    "diff_value_changed": Said("valore cambiato", "value changed"),
    "diff_rule_edited": Said("regola modificata", "rule edited"),
    "diff_summary_title": Said("Riepilogo", "Summary"),
    "diff_transition": Said("passaggio", "transition"),
    "diff_cases": Said("casi", "cases"),
    "diff_same_outcome": Said(
        "{outcome} (stesso esito, altre modifiche)", "{outcome} (same outcome, other changes)"
    ),
    "diff_selected": Said("scelti dai filtri", "selected by the filters"),
    "diff_changed": Said("cambiati", "changed"),
    "diff_unchanged": Said("invariati", "unchanged"),
    "diff_invalid": Said("non validi con entrambi i set di regole", "invalid in both rule sets"),
    "diff_by_rule": Said("regole responsabili: {rules}", "rules responsible: {rules}"),
    "diff_money_title": Said("Denaro che si sposta", "Money that moves"),
    "diff_amount": Said("importo", "amount"),
    "diff_base": Said("base", "base"),
    "diff_rules": Said("regole", "rules"),
    "diff_difference": Said("differenza", "difference"),
    "html_written": Said("rapporto HTML scritto in {path}", "HTML report written to {path}"),
    # expand
    "nothing_written": Said(
        "{path}: {reason}; non è stato scritto nulla", "{path}: {reason}; nothing was written"
    ),
    "expanded": Said("{count} decisioni complete in {path}", "{count} full decisions into {path}"),
    # fmt
    "unreadable_rule_file": Said(
        "{path}: non si può leggere: {reason}", "{path}: cannot be read: {reason}"
    ),
    "not_utf8": Said(
        "non è testo UTF-8 (salvalo come UTF-8 dal tuo editor)",
        "it is not UTF-8 text (save it as UTF-8 from your editor)",
    ),
    "fmt_now": Said("ora", "now"),
    "fmt_formatted": Said("formattato", "formatted"),
    "reformatted": Said("riformattato {path}", "reformatted {path}"),
    "fmt_changed": Said("{count} file riformattati", "{count} file(s) reformatted"),
    "fmt_would_change": Said(
        "{count} file da riformattare", "{count} file(s) would be reformatted"
    ),
    "fmt_unchanged": Said("{count} già formattati", "{count} already formatted"),
    "fmt_failed": Said("{count} non formattabili", "{count} could not be formatted"),
    # population
    "population_written": Said(
        "scritte {count} domande in {path} in {seconds} s",
        "wrote {count} applications to {path} in {seconds} s",
    ),
    "round_written": Said(
        "scritte {count} domande (riparto nazionale simulato) in {path} in {seconds} s",
        "wrote {count} applications (simulated national round) to {path} in {seconds} s",
    ),
    # schema
    "unknown_schema": Said(
        "nessuno schema di nome {names} (noti: {known})",
        "no schema named {names} (known: {known})",
    ),
    "schema_application": Said(
        "Una domanda (case_type application)", "An application (case_type application)"
    ),
    "schema_payment_claim": Said(
        "Una domanda di pagamento (case_type payment_claim)",
        "A payment claim (case_type payment_claim)",
    ),
    "schema_allocation_round": Said("L'ingresso di un riparto", "An allocation round's input"),
    "schema_decision": Said("La decisione su una domanda", "The decision on an application"),
    "schema_compact_decision": Said(
        "La decisione compatta su una domanda", "The compact decision on an application"
    ),
    "schema_payment_decision": Said(
        "La decisione su una domanda di pagamento", "The decision on a payment claim"
    ),
    "schema_allocation_result": Said("Il risultato di un riparto", "An allocation round's result"),
    "schema_ruleset": Said(
        "Il manifesto di un set di regole (rules/ruleset.yaml)",
        "A rule set's manifest (rules/ruleset.yaml)",
    ),
    "schema_rule_file": Said(
        "Un file di regole (ogni altro file .yaml sotto rules/)",
        "A rule file (every other .yaml file under rules/)",
    ),
    "one_schema_to_print": Said(
        "nomina uno schema da stampare, o dai --out CARTELLA per scriverne diversi",
        "name one schema to print, or give --out DIR to write several",
    ),
    # selftest
    "selftest_needs_extra": Said(
        "selftest richiede l'extra di test: pip install 'capcoe-rules[test]' ({reason})",
        "selftest needs the test extra: pip install 'capcoe-rules[test]' ({reason})",
    ),
    "selftest_cases": Said(
        "{path}: {cases} casi decisi da entrambi i valutatori",
        "{path}: {cases} cases decided by both evaluators",
    ),
    "selftest_generated": Said(
        "generati: {rulesets} set di regole, {cases} casi",
        "generated: {rulesets} rule sets, {cases} cases",
    ),
    "selftest_generated_task": Said("set di regole generati", "generated rule sets"),
    "selftest_agree": Said(
        "nessun disaccordo: il motore decide come la specifica",
        "no disagreement: the engine decides as the specification",
    ),
    "selftest_disagree": Said(
        "il motore e la specifica (il valutatore di riferimento) non sono d'accordo "
        "(alla data del {day}):\n  motore:      {engine}\n  riferimento: {reference}\n"
        "  caso: {case}",
        "engine and reference disagree (as of {day}):\n  engine:    {engine}\n"
        "  reference: {reference}\n  case: {case}",
    ),
    "selftest_cannot_generate": Said(
        "impossibile generare i casi: {reason}", "cases could not be generated: {reason}"
    ),
    "selftest_rule_set_problems": Said(
        "il set di regole in {path} ha problemi", "the rule set in {path} has problems"
    ),
    # serve
    "serve_needs_extra": Said(
        "il servizio HTTP richiede l'extra 'serve' (manca {missing}): "
        "pip install 'capcoe-rules[serve]'",
        "the HTTP service needs the 'serve' extra ({missing} is missing): "
        "pip install 'capcoe-rules[serve]'",
    ),
    "two_of_one_version": Said(
        "due set di regole della stessa versione ({versions}): servine uno per versione",
        "two rule sets of one version ({versions}): serve one of each",
    ),
    "serving_ruleset": Said(
        "capcoe-rules: {ruleset} da {origin} sotto {where}/v1/rulesets/{version}/",
        "capcoe-rules: {ruleset} from {origin} under {where}/v1/rulesets/{version}/",
    ),
    "serving_default": Said("/v1/ e ", "/v1/ and "),
    "serving_at": Said(
        "capcoe-rules: http://{host}:{port}/ (OpenAPI: /docs), {workers} processi di lavoro",
        "capcoe-rules: http://{host}:{port}/ (OpenAPI: /docs), {workers} worker(s)",
    ),
    "server_not_started": Said(
        "il set di regole in {path} ha problemi: il server non parte",
        "the rule set in {path} has problems: the server does not start",
    ),
}
"""What the commands say: see the module's docstring."""
