"""Case errors in Italian and English from the catalogue keyed by the error's id, with a
hint, and ``file:line:col`` in every command that reads a case file: ``evaluate``,
``explain``, ``capcoe-rules test`` and the pytest plugin."""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic_core import PydanticKnownError, core_schema
from typer.testing import CliRunner

from capcoe_rules import CaseError, Engine
from capcoe_rules.case_messages import CATALOGUE, describe, placeholders
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.cli import app
from capcoe_rules.models.application import Application
from capcoe_rules.models.payment import PaymentClaim
from capcoe_rules.models.round_input import AllocationRound
from capcoe_rules.testing.strategies import inconsistent_claims, invalid_applications

pytest_plugins = ["pytester"]
runner = CliRunner()
CASE_MODELS: tuple[type[BaseModel], ...] = (Application, PaymentClaim, AllocationRound)
FILLED_IN = {"value", "field", "name", "example", "expected", "near", "detail"}
"""Placeholders every entry may use: the catalogue fills them in from the problem itself."""

# -- the catalogue ------------------------------------------------------------------------------


def _texts(kind: str) -> Iterator[tuple[str, str, str]]:
    entry = CATALOGUE[kind]
    for part, text in (("message", entry.message), ("hint", entry.hint), ("near", entry.near)):
        if text is not None:
            yield part, text.en, text.it


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_every_entry_is_in_both_languages_with_the_same_placeholders(kind: str) -> None:
    entry = CATALOGUE[kind]
    assert entry.hint is not None or entry.near is None, "a near hint needs a plain one"
    for part, english, italian in _texts(kind):
        assert english.strip() and italian.strip() and english != italian, (kind, part)
        assert placeholders(english) == placeholders(italian), (kind, part)


def _context_keys(kind: str) -> set[str]:
    """The context pydantic gives errors of type ``kind``: what its error needs to exist."""
    context: dict[str, Any] = {}
    for _ in range(10):
        try:
            PydanticKnownError(kind, context or None)  # type: ignore[arg-type]
        except TypeError as error:  # "GreaterThanEqual: 'ge' required in context"
            (key,) = re.findall(r"'(\w+)' (?:required|context value must be)", str(error))
            context[key] = "x" if "must be a String" in str(error) else 1
        else:
            return set(context)
    raise AssertionError(kind)


PYDANTIC_TYPES = set(typing.get_args(core_schema.ErrorType))


@pytest.mark.parametrize("kind", sorted(set(CATALOGUE) & PYDANTIC_TYPES))
def test_an_entry_for_a_pydantic_type_names_only_what_its_context_holds(kind: str) -> None:
    context = _context_keys(kind)
    for part, english, _ in _texts(kind):
        assert placeholders(english) <= context | FILLED_IN, (kind, part)


PACKAGE = Path(__file__).resolve().parents[1] / "capcoe_rules"


