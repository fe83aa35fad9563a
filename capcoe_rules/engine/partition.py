"""Productions grouped into durable_rules rulesets that stay inside its fixed limits.

durable_rules 2.0.28 builds one alpha network per ruleset: a tree whose nodes are tests,
shared by the productions whose tests begin alike. Its C code has fixed-size arrays that a
legitimate rule set can overflow (see ../shared/DURABLE_RULES.md and durable's
``rules.h``/``events.c``), so a rule set that passes the checker is split into as many
rulesets as needed, each provably inside every limit:

=============================================  ==========  ==============================
durable_rules limit                            its value   kept at most
=============================================  ==========  ==============================
nodes pending while one fact is matched         64         :data:`MAX_PENDING`
children of one node (hash set, hangs if full)  512        :data:`MAX_CHILDREN`
productions ending at one node (error 108)      256        :data:`MAX_ENDING`
properties of one fact (error 302)              255        :data:`MAX_KEYS` + t, sid, id
=============================================  ==========  ==============================

The matching stack holds each matching node once; at most one of several ``==`` tests of
one key against distinct constants under one node can match, so such a group counts once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from capcoe_rules.engine.conditions import Branch, Slot, Test

MAX_PENDING = 56
MAX_CHILDREN = 200
MAX_ENDING = 200
MAX_KEYS = 200

Label = TypeVar("Label")


@dataclass
class _Node:
    children: dict[Test, _Node] = field(default_factory=dict)
    equality_groups: set[Slot] = field(default_factory=set)
    """Slots tested with ``==`` against a constant by some child."""
    ending: int = 0


@dataclass
class Group(Generic[Label]):
    """One future durable_rules ruleset: its branches and the fact keys they read."""

    branches: list[tuple[Label, Branch]] = field(default_factory=list)
    slots: dict[Slot, None] = field(default_factory=dict)
    _root: _Node = field(default_factory=_Node)
    _pending: int = 2  # durable's root and the node testing t == "case"

    def try_add(self, label: Label, branch: Branch) -> bool:
        """Add ``branch`` if every limit still holds afterwards; say whether it was added."""
        new_slots = {slot for test in branch for slot in test.slots()} - self.slots.keys()
        if len(self.slots) + len(new_slots) > MAX_KEYS:
            return False
        node, pending = self._root, self._pending
        for depth, test in enumerate(branch):
            child = node.children.get(test)
            if child is None:
                if len(node.children) >= MAX_CHILDREN:
                    return False
                grouped = _equality_with_constant(test) and test.slot in node.equality_groups
                pending += 0 if grouped else 1
                # Every later test of the branch hangs under new nodes: one pending each.
                pending += len(branch) - depth - 1
                break
            node = child
        else:
            if node.ending >= MAX_ENDING:
                return False
        if pending > MAX_PENDING:
            return False
        self._insert(branch)
        self._pending = pending
        self.branches.append((label, branch))
        self.slots.update(dict.fromkeys(slot for test in branch for slot in test.slots()))
        return True

    def _insert(self, branch: Branch) -> None:
        node = self._root
        for test in branch:
            if _equality_with_constant(test):
                node.equality_groups.add(test.slot)
            node = node.children.setdefault(test, _Node())
        node.ending += 1


def _equality_with_constant(test: Test) -> bool:
    return test.op == "==" and not isinstance(test.operand, Slot)


def canonical_order(branches: Iterable[Branch]) -> dict[Test, tuple[int, int]]:
    """A sort key for tests: the most shared first, so that branches share trie prefixes."""
    counts: Counter[Test] = Counter()
    first_seen: dict[Test, int] = {}
    for branch in branches:
        for test in branch:
            counts[test] += 1
            first_seen.setdefault(test, len(first_seen))
    return {test: (-counts[test], first_seen[test]) for test in first_seen}


def partition(branches: list[tuple[Label, Branch]]) -> list[Group[Label]]:
    """Branches (tests in canonical order) grouped greedily, in order, within the limits.

    A branch holds at most ``conditions.MAX_TESTS`` tests, so it always fits an empty
    group: every branch finds a place.
    """
    groups: list[Group[Label]] = [Group()]
    for label, branch in branches:
        if not groups[-1].try_add(label, branch):
            groups.append(Group())
            added = groups[-1].try_add(label, branch)
            assert added, "a branch fits an empty ruleset by construction"
    return [group for group in groups if group.branches]
