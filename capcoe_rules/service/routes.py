"""The routes of one rule set: decisions, batches, allocation rounds, its description, schemas.

Routes are the methods of :class:`RuleSetRoutes`; each reads its own request body (within
the size limit, and with the library's own parsing, so that the service decides exactly
what ``Engine.evaluate`` decides) and answers with the library's bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import TypeAdapter, ValidationError, create_model
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from capcoe_rules.allocation import AllocationResult, RoundError, allocate_round
from capcoe_rules.batch.reading import Record, parse_record
from capcoe_rules.case_messages import case_problem, count, validation_problems
from capcoe_rules.engine import Engine
from capcoe_rules.errors import CaseError, EvaluationError, FieldProblem, RecordError, Text
from capcoe_rules.language.description import RuleSetDescription, describe
from capcoe_rules.models.inputs import Day
from capcoe_rules.models.round_input import AllocationRound
from capcoe_rules.schemas import SCHEMAS, schema_text
from capcoe_rules.service.bodies import BodyTooLargeError, Line, read_body, read_lines
from capcoe_rules.service.language import Language, answer_language
from capcoe_rules.service.models import (
    BatchErrorLine,
    ErrorBody,
    ExplanationLine,
    SchemaLink,
)
from capcoe_rules.service.responses import (
    JSON,
    error_response,
    explanation,
    invalid,
    problem_out,
)

JSON_LINES = "application/x-ndjson"
RULESET_HEADER = "capcoe-ruleset"
TOO_LARGE = Text("Request body too large", "Corpo della richiesta troppo grande")
EVALUATION_FAILED = Text(
    "The rules could not evaluate the case", "Le regole non hanno potuto valutare il caso"
)
CANNOT_HOLD = Text("The round cannot be held", "Il riparto non può essere tenuto")
INVALID_ROUND = Text("Invalid round", "Riparto non valido")
NO_SUCH_SCHEMA = Text("No such schema", "Schema inesistente")
Asked = Annotated[Language, Depends(answer_language)]
"""The language of the request's answers (and a refusal of an unknown one)."""
_EXPLANATION = TypeAdapter(list[ExplanationLine])

CASE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            JSON: {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Application"},
                        {"$ref": "#/components/schemas/PaymentClaim"},
                    ]
                }
            }
        },
    }
}
BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One case (application or payment claim) per line: JSON Lines.",
        "content": {JSON_LINES: {"schema": {"type": "string"}}},
    }
}
ROUND_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/AllocationRound"}}},
    }
}
ERRORS: dict[int | str, dict[str, Any]] = {
    406: {"model": ErrorBody, "description": "Accept-Language names neither it nor en"},
    413: {"model": ErrorBody, "description": "The request body is over the size limit"},
    422: {"model": ErrorBody, "description": "What was sent is not valid: each field and why"},
    500: {"model": ErrorBody, "description": "A rule of the rule set could not be evaluated"},
}


