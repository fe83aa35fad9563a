"""Hypothesis strategies for applications: valid by construction, steerable, and invalid.

Valid applications
    :func:`applications` draws JSON-ready mappings (what a portal would send: text,
    numbers, ``true``/``false``, ISO timestamps) that the :class:`~capcoe_rules.Application`
    model accepts and that the engine decides without error. Steer them by region
    category, body type and intervention area, and push them onto the boundaries where
    decisions flip: the hiring window's 12:00:00 edges, the days parameters change, the
    per-application cap of posts, the area's maximum amount.
    :func:`boundary_applications` mixes every boundary.

Invalid applications
    One strategy per kind of mistake, each drawing an :class:`InvalidCase` (the case and
    the field a clean refusal names): :func:`wrong_types`, :func:`unknown_codes`,
    :func:`unknown_fields`, :func:`negative_amounts`, :func:`out_of_range_values`,
    :func:`broken_dates`, :func:`out_of_period_dates`, :func:`inconsistent_applicants`;
    :func:`invalid_applications` mixes them all. The engine must refuse every one with a
    :class:`~capcoe_rules.CaseError` whose ``problems`` name the field.

Every strategy takes ``facts``: what it knows of the rule set (its period, regions table,
window, caps, maxima), by default the bundled CapCoe rule set's. Pass
``RuleSetFacts.from_ruleset(engine.ruleset)`` when you decide cases with other rule files.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, get_args

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn

from capcoe_rules.models.application import (
    NATIONAL,
    Applicant,
    Application,
    BodyType,
    HiresRequest,
    HiringConditions,
    InterventionArea,
    NeedsAnalysis,
    Submitter,
    SubmitterRole,
)
from capcoe_rules.models.inputs import ROME
from capcoe_rules.territory import comuni
from capcoe_rules.testing.strategies.facts import BUNDLED, RuleSetFacts
from capcoe_rules.testing.strategies.invalid import InvalidCase
from capcoe_rules.testing.strategies.territory import (
    TerritoryLevel,
    istat_codes,
)

__all__ = [
    "AREAS",
    "BODY_TYPES",
    "PROFILES",
    "ROLES",
    "applications",
    "boundary_applications",
    "broken_dates",
    "inconsistent_applicants",
    "invalid_applications",
    "negative_amounts",
    "out_of_period_dates",
    "out_of_range_values",
    "unknown_codes",
    "unknown_fields",
    "wrong_types",
]

Case = dict[str, Any]

CENTRAL = "amministrazione_centrale"
HIRING = "assunzioni"
BODY_TYPES: tuple[str, ...] = get_args(BodyType)
AREAS: tuple[str, ...] = get_args(InterventionArea)
ROLES: tuple[str, ...] = get_args(SubmitterRole)
PROFILES: tuple[str, ...] = tuple(HiresRequest.model_fields)
HIRING_CONDITIONS: tuple[str, ...] = tuple(HiringConditions.model_fields)
"""The declarations a hiring application makes (DL 124/2023, art. 19)."""
MAX_CENTS = 10**15 - 1
"""The largest amount the model accepts: 15 digits, two of them decimals."""
PIECES = 64
"""Slices of a span of time, drawn uniformly before an instant within the slice."""
NEAR_SECONDS = 5
"""How far from a dated boundary a "near" submission falls, at most, in seconds."""


# --------------------------------------------------------------------------------------
# Valid applications
# --------------------------------------------------------------------------------------


def applications(
    *,
    region_category: str | None = None,
    body_type: str | None = None,
    area: str | None = None,
    near_window_boundary: bool = False,
    near_parameter_change: bool = False,
    near_hiring_cap: bool = False,
    near_amount_maximum: bool = False,
    facts: RuleSetFacts = BUNDLED,
) -> st.SearchStrategy[Case]:
    """Applications, as JSON-ready mappings, valid by construction.

    Every mapping drawn is accepted by :class:`~capcoe_rules.Application` and decided by
    the engine without error (its submission day in Rome lies in the rule set's period).
    Cases are eligible or not: the strategy follows the model, not the rules. Left free,
    each choice covers its whole range, with extra weight on the combinations the
    programme admits and on boundaries, so that every rule is seen both met and not met.

    :param region_category: ``meno_sviluppata``, ``in_transizione``, ``piu_sviluppata`` or
        ``nazionale`` (a category of the regions table). ``nazionale`` means a central
        administration, which has no ISTAT code.
    :param body_type: one of :data:`BODY_TYPES`; a central administration's category is
        always ``nazionale``. The ISTAT code mostly fits the body: a comune's code for a
        comune or a union of comuni, a province's for a province (a metropolitan city's
        where the region has one), a region's for a region; one time in four it is any
        other code of the same regions, which the model accepts as well.
    :param area: one of :data:`AREAS`.
    :param near_window_boundary: submitted within :data:`NEAR_SECONDS` seconds (or one
        microsecond) of an edge of the hiring window; a hiring application unless ``area``
        says otherwise.
    :param near_parameter_change: submitted within seconds of midnight, in Rome, of a day
        on which a parameter changes value (e.g. the regional action plans' approval).
    :param near_hiring_cap: a hiring application (unless ``area`` says otherwise) asking
        for the body type's per-application maximum of posts, one less or one more, with a
        declared need of as many posts, one less or one more.
    :param near_amount_maximum: an amount within three cents of the area's maximum.
    :param facts: the rule set's facts (default: the bundled CapCoe rule set's).
    :raises hypothesis.errors.InvalidArgument: for an unknown value, a contradictory
        combination, or a boundary the rule set does not have.
    """
    _check_choice("region_category", region_category, sorted(facts.categories))
    _check_choice("body_type", body_type, BODY_TYPES)
    _check_choice("area", area, AREAS)
    national = facts.region_categories.get(NATIONAL)
    if body_type == CENTRAL and region_category not in (None, national):
        raise InvalidArgument(f"a central administration's region category is {national!r}")
    if (
        region_category is not None
        and region_category == national
        and body_type
        not in (
            None,
            CENTRAL,
        )
    ):
        raise InvalidArgument(f"only a central administration is {national!r}")
    if near_window_boundary and not facts.hiring_window_edges:
        raise InvalidArgument("the rule set has no hiring window (near_window_boundary)")
    if near_parameter_change and not facts.parameter_changes:
        raise InvalidArgument("no parameter of the rule set changes value (near_parameter_change)")
    if near_hiring_cap and not facts.hires_per_application:
        raise InvalidArgument("the rule set has no per-application cap of posts (near_hiring_cap)")
    if near_amount_maximum and not facts.area_maxima:
        raise InvalidArgument("the rule set has no maximum amounts (near_amount_maximum)")
    if area is None and (near_window_boundary or near_hiring_cap):
        area = HIRING
    return _applications(
        region_category=region_category,
        body_type=body_type,
        area=area,
        near_window_boundary=near_window_boundary,
        near_parameter_change=near_parameter_change,
        near_hiring_cap=near_hiring_cap,
        near_amount_maximum=near_amount_maximum,
        facts=facts,
    )


def boundary_applications(
    *,
    region_category: str | None = None,
    body_type: str | None = None,
    facts: RuleSetFacts = BUNDLED,
) -> st.SearchStrategy[Case]:
    """Applications on one of the rule set's boundaries, whichever it has."""
    common: dict[str, Any] = {
        "region_category": region_category,
        "body_type": body_type,
        "facts": facts,
    }
    steered: list[st.SearchStrategy[Case]] = []
    if facts.hiring_window_edges:
        steered.append(applications(near_window_boundary=True, **common))
    if facts.parameter_changes:
        steered.append(applications(near_parameter_change=True, **common))
    if facts.hires_per_application:
        steered.append(applications(near_hiring_cap=True, **common))
    if facts.area_maxima:
        steered.append(applications(near_amount_maximum=True, **common))
    if not steered:
        raise InvalidArgument("the rule set has none of the boundaries the strategies know")
    return st.one_of(steered)


