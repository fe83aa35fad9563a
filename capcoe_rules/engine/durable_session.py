"""A durable_rules ruleset driven through its C module, the way DURABLE_RULES.md found safe.

durable_rules' Python ``Host`` wraps every firing in a closure, a state update and two
JSON round trips, and starts two timer threads that poll forever. This engine needs none
of that: its productions have no Python actions, only names that say what was found. So
it calls the C module that ``Host`` itself calls (``durable_rules_engine``) directly:

- assert the case fact in ONE fixed session; read the names of the productions that fire;
- retract the fact: no per-case state accumulates;
- serialise access with a lock;
- when the session is garbage-collected, free its state, then the C ruleset.

``delete_ruleset`` alone frees the ruleset but not its sessions' state (about 0.6 MB each,
measured): a process that builds engine after engine (a service reloading rules, a test
suite, ``selftest --generated``) would grow without end. The C ``delete_state`` frees it,
but it also frees the state's action context (two pointers), and durable_rules never
initialises them when it creates a state: only starting an action sets them and completing
it sets them back to NULL. On a session where no action ever ran, ``delete_state`` frees
whatever the recycled heap held there and the process dies (DURABLE_RULES.md; in the test
suite it came when every case met every rule). So each session is *primed*: its first fact
is one that a production of its own always handles, and the action is run to its end,
which leaves the two pointers NULL for good. Only a primed session is ever deleted
(tests/test_durable_memory.py). ``Host.delete_state`` is still never used: it calls back
into the Python ``Host``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import weakref
from typing import Any

import durable_rules_engine as _durable
import orjson

SESSION_ID = "0"
HANDLED = 0  # assert_fact's status when a production matched (1: none did)
PRIMER = "|primer|"
"""The production every session's first fact fires; no rule's production has this name."""
PRIMER_FACT = json.dumps({"t": PRIMER, "sid": SESSION_ID, "id": PRIMER})
_ruleset_numbers = itertools.count()


class DurableSession:
    """One compiled durable_rules ruleset and its single session."""

    def __init__(self, definition: dict[str, Any]) -> None:
        self._lock = threading.Lock()
        self._name = f"capcoe_{next(_ruleset_numbers)}"
        self._empty = not definition
        self._handle = (
            None
            if self._empty
            else _durable.create_ruleset(self._name, json.dumps(_with_primer(definition)))
        )
        self._state = _State()
        if self._handle is not None:
            weakref.finalize(self, _release, self._handle, self._state)
        self._fact_ids = itertools.count()

    def fire(self, fact: dict[str, Any]) -> list[str]:
        """Assert ``fact``, return the names of the productions fired, retract the fact."""
        if self._handle is None:
            return []
        with self._lock:
            fact["sid"] = SESSION_ID
            fact["id"] = str(next(self._fact_ids))
            text = fact_text(fact)
            if not self._state.used:
                self._prime()
            code, state = _durable.assert_fact(self._handle, text)
            try:
                return self._fired(state) if code == HANDLED else []
            finally:
                _durable.retract_fact(self._handle, text)

    def _prime(self) -> None:
        """Create the session's state with an action run to its end (see the module's doc)."""
        self._state.used = True
        code, state = _durable.assert_fact(self._handle, PRIMER_FACT)
        try:
            fired = self._fired(state) if code == HANDLED else []
        finally:
            _durable.retract_fact(self._handle, PRIMER_FACT)
        self._state.primed = fired == [PRIMER]

    def _fired(self, state: int) -> list[str]:
        fired = []
        started = _durable.start_action_for_state(self._handle, state)
        message: str | None = started[1] if started else None
        while message:
            # The message is {"<production name>": {...}}; names hold no quote.
            fired.append(message[2 : message.index('"', 2)])
            message = _durable.complete_and_start_action(self._handle, state)
        return fired

    def facts_left(self) -> list[Any]:
        """Facts still held by the session (always none between evaluations)."""
        if self._handle is None or not self._state.used:
            return []
        with self._lock:
            return list(json.loads(_durable.get_facts(self._handle, SESSION_ID)))


def fact_text(fact: dict[str, Any]) -> str:
    """The fact as JSON text, exactly as ``json.dumps`` escapes it.

    orjson writes a fact ten times faster (about 1.5 us against 15-20 us, a tenth of a
    batch's time). Where its text is ASCII it escapes as ``json.dumps`` does, so durable_rules
    compares the same text with the rules' constants (which ``json.dumps`` writes). Text
    beyond printable ASCII (which ``json.dumps`` escapes and orjson does not: DEL and all
    beyond), or a lone surrogate orjson refuses, goes through ``json.dumps`` itself.
    """
    try:
        text = orjson.dumps(fact)
    except orjson.JSONEncodeError:
        return json.dumps(fact)
    return text.decode() if text.isascii() and b"\x7f" not in text else json.dumps(fact)


class _State:
    """What the finalizer must know of a session, without holding the session itself."""

    used = False
    """The session exists in durable_rules once a fact was asserted."""

    primed = False
    """Its primer fired, so its action context is NULL and ``delete_state`` is safe."""


def _with_primer(definition: dict[str, Any]) -> dict[str, Any]:
    return {**definition, PRIMER: {"all": [{"m": {"t": PRIMER}}]}}


def _release(handle: int, state: _State) -> None:
    if state.primed:
        # Only "no such session" can fail here; the ruleset must go all the same.
        with contextlib.suppress(_durable.error):
            _durable.delete_state(handle, SESSION_ID)
    _durable.delete_ruleset(handle)
