"""The service's own answers: errors in the request's language and in both, and decisions
explained in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi.responses import Response

from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import FieldProblem, Text
from capcoe_rules.models.decision import Finding
from capcoe_rules.service.language import Language
from capcoe_rules.service.models import Bilingual, ErrorBody, ExplanationLine, FieldProblemOut

JSON = "application/json"
INVALID_CASE = Text("Invalid case", "Caso non valido")


def problem_out(problem: FieldProblem, language: Language) -> FieldProblemOut:
    hint = problem.hint
    italian, english = problem.message_in("it"), problem.message_in("en")
    return FieldProblemOut(
        path=problem.path,
        code=problem.code or None,
        message=italian if language == "it" else english,
        message_it=italian,
        message_en=english,
        hint=None if hint is None else hint.pick(language),
        hint_it=None if hint is None else hint.it,
        hint_en=None if hint is None else hint.en,
    )


def error_response(
    status: int,
    error: Text,
    language: Language,
    problems: Iterable[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = ErrorBody(
        language=language,
        error=error.pick(language),
        error_it=error.it,
        error_en=error.en,
        problems=[problem_out(problem, language) for problem in problems],
    )
    return Response(body.model_dump_json(), status_code=status, media_type=JSON, headers=headers)


def invalid(
    problems: Sequence[FieldProblem], language: Language, error: Text = INVALID_CASE
) -> Response:
    return error_response(422, error, language, problems)


STATUS_WORDS = {
    "met": ("soddisfatta", "met"),
    "not_met": ("non soddisfatta", "not met"),
    "warning": ("avvertenza", "warning"),
    "not_applicable": ("non applicabile", "not applicable"),
    "computed": ("calcolato", "computed"),
}


def explanation(decision: AnyDecision) -> list[ExplanationLine]:
    """Every rule considered, in the order the decision lists them: for a payment claim
    each milestone's rules, then the claim's."""
    return [
        ExplanationLine(
            rule_id=step.finding.rule_id,
            milestone_id=step.place.milestone_id,
            status=step.finding.status,
            text=Bilingual(it=_sentence(step.finding, "it"), en=_sentence(step.finding, "en")),
        )
        for step in decision.explanation()
    ]


def _sentence(finding: Finding, language: str) -> str:
    italian = language == "it"
    status = (
        "warning"
        if finding.status == "not_met" and finding.severity == "warning"
        else finding.status
    )
    words = STATUS_WORDS[status][0 if italian else 1]
    parts = [f"{finding.rule_id} {words}: {finding.title.pick(language)}."]
    if finding.message is not None:
        parts.append(f"{finding.message.pick(language)}.")
    if finding.derives is not None:
        parts.append(f"{finding.derives} = {_shown(finding.value)}.")
    assumption = " (ipotesi)" if italian else " (assumption)"
    basis = finding.basis + (assumption if finding.provenance == "assumption" else "")
    parts.append(f"{'Fonte' if italian else 'Basis'}: {basis}.")
    if finding.values:
        read = "; ".join(f"{name} = {_shown(value)}" for name, value in finding.values.items())
        parts.append(f"{'Valori letti' if italian else 'Values read'}: {read}.")
    return " ".join(parts)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None:
        return "-"
    return str(value)
