"""Growth rate, doubling time and the reproduction number implied by exponential growth.

The growth rate r is the slope of a log-linear quasi-Poisson regression of daily counts on time
(log E[y_t] = a + r t, dispersion from Pearson's chi-square), so days with zero cases count as
they are. The reproduction number follows Wallinga & Lipsitch (2007): R = 1 / M(-r), where M is
the moment-generating function of the generation interval. Two ways to take M:

- "R0", the default: as the R package R0 does (`est.R0.EG`, the reference epidemiologists check
  against). `generation.time("gamma", c(m, s))` gives day k >= 1 the gamma's mass on
  [k - 1/2, k + 1/2), day 0 none, cut where the mass reaches 99.99 %, renormalised; `R.from.r`
  spreads each day's mass evenly over [k, k + 1): R = r / sum_k GT_k (e^(-r k) - e^(-r (k+1))).
- "continuous": the gamma interval itself, R = (1 + r s^2/m)^((m/s)^2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from scipy import stats

from .errors import BadSeries
from .glm import poisson_fit


@dataclass(frozen=True)
class Growth:
    rate: float  # per day
    rate_low: float
    rate_high: float
    doubling_time: float  # days; negative means halving; inf when flat
    doubling_low: float
    doubling_high: float
    dispersion: float


def growth_rate(counts, *, level: float = 0.95) -> Growth:
    """Daily growth rate with its confidence interval, and the doubling (or halving) time."""
    y = np.asarray(counts, dtype=float)
    if y.ndim != 1 or y.size < 3:
        raise BadSeries("counts", "at least three days of counts are needed")
    if not np.all(np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        raise BadSeries("counts", "counts must be whole numbers, not negative, with no blanks")
    if y.sum() == 0:
        raise BadSeries("counts", "with no cases at all there is no growth to measure")
    t = np.arange(y.size, dtype=float)
    fit = poisson_fit(np.column_stack([np.ones_like(t), t - t.mean()]), y)
    dispersion = fit.dispersion(y)
    covariance = np.linalg.inv(fit.information) * dispersion
    coef = fit.coef
    half = stats.t.ppf(0.5 + level / 2, y.size - 2) * math.sqrt(covariance[1, 1])
    rate = float(coef[1])
    low, high = rate - half, rate + half
    return Growth(rate=rate, rate_low=low, rate_high=high, doubling_time=_doubling(rate),
                  doubling_low=_doubling(high) if low > 0 or high < 0 else math.inf,
                  doubling_high=_doubling(low) if low > 0 or high < 0 else math.inf, dispersion=dispersion)


Discretisation = Literal["R0", "continuous"]


def reproduction_number_from_growth(rate: float, *, gt_mean: float, gt_sd: float,
                                    discretisation: Discretisation = "R0") -> float:
    """R implied by the daily growth rate for a gamma generation interval (Wallinga & Lipsitch 2007), with the
    interval discretised as R0's `est.R0.EG` does or taken as continuous (see the module's docstring)."""
    if discretisation not in get_args(Discretisation):
        raise BadSeries("discretisation", f"the discretisation is one of {', '.join(get_args(Discretisation))}")
    if not gt_mean > 0 or not gt_sd > 0:
        raise BadSeries("gt_mean", "the generation interval's mean and sd must be positive")
    if discretisation == "continuous":
        shape, scale = (gt_mean / gt_sd) ** 2, gt_sd**2 / gt_mean
        if 1 + rate * scale <= 0:
            raise BadSeries("rate", "the decline is too steep for this generation interval")
        return (1 + rate * scale) ** shape
    gt = r0_generation_time(gt_mean, gt_sd)
    # r / (e^(-r k) - e^(-r (k+1))) written as e^(-r k) (1 - e^(-r)) / r, which stays exact as r -> 0 (R -> 1)
    spread = -math.expm1(-rate) / rate if rate else 1.0
    return float(1 / (spread * np.sum(gt * np.exp(-rate * np.arange(gt.size)))))


def r0_generation_time(mean: float, sd: float) -> np.ndarray:
    """P(generation time = day k), k = 0, 1, ..., as R0's `generation.time("gamma", c(mean, sd))` makes it
    (its defaults: first.half = TRUE, p0 = TRUE, no truncate)."""
    longest = math.ceil(mean + 10 * sd)
    edges = np.concatenate([[0.0], 0.5 + np.arange(longest + 1)])
    mass = np.diff(stats.gamma.cdf(edges, a=(mean / sd) ** 2, scale=sd**2 / mean))
    reached = np.cumsum(mass) > 0.9999
    if reached.any():
        mass = mass[: int(np.argmax(reached)) + 1]
    mass[0] = 0.0
    return mass / mass.sum()


def _doubling(rate: float) -> float:
    return math.inf if rate == 0 else math.log(2) / rate
