"""Pooled testing (Dorfman 1943): test pools of k samples, retest each member of a positive pool."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BadSeries


def dorfman_tests_per_person(prevalence: float, pool_size: int, *, sensitivity: float = 1.0,
                             specificity: float = 1.0) -> float:
    """Expected tests per person: 1/k for the pool, plus 1 for everyone in a pool that tests positive.

    P(pool positive) = Se * (1 - (1-p)^k) + (1 - Sp) * (1-p)^k.
    """
    _check(prevalence, sensitivity, specificity)
    if pool_size < 1:
        raise BadSeries("pool_size", "a pool holds at least one sample")
    if pool_size == 1:
        return 1.0
    clean = (1 - prevalence) ** pool_size
    positive = sensitivity * (1 - clean) + (1 - specificity) * clean
    return 1 / pool_size + positive


@dataclass(frozen=True)
class PoolAdvice:
    pool_size: int
    tests_per_person: float
    saving: float  # the share of tests saved against testing everyone alone


def best_pool_size(prevalence: float, *, max_pool: int = 50, sensitivity: float = 1.0,
                   specificity: float = 1.0) -> PoolAdvice:
    """The pool size (1..max_pool) with the fewest expected tests per person; 1 means do not pool."""
    _check(prevalence, sensitivity, specificity)
    costs = {k: dorfman_tests_per_person(prevalence, k, sensitivity=sensitivity, specificity=specificity)
             for k in range(1, max_pool + 1)}
    size = min(costs, key=lambda k: (costs[k], k))
    return PoolAdvice(pool_size=size, tests_per_person=costs[size], saving=1 - costs[size])


def _check(prevalence: float, sensitivity: float, specificity: float) -> None:
    if not 0 <= prevalence <= 1:
        raise BadSeries("prevalence", "the prevalence is a share between 0 and 1")
    for field, value in (("sensitivity", sensitivity), ("specificity", specificity)):
        if not 0 < value <= 1:
            raise BadSeries(field, f"the {field} is a share above 0 and at most 1")
