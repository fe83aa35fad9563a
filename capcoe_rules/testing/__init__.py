"""Testing kit: run YAML example cases with rule coverage, hypothesis strategies, pytest plugin.

- :mod:`capcoe_rules.testing.runner`: run example cases, measure rule coverage;
- :mod:`capcoe_rules.testing.expectations`: compare a decision with an expectation.

A leaf: nothing in the library imports it but the CLI's ``test`` command and the pytest
plugin (the national population, runtime input, is :mod:`capcoe_rules.population`).
"""

from capcoe_rules.testing.expectations import Difference, compare
from capcoe_rules.testing.runner import CaseResult, RuleCoverage, coverage, run_examples

__all__ = ["CaseResult", "Difference", "RuleCoverage", "compare", "coverage", "run_examples"]
