"""The mutation run's settings, read from ``[tool.capcoe-rules.mutation]`` in pyproject.toml.

``tests`` maps a path prefix (a module, a folder of the package, a rule file or ``rules/``)
to the test files to run on its mutants; the longest matching prefix wins. ``equivalent``
maps a mutant's key (file | mutated line | edit, as the report prints it) to the reason it
cannot change behaviour: those are reported apart and left out of the score.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class MutationConfig:
    root: Path
    tests: dict[str, list[str]]
    equivalent: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    report: str = "out/mutation"
    test_budget: float = 60.0
    """Seconds of the baseline's test time run on one mutant at most (fastest tests first)."""
    environment: dict[str, str] = field(default_factory=dict)
    rule_commands: tuple[tuple[str, ...], ...] = (("test", "fixtures"),)
    """``capcoe-rules`` commands run on a rule mutant before its tests."""
    copied: tuple[str, ...] = (
        "capcoe_rules",
        "tests",
        "rules",
        "fixtures",
        "pyproject.toml",
        "README.md",
    )
    """What the workspace copies of the project (the README too: tests check what it says)."""
    packages: tuple[str, ...] = ("capcoe_rules",)
    """The packages whose lines the baseline records, test by test."""
    min_timeout: float = 20.0
    """Seconds a test may take at least before it counts as hanging (else 5x its baseline)."""

    def tests_for(self, path: str) -> list[str]:
        """The test files of the longest prefix of ``path`` that names some (those that exist)."""
        matches = [prefix for prefix in self.tests if path.startswith(prefix)]
        files = self.tests[max(matches, key=len)] if matches else []
        return [file for file in files if (self.root / file).is_file()]

    def excluded(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.exclude)


def load_config(root: Path) -> MutationConfig:
    data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    section = data.get("tool", {}).get("capcoe-rules", {}).get("mutation", {})
    return MutationConfig(
        root=root,
        tests={prefix: list(files) for prefix, files in section.get("tests", {}).items()},
        equivalent=dict(section.get("equivalent", {})),
        exclude=tuple(section.get("exclude", ())),
        report=section.get("report", "out/mutation"),
        test_budget=float(section.get("test_budget", 60.0)),
        environment={str(k): str(v) for k, v in section.get("environment", {}).items()},
        rule_commands=tuple(
            tuple(command) for command in section.get("rule_commands", [["test", "fixtures"]])
        ),
        copied=tuple(section.get("copied", MutationConfig.copied)),
        packages=tuple(section.get("packages", MutationConfig.packages)),
        min_timeout=float(section.get("min_timeout", MutationConfig.min_timeout)),
    )
