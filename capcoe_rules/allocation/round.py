"""An allocation round: decide eligibility with the engine, read the declaration, ration.

The round is where the engine, the rule set's allocation declaration
(:class:`~capcoe_rules.language.allocation.Allocation`) and the pure rationing meet:

1. every input is read as an application; one that cannot be is listed as invalid and
   the round goes on (an id used twice makes every copy invalid, since keeping one would
   depend on the input order);
2. the applications the round is for (the declaration's ``takes_part``) are grouped by
   body (``one_request_per_body``): several of one body are all left out (``refuse``) or
   all but the last submitted (``keep_latest``), and named;
3. each is decided by the engine as of its own date (as ``capcoe-rules evaluate`` decides
   it alone); only eligible ones take part, the rest are listed with the rules they fail;
4. the quotas, caps, key, weights and method are those in force on the round's date
   (``as_of``; by default the latest submission day among the applications, so the round
   never reads the clock); reserved pools are not open to applications;
5. :func:`~capcoe_rules.allocation.rationing.ration` shares the posts out; the report
   totals them by pool, profile, group and body, and says what bounded each share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from capcoe_rules.allocation.models import (
    AllocationResult,
    CapUse,
    Excluded,
    ExclusionCause,
    GroupReason,
    GroupUse,
    Invalid,
    Share,
    Totals,
)
from capcoe_rules.allocation.rationing import Claimant, Limits, Plan, Rationing, ordered, ration
from capcoe_rules.case_messages import case_problem, count
from capcoe_rules.engine import Engine, parse_case
from capcoe_rules.engine.case_data import CaseInput, not_in_force
from capcoe_rules.errors import CaseError, NotInForceError, RoundError, Text
from capcoe_rules.language.allocation import Allocation, Labels, Method, Pool
from capcoe_rules.language.expressions import Ref
from capcoe_rules.models.application import Application
from capcoe_rules.models.decision import RuleSetRef

SCORE_PLACES = Decimal("0.000001")
SHARE_PLACES = Decimal("0.01")


def allocate_round(
    engine: Engine,
    applications: Iterable[CaseInput],
    *,
    as_of: dt.date | None = None,
    method: str | None = None,
    sources: Sequence[str] | None = None,
    unreadable: Sequence[Invalid] = (),
) -> AllocationResult:
    """Hold one allocation round over ``applications`` (models, mappings or JSON text).

    ``as_of`` is the round's date (default: the latest submission day, in Rome, among the
    valid applications); ``method`` overrides the method the rule set has in force (one
    of those it declares); ``sources`` names each input in the report (default ``#1``,
    ``#2``...); ``unreadable`` lists inputs the caller could not even parse (e.g. lines
    that are not JSON), reported with the round's own invalid entries. Raises
    :class:`RoundError` when the round cannot be held (a bad application never makes it
    so: it is listed as invalid), and the engine's ``EvaluationError`` when a rule of the
    rule set cannot be evaluated.
    """
    declaration = engine.ruleset.allocation
    if declaration is None:
        raise RoundError(case_problem("", "round_not_declared", ruleset=repr(engine.ruleset.name)))
    items = list(applications)
    labels = list(sources) if sources is not None else [f"#{n}" for n in range(1, len(items) + 1)]
    if len(labels) != len(items):
        mismatch = case_problem(
            "sources", "round_sources", sources=count(len(labels)), applications=count(len(items))
        )
        raise RoundError(mismatch)
    cases, invalid = _read(items, labels)
    invalid.extend(unreadable)
    day = as_of if as_of is not None else _latest_day(cases)
    try:
        values = engine.ruleset.parameters_on(day)
    except NotInForceError:
        raise RoundError(not_in_force(engine.ruleset, day)) from None
    chosen = _method(declaration, method if method is not None else str(values[declaration.method]))
    people, excluded = _participants(engine, declaration, chosen, day, cases, invalid)
    limits = Limits(
        pools={
            pool.name: int(values[pool.quota]) for pool in declaration.pools if not pool.reserved
        },
        profiles=tuple(int(values[profile.cap]) for profile in declaration.profiles),
    )
    plan = Plan(
        key=None
        if chosen.key is None
        else {g: Fraction(w) for g, w in chosen.key.weights_on(day).items()},
        weights=None
        if chosen.share is None
        else tuple(Fraction(w) for w in chosen.weights_on(values)),
    )
    rationing = ration([person.claimant for person in people], limits, plan)
    return _Report(engine, declaration, chosen, day, values, limits, plan, rationing).result(
        people, excluded, invalid, len(items) + len(unreadable)
    )


def _method(declaration: Allocation, name: str) -> Method:
    found = declaration.methods.get(name)
    if found is None:
        raise RoundError(
            case_problem("method", "round_unknown_method", name, names=list(declaration.methods))
        )
    return found


def _read(
    items: list[CaseInput], labels: list[str]
) -> tuple[list[tuple[str, Application]], list[Invalid]]:
    cases: list[tuple[str, Application]] = []
    invalid: list[Invalid] = []
    for label, item in zip(labels, items, strict=True):
        try:
            model: BaseModel = parse_case(item)
        except CaseError as error:
            invalid.append(Invalid.of(label, error.problems))
            continue
        if not isinstance(model, Application):
            kind = Text("a payment claim", "una domanda di pagamento")
            invalid.append(Invalid.of(label, [case_problem("", "not_an_application", what=kind)]))
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
            used_again = case_problem("id", "id_used_again", case.id, others=others)
            invalid.append(Invalid.of(label, [used_again]))
    return kept, invalid


def _latest_day(cases: list[tuple[str, Application]]) -> dt.date:
    if not cases:
        raise RoundError(case_problem("as_of", "round_no_valid_application"))
    return max(case.default_as_of() for _, case in cases)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a round reads of an application's decision: its outcome, the blocking rules
    it fails, its derived values and lookup rows (as the decision shows them)."""

    outcome: str
    reasons: list[str]
    derived: Mapping[str, Any]
    lookups: Mapping[str, Mapping[str, Any]]


