"""Rule files: YAML with positions, document models, typed expressions, dated parameters.

The names below are imported on first use (PEP 562), so that a module of the package
(say :mod:`capcoe_rules.language.ruleset`, which every engine needs) can be imported
without the checker and all its stages, which an engine whose rule set comes from the
cache never runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capcoe_rules.lazy import lazy_names

if TYPE_CHECKING:
    from capcoe_rules.language.checker import load_sources
    from capcoe_rules.language.loading import check_ruleset, load_ruleset
    from capcoe_rules.language.problems import Problem, RuleSetError
    from capcoe_rules.language.ruleset import CheckedRuleSet

__all__ = [
    "CheckedRuleSet",
    "Problem",
    "RuleSetError",
    "check_ruleset",
    "load_ruleset",
    "load_sources",
]

_HOMES = {
    "CheckedRuleSet": "capcoe_rules.language.ruleset",
    "Problem": "capcoe_rules.language.problems",
    "RuleSetError": "capcoe_rules.language.problems",
    "check_ruleset": "capcoe_rules.language.loading",
    "load_ruleset": "capcoe_rules.language.loading",
    "load_sources": "capcoe_rules.language.checker",
}


__getattr__ = lazy_names(__name__, _HOMES)
