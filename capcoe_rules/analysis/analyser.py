"""Analyse a checked rule set: every kind of case it judges, every question of checks.py;
with a base rule set, the kinds of case whose outcome the change alters (changes.py)."""

from __future__ import annotations

import time

from capcoe_rules.analysis.changes import Side, compare
from capcoe_rules.analysis.checks import CaseChecks, solver_background
from capcoe_rules.analysis.claims import compose
from capcoe_rules.analysis.encoding import Encoding
from capcoe_rules.analysis.places import Places
from capcoe_rules.analysis.queries import TIMEOUT_MS, Questions
from capcoe_rules.analysis.report import Report
from capcoe_rules.analysis.spaces import DateMode, space_for
from capcoe_rules.analysis.symbolic import Texts
from capcoe_rules.engine import Engine
from capcoe_rules.language.ruleset import CheckedRuleSet


def identity(ruleset: CheckedRuleSet) -> str:
    return f"{ruleset.name} {ruleset.version} ({ruleset.content_hash[:19]})"


def analyse(
    ruleset: CheckedRuleSet,
    origin: str = "rules",
    dates: DateMode | None = None,
    base: CheckedRuleSet | None = None,
    base_origin: str = "base",
    timeout_ms: int = TIMEOUT_MS,
    cases: tuple[str, ...] | None = None,
) -> Report:
    """What ``ruleset`` can and cannot do, proved by the solver and shown by witness cases
    that the engine decides; with ``base``, what changes from it. ``cases`` limits the
    analysis to those kinds of case (default: every kind the rule set has rules for)."""
    started = time.perf_counter()
    dates = dates or DateMode()
    report = Report(identity(ruleset), dates.describe(), None if base is None else identity(base))
    engine = Engine(ruleset)
    places = Places(ruleset, origin)
    texts = Texts()
    period = (ruleset.in_force_from, ruleset.in_force_to)
    for case_type, case_rules in ruleset.cases.items():
        if not case_rules.rules or (cases is not None and case_type not in cases):
            continue
        space = space_for(case_type, "", texts, period, dates)
        encoding = Encoding(ruleset, case_rules, space, "n")
        if case_type in ("claim", "programme"):
            compose(space, ruleset)
        questions = Questions(space, solver_background(space, encoding), timeout_ms)
        CaseChecks(encoding, questions, places, engine, report).run()
        report.checked[case_type] = questions.asked
    if base is not None:
        compare(
            Side(base, Engine(base), Places(base, base_origin)),
            Side(ruleset, engine, places),
            report,
            dates,
            timeout_ms,
            cases,
        )
    report.seconds = time.perf_counter() - started
    return report
