"""The language a request is answered in: Italian, unless it asks for English.

As on the command line: Italian by default (the users are the programme's officers),
English on request, and a language capcoe-rules does not speak is an error, never a
silent fall back. A request asks with ``?lang=en`` (which wins), or with the standard
``Accept-Language`` header (``en-GB,en;q=0.9``: the supported language with the highest
weight; ``*`` is Italian). A ``lang`` other than ``it`` or ``en`` is a 422; an
``Accept-Language`` that names neither (and no ``*``) a 406, the status HTTP gives to a
negotiation that cannot be satisfied.

Every error body speaks that language in its ``error``, ``message`` and ``hint`` fields,
and carries both in ``..._it`` and ``..._en`` (:mod:`.responses`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Header, Query, Request

from capcoe_rules.case_messages import case_problem
from capcoe_rules.errors import FieldProblem

Language = Literal["it", "en"]
LANGUAGES: dict[str, Language] = {"it": "it", "en": "en"}
DEFAULT_LANGUAGE: Language = "it"
_TAGS: dict[str, Language] = {**LANGUAGES, "*": DEFAULT_LANGUAGE}
"""What an ``Accept-Language`` tag's primary part stands for (``it-IT`` is ``it``)."""


class UnknownLanguageError(Exception):
    """A request that asks for a language capcoe-rules does not speak."""

    def __init__(self, value: str, status: int, path: str) -> None:
        super().__init__(value)
        self.status = status
        self.problem: FieldProblem = case_problem(path, "unknown_language", value)


def language_of(request: Request) -> Language:
    """The language ``request`` asks for; :class:`UnknownLanguageError` for another one."""
    asked = request.query_params.get("lang")
    if asked is not None:
        if asked in LANGUAGES:
            return LANGUAGES[asked]
        raise UnknownLanguageError(asked, 422, "lang")
    header = request.headers.get("accept-language")
    if header is None or not header.strip():
        return DEFAULT_LANGUAGE
    negotiated = negotiate(header)
    if negotiated is None:
        raise UnknownLanguageError(header, 406, "accept-language")
    return negotiated


def language_or_default(request: Request) -> Language:
    """The language of ``request``, Italian when it asks for an unknown one: for errors
    found before its language was checked (an unknown route), which carry both anyway."""
    try:
        return language_of(request)
    except UnknownLanguageError:
        return DEFAULT_LANGUAGE


def negotiate(header: str) -> Language | None:
    """The supported language an ``Accept-Language`` value weighs most (the first of
    equal weights), or None if it admits neither."""
    best: tuple[float, Language] | None = None
    for item in header.split(","):
        tag, _, parameters = item.partition(";")
        found = _TAGS.get(tag.strip().lower().split("-")[0])
        weight = _weight(parameters)
        if found is not None and weight > 0 and (best is None or weight > best[0]):
            best = (weight, found)
    return None if best is None else best[1]


def _weight(parameters: str) -> float:
    """The ``q`` of an ``Accept-Language`` item (1 when absent, 0 when unreadable)."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0 <= weight <= 1 else 0.0
    return 1.0


async def answer_language(
    request: Request,
    lang: Annotated[
        str | None,
        Query(description="The language of error messages: it (default) or en"),
    ] = None,
    accept_language: Annotated[
        str | None,
        Header(description="Used when there is no lang: it or en (weights honoured)"),
    ] = None,
) -> Language:
    """The route dependency that refuses an unknown language before anything is done,
    and documents ``lang`` and ``Accept-Language`` in the OpenAPI."""
    return language_of(request)
