"""Load a rule set directory: from the cache when it checked clean before, else checked.

What :func:`load_ruleset` returns is the same either way (the cache is keyed by every
file's text, see :mod:`capcoe_rules.language.cache`); only a miss imports and runs the
checker (:mod:`capcoe_rules.language.checker`), whose problems are never cached.
"""

from __future__ import annotations

from pathlib import Path

from capcoe_rules.language import cache
from capcoe_rules.language.problems import Problem, RuleSetError, display_path
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.language.sources import content_hash, read_sources


def load_ruleset(directory: Path | str, *, cached: bool = True) -> CheckedRuleSet:
    """Load and check the rule set in ``directory``. Raises :class:`RuleSetError` (and only
    that: a missing directory or a file that cannot be read is a problem like the others).

    ``cached=False``: check it afresh, without reading or writing the cache (what a
    benchmark of the checker needs; ``CAPCOE_NO_CACHE=1`` does it for a whole process).
    """
    directory = Path(directory)
    sources = read_sources(directory)
    if not directory.is_dir():
        raise RuleSetError(sources.problems)
    origin = display_path(directory)
    if sources.problems or not cached:  # an unreadable file: listed with the rest
        return _checked(sources.texts, origin, sources.problems, sources.unreadable)
    texts_hash = content_hash(sources.texts)
    name = cache.key(texts_hash, origin)
    found = cache.read(name, texts_hash)
    if found is not None:
        return found
    ruleset = _checked(sources.texts, origin, [], set())
    cache.write(name, ruleset)
    return ruleset


def check_ruleset(directory: Path | str) -> list[Problem]:
    """Every problem of the rule set in ``directory`` (an empty list when it is clean)."""
    try:
        load_ruleset(directory)
    except RuleSetError as error:
        return error.problems
    return []


def _checked(
    texts: dict[str, str], origin: str, problems: list[Problem], unreadable: set[str]
) -> CheckedRuleSet:
    from capcoe_rules.language.checker import check_texts  # noqa: PLC0415 (a miss only)

    return check_texts(texts, origin, problems, unreadable)