@cache
@st.composite
def _applications(
    draw: DrawFn,
    *,
    region_category: str | None,
    body_type: str | None,
    area: str | None,
    near_window_boundary: bool,
    near_parameter_change: bool,
    near_hiring_cap: bool,
    near_amount_maximum: bool,
    facts: RuleSetFacts,
) -> Case:
    national = facts.region_categories.get(NATIONAL)
    territorial = tuple(sorted(facts.categories - {national}))
    body = body_type
    if body is None:
        if region_category is not None and region_category == national:
            body = CENTRAL
        else:
            others = tuple(kind for kind in BODY_TYPES if kind != CENTRAL)
            body = draw(_one_of_these(others if region_category is not None else BODY_TYPES))
    category: str
    if region_category is not None:
        category = region_category
    elif body == CENTRAL and national is not None:
        category = national
    else:
        category = draw(_one_of_these(territorial))
    chosen_area = area if area is not None else draw(_areas(body, category, facts))
    instant = draw(
        _instants(
            facts,
            window=near_window_boundary,
            change=near_parameter_change,
            hiring=chosen_area == HIRING,
        )
    )
    cap = facts.hires_per_application.get(body)
    total = draw(_posts(chosen_area, cap, near_hiring_cap))
    case: Case = {
        "id": draw(_case_ids()),
        "applicant": draw(_applicant(body, category, facts)),
        "submitter": draw(_submitter()),
        "submitted_at": _write_instant(draw, instant),
        "area": chosen_area,
        "amount_requested": draw(_amounts(facts.area_maxima.get(chosen_area), near_amount_maximum)),
        "needs_analysis": draw(_needs_analysis(total, near_hiring_cap)),
    }
    if draw(st.booleans()):
        case["case_type"] = "application"
    if total is not None:
        case["hires"] = draw(_split(total))
    conditions = draw(_hiring_conditions(chosen_area == HIRING))
    if conditions is not None:
        case["hiring_conditions"] = conditions
    return case