def decide(engine: Engine, case: Application) -> Verdict:
    """The verdict on ``case`` as of its own date, as ``engine.evaluate`` decides it.

    From the compact decision, which the engine writes without building a decision (its
    findings are most of an evaluation's cost), and the values it was written from.
    Raises :class:`CaseError` as ``evaluate`` does.
    """
    text = engine.evaluate_json(case, compact=True)
    return Verdict(text.outcome, list(text.reasons), text.derived, text.lookups)


def read(ref: Ref, case: BaseModel, decision: Verdict | None) -> Any:
    """The value a declaration's name reads for one application: a field of the case, a
    derived value or a lookup's column of its decision."""
    root, *rest = ref.path
    if root == "derived":
        return None if decision is None else decision.derived.get(rest[0])
    if decision is not None and root in decision.lookups:
        return decision.lookups[root].get(rest[0])
    value: Any = case
    for part in rest:
        value = getattr(value, part, None)
    return value


def _number(value: Any) -> Fraction:
    """A criterion's value as an exact fraction: missing (or below 0) counts as 0."""
    if value is None or isinstance(value, bool):
        return Fraction(0)
    number = Fraction(Decimal(str(value)))
    return max(number, Fraction(0))


class _Person:
    """An eligible application with what the report shows about it."""

    def __init__(
        self, case: Application, claimant: Claimant, body: str, criteria: dict[str, Any]
    ) -> None:
        self.case = case
        self.claimant = claimant
        self.body = body
        self.criteria = criteria


