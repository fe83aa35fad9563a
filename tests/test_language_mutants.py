"""The language's values and numbers on their edges, stated with expected values.

What a rule file's value becomes inside the engine (``encode``), what a decision shows
(``decode``), and the one decimal arithmetic of engine and reference alike, at the places
a careless change would move: the 34-digit edge, the rounding rule, the exponent range,
the calendar's ends, the longest text and list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Literal, Optional

import pytest
from conftest import make_application, write_ruleset
from pydantic import AwareDatetime, BaseModel, computed_field
from test_checker import RULE_HEAD, only, problems_for

from capcoe_rules import Engine, ReferenceEvaluator, check_ruleset
from capcoe_rules.language.checker import content_hash, load_ruleset, read_sources
from capcoe_rules.language.numbers import (
    NotComputableError,
    absolute,
    add,
    divide,
    multiply,
    negate,
    normalise,
    subtract,
)
from capcoe_rules.language.problems import Position
from capcoe_rules.language.types import (
    BOOL,
    DATE,
    DATETIME,
    MONEY,
    NULL,
    NUMBER,
    TEXT,
    Type,
    schema_of,
)
from capcoe_rules.language.values import MAX_ITEMS, MAX_TEXT, decode, encode, to_decimal
from capcoe_rules.language.yaml_source import load_yaml
from capcoe_rules.models.money import Money

E34 = 10**34


@pytest.mark.parametrize(
    ("computed", "expected"),
    [
        (lambda: add(E34 - 2, 1), E34 - 1),  # 34 digits: exact
        (lambda: add(E34, 1), E34),  # 35 digits: rounded to 34
        (lambda: add(E34, 5), E34),  # half to even (0)
        (lambda: add(E34 + 10, 5), E34 + 20),  # half to even (2)
        (lambda: subtract(-E34, 1), -E34),
        (lambda: add(-E34, -1), -E34),  # below -10^34 too
        (lambda: add(Decimal("1.0"), 1), 2),  # a whole decimal is an integer
        (lambda: subtract(Decimal("3.0"), 1), 2),
        (lambda: multiply(Decimal("0.5"), 2), 1),
        (lambda: negate(Decimal("-2.0")), 2),
        (lambda: absolute(Decimal("-2.0")), 2),
        (lambda: multiply(-(10**17 + 1), 10**17 + 1), -(E34 + 2 * 10**17)),
        (lambda: negate(-(E34 + 1)), E34),
        (lambda: absolute(E34 + 1), E34),
        (lambda: subtract(1 - E34, 1), 1 - E34 - 1),
        (lambda: multiply(10**17 + 1, 10**17 + 1), E34 + 2 * 10**17),
        (lambda: multiply(10**17, 10**16), 10**33),
        (lambda: negate(E34 + 1), -E34),
        (lambda: negate(E34 - 1), 1 - E34),
        (lambda: absolute(-(E34 + 1)), E34),
        (lambda: absolute(1 - E34), E34 - 1),
        (lambda: divide(1, 3), Decimal("0." + "3" * 34)),
        (lambda: divide(6, 3), 2),
        (lambda: add(Decimal("0.1"), Decimal("0.2")), Decimal("0.3")),
        (lambda: add(Decimal("0.5"), Decimal("0.5")), 1),
    ],
)
def test_arithmetic_on_the_34_digit_edge(computed: Callable[[], object], expected: object) -> None:
    value = computed()  # computed in the test, not while collecting it
    # A whole result of 35 digits or more stays a 34-digit decimal (numbers.normalise).
    whole_and_short = isinstance(expected, int) and abs(expected) < E34
    kind = int if whole_and_short else Decimal
    assert value == expected and type(value) is kind


def test_what_has_no_decimal_result_raises() -> None:
    with pytest.raises(NotComputableError):
        divide(1, 0)
    with pytest.raises(NotComputableError):
        multiply(Decimal("9e999999"), 10)


def test_whole_decimals_are_integers() -> None:
    assert normalise(Decimal("2.0")) == 2 and type(normalise(Decimal("2.0"))) is int
    assert type(normalise(Decimal("2.5"))) is Decimal
    assert type(normalise(7)) is int


@pytest.mark.parametrize(
    ("value", "type_", "engine"),
    [
        (Decimal("1.5"), MONEY, 150),
        ("0.01", MONEY, 1),
        (0.49, NUMBER, Decimal("0.49")),
        ("2.0", NUMBER, 2),
        (0, NUMBER, 0),
        ("1e30", NUMBER, 10**30),
        ("1e-30", NUMBER, Decimal("1e-30")),
        ("x" * MAX_TEXT, TEXT, "x" * MAX_TEXT),
        ("comune", Type("text", values=frozenset({"comune"})), "comune"),
        (True, BOOL, True),
        ("2024-01-30", DATE, "2024-01-30"),
        (dt.date(1900, 1, 1), DATE, "1900-01-01"),
        ("2200-12-31", DATE, "2200-12-31"),
        ("2023-11-30T12:00:00+01:00", DATETIME, "2023-11-30T11:00:00.000000Z"),
        (["a"] * MAX_ITEMS, Type("list", item=TEXT), ("a",) * MAX_ITEMS),
        (("1", 2), Type("list", item=NUMBER), (1, 2)),
        (None, Type("number", nullable=True), None),
        (None, NULL, None),
    ],
)
def test_values_are_encoded_for_the_engine(value: object, type_: Type, engine: object) -> None:
    encoded = encode(value, type_)
    assert encoded == engine and type(encoded) is type(engine)


@pytest.mark.parametrize(
    ("value", "type_", "message"),
    [
        (None, NUMBER, "a value is required"),
        ("1.005", MONEY, "more than two decimals"),
        (True, NUMBER, "is not a number"),
        ([1], NUMBER, "is not a number"),
        ("abc", NUMBER, "is not a number"),
        ("NaN", NUMBER, "not a finite number"),
        ("1e31", NUMBER, "out of range"),
        ("1e-31", NUMBER, "out of range"),
        (3, TEXT, "is not text"),
        ("x" * (MAX_TEXT + 1), TEXT, "at most 100,000"),
        ("regione", Type("text", values=frozenset({"comune"})), "is not one of"),
        (1, BOOL, "is not true or false"),
        (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), DATE, "is not a date"),
        (20240101, DATE, "is not a date"),
        ("1899-12-31", DATE, "outside 1900-2200"),
        ("2201-01-01", DATE, "outside 1900-2200"),
        ("2023-11-30T12:00:00", DATETIME, "has no time zone"),
        ("1899-12-31T23:00:00+00:00", DATETIME, "outside 1900-2200"),
        (dt.date(2024, 1, 1), DATETIME, "is not a date and time"),
        ("a", Type("list", item=TEXT), "is not a list"),
        (["a"] * (MAX_ITEMS + 1), Type("list", item=TEXT), "at most 10,000"),
        (["a", 3], Type("list", item=TEXT), "is not text"),
    ],
)
def test_values_that_cannot_be_encoded_say_why(value: object, type_: Type, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode(value, type_)


def test_to_decimal_reads_a_float_as_written() -> None:
    assert to_decimal(0.1) == Decimal("0.1") and to_decimal("0") == 0


@pytest.mark.parametrize(
    ("engine", "type_", "shown"),
    [
        (150, MONEY, Decimal("1.50")),
        ("2024-01-30", DATE, dt.date(2024, 1, 30)),
        ("2023-11-30T11:00:00.000000Z", DATETIME, dt.datetime(2023, 11, 30, 11, tzinfo=dt.UTC)),
        ((150, 2), Type("list", item=MONEY), [Decimal("1.50"), Decimal("0.02")]),
        (None, MONEY, None),
        ("x", TEXT, "x"),
    ],
)
def test_values_are_shown_as_decisions_show_them(
    engine: object, type_: Type, shown: object
) -> None:
    decoded = decode(engine, type_)
    assert decoded == shown and type(decoded) is type(shown)
    if isinstance(shown, Decimal):
        assert str(decoded) == str(shown)  # two decimals, always


@pytest.mark.parametrize(
    ("written", "accepted"),
    [("1e30", True), ("1e31", False), ("1e-30", True), ("1e-31", False), ("0.000", True)],
)
def test_numbers_in_expressions_lie_within_ten_to_the_thirty(
    tmp_path: Path, written: str, accepted: bool
) -> None:
    text = RULE_HEAD + f"    require: application.hires.tecnico < {written}\n"
    problems = problems_for(tmp_path, text)
    if accepted:
        assert problems == []
    else:
        problem = only(problems)
        assert problem.code == "E014" and "out of range" in problem.message


# -- types: what a rule may read from a case model --------------------------------------


class Inner(BaseModel):
    count: int


class Sample(BaseModel):
    flag: bool
    count: int
    rate: Decimal
    amount: Money
    name: str
    kind: Literal["a", "b"]
    when: dt.datetime
    aware: AwareDatetime
    day: dt.date
    maybe: int | None = None
    optional_day: Optional[dt.date] = None  # noqa: UP045 (the older spelling is read too)
    tags: list[str] = []
    inner: Inner

    @computed_field  # type: ignore[prop-decorator]
    @property
    def doubled(self) -> int:
        return 2 * self.count


def test_a_case_model_becomes_the_names_rules_read() -> None:
    schema = schema_of(Sample)
    assert schema == {
        "flag": BOOL,
        "count": NUMBER,
        "rate": NUMBER,
        "amount": MONEY,
        "name": TEXT,
        "kind": Type("text", values=frozenset({"a", "b"})),
        "when": DATETIME,
        "aware": DATETIME,
        "day": DATE,
        "maybe": Type("number", nullable=True),
        "optional_day": Type("date", nullable=True),
        "tags": Type("list", item=TEXT),
        "inner": {"count": NUMBER},
        "doubled": NUMBER,
    }


class TwoKinds(BaseModel):
    either: int | str


class OptionalModel(BaseModel):
    inner: Inner | None = None


class ModelList(BaseModel):
    items: list[Inner]


class Strange(BaseModel):
    value: complex


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (TwoKinds, "unsupported union"),
        (OptionalModel, "an optional nested model"),
        (ModelList, "lists of models"),
        (Strange, "unsupported field type"),
    ],
)
def test_fields_rules_cannot_read_are_refused(model: type[BaseModel], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        schema_of(model)


def test_types_print_as_policy_staff_write_them() -> None:
    assert str(Type("list", item=TEXT)) == "list[text]"
    assert str(Type("number", nullable=True)) == "number or null"
    assert Type("list", item=TEXT).same_kind(Type("list", item=TEXT))
    assert not Type("list", item=TEXT).same_kind(Type("list", item=NUMBER))
    assert not TEXT.same_kind(NUMBER)
    closed = Type("text", values=frozenset({"a"}), nullable=True)
    assert closed.plain() == TEXT and closed.same_kind(TEXT)


# -- YAML with positions -------------------------------------------------------------------


def test_yaml_keeps_the_position_of_every_key_and_value() -> None:
    text = "a: 1\nb:\n  - x\n  - {c: 'q'}\n"
    document, problems = load_yaml(text, "f.yaml")
    assert problems == [] and document is not None
    assert document.data == {"a": 1, "b": ["x", {"c": "q"}]}
    source = document.source
    assert source.value(("a",)) == Position(1, 4) and source.key(("a",)) == Position(1, 1)
    assert source.value(("b", 1, "c")) == Position(4, 9)
    assert source.key(("b", 1, "c")) == Position(4, 6)
    assert source.value(("b", 0)) == Position(3, 5)
    assert source.value(("b", 7, "nothing")) == Position(3, 3)  # the nearest enclosing value
    assert source.key(("zz",)) == Position(1, 1)
    assert source.styles[("b", 1, "c")] == "'" and source.styles[("a",)] is None


def test_yaml_problems_are_placed() -> None:
    document, problems = load_yaml("a: 1\na: 2\n", "f.yaml")
    assert document is not None and document.data == {"a": 2}
    assert [(p.code, p.position) for p in problems] == [("E005", Position(2, 1))]
    broken, problems = load_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert broken is None and [p.code for p in problems] == ["E001"]
    assert problems[0].position.line == 2 and problems[0].message == "a list in [ ] is not closed"
    empty, problems = load_yaml("", "f.yaml")
    assert empty is not None and empty.data == {} and problems == []
    bad, problems = load_yaml("a: !!python/object:os.system x\n", "f.yaml")
    assert bad is not None and bad.data == {"a": None}
    assert [(p.code, p.position) for p in problems] == [("E008", Position(1, 4))]


# -- expressions: what is refused, and where a division is safe ---------------------------

APP = "application"
T, C = f"{APP}.hires.tecnico", f"{APP}.hires.culturale"
GUARD_PARAMETERS = """\
parameters:
  never_zero:
    title: {it: Mai zero}
    basis: prova
    provenance: assumption
    type: number
    values:
      - {from: 2021-01-01, to: 2022-12-31, value: 2}
      - {from: 2023-01-01, value: -1}
  sometimes_zero:
    title: {it: A volte zero}
    basis: prova
    provenance: assumption
    type: number
    values:
      - {from: 2021-01-01, to: 2022-12-31, value: 2}
      - {from: 2023-01-01, value: 0}
