"""The valid cases of each kind, as solver variables and the constraints they satisfy.

A rule reads a *subject* (``capcoe_rules.models.cases.RULE_SUBJECTS``): an application as
submitted, or the reviews the engine builds from a payment claim (one milestone, the claim
as a whole, the programme's commitment). Each field becomes a variable of its type
(:func:`capcoe_rules.language.types.schema_of`) bounded as the pydantic models bound it;
what the models' validators, computed fields and the engine's review construction
guarantee is written out here, one function per subject, because no type says it.

Two sets of constraints: ``domain`` over-approximates the valid cases (a proof that no case
of the domain does something holds for every real case), ``exact`` adds the relations only
witnesses need (nonlinear ones, such as the achievement of a milestone), and ``grid`` keeps
decimals to six places so that a witness can be written as a case file. A witness is then
built from a model and decided by the engine, which has the last word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Literal

import z3
from pydantic import BaseModel

from capcoe_rules.analysis.symbolic import (
    MICROS_PER_DAY,
    Scalar,
    Term,
    Texts,
    Value,
    as_decimal,
    datetime_micros,
    if_chain,
    micros_datetime,
    model_value,
)
from capcoe_rules.language.types import Schema, Type, schema_of
from capcoe_rules.models.application import HiresRequest
from capcoe_rules.models.cases import RULE_SUBJECTS
from capcoe_rules.models.inputs import EARLIEST, LATEST, ROME
from capcoe_rules.territory import comuni, resolve

MONEY_LIMIT = 10**15
"""Cents: Money has at most 15 digits, two of them decimals."""
GRID = 10**6
"""Decimals of a witness's numbers (the achievement of a milestone has six)."""
CENTRAL = "amministrazione_centrale"
NATIONAL = "IT"

DateKind = Literal["case", "fixed", "all"]


@dataclass(frozen=True)
class DateMode:
    """The date decisions are taken as of: the case's own (``case``), one day (``fixed``),
    or any day the rule set is in force (``all``)."""

    kind: DateKind = "case"
    day: dt.date | None = None

    def describe(self) -> str:
        if self.kind == "fixed" and self.day is not None:
            return self.day.isoformat()
        return "tutte le date / all dates" if self.kind == "all" else "data del caso / case date"


@dataclass
class WitnessCase:
    """A case to decide, and where in its decision to look."""

    case: dict[str, Any]
    as_of: dt.date | None
    milestone_id: str | None = None


@dataclass
class Space:
    """The valid cases of one subject, over variables named with ``prefix``."""

    case_type: str
    prefix: str
    texts: Texts
    period: tuple[dt.date, dt.date]
    dates: DateMode
    fields: dict[tuple[str, ...], Value] = field(default_factory=dict)
    variables: dict[tuple[str, ...], Term] = field(default_factory=dict)
    constraints: list[Term] = field(default_factory=list)
    exact: list[Term] = field(default_factory=list)
    grid: list[Term] = field(default_factory=list)
    hints: list[list[Term]] = field(default_factory=list)
    """Choices tried first when looking for a witness, each keeping the exact relations
    linear (a milestone's target one above its baseline), before the general search."""
    notes: list[str] = field(default_factory=list)
    late: list[Callable[[], list[Term]]] = field(default_factory=list)
    """Constraints that depend on every text the rules name (built when asked)."""
    as_of: Term = None
    build_case: Callable[[Space, Any], WitnessCase | None] | None = None

    def name(self, *parts: str) -> str:
        return f"{self.prefix}{self.case_type}." + ".".join(parts)

    def read(self, path: tuple[str, ...]) -> Value:
        if path not in self.fields:
            raise KeyError(".".join(path))
        return self.fields[path]

    def domain(self) -> list[Term]:
        found = list(self.constraints)
        for make in self.late:
            found.extend(make())
        return found

    def value(self, model: Any, path: tuple[str, ...]) -> Any:
        """A field's value in a model, in the form a case file writes it."""
        return decode(model, self.fields[path], self.types[path], self.texts)

    @property
    def types(self) -> dict[tuple[str, ...], Type]:
        return self._types

    def witness(self, model: Any) -> WitnessCase | None:
        return None if self.build_case is None else self.build_case(self, model)

    _types: dict[tuple[str, ...], Type] = field(default_factory=dict)


