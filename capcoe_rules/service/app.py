"""The decision service: the routes of every rule set served, the index, errors, OpenAPI.

The first rule set given answers under ``/v1/...``; every rule set (the first too) also
answers under ``/v1/rulesets/{version}/...``, so that two versions can be compared side
by side. Each decision names the version that took it (``ruleset.version``, and the
``capcoe-ruleset`` response header).

A decision is answered as the library writes it: the bytes of
``Engine.evaluate(case).to_json()`` (:mod:`.routes`). Requests are read within a size
limit (413 above it); a malformed case is a 422 whose body lists each field path and
reason in the request's language (:mod:`.language`) and in both Italian and English, and
so is every other error the service answers.
Decisions are cheap (well under a millisecond) and are taken on the event loop; an
allocation round, which can take seconds, runs in a worker thread so that it never holds
up other requests.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException

from capcoe_rules.case_messages import describe
from capcoe_rules.engine import Engine
from capcoe_rules.errors import Text
from capcoe_rules.models.application import Application
from capcoe_rules.models.decision import RuleSetRef
from capcoe_rules.models.payment import PaymentClaim
from capcoe_rules.models.round_input import AllocationRound
from capcoe_rules.service import DEFAULT_MAX_BODY_BYTES
from capcoe_rules.service.language import (
    DEFAULT_LANGUAGE,
    UnknownLanguageError,
    answer_language,
    language_or_default,
)
from capcoe_rules.service.models import Health, RuleSetLink
from capcoe_rules.service.responses import error_response, invalid
from capcoe_rules.service.routes import RuleSetRoutes


def create_app(
    engines: Sequence[Engine], *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> FastAPI:
    """The service deciding with ``engines`` (the first is the default); raises
    ``ValueError`` for no engine or two of the same version."""
    if not engines:
        raise ValueError("the service needs at least one rule set")
    versions = [engine.ruleset.version for engine in engines]
    repeated = sorted({version for version in versions if versions.count(version) > 1})
    if repeated:
        raise ValueError(f"two rule sets with version {', '.join(repeated)}: serve one of each")
    from capcoe_rules import __version__  # noqa: PLC0415 (the package imports the engine first)

    app = FastAPI(
        title="capcoe-rules",
        version=__version__,
        summary="Decisions of the CapCoe 2021-2027 rule set over HTTP",
        description=_DESCRIPTION,
        redoc_url=None,
    )
    routes = [RuleSetRoutes(engine, max_body_bytes) for engine in engines]
    app.include_router(routes[0].router("/v1", "default"))
    for engine, served in zip(engines, routes, strict=True):
        version = engine.ruleset.version
        app.include_router(served.router(f"/v1/rulesets/{version}", f"rule set {version}"))
    _add_index(app, engines)
    _add_error_handlers(app)
    app.openapi = functools.partial(_openapi, app)  # type: ignore[method-assign]
    return app


_DESCRIPTION = """\
A case (an application or a payment claim) in, its decision out, exactly as the
capcoe-rules library writes it. Every decision names the rule set, version and content
hash that took it. Errors answer in the request's language (`?lang=en` or
`Accept-Language: en` for English; Italian by default), and carry each message in Italian
and English too (`message_it`, `message_en`).

`/v1/...` decides with the default rule set; `/v1/rulesets/{version}/...` with any rule
set served (see `GET /v1/rulesets`).
"""


def _add_index(app: FastAPI, engines: Sequence[Engine]) -> None:
    default = engines[0].ruleset.version

    @app.get("/health", tags=["service"], response_model=Health, summary="Is the service up")
    async def health() -> Health:
        return Health(
            status="ok",
            rulesets=[RuleSetRef.of(engine.ruleset) for engine in engines],
            default=default,
        )

    @app.get(
        "/v1/rulesets",
        tags=["service"],
        response_model=list[RuleSetLink],
        summary="The rule sets served, side by side",
        dependencies=[Depends(answer_language)],
    )
    async def rulesets() -> list[RuleSetLink]:
        return [
            RuleSetLink(
                name=engine.ruleset.name,
                version=engine.ruleset.version,
                content_hash=engine.ruleset.content_hash,
                default=engine.ruleset.version == default,
                href=f"/v1/rulesets/{engine.ruleset.version}",
            )
            for engine in engines
        ]


def _add_error_handlers(app: FastAPI) -> None:
    async def invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problems = [
            describe(
                ".".join(str(part) for part in item.get("loc", ())),
                str(item.get("type", "")),
                {k: v for k, v in (item.get("ctx") or {}).items() if k != "error"},
                item.get("input"),
                detail=str(item.get("msg", "")).removeprefix("Value error, "),
            )
            for item in jsonable_encoder(error.errors(), custom_encoder={Exception: str})
        ]
        return invalid(problems, language_or_default(request), INVALID_REQUEST)

    async def unknown_language(request: Request, error: Exception) -> Response:
        assert isinstance(error, UnknownLanguageError)
        return error_response(error.status, UNKNOWN_LANGUAGE, DEFAULT_LANGUAGE, [error.problem])

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        code = error.status_code
        summary = _HTTP_WORDS.get(code) or Text(f"HTTP error {code}", f"Errore HTTP {code}")
        language = language_or_default(request)
        return error_response(code, summary, language, headers=error.headers)

    async def internal_error(request: Request, error: Exception) -> Response:
        return error_response(500, INTERNAL_ERROR, language_or_default(request))

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(UnknownLanguageError, unknown_language)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)


INVALID_REQUEST = Text("Invalid request", "Richiesta non valida")
UNKNOWN_LANGUAGE = Text("Unknown language", "Lingua sconosciuta")
INTERNAL_ERROR = Text("Internal error", "Errore interno")
_HTTP_WORDS: dict[int, Text] = {
    400: Text("Bad request", "Richiesta errata"),
    404: Text("Not found", "Non trovato"),
    405: Text("Method not allowed", "Metodo non consentito"),
    415: Text("Unsupported media type", "Tipo di contenuto non supportato"),
}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's OpenAPI, plus the input models the routes read themselves (to keep the
    library's exact parsing and a size limit), so that the request bodies are documented."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        _, inputs = models_json_schema(
            [
                (Application, "validation"),
                (PaymentClaim, "validation"),
                (AllocationRound, "validation"),
            ],
            ref_template="#/components/schemas/{model}",
        )
        for name, definition in inputs.get("$defs", {}).items():
            if components.setdefault(name, definition) != definition:
                raise RuntimeError(f"two OpenAPI components named {name}")
        app.openapi_schema = schema
    return app.openapi_schema
