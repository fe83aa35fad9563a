"""Every fixed line of the commands in the user's language: Italian by default, English
with ``--lang en``, never the two side by side, never Python's or PyYAML's words.

Each test runs a command on the bundled rules and fixtures both ways and asserts the lines
the catalogue (``capcoe_rules/cli/catalogue.py``) gives it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES, make_application
from typer.testing import CliRunner

from capcoe_rules.cli import app

runner = CliRunner(env={"CAPCOE_LANG": None})
APPLICATION = FIXTURES / "applications" / "abruzzo-pescara-comune-assunzioni.yaml"
PAYMENT = FIXTURES / "payments" / "comune-agrigento-traguardo-intermedio-respinto.yaml"


def both(*arguments: str) -> tuple[str, str]:
    """The output of one command in Italian (the default) and in English."""
    italian = runner.invoke(app, list(arguments))
    english = runner.invoke(app, ["--lang", "en", *arguments])
    assert italian.exit_code == english.exit_code, (italian.output, english.output)
    return italian.output, english.output


def headers(output: str) -> list[str]:
    """The column headings of the first table in ``output``."""
    line = next(line for line in output.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.strip("┃").split("┃")]


def test_evaluate_says_the_outcome_and_its_tables_in_one_language() -> None:
    italian, english = both("evaluate", str(APPLICATION), "--rules", str(RULES))
    assert "Caso PE-2023-0031 (domanda): NON AMMISSIBILE\n" in italian
    assert "Case PE-2023-0031 (application): NOT ELIGIBLE\n" in english
    assert "Motivi: ASS-REGIONI, AMM-AREA-CATEGORIA, AMM-PAR-APPROVATO" in italian
    assert "Reasons: ASS-REGIONI, AMM-AREA-CATEGORIA, AMM-PAR-APPROVATO" in english
    assert "Requisiti applicati" in italian and "Valori calcolati" in italian
    assert "Requirements applied" in english and "Derived values" in english
    assert headers(italian) == ["regola", "esito", "titolo", "fonte"]
    assert headers(english) == ["rule", "status", "title", "basis"]
    assert "non soddisfatta" in italian and "[IPOTESI]" in italian
    assert "not met" in english and "[ASSUMPTION]" in english
    for pair in (" / ", "IPOTESI/ASSUMPTION"):
        assert not re.search(rf"[A-Za-z]{pair}[A-Za-z]", italian.replace("/work", "")), pair
    assert "NOT ELIGIBLE" not in italian and "NON AMMISSIBILE" not in english


def test_evaluate_of_a_payment_claim_names_its_columns_in_one_language() -> None:
    italian, english = both("evaluate", str(PAYMENT), "--rules", str(RULES))
    assert "Caso AG-DP-2025-0001 (domanda di pagamento): NULLA DA PAGARE" in italian
    assert "Case AG-DP-2025-0001 (payment claim): NOTHING PAYABLE" in english
    assert headers(italian) == [
        "traguardo",
        "tipo",
        "esito",
        "già pagato",
        "pagabile",
        "trattenuto",
        "recuperato",
        "perché",
    ]
    assert headers(english)[:4] == ["milestone", "kind", "status", "paid before"]
    assert "│ intermedio │ trattenuto │" in italian and "│ intermedio │ withheld │" in english
    assert "netto 0,00 su sovvenzione 100.000,00" in italian
    assert "net 0.00 of grant 100,000.00" in english
    assert "Domanda di pagamento" in italian and "Payment claim" in english


def test_explain_says_each_rule_status_basis_and_values_in_one_language() -> None:
    italian, english = both("explain", str(APPLICATION), "--rules", str(RULES))
    assert "ASS-REGIONI  non soddisfatta  Assunzioni solo per enti" in italian
    assert "ASS-REGIONI  not met  Hires only for bodies" in english
    assert "    fonte: DL 124/2023" in italian and "    basis: DL 124/2023" in english
    assert "    letto: application.applicant.region_code = 13" in italian
    assert "    read: application.applicant.region_code = 13" in english
    assert "fonte/basis" not in italian + english and "letto/read" not in italian + english


def test_batch_summarises_in_one_language(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(make_application()) + "\n{not json\n", "utf-8")
    outputs = []
    for language in ("it", "en"):
        out = tmp_path / f"{language}.jsonl"
        arguments = ["--lang", language, "batch", str(source), "-o", str(out)]
        outputs.append(runner.invoke(app, [*arguments, "--rules", str(RULES)]).output)
    italian, english = outputs
    assert headers(italian) == ["categoria di regione", "ammissibili", "totale"]
    assert headers(english) == ["region category", "eligible", "total"]
    assert "│ record non validi " in italian and "│ bad records " in english
    italian, english = (output.replace("\n", "") for output in outputs)  # long lines wrap
    assert re.search(r"1 decisi in .*, 1 record non validi in .*; 2 in \d+,\d\d s", italian)
    assert re.search(r"1 decided into .*, 1 bad record\(s\) into .*; 2 in \d+\.\d\d s", english)


def test_schema_lists_the_documents_in_one_language() -> None:
    italian, english = both("schema", "--rules", str(RULES))
    assert "application          Una domanda (case_type application)" in italian
    assert "rule_file            Un file di regole (ogni altro file .yaml sotto rules/)" in italian
    assert "application          An application (case_type application)" in english


def test_selftest_reports_in_one_language() -> None:
    italian, english = both("selftest", "--rules", str(RULES), "--cases", "5")
    assert f"{RULES}: 5 casi decisi da entrambi i valutatori" in italian
    assert "nessun disaccordo: il motore decide come la specifica" in italian
    assert f"{RULES}: 5 cases decided by both evaluators" in english
    assert "no disagreement: the engine decides as the specification" in english


def test_analyze_reports_in_one_language() -> None:
    pytest.importorskip("z3")
    italian, english = both("analyze", "--rules", str(RULES))
    assert "date: la data del caso\n" in italian and "dates: the case's date\n" in english
    assert "data del caso / case date" not in italian + english
    assert headers(italian) == ["#", "tipo", "dove", "risultato", "caso testimone"]
    assert headers(english) == ["#", "kind", "where", "finding", "witness"]
    assert "(informativo)" in italian and "confermato: " in italian
    assert re.search(
        r"\d+ problemi, \d+ altri risultati, 0 non analizzati; [\d.]+ domande", italian
    )
    assert re.search(r"\d+ problem\(s\), \d+ other finding\(s\), 0 not analysed; ", english)


def test_fmt_says_a_yaml_syntax_error_in_the_checkers_words(tmp_path: Path) -> None:
    broken = tmp_path / "a.yaml"
    broken.write_text("rules:\n  - id: A\n    title: {it: x, en: y\n", "utf-8")
    (tmp_path / "b.bin.yaml").write_bytes(b"\xff\xfe")
    italian, english = both("fmt", "--check", str(tmp_path))
    assert f"{broken}:4:1: E001 un elenco di chiavi tra {{ }} non è chiuso; come correggere: " in (
        italian
    )
    assert f"{broken}:4:1: E001 a mapping in {{ }} is not closed; fix: close it with '}}'" in (
        english
    )
    assert "non è testo UTF-8" in italian and "it is not UTF-8 text" in english
    for jargon in ("<stream end>", "but got", "codec", "UnicodeDecodeError", "0xff"):
        assert jargon not in italian + english, jargon


def test_a_file_the_system_refuses_is_said_in_words(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    italian, english = both("evaluate", str(missing), "--rules", str(RULES))
    assert f"{missing}: impossibile leggere il file: file o cartella inesistente" in italian
    assert f"{missing}: cannot read the file: no such file or directory" in english
    italian, english = both("test", str(missing), "--rules", str(RULES))
    assert f"capcoe-rules: {missing}: file o cartella inesistente" in italian
    assert f"capcoe-rules: {missing}: no such file or directory" in english
    for jargon in ("Errno", "FileNotFoundError", "does not exist"):
        assert jargon not in italian + english, jargon


def test_expand_says_why_nothing_was_written(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(make_application()) + "\n", "utf-8")
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text("", "utf-8")
    arguments = ["expand", str(decisions), "--cases", str(cases), "-o", str(tmp_path / "x")]
    italian, english = both(*arguments, "--rules", str(RULES))
    assert (
        f"{decisions}: nessuna decisione per il caso alla riga 1; non è stato scritto nulla"
        in italian
    )
    assert f"{decisions}: no decision for the case on line 1; nothing was written" in english


def test_the_rule_set_problems_of_bench_are_said_in_the_users_language(tmp_path: Path) -> None:
    broken = shutil.copytree(RULES, tmp_path / "rules")
    manifest = broken / "ruleset.yaml"
    manifest.write_text(manifest.read_text("utf-8") + "\nnonsense: 1\n", "utf-8")
    italian, english = both("bench", "--rules", str(broken), "--cases", "1")
    assert f"il set di regole in {broken} ha problemi" in italian
    assert f"the rule set in {broken} has problems" in english
