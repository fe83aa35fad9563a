"""Every option of every command is coerced as typer itself would coerce it.

``capcoe_rules.cli.coercion`` coerces texts and paths without typer's pydantic adapters
(a tenth of a one-case ``evaluate``): held here, value by value, to typer's own runtime
parameter, errors included.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from capcoe_rules.cli.catalogue import COMMANDS
from capcoe_rules.cli.coercion import PlainCoercion, coerce_plainly, kind_of
from capcoe_rules.cli.common import app
from capcoe_rules.cli.localized import _build


def _parameters() -> list[tuple[str, Context, _TyperParameter]]:
    found = []
    for name in COMMANDS:
        command = _build(name)
        ctx = Context(command, info_name=name)
        for param in command.get_params(ctx):
            assert isinstance(param, _TyperParameter), (name, param.name)
            found.append((name, ctx, param))
    return found


PARAMETERS = _parameters()


def _outcome(coerce: Any, value: Any, param: _TyperParameter, ctx: Context) -> tuple[str, Any]:
    try:
        return "value", coerce(value, param=param, ctx=ctx)
    except BadParameter as error:
        return "error", error.format_message()
    except (TypeError, ValueError) as error:  # what typer does with a value click never gives
        return type(error).__name__, str(error)


def _values(tmp_path: Path) -> list[Any]:
    a_file = tmp_path / "case.json"
    a_file.write_text("{}", encoding="utf-8")
    a_dir = tmp_path / "rules"
    a_dir.mkdir()
    return [
        None, "", "it", "en", "a b", "città", "-", "3", "2024-01-31", "true", "json",
        str(a_file), str(a_dir), str(tmp_path / "missing.yaml"), a_file, 5, False,
        [], ["rules"], [str(a_file)], ("x",),
    ]  # fmt: skip


def test_every_parameter_has_the_plain_coercion() -> None:
    assert {type(param._runtime_param) for _, _, param in PARAMETERS} == {PlainCoercion}
    kinds = {kind_of(param) for _, _, param in PARAMETERS}
    assert kinds == {"text", "path", "other"}  # the three routes are all exercised below


@pytest.mark.parametrize(
    ("command", "ctx", "param"),
    PARAMETERS,
    ids=[f"{command}-{param.name}" for command, _, param in PARAMETERS],
)
def test_a_parameter_coerces_every_value_as_typer_does(
    command: str, ctx: Context, param: _TyperParameter, tmp_path: Path
) -> None:
    ours = param.get_runtime_param()
    typers = build_runtime_param(param.type_descriptor)
    for value in _values(tmp_path):
        assert _outcome(ours.coerce, value, param, ctx) == _outcome(
            typers.coerce, value, param, ctx
        ), (command, param.name, value)


def test_a_path_that_must_exist_is_refused_in_typers_words(tmp_path: Path) -> None:
    # No bundled command asks for an existing path yet: typer's checks must still hold
    # for the first one that does, through the plain route.
    demo = typer.Typer()

    @demo.command()
    def read(source: Annotated[Path, typer.Option(exists=True, dir_okay=False)]) -> None:
        """A command for this test only."""

    command = typer.main.get_command(demo)
    ctx = Context(command, info_name="read")
    (param,) = (p for p in coerce_plainly(command.get_params(ctx)) if p.name == "source")
    assert isinstance(param, _TyperParameter)
    assert kind_of(param) == "path"
    typers = build_runtime_param(param.type_descriptor)
    for value in (str(tmp_path / "missing"), str(tmp_path), __file__):
        ours = _outcome(param.get_runtime_param().coerce, value, param, ctx)
        assert ours == _outcome(typers.coerce, value, param, ctx)
    assert _outcome(param.get_runtime_param().coerce, str(tmp_path), param, ctx)[0] == "error"
    assert _outcome(param.get_runtime_param().coerce, __file__, param, ctx) == (
        "value",
        Path(__file__),
    )


def test_the_other_kinds_still_go_through_typer() -> None:
    # --as-of is a date in the format the option declares: typer parses it.
    for command, ctx, param in PARAMETERS:
        if command == "evaluate" and param.name == "as_of":
            coerced = param.get_runtime_param().coerce("2024-01-31", param=param, ctx=ctx)
            assert coerced == dt.datetime(2024, 1, 31)
            with pytest.raises(BadParameter):
                param.get_runtime_param().coerce("31/01/2024", param=param, ctx=ctx)
            return
    pytest.fail(f"evaluate has no --as-of (commands: {app.registered_commands})")


def test_a_path_is_returned_as_given_not_resolved(tmp_path: Path) -> None:
    for command, ctx, param in PARAMETERS:
        if command == "evaluate" and param.name == "case":
            relative = os.path.relpath(tmp_path / "x.json")
            coerced = param.get_runtime_param().coerce(relative, param=param, ctx=ctx)
            assert coerced == Path(relative)
            assert not coerced.is_absolute()
            return
    pytest.fail("evaluate has no case argument")
