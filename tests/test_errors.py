"""One family of errors: every error capcoe-rules raises on purpose is a CapcoeError, with a
kind, a place and its message in Italian and English."""

from __future__ import annotations

import ast
import inspect
import pickle
from pathlib import Path

import pytest
from conftest import RULES, make_application

import capcoe_rules
from capcoe_rules import (
    CapcoeError,
    CaseError,
    Code,
    Engine,
    FieldProblem,
    Position,
    Problem,
    RecordError,
    RuleSetError,
    check_ruleset,
)
from capcoe_rules.language.problems import CODES

PACKAGE = Path(capcoe_rules.__file__).parent


def test_every_exported_error_belongs_to_the_family() -> None:
    exported = [getattr(capcoe_rules, name) for name in capcoe_rules.__all__]  # lazy names
    errors = [
        value for value in exported if inspect.isclass(value) and issubclass(value, Exception)
    ]
    assert len(errors) >= 10
    assert all(issubclass(error, CapcoeError) for error in errors), errors
    assert len({error.kind for error in errors if error is not CapcoeError}) == len(errors) - 1


def test_no_module_defines_a_public_error_outside_errors_py() -> None:
    """Errors a caller may see live in capcoe_rules/errors.py, which imports nothing of the
    package; modules keep only private signals of their own (names starting with _ or
    used internally between two functions)."""
    internal = {
        "UncomputableFactError",  # engine: a fact the reference must match instead
        "NotComputableError",  # numbers: becomes an EvaluationError
        "BodyTooLargeError",  # service: becomes a 413 answer
        "UnknownLanguageError",  # service: becomes a 422 or 406 answer
        "SourceError",  # fmt: becomes a FormatError
        "NotTranslatableError",  # analysis: becomes a "not analysed" entry
        "SolverMissingError",  # analysis: an AnalysisError
        "SelfTestError",
        "ExampleMismatchError",  # pytest plugin: the failure pytest shows
        "UnusableRuleSetError",
    }
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ClassDef)
                and node.name.endswith("Error")
                and not node.name.startswith("_")
                and node.name not in internal
            ):
                found.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert found == []


def test_the_errors_module_imports_nothing_of_the_package() -> None:
    tree = ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8"))
    imported = [
        node.module or "" if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and not [name for name in imported if name.startswith("capcoe_rules")]


def test_codes_are_named_and_described() -> None:
    assert Code.UNSAFE_DIVISION == "E024"
    assert set(CODES) == {code.value for code in Code}


def test_a_rule_set_error_carries_each_problem_with_its_place(tmp_path: Path) -> None:
    problems = check_ruleset(tmp_path / "missing")
    assert [problem.code for problem in problems] == [Code.NO_DIRECTORY]
    error = RuleSetError([Problem("r.yaml", Position(3, 7), Code.UNKNOWN_NAME, "unknown x")])
    assert isinstance(error, CapcoeError) and error.kind == "ruleset"
    assert str(error) == "r.yaml:3:7: E012 unknown x"
    assert set(error.messages()) == {"it", "en"}


def test_a_case_error_names_each_field_and_crosses_processes() -> None:
    engine = Engine.from_path(RULES)
    with pytest.raises(CaseError) as caught:
        engine.evaluate(make_application(applicant__istat_code="999999"))
    error = caught.value
    assert isinstance(error, CapcoeError) and isinstance(error, ValueError)
    assert [problem.path for problem in error.problems] == ["applicant.istat_code"]
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is CaseError and again.problems == error.problems


def test_a_record_error_is_a_value_of_the_family() -> None:
    error = RecordError(7, "X-1", (FieldProblem("id", "missing"),))
    assert isinstance(error, CapcoeError)
    assert pickle.loads(pickle.dumps(error)) == error
    assert error.to_json() == (
        '{"line": 7, "id": "X-1", "errors": [{"path": "id", "message": "missing", "code": null, '
        '"message_it": "non valido: missing", "hint": null, "hint_it": null}]}'
    )


def test_a_day_without_parameters_names_the_parameter_or_the_period_in_both_languages() -> None:
    import dataclasses  # noqa: PLC0415
    import datetime as dt  # noqa: PLC0415

    from capcoe_rules.engine.case_data import not_in_force  # noqa: PLC0415
    from capcoe_rules.language.loading import load_ruleset  # noqa: PLC0415

    ruleset = load_ruleset(RULES)
    outside = not_in_force(ruleset, ruleset.in_force_to + dt.timedelta(days=1))
    assert outside.code == "outside_period"
    assert "fuori dal periodo di vigenza" in outside.message_in("it")
    # The checker refuses a parameter with a gap: this one ends early all the same.
    name, parameter = next(iter(ruleset.parameters.items()))
    last = ruleset.in_force_to - dt.timedelta(days=1)
    ended = tuple(
        dataclasses.replace(value, to=min(value.to or last, last)) for value in parameter.values
    )
    parameters = {**ruleset.parameters, name: dataclasses.replace(parameter, values=ended)}
    shortened = dataclasses.replace(ruleset, parameters=parameters)
    problem = not_in_force(shortened, ruleset.in_force_to)
    assert problem.code == "not_in_force" and problem.path == "as_of"
    day = ruleset.in_force_to.isoformat()
    assert problem.message == f"parameter {name!r} has no value on {day}"
    assert problem.message_in("it") == f"il parametro {name!r} non ha un valore il {day}"
    assert problem.hint is not None and "values:" in problem.hint.it


def test_a_problem_says_how_to_fix_it_in_the_language_asked() -> None:
    from capcoe_rules.errors import Text  # noqa: PLC0415

    problem = Problem.of(
        "r.yaml",
        Position(3, 7),
        Code.UNKNOWN_NAME,
        Text("unknown name 'x'", "nome sconosciuto 'x'"),
        hint=Text("write 'y'", "scrivi 'y'"),
    )
    assert problem.text("en") == "r.yaml:3:7: E012 unknown name 'x'; fix: write 'y'"
    assert problem.text("it") == "r.yaml:3:7: E012 nome sconosciuto 'x'; come correggere: scrivi 'y'"
    assert str(problem) == problem.text("en")