"""


def check(tmp_path: Path, key: str, expression: str) -> list[str]:
    """Problem codes of a rule with ``key: expression`` (``require`` or ``value``), beside
    a parameter that is never zero and one that is zero from 2023."""
    rule = RULE_HEAD.removeprefix("case: application\n")
    text = "case: application\n" + GUARD_PARAMETERS + rule
    if key == "value":
        text += f"    derive: x\n    value: {json.dumps(expression)}\n"
    else:
        text += f"    require: {json.dumps(expression)}\n"
    return [problem.code for problem in problems_for(tmp_path, text)]


@pytest.mark.parametrize(
    ("key", "expression", "codes"),
    [
        ("require", f"{C} != 0 and {T} / {C} > 1", []),
        ("require", f"{C} == 0 or {T} / {C} > 1", []),
        ("require", f"not ({C} == 0) and {T} / {C} > 1", []),
        ("require", f"{C} > 0 and {T} / {C} > 1", []),
        ("require", f"{C} >= 1 and {T} / {C} > 1", []),
        ("require", f"{C} >= 0 and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} < 0 and {T} / {C} > 1", []),
        ("require", f"{C} <= -1 and {T} / {C} > 1", []),
        ("require", f"{C} <= 0 and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} > -1 and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} < 1 and {T} / {C} > 1", ["E024"]),
        ("require", f"0 < {C} and {T} / {C} > 1", []),
        ("require", f"0 > {C} and {T} / {C} > 1", []),
        ("require", f"0 <= {C} and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} == 3 and {T} / {C} > 1", []),
        ("require", f"{C} == 0 and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} != 0 or {T} / {C} > 1", ["E024"]),
        ("require", f"({C} != 0 and {T} > 0) and {T} / {C} > 1", []),
        ("require", f"({C} != 0 or {T} > 0) and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} in [1, 2] and {T} / {C} > 1", []),
        ("require", f"{C} in [0, 1] and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} in [] and {T} / {C} > 1", ["E024"]),
        ("require", f"{C} not in [1, 2] or {T} / {C} > 1", []),
        ("require", f"{C} not in [0] and {T} / {C} > 1", ["E024"]),
        ("require", f"0 < {C} < {T} / {C}", []),
        ("require", f"{T} / {C} > 1 and {C} != 0", ["E024"]),
        ("require", f"{T} / 2 > 1", []),
        ("require", f"{T} / 0 > 1", ["E024"]),
        ("require", f"{T} / -{C} > 1 or {C} == 0", ["E024"]),
        ("require", f"{C} != 0 and {T} / -{C} > 1", []),
        ("require", f"{T} / params.never_zero > 1", []),
        ("require", f"{T} / -params.never_zero > 1", []),
        ("require", f"{T} / params.sometimes_zero > 1", ["E024"]),
        ("require", f"{T} / (params.never_zero * 2) > 1", []),
        ("require", f"{T} / (params.never_zero * {C}) > 1", ["E024"]),
        ("require", f"{T} / (params.never_zero / {C}) > 1", ["E024"]),
        ("require", f"{C} != 0 and {T} / (params.never_zero / {C}) > 1", []),
        ("value", f"{T} / {C} if {C} != 0 else 0", []),
        ("value", f"0 if {C} == 0 else {T} / {C}", []),
        ("value", f"{T} / {C} if {C} == 0 else 0", ["E024"]),
        ("value", "0 / 0 if 1 == 2 else 1", ["E024"]),
        ("value", "0 / 0 if 0 != 0 else 1", []),  # folded only where computable
    ],
)
def test_a_division_is_safe_only_where_a_guard_proves_its_divisor_nonzero(
    tmp_path: Path, key: str, expression: str, codes: list[str]
) -> None:
    assert check(tmp_path, key, expression) == codes


@pytest.mark.parametrize(
    ("key", "expression", "code", "words"),
    [
        ("require", f"{APP}._private == 1", "E011", "starting with '_'"),
        ("require", "_x == 1", "E011", "starting with '_'"),
        ("require", f"{APP}.area < 'zz'", "E014", "have no order"),
        ("require", f"{APP}.submitter.delegation_reference < 'a'", "E014", "have no order"),
        (
            "require",
            f"min({T}, {C}) > 1",
            "E015",
            "can be used in a derived value, not in a condition",
        ),
        ("value", f"min({T})", "E015", "wrong number of values given to"),
        ("value", f"abs({T}, {C})", "E015", "wrong number of values given to"),
        ("value", "abs()", "E015", "wrong number of values given to"),
        ("value", f"max({T}, {APP}.amount_requested)", "E014", "of one kind"),
        ("value", f"min({APP}.area, {APP}.area)", "E014", "of one kind"),
        ("value", f"{APP}.amount_requested * {APP}.amount_requested", "E014", "money * money"),
        ("value", f"{APP}.amount_requested / {APP}.hires.tecnico if {T} != 0 else 0", "", ""),
        (
            "value",
            f"{T} / {APP}.amount_requested if {APP}.amount_requested != 0 else 0",
            "E014",
            "number / money",
        ),
        ("value", f"{APP}.amount_requested + 1.001", "E014", "at most two decimals"),
        ("value", f"{APP}.amount_requested + {T}", "E014", "money + number"),
        ("value", f"-{APP}.area", "E014", "cannot negate"),
        ("value", f"{APP}.area + 'x'", "E014", "arithmetic needs numbers"),
        ("value", f"{APP}.submitter.delegation_reference if true else 'a'", "", ""),
        ("value", f"1 if {T} else 2", "E014", "expected a condition"),
        ("value", f"1 if {T} > 1 else 'a'", "E014", "both branches need one type"),
        ("require", f"1 if {T} > 1 else 2", "E011", "not in a condition"),
        ("require", f"{T} == None", "E014", "is never null"),
        ("require", f"{T} < None", "E014", "is never null"),
        ("require", f"{APP}.submitter.delegation_reference < None", "E014", "never null"),
        ("require", f"{APP}.hires < 1", "E012", "group of fields"),
        ("require", f"{APP}.area in 'x'", "E014", "needs a list"),
        ("require", f"{T} in ['a']", "E014", "cannot look for"),
        ("require", f"{APP}.area in ['assunzioni', 'nessuna']", "E016", "is not a value"),
        ("require", "[1, 'a'] == [1]", "E014", "one type"),
        ("require", f"{T} in [1, {C}]", "E011", "only hold constants"),
        ("require", f"{T} is 1", "E011", "comparison is not allowed"),
        ("require", "date('2024-13-01') < date('2024-01-01')", "E015", "date("),
        ("require", "date(2024) < date('2024-01-01')", "E015", "takes one text"),
        ("require", f"date('2024-01-01', 'x') < {APP}.submitted_at", "E015", "takes one text"),
        ("require", "len('x') == 1", "E011", "the function len() does not exist in rules"),
        ("require", f"{APP}.area.upper() == 'X'", "E011", "only named functions"),
        ("require", f"min({T}, key=1) > 0", "E015", "takes no 'name=value' arguments"),
        ("require", f"{T} ** 2 > 1", "E011", "this operator is not allowed here"),
        ("require", f"~{T} > 1", "E011", "this operator is not allowed here"),
        ("require", "b'x' == b'x'", "E011", "constant b'x' is not allowed"),
        ("require", f"{T} == 1 == 1.0", "", ""),
        ("require", f"-{T} < -5", "", ""),
    ],
)
def test_what_the_language_refuses_and_why(
    tmp_path: Path, key: str, expression: str, code: str, words: str
) -> None:
    body = RULE_HEAD + (
        f"    derive: x\n    value: {json.dumps(expression)}\n"
        if key == "value"
        else f"    require: {json.dumps(expression)}\n"
    )
    problems = problems_for(tmp_path, body)
    if not code:
        assert problems == []
        return
    problem = only(problems)
    assert problem.code == code and words in problem.message, str(problem)


# -- the checker: where each problem is placed ----------------------------------------------


@pytest.mark.parametrize(
    ("written", "line", "column"),
    [
        ("require: application.hires.tecnico > params.nope\n", 7, 42),
        ('require: "application.hires.tecnico > params.nope"\n', 7, 43),
        ("require: 'application.hires.tecnico > params.nope'\n", 7, 43),
        ("require: >-\n      application.hires.tecnico > 0\n      and params.nope\n", 9, 11),
        ("require: |-\n      (application.hires.tecnico > 0\n      and params.nope)\n", 9, 11),
        ("require: application.hires.tecnico > 0\n      and params.nope\n", 8, 11),
        ('require: "application.hires.tecnico\n      > params.nope"\n', 8, 9),
        # An escape the walk cannot follow (\x41 is A): placed on the scalar's line.
        ('require: "params.nope == \\x41"\n', 7, 15),
    ],
)
def test_a_problem_in_an_expression_is_placed_where_it_is_written(
    tmp_path: Path, written: str, line: int, column: int
) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    " + written))
    assert (problem.code, problem.position) == ("E013", Position(line, column)), str(problem)


PERIOD_PARAMETER = """\
parameters:
  p:
    title: {it: P}
    basis: prova
    provenance: assumption
    type: number
    values:
"""


@pytest.mark.parametrize(
    ("values", "gaps"),
    [
        (["{from: 2021-01-01, value: 1}"], []),
        (["{from: 2021-01-02, value: 1}"], ["2021-01-01 to 2021-01-01"]),
        (["{from: 2021-01-01, to: 2029-12-30, value: 1}"], ["2029-12-31 to 2029-12-31"]),
        (["{from: 2021-01-01, to: 2029-12-31, value: 1}"], []),
        (
            ["{from: 2021-01-01, to: 2023-12-30, value: 1}", "{from: 2024-01-01, value: 2}"],
            ["2023-12-31 to 2023-12-31"],
        ),
        (
            ["{from: 2021-01-01, to: 2023-12-31, value: 1}", "{from: 2024-01-01, value: 2}"],
            [],
        ),
        (["{from: 2030-01-01, value: 1}"], ["2021-01-01 to 2029-12-31"]),
        (["{from: 2020-01-01, to: 2020-12-31, value: 1}"], ["2021-01-01 to 2029-12-31"]),
        (
            ["{from: 2021-01-01, to: 2029-12-30, value: 1}", "{from: 2030-01-01, value: 2}"],
            ["2029-12-31 to 2029-12-31"],
        ),
    ],
)
def test_every_day_without_a_value_is_named(
    tmp_path: Path, values: list[str], gaps: list[str]
) -> None:
    """The rule set is in force from 2021-01-01 to 2029-12-31 (conftest's MANIFEST)."""
    text = "case: application\n" + PERIOD_PARAMETER + "".join(f"      - {v}\n" for v in values)
    problems = problems_for(tmp_path, text)
    assert all(problem.code == "E021" for problem in problems), problems
    assert [p.message.split(" from ", 1)[1].split(",")[0] for p in problems] == gaps


def test_derived_values_are_computed_after_what_they_read(tmp_path: Path) -> None:
    rules = RULE_HEAD.removeprefix("case: application\nrules:\n")
    text = "case: application\nrules:\n"
    for rule_id, derive, value in [
        ("R-C", "c", "derived.b + 1"),
        ("R-B", "b", "derived.a * 2"),
        ("R-A", "a", "application.hires.tecnico"),
        ("R-D", "d", "derived.c + derived.a"),
    ]:
        text += rules.replace("R-ONE", rule_id) + f"    derive: {derive}\n    value: {value}\n"
    text += rules.replace("R-ONE", "R-REQ") + "    require: derived.d > 0\n"
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": text})
    ruleset = load_ruleset(directory)
    rules_by_id = {rule.id: rule for rule in ruleset.cases["application"].rules}
    assert {rule_id: rule.stratum for rule_id, rule in rules_by_id.items()} == {
        "R-A": 0,
        "R-B": 1,
        "R-C": 2,
        "R-D": 3,
        "R-REQ": 4,
    }
    order = [rule.id for rule in ruleset.cases["application"].derivations]
    assert order.index("R-A") < order.index("R-B") < order.index("R-C") < order.index("R-D")
    decision = Engine(ruleset).evaluate(make_application())
    assert decision.derived == {"c": 13, "b": 12, "a": 6, "d": 19}


def test_a_cycle_names_every_value_on_it_and_only_those(tmp_path: Path) -> None:
    rules = RULE_HEAD.removeprefix("case: application\nrules:\n")
    text = "case: application\nrules:\n"
    for rule_id, derive, value in [
        ("R-A", "a", "derived.b + 1"),
        ("R-B", "b", "derived.a + 1"),
        ("R-C", "c", "derived.a + 1"),
        ("R-E", "e", "2 + 1"),
    ]:
        text += rules.replace("R-ONE", rule_id) + f"    derive: {derive}\n    value: {value}\n"
    problems = problems_for(tmp_path, text)
    cycles = [p for p in problems if p.code == "E017"]
    assert sorted(p.message.split("'")[1] for p in cycles) == ["a", "b"]
    assert all("through a, b" in p.message for p in cycles)


def test_rule_files_are_read_in_order_with_yml_too(tmp_path: Path) -> None:
    directory = write_ruleset(
        tmp_path / "rs",
        {
            "b/r.yml": RULE_HEAD.replace("R-ONE", "R-YML") + "    require: 'true'\n",
            "a/r.yaml": RULE_HEAD + "    require: 'true'\n",
            "notes.txt": "not a rule file",
        },
    )
    assert list(read_sources(directory).texts) == ["a/r.yaml", "b/r.yml", "ruleset.yaml"]
    ruleset = load_ruleset(directory)
    assert [rule.id for rule in ruleset.cases["application"].rules] == ["R-ONE", "R-YML"]
    assert ruleset.content_hash == content_hash(read_sources(directory).texts)
    assert ruleset.content_hash.startswith("sha256:") and len(ruleset.content_hash) == 71
    changed = dict(
        read_sources(directory).texts, **{"a/r.yaml": RULE_HEAD + "    require: 'false'\n"}
    )
    assert content_hash(changed) != ruleset.content_hash
    assert [p.code for p in read_sources(tmp_path / "nothing").problems] == ["E031"]


@pytest.mark.parametrize(
    ("expression", "word"),
    [
        ("await application.area", "await is not allowed"),
        ("(yield) == 1", "yield is not allowed"),
        ("{1, 2} == {1}", "a set is not allowed"),
        ('f"{application.area}" == "x"', "an f-string is not allowed"),
        ("{'a': 1} == 1", "a dictionary is not allowed"),
        ("(x := 1) == 1", "assignment (:=) is not allowed"),
        ("[1, 2][0:1] == [1]", "indexing ([...]) is not allowed"),
        ("[y for y in [1]] == [1]", "a comprehension is not allowed"),
        ("{y for y in [1]} == 1", "a comprehension is not allowed"),
        ("lambda: 1", "lambda is not allowed"),
    ],
)
def test_each_forbidden_construct_is_named(tmp_path: Path, expression: str, word: str) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + f"    require: {json.dumps(expression)}\n"))
    assert problem.code == "E011" and word in problem.message, str(problem)