def decode(model: Any, value: Value, type_: Type, texts: Texts) -> Any:
    """A model's value of a field: None, bool, Decimal (number), cents (money), date,
    datetime (UTC) or text; ``ValueError`` when no case file can write it."""
    if not isinstance(value, Scalar):
        raise ValueError("lists are not decoded")
    if value.null is not None and model_value(model, value.null):
        return None
    raw = model_value(model, value.term)
    match type_.base:
        case "bool":
            return bool(raw)
        case "number" | "money":
            number = as_decimal(raw) if raw is not None else None
            if number is None:
                raise ValueError(f"{raw} has no decimal form")
            return number
        case "date":
            return dt.date.fromordinal(int(raw))
        case "datetime":
            return micros_datetime(int(raw))
        case "text":
            return texts.text(int(raw)) or texts.other(int(raw))
    raise ValueError(f"cannot decode {type_}")


# -- building a space --------------------------------------------------------------------


def space_for(
    case_type: str, prefix: str, texts: Texts, period: tuple[dt.date, dt.date], dates: DateMode
) -> Space:
    space = Space(case_type, prefix, texts, period, dates)
    model = RULE_SUBJECTS[case_type]
    _fields(space, model, schema_of(model), ())
    SUBJECTS.get(case_type, _unknown_subject)(space)
    if space.as_of is None:
        space.as_of = z3.Int(space.name("as_of"))
    if dates.kind == "fixed":
        assert dates.day is not None
        space.as_of = z3.IntVal(dates.day.toordinal())
    start, end = period
    space.constraints += [space.as_of >= start.toordinal(), space.as_of <= end.toordinal()]
    return space


def _fields(space: Space, model: type[BaseModel], schema: Schema, path: tuple[str, ...]) -> None:
    for name, kind in schema.items():
        here = (*path, name)
        info = model.model_fields.get(name)
        if isinstance(kind, dict):
            assert info is not None and isinstance(info.annotation, type)
            _fields(space, info.annotation, kind, here)
            continue
        metadata = list(info.metadata) if info is not None else []
        if info is not None:
            whole = info.annotation is int
        else:
            whole = model.model_computed_fields[name].return_type is int
        _leaf(space, here, kind, metadata, computed=info is None, whole=whole)


def _leaf(
    space: Space,
    path: tuple[str, ...],
    type_: Type,
    metadata: list[Any],
    computed: bool,
    whole: bool,
) -> None:
    space._types[path] = type_
    if type_.base == "list":
        space.notes.append(f"{space.case_type}.{'.'.join(path)}: lists in cases are not modelled")
        return
    integer = type_.base in ("money", "date", "datetime", "text") or (
        type_.base == "number" and whole
    )
    if type_.base == "bool":
        variable = z3.Bool(space.name(*path))
        term = variable
    elif integer:
        variable = z3.Int(space.name(*path))
        term = z3.ToReal(variable) if type_.base in ("number", "money") else variable
    else:
        variable = z3.Real(space.name(*path))
        term = variable
    space.variables[path] = variable
    null = z3.Bool(space.name(*path, "null")) if type_.nullable else None
    space.fields[path] = Scalar(term, null)
    if computed:
        return  # its subject's function defines it
    space.constraints += _bounds(space, type_, term, metadata)


def _bounds(space: Space, type_: Type, term: Term, metadata: list[Any]) -> list[Term]:
    found: list[Term] = []
    scale = 100 if type_.base == "money" else 1
    for item in metadata:
        for attribute in ("ge", "gt", "le", "lt"):
            bound = getattr(item, attribute, None)
            if isinstance(bound, int | Decimal | float) and not isinstance(bound, bool):
                limit = z3.RealVal(str(Decimal(str(bound)) * scale))
                found.append(ORDERS[attribute](term, limit))
        length = getattr(item, "min_length", None)
        if type_.base == "text" and isinstance(length, int) and length > 0:
            found.append(term != space.texts.id(""))
    found += _type_bounds(space, type_, term)
    return found


