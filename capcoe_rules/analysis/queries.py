"""Asking the solver: one solver per kind of case, a question per push, a time limit each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import z3

from capcoe_rules.analysis.spaces import Space
from capcoe_rules.analysis.symbolic import Scalar, Term

Answer = Literal["sat", "unsat", "unknown"]
TIMEOUT_MS = 10_000
"""The longest one question may take: the solver then answers 'unknown' (not analysed)."""


@dataclass
class Questions:
    """A solver holding what every valid case satisfies, asked one question at a time."""

    space: Space
    background: list[Term]
    timeout_ms: int = TIMEOUT_MS
    asked: int = 0
    solver: Any = field(init=False)

    def __post_init__(self) -> None:
        self.solver = z3.Solver()
        self.solver.set("timeout", self.timeout_ms)
        self.solver.add(self.background)

    def ask(self, *conditions: Term) -> Answer:
        """Whether some valid case satisfies every condition."""
        self.solver.push()
        try:
            self.solver.add(*conditions)
            return self._check()
        finally:
            self.solver.pop()

    def _check(self, *assumptions: Term) -> Answer:
        self.asked += 1
        result = self.solver.check(*assumptions)
        return "sat" if result == z3.sat else "unsat" if result == z3.unsat else "unknown"

    def core(self, condition: Term, labelled: dict[str, Term]) -> list[str] | None:
        """A smallest set of labelled conditions that no case satisfies with ``condition``
        (None when some case satisfies them all, or the solver cannot tell)."""
        self.solver.push()
        try:
            self.solver.add(condition)
            flags = {name: z3.Bool(f"core.{self.asked}.{name}") for name in labelled}
            for name, flag in flags.items():
                self.solver.add(z3.Implies(flag, labelled[name]))
            if self._check(*flags.values()) != "unsat":
                return None
            names = {str(item) for item in self.solver.unsat_core()}
            core = [name for name, flag in flags.items() if str(flag) in names]
            for name in list(core):  # drop what the rest refuses without
                rest = [flags[other] for other in core if other != name]
                if self._check(*rest) == "unsat":
                    core.remove(name)
            return core
        finally:
            self.solver.pop()

    def model(self, *conditions: Term) -> Any | None:
        """A model of a case satisfying ``conditions`` that a case file can write: with the
        exact relations of the space, and decimals of at most six places."""
        self.solver.push()
        try:
            self.solver.add(*conditions)
            self.solver.add(self.space.exact)
            for hint in [*self.space.hints, []]:
                for grid in (True, False):
                    self.solver.push()
                    self.solver.add(*hint)
                    if grid:
                        self.solver.add(self.space.grid)
                    try:
                        if self._check() == "sat":
                            return self._tidy(self.solver.model())
                    finally:
                        self.solver.pop()
            return None
        finally:
            self.solver.pop()

    def _tidy(self, model: Any) -> Any:
        """The same kind of case with texts no rule names where none is needed (so that an
        applicant is not called 'amministrazione_centrale' because the solver chose so)."""
        texts = self.space.texts
        free = [
            value.term
            for path, value in self.space.fields.items()
            if isinstance(value, Scalar)
            and self.space.types[path].base == "text"
            and self.space.types[path].values is None
            and path[-1] not in ("region_code", "istat_code", "nuts2")
        ]
        if not free:
            return model
        fresh: dict[int, int] = {}
        pins = []
        for term in free:
            number = model.eval(term, model_completion=True).as_long()
            if texts.text(number) is None:
                continue
            replacement = fresh.setdefault(number, 1_000_000 + len(fresh))
            pins.append(term == replacement)
        if not pins:
            return model
        kept: list[Term] = []
        for group in (pins, *([pin] for pin in pins)):  # all at once, else one by one
            self.solver.push()
            try:
                self.solver.add(*kept, *group)
                if self._check() == "sat":
                    kept += group
                    model = self.solver.model()
                    if group is pins:
                        break
            finally:
                self.solver.pop()
        return model
