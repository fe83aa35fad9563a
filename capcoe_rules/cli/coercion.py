"""Options coerced as typer would, without its pydantic adapters where none is needed.

typer 0.29 coerces every parameter's value through a pydantic ``TypeAdapter`` built the
first time the parameter is parsed, missing or not. Importing its adapters (and the
pydantic parts they pull in) and building one adapter per option was about 30 ms of
every command's start, a tenth of ``capcoe-rules evaluate`` of one case.

:func:`coerce_plainly` gives each parameter of a command (the help option included) a
:class:`PlainCoercion`:

- a missing value stays missing (typer's own rule, before any coercion);
- a text option given a text is that text;
- a path given as text becomes a ``Path`` and goes through typer's own path checks
  (``exists``, ``file_okay``, ``dir_okay``, ``readable``, ``writable``, ``resolve_path``,
  ``-``), the very function its adapter calls;
- anything else (numbers, dates, choices, lists, flags given as text) is coerced by the
  runtime parameter typer builds, built only then.

``tests/test_cli_coercion.py`` holds every parameter of every command to typer's own
coercion. The names used here are typer's internals: typer is pinned below 0.30 in
``pyproject.toml``.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from typer._click import Context, Parameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter

Kind = Literal["text", "path", "other"]


@dataclass(frozen=True)
class PlainCoercion(RuntimeParam):
    """One parameter's coercion: texts and paths here, the rest by typer's own, built
    on first use."""

    descriptor: TypeDescriptor
    kind: Kind

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if self.kind == "text" and isinstance(value, str):
            return value
        if self.kind == "path" and isinstance(value, str | os.PathLike):
            return coerce_cli_path(
                Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
            )
        return self.typer_coercion._coerce_value(value, param=param, ctx=ctx)

    @functools.cached_property
    def typer_coercion(self) -> RuntimeParam:
        """The runtime parameter typer itself builds for this parameter."""
        return build_runtime_param(self.descriptor)


def coerce_plainly(params: list[Parameter]) -> list[Parameter]:
    """Give every typer parameter of ``params`` its :class:`PlainCoercion` (the parameters
    of a command, as ``get_params`` makes them: the help option too); returns them."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = PlainCoercion(
                descriptor.parameter_info, descriptor.annotation, descriptor, kind_of(param)
            )
    return params


def kind_of(param: _TyperParameter) -> Kind:
    """How ``param``'s value is coerced: ``text`` and ``path`` here, ``other`` by typer."""
    descriptor, info = param.type_descriptor, param.type_descriptor.parameter_info
    plain = descriptor.file_annotation is None and info.parser is None
    if not plain or param.multiple or param.nargs != 1:
        return "other"
    if descriptor.annotation is str:
        return "text"
    if descriptor.annotation is Path and info.path_type is None:
        return "path"
    return "other"
