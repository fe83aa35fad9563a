"""Compare a decision with what an example case expects, field by field.

An expectation is a partial decision: every key it gives must match, keys it leaves out
are not compared. ``findings`` maps a rule id to its expected status (or to a partial
finding); lists of rule ids compare as sets; numbers compare by value (``0.5`` equals
``"0.50"``), so policy staff can write amounts naturally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Difference:
    """One place where a decision differs from the expectation."""

    path: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected!r}, got {self.actual!r}"


MISSING = "<absent>"


def compare(decision: BaseModel, expect: Mapping[str, Any]) -> list[Difference]:
    """Every difference between ``decision`` and the partial decision ``expect``."""
    actual = decision.model_dump(mode="json")
    if "findings" in actual and isinstance(actual["findings"], list):
        actual["findings"] = {finding["rule_id"]: finding for finding in actual["findings"]}
    differences: list[Difference] = []
    _compare(expect, actual, "", differences)
    return differences


def _compare(expected: Any, actual: Any, path: str, differences: list[Difference]) -> None:
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            differences.append(Difference(path or "decision", dict(expected), actual))
            return
        for key, value in expected.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                differences.append(Difference(where, value, MISSING))
            elif path == "findings" and isinstance(value, str):
                _compare(value, actual[key]["status"], where, differences)
            else:
                _compare(value, actual[key], where, differences)
        return
    if isinstance(expected, list) and isinstance(actual, list):
        if _same_list(expected, actual):
            return
    elif _same_scalar(expected, actual):
        return
    differences.append(Difference(path, expected, actual))


def _same_list(expected: list[Any], actual: list[Any]) -> bool:
    if all(isinstance(item, str) for item in [*expected, *actual]):
        return sorted(expected) == sorted(actual)
    return len(expected) == len(actual) and all(
        not _differences(item, other) for item, other in zip(expected, actual, strict=True)
    )


def _differences(expected: Any, actual: Any) -> list[Difference]:
    found: list[Difference] = []
    _compare(expected, actual, "", found)
    return found


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool) or expected is None or actual is None:
        return bool(expected == actual) and type(expected) is type(actual)
    numbers = _number(expected), _number(actual)
    if numbers[0] is not None and numbers[1] is not None:
        return numbers[0] == numbers[1]
    return str(expected) == str(actual)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, int | float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None
