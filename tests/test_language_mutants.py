"""The language's values and numbers on their edges, stated with expected values.

What a rule file's value becomes inside the engine (``encode``), what a decision shows
(``decode``), and the one decimal arithmetic of engine and reference alike, at the places
a careless change would move: the 34-digit edge, the rounding rule, the exponent range,
the calendar's ends, the longest text and list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Literal, Optional

import pytest
from pydantic import AwareDatetime, BaseModel, computed_field
from test_checker import RULE_HEAD, only, problems_for

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
        (add(E34 - 2, 1), E34 - 1),  # 34 digits: exact
        (add(E34, 1), E34),  # 35 digits: rounded to 34
        (add(E34, 5), E34),  # half to even (0)
        (add(E34 + 10, 5), E34 + 20),  # half to even (2)
        (subtract(-E34, 1), -E34),
        (subtract(1 - E34, 1), 1 - E34 - 1),
        (multiply(10**17 + 1, 10**17 + 1), E34 + 2 * 10**17),
        (multiply(10**17, 10**16), 10**33),
        (negate(E34 + 1), -E34),
        (negate(E34 - 1), 1 - E34),
        (absolute(-(E34 + 1)), E34),
        (absolute(1 - E34), E34 - 1),
        (divide(1, 3), Decimal("0." + "3" * 34)),
        (divide(6, 3), 2),
        (add(Decimal("0.1"), Decimal("0.2")), Decimal("0.3")),
        (add(Decimal("0.5"), Decimal("0.5")), 1),
    ],
)
def test_arithmetic_on_the_34_digit_edge(computed: object, expected: object) -> None:
    assert computed == expected and type(computed) is type(expected)


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
    assert problems[0].position.line == 2 and "YAML syntax error" in problems[0].message
    empty, problems = load_yaml("", "f.yaml")
    assert empty is not None and empty.data == {} and problems == []
    bad, problems = load_yaml("a: !!python/object:os.system x\n", "f.yaml")
    assert bad is not None and bad.data == {"a": None}
    assert [(p.code, p.position) for p in problems] == [("E001", Position(1, 4))]
