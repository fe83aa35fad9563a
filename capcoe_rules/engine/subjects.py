"""One value per kind of case, built the first time that kind is decided.

A rule set holds the rules of several kinds of case (applications, and the milestones,
claims and programme of a payment claim). Compiling each kind into durable_rules and
preparing its decision writer takes tens of milliseconds: ``capcoe-rules evaluate`` of
one application need not pay for the payment rules, nor a batch of applications.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

Built = TypeVar("Built")


class BuiltOnFirstUse(Mapping[str, Built]):
    """``build(key)`` for each of ``keys``, called once, when the key is first asked for.

    Thread-safe: two threads asking for one key at once get the same value. A key that is
    not among ``keys`` raises ``KeyError``, like a dict.
    """

    def __init__(self, keys: Iterable[str], build: Callable[[str], Built]) -> None:
        self._keys = tuple(keys)
        self._build = build
        self._built: dict[str, Built] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> Built:
        found = self._built.get(key)
        if found is not None:
            return found
        if key not in self._keys:
            raise KeyError(key)
        with self._lock:
            found = self._built.get(key)
            if found is None:
                found = self._built[key] = self._build(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def built(self) -> list[Built]:
        """The values built so far (asking for the others would build them)."""
        with self._lock:
            return list(self._built.values())
