"""Turn a case into the engine data rules read: the case, its lookups, the parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from capcoe_rules.case_messages import case_problem, validation_problems
from capcoe_rules.engine.interpreter import read
from capcoe_rules.errors import CaseError, FieldProblem, NotInForceError
from capcoe_rules.jsontext import load_json
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Lookup
from capcoe_rules.language.types import Schema, Type, schema_of
from capcoe_rules.language.values import encode, normalise_number
from capcoe_rules.models.application import Application
from capcoe_rules.models.cases import INPUT_CASES

if TYPE_CHECKING:
    from capcoe_rules.models.cases import InputCase
    from capcoe_rules.models.payment import PaymentClaim

CaseInput = BaseModel | Mapping[str, Any] | str | bytes
"""A case as a model, a mapping (e.g. parsed JSON/YAML) or JSON text."""


def parse_case(case: CaseInput) -> InputCase:
    """Validate a case; a malformed one raises :class:`CaseError` naming each bad field.

    A case that is well-formed field by field but inconsistent as a whole (a payment claim
    with a line for an unknown milestone, say) is refused too, naming each place.
    """
    model = case if isinstance(case, BaseModel) else _validate(case)
    if isinstance(model, Application):  # no checks across its fields
        return model
    if not isinstance(model, payment_claim()):
        known = ", ".join(sorted(INPUT_CASES))
        raise CaseError([case_problem("case_type", "not_a_case", value=_name(model), known=known)])
    found = model.problems()
    if found:
        raise CaseError(found)
    return model


def payment_claim() -> type[PaymentClaim]:
    """The payment claim model, imported on first use (see :mod:`capcoe_rules.models.cases`)."""
    from capcoe_rules.models.payment import PaymentClaim  # noqa: PLC0415

    return PaymentClaim


def _validate(case: Mapping[str, Any] | str | bytes) -> BaseModel:
    if isinstance(case, str | bytes):
        case = load_json(case)
    if not isinstance(case, Mapping):
        raise CaseError([case_problem("", "not_a_mapping")])
    case_type = case.get("case_type", "application")
    model = INPUT_CASES.get(case_type) if isinstance(case_type, str) else None
    if model is None:
        known = ", ".join(sorted(INPUT_CASES))
        shown = repr(case_type[:40]) if isinstance(case_type, str) else type(case_type).__name__
        problem = case_problem(
            "case_type", "unknown_case_type", case_type, INPUT_CASES, value=shown, known=known
        )
        raise CaseError([problem])
    try:
        return model.model_validate(case)
    except ValidationError as error:
        raise CaseError(validation_problems(error, model)) from None


def case_type_of(case: BaseModel) -> str:
    if isinstance(case, Application):  # without importing the other case models
        return "application"
    for name, model in INPUT_CASES.items():
        if isinstance(case, model):
            return name
    known = ", ".join(sorted(INPUT_CASES))
    raise CaseError([case_problem("case_type", "not_a_case", value=_name(case), known=known)])


def _name(case: object) -> str:
    return type(case).__name__


class CaseData:
    """Builds the data the rules of one kind of case read, with all that can be prepared
    once per rule set prepared once: an encoder per case model, parameters per date."""

    def __init__(self, ruleset: CheckedRuleSet, case_rules: CaseRules) -> None:
        self._ruleset = ruleset
        self._case_rules = case_rules
        self._encoders: dict[type[BaseModel], Encoder] = {}
        self._parameters: dict[dt.date, dict[str, Any]] = {}

    def build(self, case: BaseModel, as_of: dt.date) -> dict[str, Any]:
        """The data every rule reads, for ``case`` as of ``as_of``."""
        case_rules = self._case_rules
        data: dict[str, Any] = {
            case_rules.case_type: self._encoder(type(case))(case),
            "params": self._parameters_on(as_of),
            "derived": {},
        }
        for lookup in case_rules.lookups:
            key = read(data, lookup.key.path)
            row = _row_for(lookup, key, as_of)
            if row is None:
                keys = lookup.table.rows_on(as_of)
                raise CaseError(
                    [
                        case_problem(
                            ".".join(lookup.key.path[1:]),
                            "no_table_row",
                            key,
                            [str(k) for k in keys] if isinstance(key, str) else (),
                            value=repr(key),
                            table=repr(lookup.table.name),
                            day=as_of.isoformat(),
                            lookup=repr(lookup.name),
                        )
                    ]
                )
            data[lookup.name] = row
        return data

    def _parameters_on(self, day: dt.date) -> dict[str, Any]:
        # Shared by every case of the day: the engine reads parameters, never writes them.
        found = self._parameters.get(day)
        if found is None:
            try:
                found = self._ruleset.parameters_on(day)
            except NotInForceError:
                raise CaseError([not_in_force(self._ruleset, day)]) from None
            if len(self._parameters) > 4096:  # bound the cache for long-lived engines
                self._parameters.clear()
            self._parameters[day] = found
        return found

    def _encoder(self, model: type[BaseModel]) -> Encoder:
        encoder = self._encoders.get(model)
        if encoder is None:
            wanted = fields_read(self._case_rules)
            encoder = self._encoders[model] = model_encoder(schema_of(model), wanted)
        return encoder


def not_in_force(ruleset: CheckedRuleSet, day: dt.date) -> FieldProblem:
    """Why ``ruleset`` has no parameters on ``day``: outside its period, or the first of
    its parameters without a value then (named, so that its file can be fixed)."""
    if ruleset.in_force_from <= day <= ruleset.in_force_to:
        for name, parameter in ruleset.parameters.items():
            try:
                parameter.value_on(day)
            except NotInForceError:
                return case_problem(
                    "as_of", "not_in_force", parameter=repr(name), day=day.isoformat()
                )
    return case_problem(
        "as_of",
        "outside_period",
        day=day.isoformat(),
        ruleset=repr(ruleset.name),
        start=ruleset.in_force_from.isoformat(),
        end=ruleset.in_force_to.isoformat(),
    )


Encoder = Callable[[Any], dict[str, Any]]
Wanted = dict[str, "Wanted"]
"""A tree of the field names to encode; an empty tree below a name: all of it."""


def fields_read(case_rules: CaseRules) -> Wanted:
    """The case's fields that rules read (conditions, formulas, messages, lookup keys):
    the engine data of a case holds these only. The bundled application rules read 15
    of an application's 30 fields."""
    wanted: Wanted = {}
    paths = [lookup.key.path for lookup in case_rules.lookups]
    paths += [ref.path for rule in case_rules.rules for ref in (*rule.reads, *rule.shows)]
    for path in paths:
        if path[0] != case_rules.case_type:
            continue
        node = wanted
        for name in path[1:]:
            node = node.setdefault(name, {})
    return wanted