ORDERS: dict[str, Callable[[Term, Term], Term]] = {
    "ge": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "le": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def _type_bounds(space: Space, type_: Type, term: Term) -> list[Term]:
    match type_.base:
        case "money":
            return [term > -MONEY_LIMIT, term < MONEY_LIMIT]
        case "date":
            return [term >= EARLIEST.toordinal(), term <= LATEST.toordinal()]
        case "datetime":
            low = datetime_micros(dt.datetime(EARLIEST.year, 1, 1, 12, tzinfo=dt.UTC))
            high = datetime_micros(dt.datetime(LATEST.year, 12, 31, 12, tzinfo=dt.UTC))
            return [term >= low, term <= high]
        case "text" if type_.values is not None:
            return [z3.Or([term == space.texts.id(value) for value in sorted(type_.values)])]
    return []


def _scalar(space: Space, *path: str) -> Scalar:
    found = space.fields[path]
    assert isinstance(found, Scalar)
    return found


def _term(space: Space, *path: str) -> Term:
    return _scalar(space, *path).term


def _null(space: Space, *path: str) -> Term:
    return _scalar(space, *path).is_null()


def _unknown_subject(space: Space) -> None:
    space.notes.append(
        f"case {space.case_type}: no model of its computed fields and validators; its "
        "fields are read as free values and no witness case can be built"
    )


# -- applications -------------------------------------------------------------------------


def _application(space: Space) -> None:
    texts = space.texts
    body, code = _term(space, "applicant", "body_type"), _scalar(space, "applicant", "istat_code")
    region, nuts2 = _term(space, "applicant", "region_code"), _scalar(space, "applicant", "nuts2")
    central = body == texts.id(CENTRAL)
    regions = _regions()
    space.constraints += [
        code.is_null() == central,
        (region == texts.id(NATIONAL)) == central,
        z3.Or([region == texts.id(r) for r in [*regions, NATIONAL]]),
        _term(space, "hires", "total")
        == sum((_term(space, "hires", name) for name in HIRES_PROFILES), start=z3.RealVal(0)),
    ]
    for code_, codes in regions.items():
        here = region == texts.id(code_)
        if len(codes) == 1:
            space.constraints.append(
                z3.Implies(here, z3.And(z3.Not(nuts2.is_null()), nuts2.term == texts.id(codes[0])))
            )
        else:  # Trentino-Alto Adige: Bolzano or Trento, none for the region as a whole
            space.constraints.append(
                z3.Implies(
                    here,
                    z3.Or(nuts2.is_null(), z3.Or([nuts2.term == texts.id(n) for n in codes])),
                )
            )
    space.constraints.append(z3.Implies(central, nuts2.is_null()))
    space.late.append(lambda: _named_codes(space))
    if space.dates.kind == "case":
        space.as_of = _rome_day(space, _term(space, "submitted_at"))
    space.build_case = _application_case


HIRES_PROFILES = tuple(HiresRequest.model_fields)
"""The posts an application asks for, by profile (``hires.total`` is their sum)."""


@cache
def _regions() -> dict[str, tuple[str, ...]]:
    """Each ISTAT region code with the NUTS-2 codes of its comuni."""
    found: dict[str, set[str]] = {}
    for comune in comuni():
        found.setdefault(comune.region_code, set()).add(comune.nuts2)
    return {code: tuple(sorted(nuts)) for code, nuts in sorted(found.items())}


def _named_codes(space: Space) -> list[Term]:
    """An ISTAT code the rules name lies in its region; a text that is no code is no
    applicant's code."""
    texts = space.texts
    code = _scalar(space, "applicant", "istat_code")
    region, nuts2 = _term(space, "applicant", "region_code"), _scalar(space, "applicant", "nuts2")
    found = []
    for text, number in list(texts.ids.items()):
        try:
            place = resolve(text)
        except ValueError:
            found.append(z3.Or(code.is_null(), code.term != number))
            continue
        same_nuts = nuts2.is_null() if place.nuts2 is None else nuts2.term == texts.id(place.nuts2)
        found.append(
            z3.Implies(
                z3.And(z3.Not(code.is_null()), code.term == number),
                z3.And(region == texts.id(place.region_code), same_nuts),
            )
        )
    for (region_code, nuts), codes in _codes_by_place().items():
        if all(text in texts.ids for text in codes):  # no other code lies there
            here = z3.And(
                region == texts.id(region_code),
                nuts2.is_null() if nuts is None else nuts2.term == texts.id(nuts),
            )
            found.append(
                z3.Implies(
                    z3.And(here, z3.Not(code.is_null())),
                    z3.Or([code.term == texts.id(text) for text in codes]),
                )
            )
    return found


@cache
def _codes_by_place() -> dict[tuple[str, str | None], tuple[str, ...]]:
    """Every ISTAT code (comune, province, metropolitan city, region) by region and NUTS-2."""
    codes = {c.istat_code for c in comuni()}
    codes |= {c.province_code for c in comuni()} | {c.uts_code for c in comuni()}
    codes |= {c.region_code for c in comuni()}
    found: dict[tuple[str, str | None], list[str]] = {}
    for text in sorted(codes):
        if not _valid_code(text):
            continue
        place = resolve(text)
        found.setdefault((place.region_code, place.nuts2), []).append(text)
    return {place: tuple(texts) for place, texts in found.items()}


def _rome_day(space: Space, instant: Term) -> Term:
    """The calendar day in Rome of a UTC instant (how an application's date is taken),
    exact within two days of the rule set's period."""
    start, end = space.period
    low = dt.datetime.combine(start - dt.timedelta(days=2), dt.time(), dt.UTC)
    high = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), dt.UTC)
    changes = _offset_changes(low, high)
    offsets = [(instant < datetime_micros(moment), z3.IntVal(before)) for moment, before in changes]
    offset = if_chain(offsets, z3.IntVal(_offset(changes[-1][0] if changes else low)))
    local = instant + offset
    return local / MICROS_PER_DAY + dt.date(1970, 1, 1).toordinal()


