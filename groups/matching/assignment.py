"""Bulk assignment for a region: give each group with unmet needs at most one new person so that
the total score is as high as possible, within every person's spare capacity.

Solved exactly as a rectangular assignment problem (scipy's linear_sum_assignment, the
Jonker-Volgenant algorithm): each person appears once per unit of spare capacity, pairs that
fail a hard constraint are forbidden. A greedy baseline (best pair first) is computed on the
same data so the page can show what the optimum gains.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

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
    rows, cols = linear_sum_assignment(cost)
    pairs = tuple(
        (int(g), columns[c], float(expanded[g, c]))
        for g, c in zip(rows, cols, strict=True)
        if allowed[g, c] and expanded[g, c] > 0
    )
    return Proposal(tuple(sorted(pairs)))


def greedy(scores: np.ndarray, capacity: list[int]) -> Proposal:
    """Best remaining pair first: the obvious method, kept only as the yardstick."""
    left = list(capacity)
    taken = set()
    pairs = []
    order = np.dstack(np.unravel_index(np.argsort(-scores, axis=None), scores.shape))[0]
    for g, p in order:
        score = scores[g, p]
        if score <= 0:
            break
        if len(taken) == scores.shape[0]:
            break  # every group has someone
        if g in taken or left[p] <= 0:
            continue
        taken.add(int(g))
        left[p] -= 1
        pairs.append((int(g), int(p), float(score)))
    return Proposal(tuple(sorted(pairs)))