def _participants(
    engine: Engine,
    declaration: Allocation,
    method: Method,
    day: dt.date,
    cases: list[tuple[str, Application]],
    invalid: list[Invalid],
) -> tuple[list[_Person], list[Excluded]]:
    excluded: list[Excluded] = []

    def exclude(case: Application, cause: ExclusionCause, reasons: list[str]) -> None:
        excluded.append(
            Excluded(id=case.id, name=case.applicant.name, cause=cause, reasons=reasons)
        )

    candidates: list[tuple[str, Application]] = []
    for source, case in cases:
        if read(declaration.takes_part, case, None) in declaration.takes_part_values:
            candidates.append((source, case))
        else:
            exclude(case, "not_taking_part", [])
    people: list[_Person] = []
    for source, case in _one_per_body(declaration, candidates, exclude):
        try:
            decision = decide(engine, case)
        except CaseError as error:  # e.g. submitted outside the rule set's period
            invalid.append(Invalid.of(source, error.problems))
            continue
        if decision.outcome != "eligible":
            exclude(case, "not_eligible", list(decision.reasons))
            continue
        body = str(read(declaration.pool_field, case, decision))
        pool = declaration.pool_of(body)
        if pool is None:
            exclude(case, "no_pool", [])
            continue
        group = str(read(declaration.group_field, case, decision))
        if method.key is not None and group not in method.key.table.rows_on(day):
            exclude(case, "no_key", [])
            continue
        criteria = {
            name: read(criterion.value, case, decision)
            for name, criterion in declaration.criteria.items()
        }
        people.append(
            _Person(
                case,
                _claimant(declaration, method, case, decision, pool, group, criteria),
                body,
                criteria,
            )
        )
    return people, excluded


def _claimant(
    declaration: Allocation,
    method: Method,
    case: Application,
    decision: Verdict,
    pool: Pool,
    group: str,
    criteria: dict[str, Any],
) -> Claimant:
    return Claimant(
        key=case.id,
        pool=pool.name,
        requests=tuple(
            int(read(profile.request, case, decision) or 0) for profile in declaration.profiles
        ),
        group=group,
        criteria=()
        if method.share is None
        else tuple(_number(criteria[criterion.name]) for criterion, _ in method.share),
        rank=Fraction(Decimal(str(criteria[declaration.order.name] or 0))),
        submitted_at=case.submitted_at,
    )


def _one_per_body(
    declaration: Allocation,
    candidates: list[tuple[str, Application]],
    exclude: Callable[[Application, ExclusionCause, list[str]], None],
) -> list[tuple[str, Application]]:
    """The applications left once several of one body are refused (or all but the last
    submitted), in input order."""
    bodies: dict[tuple[Any, ...], list[Application]] = {}
    for _, case in candidates:
        identity = tuple(read(ref, case, None) for ref in declaration.identity)
        bodies.setdefault(identity, []).append(case)
    kept: set[str] = set()
    for same in bodies.values():
        if len(same) == 1:
            kept.add(same[0].id)
            continue
        latest = max(same, key=lambda case: (case.submitted_at.astimezone(dt.UTC), case.id))
        for case in same:
            others = sorted(other.id for other in same if other is not case)
            if declaration.several == "keep_latest" and case is latest:
                kept.add(case.id)
            else:
                exclude(case, "same_body", others)
    return [(source, case) for source, case in candidates if case.id in kept]


