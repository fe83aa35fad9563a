"""pytest plugin: the YAML example cases under ``fixtures/`` as test items.

Registered by entry point (``pytest11``), so installing capcoe-rules is enough::

    pytest fixtures/                                  # every example under fixtures/
    pytest fixtures/applications/napoli.yaml          # one example
    pytest fixtures/ --capcoe-rules=../my-rules       # decided by another rule set

An example is a YAML (or JSON) file holding a mapping with ``case`` and ``expect`` (see
``capcoe-rules test``). Each file is one test item; a failing one lists every difference as
``path: expected X, got Y``. Files are collected only under a directory named
``fixtures`` or when named on the command line, so rule files and other data are never
taken for tests, and the plugin costs nothing in projects that have no examples.

The rule set is ``--capcoe-rules=DIR`` (relative to where pytest runs), else the ini option
``capcoe_rules`` (relative to the ini file), else ``rules`` under the rootdir when there is
one, else the rule set bundled with the package. It is loaded and compiled once per session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from capcoe_rules.engine import Engine
    from capcoe_rules.testing.runner import CaseResult

EXAMPLE_SUFFIXES = (".yaml", ".yml", ".json")
EXAMPLES_DIRECTORY = "fixtures"
MARKER = "capcoe_example"
_ENGINES = pytest.StashKey[dict[Path, "Engine | str"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("capcoe-rules", "capcoe-rules example cases")
    group.addoption(
        "--capcoe-rules",
        action="store",
        dest="capcoe_rules",
        metavar="DIR",
        default=None,
        help="rule set that decides the YAML example cases "
        "(default: ini option capcoe_rules, else 'rules' under the rootdir)",
    )
    parser.addini(
        "capcoe_rules",
        help="rule set directory for the YAML example cases, relative to the ini file",
        default="rules",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: a YAML example case decided by the capcoe-rules engine"
    )
    config.stash[_ENGINES] = {}


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ExampleFile | None:
    if file_path.suffix not in EXAMPLE_SUFFIXES:
        return None
    config = parent.config
    if not (_under_examples_directory(file_path, config) or _named(file_path, config)):
        return None
    from capcoe_rules.testing.runner import is_example  # noqa: PLC0415 (keep pytest start-up light)

    if not is_example(file_path):
        return None
    example: ExampleFile = ExampleFile.from_parent(parent, path=file_path)
    return example


def _under_examples_directory(path: Path, config: pytest.Config) -> bool:
    try:
        parts = path.relative_to(config.rootpath).parts
    except ValueError:
        parts = path.parts
    return EXAMPLES_DIRECTORY in parts[:-1]


def _named(path: Path, config: pytest.Config) -> bool:
    """Whether ``path`` itself was given on the command line."""
    here = config.invocation_params.dir
    resolved = path.resolve()
    return any((here / arg.split("::")[0]).resolve() == resolved for arg in config.args)


class ExampleFile(pytest.File):
    """A file holding one example case."""

    def collect(self) -> Iterator[ExampleItem]:
        item: ExampleItem = ExampleItem.from_parent(self, name=self.path.stem)
        item.add_marker(MARKER)
        yield item


class ExampleMismatchError(Exception):
    """The example's decision differs from what it expects (or it could not be decided)."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(str(result.path))
        self.result = result


class UnusableRuleSetError(Exception):
    """The rule set that should decide the examples is missing or has problems."""


class ExampleItem(pytest.Item):
    """One example case: decided by the engine, compared with its ``expect:``."""

    def runtest(self) -> None:
        from capcoe_rules.testing.runner import run_example  # noqa: PLC0415

        result = run_example(_engine(self.config), self.path, _language())
        if not result.passed:
            raise ExampleMismatchError(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: str | None = None,
    ) -> str:
        if isinstance(excinfo.value, ExampleMismatchError):
            return _report(excinfo.value.result, self.config.rootpath)
        if isinstance(excinfo.value, UnusableRuleSetError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"example case {self.name}"


def _report(result: CaseResult, root: Path) -> str:
    try:
        where = str(result.path.relative_to(root))
    except ValueError:
        where = str(result.path)
    # An error is its lead ("case refused:") and a line per problem (file:line:col: ...).
    lead, *located = result.error.splitlines() if result.error else [""]
    problems = ([f"{lead} {located[0]}"] if located else [lead] if lead else []) + located[1:]
    problems += [str(d) for d in result.differences]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    # The first line is what pytest's short summary shows.
    lines = [f"{where}: {problems[0] if problems else 'failed'}{more}"]
    if result.description:
        lines.append("  " + " ".join(result.description.split()))
    lines.extend(f"  {problem}" for problem in problems)
    decision = result.decision
    if decision is not None:
        reasons = getattr(decision, "reasons", None)
        outcome = getattr(decision, "outcome", None)
        if outcome is not None:
            lines.append(
                f"  (decided {outcome}" + (f"; reasons: {', '.join(reasons)})" if reasons else ")")
            )
    return "\n".join(lines)


def _language() -> str:
    """The language of the messages: ``CAPCOE_LANG`` (``it``, the default, or ``en``)."""
    language = os.environ.get("CAPCOE_LANG", "it")
    if language not in ("it", "en"):
        raise pytest.UsageError(
            f"CAPCOE_LANG={language!r}: use it (italiano) or en (English) / "
            f"usa it (italiano) o en (English)"
        )
    return language


def _rules_directory(config: pytest.Config) -> Path:
    given = config.getoption("capcoe_rules")
    if given:
        return (config.invocation_params.dir / str(given)).resolve()
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    configured = (base / str(config.getini("capcoe_rules"))).resolve()
    if configured.is_dir() or "capcoe_rules" in config.inicfg:
        return configured
    from capcoe_rules.bundled import bundled_rules_path  # noqa: PLC0415

    try:  # a project with examples of its own and no rules/: the bundled rule set
        return bundled_rules_path()
    except FileNotFoundError:
        return configured


def _engine(config: pytest.Config) -> Engine:
    """The session's engine for the configured rule set, built once (or its problem, once)."""
    from capcoe_rules.engine import Engine  # noqa: PLC0415
    from capcoe_rules.errors import RuleSetError  # noqa: PLC0415

    directory = _rules_directory(config)
    engines = config.stash[_ENGINES]
    if directory not in engines:
        if not directory.is_dir():
            engines[directory] = (
                f"no rule set at {directory}: pass --capcoe-rules=DIR "
                "or set capcoe_rules in the ini file"
            )
        else:
            try:
                engines[directory] = Engine.from_path(directory)
            except RuleSetError as error:
                problems = "\n".join(f"  {problem}" for problem in error.problems)
                engines[directory] = f"the rule set in {directory} has problems:\n{problems}"
    found = engines[directory]
    if isinstance(found, str):
        raise UnusableRuleSetError(found)
    return found
