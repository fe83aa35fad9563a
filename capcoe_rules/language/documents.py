"""Pydantic models of the rule documents, exactly as policy staff write them in YAML.

These models check shape only (keys, required fields, enumerations). Meaning (names, types,
dates) is checked afterwards by :mod:`capcoe_rules.language.checker`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TypeName = Literal[
    "number", "money", "text", "bool", "date", "datetime", "list[text]", "list[number]"
]
Provenance = Literal["source", "assumption"]
RuleId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Document):
    """A text in Italian, optionally in English too."""

    it: str
    en: str | None = None


class InForce(Document):
    from_: dt.date = Field(alias="from")
    to: dt.date


class LookupDoc(Document):
    """A join done before evaluation: the row of ``table`` for the value of ``key``.

    ``exact``: the row whose key column equals it; ``band``: the row whose ``lower``
    (inclusive) and ``upper`` (exclusive) columns hold it.
    """

    table: Name
    key: str
    match: Literal["exact", "band"] = "exact"
    title: Label | None = None


class ManifestDoc(Document):
    """``ruleset.yaml``: the rule set's identity and the period it is in force."""

    name: Name
    version: str
    title: Label
    in_force: InForce
    lookups: dict[Name, LookupDoc] = {}


class Cited(Document):
    title: Label = Field(description="Titolo semplice / plain title (it, en)")
    basis: str = Field(
        min_length=1,
        description="Riferimento normativo / legal basis (regulation article, decree, call)",
    )
    provenance: Provenance = Field(
        description="source: da una fonte pubblica / from a public source; "
        "assumption: ipotesi, nessuna fonte trovata / no public source found"
    )
    note: str | None = None


class ParameterValueDoc(Document):
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    value: Any


class ParameterDoc(Cited):
    """A named value that changes over time, read as of the decision's date."""

    type: TypeName
    unit: str | None = None
    values: list[ParameterValueDoc] = Field(min_length=1)


class TableDoc(Cited):
    """A reference table: rows keyed by one column, read through lookups."""

    key: Name
    columns: dict[Name, TypeName]
    rows: list[dict[str, Any]] = Field(min_length=1)


class RuleDoc(Cited):
    """A rule: a requirement (``require``) or a derivation (``derive`` + ``value``)."""

    model_config = ConfigDict(
        # What _one_kind checks, for editors that validate rule files with the JSON Schema.
        json_schema_extra={
            "anyOf": [
                {
                    "required": ["require"],
                    "not": {"anyOf": [{"required": ["derive"]}, {"required": ["value"]}]},
                },
                {
                    "required": ["derive", "value"],
                    "not": {"anyOf": [{"required": ["require"]}, {"required": ["when"]}]},
                },
            ]
        }
    )

    id: RuleId = Field(description="Identificativo stabile / stable id, e.g. ASS-FINESTRA")
    when: str | None = Field(
        default=None, description="Quando la regola si applica / when the rule applies"
    )
    require: str | None = Field(
        default=None, description="Il requisito, un'espressione / the requirement, an expression"
    )
    severity: Literal["blocking", "warning"] = "blocking"
    derive: Name | None = Field(
        default=None, description="Nome del valore calcolato / name of the derived value"
    )
    value: str | None = Field(
        default=None, description="Formula del valore calcolato / formula of the derived value"
    )
    message: Label | None = Field(
        default=None, description="Messaggio se non soddisfatta / message when not met"
    )

    @model_validator(mode="after")
    def _one_kind(self) -> RuleDoc:
        is_requirement = self.require is not None
        is_derivation = self.derive is not None or self.value is not None
        if is_requirement == is_derivation:
            raise ValueError("a rule has either 'require', or 'derive' and 'value'")
        if is_derivation and (self.derive is None or self.value is None):
            raise ValueError("a derivation needs both 'derive' (its name) and 'value'")
        if is_derivation and self.when is not None:
            raise ValueError("a derivation has no 'when': write 'a if condition else b'")
        return self

    @property
    def kind(self) -> Literal["requirement", "derivation"]:
        return "requirement" if self.require is not None else "derivation"


CaseType = Literal["application", "milestone", "claim", "programme"]


class PaymentDoc(Document):
    """``payment:``: the derived values the payment decision reads, by name.

    ``payable`` (money) and ``final_missed`` (true/false) are derived by the rules with
    ``case: milestone``; ``recovery_share`` (a number) by those with ``case: claim``.
    """

    payable: Name
    final_missed: Name
    recovery_share: Name


class RuleFileDoc(Document):
    """One YAML file under ``rules/``: parameters, tables and rules for one kind of case."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["rules"], "properties": {"rules": {"minItems": 1}}},
            "then": {"required": ["case"]},
        }
    )

    description: str | None = None
    case: CaseType | None = None
    parameters: dict[Name, ParameterDoc] = {}
    tables: dict[Name, TableDoc] = {}
    rules: list[RuleDoc] = []
    payment: PaymentDoc | None = None

    @model_validator(mode="after")
    def _rules_name_their_case(self) -> RuleFileDoc:
        if self.rules and self.case is None:
            raise ValueError(
                "a file with rules must say which case they judge: 'case: application', "
                "'case: milestone', 'case: claim' or 'case: programme'"
            )
        return self
