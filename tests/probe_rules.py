"""Check a rule set and decide every fixture with the engine and the reference, in a process
of its own, so that a test can count a crash or a hang instead of dying of it.

    python tests/probe_rules.py RULES_DIR [CASES.jsonl]

Prints one JSON object: ``{"refused": [problem...]}`` when the checker refuses the rule set,
else ``{"cases": N, "decided": N, "refused_cases": N, "disagreements": [...], "errors": [...]}``
where ``errors`` are exceptions other than the documented ``CaseError`` and
``EvaluationError`` (there must be none).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from capcoe_rules import CaseError, EvaluationError, RuleSetError, load_ruleset
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.testing.differential import Differential

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def cases(extra: Path | None) -> list[tuple[Any, Any]]:
    found = []
    for path in sorted(FIXTURES.rglob("*.yaml")):
        case_file = read_case_file(path)
        found.append((case_file.case, case_file.as_of))
    if extra is not None:
        for line in extra.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append((json.loads(line), None))
    return found


def probe(rules: Path, extra: Path | None) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        ruleset = load_ruleset(rules)
    except RuleSetError as error:
        return {
            "refused": [
                {
                    "file": problem.file,
                    "line": problem.position.line,
                    "column": problem.position.column,
                    "code": problem.code,
                    "message": problem.message,
                }
                for problem in error.problems
            ]
        }
    differential = Differential(ruleset)
    built = time.perf_counter() - started
    report: dict[str, Any] = {
        "build_seconds": built,
        "rulesets": {
            name: len(matcher._sessions)  # noqa: SLF001 - how many durable rulesets it took
            for name, matcher in differential.engine._matchers.items()  # noqa: SLF001
        },
        "cases": 0,
        "decided": 0,
        "refused_cases": 0,
        "disagreements": [],
        "errors": [],
    }
    for case, as_of in cases(extra):
        report["cases"] += 1
        try:
            found = differential.compare(case, as_of)
            differential.engine.evaluate(case, as_of=as_of)
            report["decided"] += 1
        except (CaseError, EvaluationError):
            report["refused_cases"] += 1
            continue
        except Exception as error:  # noqa: BLE001 - the point is to count them
            report["errors"].append(f"{type(error).__name__}: {error}")
            continue
        if found is not None:
            report["disagreements"].append(str(found)[:2000])
    return report


if __name__ == "__main__":
    extra_cases = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    print(json.dumps(probe(Path(sys.argv[1]), extra_cases)))
