"""A package's public names, imported from their modules the first time they are asked for.

PEP 562 lets a package answer ``package.Name`` with a function: ``import capcoe_rules``
then costs nothing of the engine, the checker or pydantic's model construction until a
name that needs them is used, which is what a command's start-up or one decision in a
fresh process pays for (and a worker process, before it has its state: see
:mod:`capcoe_rules.batch.worker`). The packages that do it (:mod:`capcoe_rules`,
:mod:`capcoe_rules.batch`, :mod:`capcoe_rules.language`, :mod:`capcoe_rules.models`) share
this one function.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], object]:
    """The ``__getattr__`` of ``package``: each name in ``homes`` (name -> its module) is
    imported once, then kept in the package, so later lookups never come back here."""

    def public_name(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return public_name