@pytest.mark.parametrize(
    ("expression", "code"),
    [
        ("application.applicant.name == '" + "x" * 9_968 + "'", None),  # 10,000 characters
        ("application.applicant.name == '" + "x" * 9_969 + "'", "E025"),
        ("(" * 97 + "application.hires.tecnico" + ")" * 97 + " > 1", None),
        # The comparison, 95 minus signs, then the name's 4 levels: 100 deep, then 101.
        ("-" * 95 + "application.hires.tecnico > 1", None),
        ("-" * 96 + "application.hires.tecnico > 1", "E025"),
        ("-" * 5000 + "1 > 0", "E025"),  # deeper than Python's own parser goes
    ],
)
def test_the_longest_and_deepest_expressions(
    tmp_path: Path, expression: str, code: str | None
) -> None:
    problems = problems_for(tmp_path, RULE_HEAD + f"    require: {json.dumps(expression)}\n")
    if code is None:
        assert problems == []
    else:
        assert [problem.code for problem in problems] == [code]


def test_a_number_is_read_as_written_not_as_a_float(tmp_path: Path) -> None:
    rules = RULE_HEAD.removeprefix("case: application\nrules:\n")
    text = (
        "case: application\nrules:\n"
        + rules
        + ("    derive: x\n    value: application.hires.tecnico * 0.12345678901234567890123\n")
    )
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": text})
    decision = Engine.from_path(directory).evaluate(make_application())
    assert decision.derived["x"] == Decimal("0.74074073407407407340738")


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ("5 < application.hires.tecnico", "met"),
        ("6 < application.hires.tecnico", "not_met"),
        ("6 <= application.hires.tecnico", "met"),
        ("7 <= application.hires.tecnico", "not_met"),
        ("7 > application.hires.tecnico", "met"),
        ("6 > application.hires.tecnico", "not_met"),
        ("6 >= application.hires.tecnico", "met"),
        ("5 >= application.hires.tecnico", "not_met"),
        ("6 == application.hires.tecnico", "met"),
        ("6 != application.hires.tecnico", "not_met"),
        ("5 != application.hires.tecnico", "met"),
    ],
)
def test_a_constant_on_the_left_compares_as_written(
    tmp_path: Path, condition: str, status: str
) -> None:
    """Each comparison mirrored (``5 < x`` is ``x > 5``), as a requirement and, negated, as
    a ``when``: the technical posts are 6."""
    rules = RULE_HEAD.removeprefix("case: application\nrules:\n")
    text = (
        "case: application\nrules:\n"
        + rules
        + f"    require: {json.dumps(condition)}\n"
        + rules.replace("R-ONE", "R-WHEN")
        + f"    when: {json.dumps(condition)}\n"
        + "    require: 'false'\n"
    )
    engine = Engine.from_path(write_ruleset(tmp_path / "rs", {"r.yaml": text}))
    for decider in (engine, ReferenceEvaluator(engine.ruleset)):
        decision = decider.evaluate(make_application())
        assert decision.finding("R-ONE").status == status
        assert decision.finding("R-WHEN").status == (
            "not_met" if status == "met" else "not_applicable"
        )