def _check_choice(name: str, value: str | None, known: Sequence[str]) -> None:
    if value is not None and value not in known:
        raise InvalidArgument(f"unknown {name} {value!r} (known: {', '.join(known)})")


@cache
def _one_of_these(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


@cache
def _areas(body: str, category: str, facts: RuleSetFacts) -> st.SearchStrategy[str]:
    """Any area, with half the weight on those the programme opens to this body and place."""
    admitted = [
        name
        for name in AREAS
        if category in facts.area_categories.get(name, ())
        and body in facts.area_body_types.get(name, ())
    ]
    anything = st.sampled_from(AREAS)
    return st.one_of(anything, st.sampled_from(admitted)) if admitted else anything


# Identity -------------------------------------------------------------------------------

_TEXT = st.characters(codec="utf-8")


def _free_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Any text a person might type, and more: accents, scripts, emoji, control chars."""
    return st.text(_TEXT, min_size=1, max_size=max_size)


@cache
def _case_ids() -> st.SearchStrategy[str]:
    formatted = st.builds(
        "CAPCOE-{}-{:06d}".format, st.integers(2021, 2029), st.integers(0, 999_999)
    )
    return st.one_of(formatted, _free_text(40))


_BODY_LABELS = {
    "comune": "Comune di",
    "unione_di_comuni": "Unione dei comuni di",
    "provincia": "Provincia di",
    "citta_metropolitana": "Città metropolitana di",
    "regione": "Regione",
    "amministrazione_centrale": "Ministero",
    "azienda_sanitaria": "ASL di",
    "camera_di_commercio": "Camera di commercio di",
}


@cache
@st.composite
def _applicant(draw: DrawFn, body: str, category: str, facts: RuleSetFacts) -> Case:
    applicant: Case = {"body_type": body}
    if body != CENTRAL:
        code = draw(_code_for(body, category, facts))
        applicant["istat_code"] = code
        place = _place_name(code)
        realistic = f"{_BODY_LABELS[body]} {place}"
        applicant["name"] = draw(st.one_of(st.just(realistic), _free_text()))
    else:
        applicant["name"] = draw(
            st.one_of(st.just("Dipartimento per le politiche di coesione"), _free_text())
        )
        if draw(st.booleans()):
            applicant["istat_code"] = None
    return applicant


def _place_name(code: str) -> str:
    return _place_names().get(code, f"(codice {code})")


@cache
def _place_names() -> dict[str, str]:
    names = {comune.province_code: comune.province_name for comune in comuni()}
    names.update((comune.istat_code, comune.name) for comune in comuni())
    return names


# Own level for each body type, and the level of its other codes.
_LEVELS: dict[str, tuple[TerritoryLevel, bool | None]] = {
    "comune": ("comune", None),
    "unione_di_comuni": ("comune", None),  # the code of its leading comune
    "provincia": ("provincia", False),
    "citta_metropolitana": ("provincia", True),
    "regione": ("regione", None),
    "azienda_sanitaria": ("provincia", None),
    "camera_di_commercio": ("provincia", None),
}


@cache
def _code_for(body: str, category: str, facts: RuleSetFacts) -> st.SearchStrategy[str]:
    """Mostly a code of the body's own level; sometimes any code of its regions."""
    level, metropolitan = _LEVELS.get(body, ("comune", None))
    try:
        own = istat_codes(category, level=level, metropolitan=metropolitan, facts=facts)
    except InvalidArgument:  # e.g. no metropolitan city in a transition region
        own = istat_codes(category, level=level, facts=facts)
    return st.one_of(own, own, own, istat_codes(category, facts=facts))


@cache
@st.composite
def _submitter(draw: DrawFn) -> Case:
    role = draw(st.sampled_from(ROLES))
    submitter: Case = {"role": role, "name": draw(_free_text())}
    reference = draw(
        st.sampled_from(
            ["present", "present", "present", "null", "absent"]
            if role == "delegato"
            else ["absent", "absent", "null", "present"]
        )
    )
    if reference == "present":
        submitter["delegation_reference"] = draw(_free_text(30))
    elif reference == "null":
        submitter["delegation_reference"] = None
    return submitter


# Time -----------------------------------------------------------------------------------


def _period(facts: RuleSetFacts) -> tuple[dt.datetime, dt.datetime]:
    """First and last instant whose day in Rome lies in the rule set's period."""
    start = dt.datetime.combine(facts.in_force_from, dt.time(), tzinfo=ROME)
    after = dt.datetime.combine(facts.in_force_to + dt.timedelta(days=1), dt.time(), tzinfo=ROME)
    return start.astimezone(dt.UTC), after.astimezone(dt.UTC) - dt.timedelta(microseconds=1)


@cache
def _instants(
    facts: RuleSetFacts, *, window: bool, change: bool, hiring: bool
) -> st.SearchStrategy[dt.datetime]:
    first, last = _period(facts)

    def between(low: dt.datetime, high: dt.datetime) -> st.SearchStrategy[dt.datetime]:
        # hypothesis favours small integers, so a plain integers(0, span) would crowd the
        # instants at ``low``: pick one of PIECES equal slices first, uniformly.
        low, high = max(low, first), min(high, last)
        span = (high - low) // dt.timedelta(microseconds=1)
        if span < 0:
            return st.nothing()
        width = span // PIECES
        return st.builds(
            lambda piece, micros: (
                low + dt.timedelta(microseconds=min(piece * width + micros, span))
            ),
            st.sampled_from(range(PIECES)),
            st.integers(0, width),
        )

    def near(edges: Sequence[dt.datetime]) -> st.SearchStrategy[dt.datetime]:
        shift = st.one_of(
            st.integers(-NEAR_SECONDS, NEAR_SECONDS).map(lambda s: dt.timedelta(seconds=s)),
            st.sampled_from([-1, 1]).map(lambda us: dt.timedelta(microseconds=us)),
        )
        return st.builds(
            lambda edge, delta: min(max(edge + delta, first), last), st.sampled_from(edges), shift
        )

    edges = [edge.astimezone(dt.UTC) for edge in facts.hiring_window_edges]
    midnights = [
        dt.datetime.combine(day, dt.time(), tzinfo=ROME).astimezone(dt.UTC)
        for day in facts.parameter_changes
    ]
    if window or change:
        return st.one_of(([near(edges)] if window else []) + ([near(midnights)] if change else []))
    choices = [between(first, last)]
    if edges:
        opened, closed = min(edges), max(edges)
        around = between(opened - dt.timedelta(days=3), closed + dt.timedelta(days=3))
        choices += [around, near(edges)] + ([around, around, around] if hiring else [])
    if midnights:
        choices.append(near(midnights))
    return st.one_of(choices)


_OFFSETS: st.SearchStrategy[dt.tzinfo] = st.one_of(
    st.sampled_from([0, 60, 120, -300, 330, 345, 840, -720]),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1),
).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))


