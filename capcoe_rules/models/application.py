"""The application case: a public body asks CapCoe for support."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    computed_field,
    model_validator,
)

from capcoe_rules.case_messages import refusal
from capcoe_rules.errors import UnknownTerritoryCodeError
from capcoe_rules.models.inputs import (
    ROME,
    Count,
    Flag,
    Inhabitants,
    Instant,
    Percent,
    Text,
    decimal_input,
)
from capcoe_rules.models.money import Money
from capcoe_rules.territory import resolve

BodyType = Literal[
    "comune",
    "unione_di_comuni",
    "provincia",
    "citta_metropolitana",
    "regione",
    "amministrazione_centrale",
    "azienda_sanitaria",
    "camera_di_commercio",
]
"""Kinds of public body. The last two exist so that a body the programme does not admit
can be submitted, and refused by a rule rather than by the input model."""

InterventionArea = Literal[
    "servizi_supporto_territoriale",
    "assunzioni",
    "formazione",
    "segreteria_tecnica_priga",
    "capacita_amministrativa",
    "governance_coesione",
    "processi_gestione",
    "partenariato",
    "condivisione_conoscenze",
]
"""The sub-actions and actions a body may ask for (rules/programma/aree_intervento.yaml)."""

SubmitterRole = Literal["sindaco", "legale_rappresentante", "delegato"]


def _known_territory(code: str) -> str:
    try:
        resolve(code)
    except UnknownTerritoryCodeError:
        raise refusal("unknown_istat_code", code=repr(code)) from None
    return code


IstatCode = Annotated[
    str, Field(pattern=r"^(\d{2}|\d{3}|\d{6})$"), AfterValidator(_known_territory)
]
NATIONAL = "IT"
"""Region code given to central administrations, which belong to no region."""

Share = Annotated[Decimal, Field(ge=0, le=100), BeforeValidator(decimal_input)]
"""A share in per cent, 0 to 100, as a number or plain decimal text (not only whole).

The bounds come first so that pydantic-core checks them with the decimal (after the
BeforeValidator they were checked in Python, and written as ``ge``/``le`` in the JSON
Schema, which has no such keywords: now ``minimum``/``maximum``)."""


class CaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Applicant(CaseModel):
    name: Text = Field(min_length=1)
    body_type: BodyType
    istat_code: IstatCode | None = Field(
        default=None,
        description="ISTAT code of the comune (6 digits), province (3) or region (2); "
        "absent only for a central administration.",
    )
    resident_population: Inhabitants | None = Field(
        default=None,
        description="Resident population of the body's territory (ISTAT); a criterion an "
        "allocation round may weigh.",
    )
    spending_capacity: Share | None = Field(
        default=None,
        description="The body's capacity to spend 2014-2020 structural funds, in per cent; a "
        "criterion an allocation round may weigh.",
    )

    @model_validator(mode="after")
    def _code_resolves(self) -> Applicant:
        if self.body_type == "amministrazione_centrale":
            if self.istat_code is not None:
                raise refusal("central_administration_with_code")
        elif self.istat_code is None:
            raise refusal("istat_code_required", body_type=repr(self.body_type))
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def region_code(self) -> str:
        """ISTAT region code (two digits), or ``IT`` for a central administration."""
        return NATIONAL if self.istat_code is None else resolve(self.istat_code).region_code

    @computed_field  # type: ignore[prop-decorator]
    @property
    def nuts2(self) -> str | None:
        return None if self.istat_code is None else resolve(self.istat_code).nuts2


class Submitter(CaseModel):
    role: SubmitterRole
    name: Text = Field(min_length=1)
    delegation_reference: Text | None = Field(
        default=None, description="Protocol reference of the delegation, for a delegate."
    )


class HiresRequest(CaseModel):
    """Posts requested, by professional profile (DL 124/2023)."""

    tecnico: Count = 0
    economico_statistico: Count = 0
    informatico_digitale: Count = 0
    giuridico_amministrativo: Count = 0
    ecologico_ambientale: Count = 0
    culturale: Count = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        return (
            self.tecnico
            + self.economico_statistico
            + self.informatico_digitale
            + self.giuridico_amministrativo
            + self.ecologico_ambientale
            + self.culturale
        )


class HiringConditions(CaseModel):
    """What a hiring application declares about the posts (DL 124/2023, art. 19).

    Each flag is a declaration the body makes; one left out is not made (false), and the
    rules refuse a hiring application that does not make all of them.
    """

    permanent_contracts: Flag = Field(
        default=False, description="The posts are filled with permanent contracts."
    )
    additional_posts: Flag = Field(
        default=False, description="The posts are additional to the body's existing staff."
    )
    cohesion_policy_only: Flag = Field(
        default=False, description="The staff hired work on cohesion policy only."
    )
    funding_capcoe_then_state: Flag = Field(
        default=False,
        description="The posts are paid by CapCoe until the end of its funding, then by "
        "the State budget.",
    )


class NeedsAnalysis(CaseModel):
    present: Flag
    reference: Text | None = None
    declared_need_posts: Count = Field(default=0, description="Posts the body says it lacks.")
    capacity_gap: Percent = Field(
        default=0, description="Share of needed staff that is missing, in %."
    )


class Application(CaseModel):
    """A request for CapCoe support by one public body."""

    case_type: Literal["application"] = "application"
    id: Text = Field(min_length=1)
    applicant: Applicant
    submitter: Submitter
    submitted_at: Instant
    area: InterventionArea
    hires: HiresRequest = HiresRequest()
    hiring_conditions: HiringConditions = HiringConditions()
    amount_requested: Money = Field(ge=0)
    needs_analysis: NeedsAnalysis

    def default_as_of(self) -> dt.date:
        """The date a decision on this case is taken as of: its submission day in Rome."""
        return self.submitted_at.astimezone(ROME).date()
