"""Aberration detection on counts per day or week, as the R package `surveillance` computes it.

- EARS C1, C2, C3 (`surveillance::earsC`): a moving baseline mean and sd; C2 skips two periods
  before today (a guard band), C3 adds the two previous days' excess of C2 over 1.
- The Farrington threshold and the Noufaily variants (`algo.farrington.threshold.farrington` and
  `...noufaily` in surveillance's farringtonFlexible.R): the upper bound of a count given a GLM
  prediction.
- A two-sided tabular CUSUM on standardised counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import BadSeries


@dataclass(frozen=True)
class Aberrations:
    """One row per period checked: its 0-based index, the upper bound, and whether the count exceeded it."""

    index: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray


def ears(observed, *, method: str = "C1", baseline: int = 7, alpha: float | None = None,
         min_sigma: float = 0.0) -> Aberrations:
    """EARS C1/C2/C3 over every period that has enough history (surveillance::earsC's default range).

    `alpha` defaults as in surveillance: 0.001 for C1 and C2, 0.025 for C3.
    """
    y = _counts(observed)
    if method not in ("C1", "C2", "C3"):
        raise BadSeries("method", "the EARS method is C1, C2 or C3")
    if baseline < 3:
        raise BadSeries("baseline", "the baseline needs at least 3 periods")
    if min_sigma < 0:
        raise BadSeries("min_sigma", "the minimum sigma cannot be negative")
    alpha = alpha if alpha is not None else (0.025 if method == "C3" else 0.001)
    z = stats.norm.ppf(1 - alpha)
    lag = {"C1": 0, "C2": 2, "C3": 2}[method]
    first = baseline + lag + (2 if method == "C3" else 0)  # 0-based index of the first period checked
    if first >= y.size:
        raise BadSeries("observed", f"EARS {method} with a baseline of {baseline} needs more than {first} periods")

    def reference(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = y[t[:, None] - lag - np.arange(baseline, 0, -1)[None, :]]
        return rows.mean(axis=1), np.maximum(rows.std(axis=1, ddof=1), min_sigma)

    index = np.arange(first, y.size)
    mean, sd = reference(index)
    if method in ("C1", "C2"):
        upper = mean + z * sd
    else:
        previous = [reference(index - k) for k in (1, 2)]
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = sum(np.maximum(0.0, (y[index - k] - m) / s - 1) for k, (m, s) in zip((1, 2), previous))
        # C3 alarms when today's max(0, C2 - 1) plus the last two days' exceed z: solved for today's count.
        upper = np.maximum(0.0, mean + sd * (z + 1 - excess))
    return Aberrations(index=index, upperbound=upper, alarm=y[index] > upper)


@dataclass(frozen=True)
class Threshold:
    lower: float
    upper: float
    prob: float
    score: float


def farrington_threshold(mu0: float, se_fit: float, phi: float, *, alpha: float = 0.05, y: float,
                         transform: str = "none") -> Threshold:
    """The Farrington upper bound for a count predicted as mu0 (response scale) with standard error se_fit.

    `transform` is the power transformation against skewness: "none", "1/2" or "2/3" (Farrington
    et al. 1996 use 2/3). `prob` is P(count >= y) under the prediction; `score` is
    (y - mu0) / (upper - mu0): above 1 is an alarm.
    """
    tau = phi + se_fit**2 / mu0
    if transform == "none":
        se, exponent = np.sqrt(mu0 * tau), 1.0
    elif transform == "1/2":
        se, exponent = np.sqrt(tau / 4), 0.5
    elif transform == "2/3":
        se, exponent = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau), 2 / 3
    else:
        raise BadSeries("transform", 'the transformation is "none", "1/2" or "2/3"')
    z = stats.norm.ppf(1 - alpha)
    bounds = sorted((mu0**exponent + sign * z * se) ** (1 / exponent) if mu0**exponent + sign * z * se >= 0
                    else 0.0 for sign in (-1, 1))
    lower, upper = max(0.0, bounds[0]), bounds[1]
    prob = stats.norm.sf(y**exponent, loc=mu0**exponent, scale=se)
    return Threshold(lower, upper, float(prob), float((y - mu0) / (upper - mu0)))


def noufaily_threshold(eta0: float, se_eta0: float, phi: float, *, alpha: float = 0.05, y: float,
                       method: str = "muan") -> Threshold:
    """Noufaily et al. (2013): negative-binomial quantiles of the predicted mean (log-scale eta0).

    "muan" takes the (1 - alpha) quantile of the mean's own distribution, "nbPlugin" the mean
    itself. As upstream, the score is measured from eta0 (the linear predictor).
    """
    if method not in ("muan", "nbPlugin"):
        raise BadSeries("method", 'the Noufaily method is "muan" or "nbPlugin"')
    mu = np.exp(eta0) if method == "nbPlugin" else np.exp(stats.norm.ppf(1 - alpha, loc=eta0, scale=se_eta0))
    if phi > 1:
        distribution = stats.nbinom(mu / (phi - 1), 1 / phi)
    else:
        distribution = stats.poisson(mu)
    lower, upper = max(0.0, distribution.ppf(alpha / 2)), distribution.ppf(1 - alpha / 2)
    prob = distribution.sf(y - 1)
    return Threshold(float(lower), float(upper), float(prob), float((y - eta0) / (upper - eta0)))


@dataclass(frozen=True)
class Cusum:
    upper: np.ndarray
    lower: np.ndarray
    alarm: np.ndarray


def cusum(observed, *, target: float, sd: float, k: float = 0.5, h: float = 4.0) -> Cusum:
    """Two-sided tabular CUSUM of standardised counts: S+ = max(0, S+ + z - k), S- = max(0, S- - z - k).

    An alarm is S+ > h (a rise) or S- > h (a fall); the sums restart at 0 after an alarm.
    """
    y = _counts(observed)
    if not sd > 0:
        raise BadSeries("sd", "the standard deviation must be positive")
    upper, lower = np.zeros(y.size), np.zeros(y.size)
    alarm = np.zeros(y.size, dtype=bool)
    high = low = 0.0
    for t, z in enumerate((y - target) / sd):
        high, low = max(0.0, high + z - k), max(0.0, low - z - k)
        upper[t], lower[t] = high, low
        if high > h or low > h:
            alarm[t] = True
            high = low = 0.0
    return Cusum(upper=upper, lower=lower, alarm=alarm)


def _counts(values) -> np.ndarray:
    y = np.asarray(values, dtype=float)
    if y.ndim != 1 or y.size == 0:
        raise BadSeries("observed", "expected one series of counts")
    if not np.all(np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        raise BadSeries("observed", "counts must be whole numbers, not negative, with no blanks")
    return y
