"""The SMT solver, z3, installed with the ``analysis`` extra; a clear message when it is not."""

from __future__ import annotations

from types import ModuleType

from capcoe_rules.errors import AnalysisError

INSTALL_HINT = "pip install 'capcoe-rules[analysis]'  (or: pip install z3-solver)"


class SolverMissingError(AnalysisError, ImportError):
    """z3 is not installed: ``capcoe-rules analyze`` needs the ``analysis`` extra."""

    def __init__(self) -> None:
        super().__init__(
            "the rule-set analysis needs the SMT solver z3 (the 'analysis' extra): " + INSTALL_HINT
        )


def z3_module() -> ModuleType:
    """The z3 module, or :class:`SolverMissingError` saying how to install it."""
    try:
        import z3  # noqa: PLC0415 (an optional dependency, imported where it is needed)
    except ImportError:
        raise SolverMissingError() from None
    module: ModuleType = z3
    return module
