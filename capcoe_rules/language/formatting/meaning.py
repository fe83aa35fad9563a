"""The formatter's promise, checked on every file it writes: the same values, the same
comments. A formatted text that PyYAML reads differently from the original, in any value
or type, or that lost or changed a comment, is never written."""

from __future__ import annotations

from typing import Any

import yaml

from capcoe_rules.language.formatting.source import parse


def same_values(before: str, after: str) -> bool:
    """Both texts hold the same data, as the checker reads it (types included)."""
    return _same(yaml.safe_load(before), yaml.safe_load(after))


def same_comments(before: str, after: str) -> bool:
    return parse(before).comments.texts() == parse(after).comments.texts()


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