_ZONES: st.SearchStrategy[dt.tzinfo] = st.one_of(st.just(ROME), st.just(ROME), _OFFSETS)


def _write_instant(
    draw: DrawFn, instant: dt.datetime, zones: st.SearchStrategy[dt.tzinfo] = _ZONES
) -> str:
    """``instant`` in ISO 8601 with an offset: mostly Rome's, sometimes any other.

    Where the local time in the zone drawn would fall off the calendar (year 0 or
    10000), the instant is written in UTC.
    """
    zone = draw(zones)
    try:
        text = instant.astimezone(zone).isoformat()
    except OverflowError:
        text = instant.astimezone(dt.UTC).isoformat()
    if text.endswith("+00:00") and draw(st.booleans()):
        text = text[: -len("+00:00")] + "Z"
    return text


# Posts, needs and money ---------------------------------------------------------------


@cache
def _posts(area: str, cap: int | None, near_cap: bool) -> st.SearchStrategy[int | None]:
    """Total posts asked for; None leaves ``hires`` out of the case."""
    around = [] if cap is None else sorted({max(cap - 1, 0), cap, cap + 1})
    if near_cap:
        return st.sampled_from(around or [0, 1])
    if area != HIRING:
        return st.one_of(st.none(), st.just(0), st.integers(0, 20))
    ceiling = (cap or 0) + 10 if cap else 100
    return st.one_of(
        st.integers(1, 12), st.integers(0, max(ceiling, 12)), st.sampled_from([0, 1, *around])
    )


@cache
@st.composite
def _split(draw: DrawFn, total: int) -> dict[str, int]:
    """``total`` posts spread over the profiles; profiles with none may be left out."""
    cuts = sorted(
        draw(
            st.lists(st.integers(0, total), min_size=len(PROFILES) - 1, max_size=len(PROFILES) - 1)
        )
    )
    bounds = [0, *cuts, total]
    counts = {profile: bounds[index + 1] - bounds[index] for index, profile in enumerate(PROFILES)}
    if draw(st.booleans()):
        counts = {profile: count for profile, count in counts.items() if count}
    return counts


@cache
@st.composite
def _needs_analysis(draw: DrawFn, total: int | None, near_cap: bool) -> Case:
    posts = total or 0
    if near_cap:
        need = max(posts + draw(st.sampled_from([-1, 0, 1])), 0)
    else:
        need = draw(
            st.one_of(
                st.integers(-2, 10).map(lambda extra: max(posts + extra, 0)),
                st.integers(0, 200),
            )
        )
    analysis: Case = {
        "present": draw(st.sampled_from([True, True, True, True, False])),
        "declared_need_posts": need,
        "capacity_gap": draw(st.integers(0, 100)),
    }
    reference = draw(st.sampled_from(["present", "null", "absent"]))
    if reference == "present":
        analysis["reference"] = draw(_free_text(30))
    elif reference == "null":
        analysis["reference"] = None
    return analysis