class RuleSetRoutes:
    """Every route of one rule set (one :class:`Engine`)."""

    def __init__(self, engine: Engine, limit: int) -> None:
        self.engine = engine
        self.limit = limit
        ruleset = engine.ruleset
        self.headers = {RULESET_HEADER: f"{ruleset.name} {ruleset.version} {ruleset.content_hash}"}
        self._description = describe(ruleset).to_json()
        self._schemas: dict[str, str] = {}  # built on first request: decision schemas are large
        models = engine.decision_models
        decisions: Any = models.application | models.payment
        self._decisions = decisions
        self._explained = create_model(
            f"ExplainedDecision_{slug(ruleset.name + '_' + ruleset.version)}",
            decision=(decisions, ...),
            explanation=(list[ExplanationLine], ...),
        )

    def router(self, prefix: str, tag: str) -> APIRouter:
        """The routes under ``prefix``, with operation ids and OpenAPI tags from ``tag``."""
        router = APIRouter(prefix=prefix, tags=[tag])
        name = slug(tag)
        decided = {"model": self._decisions | self._explained, "description": "The decision"}
        router.add_api_route(
            "/decisions",
            self.decide,
            methods=["POST"],
            operation_id=f"decide_{name}",
            summary="Decide one case",
            response_class=Response,
            responses={200: decided, **ERRORS},
            openapi_extra=CASE_BODY,
        )
        router.add_api_route(
            "/decisions:batch",
            self.decide_batch,
            methods=["POST"],
            operation_id=f"decide_batch_{name}",
            summary="Decide many cases, JSON Lines in and out",
            response_class=StreamingResponse,
            responses={
                200: {
                    "description": "A line per non-blank input line, in input order: the "
                    "decision, or a BatchErrorLine (the line's number and each problem)",
                    "content": {JSON_LINES: {"schema": {"type": "string"}}},
                },
                406: ERRORS[406],
                422: ERRORS[422],
            },
            openapi_extra=BATCH_BODY,
        )
        router.add_api_route(
            "/allocations",
            self.allocate,
            methods=["POST"],
            operation_id=f"allocate_{name}",
            summary="Hold an allocation round",
            response_class=Response,
            responses={200: {"model": AllocationResult, "description": "The result"}, **ERRORS},
            openapi_extra=ROUND_BODY,
        )
        router.add_api_route(
            "/ruleset",
            self.describe,
            methods=["GET"],
            operation_id=f"ruleset_{name}",
            summary="The rule set: version, period in force, rules with citations, parameters",
            response_class=Response,
            responses={
                200: {"model": RuleSetDescription, "description": "The rule set"},
                406: ERRORS[406],
                422: ERRORS[422],
            },
        )
        router.add_api_route(
            "/schemas",
            self.list_schemas,
            methods=["GET"],
            operation_id=f"schemas_{name}",
            summary="The JSON Schemas of cases, decisions, rounds and rule files",
            response_model=list[SchemaLink],
            responses={406: ERRORS[406], 422: ERRORS[422]},
        )
        router.add_api_route(
            "/schemas/{name}",
            self.schema,
            methods=["GET"],
            operation_id=f"schema_{name}",
            summary="One JSON Schema (decisions typed by this rule set)",
            response_class=Response,
            responses={
                200: {"description": "A JSON Schema"},
                404: {"model": ErrorBody},
                406: ERRORS[406],
                422: ERRORS[422],
            },
        )
        return router

    async def decide(
        self, request: Request, language: Asked, explain: bool = False, as_of: Day | None = None
    ) -> Response:
        """The decision on an application or a payment claim, as the library writes it.

        `explain=true`: `{"decision": ..., "explanation": [...]}`, with every rule
        considered in words (it, en). `as_of`: decide as of this date (default: the date
        the case carries, as `capcoe-rules evaluate` does).
        """
        try:
            body = await read_body(request, self.limit)
        except BodyTooLargeError as error:
            return too_large(error, language)
        try:
            decision = self.engine.evaluate(body, as_of=as_of)
        except CaseError as error:
            return invalid(error.problems, language)
        except EvaluationError as error:
            return error_response(500, EVALUATION_FAILED, language, [failed(error)])
        text = decision.to_json()
        if explain:
            lines = _EXPLANATION.dump_json(explanation(decision)).decode()
            text = f'{{"decision":{text},"explanation":{lines}}}'
        return Response(text, media_type=JSON, headers=self.headers)

    async def decide_batch(
        self, request: Request, language: Asked, as_of: Day | None = None
    ) -> Response:
        """Each line decided as it arrives and answered at once, in input order.

        A bad line is answered with its number and problems (a `BatchErrorLine`), and the
        other lines are still decided. A line longer than the size limit is refused by
        its number; the body as a whole has no limit, since it is never held whole.
        """

        async def answers() -> AsyncIterator[bytes]:
            try:
                async for lines in read_lines(request, self.limit):
                    answered = (self._decide_line(line, as_of, language) for line in lines)
                    yield "".join(answered).encode()
            except ClientDisconnect:
                return

        return DuplexStreamingResponse(answers(), media_type=JSON_LINES, headers=self.headers)

    async def allocate(self, request: Request, language: Asked) -> Response:
        """An allocation round, as `capcoe-rules allocate` holds it.

        Only eligible hiring applications take part; one that is not valid is listed in
        the result's `invalid` (source `applications.N`) and the round is still held.
        422 when the round itself cannot be held (its date, its method).
        """
        try:
            body = await read_body(request, self.limit)
        except BodyTooLargeError as error:
            return too_large(error, language)
        try:
            round_input = AllocationRound.model_validate_json(body)
        except ValidationError as error:
            return invalid(validation_problems(error, AllocationRound), language, INVALID_ROUND)
        hold = functools.partial(
            allocate_round,
            self.engine,
            round_input.applications,
            as_of=round_input.as_of,
            method=round_input.method,
            sources=[f"applications.{n}" for n in range(len(round_input.applications))],
        )
        try:  # seconds for a national round: in a thread, so other requests go on
            result = await anyio.to_thread.run_sync(hold)
        except RoundError as error:
            return error_response(422, CANNOT_HOLD, language, [error.problem])
        except EvaluationError as error:
            return error_response(500, EVALUATION_FAILED, language, [failed(error)])
        return Response(result.to_json(), media_type=JSON, headers=self.headers)

    async def describe(self, language: Asked) -> Response:
        """Name, version, content hash, period in force, every rule with its title and
        citation, every parameter with its dated values."""
        return Response(self._description, media_type=JSON, headers=self.headers)

    async def list_schemas(self, request: Request, language: Asked) -> list[SchemaLink]:
        here = request.url.path.rstrip("/")
        return [
            SchemaLink(name=kind.name, title=kind.title, href=f"{here}/{kind.name}")
            for kind in SCHEMAS.values()
        ]

    async def schema(self, name: str, language: Asked) -> Response:
        """The JSON Schema `name` (see `GET .../schemas`), as `capcoe-rules schema NAME`."""
        if name not in SCHEMAS:
            unknown = case_problem("name", "unknown_schema", name, names=list(SCHEMAS))
            return error_response(404, NO_SUCH_SCHEMA, language, [unknown])
        if name not in self._schemas:
            self._schemas[name] = schema_text(name, self.engine.decision_models)
        return Response(self._schemas[name], media_type="application/schema+json")

    def _decide_line(self, line: Line, as_of: dt.date | None, language: Language) -> str:
        if line.text is None:
            problem = case_problem("", "line_too_long", limit=count(self.limit))
            return error_line(RecordError(line.number, None, (problem,)), language)
        parsed = parse_record(Record(line.number, line.text))
        if isinstance(parsed, RecordError):
            return error_line(parsed, language)
        case_id = str(getattr(parsed, "id", "")) or None
        try:
            return self.engine.evaluate(parsed, as_of=as_of).to_json() + "\n"
        except CaseError as error:
            return error_line(RecordError(line.number, case_id, tuple(error.problems)), language)
        except EvaluationError as error:
            return error_line(RecordError(line.number, case_id, (failed(error),)), language)


def failed(error: EvaluationError) -> FieldProblem:
    return case_problem("", "evaluation_failed", error=error.text)


def error_line(error: RecordError, language: Language) -> str:
    errors = [problem_out(problem, language) for problem in error.problems]
    return BatchErrorLine(line=error.line, id=error.case_id, errors=errors).model_dump_json() + "\n"


def too_large(error: BodyTooLargeError, language: Language) -> Response:
    # Connection: close, since the rest of the body is left unread.
    problem = case_problem("", "body_too_large", limit=count(error.limit))
    return error_response(413, TOO_LARGE, language, [problem], headers={"connection": "close"})


def slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_")


class DuplexStreamingResponse(StreamingResponse):
    """Streams its body while the request body is still being read.

    Starlette's own streaming response listens for the client's disconnection by reading
    the request, which would take the request body's chunks away from the generator that
    decides them; here only the generator reads the request (and stops when the client
    goes away).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.stream_response(send)
        except OSError:
            raise ClientDisconnect() from None
