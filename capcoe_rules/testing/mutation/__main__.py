"""``python -m capcoe_rules.testing.mutation [PATHS] [--jobs N] [--resume] [--list]``.

Run from the project's root (where pyproject.toml holds ``[tool.capcoe-rules.mutation]``).
PATHS are files or folders of the package or of ``rules/`` (default: ``capcoe_rules rules``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from capcoe_rules.testing.mutation.config import load_config
from capcoe_rules.testing.mutation.mutants import Mutant
from capcoe_rules.testing.mutation.report import markdown, total
from capcoe_rules.testing.mutation.run import (
    Result,
    Runner,
    mutants_of,
    read_results,
    write_results,
)


def sample(mutants: list[Mutant], every: int) -> list[Mutant]:
    """Every ``every``-th mutant of each file, in file order."""
    kept: list[Mutant] = []
    seen: dict[str, int] = {}
    for mutant in mutants:
        index = seen.get(mutant.path, 0)
        seen[mutant.path] = index + 1
        if index % every == 0:
            kept.append(mutant)
    return kept


def judged(result: Result, equivalent: dict[str, str]) -> Result:
    """A survivor listed as equivalent in the config is reported as such, with the reason."""
    if result.status in ("survived", "equivalent"):
        reason = equivalent.get(result.key, "")
        return replace(result, status="equivalent" if reason else "survived", reason=reason)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m capcoe_rules.testing.mutation")
    parser.add_argument("paths", nargs="*", default=["capcoe_rules", "rules"])
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (workspaces)")
    parser.add_argument(
        "--resume", action="store_true", help="keep earlier results of unchanged mutants"
    )
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run again only the earlier survivors (and errors)",
    )
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--only", action="append", default=[], help="only mutants whose id holds this text"
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=1,
        help="run every Nth mutant of each file only (a quicker estimate, the same each time)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        help="seconds of baseline test time per mutant (config: test_budget)",
    )
    parser.add_argument(
        "--report", help="folder of the report and results (config: report, out/mutation)"
    )
    return parser


def _kept(
    mutants: list[Mutant], earlier: dict[str, Result], options: argparse.Namespace, config: Any
) -> dict[str, Result]:
    """The earlier results a run keeps: all with --resume; with --survivors, all but the
    survivors and errors (unless judged equivalent in the config already)."""
    keep: dict[str, Result] = {}
    if not (options.resume or options.survivors):
        return keep
    for mutant in mutants:
        found = earlier.get(mutant.id)
        if found is None:
            continue
        again = found.status in ("survived", "error") and found.key not in config.equivalent
        if not (options.survivors and again):
            keep[mutant.id] = found
    return keep


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    config = load_config(Path.cwd())
    if options.report is not None:
        config = replace(config, report=options.report)
    if options.budget is not None:
        config = replace(config, test_budget=options.budget)
    mutants = mutants_of(config, options.paths)
    if options.sample > 1:
        mutants = sample(mutants, options.sample)
    if options.only:
        mutants = [m for m in mutants if any(text in m.id for text in options.only)]
    if options.list:
        for mutant in mutants:
            print(mutant.id)
        print(f"{len(mutants)} mutants")
        return 0
    report = config.root / config.report
    earlier = {result.id: result for result in read_results(report / "results.jsonl")}
    keep = _kept(mutants, earlier, options, config)
    todo = [mutant for mutant in mutants if mutant.id not in keep]
    results = {**earlier, **keep}
    runner = Runner(config, jobs=options.jobs)
    try:
        runner.prepare(todo)

        def record(result: Result) -> None:
            results[result.id] = result
            write_results(report / "results.jsonl", list(results.values()))

        runner.run(todo, record)
    finally:
        runner.close()
    wanted = {mutant.id for mutant in mutants}
    chosen = [
        judged(result, config.equivalent) for result in results.values() if result.id in wanted
    ]
    command = "python -m capcoe_rules.testing.mutation " + shlex.join(sys.argv[1:])
    (report / "report.md").write_text(markdown(chosen, command), "utf-8")
    score = total([r for r in chosen if not r.path.startswith("rules/")])
    print(f"report: {report / 'report.md'}")
    counted = score.total - score.equivalent - score.errors
    print(f"code mutants killed: {score.killed} of {counted} ({score.ratio:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
