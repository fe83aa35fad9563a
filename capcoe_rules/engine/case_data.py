"""Turn a case into the engine data rules read: the case, its lookups, the parameters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from capcoe_rules.engine.interpreter import read
from capcoe_rules.errors import CaseError
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, NotInForceError
from capcoe_rules.language.types import Schema, Type, schema_of
from capcoe_rules.language.values import encode
from capcoe_rules.models.cases import CASE_MODELS

CaseInput = BaseModel | Mapping[str, Any] | str | bytes
"""A case as a model, a mapping (e.g. parsed JSON/YAML) or JSON text."""


def parse_case(case: CaseInput) -> BaseModel:
    """Validate a case; a malformed one raises :class:`CaseError` naming each bad field."""
    if isinstance(case, BaseModel):
        return case
    try:
        if isinstance(case, str | bytes):
            case = json.loads(case)
        if not isinstance(case, Mapping):
            raise CaseError.single("", "a case is a mapping of fields to values")
        case_type = case.get("case_type", "application")
        model = CASE_MODELS.get(str(case_type))
        if model is None:
            known = ", ".join(sorted(CASE_MODELS))
            raise CaseError.single("case_type", f"unknown case type {case_type!r} (known: {known})")
        return model.model_validate(case)
    except ValidationError as error:
        raise CaseError.from_validation(error) from None
    except ValueError as error:
        if isinstance(error, CaseError):
            raise
        raise CaseError.single("", f"not valid JSON: {error}") from None


def case_type_of(case: BaseModel) -> str:
    for name, model in CASE_MODELS.items():
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
        row = lookup.table.rows.get(key)
        if row is None:
            raise CaseError.single(
                ".".join(lookup.key.path[1:]),
                f"{key!r} has no row in table {lookup.table.name!r} (lookup {lookup.name!r})",
            )
        data[lookup.name] = row
    return data


def _encode_model(values: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    encoded: dict[str, Any] = {}
    for name, kind in schema.items():
        value = values[name]
        encoded[name] = (
            encode(value, kind) if isinstance(kind, Type) else _encode_model(value, kind)
        )
    return encoded
