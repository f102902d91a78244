"""A Poisson log-link GLM by iteratively reweighted least squares, for the quasi-Poisson fits of
the growth rate and of the Farrington method (which only need a couple of columns)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PoissonFit:
    coef: np.ndarray
    mu: np.ndarray
    information: np.ndarray  # X' W diag(mu) X: its inverse times the dispersion is the covariance

    def dispersion(self, y: np.ndarray, weights: np.ndarray | None = None) -> float:
        """Pearson's chi-square over the residual degrees of freedom, at least 1 (quasi-Poisson)."""
        w = np.ones_like(y) if weights is None else weights
        free = max(1, y.size - self.coef.size)
        return max(1.0, float(np.sum(w * (y - self.mu) ** 2 / self.mu) / free))


def poisson_fit(design: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> PoissonFit:
    w = np.ones_like(y, dtype=float) if weights is None else np.asarray(weights, dtype=float)
    coef = np.zeros(design.shape[1])
    coef[0] = np.log(max(np.average(y, weights=w), 1e-8))
    for _ in range(100):
        eta = design @ coef
        mu = np.exp(eta)
        working = eta + (y - mu) / mu
        weighted = design * (w * mu)[:, None]
        step = np.linalg.solve(design.T @ weighted, weighted.T @ working)
        converged = np.max(np.abs(step - coef)) < 1e-10
        coef = step
        if converged:
            break
    mu = np.exp(design @ coef)
    return PoissonFit(coef=coef, mu=mu, information=design.T @ (design * (w * mu)[:, None]))
