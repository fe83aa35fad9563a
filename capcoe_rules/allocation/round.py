"""An allocation round: decide eligibility with the engine, read the caps, ration, report.

The round is the only place where the engine, the rule set's parameters and the pure
methods meet:

1. every input is read as an application; one that cannot be is listed as invalid and
   the round goes on (an id used twice makes every copy invalid, since keeping one would
   depend on the input order);
2. hiring applications are decided by the engine, each as of its own date (as
   ``capcoe-rules evaluate`` decides it alone); only eligible ones take part, the rest are
   listed with the rules they fail;
3. the caps and the method are the rule set's parameters in force on the round's date
   (``as_of``; by default the latest submission day among the applications, so the round
   never reads the clock): see :data:`POOL_PARAMETERS`, :data:`PROFILE_PARAMETERS`,
   :data:`REGION_PARAMETERS`;
4. the central department's quota is reserved (no application can draw on it), so the
   posts open to applications are the total less that quota;
5. the named method (:mod:`.methods`) shares the posts out; the report totals them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from pydantic import BaseModel

from capcoe_rules.allocation.methods import (
    METHODS,
    CapId,
    Claimant,
    Limits,
    MethodName,
    Shares,
    bounding_caps,
    full_caps,
    ordered,
)
from capcoe_rules.allocation.models import (
    PROFILES,
    AllocationResult,
    CapUse,
    Excluded,
    ExclusionCause,
    Invalid,
    Share,
    Totals,
)
from capcoe_rules.engine import Engine, parse_case
from capcoe_rules.engine.case_data import CaseInput
from capcoe_rules.errors import CaseError
from capcoe_rules.language.ruleset import NotInForceError
from capcoe_rules.models.application import Application
from capcoe_rules.models.decision import RuleSetRef

HIRING_AREA = "assunzioni"
TOTAL_PARAMETER = "hiring_cap_total"
METHOD_PARAMETER = "hiring_allocation_method"
RESERVED_POOL = "dipartimento"
POOL_PARAMETERS: Mapping[str, str] = {
    "comuni_unioni": "hiring_cap_comuni_unioni",
    "regioni": "hiring_cap_regioni",
    "province": "hiring_cap_province",
    "citta_metropolitane": "hiring_cap_citta_metropolitane",
    RESERVED_POOL: "hiring_cap_dipartimento",
}
"""The body-type quotas; the last is reserved to the central department."""
POOL_LABELS: Mapping[str, str] = {
    "comuni_unioni": "Comuni e Unioni di comuni",
    "regioni": "Regioni",
    "province": "Province",
    "citta_metropolitane": "Città metropolitane",
    RESERVED_POOL: "Dipartimento (riservato)",
}
POOL_OF_BODY: Mapping[str, str] = {
    "comune": "comuni_unioni",
    "unione_di_comuni": "comuni_unioni",
    "regione": "regioni",
    "provincia": "province",
    "citta_metropolitana": "citta_metropolitane",
}
PROFILE_PARAMETERS: Mapping[str, str] = {
    profile: f"hiring_cap_profilo_{profile}" for profile in PROFILES
}
REGION_PARAMETERS: Mapping[str, str] = {
    "14": "hiring_cap_regione_molise",
    "15": "hiring_cap_regione_campania",
    "16": "hiring_cap_regione_puglia",
    "17": "hiring_cap_regione_basilicata",
    "18": "hiring_cap_regione_calabria",
    "19": "hiring_cap_regione_sicilia",
    "20": "hiring_cap_regione_sardegna",
}
"""Regional ceilings by ISTAT region code; a region not listed has none."""


class RoundError(ValueError):
    """A round that cannot be held: no date, a date outside the rule set, a bad cap or
    method in the rule set, an unknown method asked for."""


def allocate_round(
    engine: Engine,
    applications: Iterable[CaseInput],
    *,
    as_of: dt.date | None = None,
    method: MethodName | None = None,
    sources: Sequence[str] | None = None,
    unreadable: Sequence[Invalid] = (),
) -> AllocationResult:
    """Hold one allocation round over ``applications`` (models, mappings or JSON text).

    ``as_of`` is the round's date (default: the latest submission day, in Rome, among the
    valid applications); ``method`` overrides the rule set's ``hiring_allocation_method``;
    ``sources`` names each input in the report (default ``#1``, ``#2``...);
    ``unreadable`` lists inputs the caller could not even parse (e.g. lines that are not
    JSON), reported with the round's own invalid entries. Raises
    :class:`RoundError` when the round cannot be held (a bad application never makes it
    so: it is listed as invalid), and the engine's ``EvaluationError`` when a rule of the
    rule set cannot be evaluated.
    """
    items = list(applications)
    labels = list(sources) if sources is not None else [f"#{n}" for n in range(1, len(items) + 1)]
    if len(labels) != len(items):
        raise RoundError(f"{len(labels)} sources for {len(items)} applications")
    cases, invalid = _read(items, labels)
    invalid.extend(unreadable)
    day = as_of if as_of is not None else _latest_day(cases)
    caps = _Caps.read(engine, day)
    chosen = _method(method if method is not None else caps.method)
    claimants: list[Claimant] = []
    people: dict[str, _Applicant] = {}
    excluded: list[Excluded] = []
    for source, case in cases:
        try:
            outcome = _take_part(engine, case)
        except CaseError as error:  # e.g. submitted outside the rule set's period
            invalid.append(Invalid(source=source, problems=[str(p) for p in error.problems]))
            continue
        if isinstance(outcome, Excluded):
            excluded.append(outcome)
        else:
            claimants.append(outcome.claimant)
            people[case.id] = outcome
    shares = METHODS[chosen](claimants, caps.limits)
    return _report(
        engine,
        day,
        chosen,
        caps,
        ordered(claimants),
        people,
        shares,
        excluded,
        invalid,
        len(items) + len(unreadable),
    )


def _method(name: str) -> MethodName:
    for known in METHODS:
        if name == known:
            return known
    raise RoundError(f"unknown allocation method {name!r} (known: {', '.join(sorted(METHODS))})")


def _read(
    items: list[CaseInput], labels: list[str]
) -> tuple[list[tuple[str, Application]], list[Invalid]]:
    cases: list[tuple[str, Application]] = []
    invalid: list[Invalid] = []
    for label, item in zip(labels, items, strict=True):
        try:
            model: BaseModel = parse_case(item)
        except CaseError as error:
            invalid.append(Invalid(source=label, problems=[str(p) for p in error.problems]))
            continue
        if not isinstance(model, Application):
            invalid.append(Invalid(source=label, problems=["not an application"]))
            continue
        cases.append((label, model))
    seen: dict[str, list[str]] = {}
    for label, case in cases:
        seen.setdefault(case.id, []).append(label)
    kept: list[tuple[str, Application]] = []
    for label, case in cases:
        where = seen[case.id]
        if len(where) == 1:
            kept.append((label, case))
        else:
            others = ", ".join(other for other in where if other != label)
            invalid.append(
                Invalid(source=label, problems=[f"id: {case.id!r} is used again in {others}"])
            )
    return kept, invalid


def _latest_day(cases: list[tuple[str, Application]]) -> dt.date:
    if not cases:
        raise RoundError("no valid application to date the round by: give its date (as_of)")
    return max(case.default_as_of() for _, case in cases)


class _Caps:
    """The caps and method in force on the round's date, with the values read."""

    def __init__(
        self, limits: Limits, reserved: int, method: str, values: dict[str, int | str]
    ) -> None:
        self.limits = limits
        self.reserved = reserved
        self.method = method
        self.values = values

    @classmethod
    def read(cls, engine: Engine, day: dt.date) -> _Caps:
        try:
            values = engine.ruleset.parameters_on(day)
        except NotInForceError as error:
            raise RoundError(str(error)) from None
        read: dict[str, int | str] = {}

        def posts(name: str) -> int:
            if name not in values:
                raise RoundError(f"the rule set has no parameter {name!r}")
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
                raise RoundError(f"parameter {name!r} is not a number of posts: {value!r}")
            if value != int(value) or value < 0:
                raise RoundError(f"parameter {name!r} is not a whole number of posts: {value}")
            read[name] = int(value)
            return int(value)

        pools = {pool: posts(name) for pool, name in POOL_PARAMETERS.items()}
        reserved = pools.pop(RESERVED_POOL)
        total = posts(TOTAL_PARAMETER)
        if reserved > total:
            raise RoundError(f"the reserved quota ({reserved}) exceeds the total ({total})")
        limits = Limits(
            pools=pools,
            profiles=tuple(posts(PROFILE_PARAMETERS[profile]) for profile in PROFILES),
            regions={code: posts(name) for code, name in REGION_PARAMETERS.items()},
            total=total - reserved,
        )
        method = values.get(METHOD_PARAMETER)
        if not isinstance(method, str):
            raise RoundError(f"the rule set has no text parameter {METHOD_PARAMETER!r}")
        read[METHOD_PARAMETER] = method
        return cls(limits, reserved, method, dict(sorted(read.items())))


class _Applicant:
    """An eligible application with what the report shows about it."""

    def __init__(self, case: Application, claimant: Claimant, region_name: str) -> None:
        self.case = case
        self.claimant = claimant
        self.region_name = region_name


def _take_part(engine: Engine, case: Application) -> _Applicant | Excluded:
    """The application as a claimant, or why it takes no part (raises CaseError when the
    engine cannot decide it)."""

    def excluded(cause: ExclusionCause, reasons: list[str]) -> Excluded:
        return Excluded(
            id=case.id, name=case.applicant.name, area=case.area, cause=cause, reasons=reasons
        )

    if case.area != HIRING_AREA:
        return excluded("not_hiring", [])
    decision = engine.evaluate(case)
    if decision.outcome != "eligible":
        return excluded("not_eligible", list(decision.reasons))
    pool = POOL_OF_BODY.get(case.applicant.body_type)
    if pool is None:
        return excluded("no_pool", [])
    claimant = Claimant(
        key=case.id,
        pool=pool,
        region=case.applicant.region_code,
        # Eligibility requires the need to cover the request; a rule set that drops that
        # rule still gives every claimant a positive weight.
        need=max(case.needs_analysis.declared_need_posts, 1),
        requests=tuple(getattr(case.hires, profile) for profile in PROFILES),
        priority=Decimal(str(decision.derived.get("priority_score", 0))),
        submitted_at=case.submitted_at,
    )
    region = decision.lookups.get("region", {})
    return _Applicant(case, claimant, str(region.get("name", case.applicant.region_code)))


def _report(
    engine: Engine,
    day: dt.date,
    method: MethodName,
    caps: _Caps,
    claimants: list[Claimant],
    people: dict[str, _Applicant],
    shares: Shares,
    excluded: list[Excluded],
    invalid: list[Invalid],
    count: int,
) -> AllocationResult:
    limits = caps.limits
    full = full_caps(claimants, limits, shares)
    parameter_of = _parameter_names()
    provenance = {name: engine.ruleset.parameters[name].doc.provenance for name in caps.values}
    table = [(claimant, people[claimant.key], shares[claimant.key]) for claimant in claimants]

    def use(
        name: str,
        label: str,
        cap_id: CapId | None,
        cap: int | None,
        rows: Iterable[tuple[int, int]],
        reserved: int = 0,
    ) -> CapUse:
        demand = allocated = 0
        for requested, granted in rows:
            demand += requested
            allocated += granted
        parameter = parameter_of.get(cap_id) if cap_id is not None else None
        return CapUse(
            name=name,
            label=label,
            parameter=parameter,
            cap=cap,
            demand=demand,
            allocated=allocated,
            unmet=demand - allocated,
            full=cap is not None and (cap_id in full or (reserved > 0 and reserved >= cap)),
            reserved=reserved,
            provenance=provenance.get(parameter) if parameter else None,
        )

    pools = [
        use(
            pool,
            POOL_LABELS[pool],
            f"pool:{pool}",
            cap,
            ((c.requested, sum(s)) for c, _, s in table if c.pool == pool),
        )
        for pool, cap in limits.pools.items()
    ]
    pools.append(
        use(
            RESERVED_POOL,
            POOL_LABELS[RESERVED_POOL],
            f"pool:{RESERVED_POOL}",
            caps.reserved,
            (),
            reserved=caps.reserved,
        )
    )
    profiles = [
        use(
            profile,
            profile.replace("_", "-"),
            f"profile:{p}",
            limits.profiles[p],
            ((c.requests[p], s[p]) for c, _, s in table),
        )
        for p, profile in enumerate(PROFILES)
    ]
    region_names = {c.region: a.region_name for c, a, _ in table}
    tables = engine.ruleset.tables
    region_rows = tables["regions"].rows_on(day) if "regions" in tables else {}
    regions = [
        use(
            code,
            region_names.get(code) or str(region_rows.get(code, {}).get("name", code)),
            f"region:{code}" if code in limits.regions else None,
            limits.regions.get(code),
            ((c.requested, sum(s)) for c, _, s in table if c.region == code),
        )
        for code in sorted({*limits.regions, *region_names})
    ]
    body_rows = tables["body_types"].rows_on(day) if "body_types" in tables else {}
    body_types = [
        use(
            body,
            str(body_rows.get(body, {}).get("label", body)),
            None,
            None,
            ((c.requested, sum(s)) for c, a, s in table if a.case.applicant.body_type == body),
        )
        for body in sorted({a.case.applicant.body_type for _, a, _ in table})
    ]
    share_list = [
        _share(rank, claimant, applicant, granted, full, parameter_of)
        for rank, (claimant, applicant, granted) in enumerate(table, start=1)
    ]
    demand = sum(c.requested for c in claimants)
    allocated = sum(sum(s) for s in shares.values())
    open_supply = min(limits.total or 0, sum(limits.pools.values()))
    totals = Totals(
        supply=caps.reserved + (limits.total or 0),
        reserved=caps.reserved,
        open_supply=open_supply,
        demand=demand,
        allocated=allocated,
        unmet=demand - allocated,
        unallocated=open_supply - allocated,
        applications=count,
        eligible=len(claimants),
        excluded=len(excluded),
        invalid=len(invalid),
    )
    return AllocationResult(
        as_of=day,
        method=method,
        ruleset=RuleSetRef.of(engine.ruleset),
        parameters=caps.values,
        totals=totals,
        pools=pools,
        profiles=profiles,
        regions=regions,
        body_types=body_types,
        shares=share_list,
        excluded=sorted(excluded, key=lambda entry: entry.id),
        invalid=sorted(invalid, key=_source_order),
    )


def _source_order(entry: Invalid) -> tuple[str, int, str]:
    """``file:9`` before ``file:10``, ``#2`` before ``#10``."""
    match = re.fullmatch(r"(.*?)(\d+)", entry.source)
    if match is None:
        return (entry.source, 0, "")
    return (match.group(1), int(match.group(2)), entry.source)


def _parameter_names() -> dict[CapId, str]:
    names: dict[CapId, str] = {f"pool:{pool}": name for pool, name in POOL_PARAMETERS.items()}
    names["total"] = TOTAL_PARAMETER
    names.update(
        {f"profile:{p}": PROFILE_PARAMETERS[profile] for p, profile in enumerate(PROFILES)}
    )
    names.update({f"region:{code}": name for code, name in REGION_PARAMETERS.items()})
    return names


def _share(
    rank: int,
    claimant: Claimant,
    applicant: _Applicant,
    granted: tuple[int, ...],
    full: set[CapId],
    parameter_of: dict[CapId, str],
) -> Share:
    case = applicant.case
    return Share(
        id=case.id,
        name=case.applicant.name,
        body_type=case.applicant.body_type,
        pool=claimant.pool,
        region_code=claimant.region,
        region=applicant.region_name,
        rank=rank,
        priority_score=claimant.priority,
        declared_need=case.needs_analysis.declared_need_posts,
        submitted_at=case.submitted_at,
        requested=dict(zip(PROFILES, claimant.requests, strict=True)),
        allocated=dict(zip(PROFILES, granted, strict=True)),
        requested_total=claimant.requested,
        allocated_total=sum(granted),
        unmet=claimant.requested - sum(granted),
        bounded_by=[
            parameter_of[cap] for cap in bounding_caps(claimant, {claimant.key: granted}, full)
        ],
    )
