"""The expression language: what it accepts, how it types and folds it, what it refuses.

Through ``capcoe_rules.language.expressions.parse``, the one entry point the checker uses,
against the real application model.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from capcoe_rules.language.expressions import (
    Arithmetic,
    Const,
    ExpressionError,
    Scope,
    parse,
)
from capcoe_rules.language.types import MONEY, NUMBER, TYPE_NAMES, schema_of
from capcoe_rules.models.application import Application

SCOPE = Scope(
    {"application": schema_of(Application)},
    {"rate": NUMBER, "divisor": NUMBER, "names": TYPE_NAMES["list[text]"]},
    {"share": NUMBER, "amount": MONEY},
    nonzero_params=frozenset({"divisor"}),
)
POSTS = "application.hires.tecnico"
OTHER = "application.hires.culturale"


def refused(text: str, context: str = "condition") -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text, SCOPE, context)  # type: ignore[arg-type]
    return caught.value


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.1", Decimal("0.1")),
        ("1e-7", Decimal("0.0000001")),
        ("5e-05", Decimal("0.00005")),
        ("1_000", 1000),
        ("2.50", Decimal("2.5")),
        ("3 / 6", Decimal("0.5")),
        ("4 / 2", 2),
        ("-5", -5),
        ("- -5", 5),
        ("abs(-2.5)", Decimal("2.5")),
        ("min(3, 4, 2)", 2),
        ("max(3, 4.5)", Decimal("4.5")),
        ("2 * 3 + 1", 7),
        ("1 - 3", -2),
    ],
)
def test_numbers_are_exact_decimals_and_constants_fold(text: str, value: object) -> None:
    node = parse(text, SCOPE, "formula")
    assert isinstance(node, Const) and node.value == value and type(node.value) is type(value)


@pytest.mark.parametrize("text", ["1e999 > 0", "1e-31 > 0", "10000000000000000000000000000000 > 1"])
def test_numbers_out_of_range_are_refused(text: str) -> None:
    assert refused(text).code == "E014"


def test_true_and_false_are_booleans_in_both_spellings() -> None:
    for text in ("true", "false", "True", "not false"):
        assert parse(text, SCOPE, "condition").type.base == "bool"


# -- money -----------------------------------------------------------------------------------


def test_a_number_next_to_money_is_euros_in_cents() -> None:
    node = parse("application.amount_requested <= 150000.5", SCOPE, "condition")
    assert node.right == Const(MONEY, (1, 0), 15_000_050)  # type: ignore[attr-defined]


def test_money_times_a_number_is_money_and_a_factor_stays_a_factor() -> None:
    node = parse("application.amount_requested * 0.49", SCOPE, "formula")
    assert isinstance(node, Arithmetic) and node.type == MONEY
    assert node.right == Const(NUMBER, (1, 0), Decimal("0.49"))


def test_money_times_money_is_refused() -> None:
    assert refused("application.amount_requested * derived.amount", "formula").code == "E014"


def test_euros_with_fractions_of_cents_are_refused() -> None:
    assert refused("application.amount_requested <= 100.005").code == "E014"


# -- division guards -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"{OTHER} != 0 and {POSTS} / {OTHER} > 1",
        f"0 != {OTHER} and {POSTS} / {OTHER} > 1",
        f"{OTHER} > 0 and {POSTS} / {OTHER} > 1",
        f"{OTHER} >= 1 and {POSTS} / {OTHER} > 1",
        f"{OTHER} < 0 and {POSTS} / {OTHER} > 1",
        f"{OTHER} == 0 or {POSTS} / {OTHER} > 1",
        f"{OTHER} <= 0 or {POSTS} / {OTHER} > 1",
        f"not ({OTHER} == 0) and {POSTS} / {OTHER} > 1",
        f"({OTHER} > 0 and {POSTS} > 0) and {POSTS} / {OTHER} > 1",
        f"{OTHER} in [1, 2, 3] and {POSTS} / {OTHER} > 1",
        f"{POSTS} / params.divisor > 1",
        f"{POSTS} / 4 > 1",
        f"{POSTS} / -4 > 1",
        f"{OTHER} != 0 and {POSTS} / -{OTHER} > 1",
        f"{OTHER} != 0 and {POSTS} / ({OTHER} * 2) > 1",
    ],
)
def test_guarded_divisions_are_accepted(text: str) -> None:
    assert parse(text, SCOPE, "condition").type.base == "bool"


def test_a_choice_guards_its_branches() -> None:
    formula = f"{POSTS} / {OTHER} if {OTHER} != 0 else 0"
    assert parse(formula, SCOPE, "formula").type == NUMBER
    otherwise = f"0 if {OTHER} == 0 else {POSTS} / {OTHER}"
    assert parse(otherwise, SCOPE, "formula").type == NUMBER


@pytest.mark.parametrize(
    "text",
    [
        f"{POSTS} / {OTHER} > 1",
        f"{POSTS} / 0 > 1",
        f"{POSTS} / (1 - 1) > 1",
        f"{OTHER} >= 0 and {POSTS} / {OTHER} > 1",
        f"{OTHER} != 0 or {POSTS} / {OTHER} > 1",
        f"{POSTS} / {OTHER} > 1 and {OTHER} != 0",
        f"{OTHER} in [0, 1] and {POSTS} / {OTHER} > 1",
        f"{POSTS} / params.rate > 1",
        f"{OTHER} != 0 and {POSTS} / ({OTHER} - 1) > 1",
    ],
)
def test_unguarded_divisions_are_refused_at_the_divisor(text: str) -> None:
    error = refused(text)
    assert error.code == "E024"
    divisor = text.index(" / ") + 3  # the divisor's first character, inside any parenthesis
    assert error.at == (1, divisor + (text[divisor] == "("))


def test_a_choice_does_not_guard_the_wrong_branch() -> None:
    error = refused(f"0 if {OTHER} != 0 else {POSTS} / {OTHER}", "formula")
    assert error.code == "E024"


# -- what is refused -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "context"),
    [
        ("application.applicant.name < 'b'", "E014", "condition"),  # texts have no order
        ("application._private == 1", "E011", "condition"),
        ("min(application.hires.tecnico, 2) > 1", "E015", "condition"),
        ("min(application.hires.tecnico)", "E015", "formula"),
        ("abs(1, 2)", "E015", "formula"),
        ("application.needs_analysis.reference < 'x'", "E014", "condition"),
        ("application.submitter.delegation_reference > 1", "E014", "condition"),
        ("application.area == 'assunzion'", "E016", "condition"),
        ("application.hires.tecnico = 1", "E010", "condition"),  # the mistake '=' for '=='
        ("params.unknown > 1", "E013", "condition"),
        ("application.hires.nope > 1", "E012", "condition"),
        ("1 if true else 2", "E011", "condition"),
        ("x" * 10_001, "E025", "condition"),
        ("not " * 200 + "true", "E025", "condition"),
        ("'" + "t" * 10_001 + "' == application.id", "E025", "condition"),
    ],
)
def test_refusals_carry_their_code(text: str, code: str, context: str) -> None:
    assert refused(text, context).code == code


# -- what cannot be read, and where -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at"),
    [
        (f"{POSTS} > 0; 1", (1, 29)),  # the ';', 0-based column
        (f"{POSTS} > 0 ;", (1, 30)),
        ("(1 +\n 2))", (2, 3)),  # the second line's extra ')'
    ],
)
def test_a_syntax_error_is_placed_where_python_stops_reading(
    text: str, at: tuple[int, int]
) -> None:
    error = refused(text)
    assert (error.code, error.at) == ("E010", at)


@pytest.mark.parametrize("text", ["pass", f"assert {POSTS}", "x += 1", "del x"])
def test_a_statement_is_named_an_instruction_not_a_syntax_error(text: str) -> None:
    error = refused(text)
    assert (error.code, error.at) == ("E011", (1, 0))
    assert "not an instruction" in str(error.message)
