"""The formatter's promise, checked on every file it writes: the same values, the same
comments. A formatted text that PyYAML reads differently from the original, in any value
or type, or that lost or changed a comment, is never written."""

from __future__ import annotations

from typing import Any

from capcoe_rules.language.formatting.source import Source


def same_meaning(before: Source, after: Source) -> bool:
    """Both hold the same values, as the checker reads them (types included), and the same
    comments."""
    return _same(before.data, after.data) and before.comments.texts() == after.comments.texts()


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return sorted(map(repr, a)) == sorted(map(repr, b)) and all(
            _same(value, b[key]) for key, value in a.items()
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return repr(a) == repr(b)
