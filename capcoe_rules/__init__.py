"""capcoe-rules: a declarative rules engine for the Italian programme CapCoe 2021-2027.

>>> from capcoe_rules import Engine
>>> engine = Engine.bundled()                     # the CapCoe rule set shipped with the package
>>> engine = Engine.from_path("rules")            # or any rule set: load, check, compile once
>>> decision = engine.evaluate(case_dict)          # doctest: +SKIP
>>> decision.outcome, decision.reasons             # doctest: +SKIP

An application gives a :class:`Decision`; a payment claim a :class:`PaymentDecision`.

The public names are imported on first use (PEP 562): ``import capcoe_rules.cli`` must not
pay for the engine, pydantic and durable_rules, so that ``capcoe-rules --help`` starts in a
few hundredths of a second. Type checkers and IDEs see the imports below as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capcoe_rules.lazy import lazy_names

if TYPE_CHECKING:
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

    __version__: str

_HOMES = {
    "capcoe_rules.engine": ("Engine", "ReferenceEvaluator", "parse_case"),
    "capcoe_rules.engine.engine": ("AnyDecision",),
    "capcoe_rules.errors": (
        "AnalysisError",
        "CapcoeError",
        "CaseError",
        "Code",
        "DestinationError",
        "EvaluationError",
        "FieldProblem",
        "FormatError",
        "NotInForceError",
        "Position",
        "Problem",
        "RecordError",
        "RoundError",
        "RuleSetError",
        "UnknownTerritoryCodeError",
    ),
    "capcoe_rules.language": ("CheckedRuleSet", "check_ruleset", "load_ruleset"),
    "capcoe_rules.models": (
        "Application",
        "Decision",
        "Finding",
        "MilestoneDecision",
        "PaymentClaim",
        "PaymentDecision",
    ),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

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


def _version() -> str:
    from importlib import metadata  # noqa: PLC0415 (30 ms: only when asked)

    try:  # one version, pyproject.toml's
        return metadata.version("capcoe-rules")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


if not TYPE_CHECKING:  # hidden from type checkers: a misspelt name stays an error for them
    _public_name = lazy_names(__name__, _HOME_OF)

    def __getattr__(name: str) -> object:
        """A public name, imported from its module the first time it is asked for."""
        if name != "__version__":
            return _public_name(name)
        globals()[name] = version = _version()  # asked once: later lookups stay here
        return version

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__, "__version__"})
