"""Populations of applications: the runtime input of batches, benchmarks, diffs and rounds.

- :mod:`.comuni`: the national population, one application per ISTAT comune (7,896);
- :mod:`.national_round`: the national allocation round's input, the population plus
  simulated Regioni, Province, Città metropolitane and Unioni di comuni, with simulated
  resident population and spending capacity for every body.

Every draw is deterministic (same seed, same bytes) and an ASSUMPTION made to exercise
the rules at the scale of the real call, not data about real bodies.
"""

from capcoe_rules.population.comuni import (
    DEFAULT_SEED,
    application_for,
    national_population,
    write_population,
)
from capcoe_rules.population.national_round import (
    national_round_applications,
    simulated_applications,
    write_national_round,
)

__all__ = [
    "DEFAULT_SEED",
    "application_for",
    "national_population",
    "national_round_applications",
    "simulated_applications",
    "write_national_round",
    "write_population",
]