MILESTONE_HEAD = RULE_HEAD.replace("case: application", "case: milestone")


@pytest.mark.parametrize(
    ("head", "expression", "code", "words"),
    [
        (RULE_HEAD, "'abc'.upper == 1", "E011", "a field can only be read from a name such as"),
        (RULE_HEAD, "applicazione.area == 'x'", "E012", "unknown name 'applicazione'"),
        (RULE_HEAD, "params.a.b == 1", "E012", "write params.NAME"),
        (MILESTONE_HEAD, "milestone.date_achieved < date('2024-01-01')", "E014", "may be null"),
        (MILESTONE_HEAD, "date('2024-01-01') > milestone.date_achieved", "E014", "may be null"),
        (MILESTONE_HEAD, "milestone.date_achieved == None", "", ""),
    ],
)
def test_names_and_null_are_checked(
    tmp_path: Path, head: str, expression: str, code: str, words: str
) -> None:
    found = problems_for(tmp_path, head + f"    require: {json.dumps(expression)}\n")
    problems = [p for p in found if p.code != "E051"]  # milestone rules, no payment: here
    if not code:
        assert problems == []
        return
    problem = only(problems)
    assert problem.code == code and words in problem.message, str(problem)


def test_money_divided_by_money_is_a_number(tmp_path: Path) -> None:
    amount = "application.amount_requested"
    text = RULE_HEAD + f"    derive: x\n    value: {amount} / {amount} if {amount} != 0 else 0\n"
    text += RULE_HEAD.removeprefix("case: application\nrules:\n").replace("R-ONE", "R-TWO")
    text += "    require: derived.x == 1\n"
    directory = write_ruleset(tmp_path / "rs", {"r.yaml": text})
    ruleset = load_ruleset(directory)
    assert ruleset.cases["application"].derived_types["x"] == NUMBER
    decision = Engine(ruleset).evaluate(make_application())
    assert decision.derived["x"] == 1 and decision.finding("R-TWO").status == "met"


