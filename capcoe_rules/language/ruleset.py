"""A checked rule set: every name resolved, every expression typed, ready to compile."""

from __future__ import annotations

import bisect
import datetime as dt
import pickle
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from capcoe_rules.errors import NotInForceError
from capcoe_rules.language.documents import LookupDoc, ParameterDoc, RuleDoc, TableDoc
from capcoe_rules.language.expressions import Node, Ref
from capcoe_rules.language.problems import Position
from capcoe_rules.language.types import Type
from capcoe_rules.language.values import EngineValue

if TYPE_CHECKING:
    from capcoe_rules.language.allocation import Allocation


@dataclass(frozen=True)
class DatedValue:
    from_: dt.date
    to: dt.date | None
    value: EngineValue

    def holds_on(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: Type
    values: tuple[DatedValue, ...]
    doc: ParameterDoc
    file: str

    def value_on(self, day: dt.date) -> EngineValue:
        """The value in force on ``day``; dated values never overlap (the checker ensures)."""
        for dated in reversed(self.values):
            if dated.holds_on(day):
                return dated.value
        raise NotInForceError(f"parameter {self.name!r} has no value on {day.isoformat()}")


@dataclass(frozen=True)
class TableRow:
    """One version of a table's row: its values and the dates it is in force (both ends
    inclusive; ``to`` None: until further notice)."""

    key: str
    values: dict[str, EngineValue]
    from_: dt.date
    to: dt.date | None
    position: Position = field(compare=False)

    def holds_on(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


Rows = Mapping[str, dict[str, EngineValue]]


@dataclass(frozen=True)
class Table:
    """A reference table whose rows may change over time.

    Each row carries the dates it is in force; a key has at most one row in force on a
    day (the checker ensures it), so :meth:`rows_on` gives the table as it stood that day.
    """

    name: str
    key: str
    columns: dict[str, Type]
    versions: tuple[TableRow, ...]
    """Every row of every date, in file order."""
    doc: TableDoc
    file: str
    position: Position
    _days: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)
    _segments: tuple[Rows, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The days on which some row starts or stops split time into stretches with one
        # set of rows each: a lookup is then one bisection, however many versions.
        days = sorted(
            {row.from_ for row in self.versions}
            | {
                row.to + dt.timedelta(days=1)
                for row in self.versions
                if row.to is not None and row.to < dt.date.max  # 9999-12-31: no end
            }
        )
        starts = [dt.date.min, *days]
        segments = tuple(
            MappingProxyType({row.key: row.values for row in self.versions if row.holds_on(day)})
            for day in starts
        )
        object.__setattr__(self, "_days", tuple(days))
        object.__setattr__(self, "_segments", segments)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (the rule-set cache) by its fields: the read-only segments are rebuilt.
        return (
            Table,
            (self.name, self.key, self.columns, self.versions, self.doc, self.file, self.position),
        )

    def rows_on(self, day: dt.date) -> Rows:
        """The rows in force on ``day``, by key (read-only)."""
        return self._segments[bisect.bisect_right(self._days, day)]

    @property
    def change_days(self) -> tuple[dt.date, ...]:
        """The days on which some row starts or stops being in force."""
        return self._days


@dataclass(frozen=True)
class Lookup:
    """Before evaluation, ``name`` is bound to the row of ``table`` keyed by ``key``."""

    name: str
    table: Table
    key: Ref
    doc: LookupDoc


@dataclass(frozen=True)
class Rule:
    id: str
    case_type: str
    doc: RuleDoc
    file: str
    position: Position
    when: Node | None
    require: Node | None
    derive: str | None
    value: Node | None
    reads: tuple[Ref, ...]
    """The names the rule's conditions and formula read."""
    shows: tuple[Ref, ...]
    """The names its message shows."""
    stratum: int
    """0 for a rule that reads no derived value, else one more than the highest stratum
    of the derivations it reads: derivations are computed in increasing stratum."""

    @property
    def kind(self) -> Literal["requirement", "derivation"]:
        return "requirement" if self.require is not None else "derivation"


@dataclass(frozen=True)
class CaseRules:
    """Everything that judges one kind of case."""

    case_type: str
    lookups: tuple[Lookup, ...]
    rules: tuple[Rule, ...]
    derived_types: dict[str, Type]

    @property
    def derivations(self) -> tuple[Rule, ...]:
        """The derivations in an order where each comes after the values it reads."""
        return tuple(
            sorted(
                (rule for rule in self.rules if rule.derive is not None), key=lambda r: r.stratum
            )
        )


@dataclass(frozen=True)
class PaymentNames:
    """The derived values a payment decision reads, as ``payment:`` declares them."""

    payable: str
    """Derived by ``case: milestone``: what the milestone pays with this claim (money)."""
    final_missed: str
    """Derived by ``case: milestone``: whether a final target is missed (true/false)."""
    recovery_share: str
    """Derived by ``case: claim``: the share of intermediate payments to recover."""


@dataclass(frozen=True)
class CheckedRuleSet:
    name: str
    version: str
    title_it: str
    in_force_from: dt.date
    in_force_to: dt.date
    content_hash: str
    parameters: dict[str, Parameter]
    tables: dict[str, Table]
    cases: dict[str, CaseRules]
    sources: dict[str, str] = field(repr=False)
    """The rule files' text by relative path: enough to rebuild this rule set anywhere."""
    payment: PaymentNames | None = None
    """What a payment decision reads; None when the rule set decides no payment claims."""
    # A factory, not a default: a class attribute would answer for a rule set unpickled
    # without its allocation read yet (see __reduce__).
    allocation: Allocation | None = field(default_factory=lambda: None)
    """The allocation round the rule set declares, if any."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The allocation round travels pickled on its own and is unpickled when first read:
        # deciding cases from a cached rule set never reads it, and unpickling it (its
        # checker's module, its documents) was 7 ms of a one-case `evaluate`. Pickled
        # apart, its tables are copies of the rule set's: equal, not the same objects.
        state = {
            name: value for name, value in self.__dict__.items() if name not in _LAZY_ALLOCATION
        }
        pickled = self.__dict__.get(_PICKLED_ALLOCATION)
        if pickled is None:
            pickled = pickle.dumps(self.allocation, protocol=pickle.HIGHEST_PROTOCOL)
        return (_unpickled_ruleset, (state, pickled))

    if not TYPE_CHECKING:  # at run time only: mypy keeps refusing unknown attributes

        def __getattr__(self, name: str) -> Any:
            pickled = self.__dict__.get(_PICKLED_ALLOCATION)
            if name != "allocation" or pickled is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            with _ALLOCATION_LOCK:
                if "allocation" not in self.__dict__:
                    self.__dict__["allocation"] = pickle.loads(pickled)
                return self.__dict__["allocation"]

    def parameters_on(self, day: dt.date) -> dict[str, EngineValue]:
        if not self.in_force_from <= day <= self.in_force_to:
            raise NotInForceError(
                f"{day.isoformat()} is outside the period rule set {self.name!r} is in force "
                f"({self.in_force_from.isoformat()} to {self.in_force_to.isoformat()})"
            )
        return {name: parameter.value_on(day) for name, parameter in self.parameters.items()}


_PICKLED_ALLOCATION = "_pickled_allocation"
_LAZY_ALLOCATION = ("allocation", _PICKLED_ALLOCATION)
_ALLOCATION_LOCK = threading.Lock()


def _unpickled_ruleset(state: dict[str, Any], allocation: bytes) -> CheckedRuleSet:
    """A pickled :class:`CheckedRuleSet`, its allocation round left pickled until read."""
    ruleset = object.__new__(CheckedRuleSet)
    ruleset.__dict__.update(state)
    ruleset.__dict__[_PICKLED_ALLOCATION] = allocation
    return ruleset
