"""Turn a case into the engine data rules read: the case, its lookups, the parameters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from capcoe_rules.engine.interpreter import read
from capcoe_rules.errors import CaseError, FieldProblem
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Lookup, NotInForceError
from capcoe_rules.language.types import Schema, Type, schema_of
from capcoe_rules.language.values import encode
from capcoe_rules.models.cases import INPUT_CASES

CaseInput = BaseModel | Mapping[str, Any] | str | bytes
"""A case as a model, a mapping (e.g. parsed JSON/YAML) or JSON text."""


def parse_case(case: CaseInput) -> BaseModel:
    """Validate a case; a malformed one raises :class:`CaseError` naming each bad field.

    A case that is well-formed field by field but inconsistent as a whole (a payment claim
    with a line for an unknown milestone, say) is refused too, naming each place.
    """
    model = case if isinstance(case, BaseModel) else _validate(case)
    problems = getattr(model, "problems", None)
    found: list[tuple[str, str]] = problems() if callable(problems) else []
    if found:
        raise CaseError([FieldProblem(path, message) for path, message in found])
    return model


def _validate(case: Mapping[str, Any] | str | bytes) -> BaseModel:
    try:
        if isinstance(case, str | bytes):
            case = json.loads(case)
        if not isinstance(case, Mapping):
            raise CaseError.single("", "a case is a mapping of fields to values")
        case_type = case.get("case_type", "application")
        model = INPUT_CASES.get(str(case_type))
        if model is None:
            known = ", ".join(sorted(INPUT_CASES))
            raise CaseError.single("case_type", f"unknown case type {case_type!r} (known: {known})")
        return model.model_validate(case)
    except ValidationError as error:
        raise CaseError.from_validation(error) from None
    except ValueError as error:
        if isinstance(error, CaseError):
            raise
        raise CaseError.single("", f"not valid JSON: {error}") from None


def case_type_of(case: BaseModel) -> str:
    for name, model in INPUT_CASES.items():
        if isinstance(case, model):
            return name
    raise CaseError.single("case_type", f"{type(case).__name__} is not a kind of case")


def build_data(
    ruleset: CheckedRuleSet, case_rules: CaseRules, case: BaseModel, as_of: dt.date
) -> dict[str, Any]:
    """The data every rule of ``case_rules`` reads, for ``case`` as of ``as_of``."""
    try:
        params = ruleset.parameters_on(as_of)
    except NotInForceError as error:
        raise CaseError.single("as_of", str(error)) from None
    data: dict[str, Any] = {
        case_rules.case_type: _encode_model(case.model_dump(), schema_of(type(case))),
        "params": params,
        "derived": {},
    }
    for lookup in case_rules.lookups:
        key = read(data, lookup.key.path)
        row = _row_for(lookup, key)
        if row is None:
            raise CaseError.single(
                ".".join(lookup.key.path[1:]),
                f"{key!r} has no row in table {lookup.table.name!r} (lookup {lookup.name!r})",
            )
        data[lookup.name] = row
    return data


def _row_for(lookup: Lookup, key: Any) -> dict[str, Any] | None:
    if lookup.doc.match == "exact":
        return lookup.table.rows.get(key)
    return next(
        (row for row in lookup.table.rows.values() if row["lower"] <= key < row["upper"]), None
    )


def _encode_model(values: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    encoded: dict[str, Any] = {}
    for name, kind in schema.items():
        value = values[name]
        encoded[name] = (
            encode(value, kind) if isinstance(kind, Type) else _encode_model(value, kind)
        )
    return encoded
