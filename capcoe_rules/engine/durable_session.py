"""One durable_rules host per engine, driven the way DURABLE_RULES.md found safe.

- The host's background timer threads are not started: this engine uses neither timers
  nor queued messages, and an embedded library must not leave threads running.
- Every case goes through ONE fixed session id: its facts are asserted, the fired actions
  collected, then every fact retracted, so no per-case state accumulates.
- ``delete_state`` is never called (it segfaults after an unhandled assert).
- A lock serialises access: actions run Python between C calls.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Mapping
from typing import Any

from durable.engine import Host, MessageNotHandledException

SESSION_ID = "0"
_host_numbers = itertools.count()


class _QuietHost(Host):  # type: ignore[misc]
    """A durable_rules host that starts no background threads and records firings."""

    def __init__(self, record: Callable[[str], None]) -> None:
        self._record = record
        super().__init__()

    def _run(self) -> None:
        """Start nothing: the timers and message queues it would poll are not used."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        record = self._record

        def action(_closure: Any) -> None:
            record(action_name)

        return action


class DurableSession:
    """Runs flat case facts through a set of compiled durable_rules rulesets."""

    def __init__(self, rulesets: Mapping[str, dict[str, Any]]) -> None:
        self._fired: list[str] = []
        self._lock = threading.Lock()
        self._host = _QuietHost(self._fired.append)
        # Ruleset names are unique per host; a prefix keeps hosts' names apart in logs.
        prefix = f"capcoe{next(_host_numbers)}_"
        self._names = {name: prefix + name for name in rulesets}
        self._host.set_rulesets(
            {self._names[name]: definition for name, definition in rulesets.items()}
        )
        self._fact_ids = itertools.count()

    def fire(self, ruleset: str, fact: dict[str, Any]) -> list[str]:
        """Assert ``fact``, return the actions fired (in firing order), retract the fact."""
        name = self._names[ruleset]
        with self._lock:
            fact = {**fact, "sid": SESSION_ID, "id": str(next(self._fact_ids))}
            self._fired.clear()
            try:
                self._host.assert_fact(name, fact)
            except MessageNotHandledException:
                pass  # no rule matched: a valid answer, not an error
            finally:
                self._retract(name, fact)
            return list(self._fired)

    def _retract(self, name: str, fact: dict[str, Any]) -> None:
        with contextlib.suppress(MessageNotHandledException):
            self._host.retract_fact(name, fact)

    def facts_left(self, ruleset: str) -> list[Any]:
        """Facts still held by the session (always empty between evaluations)."""
        with self._lock:
            return list(self._host.get_facts(self._names[ruleset], SESSION_ID))
