"""The profile step: bodies' posts moved between profiles until every profile cap holds.

Before this step each body has a total (its share of its cell: a pool, or a pool and a
group) split over the profiles it asked for; the profile caps are national, so some
profiles may be overfilled and others have room. This step changes as little as it can:

1. **Swaps**: a body holding a post in an overfilled profile and asking for more in
   another takes that one instead (its total unchanged); along a chain of such swaps if
   need be (a body moves from A to B, another from B to C, which has room), the
   shortest first.
2. **Transfers**: if no chain of swaps reaches a profile with room, one in which some
   cell gives up a post of one profile and gains one of another does: within a cell one
   body gives the post up and another takes one (the cell's total unchanged).
3. **Cuts**: if no such chain exists, the overfilled profile's excess cannot go anywhere
   (every body holding it, and every body of those cells, asks only for profiles that are
   full): the lowest-ranked body holding the profile, or one that swaps can reach from
   it, gives a post up (after the swaps that bring the excess to it), and its cell keeps
   that post unused (the round's ``key`` step may give it to another group).
4. **Re-split** (with a ``key``): posts a cell could not keep go, one at a time, to the
   other cells of its pool that can still take one along a chain, the cell with the
   largest ``key weight / (2 x posts + 1)`` first (Sainte-Laguë on the key).

Chains are the augmenting paths of the small network cells -> profiles (edges: a cell
can take a profile while one of its bodies has room in it; it can give one up while one
of its bodies holds it), found breadth-first, so the round ends with no profile over its
cap and, among the allocations that keep each cell within its posts, the largest total.

Who gives and who takes: in a swap or a cut, the lowest-ranked body that can; in a
transfer or a fill, by the method's preference (for a share method, the body furthest
above its score gives, the one furthest below takes; for ``serve``, rank order).
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Grant = list[list[int]]
"""Posts by body (index in rank order) and profile."""

Preference = Callable[[int, int], Any]
"""Sort key of a body (index, its current total) to TAKE a post: smallest first. Giving
up uses the same key, largest first."""


@dataclass(frozen=True)
class Resplit:
    """Step 5's data: the pool of each cell, each pool's posts, each cell's key weight."""

    pool_of: Sequence[int]
    posts: Sequence[int]
    weights: Sequence[int]


def meet_profile_caps(
    requests: Sequence[Sequence[int]],
    cell_of: Sequence[int],
    cells: int,
    caps: Sequence[int],
    grant: Grant,
    preference: Preference,
    resplit: Resplit | None = None,
) -> None:
    """Steps 1-4 on ``grant`` (changed in place): ``requests`` and ``cell_of`` by body in
    rank order, ``caps`` by profile.

    A cell that a cut leaves short does not win its post back later: at the cut no chain
    led from it to a profile with room, and the later steps only fill such profiles
    (none is emptied below its cap); random searches (200,000 rounds) never found one,
    and the tests' max-flow law checks the total."""
    grid = _Grid(requests, cell_of, cells, caps, grant, preference)
    while (over := grid.overfilled()) is not None:
        if not grid.swap_chain(over) and not grid.cell_chain(over):
            grid.cut(over)
    if resplit is not None:
        grid.resplit(resplit)


