"""Data for mixtures of experts: a few regimes, each in charge of a stretch of x.

Regimes are drawn from a softmax gate that is linear in x (the model a mixture of experts
fits), with boundaries between neighbouring regimes at fixed places and a sharpness that
makes each handover take about a unit of x. The planted lines and boundaries are module
constants, so a test can check that a fit recovers them.
"""

from __future__ import annotations

import numpy as np

X_RANGE = (-3.0, 3.0)
SHARPNESS = 4.0  # gate slope difference between neighbouring regimes, per unit of x
# (slope, intercept) of each regime's line, left to right.
LINES = ((1.5, 4.0), (-2.0, 0.0), (1.0, -3.0))
# Boundary (c, a₁, a₂) per region, label 1 where c + a₁x₁ + a₂x₂ > 0; length 2, so `noise` is
# in units of x.
BOUNDARIES = ((1.0, 0.0, 2.0), (0.0, -1.4142, 1.4142), (-1.0, 0.0, -2.0))


def regime_boundaries(k: int) -> np.ndarray:
    """Where regime i hands over to regime i + 1: the range of x cut into k equal parts."""
    low, high = X_RANGE
    return np.linspace(low, high, k + 1)[1:-1]


def planted_gate(k: int) -> np.ndarray:
    """Gate rows (intercept, slope), last row zero: regime i + 1 wins past boundary i."""
    cuts = regime_boundaries(k)
    slopes = SHARPNESS * np.arange(k, dtype=np.float64)
    intercepts = np.concatenate([[0.0], -SHARPNESS * np.cumsum(cuts)])
    gate = np.column_stack([intercepts, slopes])
    return gate - gate[-1]


def _regimes(rng: np.random.Generator, x: np.ndarray, k: int) -> np.ndarray:
    scores = np.column_stack([np.ones_like(x), x]) @ planted_gate(k).T
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = rng.uniform(size=(len(x), 1))
    return np.minimum((u > np.cumsum(p, axis=1)).sum(axis=1), k - 1)


def lines(n_samples: int = 300, n_regimes: int = 3, noise: float = 0.3, seed: int = 0):
    """Points (x, y) with y = aᵢx + bᵢ + noise in regime i; labels: the regimes."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(*X_RANGE, size=n_samples)
    regime = _regimes(rng, x, n_regimes)
    slope, intercept = np.asarray(LINES[:n_regimes]).T
    y = slope[regime] * x + intercept[regime] + noise * rng.standard_normal(n_samples)
    return np.column_stack([x, y]), regime


def boundaries(n_samples: int = 300, n_regimes: int = 2, noise: float = 0.2, seed: int = 0):
    """2-D points with a class label whose boundary depends on the region of x₁: in region i
    the label is 1 with probability σ((cᵢ + aᵢ·x) / noise) (0 noise: a hard boundary)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(*X_RANGE, size=(n_samples, 2))
    regime = _regimes(rng, X[:, 0], n_regimes)
    planes = np.asarray(BOUNDARIES[:n_regimes])
    score = planes[regime, 0] + (planes[regime, 1:] * X).sum(axis=1)
    score += noise * rng.logistic(size=n_samples)
    return X, (score > 0).astype(np.int64)