class _Report:
    """Builds the result from the rationing and what the round read."""

    def __init__(
        self,
        engine: Engine,
        declaration: Allocation,
        method: Method,
        day: dt.date,
        values: dict[str, Any],
        limits: Limits,
        plan: Plan,
        rationing: Rationing,
    ) -> None:
        self.engine = engine
        self.declaration = declaration
        self.method = method
        self.day = day
        self.values = values
        self.limits = limits
        self.plan = plan
        self.rationing = rationing
        self.profile_names = [profile.name for profile in declaration.profiles]
        shares = rationing.shares
        self.load = [
            sum(granted[p] for granted in shares.values()) for p in range(len(limits.profiles))
        ]
        self.profile_full = [
            load >= cap for load, cap in zip(self.load, limits.profiles, strict=True)
        ]
        self.cells = {(cell.pool, cell.group): cell for cell in rationing.cells}
        self.pool_allocated = dict.fromkeys(limits.pools, 0)
        for cell in rationing.cells:
            self.pool_allocated[cell.pool] += cell.allocated

    def result(
        self,
        people: list[_Person],
        excluded: list[Excluded],
        invalid: list[Invalid],
        count: int,
    ) -> AllocationResult:
        declaration = self.declaration
        by_key = {person.claimant.key: person for person in people}
        order = ordered([person.claimant for person in people])
        shares = [self._share(rank, by_key[c.key]) for rank, c in enumerate(order, start=1)]
        reserved = sum(int(self.values[pool.quota]) for pool in declaration.pools if pool.reserved)
        supply = int(self.values[declaration.total])
        demand = sum(share.requested_total for share in shares)
        allocated = sum(share.allocated_total for share in shares)
        open_supply = supply - reserved
        read_names = [
            *declaration.cap_parameters,
            declaration.method,
            *(w for _, w in self.method.share or () if isinstance(w, str)),
        ]
        return AllocationResult(
            as_of=self.day,
            method=self.method.name,
            ruleset=RuleSetRef.of(self.engine.ruleset),
            parameters={name: self._shown(self.values[name]) for name in sorted(set(read_names))},
            totals=Totals(
                supply=supply,
                reserved=reserved,
                open_supply=open_supply,
                demand=demand,
                allocated=allocated,
                unmet=demand - allocated,
                unallocated=open_supply - allocated,
                applications=count,
                eligible=len(shares),
                excluded=len(excluded),
                invalid=len(invalid),
            ),
            pools=self._pools(shares),
            profiles=self._profiles(shares),
            groups=self._groups(shares, None),
            cells=[use for pool in sorted(self.limits.pools) for use in self._groups(shares, pool)],
            bodies=self._bodies(shares),
            shares=shares,
            excluded=sorted(excluded, key=lambda entry: entry.id),
            invalid=sorted(invalid, key=_source_order),
        )

    @staticmethod
    def _shown(value: Any) -> int | Decimal | str:
        if isinstance(value, str):
            return value
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else number

    def _provenance(self, name: str) -> Any:
        return self.engine.ruleset.parameters[name].doc.provenance

    def _label(self, labels: Labels | None, value: str) -> str:
        return value if labels is None else labels.label(value, self.day)

    def _share(self, rank: int, person: _Person) -> Share:
        claimant = person.claimant
        granted = self.rationing.shares[claimant.key]
        score = self.rationing.scores.get(claimant.key)
        names = self.profile_names
        return Share(
            id=claimant.key,
            name=person.case.applicant.name,
            body=person.body,
            pool=claimant.pool,
            group=claimant.group,
            group_label=self._label(self.declaration.group_labels, claimant.group),
            rank=rank,
            criteria={
                name: None if value is None else Decimal(str(value))
                for name, value in person.criteria.items()
            },
            score=None
            if score is None
            else score.quantize(SCORE_PLACES, context=Context(rounding=ROUND_HALF_EVEN)),
            submitted_at=person.case.submitted_at,
            requested=dict(zip(names, claimant.requests, strict=True)),
            allocated=dict(zip(names, granted, strict=True)),
            requested_total=claimant.requested,
            allocated_total=sum(granted),
            unmet=claimant.requested - sum(granted),
            bounded_by=self._bounded_by(claimant, granted),
            moved_by_profiles=self.rationing.adjusted.get(claimant.key, 0),
        )

    def _bounded_by(self, claimant: Claimant, granted: tuple[int, ...]) -> list[str]:
        short = [p for p, asked in enumerate(claimant.requests) if granted[p] < asked]
        if not short:
            return []
        pool = next(pool for pool in self.declaration.pools if pool.name == claimant.pool)
        found: list[str] = []
        if self.plan.key is None:
            if self.pool_allocated[pool.name] >= self.limits.pools[pool.name]:
                found.append(pool.quota)
        else:
            cell = self.cells[(pool.name, claimant.group)]
            if cell.allocated >= cell.posts:
                found.append(f"{pool.quota}@{claimant.group}")
        found += [self.declaration.profiles[p].cap for p in short if self.profile_full[p]]
        return found

    def _pools(self, shares: list[Share]) -> list[CapUse]:
        uses = []
        for pool in self.declaration.pools:
            cap = int(self.values[pool.quota])
            members = [share for share in shares if share.pool == pool.name]
            demand = sum(share.requested_total for share in members)
            allocated = sum(share.allocated_total for share in members)
            uses.append(
                CapUse(
                    name=pool.name,
                    label=pool.title.it,
                    parameter=pool.quota,
                    cap=cap,
                    demand=demand,
                    allocated=allocated,
                    unmet=demand - allocated,
                    full=pool.reserved or allocated >= cap,
                    reserved=cap if pool.reserved else 0,
                    provenance=self._provenance(pool.quota),
                )
            )
        return uses

    def _profiles(self, shares: list[Share]) -> list[CapUse]:
        uses = []
        for p, profile in enumerate(self.declaration.profiles):
            demand = sum(share.requested[profile.name] for share in shares)
            uses.append(
                CapUse(
                    name=profile.name,
                    label=profile.title.it,
                    parameter=profile.cap,
                    cap=self.limits.profiles[p],
                    demand=demand,
                    allocated=self.load[p],
                    unmet=demand - self.load[p],
                    full=self.profile_full[p],
                    provenance=self._provenance(profile.cap),
                )
            )
        return uses

    def _bodies(self, shares: list[Share]) -> list[CapUse]:
        uses = []
        for body in sorted({share.body for share in shares}):
            members = [share for share in shares if share.body == body]
            demand = sum(share.requested_total for share in members)
            allocated = sum(share.allocated_total for share in members)
            uses.append(
                CapUse(
                    name=body,
                    label=self._label(self.declaration.pool_labels, body),
                    parameter=None,
                    cap=None,
                    demand=demand,
                    allocated=allocated,
                    unmet=demand - allocated,
                    full=False,
                )
            )
        return uses

    def _groups(self, shares: list[Share], pool: str | None) -> list[GroupUse]:
        """Each group, in ``pool`` or over every pool (None)."""
        key = self.method.key
        weights = key.weights_on(self.day) if key is not None else {}
        cells = [cell for cell in self.rationing.cells if pool is None or cell.pool == pool]
        names = sorted({*weights, *(share.group for share in shares)})
        uses = []
        for group in names:
            members = [s for s in shares if s.group == group and (pool is None or s.pool == pool)]
            if key is None and not members:
                continue
            mine = [cell for cell in cells if cell.group == group]
            demand = sum(share.requested_total for share in members)
            allocated = sum(share.allocated_total for share in members)
            key_share = sum((cell.key_share or Fraction(0) for cell in mine), Fraction(0))
            posts = sum(cell.posts for cell in mine)
            uses.append(
                GroupUse(
                    pool=pool,
                    group=group,
                    label=self._label(self.declaration.group_labels, group),
                    key_weight=weights.get(group),
                    key_share=None if key is None else _decimal(key_share, SHARE_PLACES),
                    posts=None if key is None else posts,
                    demand=demand,
                    allocated=allocated,
                    unmet=demand - allocated,
                    why=[] if key is None else _why(mine),
                )
            )
        return uses


