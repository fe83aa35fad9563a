"""Rule files: YAML with positions, document models, typed expressions, dated parameters."""

from capcoe_rules.language.checker import check_ruleset, load_ruleset, load_sources
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