@cache
@st.composite
def _hiring_conditions(draw: DrawFn, hiring: bool) -> Case | None:
    """The declarations of a hiring application: mostly all made; else each true, false or
    left out (left out is not made), or the whole group left out (None)."""
    if hiring and draw(st.integers(0, 3)):
        return dict.fromkeys(HIRING_CONDITIONS, True)
    if draw(st.booleans()):
        return None
    made = {name: draw(st.sampled_from([True, True, False, None])) for name in HIRING_CONDITIONS}
    return {name: value for name, value in made.items() if value is not None}


@cache
def _amounts(maximum: Decimal | None, near_maximum: bool) -> st.SearchStrategy[str | int | float]:
    """Amounts around an area's maximum (if known), written as a portal may write them."""
    return _money(_amount_cents(maximum, near_maximum))


def _amount_cents(maximum: Decimal | None, near_maximum: bool) -> st.SearchStrategy[int]:
    top = int(maximum * 100) if maximum is not None else 100_000_000
    near = st.integers(-3, 3).map(lambda delta: min(max(top + delta, 0), MAX_CENTS))
    if near_maximum:
        return near
    if top == 0:  # a service the body uses: no money is asked for, mostly
        return st.one_of(st.just(0), st.just(0), near, st.integers(1, MAX_CENTS))
    within = st.integers(1, top)
    return st.one_of(
        within,
        within,
        st.integers(1, max(top // 100, 1)).map(lambda euros: euros * 100),
        st.integers(top + 1, 2 * top + 1),
        st.sampled_from([0, 1]),
        near,
        st.integers(0, MAX_CENTS),
    )


@st.composite
def _money(draw: DrawFn, cents_strategy: st.SearchStrategy[int]) -> str | int | float:
    """An amount as a portal may write it: ``"1234.50"``, ``1234.5``, ``1234``, ``"1234"``."""
    cents = draw(cents_strategy)
    euros = Decimal(cents) / 100
    forms = ["text", "text", "number"] + (["integer", "short"] if cents % 100 == 0 else [])
    form = draw(st.sampled_from(forms))
    if form == "integer":
        return cents // 100
    if form == "short":
        return str(cents // 100)
    if form == "number":
        return float(f"{euros:.2f}")
    return f"{euros:.2f}"


# --------------------------------------------------------------------------------------
# Invalid applications
# --------------------------------------------------------------------------------------


def _with(case: Case, path: str, value: Any) -> Case:
    """A deep copy of ``case`` with the dotted ``path`` set to ``value``."""
    changed = copy.deepcopy(case)
    *parents, last = path.split(".")
    target = changed
    for part in parents:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[last] = value
    return changed


def _broken(
    base: st.SearchStrategy[Case],
    kind: str,
    field: str,
    values: st.SearchStrategy[Any],
    why: str,
    enclosing: tuple[str, ...] = (),
    prepare: Callable[[Case], Case] | None = None,
) -> st.SearchStrategy[InvalidCase]:
    def build(case: Case, value: Any) -> InvalidCase:
        ready = prepare(case) if prepare is not None else case
        return InvalidCase(
            _with(ready, field, value), (field, *enclosing), kind, f"{field} = {value!r}: {why}"
        )

    return st.builds(build, base, values)


_BOOLEAN_WORDS = frozenset(
    {"yes", "no", "true", "false", "on", "off", "y", "n", "t", "f", "1", "0"}
)
_WORDS = st.text("abcdefghijklmnopqrstuvwxyzàèéìòù ", min_size=1, max_size=12).filter(
    lambda word: (
        word.strip().lower() not in _BOOLEAN_WORDS
        and word.strip().lower() not in {"nan", "inf", "infinity", "snan"}
    )
)
"""Words that no lax conversion reads as a number or a boolean."""
_CONTAINERS = st.one_of(
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
_FRACTIONS = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6).filter(
    lambda number: number != int(number)
)


def wrong_types(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications with one value of the wrong type (or no case at all).

    Only values that no lax conversion accepts: a word where a number goes, a number or
    a list where text goes, a fraction where a whole number goes, a list where an object
    goes; and cases that are not a mapping (a list, a number, broken JSON text).
    """
    base = applications(facts=facts)
    texts = st.one_of(
        st.integers(), st.floats(allow_nan=False, allow_infinity=False), _CONTAINERS, st.booleans()
    )
    whole_numbers = st.one_of(_WORDS, _FRACTIONS, _CONTAINERS, st.none())
    objects = st.one_of(_WORDS, st.integers(), st.lists(st.integers(), max_size=3))
    flags = st.one_of(
        _WORDS,
        st.integers(2, 10**6),
        st.integers(max_value=-1),
        _FRACTIONS,
        _CONTAINERS,
        st.none(),
    )
    kinds: list[st.SearchStrategy[InvalidCase]] = [
        _broken(base, "wrong_type", "id", st.one_of(texts, st.none()), "an id is text"),
        *(
            _broken(base, "wrong_type", path, st.one_of(texts, st.none()), "text expected")
            for path in ("applicant.name", "submitter.name")
        ),
        *(
            _broken(
                base,
                "wrong_type",
                path,
                st.one_of(st.integers(), _CONTAINERS, st.none()),
                "one of a closed list of words expected",
            )
            for path in ("applicant.body_type", "area", "submitter.role")
        ),
        _broken(
            base,
            "wrong_type",
            "applicant.istat_code",
            st.one_of(st.integers(), _CONTAINERS),
            "an ISTAT code is text (leading zeros matter)",
        ),
        *(
            _broken(base, "wrong_type", path, texts, "text or null expected")
            for path in ("submitter.delegation_reference", "needs_analysis.reference")
        ),
        *(
            _broken(base, "wrong_type", path, objects, "an object expected")
            for path in ("applicant", "submitter", "needs_analysis", "hires")
        ),
        _broken(
            base,
            "wrong_type",
            "submitted_at",
            st.one_of(_CONTAINERS, st.none(), st.booleans()),
            "a timestamp expected",
        ),
        _broken(
            base,
            "wrong_type",
            "amount_requested",
            st.one_of(_WORDS, _CONTAINERS, st.none(), st.booleans()),
            "an amount expected",
        ),
        *(
            _broken(base, "wrong_type", path, whole_numbers, "a whole number expected")
            for path in (
                *(f"hires.{profile}" for profile in PROFILES),
                "needs_analysis.declared_need_posts",
                "needs_analysis.capacity_gap",
            )
        ),
        *(
            _broken(
                base, "wrong_type", f"hiring_conditions.{name}", flags, "true or false expected"
            )
            for name in HIRING_CONDITIONS
        ),
        _broken(
            base,
            "wrong_type",
            "needs_analysis.present",
            flags,
            "true or false expected",
        ),
        _not_a_case(base),
    ]
    return st.one_of(kinds)


def _not_a_case(base: st.SearchStrategy[Case]) -> st.SearchStrategy[InvalidCase]:
    def broken_json(case: Case) -> InvalidCase:
        text = json.dumps(case)
        return InvalidCase(text[:-1], ("",), "wrong_type", "JSON text cut short")

    not_mappings = st.one_of(
        st.lists(st.integers(), max_size=3), st.integers(), st.none(), st.just("[1, 2]")
    ).map(lambda value: InvalidCase(value, ("",), "wrong_type", f"not a mapping: {value!r}"))
    return st.one_of(base.map(broken_json), not_mappings)


_KNOWN_CODES = frozenset(
    code
    for comune in comuni()
    for code in (comune.istat_code, comune.province_code, comune.region_code)
)


def unknown_codes(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications with a code that does not exist.

    ISTAT codes of the right shape that name no comune, province or region (refused on
    ``applicant.istat_code`` or, by the check that resolves it, on ``applicant``);
    malformed ISTAT codes; and words outside the closed lists: body type, area, role,
    case type.
    """
    base = applications(facts=facts).filter(lambda case: case["applicant"]["body_type"] != CENTRAL)
    well_formed = st.one_of(
        st.from_regex(r"\A\d{6}\Z"), st.from_regex(r"\A\d{3}\Z"), st.from_regex(r"\A\d{2}\Z")
    ).filter(lambda code: code not in _KNOWN_CODES)
    malformed = st.one_of(
        st.from_regex(r"\A\d{4,5}\Z"),
        st.from_regex(r"\A\d{7,9}\Z"),
        st.from_regex(r"\A\d?\Z"),
        st.from_regex(r"\A\d{1,5}[A-Za-z ]\d?\Z"),
        st.from_regex(r"\A \d{6}\Z"),
    )

    def unknown(values: Sequence[str]) -> st.SearchStrategy[str]:
        return _WORDS.filter(lambda word: word not in values)

    return st.one_of(
        _broken(
            base,
            "unknown_code",
            "applicant.istat_code",
            well_formed,
            "no such ISTAT code",
            enclosing=("applicant",),
        ),
        _broken(base, "unknown_code", "applicant.istat_code", malformed, "not 2, 3 or 6 digits"),
        _broken(
            applications(facts=facts),
            "unknown_code",
            "applicant.body_type",
            unknown(BODY_TYPES),
            "no such body type",
        ),
        _broken(base, "unknown_code", "area", unknown(AREAS), "no such intervention area"),
        _broken(base, "unknown_code", "submitter.role", unknown(ROLES), "no such role"),
        _broken(
            base,
            "unknown_code",
            "case_type",
            st.one_of(_WORDS.map("tipo {}".format), st.integers(), st.none()),
            "no such kind of case",
        ),
    )


_KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "": frozenset(Application.model_fields),
    "applicant": frozenset(Applicant.model_fields),
    "submitter": frozenset(Submitter.model_fields),
    "hires": frozenset(HiresRequest.model_fields),
    "needs_analysis": frozenset(NeedsAnalysis.model_fields),
    "hiring_conditions": frozenset(HiringConditions.model_fields),
}


def unknown_fields(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications with a field the model does not have (a misspelt name, say).

    The model forbids extra fields, so that a typo never passes silently as a default.
    """
    names = st.one_of(st.sampled_from(["istat", "importo", "Area", "hire", "tecnici"]), _WORDS)

    @st.composite
    def build(draw: DrawFn) -> InvalidCase:
        case = draw(applications(facts=facts))
        where = draw(st.sampled_from(sorted(_KNOWN_FIELDS)))
        name = draw(names.filter(lambda word: word not in _KNOWN_FIELDS[where] and "." not in word))
        path = f"{where}.{name}" if where else name
        value = draw(st.one_of(st.integers(), _WORDS, st.none()))
        return InvalidCase(
            _with(case, path, value), (path,), "unknown_field", f"unknown field {path!r}"
        )

    return build()


def negative_amounts(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications with a negative amount or count: euros, posts, need, gap."""
    base = applications(facts=facts)
    negative_euros = _money(st.integers(1, MAX_CENTS)).map(_negated)
    negative_counts = st.integers(max_value=-1)
    return st.one_of(
        _broken(base, "negative_amount", "amount_requested", negative_euros, "negative euros"),
        *(
            _broken(base, "negative_amount", path, negative_counts, "negative count")
            for path in (
                *(f"hires.{profile}" for profile in PROFILES),
                "needs_analysis.declared_need_posts",
                "needs_analysis.capacity_gap",
            )
        ),
    )


def _negated(amount: str | int | float) -> str | int | float:
    if isinstance(amount, str):
        return "-" + amount
    return -amount


def out_of_range_values(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications with a value of the right type outside its range.

    A capacity gap over 100%; an amount with more than two decimals, more than 15 digits,
    or not finite; empty text where text is required.
    """
    base = applications(facts=facts)
    too_precise = st.builds(
        lambda euros, thousandths: f"{euros}.{thousandths:03d}",
        st.integers(0, 10**9),
        st.integers(0, 999).filter(lambda thousandths: thousandths % 10 != 0),
    )
    too_large = st.integers(10**13, 10**18).map(lambda euros: f"{euros}.00")
    not_finite = st.sampled_from(["NaN", "Infinity", "-Infinity", "nan", "inf"])
    return st.one_of(
        _broken(
            base,
            "out_of_range",
            "needs_analysis.capacity_gap",
            st.integers(min_value=101),
            "a percentage over 100",
        ),
        _broken(base, "out_of_range", "amount_requested", too_precise, "fractions of a cent"),
        _broken(base, "out_of_range", "amount_requested", too_large, "more than 15 digits"),
        _broken(base, "out_of_range", "amount_requested", not_finite, "not a finite amount"),
        *(
            _broken(base, "out_of_range", path, st.just(""), "empty text")
            for path in ("id", "applicant.name", "submitter.name")
        ),
    )


_IMPOSSIBLE_DATES = st.one_of(
    st.builds("{:04d}-02-30".format, st.integers(2021, 2029)),
    st.builds("{:04d}-02-29".format, st.sampled_from([2021, 2022, 2023, 2025, 2026, 2027])),
    st.builds("{:04d}-{:02d}-31".format, st.integers(2021, 2029), st.sampled_from([4, 6, 9, 11])),
    st.builds("{:04d}-{:02d}-01".format, st.integers(2021, 2029), st.sampled_from([0, 13, 99])),
    st.builds("{:04d}-01-{:02d}".format, st.integers(2021, 2029), st.sampled_from([0, 32])),
)
_IMPOSSIBLE_TIMES = st.sampled_from(
    ["24:00:00", "25:10:00", "12:60:00", "12:00:60", "12:00:61", "99:99:99"]
)
_OFFSET_TEXT = st.sampled_from(["+01:00", "+02:00", "Z", "-05:00"])
_BAD_OFFSETS = st.sampled_from(["+24:00", "-25:00", "+01", "+0100x", " +01:00", "+1:00"])


def broken_dates(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications whose ``submitted_at`` is not an instant.

    Naive date-times (no time zone: which 12:00 would it be?), bare dates, impossible
    dates and times (30 February, 25:10), impossible offsets, and text that is no date.
    """
    base = applications(facts=facts)

    def naive(case: Case) -> InvalidCase:
        moment = dt.datetime.fromisoformat(str(case["submitted_at"]).replace("Z", "+00:00"))
        value = moment.replace(tzinfo=None).isoformat()
        return InvalidCase(
            _with(case, "submitted_at", value),
            ("submitted_at",),
            "broken_date",
            f"submitted_at = {value!r}: no time zone",
        )

    def bare_date(case: Case) -> InvalidCase:
        value = str(case["submitted_at"])[:10]
        return InvalidCase(
            _with(case, "submitted_at", value),
            ("submitted_at",),
            "broken_date",
            f"submitted_at = {value!r}: a day, not an instant",
        )

    impossible = st.one_of(
        st.builds("{}T12:00:00{}".format, _IMPOSSIBLE_DATES, _OFFSET_TEXT),
        st.builds("2023-11-30T{}{}".format, _IMPOSSIBLE_TIMES, _OFFSET_TEXT),
        st.builds("2023-11-30T12:00:00{}".format, _BAD_OFFSETS),
    )
    not_dates = st.one_of(
        _WORDS,
        st.sampled_from(
            [
                "30/11/2023 12:00",
                "30 novembre 2023, ore 12",
                "2023-W48-4T12:00:00+01:00",
                "20231130T120000+0100",
                "",
                "T12:00:00+01:00",
                "2023-11-30T",
            ]
        ),
    )
    return st.one_of(
        base.map(naive),
        base.map(bare_date),
        _broken(base, "broken_date", "submitted_at", impossible, "no such date or time"),
        _broken(base, "broken_date", "submitted_at", not_dates, "not a date"),
    )


def out_of_period_dates(
    *, facts: RuleSetFacts = BUNDLED, first_year: int = 1900, last_year: int = 2200
) -> st.SearchStrategy[InvalidCase]:
    """Valid applications submitted on a day (in Rome) outside the rule set's period.

    They are well formed, but no rule set version decides them: the engine refuses them
    on ``as_of``. The instants run from ``first_year`` to ``last_year`` (UTC), with extra
    weight on the seconds just outside the period; give 1 and 9999 to reach the ends of
    the calendar.
    """
    if not 1 <= first_year < facts.in_force_from.year or not (
        facts.in_force_to.year < last_year <= 9999
    ):
        raise InvalidArgument(
            f"need 1 <= first_year < {facts.in_force_from.year} and "
            f"{facts.in_force_to.year} < last_year <= 9999"
        )
    first, last = _period(facts)
    seconds = st.integers(1, NEAR_SECONDS).map(lambda count: dt.timedelta(seconds=count))
    instants = st.one_of(
        st.datetimes(
            min_value=dt.datetime(first_year, 1, 1),
            max_value=(first - dt.timedelta(seconds=1)).replace(tzinfo=None),
            timezones=st.just(dt.UTC),
        ),
        st.datetimes(
            min_value=(last + dt.timedelta(seconds=1)).replace(tzinfo=None),
            max_value=dt.datetime(last_year, 12, 31, 23, 59, 59, 999_999),
            timezones=st.just(dt.UTC),
        ),
        seconds.map(lambda delta: first - delta),
        seconds.map(lambda delta: last + delta),
    )

    @st.composite
    def build(draw: DrawFn) -> InvalidCase:
        case = draw(applications(facts=facts))
        value = _write_instant(draw, draw(instants), _OFFSETS)
        return InvalidCase(
            _with(case, "submitted_at", value),
            ("as_of",),
            "out_of_period",
            f"submitted_at = {value!r}: outside the rule set's period",
        )

    return build()


def inconsistent_applicants(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Valid applications whose applicant contradicts itself.

    A central administration with an ISTAT code, or any other body without one.
    """

    @st.composite
    def build(draw: DrawFn) -> InvalidCase:
        case = draw(applications(facts=facts))
        applicant = case["applicant"]
        if applicant["body_type"] == CENTRAL:
            code = draw(istat_codes(facts=facts))
            broken = _with(case, "applicant.istat_code", code)
            why = f"a central administration with ISTAT code {code!r}"
        else:
            broken = copy.deepcopy(case)
            if draw(st.booleans()):
                del broken["applicant"]["istat_code"]
            else:
                broken["applicant"]["istat_code"] = None
            why = f"a {applicant['body_type']} without an ISTAT code"
        return InvalidCase(broken, ("applicant", "applicant.istat_code"), "inconsistent", why)

    return build()


def invalid_applications(*, facts: RuleSetFacts = BUNDLED) -> st.SearchStrategy[InvalidCase]:
    """Every kind of invalid application, mixed."""
    return st.one_of(
        wrong_types(facts=facts),
        unknown_codes(facts=facts),
        unknown_fields(facts=facts),
        negative_amounts(facts=facts),
        out_of_range_values(facts=facts),
        broken_dates(facts=facts),
        out_of_period_dates(facts=facts),
        inconsistent_applicants(facts=facts),
    )