def _decimal(value: Fraction, places: Decimal) -> Decimal:
    """``value`` rounded to ``places`` in a fixed context, whatever the caller's."""
    context = Context(prec=28, rounding=ROUND_HALF_EVEN)
    quotient = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return quotient.quantize(places, context=context)


def _why(cells: list[Any]) -> list[GroupReason]:
    """Why a group's posts (over its cells) differ from its rounded key share."""
    reasons: list[GroupReason] = []
    for cell in cells:
        assert cell.key_share is not None
        ceiling = -(-cell.key_share.numerator // cell.key_share.denominator)
        if cell.posts < cell.key_share and cell.posts == cell.demand:
            reasons.append("capped_at_request")
        if cell.posts > ceiling:
            reasons.append("resplit")
        if cell.allocated < cell.posts:
            reasons.append("profiles_full")
        if cell.allocated > cell.posts:
            reasons.append("took_lost_posts")
    return sorted(set(reasons), key=reasons.index)


def _source_order(entry: Invalid) -> tuple[str, int, str]:
    """``file:9`` before ``file:10``, ``#2`` before ``#10``."""
    match = re.fullmatch(r"(.*?)(\d+)", entry.source)
    if match is None:
        return (entry.source, 0, "")
    return (match.group(1), int(match.group(2)), entry.source)
