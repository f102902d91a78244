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
from .glm import poisson_fit


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


@dataclass(frozen=True)
class FarringtonResult:
    index: np.ndarray
    expected: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray
    trend: np.ndarray  # whether the time trend was kept for that period


def farrington_flexible(observed, *, b: int = 3, w: int = 3, freq: int = 52, alpha: float = 0.05,
                        reweight: bool = True, weights_threshold: float = 2.58, trend: bool = True,
                        p_threshold_trend: float = 0.05, threshold_method: str = "delta",
                        limit54: tuple[int, int] = (5, 4)) -> FarringtonResult:
    """The improved Farrington method (Noufaily et al. 2013) as surveillance::farringtonFlexible with one period.

    For each period with b years of history: the counts b years back, w periods either side, are
    fitted by a quasi-Poisson GLM with a time trend (kept only if significant at
    `p_threshold_trend`, b >= 3 and the prediction does not exceed the largest baseline count);
    baseline outbreaks are down-weighted by their Anscombe residuals above `weights_threshold`;
    the threshold is Farrington's ("delta", 2/3-power) or Noufaily's ("muan", "nbPlugin"). As
    upstream's limit54, no alarm is raised with fewer than 5 cases in the last 4 periods.
    """
    y = _counts(observed)
    if threshold_method not in ("delta", "muan", "nbPlugin"):
        raise BadSeries("threshold_method", 'the threshold method is "delta", "muan" or "nbPlugin"')
    first = b * freq + w
    if first >= y.size:
        raise BadSeries("observed", f"{b} years of {freq} periods and {w} more are needed before the first check")
    index = np.arange(first, y.size)
    expected, upper, kept = (np.empty(index.size) for _ in range(3))
    for position, t in enumerate(index):
        reference = np.array([t - year * freq + shift for year in range(1, b + 1) for shift in range(-w, w + 1)])
        mu0, se_fit, eta0, se_eta, phi, with_trend = _farrington_fit(
            y[reference].astype(float), reference.astype(float), float(t), b=b, reweight=reweight,
            weights_threshold=weights_threshold, trend=trend, p_threshold_trend=p_threshold_trend)
        if threshold_method == "delta":
            bound = farrington_threshold(mu0, se_fit, phi, alpha=alpha, y=y[t], transform="2/3").upper
        else:
            bound = noufaily_threshold(eta0, se_eta, phi, alpha=alpha, y=y[t], method=threshold_method).upper
        expected[position], upper[position], kept[position] = mu0, bound, with_trend
    cases, periods = limit54
    recent = np.array([y[max(0, t - periods + 1): t + 1].sum() for t in index])
    alarm = (y[index] > upper) & (recent >= cases)
    return FarringtonResult(index=index, expected=expected, upperbound=upper, alarm=alarm, trend=kept.astype(bool))


def _farrington_fit(y, time, now, *, b, reweight, weights_threshold, trend, p_threshold_trend):
    def fit(with_trend: bool):
        design = np.column_stack([np.ones_like(time), time] if with_trend else [np.ones_like(time)])
        weights = np.ones_like(y)
        result = poisson_fit(design, y)
        phi = result.dispersion(y)
        if reweight:
            leverage = np.einsum("ij,jk,ik->i", design * result.mu[:, None], np.linalg.inv(result.information), design)
            anscombe = 1.5 * (y ** (2 / 3) * result.mu ** (-1 / 6) - result.mu ** 0.5) / np.sqrt(
                phi * np.clip(1 - leverage, 1e-8, None))
            outlying = anscombe > weights_threshold
            weights = np.ones_like(y)
            weights[outlying] = anscombe[outlying] ** -2.0
            weights *= y.size / weights.sum()
            result = poisson_fit(design, y, weights)
            phi = result.dispersion(y, weights)
        point = np.array([1.0, now] if with_trend else [1.0])
        covariance = np.linalg.inv(result.information) * phi
        eta0 = float(point @ result.coef)
        se_eta = float(np.sqrt(point @ covariance @ point))
        return result, covariance, eta0, se_eta, phi

    with_trend = trend and b >= 3
    result, covariance, eta0, se_eta, phi = fit(with_trend)
    if with_trend:
        z = result.coef[1] / np.sqrt(covariance[1, 1])
        significant = 2 * stats.norm.sf(abs(z)) < p_threshold_trend
        if not (significant and np.exp(eta0) <= y.max()):
            with_trend = False
            result, covariance, eta0, se_eta, phi = fit(False)
    mu0 = float(np.exp(eta0))
    return mu0, mu0 * se_eta, eta0, se_eta, phi, with_trend