class _Grid:
    """The grant with the loads, holders and candidates the searches read."""

    def __init__(
        self,
        requests: Sequence[Sequence[int]],
        cell_of: Sequence[int],
        cells: int,
        caps: Sequence[int],
        grant: Grant,
        preference: Preference,
    ) -> None:
        self.requests = requests
        self.cell_of = cell_of
        self.cells = cells
        self.caps = caps
        self.grant = grant
        self.preference = preference
        profiles = len(caps)
        self.profiles = profiles
        self.load = [0] * profiles
        self.cell_load = [[0] * profiles for _ in range(cells)]
        self.cell_asked = [[0] * profiles for _ in range(cells)]
        self.cell_total = [0] * cells
        self.totals = [sum(row) for row in grant]
        self.members: list[list[int]] = [[] for _ in range(cells)]
        self.holders: list[set[int]] = [set() for _ in range(profiles)]
        for i, row in enumerate(grant):
            cell = cell_of[i]
            self.members[cell].append(i)
            self.cell_total[cell] += self.totals[i]
            for p, posts in enumerate(row):
                self.cell_asked[cell][p] += requests[i][p]
                if posts:
                    self.load[p] += posts
                    self.cell_load[cell][p] += posts
                    self.holders[p].add(i)
        # Candidate heaps, built on first use and kept up to date by pushes (entries are
        # checked when popped: stale ones are dropped).
        self._swappers: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._givers: list[dict[int, list[tuple[Any, int]]]] = [{} for _ in range(cells)]
        self._takers: list[dict[int, list[tuple[Any, int]]]] = [{} for _ in range(cells)]

    # -- state ------------------------------------------------------------------------------

    def overfilled(self) -> int | None:
        return next((p for p in range(self.profiles) if self.load[p] > self.caps[p]), None)

    def has_room(self, p: int) -> bool:
        return self.load[p] < self.caps[p]

    def change(self, i: int, p: int, posts: int) -> None:
        """Give body ``i`` ``posts`` (may be -1) more posts of profile ``p``."""
        cell = self.cell_of[i]
        before = self.grant[i][p]
        self.grant[i][p] = before + posts
        self.totals[i] += posts
        self.load[p] += posts
        self.cell_load[cell][p] += posts
        self.cell_total[cell] += posts
        if before == 0 and posts > 0:
            self.holders[p].add(i)
        elif before + posts == 0:
            self.holders[p].discard(i)
        self._announce(i)

    def _announce(self, i: int) -> None:
        """Push body ``i`` to every built heap it may now belong to."""
        cell = self.cell_of[i]
        row, asked = self.grant[i], self.requests[i]
        for (a, b), heap in self._swappers.items():
            if row[a] > 0 and row[b] < asked[b]:
                heapq.heappush(heap, (-i, i))
        for a, heap in self._givers[cell].items():
            if row[a] > 0:
                heapq.heappush(heap, (self._give_key(i), i))
        for b, heap in self._takers[cell].items():
            if row[b] < asked[b]:
                heapq.heappush(heap, (self._take_key(i), i))

    def _give_key(self, i: int) -> Any:
        return _Reversed(self.preference(i, self.totals[i]))

    def _take_key(self, i: int) -> Any:
        return self.preference(i, self.totals[i] + 1)

    # -- candidates ---------------------------------------------------------------------------

    def swapper(self, a: int, b: int) -> int | None:
        """The lowest-ranked body holding ``a`` with room in ``b``."""
        heap = self._swappers.get((a, b))
        if heap is None:
            heap = [(-i, i) for i in self.holders[a] if self.grant[i][b] < self.requests[i][b]]
            heapq.heapify(heap)
            self._swappers[(a, b)] = heap
        while heap:
            _, i = heap[0]
            if self.grant[i][a] > 0 and self.grant[i][b] < self.requests[i][b]:
                return i
            heapq.heappop(heap)
        return None

    def giver(self, cell: int, a: int) -> int | None:
        """The body of ``cell`` holding ``a`` that should give one up first."""
        heap = self._givers[cell].get(a)
        if heap is None:
            heap = [(self._give_key(i), i) for i in self.holders[a] if self.cell_of[i] == cell]
            heapq.heapify(heap)
            self._givers[cell][a] = heap
        while heap:
            key, i = heap[0]
            if self.grant[i][a] > 0 and key == self._give_key(i):
                return i
            heapq.heappop(heap)
        return None

    def taker(self, cell: int, b: int) -> int | None:
        """The body of ``cell`` with room in ``b`` that should take one first."""
        heap = self._takers[cell].get(b)
        if heap is None:
            heap = [
                (self._take_key(i), i)
                for i in self.members[cell]
                if self.grant[i][b] < self.requests[i][b]
            ]
            heapq.heapify(heap)
            self._takers[cell][b] = heap
        while heap:
            key, i = heap[0]
            if self.grant[i][b] < self.requests[i][b] and key == self._take_key(i):
                return i
            heapq.heappop(heap)
        return None

    # -- steps ----------------------------------------------------------------------------------

    def swap_chain(self, start: int) -> bool:
        """Step 1: the shortest chain of swaps from ``start`` to a profile with room."""
        came_from: dict[int, int] = {start: start}
        frontier = deque([start])
        while frontier:
            a = frontier.popleft()
            for b in range(self.profiles):
                if b in came_from or self.swapper(a, b) is None:
                    continue
                came_from[b] = a
                if self.has_room(b):
                    path = [b]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    for later, earlier in itertools.pairwise(path):
                        self._swap(earlier, later)
                    return True
                frontier.append(b)
        return False

    def _swap(self, a: int, b: int) -> None:
        i = self.swapper(a, b)
        assert i is not None  # found by the search; earlier swaps only add holders of a
        self.change(i, a, -1)
        self.change(i, b, 1)

    def cell_chain(self, start: int) -> bool:
        """Step 2: a chain profile -> cell -> profile ... ending in a profile with room."""
        path = self._search([("p", start)])
        if path is None:
            return False
        self._apply(path)
        return True

    def cut(self, start: int) -> None:
        """Step 3: the lowest-ranked body holding a post of ``start``, or of a profile a
        chain of swaps reaches from it, gives one up (the chain carried out first)."""
        came_from: dict[int, int] = {start: start}
        frontier = deque([start])
        reached = [start]
        while frontier:
            a = frontier.popleft()
            for b in range(self.profiles):
                if b not in came_from and self.swapper(a, b) is not None:
                    came_from[b] = a
                    reached.append(b)
                    frontier.append(b)
        # The lowest-ranked holder; of its profiles, the one fewest swaps away.
        loser = max(i for p in reached for i in self.holders[p])
        end = next(p for p in reached if loser in self.holders[p])
        path = [end]
        while path[-1] != start:
            path.append(came_from[path[-1]])
        for later, earlier in itertools.pairwise(path):
            self._swap(earlier, later)
        self.change(loser, end, -1)

    def fill(self, cell: int) -> bool:
        """One more post for ``cell``, along a chain to a profile with room."""
        path = self._search([("c", cell)])
        if path is None:
            return False
        self._apply(path)
        return True

    def resplit(self, resplit: Resplit) -> None:
        """Step 4: a pool's posts that its cells lost go to its other cells by the key."""
        room = list(resplit.posts)
        for cell in range(self.cells):
            room[resplit.pool_of[cell]] -= self.cell_total[cell]
        open_cells = [
            cell
            for cell in range(self.cells)
            if resplit.weights[cell] > 0 and sum(self.cell_asked[cell]) > self.cell_total[cell]
        ]
        while True:
            able = [
                cell
                for cell in open_cells
                if room[resplit.pool_of[cell]] > 0
                and sum(self.cell_asked[cell]) > self.cell_total[cell]
            ]
            if not able:
                return
            # Sainte-Laguë: the largest weight / (2 * posts + 1); ties: the first cell.
            best = able[0]
            for cell in able[1:]:
                if resplit.weights[cell] * (2 * self.cell_total[best] + 1) > resplit.weights[
                    best
                ] * (2 * self.cell_total[cell] + 1):
                    best = cell
            if self.fill(best):
                room[resplit.pool_of[best]] -= 1
            else:
                open_cells.remove(best)

    def _search(self, starts: list[tuple[str, int]]) -> list[tuple[str, int]] | None:
        """Breadth-first over profiles and cells to a profile with room (not a start)."""
        came_from: dict[tuple[str, int], tuple[str, int] | None] = dict.fromkeys(starts)
        frontier = deque(starts)
        while frontier:
            node = frontier.popleft()
            kind, index = node
            if kind == "p":
                following = [
                    ("c", cell) for cell in range(self.cells) if self.cell_load[cell][index] > 0
                ]
            else:
                following = [
                    ("p", b)
                    for b in range(self.profiles)
                    if self.cell_load[index][b] < self.cell_asked[index][b]
                ]
            for step in following:
                if step in came_from:
                    continue
                came_from[step] = node
                if step[0] == "p" and self.has_room(step[1]):
                    path = [step]
                    while (previous := came_from[path[-1]]) is not None:
                        path.append(previous)
                    return path[::-1]
                frontier.append(step)
        return None

    def _apply(self, path: list[tuple[str, int]]) -> None:
        """Carry out a chain: at each cell, a profile given up and one taken."""
        for index, (kind, cell) in enumerate(path):
            if kind != "c":
                continue
            gives = path[index - 1][1] if index > 0 else None
            takes = path[index + 1][1]
            self._hop(cell, gives, takes)

    def _hop(self, cell: int, gives: int | None, takes: int) -> None:
        if gives is None:
            taker = self.taker(cell, takes)
            assert taker is not None
            self.change(taker, takes, 1)
            return
        # A swap by one body when one can, else one body gives and another takes.
        swapper = next(
            (
                i
                for i in sorted(self.holders[gives], reverse=True)
                if self.cell_of[i] == cell and self.grant[i][takes] < self.requests[i][takes]
            ),
            None,
        )
        if swapper is not None:
            self.change(swapper, gives, -1)
            self.change(swapper, takes, 1)
            return
        giver, taker = self.giver(cell, gives), self.taker(cell, takes)
        assert giver is not None and taker is not None
        self.change(giver, gives, -1)
        self.change(taker, takes, 1)


class _Reversed:
    """Wraps a sort key so that a min-heap pops the largest first."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.key == other.key)

    def __hash__(self) -> int:
        return hash(self.key)


def share_preference(scores: Sequence[int]) -> Preference:
    """Share methods: who is furthest below its score takes first (total / score, the
    smallest first; a body with score 0 last), ties by rank."""

    def key(i: int, total: int) -> tuple[int, Fraction, int]:
        score = scores[i]
        return (1, Fraction(0), i) if score == 0 else (0, Fraction(total, score), i)

    return key


def rank_preference(i: int, total: int) -> int:
    """``serve``: rank order."""
    return i
