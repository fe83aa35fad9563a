"""The one durable_rules session an engine drives: what it fires, and that it is freed safely.

durable_rules frees a session's state only through ``delete_state``, which crashes on a
session where no action ever ran (tests/test_durable_memory.py shows the crash in a process
of its own). These tests watch the C calls the session makes, in process, so that a session
is always primed before it is used and freed, and nothing else, when it goes.
"""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest

from capcoe_rules.engine import durable_session
from capcoe_rules.engine.durable_session import DurableSession

AMOUNT_IS_5 = {"amount-5": {"all": [{"m": {"$and": [{"t": "case"}, {"amount": "5"}]}}]}}


class Recording:
    """durable_rules' C module, with every call to free something written down."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.freed: list[tuple[str, Any]] = []
        self.asserted: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def assert_fact(self, handle: int, text: str) -> Any:
        self.asserted.append(text)
        return self._module.assert_fact(handle, text)

    def delete_state(self, handle: int, sid: str) -> Any:
        self.freed.append(("state", sid))
        return self._module.delete_state(handle, sid)

    def delete_ruleset(self, handle: int) -> Any:
        self.freed.append(("ruleset", None))
        return self._module.delete_ruleset(handle)


@pytest.fixture
def durable(monkeypatch: pytest.MonkeyPatch) -> Recording:
    recording = Recording(durable_session._durable)
    monkeypatch.setattr(durable_session, "_durable", recording)
    return recording


def test_fires_the_productions_a_fact_matches_and_keeps_no_fact(durable: Recording) -> None:
    session = DurableSession(AMOUNT_IS_5)
    assert session.fire({"t": "case", "amount": "5"}) == ["amount-5"]
    assert session.fire({"t": "case", "amount": "3"}) == []
    assert session.fire({"t": "case", "amount": "5"}) == ["amount-5"]
    assert session.facts_left() == []


def test_a_session_is_primed_before_its_first_fact(durable: Recording) -> None:
    session = DurableSession(AMOUNT_IS_5)
    session.fire({"t": "case", "amount": "3"})  # fires nothing: only the primer ran
    del session
    gc.collect()
    assert durable.freed == [("state", "0"), ("ruleset", None)]


def test_a_session_is_primed_once(durable: Recording) -> None:
    session = DurableSession(AMOUNT_IS_5)
    for amount in ("5", "3", "5"):
        session.fire({"t": "case", "amount": amount})
    primers = [text for text in durable.asserted if durable_session.PRIMER in text]
    assert len(primers) == 1 and durable.asserted[0] == primers[0]
    assert len(durable.asserted) == 4


def test_a_session_whose_rules_fire_is_freed_too(durable: Recording) -> None:
    session = DurableSession(AMOUNT_IS_5)
    session.fire({"t": "case", "amount": "5"})
    del session
    gc.collect()
    assert durable.freed == [("state", "0"), ("ruleset", None)]


def test_a_session_never_used_frees_only_its_ruleset(durable: Recording) -> None:
    # No fact was asserted, so durable_rules holds no state to free (and freeing one that
    # does not exist is not even tried).
    DurableSession(AMOUNT_IS_5)
    gc.collect()
    assert durable.freed == [("ruleset", None)]


def test_an_empty_rule_set_fires_nothing_and_holds_nothing(durable: Recording) -> None:
    session = DurableSession({})
    assert session.fire({"t": "case", "amount": "5"}) == []
    assert session.facts_left() == []
    del session
    gc.collect()
    assert durable.freed == []


def test_each_fact_is_its_own_in_the_one_session(durable: Recording) -> None:
    session = DurableSession(AMOUNT_IS_5)
    first: dict[str, Any] = {"t": "case", "amount": "5"}
    second: dict[str, Any] = {"t": "case", "amount": "5"}
    session.fire(first)
    session.fire(second)
    assert first["sid"] == second["sid"] == durable_session.SESSION_ID
    assert first["id"] != second["id"]


@pytest.mark.parametrize(
    "value",
    [
        "5",
        "'comune",
        'a "quoted" \\ back\\slash',
        "\x00\x1f\x7f control",
        "città di Napoli",
        "\U0001f600 emoji",
        "\ud800 lone surrogate",
        ["'14", "'15", "~end"],
    ],
)
def test_a_fact_is_written_as_json_dumps_writes_it(value: object) -> None:
    """Byte for byte ``json.dumps``' text (ASCII, every other character escaped alike), so
    that durable_rules compares it with the rules' constants, which ``json.dumps`` writes."""
    fact = {"t": "case", "k0": value, "sid": "0", "id": "1"}
    assert durable_session.fact_text(fact) in (
        json.dumps(fact),
        json.dumps(fact, separators=(",", ":")),
    )


@pytest.mark.parametrize("name", ["città", "Napoli", "\U0001f600", "a\x01b", "a\x7fb"])
def test_text_beyond_ascii_in_a_fact_matches_the_same_constant(name: str) -> None:
    session = DurableSession({"same": {"all": [{"m": {"$and": [{"t": "case"}, {"k0": name}]}}]}})
    assert session.fire({"t": "case", "k0": name}) == ["same"]
    assert session.fire({"t": "case", "k0": name + "x"}) == []
