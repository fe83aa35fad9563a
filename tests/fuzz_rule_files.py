"""Mutated copies of the bundled rule files through the checker and, when clean, the engine.

    python tests/fuzz_rule_files.py --start 0 --count 10000 [--seed 20261201]

Each mutation (seeded: mutation ``i`` is the same on every run) deletes, duplicates or
swaps lines, changes a token, a number or an indentation in one rule file. For each one a
JSON line is printed: ``{"i", "kind", "outcome", ...}`` where ``outcome`` is

- ``refused``: the checker refused it with problems; ``unplaced`` counts those without a
  file, line and column (there must be none);
- ``clean``: it passed the checker; every fixture was then decided by the engine and by
  the reference: ``disagreements`` and ``errors`` (exceptions other than ``CaseError``
  and ``EvaluationError``) must be empty, ``evaluation_errors`` counts EvaluationErrors;
- ``exception``: the checker raised something other than ``RuleSetError`` (a defect).

A crash of the process is seen by whoever runs this (tests/test_rule_fuzzing.py), which
restarts after the mutation that crashed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from capcoe_rules import CaseError, EvaluationError, RuleSetError
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.language import load_sources
from capcoe_rules.language.sources import read_sources
from capcoe_rules.testing.differential import Differential

ROOT = Path(__file__).resolve().parent.parent
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", " and ", " or ", " not ", " in ", "+", "-", "*", "/"]
NUMBERS = ["0", "-1", "1", "0.5", "1e-7", "5e-05", ".nan", ".inf", "1e999", "9223372036854775808",
           "100000000000000000000000000000000", "0.0000001", "2024-13-01", "2023-02-29", "-0"]
NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?(?![\w.])")
TOKEN = re.compile(r"==|!=|<=|>=|<|>|\band\b|\bor\b|\bnot\b|\bin\b|[+*/-]")
WORD = re.compile(r"\b[a-z_][a-z0-9_]{2,}\b")


def mutate(sources: dict[str, str], rng: random.Random) -> tuple[dict[str, str], str]:
    path = rng.choice(sorted(sources))
    lines = sources[path].split("\n")
    index = rng.randrange(len(lines))
    kind = rng.choice(["delete", "duplicate", "swap", "operator", "number", "indent", "word"])
    line = lines[index]
    if kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, line)
    elif kind == "swap" and len(lines) > 1:
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], lines[index]
    elif kind == "operator" and (found := list(TOKEN.finditer(line))):
        match = rng.choice(found)
        line = line[: match.start()] + rng.choice(OPERATORS).strip() + line[match.end() :]
        lines[index] = line
    elif kind == "number" and (found := list(NUMBER.finditer(line))):
        match = rng.choice(found)
        lines[index] = line[: match.start()] + rng.choice(NUMBERS) + line[match.end() :]
    elif kind == "indent":
        lines[index] = ("  " + line) if rng.random() < 0.5 else line[2:]
    elif kind == "word" and (found := list(WORD.finditer(line))):
        match = rng.choice(found)
        replacement = rng.choice(WORD.findall(sources[rng.choice(sorted(sources))]) or ["x"])
        lines[index] = line[: match.start()] + replacement + line[match.end() :]
    else:
        kind = "delete"
        del lines[index]
    return {**sources, path: "\n".join(lines)}, f"{kind} {path}:{index + 1}"


def fixtures() -> list[tuple[Any, Any]]:
    return [
        (case_file.case, case_file.as_of)
        for case_file in map(read_case_file, sorted((ROOT / "fixtures").rglob("*.yaml")))
    ]


def judge(sources: dict[str, str], cases: list[tuple[Any, Any]]) -> dict[str, Any]:
    try:
        ruleset = load_sources(sources)
    except RuleSetError as error:
        unplaced = [
            str(problem)
            for problem in error.problems
            if not problem.file or problem.position.line < 1 or problem.position.column < 1
        ]
        return {"outcome": "refused", "problems": len(error.problems), "unplaced": unplaced}
    except Exception as error:  # noqa: BLE001 - a defect to count
        return {"outcome": "exception", "error": f"{type(error).__name__}: {error}"}
    differential = Differential(ruleset)
    result: dict[str, Any] = {
        "outcome": "clean",
        "disagreements": [],
        "errors": [],
        "evaluation_errors": 0,
        "case_errors": 0,
    }
    for case, as_of in cases:
        try:
            found = differential.compare(case, as_of)
            differential.engine.evaluate(case, as_of=as_of)
        except CaseError:
            result["case_errors"] += 1
            continue
        except EvaluationError as error:
            result["evaluation_errors"] += 1
            result.setdefault("evaluation_error", str(error)[:300])
            continue
        except Exception as error:  # noqa: BLE001
            result["errors"].append(f"{type(error).__name__}: {error}"[:500])
            continue
        if found is not None:
            result["disagreements"].append(str(found)[:1000])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261201)
    options = parser.parse_args()
    sources = read_sources(ROOT / "rules").texts
    cases = fixtures()
    for index in range(options.start, options.start + options.count):
        mutated, kind = mutate(sources, random.Random(options.seed * 1_000_003 + index))
        print(json.dumps({"i": index, "kind": kind, **judge(mutated, cases)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