def test_a_rule_file_that_is_not_a_mapping_is_refused_at_its_start(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, "- a\n- b\n"))
    assert (problem.code, problem.position) == ("E003", Position(1, 1))
    assert "a rule file is a mapping" in problem.message


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("case: application\nrulez: []\n", ["parameters", "tables", "rules"]),
        (RULE_HEAD + "    requires: 'true'\n", ["basis", "require", "when", "derive"]),
        (RULE_HEAD + "    title: {it: a, de: b}\n", ["it", "en"]),
    ],
)
def test_an_unknown_key_names_the_keys_allowed_there(
    tmp_path: Path, text: str, allowed: list[str]
) -> None:
    problem = next(p for p in problems_for(tmp_path, text) if p.code == "E002")
    hint = problem.message.split("(allowed: ", 1)[1]
    assert all(key in hint.split(", ") or key + ")" in hint for key in allowed), problem.message


@pytest.mark.parametrize(
    ("values", "first"),
    [
        (["{from: 2021-01-02, to: 2021-01-01, value: 1}"], "'to' 2021-01-01 is before 'from'"),
        (
            ["{from: 2021-01-01, to: 2024-01-01, value: 1}", "{from: 2024-01-01, value: 2}"],
            "overlaps the one in force until 2024-01-01",
        ),
        (
            ["{from: 2022-01-01, value: 1}", "{from: 2021-01-01, value: 2}"],
            "values out of order",
        ),
        (["{from: 2021-01-01, value: abc}"], "'abc' is not a number"),
    ],
)
def test_a_parameter_with_bad_values_is_one_problem_not_one_per_rule_reading_it(
    tmp_path: Path, values: list[str], first: str
) -> None:
    text = "case: application\n" + PERIOD_PARAMETER + "".join(f"      - {v}\n" for v in values)
    text += RULE_HEAD.removeprefix("case: application\n") + "    require: params.p > 0\n"
    problems = problems_for(tmp_path, text)
    # One mistake, one problem: the rule reading the parameter is not reported again.
    assert [p.code for p in problems] == ["E022" if "not a number" in first else "E020"], problems
    assert first in problems[0].message


