"""What a rule set can and cannot do, proved with an SMT solver before any case arrives.

The checked rule set (:class:`~capcoe_rules.language.CheckedRuleSet`) is translated into
z3 constraints over the valid cases (spaces.py: the case models' fields, ranges and
invariants), its parameters as of a date, its lookups as finite tables and its derived
values in stratum order (encoding.py, translate.py). The solver then answers, for each
requirement, pair of requirements, closed field, lookup and payment value, whether a case
exists (checks.py; with a base rule set, changes.py). Every "such a case exists" comes with
a witness case file that the engine decides (verify.py): the analysis claims only what
the engine does. Needs the ``analysis`` extra (z3-solver).
"""

from capcoe_rules.analysis.solver import INSTALL_HINT, SolverMissingError, z3_module

z3_module()  # fail here, with the install hint, when the extra is missing

from capcoe_rules.analysis.analyser import analyse  # noqa: E402
from capcoe_rules.analysis.report import Finding, NotAnalysed, Report, Witness  # noqa: E402
from capcoe_rules.analysis.spaces import DateMode  # noqa: E402

__all__ = [
    "INSTALL_HINT",
    "DateMode",
    "Finding",
    "NotAnalysed",
    "Report",
    "SolverMissingError",
    "Witness",
    "analyse",
]
