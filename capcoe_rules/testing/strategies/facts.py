"""What the strategies know about a rule set: its period, regions, areas, caps and dates.

Generating a *valid* case needs a little knowledge of the rule set that will decide it: a
submission date inside the period the rule set is in force (else the engine refuses the
case with ``as_of``), a region the regions table knows. Steering a case *near a boundary*
needs more: the edges of the hiring window, each area's maximum amount, each body type's
maximum of posts per application.

:data:`BUNDLED` holds these facts for the bundled CapCoe rule set, read from its rule
files when this module is imported (never a hand-kept copy). A team that decides cases
with its own rule files passes ``RuleSetFacts.from_ruleset(engine.ruleset)`` to the
strategies instead, so that the boundaries follow its files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from capcoe_rules.bundled import bundled_rules_path
from capcoe_rules.language.checker import load_ruleset
from capcoe_rules.language.ruleset import CheckedRuleSet, Lookup, Parameter
from capcoe_rules.language.values import decode

__all__ = ["BUNDLED", "RuleSetFacts"]

HIRING_WINDOW_PARAMETERS = ("hiring_window_opens", "hiring_window_closes")
"""Parameters whose values are the edges of the hiring window."""


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class RuleSetFacts:
    """The facts of one rule set that the application strategies read.

    Build it from a checked rule set with :meth:`from_ruleset`; :data:`BUNDLED` is the
    bundled CapCoe rule set's.
    """

    in_force_from: dt.date
    in_force_to: dt.date
    region_categories: Mapping[str, str]
    """Region code (ISTAT, two digits; ``IT`` for central administrations) -> category."""
    area_maxima: Mapping[str, Decimal] = field(default_factory=lambda: _frozen({}))
    """Intervention area -> the most it may ask for, in euros."""
    area_categories: Mapping[str, frozenset[str]] = field(default_factory=lambda: _frozen({}))
    """Intervention area -> the region categories it is open to."""
    area_body_types: Mapping[str, frozenset[str]] = field(default_factory=lambda: _frozen({}))
    """Intervention area -> the body types it admits."""
    hires_per_application: Mapping[str, int] = field(default_factory=lambda: _frozen({}))
    """Body type -> the most posts one application may ask for."""
    hiring_window_edges: tuple[dt.datetime, ...] = ()
    """Every opening and closing instant of the hiring window, over all dated values."""
    parameter_changes: tuple[dt.date, ...] = ()
    """Days, inside the period, on which some parameter takes a new value or some table
    row starts or stops."""

    def __hash__(self) -> int:
        # Hashable (consistently with ==), so that strategies can be cached per rule set.
        return hash(
            (
                self.in_force_from,
                self.in_force_to,
                *(
                    frozenset(mapping.items())
                    for mapping in (
                        self.region_categories,
                        self.area_maxima,
                        self.area_categories,
                        self.area_body_types,
                        self.hires_per_application,
                    )
                ),
                self.hiring_window_edges,
                self.parameter_changes,
            )
        )

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(self.region_categories.values())

    def regions_of(self, category: str | None) -> tuple[str, ...]:
        """Region codes of ``category`` (all of them for ``None``), sorted."""
        return tuple(
            sorted(
                code
                for code, of in self.region_categories.items()
                if category is None or of == category
            )
        )

    @classmethod
    def from_ruleset(cls, ruleset: CheckedRuleSet, case_type: str = "application") -> RuleSetFacts:
        """Read the facts from a checked rule set.

        The tables are found through the lookups of ``case_type`` named ``region``,
        ``area`` and ``body`` (the names rules read: ``region.category``, ``area.max_amount``,
        ``body.max_hires_per_application``); the hiring window from the parameters
        ``hiring_window_opens`` and ``hiring_window_closes``. A missing lookup, table
        column or parameter leaves the matching facts empty: a strategy that needs them
        (e.g. ``near_window_boundary=True``) then says so.
        """
        if case_type not in ruleset.cases:
            raise ValueError(f"rule set {ruleset.name!r} has no rules for {case_type!r} cases")
        lookups = {lookup.name: lookup for lookup in ruleset.cases[case_type].lookups}
        if "region" not in lookups or "category" not in lookups["region"].table.columns:
            raise ValueError(
                f"rule set {ruleset.name!r} has no 'region' lookup with a 'category' column"
            )
        region_categories = {
            str(code): str(cat) for code, cat in _column(lookups["region"], "category").items()
        }
        area = lookups.get("area")
        body = lookups.get("body")
        edges = sorted(
            decode(dated.value, ruleset.parameters[name].type)
            for name in HIRING_WINDOW_PARAMETERS
            if name in ruleset.parameters
            for dated in ruleset.parameters[name].values
        )
        return cls(
            in_force_from=ruleset.in_force_from,
            in_force_to=ruleset.in_force_to,
            region_categories=_frozen(region_categories),
            area_maxima=_frozen(
                {}
                if area is None
                else {k: Decimal(v) for k, v in _column(area, "max_amount").items()}
            ),
            area_categories=_frozen(
                {}
                if area is None
                else {k: frozenset(v) for k, v in _column(area, "categories").items()}
            ),
            area_body_types=_frozen(
                {}
                if area is None
                else {k: frozenset(v) for k, v in _column(area, "body_types").items()}
            ),
            hires_per_application=_frozen(
                {}
                if body is None
                else {k: int(v) for k, v in _column(body, "max_hires_per_application").items()}
            ),
            hiring_window_edges=tuple(dict.fromkeys(edges)),
            parameter_changes=_changes(ruleset),
        )


def _column(lookup: Lookup, column: str) -> dict[str, Any]:
    """One column of a lookup's table, decoded, by row key (empty if there is no column):
    for a row that changes over time, its first version (later ones are dated changes,
    listed in ``parameter_changes``)."""
    table = lookup.table
    if column not in table.columns:
        return {}
    kind = table.columns[column]
    found: dict[str, Any] = {}
    for row in sorted(table.versions, key=lambda row: row.from_):
        found.setdefault(row.key, decode(row.values[column], kind))
    return found


def _changes(ruleset: CheckedRuleSet) -> tuple[dt.date, ...]:
    days: set[dt.date] = set()
    parameter: Parameter
    for parameter in ruleset.parameters.values():
        for dated in parameter.values:
            days.add(dated.from_)
            if dated.to is not None and dated.to < dt.date.max:
                days.add(dated.to + dt.timedelta(days=1))
    for table in ruleset.tables.values():
        days.update(table.change_days)
    inside = (day for day in days if ruleset.in_force_from < day <= ruleset.in_force_to)
    return tuple(sorted(inside))


BUNDLED = RuleSetFacts.from_ruleset(load_ruleset(bundled_rules_path()))
"""Facts of the bundled CapCoe rule set, read from its rule files."""
