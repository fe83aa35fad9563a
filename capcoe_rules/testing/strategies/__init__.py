"""Hypothesis strategies for capcoe-rules cases, valid by construction and invalid on purpose.

For teams that test their own systems against capcoe-rules (a portal that submits
applications, a back office that stores decisions) and for our own property tests.
Install the test extra (``pip install 'capcoe-rules[test]'``): this package needs
hypothesis, the rest of capcoe-rules does not.

>>> from hypothesis import given
>>> from capcoe_rules.testing.strategies import applications, invalid_applications
>>> @given(applications(region_category="meno_sviluppata", area="assunzioni"))
... def test_my_portal_stores_every_decision(case): ...

Valid cases are JSON-ready mappings (what an embedding application sends); invalid ones
are :class:`InvalidCase` objects carrying the case and the field a clean refusal names
(``invalid.named_by(error)``). See ``docs/testing.md`` for a worked example.

One module per kind of case:

- :mod:`.applications`: :func:`applications`, :func:`boundary_applications`, and one
  strategy per kind of invalid application, mixed by :func:`invalid_applications`;
- :mod:`.payments`: :func:`grants`, :func:`payment_claims` (steerable by verification
  status, band edges, the grace period's end, programme level) and
  :func:`inconsistent_claims`;
- :mod:`.territory`: ISTAT codes (:func:`istat_codes`, :func:`region_codes`) from ISTAT's
  real list, shared by every kind of case that names a place;
- :mod:`.facts`: what the strategies know of a rule set (:class:`RuleSetFacts`);
  :data:`BUNDLED` is the bundled CapCoe rule set's;
- :mod:`.invalid`: :class:`InvalidCase`, shared by every kind of case.

- :mod:`.allocation`: :func:`allocation_rounds`, lists of hiring applications for one
  round.
- :mod:`.rulesets`: :func:`rulesets`, random valid rule sets over the whole expression
  language, and :func:`boundary_cases`, applications steered onto a rule set's numbers
  (:func:`numbers_of`): what the differential tests of the engine run on.
"""

from capcoe_rules.testing.strategies.allocation import allocation_rounds
from capcoe_rules.testing.strategies.applications import (
    AREAS,
    BODY_TYPES,
    PROFILES,
    ROLES,
    applications,
    boundary_applications,
    broken_dates,
    inconsistent_applicants,
    invalid_applications,
    negative_amounts,
    out_of_period_dates,
    out_of_range_values,
    unknown_codes,
    unknown_fields,
    wrong_types,
)
from capcoe_rules.testing.strategies.facts import BUNDLED, RuleSetFacts
from capcoe_rules.testing.strategies.invalid import InvalidCase
from capcoe_rules.testing.strategies.payments import grants, inconsistent_claims, payment_claims
from capcoe_rules.testing.strategies.rulesets import (
    GeneratedRuleSet,
    boundary_cases,
    numbers_of,
    rulesets,
)
from capcoe_rules.testing.strategies.territory import (
    METROPOLITAN_CITY_PROVINCES,
    istat_codes,
    region_codes,
)

__all__ = [
    "AREAS",
    "BODY_TYPES",
    "BUNDLED",
    "METROPOLITAN_CITY_PROVINCES",
    "PROFILES",
    "ROLES",
    "GeneratedRuleSet",
    "InvalidCase",
    "RuleSetFacts",
    "allocation_rounds",
    "applications",
    "boundary_applications",
    "boundary_cases",
    "broken_dates",
    "grants",
    "inconsistent_applicants",
    "inconsistent_claims",
    "invalid_applications",
    "istat_codes",
    "negative_amounts",
    "numbers_of",
    "out_of_period_dates",
    "out_of_range_values",
    "payment_claims",
    "region_codes",
    "rulesets",
    "unknown_codes",
    "unknown_fields",
    "wrong_types",
]
