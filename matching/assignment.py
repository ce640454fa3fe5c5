"""Bulk assignment for a region: give each group with unmet needs at most one new person so that
the total score is as high as possible, within every person's spare capacity.

Solved exactly as a rectangular assignment problem (scipy's linear_sum_assignment, the
Jonker-Volgenant algorithm): each person appears once per unit of spare capacity, pairs that
fail a hard constraint are forbidden. A greedy baseline (best pair first) is computed on the
same data so the page can show what the optimum gains.
"""

from dataclasses import dataclass

import numpy as np

FORBIDDEN = -1.0  # a score below zero marks a pair that must not be assigned


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[tuple[int, int, float], ...]  # (group index, person index, score)

    @property
    def total(self) -> float:
        return round(sum(score for _g, _p, score in self.pairs), 2)


def optimal(scores: np.ndarray, capacity: list[int]) -> Proposal:
    """scores[g, p]: the score of person p for group g, FORBIDDEN where not allowed."""
    groups, people = scores.shape
    columns = [p for p in range(people) for _ in range(min(capacity[p], groups))]
    if not groups or not columns:
        return Proposal(())
    expanded = scores[:, columns]
    # Maximise; forbidden pairs get a cost no allowed solution would choose.
    allowed = expanded >= 0
    cost = np.where(allowed, -expanded, 0.0)
    # Imported here: scipy.optimize holds some 45 MB, which a web process that never proposes a
    # bulk assignment should not carry.
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost)
    pairs = tuple(
        (int(g), columns[c], float(expanded[g, c]))
        for g, c in zip(rows, cols, strict=True)
        if allowed[g, c] and expanded[g, c] > 0
    )
    return Proposal(tuple(sorted(pairs)))


def greedy(scores: np.ndarray, capacity: list[int]) -> Proposal:
    """Best remaining pair first: the obvious method, kept only as the yardstick."""
    left = np.array(capacity, dtype=np.int64)
    taken = np.zeros(scores.shape[0], dtype=bool)
    pairs = []
    flat = np.flatnonzero(scores > 0)
    # Highest score first (stable, so ties go to the lower group, then person, index).
    flat = flat[np.argsort(-scores.ravel()[flat], kind="stable")]
    groups, people = np.unravel_index(flat, scores.shape)
    # Walk the pairs in chunks, dropping at once those whose group is served or whose person is
    # full; only the survivors are looked at one by one.
    for start in range(0, len(flat), 4096):
        g_chunk, p_chunk = groups[start : start + 4096], people[start : start + 4096]
        alive = ~taken[g_chunk] & (left[p_chunk] > 0)
        for g, p in zip(g_chunk[alive], p_chunk[alive], strict=True):
            if taken[g] or left[p] <= 0:
                continue
            taken[g] = True
            left[p] -= 1
            pairs.append((int(g), int(p), float(scores[g, p])))
        if taken.all():
            break
    return Proposal(tuple(sorted(pairs)))
