"""capcoe-rules: a declarative rules engine for the Italian programme CapCoe 2021-2027.

>>> from capcoe_rules import Engine
>>> engine = Engine.bundled()                     # the CapCoe rule set shipped with the package
>>> engine = Engine.from_path("rules")            # or any rule set: load, check, compile once
>>> decision = engine.evaluate(case_dict)          # doctest: +SKIP
>>> decision.outcome, decision.reasons             # doctest: +SKIP

An application gives a :class:`Decision`; a payment claim a :class:`PaymentDecision`.
"""

from importlib import metadata as _metadata

from capcoe_rules.engine import Engine, ReferenceEvaluator, parse_case
from capcoe_rules.engine.engine import AnyDecision
from capcoe_rules.errors import (
    AnalysisError,
    CapcoeError,
    CaseError,
    Code,
    DestinationError,
    EvaluationError,
    FieldProblem,
    FormatError,
    NotInForceError,
    Position,
    Problem,
    RecordError,
    RoundError,
    RuleSetError,
    UnknownTerritoryCodeError,
)
from capcoe_rules.language import CheckedRuleSet, check_ruleset, load_ruleset
from capcoe_rules.models import (
    Application,
    Decision,
    Finding,
    MilestoneDecision,
    PaymentClaim,
    PaymentDecision,
)

__all__ = [
    "AnalysisError",
    "AnyDecision",
    "Application",
    "CapcoeError",
    "CaseError",
    "CheckedRuleSet",
    "Code",
    "Decision",
    "DestinationError",
    "Engine",
    "EvaluationError",
    "FieldProblem",
    "Finding",
    "FormatError",
    "MilestoneDecision",
    "NotInForceError",
    "PaymentClaim",
    "PaymentDecision",
    "Position",
    "Problem",
    "RecordError",
    "ReferenceEvaluator",
    "RoundError",
    "RuleSetError",
    "UnknownTerritoryCodeError",
    "check_ruleset",
    "load_ruleset",
    "parse_case",
]

try:  # one version, pyproject.toml's
    __version__ = _metadata.version("capcoe-rules")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
