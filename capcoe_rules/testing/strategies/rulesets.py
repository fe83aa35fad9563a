"""Random valid rule sets: rule files a policy officer could write, none we wrote ourselves.

The durable_rules engine must decide every rule set that passes the checker exactly as the
reference does. The bundled rule set uses a handful of constructs; :func:`rulesets` draws
rule files that use all of them, typed against the real case models:

- conditions with ``and``, ``or``, ``not`` nested to any depth, comparison chains, ``in`` /
  ``not in`` on list literals and on list parameters, ``== None`` on optional fields,
  ``true``/``false``, comparisons of computed sides (``a - b < 2 * c``), money next to
  numbers, dates and datetimes, divisions guarded by ``b != 0 and ...``;
- derived values of every type, chained into later derivations and rules, with
  ``min``/``max``/``abs``/``a if c else b`` and guarded divisions;
- lookups of an exact table (keyed by the intervention area) and of a band table (keyed
  by the number of posts requested), dated parameters with several values, warnings,
  messages that show what the rule read.

Each draw is a :class:`GeneratedRuleSet`: the files' text by path (load it with
:func:`capcoe_rules.language.load_sources`) and the constants it compares with, so that a
test can steer cases onto its boundaries. Names are read from the case models
(:func:`capcoe_rules.language.types.schema_of`), so a field added to a model is used as
soon as it exists.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import annotated_types
import yaml
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn
from pydantic import BaseModel

from capcoe_rules.language.expressions import Const, walk
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.language.types import Schema, Type, schema_of
from capcoe_rules.models.application import Application
from capcoe_rules.models.cases import RULE_SUBJECTS
from capcoe_rules.models.money import MoneyTag
from capcoe_rules.territory import comuni

__all__ = ["GeneratedRuleSet", "boundary_cases", "numbers_of", "rulesets"]

IN_FORCE = (dt.date(2021, 1, 1), dt.date(2029, 12, 31))
CHANGE_DAYS = (dt.date(2023, 6, 1), dt.date(2024, 6, 30))
"""Parameter values change within the period the generated applications are dated in."""


def _words() -> tuple[str, ...]:
    """Texts rules compare with: values real cases hold (areas, body types, two region
    codes and a NUTS-2 code, read from ISTAT's list) and texts no case holds."""
    some = sorted({comune.region_code for comune in comuni()})[-2:]
    nuts = sorted({comune.nuts2 for comune in comuni()})[-1]
    return ("assunzioni", "formazione", "comune", "regione", *some, nuts, "x", "")


WORDS = _words()
AREA_TABLE = "generated_areas"
BAND_TABLE = "generated_bands"


@dataclass(frozen=True)
class GeneratedRuleSet:
    """The rule files of a generated rule set, and the numbers its rules compare with."""

    sources: dict[str, str]
    numbers: tuple[Decimal, ...]
    """Number and money constants (euros) its rules and parameters hold: boundaries."""

    def __repr__(self) -> str:  # shown by hypothesis when a test fails: the files themselves
        files = "\n".join(f"--- {path}\n{text}" for path, text in self.sources.items())
        return f"GeneratedRuleSet(\n{files})"


@dataclass
class _Names:
    """The typed names an expression may read, gathered from the schema and the rule set."""

    by_base: dict[str, list[str]] = field(default_factory=dict)
    closed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Texts with a closed list of values: the values."""
    nullable: list[str] = field(default_factory=list)
    nonzero: list[str] = field(default_factory=list)
    """Number parameters none of whose values is zero: divisors that need no guard."""

    def add(self, name: str, type_: Type) -> None:
        key = f"list[{type_.item.base}]" if type_.base == "list" and type_.item else type_.base
        if type_.nullable:
            self.nullable.append(name)
            return
        self.by_base.setdefault(key, []).append(name)
        if type_.values is not None:
            self.closed[name] = tuple(sorted(type_.values))

    def of(self, base: str) -> list[str]:
        return self.by_base.get(base, [])


def _leaves(schema: Schema, prefix: str) -> Iterator[tuple[str, Type]]:
    for name, kind in schema.items():
        if isinstance(kind, Type):
            yield f"{prefix}.{name}", kind
        else:
            yield from _leaves(kind, f"{prefix}.{name}")


class _Maker:
    """Draws expressions of a wanted type from the names in scope."""

    def __init__(self, draw: DrawFn, names: _Names, numbers: list[Decimal]) -> None:
        self.draw = draw
        self.names = names
        self.numbers = numbers

    # -- constants ---------------------------------------------------------------------------

    def number_constant(self) -> str:
        value = self.draw(
            st.one_of(
                st.integers(0, 60),
                st.integers(-5, 5),
                st.sampled_from(["0.5", "0.49", "1.25", "0.000001", "2.5", "100"]).map(Decimal),
                st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False),
            )
        )
        number = Decimal(value)
        self.numbers.append(number)
        style = self.draw(st.sampled_from(["plain", "plain", "exponent"]))
        if style == "exponent" and number:
            return f"{number:e}".replace("+", "")  # 5e-05: durable_rules cannot parse that
        return str(number)

    def money_constant(self) -> str:
        euros = self.draw(
            st.one_of(
                st.integers(0, 2_000_000).map(Decimal),
                st.decimals(0, 1_000_000, places=2, allow_nan=False, allow_infinity=False),
            )
        )
        self.numbers.append(euros)
        return str(euros)

    def datetime_constant(self) -> str:
        moment = self.draw(
            st.datetimes(dt.datetime(2023, 10, 1), dt.datetime(2024, 3, 31)).map(
                lambda value: value.replace(microsecond=0)
            )
        )
        offset = self.draw(st.sampled_from(["+01:00", "+00:00", "+02:00"]))
        return f'datetime("{moment.isoformat()}{offset}")'

    def date_constant(self) -> str:
        day = self.draw(st.dates(dt.date(2023, 6, 1), dt.date(2024, 12, 31)))
        return f'date("{day.isoformat()}")'

    # -- numbers and money -------------------------------------------------------------------

    def numeric(self, base: str, depth: int, formula: bool) -> str:
        """An expression of type ``number``, or ``money``: a money expression always reads
        an amount somewhere (constants alone are numbers, read as euros only beside one)."""
        if depth <= 0:
            return self._numeric_leaf(base, self.names.of(base))
        choices = ["leaf", "leaf", "add", "sub", "mul", "neg", "div"]
        if formula:
            choices += ["min", "max", "abs", "choice"]
        kind = self.draw(st.sampled_from(choices))
        deeper = depth - 1

        def same() -> str:
            return self.numeric(base, deeper, formula)

        def beside() -> str:  # what may sit next to an amount: an amount, or euros
            if base == "number" or self.draw(st.booleans()):
                return same()
            return self.money_constant()

        if kind == "leaf":
            return self._numeric_leaf(base, self.names.of(base))
        if kind in ("add", "sub"):
            op = "+" if kind == "add" else "-"
            left, right = same(), beside()
            return (
                f"({left} {op} {right})" if self.draw(st.booleans()) else f"({right} {op} {left})"
            )
        if kind == "mul":
            factor = self.numeric("number", deeper, formula)
            amount = same()
            return (
                f"({amount} * {factor})" if self.draw(st.booleans()) else f"({factor} * {amount})"
            )
        if kind == "neg":
            return f"-{self._numeric_leaf(base, self.names.of(base))}"
        if kind == "div":
            return self._division(base, deeper, formula)
        if kind == "abs":
            return f"abs({same()})"
        if kind in ("min", "max"):
            others = ", ".join(beside() for _ in range(self.draw(st.integers(1, 2))))
            return f"{kind}({same()}, {others})"
        return f"({same()} if {self.condition(deeper, formula)} else {beside()})"

    def _numeric_leaf(self, base: str, refs: list[str]) -> str:
        if base == "money":
            return self.money_ref()
        if refs and self.draw(st.integers(0, 3)) > 0:
            return self.draw(st.sampled_from(refs))
        return self.number_constant()

    def _division(self, base: str, depth: int, formula: bool) -> str:
        """A division whose divisor cannot be zero where it is evaluated: a constant or a
        parameter that is never zero, or (in a formula) a divisor tested by a choice.
        Conditions guard divisions with ``and`` (:meth:`_guarded_comparison`)."""
        dividend = self.numeric(base, depth, formula)
        style = self.draw(st.sampled_from(["constant", "parameter", "guard"]))
        if style == "parameter" and self.names.nonzero:
            return f"({dividend} / {self.draw(st.sampled_from(self.names.nonzero))})"
        if style == "guard" and formula:
            divisor = self.numeric("number", 1, False)
            guard = self.draw(st.sampled_from(["!= 0", "> 0", "< 0"]))
            otherwise = self.numeric(base, 0, formula)
            return f"({dividend} / {divisor} if {divisor} {guard} else {otherwise})"
        return f"({dividend} / {self.draw(st.sampled_from(['4', '0.5', '3', '-2', '1e-3']))})"

    def money_ref(self) -> str:
        return self.draw(st.sampled_from(self.names.of("money")))

    # -- conditions --------------------------------------------------------------------------

    def condition(self, depth: int, formula: bool = False) -> str:
        kinds = ["compare", "compare", "equal", "member", "null", "flag", "guarded"]
        if depth > 0:
            kinds += ["and", "or", "not", "chain"]
        kind = self.draw(st.sampled_from(kinds))
        deeper = depth - 1
        if kind in {"and", "or"}:
            count = self.draw(st.integers(2, 4))
            parts = [self.condition(deeper, formula) for _ in range(count)]
            return "(" + f" {kind} ".join(parts) + ")"
        if kind == "not":
            return f"not {self.condition(deeper, formula)}"
        if kind == "compare":
            return self._ordered_comparison(max(deeper, 0), formula)
        if kind == "chain":
            base = self.draw(st.sampled_from(["number", "money"]))
            low, high = (self.numeric(base, 0, formula) for _ in range(2))
            middle = self.numeric(base, 1, formula)
            op1, op2 = (self.draw(st.sampled_from(["<", "<="])) for _ in range(2))
            return f"{low} {op1} {middle} {op2} {high}"
        if kind == "equal":
            return self._text_test()
        if kind == "member":
            return self._membership()
        if kind == "null":
            names = self.names.nullable or ["application.applicant.istat_code"]
            op = self.draw(st.sampled_from(["==", "!="]))
            return f"{self.draw(st.sampled_from(names))} {op} None"
        if kind == "flag":
            flags = [*self.names.of("bool"), "true", "false", "True", "False"]
            return self.draw(st.sampled_from(flags))
        return self._guarded_comparison(formula)

    def _ordered_comparison(self, depth: int, formula: bool) -> str:
        op = self.draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        base = self.draw(st.sampled_from(["number", "number", "money", "datetime", "date"]))
        if base in ("number", "money"):
            return f"{self.numeric(base, depth, formula)} {op} {self.numeric(base, depth, formula)}"
        refs = self.names.of(base)
        if not refs:
            return self.draw(st.sampled_from(["true", "false"]))
        constant = self.datetime_constant() if base == "datetime" else self.date_constant()
        left = self.draw(st.sampled_from(refs))
        right = self.draw(st.sampled_from([*refs, constant, constant]))
        return f"{left} {op} {right}" if self.draw(st.booleans()) else f"{right} {op} {left}"

    def _guarded_comparison(self, formula: bool) -> str:
        """``b != 0 and a / b < c``: the division is computed only where ``b`` is not 0."""
        base = self.draw(st.sampled_from(["number", "money"]))
        divisor = self.numeric("number", 1, False)
        dividend = self.numeric(base, 1, formula)
        guard = self.draw(st.sampled_from(["!= 0", "> 0", "< 0"]))
        op = self.draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        other = self.numeric(base, 0, formula)
        joined = self.draw(st.sampled_from(["and", "or"]))
        if joined == "or":  # b == 0 or a / b < c
            negation = {"!= 0": "== 0", "> 0": "<= 0", "< 0": ">= 0"}[guard]
            return f"({divisor} {negation} or {dividend} / {divisor} {op} {other})"
        return f"({divisor} {guard} and {dividend} / {divisor} {op} {other})"

    def _text_test(self) -> str:
        closed = list(self.names.closed)
        open_ = [name for name in self.names.of("text") if name not in self.names.closed]
        op = self.draw(st.sampled_from(["==", "!="]))
        if closed and self.draw(st.integers(0, 3)) > 0:
            name = self.draw(st.sampled_from(closed))
            value = self.draw(st.sampled_from(self.names.closed[name]))
            return f'{name} {op} "{value}"'
        names = open_ or ["application.id"]
        name = self.draw(st.sampled_from(names))
        other = self.draw(st.sampled_from([*names, f'"{self.draw(st.sampled_from(WORDS))}"']))
        return f"{name} {op} {other}"

    def _membership(self) -> str:
        negated = "not in" if self.draw(st.booleans()) else "in"
        style = self.draw(st.sampled_from(["closed", "numbers", "parameter", "empty", "long"]))
        closed = list(self.names.closed)
        if style == "parameter":
            lists = self.names.of("list[text]")
            texts = self.names.of("text")
            if lists and texts:
                member, container = (self.draw(st.sampled_from(pool)) for pool in (texts, lists))
                return f"{member} {negated} {container}"
            style = "numbers"
        if style == "numbers":
            lists = self.names.of("list[number]")
            item = self.numeric("number", 1, False)
            if lists and self.draw(st.booleans()) is True:
                return f"{item} {negated} {self.draw(st.sampled_from(lists))}"
            count = self.draw(st.integers(1, 4))
            numbers = ", ".join(self.number_constant() for _ in range(count))
            return f"{item} {negated} [{numbers}]"
        if style == "empty":
            return f"{self.numeric('number', 0, False)} {negated} []"
        if style == "long":  # longer than the engine tests one by one
            open_ = [name for name in self.names.of("text") if name not in self.names.closed]
            words = ", ".join([f'"{word}"' for word in WORDS] + [f'"v{i}"' for i in range(20)])
            item = self.draw(st.sampled_from(open_ or ["application.id"]))
            return f"{item} {negated} [{words}]"
        name = self.draw(st.sampled_from(closed)) if closed else "application.area"
        values = self.names.closed.get(name, ("assunzioni",))
        chosen = self.draw(st.lists(st.sampled_from(values), min_size=1, max_size=4, unique=True))
        return f"{name} {negated} [{', '.join(f'{chr(34)}{value}{chr(34)}' for value in chosen)}]"


def _dated_values(draw: DrawFn, make: Callable[[], Any]) -> list[dict[str, Any]]:
    """One to three values covering the whole period, changing within CHANGE_DAYS."""
    count = draw(st.integers(1, 3))
    changes = sorted(
        draw(st.lists(st.dates(*CHANGE_DAYS), min_size=count - 1, max_size=count - 1, unique=True))
    )
    starts = [IN_FORCE[0], *changes]
    values: list[dict[str, Any]] = []
    for index, start in enumerate(starts):
        item: dict[str, Any] = {"from": start, "value": make()}
        if index + 1 < len(starts):
            item["to"] = starts[index + 1] - dt.timedelta(days=1)
        values.append(item)
    return values


def _parameters(draw: DrawFn, names: _Names, numbers: list[Decimal]) -> dict[str, Any]:
    def number() -> Decimal:
        value = draw(
            st.sampled_from(
                [Decimal(n) for n in (0, 1, 2, 5, 11, "0.5", "0.49", "0.0000001", 30, -3)]
            )
        )
        numbers.append(value)
        return value

    def nonzero() -> Decimal:
        value = draw(st.sampled_from([Decimal(n) for n in ("1", "2", "4", "0.5", "-3", "0.25")]))
        numbers.append(value)
        return value

    def money() -> Decimal:
        value = draw(st.decimals(0, 500_000, places=2, allow_nan=False, allow_infinity=False))
        numbers.append(value)
        return value

    makers: dict[str, Callable[[], Any]] = {
        "number": number,
        "money": money,
        "bool": lambda: draw(st.booleans()),
        "text": lambda: draw(st.sampled_from(WORDS)),
        "date": lambda: draw(st.dates(dt.date(2023, 6, 1), dt.date(2024, 12, 31))),
        "datetime": lambda: draw(
            st.datetimes(dt.datetime(2023, 10, 1), dt.datetime(2024, 3, 31)).map(
                lambda value: value.replace(microsecond=0, tzinfo=dt.UTC).isoformat()
            )
        ),
        "list[text]": lambda: draw(st.lists(st.sampled_from(WORDS), max_size=5)),
        "list[number]": lambda: draw(st.lists(st.integers(0, 40), max_size=5)),
    }
    parameters: dict[str, Any] = {}
    for index, type_name in enumerate(
        draw(st.lists(st.sampled_from([*makers, "nonzero"]), min_size=1, max_size=8))
    ):
        name = f"p{index}_{type_name.replace('[', '_').replace(']', '')}"
        declared = "number" if type_name == "nonzero" else type_name
        make = nonzero if type_name == "nonzero" else makers[type_name]
        parameters[name] = {
            "title": {"it": f"Parametro {index}", "en": f"Parameter {index}"},
            "basis": "Generato per il test",
            "provenance": "assumption",
            "type": declared,
            "values": _dated_values(draw, make),
        }
        if type_name == "nonzero":
            names.nonzero.append(f"params.{name}")
        names.add(f"params.{name}", _type_of(declared))
    return parameters


def _type_of(name: str) -> Type:
    from capcoe_rules.language.types import TYPE_NAMES  # noqa: PLC0415 - a leaf import

    return TYPE_NAMES[name]


def _tables(
    draw: DrawFn, names: _Names, areas: tuple[str, ...], numbers: list[Decimal]
) -> dict[str, Any]:
    rows = [
        {
            "code": area,
            "weight": draw(st.integers(0, 5)),
            "cap": str(
                draw(st.decimals(0, 900_000, places=2, allow_nan=False, allow_infinity=False))
            ),
            "open": draw(st.booleans()),
            "label": draw(st.sampled_from(WORDS)),
            "tags": draw(st.lists(st.sampled_from(WORDS), max_size=3)),
        }
        for area in areas
    ]
    cuts = sorted(draw(st.lists(st.integers(1, 60), min_size=1, max_size=4, unique=True)))
    edges = [0, *cuts, 1_000_000_000_000]
    bands = [
        {
            "band": f"b{index}",
            "lower": low,
            "upper": high,
            "rate": str(draw(st.sampled_from(["0", "0.5", "1", "1.2"]))),
        }
        for index, (low, high) in enumerate(itertools.pairwise(edges))
    ]
    numbers.extend(Decimal(cut) for cut in cuts)
    for column, type_name in (
        ("weight", "number"),
        ("cap", "money"),
        ("open", "bool"),
        ("label", "text"),
        ("tags", "list[text]"),
    ):
        names.add(f"area.{column}", _type_of(type_name))
    names.add("band.rate", _type_of("number"))
    return {
        AREA_TABLE: {
            "title": {"it": "Aree (generata)"},
            "basis": "Generata per il test",
            "provenance": "assumption",
            "key": "code",
            "columns": {
                "code": "text",
                "weight": "number",
                "cap": "money",
                "open": "bool",
                "label": "text",
                "tags": "list[text]",
            },
            "rows": rows,
        },
        BAND_TABLE: {
            "title": {"it": "Fasce (generata)"},
            "basis": "Generata per il test",
            "provenance": "assumption",
            "key": "band",
            "columns": {"band": "text", "lower": "number", "upper": "number", "rate": "number"},
            "rows": bands,
        },
    }


def _rule(id_: str, title: str) -> dict[str, Any]:
    return {
        "id": id_,
        "title": {"it": title, "en": title},
        "basis": "Regola generata per il test differenziale",
        "provenance": "assumption",
    }


@st.composite
def rulesets(
    draw: DrawFn, max_requirements: int = 10, max_derivations: int = 5
) -> GeneratedRuleSet:
    """A valid rule set for applications, drawn over the whole expression language."""
    names = _Names()
    numbers: list[Decimal] = []
    schema = schema_of(RULE_SUBJECTS["application"])
    for name, type_ in _leaves(schema, "application"):
        names.add(name, type_)
    areas = tuple(sorted(schema["area"].values or ())) if isinstance(schema["area"], Type) else ()
    parameters = _parameters(draw, names, numbers)
    tables = _tables(draw, names, areas, numbers)
    maker = _Maker(draw, names, numbers)
    rules: list[dict[str, Any]] = []
    for index in range(draw(st.integers(0, max_derivations))):
        base = draw(st.sampled_from(["number", "money", "bool", "number", "money"]))
        rule = _rule(f"GEN-D{index}", f"Valore derivato {index}")
        rule["derive"] = f"d{index}_{base}"
        rule["value"] = (
            maker.condition(2, formula=True) if base == "bool" else maker.numeric(base, 3, True)
        )
        rules.append(rule)
        names.add(f"derived.{rule['derive']}", _type_of(base))
    for index in range(draw(st.integers(1, max_requirements))):
        rule = _rule(f"GEN-R{index}", f"Requisito {index}")
        if draw(st.booleans()):
            rule["when"] = maker.condition(2)
        rule["require"] = maker.condition(3)
        if draw(st.integers(0, 4)) == 0:
            rule["severity"] = "warning"
        if draw(st.booleans()):
            shown = draw(
                st.sampled_from([*names.of("number"), *names.of("money"), *names.of("text")])
            )
            rule["message"] = {"it": f"Letto {{{shown}}}", "en": f"Read {{{shown}}}"}
        rules.append(rule)
    manifest = {
        "name": "generata",
        "version": "1",
        "title": {"it": "Regole generate", "en": "Generated rules"},
        "in_force": {"from": IN_FORCE[0], "to": IN_FORCE[1]},
        "lookups": {
            "area": {"table": AREA_TABLE, "key": "application.area"},
            "band": {"table": BAND_TABLE, "key": "application.hires.total", "match": "band"},
        },
    }
    split = draw(st.integers(0, len(rules)))
    sources = {
        "ruleset.yaml": _dump(manifest),
        "dati.yaml": _dump({"parameters": parameters, "tables": tables}),
        "regole/a.yaml": _dump({"case": "application", "rules": rules[:split]}),
        "regole/b.yaml": _dump({"case": "application", "rules": rules[split:]}),
    }
    return GeneratedRuleSet(sources, tuple(dict.fromkeys(numbers)))


class _Dumper(yaml.SafeDumper):
    """Writes decimals as the plain numbers a policy officer types (``0.49``, ``1500.25``),
    and repeated values written out (rule files may hold no YAML aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _steerable(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """The numbers of a case model a test may set, and what each admits: ``money``, or a
    whole number up to its bound (``count``: from the field's ``le`` constraint)."""
    found: dict[tuple[str, ...], str] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        nested = members[0] if members else annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            found.update(_steerable(nested, (*prefix, name)))
        elif any(isinstance(item, MoneyTag) for item in info.metadata):
            found[(*prefix, name)] = "money"
        elif annotation is int:
            bounds = [
                item.le
                for item in info.metadata
                if isinstance(item, annotated_types.Le) and isinstance(item.le, int)
            ]
            found[(*prefix, name)] = f"count:{min(bounds, default=10_000)}"
    return found


STEERED_FIELDS = _steerable(Application)
"""Numbers of an application that rules compare, and what values each admits."""


@st.composite
def boundary_cases(draw: DrawFn, numbers: Sequence[Decimal]) -> dict[str, Any]:
    """Valid applications, half of them with numbers moved onto ``numbers`` (a rule set's
    constants, give or take one or a cent), where a wrong complement or encoding shows."""
    from capcoe_rules.testing.strategies.applications import applications  # noqa: PLC0415

    case: dict[str, Any] = draw(applications())
    if not numbers or draw(st.booleans()):
        return case
    for _ in range(draw(st.integers(1, 3))):
        path, kind = draw(st.sampled_from(sorted(STEERED_FIELDS.items())))
        target = draw(st.sampled_from(numbers))
        step = Decimal("0.01") if kind == "money" else Decimal(1)
        value = target + draw(st.sampled_from([-step, Decimal(0), step]))
        admissible = _admissible(value, kind)
        if admissible is not None:
            _set(case, path, admissible)
    return case


def numbers_of(ruleset: CheckedRuleSet) -> tuple[Decimal, ...]:
    """The numbers a checked rule set's rules and parameters compare with, in euros for
    money: the boundaries :func:`boundary_cases` steers onto."""
    found: dict[Decimal, None] = {}
    for case_rules in ruleset.cases.values():
        for rule in case_rules.rules:
            for node in (rule.when, rule.require, rule.value):
                for item in walk(node) if node is not None else ():
                    if isinstance(item, Const) and isinstance(item.value, int | Decimal):
                        found[_euros(item.value, item.type)] = None
    for parameter in ruleset.parameters.values():
        for dated in parameter.values:
            if isinstance(dated.value, int | Decimal) and not isinstance(dated.value, bool):
                found[_euros(dated.value, parameter.type)] = None
    return tuple(found)


def _euros(value: int | Decimal, type_: Type) -> Decimal:
    return Decimal(value) / 100 if type_.base == "money" else Decimal(value)


def _admissible(value: Decimal, kind: str) -> int | str | None:
    """``value`` as the field accepts it, or None where the field cannot hold it."""
    if kind == "money":
        cents = value.quantize(Decimal("0.01"))
        return str(cents) if cents == value and 0 <= cents < 10**9 else None
    if value != value.to_integral_value():
        return None
    whole = int(value)
    return whole if 0 <= whole <= int(kind.removeprefix("count:")) else None


def _set(case: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = case
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value
