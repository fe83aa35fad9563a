"""The example runner's results for CI systems: JSON, and JUnit XML (which every CI shows).

What ``capcoe-rules test --format json`` prints and ``--junit FILE`` writes. Both name each
example by its file, and say for a failing one every difference (``failure``) or why it
could not be decided at all (``error``).
"""

from __future__ import annotations

import dataclasses
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from capcoe_rules.casefiles import problems_json
from capcoe_rules.errors import CaseError
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.testing.runner import CaseResult, RuleCoverage, coverage_ratio

SUITE = "capcoe-rules examples"


def results_json(
    results: Sequence[CaseResult],
    ruleset: CheckedRuleSet,
    durations: Mapping[Path, float] | None = None,
    rule_coverage: Sequence[RuleCoverage] | None = None,
) -> str:
    """Every result, the counts, the rule set, and the rule coverage when it was measured."""
    durations = durations or {}
    report: dict[str, Any] = {
        "ruleset": _ruleset(ruleset),
        "passed": sum(result.passed for result in results),
        "failed": sum(not result.passed for result in results),
        "results": [
            {
                "path": result.path.as_posix(),
                "description": result.description,
                "passed": result.passed,
                "outcome": getattr(result.decision, "outcome", None),
                "error": None if result.failure is None else result.failure.en,
                "error_it": None if result.failure is None else result.failure.it,
                "problems": problems_json(result.path, CaseError(result.problems)),
                "differences": [
                    {"path": d.path, "expected": d.expected, "actual": d.actual}
                    for d in result.differences
                ],
                "seconds": durations.get(result.path),
            }
            for result in results
        ],
    }
    if rule_coverage is not None:
        report["coverage"] = coverage_json(rule_coverage)
    return json.dumps(report, indent=2, ensure_ascii=False, default=str)


def coverage_json(rule_coverage: Sequence[RuleCoverage]) -> dict[str, Any]:
    return {
        "ratio": coverage_ratio(rule_coverage),
        "incomplete": [rule.rule_id for rule in rule_coverage if not rule.complete],
        "rules": [
            {**dataclasses.asdict(rule), "complete": rule.complete} for rule in rule_coverage
        ],
    }


def junit_xml(
    results: Sequence[CaseResult],
    ruleset: CheckedRuleSet,
    durations: Mapping[Path, float] | None = None,
) -> str:
    """A JUnit XML report: one ``testcase`` per example, ``failure`` for differences,
    ``error`` for an example that could not be read or decided."""
    durations = durations or {}
    failures = sum(bool(r.differences) and r.error is None for r in results)
    errors = sum(r.error is not None for r in results)
    total_time = sum(durations.values())
    suites = ET.Element(
        "testsuites",
        name="capcoe-rules test",
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{total_time:.6f}",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{total_time:.6f}",
        hostname=socket.gethostname(),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in _ruleset(ruleset).items():
        ET.SubElement(properties, "property", name=f"ruleset.{name}", value=str(value))
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=".".join(result.path.parent.parts) or ".",
            name=result.path.stem,
            file=result.path.as_posix(),
            time=f"{durations.get(result.path, 0.0):.6f}",
        )
        if result.error is not None:
            problem = ET.SubElement(case, "error", message=result.error, type="ExampleError")
            problem.text = _details(result)
        elif result.differences:
            first = str(result.differences[0])
            more = len(result.differences) - 1
            message = first + (f" (and {more} more)" if more else "")
            failure = ET.SubElement(case, "failure", message=message, type="ExampleMismatch")
            failure.text = _details(result)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _details(result: CaseResult) -> str:
    lines = [result.path.as_posix()]
    if result.description:
        lines.append(" ".join(result.description.split()))
    if result.error:
        lines.append(result.error)
    lines.extend(str(difference) for difference in result.differences)
    return "\n".join(lines)


def _ruleset(ruleset: CheckedRuleSet) -> dict[str, str]:
    return {"name": ruleset.name, "version": ruleset.version, "content_hash": ruleset.content_hash}
