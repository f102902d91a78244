"""Growth rate, doubling time and the reproduction number implied by exponential growth.

The growth rate r is the slope of a log-linear quasi-Poisson regression of daily counts on time
(log E[y_t] = a + r t, dispersion from Pearson's chi-square), so days with zero cases count as
they are. The reproduction number follows Wallinga & Lipsitch (2007): R = 1 / M(-r), where M is
the moment-generating function of the generation interval; for a gamma interval with mean m and
sd s that is R = (1 + r s^2/m)^((m/s)^2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def reproduction_number_from_growth(rate: float, *, gt_mean: float, gt_sd: float) -> float:
    """R = (1 + r * scale)^shape for a gamma generation interval (Wallinga & Lipsitch 2007)."""
    if not gt_mean > 0 or not gt_sd > 0:
        raise BadSeries("gt_mean", "the generation interval's mean and sd must be positive")
    shape, scale = (gt_mean / gt_sd) ** 2, gt_sd**2 / gt_mean
    if 1 + rate * scale <= 0:
        raise BadSeries("rate", "the decline is too steep for this generation interval")
    return (1 + rate * scale) ** shape


def _doubling(rate: float) -> float:
    return math.inf if rate == 0 else math.log(2) / rate
