"""Compile a checked rule set to durable_rules, evaluate cases, collect findings."""

from capcoe_rules.engine.case_data import parse_case
from capcoe_rules.engine.engine import Engine, ReferenceEvaluator

__all__ = ["Engine", "ReferenceEvaluator", "parse_case"]
