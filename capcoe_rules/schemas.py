"""JSON Schemas for every caller: the cases, the decisions, the allocation round, the rule files.

Each schema comes from the pydantic model that reads or writes the document, so it
cannot drift from what the engine accepts and gives:

- what comes in (``application``, ``payment_claim``, ``allocation_round``, and the rule
  files ``ruleset`` and ``rule_file``) in pydantic's *validation* mode, which is what is
  accepted;
- what goes out (``decision``, ``compact_decision``, ``payment_decision``,
  ``allocation_result``) in
  *serialization* mode, which is what is written; the two decisions are typed by the rule
  set (:mod:`capcoe_rules.engine.decision_models`): every derived value, lookup column and
  finding value with its type.

``capcoe-rules schema`` writes them; the HTTP service serves them under ``/v1/schemas``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from capcoe_rules.allocation import AllocationResult
from capcoe_rules.engine.decision_models import DecisionModels
from capcoe_rules.language.documents import ManifestDoc, RuleFileDoc
from capcoe_rules.models.application import Application
from capcoe_rules.models.payment import PaymentClaim
from capcoe_rules.models.round_input import AllocationRound

DIALECT = "https://json-schema.org/draft/2020-12/schema"
Mode = Literal["validation", "serialization"]


@dataclass(frozen=True)
class SchemaKind:
    """One document the project reads or writes, and the model its schema comes from."""

    name: str
    title: str
    mode: Mode
    model: Callable[[DecisionModels], type[BaseModel]]
    """The model, given the rule set's typed decision models (most ignore them)."""


SCHEMAS: dict[str, SchemaKind] = {
    kind.name: kind
    for kind in (
        SchemaKind(
            "application", "An application (case_type application)", "validation",
            lambda _: Application,
        ),
        SchemaKind(
            "payment_claim", "A payment claim (case_type payment_claim)", "validation",
            lambda _: PaymentClaim,
        ),
        SchemaKind(
            "allocation_round", "An allocation round's input", "validation",
            lambda _: AllocationRound,
        ),
        SchemaKind(
            "decision", "The decision on an application", "serialization",
            lambda models: models.application,
        ),
        SchemaKind(
            "compact_decision", "The compact decision on an application", "serialization",
            lambda models: models.compact,
        ),
        SchemaKind(
            "payment_decision", "The decision on a payment claim", "serialization",
            lambda models: models.payment,
        ),
        SchemaKind(
            "allocation_result", "An allocation round's result", "serialization",
            lambda _: AllocationResult,
        ),
        SchemaKind(
            "ruleset", "A rule set's manifest (rules/ruleset.yaml)", "validation",
            lambda _: ManifestDoc,
        ),
        SchemaKind(
            "rule_file", "A rule file (every other .yaml file under rules/)", "validation",
            lambda _: RuleFileDoc,
        ),
    )
}  # fmt: skip


def json_schema(name: str, models: DecisionModels) -> dict[str, Any]:
    """The JSON Schema of the document ``name`` (a key of :data:`SCHEMAS`); decisions are
    typed by the rule set of ``models``. Raises ``KeyError`` for an unknown name."""
    kind = SCHEMAS[name]
    schema = kind.model(models).model_json_schema(mode=kind.mode)
    return {"$schema": DIALECT, **schema, "title": kind.title}


def schema_text(name: str, models: DecisionModels) -> str:
    """:func:`json_schema` as indented JSON text with a final newline."""
    return json.dumps(json_schema(name, models), indent=2, ensure_ascii=False) + "\n"


def file_name(name: str) -> str:
    """The file ``capcoe-rules schema --out DIR`` writes the schema ``name`` to."""
    return f"{name.replace('_', '-')}.schema.json"
