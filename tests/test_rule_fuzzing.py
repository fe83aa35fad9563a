"""Mutated copies of the bundled rule files: refused with positions, or decided right.

tests/fuzz_rule_files.py mutates one rule file at a time (lines deleted, duplicated,
swapped; tokens, numbers, words and indentation changed) and judges each copy; it runs in
a subprocess, restarted after a mutation that kills it, so a crash is counted rather than
fatal. CI runs CAPCOE_FUZZ_MUTATIONS of them (default 300); the full run of 10,000 is
``CAPCOE_FUZZ_MUTATIONS=10000 pytest tests/test_rule_fuzzing.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

FUZZER = Path(__file__).resolve().parent / "fuzz_rule_files.py"
MUTATIONS = int(os.environ.get("CAPCOE_FUZZ_MUTATIONS", "300"))
TIMEOUT_PER_MUTATION = 60


def run_fuzzer(count: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Every mutation's judgement, and the mutations whose process died or hung."""
    results: list[dict[str, Any]] = []
    crashed: list[int] = []
    start = 0
    while start < count:
        process = subprocess.Popen(
            [sys.executable, str(FUZZER), "--start", str(start), "--count", str(count - start)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            results.append(json.loads(line))
            start = results[-1]["i"] + 1
        try:
            process.wait(timeout=TIMEOUT_PER_MUTATION)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.returncode != 0 and start < count:
            crashed.append(start)  # this mutation killed the process: skip it, go on
            start += 1
    return results, crashed


def test_mutated_rule_files_are_refused_with_positions_or_decided_right() -> None:
    results, crashed = run_fuzzer(MUTATIONS)
    outcomes = Counter(result["outcome"] for result in results)
    evaluated = sum(1 for result in results if result["outcome"] == "clean")
    print(  # the figures of a run, shown with pytest -s
        f"\n{len(results)} mutations: {dict(outcomes)}; crashed processes: {len(crashed)}; "
        f"clean ones decided every fixture: {evaluated}"
    )
    assert crashed == []
    assert len(results) == MUTATIONS
    assert outcomes["exception"] == 0, [r for r in results if r["outcome"] == "exception"][:3]
    assert outcomes["refused"] > 0 and outcomes["clean"] > 0, outcomes
    refused = [result for result in results if result["outcome"] == "refused"]
    assert all(result["problems"] > 0 and not result["unplaced"] for result in refused)
    clean = [result for result in results if result["outcome"] == "clean"]
    for result in clean:
        assert result["errors"] == [], result
        assert result["disagreements"] == [], result
        assert result["evaluation_errors"] == 0, result
