"""The mutation report: the score per module, and every survivor with its place and edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from capcoe_rules.testing.mutation.run import Result

KILLED = ("killed", "timeout")


@dataclass(frozen=True)
class Score:
    module: str
    total: int
    killed: int
    survived: int
    equivalent: int
    errors: int

    @property
    def ratio(self) -> float:
        """Killed over the mutants that can be killed (equivalent ones left out)."""
        counted = self.total - self.equivalent - self.errors
        return self.killed / counted if counted else 1.0


def scores(results: Sequence[Result]) -> list[Score]:
    modules = sorted({result.path for result in results})
    return [_score(module, [r for r in results if r.path == module]) for module in modules]


def part_of(path: str) -> str:
    """The part of the project a file belongs to: its package's sub-package (``engine``),
    ``(top level)`` for a module of the package itself, ``rules/`` for a rule file."""
    if path.startswith("rules/"):
        return "rules/"
    folders = path.split("/")[1:-1]
    return folders[0] if folders else "(top level)"


def parts(results: Sequence[Result]) -> list[Score]:
    names = sorted({part_of(result.path) for result in results})
    return [_score(name, [r for r in results if part_of(r.path) == name]) for name in names]


def total(results: Sequence[Result], label: str = "total") -> Score:
    return _score(label, results)


def _score(module: str, results: Sequence[Result]) -> Score:
    return Score(
        module=module,
        total=len(results),
        killed=sum(r.status in KILLED for r in results),
        survived=sum(r.status == "survived" for r in results),
        equivalent=sum(r.status == "equivalent" for r in results),
        errors=sum(r.status == "error" for r in results),
    )


def markdown(results: Sequence[Result], command: str) -> str:
    lines = [
        "# Mutation report",
        "",
        f"Command: `{command}`",
        "",
        "| module | mutants | killed | survived | equivalent | errors | score |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    code = [r for r in results if not r.path.startswith("rules/")]
    rules = [r for r in results if r.path.startswith("rules/")]
    for score in [*scores(results), total(code, "**code**"), total(rules, "**rules/**")]:
        lines.append(
            f"| {score.module} | {score.total} | {score.killed} | {score.survived} "
            f"| {score.equivalent} | {score.errors} | {score.ratio:.1%} |"
        )
    lines += [
        "",
        "## By part",
        "",
        "| part | mutants | killed | survived | equivalent | errors | score |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for score in parts(results):
        lines.append(
            f"| {score.module} | {score.total} | {score.killed} | {score.survived} "
            f"| {score.equivalent} | {score.errors} | {score.ratio:.1%} |"
        )
    lines += ["", "## Survivors", ""]
    for result in sorted(results, key=lambda r: (r.path, r.line)):
        if result.status in ("survived", "error"):
            extra = f" ({result.killed_by})" if result.status == "error" else ""
            lines.append(f"- `{result.path}:{result.line}` {result.description}{extra}")
            lines.append(f"  key: `{result.key}`")
    lines += ["", "## Equivalent", ""]
    for result in sorted(results, key=lambda r: (r.path, r.line)):
        if result.status == "equivalent":
            lines.append(f"- `{result.path}:{result.line}` {result.description}: {result.reason}")
    return "\n".join(lines) + "\n"
