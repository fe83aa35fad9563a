"""``capcoe-rules fmt``: rewrite rule files in the canonical style, or check that they are."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import command, err, fail, os_reason_said
from capcoe_rules.cli.localized import language, say


@dataclass(frozen=True)
class _Result:
    path: Path
    before: str
    after: str | None
    """None when the file could not be formatted."""

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


@command("fmt")
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Rule files, or directories whose .yaml files to format.", show_default="rules"
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; list the files that would change and exit 1 if there are any.",
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; show the changes as a unified diff.")
    ] = False,
) -> None:
    """Rewrite rule files in the one style, or check that they are.

    Its help, in Italian and English: ``catalogue.HELP["fmt"]``.
    """
    from capcoe_rules.atomic import write_atomically  # start-up: see cli.common
    from capcoe_rules.language.problems import display_path

    files = _files(paths or [Path("rules")])
    results = [_format(path) for path in files]
    changed = [result for result in results if result.changed]
    for result in changed:
        if diff:
            _print_diff(result)
        elif check:
            print(display_path(result.path))
        else:
            assert result.after is not None
            write_atomically(result.path, result.after)
            err.print(
                say("reformatted", path=display_path(result.path)), markup=False, highlight=False
            )
    failed = sum(result.after is None for result in results)
    _summary(len(changed), len(results) - len(changed) - failed, failed, check or diff)
    if failed:
        raise typer.Exit(2)
    if changed and check:
        raise typer.Exit(1)


def _files(paths: list[Path]) -> list[Path]:
    from capcoe_rules.language.problems import display_path

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
        elif path.is_file():
            files.append(path)
        else:
            fail(say("no_such_path", path=display_path(path)), 2)
    return list(dict.fromkeys(files))


def _format(path: Path) -> _Result:
    from capcoe_rules.language.checker import MANIFEST
    from capcoe_rules.language.formatting import FormatError, format_text
    from capcoe_rules.language.problems import Problem, display_path

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = os_reason_said(error) if isinstance(error, OSError) else say("not_utf8")
        message = say("unreadable_rule_file", path=display_path(path), reason=reason)
        err.print(message, markup=False, highlight=False)
        return _Result(path, "", None)
    try:
        return _Result(path, text, format_text(text, manifest=path.name == MANIFEST))
    except FormatError as error:
        problem = Problem.of(display_path(path), error.position, error.code, error.text, error.hint)
        print(problem.text(language()))
        return _Result(path, text, None)


def _print_diff(result: _Result) -> None:
    from capcoe_rules.language.problems import display_path

    assert result.after is not None
    name = display_path(result.path)
    before = result.before if result.before.endswith("\n") else result.before + "\n"
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        result.after.splitlines(keepends=True),
        fromfile=f"{name} ({say('fmt_now')})",
        tofile=f"{name} ({say('fmt_formatted')})",
    )
    print("".join(lines), end="")


def _summary(changed: int, unchanged: int, failed: int, dry_run: bool) -> None:
    parts = [
        say("fmt_would_change" if dry_run else "fmt_changed", count=changed),
        say("fmt_unchanged", count=unchanged),
    ]
    err.print(", ".join(parts), end="", markup=False, highlight=False)
    if failed:
        err.print(", " + say("fmt_failed", count=failed), style="red", end="", markup=False)
    err.print()