def test_a_value_of_the_wrong_kind_in_a_rule_is_placed_with_its_path(tmp_path: Path) -> None:
    problem = only(problems_for(tmp_path, RULE_HEAD + "    require: [1]\n"))
    assert (problem.code, problem.position) == ("E003", Position(7, 14))
    assert (
        problem.message
        == "'require' starts with '[', so YAML reads it as a list, not an expression"
    )
    assert problem.hint is not None and "double quotes" in problem.hint.en


def table(name: str, key: str, columns: str, rows: list[str]) -> str:
    return (
        f"  {name}:\n    title: {{it: T}}\n    basis: x\n    provenance: assumption\n"
        f"    key: {key}\n    columns: {{{columns}}}\n    rows:\n"
        + "".join(f"      - {row}\n" for row in rows)
    )


LOOKUP_MANIFEST = """\
name: mini
version: "1"
title: {it: Regole di prova}
in_force: {from: 2021-01-01, to: 2029-12-31}
lookups:
  g: {table: good, key: application.area}
"""


def table_problems(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, str]]:
    """Problems of the rule files; the manifest looks rows up in table 'good'."""
    directory = write_ruleset(tmp_path / "rs", files, manifest=LOOKUP_MANIFEST)
    return [(Path(p.file).name, p.code, p.message) for p in check_ruleset(directory)]


