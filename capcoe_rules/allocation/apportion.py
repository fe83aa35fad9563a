"""Whole posts in proportion to weights: largest remainders with caps, Sainte-Laguë.

Pure functions on integers (and exact fractions), the building blocks of a round:
:func:`largest_remainder` shares a supply among entries by weight, nobody above its cap;
:func:`split_over_profiles` splits one body's posts over the profiles it asked for;
:func:`integer_weights` turns a cell's criteria into the weights the first one reads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def largest_remainder(supply: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Share ``supply`` in proportion to ``weights``, nobody above its cap.

    Hamilton's method with caps: each entry's exact quota is ``min(cap, lambda * weight)``
    with ``lambda`` set so that the quotas add up to ``min(supply, sum(caps))``; every
    entry gets its quota rounded down, and the posts left go one each to the largest
    remainders (equal remainders: the earlier entry, so callers pass entries in rank
    order). Exact integer arithmetic: remainders are compared over a common denominator.
    An entry with weight 0 gets nothing.

    Raising one entry's weight, or its cap, never lowers its share. Its quota rises and
    every other quota falls (``lambda`` falls); if its floor is unchanged, each entry that
    overtakes it on remainder must have had its own floor drop, which frees a post for
    each, so it stays among the posts handed out.
    """
    if supply < 0:
        raise ValueError("supply must not be negative")
    if len(weights) != len(caps):
        raise ValueError("one weight per cap")
    caps = [cap if weight > 0 else 0 for weight, cap in zip(weights, caps, strict=True)]
    if any(cap < 0 for cap in caps) or any(weight < 0 for weight in weights):
        raise ValueError("weights and caps must not be negative")
    if sum(caps) <= supply:
        return list(caps)
    # Water-filling: an entry whose cap is below its proportional share of what the
    # uncapped ones share is capped; capping some raises the others' level, so repeat
    # until none is added (exact integer comparisons; no sort, which on fractions cost
    # most of a large round).
    entries = [index for index, cap in enumerate(caps) if cap > 0]
    left, weight_left = supply, sum(weights[index] for index in entries)
    capped: set[int] = set()
    while True:
        newly = [
            index
            for index in entries
            if index not in capped and caps[index] * weight_left <= left * weights[index]
        ]
        if not newly:
            break
        for index in newly:
            capped.add(index)
            left -= caps[index]
            weight_left -= weights[index]
    shares = [0] * len(caps)
    remainders: list[tuple[int, int]] = []
    for index in entries:
        if index in capped:
            shares[index] = caps[index]
        else:
            whole, remainder = divmod(left * weights[index], weight_left)
            shares[index] = whole
            remainders.append((-remainder, index))
    remainders.sort()
    for _, index in remainders[: supply - sum(shares)]:
        shares[index] += 1
    return shares


def exact_shares(supply: int, weights: Sequence[int]) -> list[Fraction]:
    """``supply`` in proportion to ``weights``, unrounded and uncapped."""
    total = sum(weights)
    return [Fraction(supply * weight, total) if total else Fraction(0) for weight in weights]


def split_over_profiles(total: int, requests: Sequence[int]) -> list[int]:
    """Split one body's ``total`` posts over its profiles, none above its request.

    Sainte-Laguë (Webster): posts are handed out one at a time to the profile with the
    largest ``request / (2 * granted + 1)`` among those below their request (equal values:
    the earlier profile). A divisor method rather than largest remainders because it is
    house-monotone: a body granted one post more never loses a post in any profile; and
    Sainte-Laguë rather than D'Hondt because it favours neither large nor small requests
    (a body asking 5 and 2 gets 1 and 1 of two posts; D'Hondt would give it 2 and 0).
    """
    split = [0] * len(requests)
    for _ in range(min(total, sum(requests))):
        best = -1
        for index, request in enumerate(requests):
            if split[index] >= request:
                continue
            # request / (2 * split + 1) > best's, compared without division.
            if best < 0 or request * (2 * split[best] + 1) > requests[best] * (
                2 * split[index] + 1
            ):
                best = index
        split[best] += 1
    return split


def integer_weights(values: Sequence[Sequence[Fraction]], weights: Sequence[Fraction]) -> list[int]:
    """Each entry's score, as integers in the same proportions: the sum over criteria of
    ``weight * value / (the criterion's sum over the entries)``.

    A criterion that no entry has (its sum is 0) counts the same for everyone, so that
    the scores always add up to the weights' sum; an entry with 0 on every criterion
    others have scores 0 and gets nothing by :func:`largest_remainder`. Integer arithmetic
    throughout: each criterion is scaled to whole numbers, and every term multiplied by
    the product of the other criteria's sums (and by the number of entries).
    """
    count = len(values)
    if count == 0:
        return []
    weight_scale = math.lcm(*(weight.denominator for weight in weights))
    whole_weights = [int(weight * weight_scale) for weight in weights]
    columns: list[list[int]] = []
    for c in range(len(weights)):
        exact = [row[c] for row in values]
        scale = math.lcm(*(value.denominator for value in exact))
        columns.append([value.numerator * (scale // value.denominator) for value in exact])
    sums = [sum(column) for column in columns]
    product = math.prod(total for total in sums if total)
    factors = [
        weight * count * (product // total) if total else weight * product
        for weight, total in zip(whole_weights, sums, strict=True)
    ]
    scores = [0] * count
    for column, total, factor in zip(columns, sums, factors, strict=True):
        if not factor:
            continue
        if total:
            for i, value in enumerate(column):
                scores[i] += factor * value
        else:
            for i in range(count):
                scores[i] += factor
    divisor = math.gcd(*scores)
    return [score // divisor for score in scores] if divisor > 1 else scores
