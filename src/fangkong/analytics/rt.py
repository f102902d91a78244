"""The time-varying reproduction number R_t, as Cori et al. (2013) and EpiEstim 3.0 compute it.

For each sliding window [t_start, t_end] (1-based, inclusive, as EpiEstim numbers days), with a
Gamma(shape=a, scale=b) prior on R (a = (mean_prior/std_prior)^2, b = std_prior^2/mean_prior):

    posterior shape = a + sum of local cases in the window
    posterior scale = 1 / (1/b + sum of Lambda_t in the window)
    Lambda_t        = sum_{s>=1} I_{t-s} w_s, with I = local + imported cases

The first day's cases are counted as imported (nobody here infected them), and the serial
interval is EpiEstim's `discr_si`: a gamma offset by one day, discretised on whole days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import special, stats

from .errors import BadSeries

QUANTILES = {"q025": 0.025, "median": 0.5, "q975": 0.975}


def discretised_si(days: int, mean: float, sd: float) -> np.ndarray:
    """EpiEstim `discr_si(0:(days-1), mean, sd)`: P(serial interval = k days) for k = 0..days-1."""
    if not mean > 1:
        raise BadSeries("si_mean", "the mean serial interval must be more than 1 day (it is offset by one day)")
    if not sd > 0:
        raise BadSeries("si_sd", "the serial interval's standard deviation must be positive")
    shape, scale = ((mean - 1) / sd) ** 2, sd**2 / (mean - 1)
    k = np.arange(days, dtype=float)

    def cdf(x, a):
        return stats.gamma.cdf(x, a, scale=scale)

    w = k * cdf(k, shape) + (k - 2) * cdf(k - 2, shape) - 2 * (k - 1) * cdf(k - 1, shape)
    w += shape * scale * (2 * cdf(k - 1, shape + 1) - cdf(k - 2, shape + 1) - cdf(k, shape + 1))
    return np.maximum(w, 0.0)


@dataclass(frozen=True)
class RtMatrix:
    """Estimates for many places: each array is (places x windows); windows are shared."""

    t_start: np.ndarray
    t_end: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    q025: np.ndarray
    median: np.ndarray
    q975: np.ndarray

    def frame(self, place: int = 0) -> pl.DataFrame:
        return pl.DataFrame({"t_start": self.t_start, "t_end": self.t_end, "mean": self.mean[place],
                             "std": self.std[place], "q025": self.q025[place], "median": self.median[place],
                             "q975": self.q975[place]})


def estimate_rt(incidence, *, si_mean: float | None = None, si_sd: float | None = None, si_distr=None,
                window: int = 7, imported=None, mean_prior: float = 5, std_prior: float = 5) -> pl.DataFrame:
    """R_t for one series of daily counts: one row per window (t_start, t_end, mean, std, q025, median, q975).

    Give either `si_mean` and `si_sd` (parametric serial interval, EpiEstim "parametric_si") or
    `si_distr` (the probabilities of 0, 1, 2, ... days, EpiEstim "non_parametric_si").
    """
    local = _counts(incidence, "incidence")[None, :]
    extra = None if imported is None else _counts(imported, "imported")[None, :]
    return estimate_rt_many(local, si_mean=si_mean, si_sd=si_sd, si_distr=si_distr, window=window, imported=extra,
                            mean_prior=mean_prior, std_prior=std_prior).frame(0)


def estimate_rt_many(incidence, *, si_mean: float | None = None, si_sd: float | None = None, si_distr=None,
                     window: int = 7, imported=None, mean_prior: float = 5,
                     std_prior: float = 5) -> RtMatrix:
    """R_t for many places at once: `incidence` is (places x days); all places share the days."""
    local = _counts(incidence, "incidence", dims=2).copy()
    places, days = local.shape
    extra = np.zeros_like(local) if imported is None else _counts(imported, "imported", dims=2).copy()
    if extra.shape != local.shape:
        raise BadSeries("imported", "imported cases must cover the same places and days as the incidence")
    if not isinstance(window, (int, np.integer)) or window < 1:
        raise BadSeries("window", "the window is a whole number of days, at least 1")
    if window > days - 1:
        raise BadSeries("window", f"a window of {window} days is longer than the {days} days after the first")
    if not (mean_prior > 0 and std_prior > 0):
        raise BadSeries("mean_prior", "the prior's mean and standard deviation must be positive")
    w = _serial_interval(days, si_mean, si_sd, si_distr)
    # Day 1: nobody observed infected these cases, so they count as imported.
    extra[:, 0] += local[:, 0]
    local[:, 0] = 0
    total = local + extra
    # Lambda_t = sum_{s=1}^{t-1} w_s I_{t-s} (0-based t), as one matrix product over all places.
    lags = np.arange(days)[None, :] - np.arange(days)[:, None]  # lags[u, t] = t - u
    kernel = np.where(lags > 0, w[np.clip(lags, 0, days - 1)], 0.0)
    infectiousness = total @ kernel
    t_start = np.arange(2, days - window + 2)  # 1-based, as EpiEstim's default
    t_end = t_start + window - 1
    local_sums = _window_sums(local, t_start, t_end)
    lambda_sums = _window_sums(infectiousness, t_start, t_end)
    prior_shape, prior_scale = (mean_prior / std_prior) ** 2, std_prior**2 / mean_prior
    shape = prior_shape + local_sums
    scale = 1.0 / (1.0 / prior_scale + lambda_sums)
    # Shapes are the prior plus whole numbers of cases, so few distinct values recur across places
    # and windows: invert the gamma once per distinct shape (exact, and ~10x fewer inversions).
    distinct, position = np.unique(shape, return_inverse=True)
    position = position.reshape(shape.shape)
    quantiles = {name: special.gammaincinv(distinct, q)[position] * scale for name, q in QUANTILES.items()}
    return RtMatrix(t_start=t_start, t_end=t_end, mean=shape * scale, std=np.sqrt(shape) * scale, **quantiles)


def _window_sums(values: np.ndarray, t_start: np.ndarray, t_end: np.ndarray) -> np.ndarray:
    running = np.concatenate([np.zeros((values.shape[0], 1)), np.cumsum(values, axis=1)], axis=1)
    return running[:, t_end] - running[:, t_start - 1]


def _serial_interval(days: int, si_mean, si_sd, si_distr) -> np.ndarray:
    if si_distr is not None:
        given = np.asarray(si_distr, dtype=float)
        if given.ndim != 1 or given.size < 2 or np.any(given < 0) or given[0] != 0:
            raise BadSeries("si_distr", "the serial interval is probabilities for 0, 1, 2 ... days, starting with 0")
        if abs(given.sum() - 1) > 1e-6:
            raise BadSeries("si_distr", "the serial interval's probabilities must sum to 1")
        w = np.zeros(days)
        w[: min(days, given.size)] = given[:days]
        return w
    if si_mean is None or si_sd is None:
        raise BadSeries("si_mean", "give si_mean and si_sd, or si_distr")
    return discretised_si(days, float(si_mean), float(si_sd))


def _counts(values, field: str, dims: int = 1) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != dims:
        raise BadSeries(field, "expected one series of daily counts" if dims == 1 else "expected places x days")
    if array.shape[-1] < 2:
        raise BadSeries(field, "at least two days of counts are needed")
    if not np.all(np.isfinite(array)):
        raise BadSeries(field, "counts must be numbers (no blanks or NaN)")
    if np.any(array < 0):
        raise BadSeries(field, "counts cannot be negative")
    if np.any(array != np.round(array)):
        raise BadSeries(field, "counts must be whole numbers")
    return array
