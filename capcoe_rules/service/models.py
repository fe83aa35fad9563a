"""What the service answers besides decisions, as pydantic models (and so in the OpenAPI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from capcoe_rules.models.decision import RuleSetRef


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bilingual(_Answer):
    it: str
    en: str


class FieldProblemOut(_Answer):
    """One thing wrong in what was sent: where (a dotted field path, "" for the whole), its
    kind, and why and how to fix it in the request's language, then in each language."""

    path: str
    code: str | None = None
    """The kind of problem (``missing``, ``date_parsing``, ``unknown_istat_code``...)."""
    message: str
    """In the request's language (``?lang``, ``Accept-Language``; Italian by default)."""
    message_it: str
    message_en: str
    hint: str | None = None
    """How to fix it, where known, in the request's language."""
    hint_it: str | None = None
    hint_en: str | None = None


class ErrorBody(_Answer):
    """Why a request was refused (422, 404, 406, 413, 500): a summary and each problem,
    in the request's language (``language``) and in each language."""

    language: Literal["it", "en"]
    error: str
    error_it: str
    error_en: str
    problems: list[FieldProblemOut] = []


class BatchErrorLine(_Answer):
    """A line of ``POST /v1/decisions:batch`` that could not be decided, in place of its
    decision: the CLI's error-file line, each message in the request's language and in
    Italian and English."""

    line: int
    id: str | None
    errors: list[FieldProblemOut]


class ExplanationLine(_Answer):
    """One rule considered, in words: what it said about the case and why."""

    rule_id: str
    milestone_id: str | None
    """For a payment claim: the milestone the rule judged (None for the claim itself)."""
    status: Literal["met", "not_met", "not_applicable", "computed"]
    text: Bilingual


class Health(_Answer):
    status: Literal["ok"]
    rulesets: list[RuleSetRef]
    default: str
    """The version ``/v1/...`` decides with; every version also under ``/v1/rulesets/V/``."""


class SchemaLink(_Answer):
    name: str
    title: str
    href: str


class RuleSetLink(_Answer):
    name: str
    version: str
    content_hash: str
    default: bool
    href: str