def _sites() -> Iterator[tuple[str, int, str, set[str]]]:
    """Every ``refusal("id", ...)`` and ``case_problem(path, "id", ...)`` of the package:
    its file, line, id and the names of the context it passes."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            at = {"refusal": 0, "case_problem": 1}.get(node.func.id)
            if at is None or len(node.args) <= at:
                continue
            kind = node.args[at]
            assert isinstance(kind, ast.Constant), (path, node.lineno)
            keywords = {keyword.arg for keyword in node.keywords if keyword.arg}
            yield path.name, node.lineno, str(kind.value), keywords - {"given", "names"}


SITES = list(_sites())


def test_there_are_sites_for_the_projects_own_ids() -> None:
    assert len(SITES) >= 40
    own = set(CATALOGUE) - PYDANTIC_TYPES - {"string_pattern_mismatch:istat_code"}
    assert own - {kind for _, _, kind, _ in SITES} == set()  # no entry left without a use


@pytest.mark.parametrize(
    ("file", "line", "kind", "given"), SITES, ids=[f"{f}:{n}" for f, n, _, _ in SITES]
)
def test_each_site_gives_the_context_its_entry_names(
    file: str, line: int, kind: str, given: set[str]
) -> None:
    assert kind in CATALOGUE
    for part, english, _ in _texts(kind):
        assert placeholders(english) - FILLED_IN <= given, (part, english)


def _raised_by(function: Any, depth: int = 0) -> set[str]:
    """The error types a validator function raises: those it names in its source
    (``refusal("id", ...)``, pydantic's ``PydanticKnownError('type', ...)``), and those of
    the functions of its module it calls."""
    while isinstance(function, functools.partial):
        function = function.func
    function = getattr(function, "__func__", function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return set()
    found = set(
        re.findall(r"(?:refusal|PydanticKnownError|PydanticCustomError)\(\s*['\"](\w+)", source)
    )
    if re.search(r"raise ValueError\(", source):
        found.add("value_error")
    module = inspect.getmodule(function)
    if depth < 3 and module is not None:
        for name in set(re.findall(r"\b(\w+)\(", source)) - {function.__name__}:
            called = getattr(module, name, None)
            if inspect.isfunction(called) and called.__module__ == module.__name__:
                found |= _raised_by(called, depth + 1)
    return found


BOUNDS = {"gt": "greater_than", "ge": "greater_than_equal", "lt": "less_than"}
BOUNDS |= {"le": "less_than_equal", "multiple_of": "multiple_of"}


def _raisable(node: Any) -> set[str]:
    """Every error type validating a mapping against the core schema ``node`` can give."""
    found: set[str] = set()
    if isinstance(node, list | tuple):
        for item in node:
            found |= _raisable(item)
        return found
    if not isinstance(node, dict):
        return found
    kind, strict = node.get("type"), node.get("strict", False)
    constraints = {BOUNDS[key] for key in BOUNDS if key in node}
    match kind:
        case "model":
            found |= {"model_type", "model_attributes_type"}
        case "model-fields":
            found |= {"missing", "extra_forbidden"}
        case "str":
            found |= {"string_type", "string_unicode"}
            found |= {"string_too_short"} if "min_length" in node else set()
            found |= {"string_too_long"} if "max_length" in node else set()
            found |= {"string_pattern_mismatch"} if "pattern" in node else set()
        case "int":
            lax = {"int_parsing", "int_from_float", "int_parsing_size"}
            found |= {"int_type"} | (set() if strict else lax) | constraints
        case "bool":
            found |= {"bool_type"} | (set() if strict else {"bool_parsing"})
        case "decimal":
            found |= {"decimal_type", "decimal_parsing", "finite_number"} | constraints
            found |= {"decimal_max_digits"} if "max_digits" in node else set()
            found |= {"decimal_max_places"} if "decimal_places" in node else set()
            both = {"max_digits", "decimal_places"} <= node.keys()
            found |= {"decimal_whole_digits"} if both else set()
        case "date":
            found |= {"date_type", "date_parsing", "date_from_datetime_parsing"}
            found |= {"date_from_datetime_inexact"}
        case "datetime":
            found |= {"datetime_type", "datetime_parsing", "datetime_from_date_parsing"}
            found |= {"datetime_object_invalid"}
            found |= {"timezone_aware"} if node.get("tz_constraint") == "aware" else set()
        case "literal":
            found.add("literal_error")
        case "list":
            found.add("list_type")
            found |= {"too_short"} if "min_length" in node else set()
            found |= {"too_long"} if "max_length" in node else set()
        case "function-before" | "function-after" | "function-plain" | "function-wrap":
            found |= _raised_by(node["function"]["function"])
    for key, value in node.items():
        if key not in ("function", "metadata", "serialization"):
            found |= _raisable(value)
    return found


def test_every_error_type_the_case_models_can_raise_has_an_entry() -> None:
    raisable = set().union(*(_raisable(model.__pydantic_core_schema__) for model in CASE_MODELS))
    # The walk sees the project's own checks and pydantic's constraints alike.
    assert {"unknown_istat_code", "date_out_of_range", "missing", "literal_error"} <= raisable
    assert {"decimal_max_places", "greater_than_equal", "timezone_aware"} <= raisable
    assert raisable - set(CATALOGUE) == set()
    # The service reads a round's JSON text with pydantic: its errors are there too.
    assert {"json_invalid", "json_type"} <= set(CATALOGUE)


@pytest.mark.parametrize("kind", sorted(PYDANTIC_TYPES - set(CATALOGUE)))
def test_a_type_the_catalogue_does_not_know_still_says_the_field_in_both_languages(
    kind: str,
) -> None:
    problem = describe("grant.milestones.0.unit", kind, {"whatever": 1}, "x", detail="pydantic")
    assert problem.code == kind
    assert problem.message == "the value of 'unit' is not valid: pydantic"
    assert problem.message_it == "il valore di 'unit' non è valido: pydantic"
    assert problem.hint is not None and "'unit'" in problem.hint.en and "'unit'" in problem.hint.it


def test_an_entry_whose_context_is_missing_falls_back_rather_than_failing() -> None:
    problem = describe("amount_requested", "greater_than_equal", {}, -1)
    assert problem.message.startswith("the value of 'amount_requested' is not valid")
    assert problem.message_it is not None and "'amount_requested'" in problem.message_it


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken=st.one_of(invalid_applications(), inconsistent_claims()))
def test_every_refusal_of_a_generated_case_comes_from_the_catalogue(
    engine: Engine, broken: Any
) -> None:
    try:
        engine.evaluate(getattr(broken, "case", broken))
    except CaseError as error:
        for problem in error.problems:
            assert problem.code in CATALOGUE, (problem.code, problem.message)
            assert problem.message_it and problem.message_it != problem.message
            assert not problem.message.startswith("the value of "), problem  # no fallback


def test_every_refused_fixture_comes_from_the_catalogue(engine: Engine) -> None:
    refused = 0
    for path in sorted(FIXTURES.rglob("*.yaml")):
        example = read_case_file(path)
        try:
            engine.evaluate(example.case, as_of=example.as_of)
        except CaseError as error:
            refused += 1
            assert all(problem.code in CATALOGUE for problem in error.problems), path
            assert all(problem.hint is not None for problem in error.problems), path
            assert not any(p.message.startswith("the value of ") for p in error.problems), path
    assert refused >= 10


# -- case files through the commands -------------------------------------------------------------

APPLICATION_YAML = """\
case_type: application
id: PROVA-1
applicant:
  name: Comune di Napoli
  body_type: comune
  istat_code: "063409"
submitter:
  name: Sindaco di Napoli
submitted_at: 04/12/2023 10:15
area: asunzioni
hires:
  tecnico: "6"
amount_requested: "1980000.00"
needs_analysis:
  present: true
"""
"""Five mistakes: a mistyped ISTAT code (063049 is Napoli), the submitter's role left out,
a date written the Italian way, a misspelt area, a number in quotes."""

YAML_POSITIONS = {
    "applicant.istat_code": (6, 15),
    "submitter.role": (8, 3),  # where the role belongs: the submitter's fields
    "submitted_at": (9, 15),
    "area": (10, 7),
    "hires.tecnico": (12, 12),
}

# (path, English, Italian, English hint, Italian hint): what a policy officer reads.
EXPECTED = [
    (
        "applicant.istat_code",
        "'063409' is not an ISTAT comune (6 digits), province (3) or region (2) code",
        "'063409' non è un codice ISTAT di comune (6 cifre), provincia (3) o regione (2)",
        "did you mean '063049' (Napoli) or '063009' (Boscotrecase)?",
        "forse intendevi '063049' (Napoli) o '063009' (Boscotrecase)?",
    ),
    (
        "submitter.role",
        "this field is required and missing",
        "campo obbligatorio mancante",
        "add role: followed by its value",
        "aggiungi role: seguito dal suo valore",
    ),
    (
        "submitted_at",
        "'04/12/2023 10:15' is not a date and time",
        "'04/12/2023 10:15' non è una data con ora",
        "write the date and time as YYYY-MM-DDThh:mm:ss followed by the time zone (+01:00 in "
        "winter, +02:00 in summer in Italy), for example 2023-12-04T10:15:00+01:00",
        "scrivi data e ora come AAAA-MM-GGThh:mm:ss seguite dal fuso orario (+01:00 d'inverno, "
        "+02:00 d'estate in Italia), per esempio 2023-12-04T10:15:00+01:00",
    ),
    (
        "area",
        "'asunzioni' is not one of the admitted values",
        "'asunzioni' non è tra i valori ammessi",
        "did you mean 'assunzioni'? (admitted: servizi_supporto_territoriale, assunzioni, "
        "formazione, segreteria_tecnica_priga, capacita_amministrativa, governance_coesione, "
        "processi_gestione, partenariato or condivisione_conoscenze)",
        "forse intendevi 'assunzioni'? (ammessi: servizi_supporto_territoriale, assunzioni, "
        "formazione, segreteria_tecnica_priga, capacita_amministrativa, governance_coesione, "
        "processi_gestione, partenariato o condivisione_conoscenze)",
    ),
    (
        "hires.tecnico",
        "must be a whole number, not '6'",
        "deve essere un numero intero, non '6'",
        "write a whole number, without quotes or decimals, for example 12",
        "scrivi un numero intero, senza virgolette né decimali, per esempio 12",
    ),
]


def _as_json_text() -> tuple[str, dict[str, tuple[int, int]]]:
    """The same case as indented JSON, and where each bad field's value is in it."""
    import yaml  # noqa: PLC0415

    text = json.dumps(yaml.safe_load(APPLICATION_YAML), indent=2)
    lines = text.splitlines()

    def at(key: str, nth: int = 0) -> tuple[int, int]:
        hits = [(n, line) for n, line in enumerate(lines, 1) if f'"{key}": ' in line]
        number, line = hits[nth]
        return number, line.index(f'"{key}": ') + len(f'"{key}": ') + 1

    submitter_line = at("submitter")[0]
    positions = {
        "applicant.istat_code": at("istat_code"),
        "submitter.role": (submitter_line, lines[submitter_line - 1].index("{") + 1),
        "submitted_at": at("submitted_at"),
        "area": at("area"),
        "hires.tecnico": at("tecnico"),
    }
    return text, positions


def _lines(output: str, file: Path) -> dict[str, str]:
    """``{path: "line:col: message"}`` of ``file:line:col: path: message`` lines."""
    found = {}
    for line in output.splitlines():
        match = re.search(rf"{re.escape(str(file))}:(\d+):(\d+): ([\w.]+): (.*)$", line)
        if match:
            found[match.group(3)] = f"{match.group(1)}:{match.group(2)}: {match.group(4)}"
    return found


def _assert_messages(output: str, file: Path, positions: dict[str, tuple[int, int]], lang: str):
    shown = _lines(output, file)
    assert set(shown) == {path for path, *_ in EXPECTED}, output
    for path, english, italian, hint, hint_it in EXPECTED:
        line, column = positions[path]
        if lang == "it":
            wanted = f"{line}:{column}: {italian}; come correggere: {hint_it}"
        else:
            wanted = f"{line}:{column}: {english}; fix: {hint}"
        assert shown[path] == wanted, (path, shown[path])


@pytest.fixture
def case_files(tmp_path: Path) -> dict[str, tuple[Path, dict[str, tuple[int, int]]]]:
    yaml_case = tmp_path / "domanda.yaml"
    yaml_case.write_text(APPLICATION_YAML, "utf-8")
    json_text, json_positions = _as_json_text()
    json_case = tmp_path / "domanda.json"
    json_case.write_text(json_text, "utf-8")
    return {"yaml": (yaml_case, YAML_POSITIONS), "json": (json_case, json_positions)}


@pytest.mark.parametrize("shape", ["yaml", "json"])
@pytest.mark.parametrize("command", ["evaluate", "explain"])
def test_a_bad_case_file_says_each_mistake_in_italian_by_default_and_in_english(
    case_files: dict[str, tuple[Path, dict[str, tuple[int, int]]]], shape: str, command: str
) -> None:
    path, positions = case_files[shape]
    italian = runner.invoke(app, [command, str(path), "--rules", str(RULES)])
    assert italian.exit_code == 2, italian.output
    _assert_messages(italian.stderr, path, positions, "it")
    english = runner.invoke(app, [command, str(path), "--rules", str(RULES), "--lang", "en"])
    assert english.exit_code == 2
    _assert_messages(english.stderr, path, positions, "en")
    by_variable = runner.invoke(
        app, [command, str(path), "--rules", str(RULES)], env={"CAPCOE_LANG": "en"}
    )
    assert by_variable.stderr == english.stderr


def test_evaluate_json_gives_each_problem_with_its_italian_and_hint(
    case_files: dict[str, tuple[Path, dict[str, tuple[int, int]]]],
) -> None:
    path, positions = case_files["json"]
    result = runner.invoke(app, ["evaluate", str(path), "--rules", str(RULES), "--json"])
    assert result.exit_code == 2
    problems = {problem["path"]: problem for problem in json.loads(result.stdout)["problems"]}
    for path_in_case, english, italian, hint, hint_it in EXPECTED:
        problem = problems[path_in_case]
        assert (problem["line"], problem["column"]) == positions[path_in_case]
        assert problem["file"] == str(path)
        assert (problem["message"], problem["message_it"]) == (english, italian)
        assert (problem["hint"], problem["hint_it"]) == (hint, hint_it)
    assert problems["area"]["code"] == "literal_error"
    assert problems["applicant.istat_code"]["code"] == "unknown_istat_code"


def _example(directory: Path) -> tuple[Path, dict[str, tuple[int, int]]]:
    """The bad case inside an example (``case:`` indented by two), and its positions."""
    directory.mkdir(parents=True, exist_ok=True)
    example = directory / "domanda-sbagliata.yaml"
    indented = "".join(f"  {line}\n" for line in APPLICATION_YAML.splitlines())
    example.write_text(
        "description: Cinque errori in una domanda\ncase:\n" + indented
        + "expect:\n  outcome: eligible\n",
        "utf-8",
    )  # fmt: skip
    positions = {path: (line + 2, column + 2) for path, (line, column) in YAML_POSITIONS.items()}
    return example, positions


def test_capcoe_rules_test_points_at_each_bad_field_of_an_example(tmp_path: Path) -> None:
    example, positions = _example(tmp_path / "fixtures")
    italian = runner.invoke(app, ["test", str(example.parent), "--rules", str(RULES)])
    assert italian.exit_code == 1 and "0 superati, 1 falliti" in italian.stdout
    assert "caso respinto:" in italian.stdout
    _assert_messages(italian.stdout, example, positions, "it")
    english = runner.invoke(
        app, ["test", str(example.parent), "--rules", str(RULES), "--lang", "en"]
    )
    assert "case refused:" in english.stdout
    _assert_messages(english.stdout, example, positions, "en")


def test_capcoe_rules_test_format_json_lists_each_problem_with_its_position(
    tmp_path: Path,
) -> None:
    example, positions = _example(tmp_path / "fixtures")
    result = runner.invoke(
        app, ["test", str(example.parent), "--rules", str(RULES), "--format", "json"]
    )
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["error"].startswith("case refused:\n")
    assert entry["error_it"].startswith("caso respinto:\n")
    problems = {problem["path"]: problem for problem in entry["problems"]}
    for path, english, italian, hint, hint_it in EXPECTED:
        problem = problems[path]
        assert (problem["line"], problem["column"]) == positions[path]
        assert (problem["message"], problem["message_it"], problem["hint"], problem["hint_it"]) == (
            english,
            italian,
            hint,
            hint_it,
        )


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_pytest_plugin_points_at_each_bad_field_of_an_example(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    example, positions = _example(pytester.path / "fixtures")
    monkeypatch.setenv("CAPCOE_LANG", lang)
    result = pytester.runpytest("fixtures", f"--capcoe-rules={RULES}", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    _assert_messages(result.stdout.str(), example.resolve(), positions, lang)


def test_the_pytest_plugin_refuses_an_unknown_language(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _example(pytester.path / "fixtures")
    monkeypatch.setenv("CAPCOE_LANG", "fr")
    result = pytester.runpytest("fixtures", f"--capcoe-rules={RULES}", "-p", "no:cacheprovider")
    assert "CAPCOE_LANG='fr'" in result.stdout.str() + result.stderr.str()


PAYMENT_CLAIM = FIXTURES / "payments" / "comune-agrigento-traguardo-intermedio-respinto.yaml"


def test_a_date_written_the_italian_way_gets_the_iso_date_to_write(tmp_path: Path) -> None:
    text = PAYMENT_CLAIM.read_text("utf-8")
    written = re.search(r"claim_date: (\S+)", text)
    assert written is not None
    year, month, day = written.group(1).strip("'\"").split("-")
    case = tmp_path / "domanda.yaml"
    case.write_text(text.replace(written.group(0), f"claim_date: {day}/{month}/{year}"), "utf-8")
    line = text[: written.start()].count("\n") + 1
    column = written.start() - text.rfind("\n", 0, written.start()) + len("claim_date: ")
    result = runner.invoke(app, ["evaluate", str(case), "--rules", str(RULES)])
    assert result.exit_code == 2
    assert (
        f"{case}:{line}:{column}: claim_date: '{day}/{month}/{year}' non è una data; "
        f"come correggere: scrivi la data come AAAA-MM-GG, per esempio {year}-{month}-{day}"
    ) in result.stderr


# -- the machine outputs -------------------------------------------------------------------------


NAPOLI = FIXTURES / "applications" / "napoli-assunzioni.yaml"


def _record(**changes: Any) -> str:
    """The Napoli application as JSON text, with ``changes``."""
    case = json.loads(json.dumps(read_case_file(NAPOLI).case, default=str))
    case.update(changes)
    return json.dumps(case)


def test_the_batch_error_file_adds_the_italian_and_the_hint(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(_record(area="Assunzioni") + "\n", "utf-8")
    out = tmp_path / "decisions.jsonl"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--rules", str(RULES)])
    assert result.exit_code == 1
    (line,) = [
        json.loads(text) for text in (tmp_path / "decisions.errors.jsonl").open(encoding="utf-8")
    ]
    (problem,) = line["errors"]
    assert problem["path"] == "area" and problem["code"] == "literal_error"
    assert problem["message"] == "'Assunzioni' is not one of the admitted values"
    assert problem["message_it"] == "'Assunzioni' non è tra i valori ammessi"
    assert problem["hint"].startswith("did you mean 'assunzioni'?")
    assert problem["hint_it"].startswith("forse intendevi 'assunzioni'?")


def test_a_misspelt_field_is_one_problem_not_two(engine: Engine) -> None:
    case = json.loads(_record())
    case["submited_at"] = case.pop("submitted_at")
    with pytest.raises(CaseError) as caught:
        engine.evaluate(case)
    (problem,) = caught.value.problems
    assert problem.path == "submited_at" and problem.code == "extra_forbidden"
    assert problem.message_it == "'submited_at' non è un campo di questa parte del caso"
    assert problem.hint is not None and problem.hint.it == "forse intendevi 'submitted_at'?"


def test_an_unknown_field_lists_the_fields_where_none_is_near(engine: Engine) -> None:
    case = json.loads(_record())
    case["needs_analysis"]["zzz"] = 1
    with pytest.raises(CaseError) as caught:
        engine.evaluate(case)
    (problem,) = caught.value.problems
    assert problem.hint is not None
    assert problem.hint.en == (
        "remove it, or correct its name (fields here: present, reference, declared_need_posts "
        "or capacity_gap)"
    )


def test_a_json_case_file_that_is_not_json_says_where_and_what_in_plain_words(
    tmp_path: Path,
) -> None:
    case = tmp_path / "domanda.json"
    case.write_text('{"case_type": "application",\n "id": "X" "area": "assunzioni"}\n', "utf-8")
    italian = runner.invoke(app, ["evaluate", str(case), "--rules", str(RULES)])
    assert italian.exit_code == 2
    assert italian.stderr.startswith(
        f"{case}:2:12: non è JSON valido: manca una virgola (riga 2, colonna 12); "
        "come correggere: controlla le parentesi, le virgole tra i campi"
    )
    english = runner.invoke(app, ["evaluate", str(case), "--rules", str(RULES), "--lang", "en"])
    assert english.stderr.startswith(
        f"{case}:2:12: not valid JSON: a comma is missing (line 2, column 12); fix: check"
    )


def _istat_hint(engine: Engine, code: str) -> str:
    case = json.loads(_record())
    case["applicant"]["istat_code"] = code
    with pytest.raises(CaseError) as caught:
        engine.evaluate(case)
    (problem,) = caught.value.problems
    assert problem.path == "applicant.istat_code" and problem.hint is not None
    return problem.hint.en


def test_a_code_that_lost_its_leading_zero_is_given_back_only_with_it(engine: Engine) -> None:
    """63049 is 063049 (Napoli) as a spreadsheet writes it: that is the one suggestion,
    not the comuni one digit away from 63049."""
    assert _istat_hint(engine, "63049") == (
        "did you mean '063049' (Napoli)? (write the code in quotes, with its leading zeros)"
    )


def test_at_most_three_near_codes_are_suggested_those_one_swap_away_first(engine: Engine) -> None:
    """001909 is one digit away from five comuni (Druento, one swap away, first)."""
    assert _istat_hint(engine, "001909") == (
        "did you mean '001099' (Druento), '001009' (Andezeno) or '001109' (Front)?"
    )