def test_tables_are_checked_one_by_one_and_row_by_row(tmp_path: Path) -> None:
    good = table("good", "code", "code: text, n: number", ["{code: a, n: 1}", "{code: b, n: 2}"])
    files = {
        "a.yaml": "tables:\n"
        + table("twice", "code", "code: text", ["{code: a}"])
        + table("numeric_key", "n", "n: number", ["{n: 1}"])
        + table("missing_key", "nope", "code: text", ["{code: a}"])
        + table(
            "rows",
            "code",
            "code: text, n: number",
            [
                "{code: a, n: x}",
                "{code: a, extra: 1}",
                "{code: b}",
                "{code: c, n: 1}",
                "{code: c, n: 2}",
            ],
        ),
        "b.yaml": "tables:\n" + table("twice", "code", "code: text", ["{code: a}"]) + good,
    }
    problems = table_problems(tmp_path, files)
    assert [(file, code) for file, code, _ in problems] == [
        ("a.yaml", "E022"),  # numeric_key: the key must be a text column
        ("a.yaml", "E022"),  # missing_key
        ("a.yaml", "E022"),  # rows: n is not a number
        ("a.yaml", "E002"),  # rows: unknown column
        ("a.yaml", "E003"),  # rows: no n
        ("a.yaml", "E018"),  # rows: two rows keyed c
        ("b.yaml", "E018"),  # twice, again
    ], problems
    messages = [message for _, _, message in problems]
    assert "key 'n' must be one of its text columns" in messages[0]
    assert "key 'nope' must be one of its text columns" in messages[1]
    assert "two rows with key 'c'" in messages[5]
    assert "table 'twice' is defined twice" in messages[6]


def test_a_lookup_whose_key_is_wrong_is_refused_in_the_manifest(tmp_path: Path) -> None:
    manifest = LOOKUP_MANIFEST.replace("key: application.area", "key: application.nope")
    good = table("good", "code", "code: text", ["{code: a}"])
    directory = write_ruleset(tmp_path / "rs", {"a.yaml": "tables:\n" + good}, manifest=manifest)
    (problem,) = check_ruleset(directory)
    assert Path(problem.file).name == "ruleset.yaml" and problem.code == "E012"
    assert problem.message.startswith("lookup 'g': unknown field 'nope'")
    assert problem.position == Position(6, 25)


BAND_ROWS = [
    "{band: a, lower: 0, upper: 1, rate: 0}",
    "{band: b, lower: 1, upper: 2, rate: 1}",
]


@pytest.mark.parametrize(
    ("columns", "rows", "codes"),
    [
        ("band: text, lower: number, upper: number, rate: number", BAND_ROWS, []),
        ("band: text, lower: text, upper: number, rate: number", BAND_ROWS, ["E022", "E012"]),
        ("band: text, lower: number, upper: text, rate: number", BAND_ROWS, ["E022", "E012"]),
        (
            "band: text, lower: number, upper: number, rate: number",
            ["{band: a, lower: 1, upper: 1, rate: 0}"],
            ["E022", "E012"],
        ),
        (
            "band: text, lower: number, upper: number, rate: number",
            ["{band: a, lower: 0, upper: 1.5, rate: 0}", "{band: b, lower: 1, upper: 2, rate: 1}"],
            ["E020", "E012"],
        ),
    ],
)
def test_a_band_table_that_makes_no_sense_is_not_looked_up(
    tmp_path: Path, columns: str, rows: list[str], codes: list[str]
) -> None:
    """A rule reading the band of a refused table is told the band does not exist."""
    manifest = LOOKUP_MANIFEST.replace(
        "g: {table: good, key: application.area}",
        "band: {table: bands, key: milestone.achievement, match: band}",
    )
    rule = MILESTONE_HEAD + "    require: band.rate > 0\n"
    bands = "tables:\n" + table("bands", "band", columns, rows)
    directory = write_ruleset(tmp_path / "rs", {"t.yaml": bands, "r.yaml": rule}, manifest)
    found = {p.code for p in check_ruleset(directory) if p.code != "E051"}
    assert found == set(codes)


def test_every_language_of_a_message_is_checked(tmp_path: Path) -> None:
    text = RULE_HEAD + (
        "    require: 'true'\n"
        "    message: {it: 'Valore {application.nope}', en: 'Value {application.area'}\n"
    )
    problems = problems_for(tmp_path, text)
    assert [(p.code, p.position) for p in problems] == [
        ("E012", Position(8, 20)),  # where each message text starts
        ("E010", Position(8, 52)),
    ], problems
