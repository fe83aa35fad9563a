"""Pydantic models of the rule documents, exactly as policy staff write them in YAML.

These models check shape only (keys, required fields, enumerations). Meaning (names, types,
dates) is checked afterwards by :mod:`capcoe_rules.language.checker`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from capcoe_rules.errors import Text, ValueProblemError

TypeName = Literal[
    "number", "money", "text", "bool", "date", "datetime", "list[text]", "list[number]"
]
Provenance = Literal["source", "assumption"]
RuleId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Document(BaseModel):
    # defer_build: validators are built when the checker first reads a file; a rule set
    # from the cache holds these models, unpickled, and never validates one.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
            raise ValueProblemError(
                Text(
                    "a rule has either 'require', or 'derive' and 'value'",
                    "una regola ha 'require', oppure 'derive' e 'value'",
                )
            )
        if is_derivation and (self.derive is None or self.value is None):
            raise ValueProblemError(
                Text(
                    "a derivation needs both 'derive' (its name) and 'value'",
                    "un valore calcolato richiede sia 'derive' (il suo nome) sia 'value'",
                )
            )
        if is_derivation and self.when is not None:
            raise ValueProblemError(
                Text(
                    "a derived value has no 'when'",
                    "un valore calcolato non ha 'when'",
                ),
                Text(
                    "write the condition in the value: 'a if condition else b'",
                    "scrivi la condizione nel valore: 'a if condizione else b'",
                ),
            )
        return self

    @property
    def kind(self) -> Literal["requirement", "derivation"]:
        return "requirement" if self.require is not None else "derivation"


# -- the allocation round --------------------------------------------------------------
# One rule file of a rule set may declare how a round shares a fixed supply of posts among
# the eligible applications: which applications take part, the pools (quotas by kind of
# body), the profiles and their caps, the criteria the methods read, and the methods as
# steps in order. Meaning is checked by capcoe_rules.language.allocation.


class LabelsDoc(Document):
    """Where the labels of a field's values are: a table keyed by the value, a column."""

    table: Name
    column: Name


class TakesPartDoc(Document):
    """Applications whose ``field`` holds one of ``values`` take part (if eligible)."""

    field: str
    values: list[str] = Field(min_length=1)


class OneRequestDoc(Cited):
    """Applications with the same ``identity`` are one body's: ``refuse`` leaves them all
    out of the round; ``keep_latest`` keeps the last submitted and leaves the others out."""

    identity: list[str] = Field(min_length=1)
    several: Literal["refuse", "keep_latest"]


class PoolDoc(Document):
    title: Label
    quota: Name
    """The number parameter holding the pool's posts."""
    admits: list[str] = []
    """The values of the pools' field whose applications draw on this pool; none: the
    posts are reserved (not open to applications)."""


class PoolsDoc(Document):
    field: str
    """The application field that places an application in a pool (e.g. its body type)."""
    labels: LabelsDoc | None = None
    quotas: dict[Name, PoolDoc] = Field(min_length=1)


class GroupsDoc(Document):
    """How the report (and a ``key`` step) groups applications, e.g. by region."""

    title: Label
    field: str
    labels: LabelsDoc | None = None


class ProfileDoc(Document):
    title: Label
    request: str
    """The application field holding the posts asked for in this profile."""
    cap: Name
    """The number parameter holding the profile's posts."""


class CriterionDoc(Document):
    title: Label
    value: str
    """A number field of the application, a derived value or a lookup's column; a missing
    value counts as 0."""
    note: str | None = None


class QuotasStep(Document):
    """Each pool's posts go to its applications only."""

    step: Literal["quotas"]


class KeyStep(Document):
    """Each pool's posts are split among the groups in proportion to a key (a table keyed
    by the group), each group capped at what its applications can use, the excess split
    again by the same key."""

    step: Literal["key"]
    table: Name
    column: Name


class ShareStep(Document):
    """Within each pool (or pool and group, after a key), posts in proportion to a score:
    the sum over the criteria of weight x the application's share of the criterion."""

    step: Literal["share"]
    weights: dict[Name, Name | int | float] = Field(min_length=1)
    """Criterion -> its weight: a number parameter's name, or a number."""


class ServeStep(Document):
    """Within each pool (or pool and group), applications served in full in rank order."""

    step: Literal["serve"]


class ProfilesStep(Document):
    """The profile caps are met: posts move between profiles a body asked for, then
    between bodies of the same pool and group; what no profile can take is not given."""

    step: Literal["profiles"]


Step = Annotated[
    QuotasStep | KeyStep | ShareStep | ServeStep | ProfilesStep, Field(discriminator="step")
]


class MethodDoc(Cited):
    steps: list[Step] = Field(min_length=1)


class AllocationDoc(Cited):
    """A round's declaration: everything the generic allocator needs to know."""

    takes_part: TakesPartDoc
    one_request_per_body: OneRequestDoc
    total: Name
    """The number parameter holding every post of the call: the pools add up to it."""
    method: Name
    """The text parameter naming the method in force (one of ``methods``)."""
    order: Name
    """The criterion that ranks applications (highest first; then earlier submission, then
    id): the order of ``serve``, and of ties everywhere."""
    pools: PoolsDoc
    groups: GroupsDoc
    profiles: dict[Name, ProfileDoc] = Field(min_length=1)
    criteria: dict[Name, CriterionDoc] = Field(min_length=1)
    methods: dict[Name, MethodDoc] = Field(min_length=1)


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
    allocation: AllocationDoc | None = None

    @model_validator(mode="after")
    def _rules_name_their_case(self) -> RuleFileDoc:
        if self.rules and self.case is None:
            raise ValueProblemError(
                Text(
                    "a file with rules must say which case they judge",
                    "un file con regole deve dire quale caso giudicano",
                ),
                Text(
                    "add 'case: application', 'case: milestone', 'case: claim' or "
                    "'case: programme'",
                    "aggiungi 'case: application', 'case: milestone', 'case: claim' o "
                    "'case: programme'",
                ),
            )
        if self.allocation is not None and self.case is None:
            raise ValueProblemError(
                Text(
                    "a file with an allocation must say which case it shares posts among",
                    "un file con un riparto deve dire tra quali casi divide i posti",
                ),
                Text("add 'case: application'", "aggiungi 'case: application'"),
            )
        return self