def model_encoder(schema: Schema, wanted: Wanted | None = None) -> Encoder:
    """A function giving a validated model's engine data, reading its attributes directly
    (``model_dump`` then encoding took a fifth of an evaluation); with ``wanted``, only
    the fields it names (a name whose tree is empty: the field whole)."""
    fields: list[tuple[str, Callable[[Any], Any]]] = []
    for name, kind in schema.items():
        if wanted and name not in wanted:
            continue
        below = wanted.get(name) if wanted else None
        fields.append(
            (name, value_encoder(kind) if isinstance(kind, Type) else model_encoder(kind, below))
        )

    def encode_model(model: Any) -> dict[str, Any]:
        return {name: convert(getattr(model, name)) for name, convert in fields}

    return encode_model


def value_encoder(type_: Type) -> Callable[[Any], Any]:
    """``encode`` for one type, without the checks a validated model makes needless."""
    match type_.base:
        case "text" | "bool" | "null":
            return _same
        case "number":
            return lambda value: value if value is None else normalise_number(value)
        case "list":
            assert type_.item is not None
            item = value_encoder(type_.item)
            return lambda value: tuple(item(element) for element in value)
    return lambda value: encode(value, type_)


def _same(value: Any) -> Any:
    return value


def _row_for(lookup: Lookup, key: Any, day: dt.date) -> dict[str, Any] | None:
    """The row of the lookup's table in force on ``day`` for ``key``."""
    rows = lookup.table.rows_on(day)
    if lookup.doc.match == "exact":
        return rows.get(key)
    return next((row for row in rows.values() if row["lower"] <= key < row["upper"]), None)