def _offset(moment: dt.datetime) -> int:
    delta = moment.astimezone(ROME).utcoffset()
    assert delta is not None
    return int(delta.total_seconds()) * 1_000_000


def _offset_changes(low: dt.datetime, high: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Each instant Rome's offset changes, with the offset before it (microseconds)."""
    found = []
    day = low
    while day < high:
        following = day + dt.timedelta(days=1)
        before, after = _offset(day), _offset(following)
        if before != after:
            lo, hi = day, following
            while hi - lo > dt.timedelta(seconds=1):
                middle = lo + (hi - lo) / 2
                lo, hi = (middle, hi) if _offset(middle) == before else (lo, middle)
            found.append((hi.replace(microsecond=0), before))
        day = following
    return found


def _application_case(space: Space, model: Any) -> WitnessCase | None:
    def value(*path: str) -> Any:
        return space.value(model, path)

    region = value("applicant", "region_code")
    nuts2 = value("applicant", "nuts2")
    code = value("applicant", "istat_code")
    if code is not None and (code not in space.texts.ids or not _valid_code(code)):
        code = _code_in(region, nuts2, space.texts)
        if code is None:
            return None
    submitted = value("submitted_at").astimezone(ROME)
    case: dict[str, Any] = {
        "case_type": "application",
        "id": value("id"),
        "applicant": {
            "name": value("applicant", "name"),
            "body_type": value("applicant", "body_type"),
            "istat_code": code,
        },
        "submitter": {
            "role": value("submitter", "role"),
            "name": value("submitter", "name"),
            "delegation_reference": value("submitter", "delegation_reference"),
        },
        "submitted_at": submitted.isoformat(),
        "area": value("area"),
        "hires": {name: int(value("hires", name)) for name in HIRES_PROFILES},
        "hiring_conditions": {
            name: value("hiring_conditions", name)
            for name in (
                "permanent_contracts",
                "additional_posts",
                "cohesion_policy_only",
                "funding_capcoe_then_state",
            )
        },
        "amount_requested": _euros(value("amount_requested")),
        "needs_analysis": {
            "present": value("needs_analysis", "present"),
            "reference": value("needs_analysis", "reference"),
            "declared_need_posts": int(value("needs_analysis", "declared_need_posts")),
            "capacity_gap": int(value("needs_analysis", "capacity_gap")),
        },
    }
    return WitnessCase(case, _as_of(space, model))


def _valid_code(code: str) -> bool:
    try:
        resolve(code)
    except ValueError:
        return False
    return True


def _code_in(region: str, nuts2: str | None, texts: Texts) -> str | None:
    """An ISTAT code of ``region`` (and ``nuts2``) that no rule names, shortest first."""
    candidates = sorted(_codes_by_place().get((region, nuts2), ()), key=lambda c: (len(c), c))
    return next((code for code in candidates if code not in texts.ids), None)


def _euros(cents: Decimal) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _as_of(space: Space, model: Any) -> dt.date | None:
    if space.dates.kind == "case":
        return None
    return dt.date.fromordinal(int(model_value(model, space.as_of)))


# -- milestones of a payment claim --------------------------------------------------------


def _milestone(space: Space) -> None:
    texts = space.texts
    reported = _term(space, "reported")
    verification = _term(space, "verification")
    achieved, baseline, target = (
        _term(space, "achieved_value"),
        _term(space, "baseline"),
        _term(space, "target"),
    )
    date_achieved = _scalar(space, "date_achieved")
    claim_date, due = _term(space, "claim_date"), _term(space, "due_date")
    amount, paid, grant = (
        _term(space, "amount"),
        _term(space, "already_paid"),
        _term(space, "grant_total"),
    )
    space.constraints += [
        *(_term(space, name) != texts.id("") for name in ("claim_id", "id", "indicator", "unit")),
        target != baseline,
        reported == (verification != texts.id("non_presentato")),
        z3.Implies(z3.Not(reported), z3.And(achieved == 0, date_achieved.is_null())),
        z3.Implies(
            reported,
            z3.And(
                achieved >= 0,
                z3.Not(date_achieved.is_null()),
                date_achieved.term <= claim_date,
                date_achieved.term >= EARLIEST.toordinal(),
            ),
        ),
        amount >= 0,
        paid >= 0,
        paid <= amount,
        grant > 0,
        grant >= amount,
        grant < MONEY_LIMIT,
        _term(space, "days_late")
        == z3.If(
            date_achieved.is_null(),
            0,
            z3.If(date_achieved.term > due, date_achieved.term - due, 0),
        ),
        _term(space, "days_past_due") == z3.If(claim_date > due, claim_date - due, 0),
    ]
    achievement = _term(space, "achievement")
    steps = z3.Int(space.name("achievement", "millionths"))
    space.constraints += [
        z3.Implies(z3.Not(reported), achievement == 0),
        z3.Implies(reported, achievement * GRID == z3.ToReal(steps)),
    ]
    share = z3.Real(space.name("achievement", "exact"))
    space.exact += [
        z3.Implies(reported, share * (target - baseline) == achieved - baseline),
        # Truncated to six decimals, towards zero (ROUND_DOWN).
        z3.Implies(
            z3.And(reported, share >= 0),
            z3.And(z3.ToReal(steps) <= share * GRID, share * GRID < z3.ToReal(steps) + 1),
        ),
        z3.Implies(
            z3.And(reported, share < 0),
            z3.And(z3.ToReal(steps) - 1 < share * GRID, share * GRID <= z3.ToReal(steps)),
        ),
    ]
    space.hints += [[baseline == 0, target == 1], [target == baseline + 1]]
    for name in ("baseline", "target", "achieved_value"):
        micro = z3.Int(space.name(name, "millionths"))
        space.grid.append(_term(space, name) * GRID == z3.ToReal(micro))
    if space.dates.kind == "case":
        space.as_of = claim_date
    space.build_case = _milestone_case


def milestone_entry(space: Space, model: Any) -> dict[str, Any]:
    def value(*path: str) -> Any:
        return space.value(model, path)

    return {
        "id": value("id"),
        "kind": value("kind"),
        "indicator": value("indicator"),
        "unit": value("unit"),
        "baseline": str(value("baseline")),
        "target": str(value("target")),
        "due_date": value("due_date").isoformat(),
        "amount": _euros(value("amount")),
    }


def milestone_report(space: Space, model: Any) -> tuple[dict[str, Any] | None, Decimal]:
    """The milestone's report line (None if unreported) and what was paid on it (cents)."""
    milestone_id = space.value(model, ("id",))
    line = None
    if space.value(model, ("reported",)):
        line = {
            "milestone_id": milestone_id,
            "achieved_value": str(space.value(model, ("achieved_value",))),
            "date_achieved": space.value(model, ("date_achieved",)).isoformat(),
            "verification": space.value(model, ("verification",)),
        }
    return line, space.value(model, ("already_paid",))


def _milestone_case(space: Space, model: Any) -> WitnessCase | None:
    def value(*path: str) -> Any:
        return space.value(model, path)

    milestone_id = value("id")
    entry = milestone_entry(space, model)
    claim_date = value("claim_date")
    milestones = [entry]
    rest = value("grant_total") - value("amount")
    if entry["kind"] != "finale" or rest > 0:
        filler = "W-ALTRO" if milestone_id != "W-ALTRO" else "W-ALTRO-2"
        milestones.append(
            {
                "id": filler,
                "kind": "finale" if entry["kind"] != "finale" else "intermedio",
                "indicator": "Indicatore di prova",
                "unit": "unità",
                "baseline": "0",
                "target": "1",
                "due_date": min(claim_date + dt.timedelta(days=3650), LATEST).isoformat(),
                "amount": _euros(rest),
            }
        )
    line, paid = milestone_report(space, model)
    case = {
        "case_type": "payment_claim",
        "id": value("claim_id"),
        "grant": grant_entry(value("grant_total"), value("programme_level"), milestones),
        "claim_date": claim_date.isoformat(),
        "lines": [line] if line is not None else [],
        "payments_made": [
            {"milestone_id": milestone_id, "amount": _euros(paid), "date": claim_date.isoformat()}
        ]
        if paid > 0
        else [],
    }
    return WitnessCase(case, _as_of(space, model), milestone_id)


def grant_entry(
    total: Decimal,
    programme_level: bool,
    milestones: list[dict[str, Any]],
    commitment_year: int | None = None,
    grant_id: str = "W-SOVVENZIONE",
) -> dict[str, Any]:
    grant: dict[str, Any] = {
        "id": grant_id,
        "beneficiary": "Beneficiario di prova",
        "total_amount": _euros(total),
        "milestones": milestones,
        "programme_level": programme_level,
    }
    if programme_level:
        grant["commitment_year"] = commitment_year if commitment_year is not None else 2021
    return grant


# -- the claim as a whole -----------------------------------------------------------------


UPSTREAM = ("payable_now", "intermediate_paid", "final_target_missed")
"""Claim fields the milestone rules compute: per rule set, not inputs of the case."""


def _claim(space: Space) -> None:
    grant, before = _term(space, "grant_total"), _term(space, "paid_before")
    now, intermediate = _term(space, "payable_now"), _term(space, "intermediate_paid")
    space.constraints += [
        *(_term(space, name) != space.texts.id("") for name in ("id", "grant_id")),
        grant > 0,
        before >= 0,
        now >= 0,
        before + now <= grant,
        intermediate >= 0,
        intermediate <= before + now,
        _term(space, "uncovered_after_claim") == grant - before - now,
    ]
    if space.dates.kind == "case":
        space.as_of = _term(space, "claim_date")


def _programme(space: Space) -> None:
    _claim(space)
    year, day = _term(space, "claim_year"), _term(space, "claim_date")
    space.constraints += [
        _term(space, "programme_level"),
        _term(space, "commitment_year") >= 2021,
        _term(space, "commitment_year") <= 2027,
        _year_start(year) <= z3.ToReal(day),
        z3.ToReal(day) < _year_start(year + 1),
    ]


def _year_start(year: Term) -> Term:
    """The day ordinal of 1 January of ``year`` (proleptic Gregorian, as Python's)."""
    before = (z3.ToInt(year) if z3.is_real(year) else year) - 1
    return z3.ToReal(365 * before + before / 4 - before / 100 + before / 400 + 1)


SUBJECTS: dict[str, Callable[[Space], None]] = {
    "application": _application,
    "milestone": _milestone,
    "claim": _claim,
    "programme": _programme,
}
"""What each subject's models guarantee beyond the types of their fields."""
